//! The DNS providers of the legacy ACME issuer's DNS01 solver
//! (`spec.acme.dns01.providers[]`), each with the credentials it reads from
//! Secrets. Field names are cert-manager 0.7's JSON names, some of which are
//! not camelCase (`accessKeyID`, `hostedZoneID`, `clientID`, …).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// Akamai FastDNS, through the Zone Record Management API (EdgeGrid
/// credentials).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDns01ProviderAkamai {
    /// The EdgeGrid host (`akab-….luna.akamaiapis.net`).
    pub service_consumer_domain: String,
    /// The EdgeGrid client token.
    pub client_token_secret_ref: SecretKeySelector,
    /// The EdgeGrid client secret.
    pub client_secret_secret_ref: SecretKeySelector,
    /// The EdgeGrid access token.
    pub access_token_secret_ref: SecretKeySelector,
}

/// Google Cloud DNS.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDns01ProviderCloudDns {
    /// The JSON key of a service account allowed to edit the zone. Unset:
    /// the ambient credentials of the operator are used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_secret_ref: Option<SecretKeySelector>,
    /// The Google Cloud project of the zone.
    pub project: String,
}

/// Cloudflare, with a global API key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDns01ProviderCloudflare {
    /// The email address of the Cloudflare account.
    pub email: String,
    /// The account's global API key.
    pub api_key_secret_ref: SecretKeySelector,
}

/// DigitalOcean Domains.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDns01ProviderDigitalOcean {
    /// A DigitalOcean API token with write access.
    pub token_secret_ref: SecretKeySelector,
}

/// AWS Route 53.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDns01ProviderRoute53 {
    /// The AWS access key ID. Unset (with `secretAccessKeySecretRef`): the
    /// ambient credentials of the operator are used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "accessKeyID")]
    pub access_key_id: Option<String>,
    /// The AWS secret access key matching `accessKeyID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_access_key_secret_ref: Option<SecretKeySelector>,
    /// The hosted zone to update. Unset: found from the domain name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "hostedZoneID")]
    pub hosted_zone_id: Option<String>,
    /// An IAM role to assume before updating the zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The AWS region of the API endpoint.
    pub region: String,
}

/// Azure DNS, with a service principal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDns01ProviderAzureDns {
    /// The service principal's application (client) ID.
    #[serde(rename = "clientID")]
    pub client_id: String,
    /// The service principal's client secret.
    pub client_secret_secret_ref: SecretKeySelector,
    /// The Azure subscription of the zone.
    #[serde(rename = "subscriptionID")]
    pub subscription_id: String,
    /// The Azure AD tenant of the service principal.
    #[serde(rename = "tenantID")]
    pub tenant_id: String,
    /// The resource group of the zone.
    pub resource_group_name: String,
    /// The DNS zone to update. Unset: found from the domain name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_zone_name: Option<String>,
}

/// An acme-dns server (<https://github.com/joohoi/acme-dns>).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDns01ProviderAcmeDns {
    /// The acme-dns server's URL.
    pub host: String,
    /// A JSON document mapping each domain to its acme-dns account.
    pub account_secret_ref: SecretKeySelector,
}

/// A DNS server accepting RFC 2136 dynamic updates, optionally signed with
/// TSIG (RFC 2845).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDns01ProviderRfc2136 {
    /// The IP address (not a name) of the DNS server, optionally with a port.
    pub nameserver: String,
    /// The TSIG secret; required when `tsigKeyName` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsig_secret_secret_ref: Option<SecretKeySelector>,
    /// The TSIG key name; required when `tsigSecretSecretRef` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsig_key_name: Option<String>,
    /// The TSIG algorithm, case-insensitive: `HMACMD5` (the default),
    /// `HMACSHA1`, `HMACSHA256` or `HMACSHA512`. Kept as written, since any
    /// case is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsig_algorithm: Option<String>,
}
