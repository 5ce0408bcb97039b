//! The DigitalOcean Domains provider of DNS-01.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// DigitalOcean Domains, authenticated by an API token.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerDns01ProviderDigitalOcean {
    /// Secret entry holding the DigitalOcean API token.
    pub token_secret_ref: SecretKeySelector,
}
