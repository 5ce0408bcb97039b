//! The Cloudflare provider of DNS-01.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// Cloudflare, authenticated by an API token (recommended, scoped) or by a
/// global API key with the account's email. One of `apiTokenSecretRef` and
/// `apiKeySecretRef` must be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerDns01ProviderCloudflare {
    /// Email of the Cloudflare account; needed only with an API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Secret entry holding a global API key. Prefer an API token, whose
    /// permissions can be restricted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_secret_ref: Option<SecretKeySelector>,
    /// Secret entry holding an API token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_token_secret_ref: Option<SecretKeySelector>,
}
