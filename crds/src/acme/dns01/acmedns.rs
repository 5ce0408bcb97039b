//! The acme-dns provider of DNS-01 (<https://github.com/joohoi/acme-dns>):
//! a small DNS server whose `_acme-challenge` records the real zone
//! delegates to by CNAME.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// An acme-dns server and the accounts registered on it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerDns01ProviderAcmeDns {
    /// URL of the acme-dns server's API.
    pub host: String,
    /// Secret entry holding the JSON map from domain to acme-dns account
    /// (username, password, subdomain), as written by acme-dns clients.
    pub account_secret_ref: SecretKeySelector,
}
