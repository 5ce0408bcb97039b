//! Legacy `certmanager.k8s.io/v1alpha1` (cert-manager before 0.8): Issuer,
//! ClusterIssuer and Certificate, in the shapes the walkthrough's manifests use.
//!
//! The types follow cert-manager 0.7, the last release whose Certificate
//! carries the per-domain solver list `spec.acme.config[]` and whose issuers
//! have no `solvers`; every issuer type and DNS01 provider of that release is
//! modelled, so a legacy manifest deserializes and serializes back unchanged.
//! The Rust root types are prefixed `Legacy` ([`LegacyIssuer`],
//! [`LegacyClusterIssuer`], [`LegacyCertificate`]) because the v1 API has
//! kinds of the same names; the Kubernetes kinds keep their names.

pub mod acme;
pub mod certificate;
pub mod condition;
pub mod dns01;
pub mod issuer;
pub mod vault;
pub mod venafi;

#[cfg(test)]
mod tests;

pub use acme::{
    LegacyAcmeIssuer, LegacyAcmeIssuerDns01Config, LegacyAcmeIssuerDns01Provider,
    LegacyAcmeIssuerHttp01Config, LegacyAcmeIssuerStatus, LegacyCnameStrategy, LegacyServiceType,
};
pub use certificate::{
    LegacyAcmeCertificateConfig, LegacyCertificate, LegacyCertificateSpec, LegacyCertificateStatus,
    LegacyDns01SolverConfig, LegacyDomainSolverConfig, LegacyHttp01SolverConfig, LegacyKeyAlgorithm,
    LegacyKeyEncoding, LegacyObjectReference,
};
pub use condition::LegacyCondition;
pub use dns01::{
    LegacyDns01ProviderAcmeDns, LegacyDns01ProviderAkamai, LegacyDns01ProviderAzureDns,
    LegacyDns01ProviderCloudDns, LegacyDns01ProviderCloudflare, LegacyDns01ProviderDigitalOcean,
    LegacyDns01ProviderRfc2136, LegacyDns01ProviderRoute53,
};
pub use issuer::{
    LegacyCaIssuer, LegacyClusterIssuer, LegacyClusterIssuerSpec, LegacyIssuer, LegacyIssuerConfig,
    LegacyIssuerSpec, LegacyIssuerStatus, LegacySelfSignedIssuer,
};
pub use vault::{LegacyVaultAppRole, LegacyVaultAuth, LegacyVaultIssuer};
pub use venafi::{LegacyVenafiCloud, LegacyVenafiIssuer, LegacyVenafiTpp};
