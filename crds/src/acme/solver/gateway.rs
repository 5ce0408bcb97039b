//! The Gateway API flavour of the HTTP-01 solver: cert-manager creates an
//! HTTPRoute per challenge, attached to the parents named here, that sends
//! the challenge path to its solver pods.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::pod::AcmeChallengeSolverHttp01IngressPodTemplate;

/// A DNS subdomain (RFC 1123), as the Gateway API validates group and
/// section names.
const DNS_SUBDOMAIN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// HTTP-01 solving through Gateway API HTTPRoutes (experimental in
/// cert-manager: fields and behaviour may change).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverHttp01GatewayHttpRoute {
    /// Type of the Service in front of the solver pods, `NodePort` (the
    /// default) or `ClusterIP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
    /// Labels put on the created HTTPRoutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Parents (usually Gateways) the created HTTPRoutes attach to; see
    /// <https://gateway-api.sigs.k8s.io/api-types/httproute/#attaching-to-gateways>.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub parent_refs: Option<Vec<ParentReference>>,
    /// Overrides for the solver pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_template: Option<AcmeChallengeSolverHttp01IngressPodTemplate>,
}

/// The Gateway API's reference from a route to its parent: a Gateway (a
/// listener of it with `sectionName` or `port`), or a Service for mesh
/// routes. Mirrors `gateway.networking.k8s.io/v1` `ParentReference`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParentReference {
    /// API group of the parent; `gateway.networking.k8s.io` when unset, and
    /// `""` (explicitly) for the core group, e.g. for a Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(max = 253),
        regex(pattern = r"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"),
        extend("default" = "gateway.networking.k8s.io")
    )]
    pub group: Option<String>,
    /// Kind of the parent; `Gateway` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(min = 1, max = 63),
        regex(pattern = r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"),
        extend("default" = "Gateway")
    )]
    pub kind: Option<String>,
    /// Name of the parent.
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// Namespace of the parent; the route's own when unset. Crossing
    /// namespaces must be allowed by the parent (e.g. a Gateway's
    /// `allowedRoutes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(min = 1, max = 63),
        regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    )]
    pub namespace: Option<String>,
    /// Port of the parent to attach to: the Gateway listeners on that port,
    /// or a Service port. Set only when the route must be bound to a port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<i32>,
    /// Section of the parent to attach to: a Gateway listener name or a
    /// Service port name; the whole parent when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253), regex(pattern = DNS_SUBDOMAIN))]
    pub section_name: Option<String>,
}
