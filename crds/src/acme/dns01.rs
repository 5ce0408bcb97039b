//! DNS-01 solving (RFC 8555 §8.4): cert-manager publishes the challenge's
//! TXT record at `_acme-challenge.<domain>` through one DNS provider's API.
//! Each provider's configuration lives in its own submodule.

pub mod acmedns;
pub mod akamai;
pub mod azuredns;
pub mod clouddns;
pub mod cloudflare;
pub mod digitalocean;
pub mod rfc2136;
pub mod route53;
pub mod webhook;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use acmedns::AcmeIssuerDns01ProviderAcmeDns;
pub use akamai::AcmeIssuerDns01ProviderAkamai;
pub use azuredns::{
    AcmeIssuerDns01ProviderAzureDns, AzureDnsEnvironment, AzureDnsZoneType, AzureManagedIdentity,
};
pub use clouddns::AcmeIssuerDns01ProviderCloudDns;
pub use cloudflare::AcmeIssuerDns01ProviderCloudflare;
pub use digitalocean::AcmeIssuerDns01ProviderDigitalOcean;
pub use rfc2136::{AcmeIssuerDns01ProviderRfc2136, Rfc2136UpdateProtocol};
pub use route53::{AcmeIssuerDns01ProviderRoute53, Route53Auth, Route53KubernetesAuth, ServiceAccountRef};
pub use webhook::AcmeIssuerDns01ProviderWebhook;

/// A DNS-01 solver: how to treat CNAMEs, and exactly one DNS provider.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverDns01 {
    /// Whether to follow a CNAME found at the challenge record's name to
    /// find the zone to update; `None` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cname_strategy: Option<CnameStrategy>,
    /// Akamai Edge DNS (Zone Record Management API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub akamai: Option<AcmeIssuerDns01ProviderAkamai>,
    /// Google Cloud DNS.
    #[serde(default, rename = "cloudDNS", skip_serializing_if = "Option::is_none")]
    pub cloud_dns: Option<AcmeIssuerDns01ProviderCloudDns>,
    /// Cloudflare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudflare: Option<AcmeIssuerDns01ProviderCloudflare>,
    /// AWS Route 53.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route53: Option<AcmeIssuerDns01ProviderRoute53>,
    /// Microsoft Azure DNS.
    #[serde(default, rename = "azureDNS", skip_serializing_if = "Option::is_none")]
    pub azure_dns: Option<AcmeIssuerDns01ProviderAzureDns>,
    /// DigitalOcean Domains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digitalocean: Option<AcmeIssuerDns01ProviderDigitalOcean>,
    /// An acme-dns server (<https://github.com/joohoi/acme-dns>).
    #[serde(default, rename = "acmeDNS", skip_serializing_if = "Option::is_none")]
    pub acme_dns: Option<AcmeIssuerDns01ProviderAcmeDns>,
    /// Any nameserver accepting RFC 2136 dynamic updates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfc2136: Option<AcmeIssuerDns01ProviderRfc2136>,
    /// An external solver reached through a webhook API server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<AcmeIssuerDns01ProviderWebhook>,
}

/// How a DNS-01 solver treats a CNAME at the challenge record's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum CnameStrategy {
    /// Ignore CNAMEs: update the zone of the challenge name itself.
    None,
    /// Follow CNAMEs and update the zone they lead to, so that
    /// `_acme-challenge` can be delegated to a less privileged zone.
    Follow,
}

#[cfg(test)]
mod tests;
