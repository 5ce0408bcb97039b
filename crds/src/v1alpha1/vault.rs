//! The legacy Vault issuer (`spec.vault`): certificates signed by a HashiCorp
//! Vault PKI role, authenticating with a token or an AppRole. Shapes follow
//! cert-manager 0.7's `types_issuer.go`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// Signs certificates with a Vault PKI role.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyVaultIssuer {
    /// How to authenticate to Vault.
    pub auth: LegacyVaultAuth,
    /// Server is the Vault connection address (`https://vault.example:8200`).
    pub server: String,
    /// The Vault path of the signing role (`pki/sign/example-dot-com`).
    pub path: String,
    /// Base64-encoded PEM bundle of the CAs trusted to verify Vault's serving
    /// certificate over HTTPS. Unset: the system trust store is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "byte"))]
    pub ca_bundle: Option<String>,
}

/// Vault authentication: a token used as is, or an AppRole exchanged for
/// one. Exactly one should be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyVaultAuth {
    /// The Secret entry holding a Vault token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_secret_ref: Option<SecretKeySelector>,
    /// An AppRole to log in with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_role: Option<LegacyVaultAppRole>,
}

/// A Vault AppRole login.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyVaultAppRole {
    /// Where the AppRole authentication backend is mounted (`approle`).
    pub path: String,
    /// The AppRole's role ID.
    pub role_id: String,
    /// The Secret entry holding the AppRole's secret ID.
    pub secret_ref: SecretKeySelector,
}
