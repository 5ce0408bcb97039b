//! The ACME issuer (`spec.acme` of an Issuer or ClusterIssuer): which ACME
//! server to talk to, the account registered there (RFC 8555 §7.3, with
//! external account binding, §7.3.4) and the solvers that answer its
//! challenges; and what the operator records of that account in
//! `status.acme`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::solver::AcmeChallengeSolver;
use crate::meta::SecretKeySelector;

/// Configuration of an issuer that obtains certificates from an RFC 8555
/// (ACME v2) server by completing challenges that prove control of each
/// identifier. Pre-RFC draft servers are not supported.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuer {
    /// Email address of the ACME account, used by the CA to contact the
    /// owner (e.g. expiry notices). Optional but recommended; may change
    /// after registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// URL of the ACME server's directory, e.g.
    /// `https://acme-staging-v02.api.letsencrypt.org/directory`.
    pub server: String,
    /// Common name of the root-most issuer of the chain to prefer when the
    /// server offers alternate chains (RFC 8555 §7.4.2). Only a preference:
    /// the server may not offer it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 64))]
    pub preferred_chain: Option<String>,
    /// Base64-encoded PEM bundle of the CAs trusted to verify the ACME
    /// server's TLS certificate, instead of the system bundle. Mutually
    /// exclusive with `skipTLSVerify`.
    #[serde(default, rename = "caBundle", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "byte"))]
    pub ca_bundle: Option<String>,
    /// INSECURE: do not verify the ACME server's TLS certificate. For
    /// development only; mutually exclusive with `caBundle`. Defaults to
    /// false.
    #[serde(default, rename = "skipTLSVerify", skip_serializing_if = "Option::is_none")]
    pub skip_tls_verify: Option<bool>,
    /// Credentials of an account the CA already knows, bound to the ACME
    /// account when it is registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_account_binding: Option<AcmeExternalAccountBinding>,
    /// Secret holding the ACME account's private key (generated there unless
    /// `disableAccountKeyGeneration`); `key` defaults to `tls.key`.
    pub private_key_secret_ref: SecretKeySelector,
    /// The challenge solvers, the most specific matching one being used for
    /// each identifier. Certificates need at least one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub solvers: Option<Vec<AcmeChallengeSolver>>,
    /// When true, never generate an account key: the one in
    /// `privateKeySecretRef` must already exist. Defaults to false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_account_key_generation: Option<bool>,
    /// When true, ask for a `notAfter` matching the Certificate's duration
    /// (RFC 8555 §7.4). Servers that do not support it (such as Let's
    /// Encrypt) fail the Order. Defaults to false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_duration_feature: Option<bool>,
    /// Certificate profile to request, among those the server lists in its
    /// directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// An external account of the CA to bind to the ACME account at
/// registration (RFC 8555 §7.3.4).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeExternalAccountBinding {
    /// Identifier of the CA's key for the external account.
    #[serde(rename = "keyID")]
    pub key_id: String,
    /// Secret entry holding the binding's MAC key, as unpadded base64url. The
    /// selector's `key` names the Secret entry; it is neither the MAC key
    /// nor `keyID`.
    pub key_secret_ref: SecretKeySelector,
    /// Deprecated and ignored: the MAC algorithm is always HS256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_algorithm: Option<HmacKeyAlgorithm>,
}

/// The MAC algorithm of an external account binding (deprecated field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum HmacKeyAlgorithm {
    /// HMAC with SHA-256.
    #[serde(rename = "HS256")]
    Hs256,
    /// HMAC with SHA-384.
    #[serde(rename = "HS384")]
    Hs384,
    /// HMAC with SHA-512.
    #[serde(rename = "HS512")]
    Hs512,
}

/// What the operator knows of the ACME account it registered for an issuer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerStatus {
    /// The account URL: its unique identifier at the CA, usable to fetch the
    /// account (RFC 8555 §7.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Email of the account as last registered, to notice when `email`
    /// changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_registered_email: Option<String>,
    /// Hash of the account key as last registered, to notice when the key
    /// changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_private_key_hash: Option<String>,
}

#[cfg(test)]
mod tests;
