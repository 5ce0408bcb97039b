//! The Akamai Edge DNS provider of DNS-01, which writes challenge records
//! through Akamai's Zone Record Management API with EdgeGrid credentials.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// Akamai Edge DNS: the API host and the three EdgeGrid credentials, each
/// read from a Secret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerDns01ProviderAkamai {
    /// The EdgeGrid API host (`akab-….luna.akamaiapis.net`).
    pub service_consumer_domain: String,
    /// Secret entry holding the EdgeGrid client token.
    pub client_token_secret_ref: SecretKeySelector,
    /// Secret entry holding the EdgeGrid client secret.
    pub client_secret_secret_ref: SecretKeySelector,
    /// Secret entry holding the EdgeGrid access token.
    pub access_token_secret_ref: SecretKeySelector,
}
