//! The legacy Venafi issuer (`spec.venafi`): certificates requested from a
//! Venafi Trust Protection Platform instance or from Venafi Cloud, within a
//! policy zone. Shapes follow cert-manager 0.7's `types_issuer.go`, where the
//! issuer first appeared.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::{LocalObjectReference, SecretKeySelector};

/// Requests certificates from Venafi. Exactly one of `tpp` and `cloud` should
/// be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyVenafiIssuer {
    /// The Venafi policy zone; every request is restricted by its policy.
    pub zone: String,
    /// Venafi Trust Protection Platform settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpp: Option<LegacyVenafiTpp>,
    /// Venafi Cloud settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<LegacyVenafiCloud>,
}

/// A Venafi Trust Protection Platform instance.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyVenafiTpp {
    /// The base URL of the instance's web SDK.
    pub url: String,
    /// A Secret holding the `username` and `password` to log in with.
    pub credentials_ref: LocalObjectReference,
    /// Base64-encoded PEM bundle of the CAs trusted to verify the instance's
    /// serving certificate. Unset: the system trust store is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "byte"))]
    pub ca_bundle: Option<String>,
}

/// Venafi Cloud.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyVenafiCloud {
    /// The base URL of Venafi Cloud's API. cert-manager 0.7 requires it;
    /// later releases default it to the public service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The Secret entry holding the Venafi Cloud API key.
    pub api_token_secret_ref: SecretKeySelector,
}
