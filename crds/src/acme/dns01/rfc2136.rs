//! The RFC 2136 provider of DNS-01: dynamic updates sent straight to an
//! authoritative nameserver, optionally signed with TSIG (RFC 8945).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// A nameserver accepting RFC 2136 dynamic updates. `tsigKeyName` and
/// `tsigSecretSecretRef` go together.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerDns01ProviderRfc2136 {
    /// The nameserver as `host[:port]`, an IPv6 host in brackets
    /// (`[2001:db8::1]:53`).
    pub nameserver: String,
    /// Secret entry holding the TSIG key.
    #[serde(
        default,
        rename = "tsigSecretSecretRef",
        skip_serializing_if = "Option::is_none"
    )]
    pub tsig_secret_secret_ref: Option<SecretKeySelector>,
    /// Name of the TSIG key, as configured on the nameserver.
    #[serde(default, rename = "tsigKeyName", skip_serializing_if = "Option::is_none")]
    pub tsig_key_name: Option<String>,
    /// TSIG algorithm, case-insensitive: `HMACMD5` (the default),
    /// `HMACSHA1`, `HMACSHA256` or `HMACSHA512`.
    #[serde(default, rename = "tsigAlgorithm", skip_serializing_if = "Option::is_none")]
    pub tsig_algorithm: Option<String>,
    /// Transport of the updates; `UDP` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Rfc2136UpdateProtocol>,
}

/// Transport of RFC 2136 updates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Rfc2136UpdateProtocol {
    /// DNS over TCP.
    #[serde(rename = "TCP")]
    Tcp,
    /// DNS over UDP.
    #[serde(rename = "UDP")]
    Udp,
}
