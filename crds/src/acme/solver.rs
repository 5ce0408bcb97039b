//! Challenge solvers of an ACME issuer: which identifiers a solver applies
//! to ([`CertificateDnsNameSelector`]) and how it answers the challenge,
//! HTTP-01 (RFC 8555 §8.3) through an Ingress or a Gateway API HTTPRoute, or
//! DNS-01 (§8.4) through one of the [`dns01`](super::dns01) providers.

pub mod gateway;
pub mod ingress;
pub mod pod;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dns01::AcmeChallengeSolverDns01;

pub use gateway::{AcmeChallengeSolverHttp01GatewayHttpRoute, ParentReference};
pub use ingress::{
    AcmeChallengeSolverHttp01Ingress, AcmeChallengeSolverHttp01IngressObjectMeta,
    AcmeChallengeSolverHttp01IngressTemplate,
};
pub use pod::{
    AcmeChallengeSolverHttp01IngressPodObjectMeta, AcmeChallengeSolverHttp01IngressPodResources,
    AcmeChallengeSolverHttp01IngressPodSecurityContext, AcmeChallengeSolverHttp01IngressPodSpec,
    AcmeChallengeSolverHttp01IngressPodTemplate,
};

/// One way of solving ACME challenges, for the identifiers its selector
/// matches. Exactly one of `http01` and `dns01` must be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolver {
    /// The Certificates and DNS names this solver applies to. Without it the
    /// solver is the default, used only when no other solver matches more
    /// specifically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<CertificateDnsNameSelector>,
    /// Solve HTTP-01 challenges (RFC 8555 §8.3). Cannot validate wildcard
    /// names such as `*.example.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http01: Option<AcmeChallengeSolverHttp01>,
    /// Solve DNS-01 challenges (RFC 8555 §8.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns01: Option<AcmeChallengeSolverDns01>,
}

/// Selects Certificates by label and, optionally, DNS names within them. An
/// empty selector matches every Certificate and every name.
///
/// Among matching solvers an exact `dnsNames` match beats a `dnsZones`
/// match, a longer zone beats a shorter one, then more matching labels win,
/// then the solver listed first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateDnsNameSelector {
    /// Labels a Certificate must carry for this solver to apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<BTreeMap<String, String>>,
    /// Exact DNS names this solver solves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub dns_names: Option<Vec<String>>,
    /// DNS zones whose names (the zone and its subdomains) this solver
    /// solves; the most specific zone wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub dns_zones: Option<Vec<String>>,
}

/// HTTP-01 solving inside the cluster: cert-manager runs solver pods that
/// serve the key authorization and routes the ACME server's requests to them
/// through an Ingress or an HTTPRoute. At most one of the two may be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverHttp01 {
    /// Route `/.well-known/acme-challenge/<token>` to the solver pods by
    /// creating Ingresses, or by editing an existing one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<AcmeChallengeSolverHttp01Ingress>,
    /// Route the challenge path to the solver pods with Gateway API
    /// HTTPRoutes created in the Challenge's namespace (experimental).
    #[serde(default, rename = "gatewayHTTPRoute", skip_serializing_if = "Option::is_none")]
    pub gateway_http_route: Option<AcmeChallengeSolverHttp01GatewayHttpRoute>,
}

#[cfg(test)]
mod tests;
