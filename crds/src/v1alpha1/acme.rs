//! The legacy ACME issuer (`spec.acme` of a `certmanager.k8s.io/v1alpha1`
//! Issuer or ClusterIssuer): the ACME account, and the HTTP01 and DNS01
//! solvers that Certificates pick per domain in their `spec.acme.config[]`.
//! Shapes follow cert-manager 0.7's `types_issuer.go`; the DNS01 provider
//! configurations are in [`super::dns01`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dns01::{
    LegacyDns01ProviderAcmeDns, LegacyDns01ProviderAkamai, LegacyDns01ProviderAzureDns,
    LegacyDns01ProviderCloudDns, LegacyDns01ProviderCloudflare, LegacyDns01ProviderDigitalOcean,
    LegacyDns01ProviderRfc2136, LegacyDns01ProviderRoute53,
};
use crate::meta::SecretKeySelector;

/// An ACME issuer: the account on an RFC 8555 server and the solvers it
/// offers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyAcmeIssuer {
    /// Email is the email for this account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Server is the ACME server's directory URL.
    pub server: String,
    /// If true, skip verifying the ACME server TLS certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "skipTLSVerify")]
    pub skip_tls_verify: Option<bool>,
    /// The Secret holding the private key of this ACME account (created when
    /// missing).
    pub private_key_secret_ref: SecretKeySelector,
    /// Enables the HTTP01 solver; `http01: {}` is the usual form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http01: Option<LegacyAcmeIssuerHttp01Config>,
    /// Enables the DNS01 solver, with its named providers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns01: Option<LegacyAcmeIssuerDns01Config>,
}

/// Options of the HTTP01 solver. Empty (`{}`) in most manifests; it stays
/// empty when serialized back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyAcmeIssuerHttp01Config {
    /// The type of the Kubernetes Service created for the solver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<LegacyServiceType>,
}

/// The Service types cert-manager 0.7 accepts for the HTTP01 solver Service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum LegacyServiceType {
    /// A cluster-internal virtual IP.
    ClusterIP,
    /// A port on every node (cert-manager 0.7's default).
    #[default]
    NodePort,
}

/// The DNS01 solver: named providers that Certificates refer to with
/// `spec.acme.config[].dns01.provider`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyAcmeIssuerDns01Config {
    /// The DNS providers of this issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers: Option<Vec<LegacyAcmeIssuerDns01Provider>>,
}

/// A named DNS provider. Exactly one provider configuration should be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyAcmeIssuerDns01Provider {
    /// Name of the provider, used to reference this configuration from
    /// Certificate resources.
    pub name: String,
    /// How the provider handles CNAME records found in DNS zones; `None` when
    /// unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cname_strategy: Option<LegacyCnameStrategy>,
    /// Akamai FastDNS (Zone Record Management API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub akamai: Option<LegacyDns01ProviderAkamai>,
    /// Google Cloud DNS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "clouddns")]
    pub cloud_dns: Option<LegacyDns01ProviderCloudDns>,
    /// Cloudflare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudflare: Option<LegacyDns01ProviderCloudflare>,
    /// AWS Route 53.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route53: Option<LegacyDns01ProviderRoute53>,
    /// Azure DNS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "azuredns")]
    pub azure_dns: Option<LegacyDns01ProviderAzureDns>,
    /// DigitalOcean Domains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "digitalocean")]
    pub digital_ocean: Option<LegacyDns01ProviderDigitalOcean>,
    /// An acme-dns server (<https://github.com/joohoi/acme-dns>).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "acmedns")]
    pub acme_dns: Option<LegacyDns01ProviderAcmeDns>,
    /// A DNS server accepting RFC 2136 dynamic updates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfc2136: Option<LegacyDns01ProviderRfc2136>,
}

/// How a DNS01 provider handles CNAME records found in DNS zones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum LegacyCnameStrategy {
    /// Do not follow CNAMEs (the default).
    #[default]
    None,
    /// Follow CNAMEs from `_acme-challenge.<domain>` to find the zone to
    /// update, so that the challenge can be delegated to a less privileged
    /// zone.
    Follow,
}

/// ACME-specific status of a legacy issuer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyAcmeIssuerStatus {
    /// URI is the unique account identifier, which can also be used to
    /// retrieve account details from the CA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}
