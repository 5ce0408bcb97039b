//! The Ingress flavour of the HTTP-01 solver: how cert-manager exposes its
//! solver pods through Kubernetes Ingresses (a new Ingress per challenge, of
//! a given class, or a path added to an existing one).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::pod::AcmeChallengeSolverHttp01IngressPodTemplate;

/// HTTP-01 solving through Ingresses. At most one of `class`, `name` and
/// `ingressClassName` may be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverHttp01Ingress {
    /// Type of the Service in front of the solver pods, `NodePort` (the
    /// default) or `ClusterIP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
    /// `spec.ingressClassName` of the created Ingresses: the recommended way
    /// to choose the ingress controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_class_name: Option<String>,
    /// Value of the legacy `kubernetes.io/ingress.class` annotation on the
    /// created Ingresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Name of an existing Ingress to add the challenge paths to, instead of
    /// creating Ingresses (for controllers such as ingress-gce that tie one
    /// external IP to one Ingress).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Overrides for the solver pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_template: Option<AcmeChallengeSolverHttp01IngressPodTemplate>,
    /// Overrides for the created Ingresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_template: Option<AcmeChallengeSolverHttp01IngressTemplate>,
}

/// Template of the Ingresses created to solve HTTP-01 challenges.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverHttp01IngressTemplate {
    /// Labels and annotations added to the Ingress, overriding cert-manager's
    /// own where they collide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AcmeChallengeSolverHttp01IngressObjectMeta>,
}

/// The metadata that may be set on a solver Ingress: labels and annotations
/// only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverHttp01IngressObjectMeta {
    /// Annotations added to the solver Ingress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Labels added to the solver Ingress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
}
