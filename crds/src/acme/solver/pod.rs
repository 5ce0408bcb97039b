//! The pod template of the HTTP-01 solvers: the part of a Pod a user may
//! override on the solver pods cert-manager runs (metadata, scheduling,
//! resources, security context). Everything else of the Pod is
//! cert-manager's.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, LocalObjectReference, SELinuxOptions, SeccompProfile, Sysctl, Toleration,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::IntOrString;

/// Overrides for the solver pods of an HTTP-01 solver.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverHttp01IngressPodTemplate {
    /// Labels and annotations added to the pods, overriding cert-manager's
    /// own where they collide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AcmeChallengeSolverHttp01IngressPodObjectMeta>,
    /// Overrides of the pod spec; only the fields modelled here are applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<AcmeChallengeSolverHttp01IngressPodSpec>,
}

/// The metadata that may be set on a solver pod: labels and annotations
/// only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverHttp01IngressPodObjectMeta {
    /// Annotations added to the solver pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Labels added to the solver pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
}

/// The subset of a PodSpec that may be overridden on solver pods; these
/// fields mean what they mean in a Pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverHttp01IngressPodSpec {
    /// Node labels the pod's node must carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Scheduling constraints of the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// Taints the pod tolerates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub tolerations: Option<Vec<Toleration>>,
    /// PriorityClass of the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,
    /// ServiceAccount the pod runs as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Secrets used to pull the solver image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub image_pull_secrets: Option<Vec<LocalObjectReference>>,
    /// Security context of the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<AcmeChallengeSolverHttp01IngressPodSecurityContext>,
    /// Compute resources of the solver container, replacing the operator's
    /// defaults. Limits below the default requests make the pod invalid, so
    /// set requests too when lowering limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<AcmeChallengeSolverHttp01IngressPodResources>,
}

/// Requests and limits of the solver container: a Kubernetes
/// ResourceRequirements without `claims`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverHttp01IngressPodResources {
    /// Maximum amount of each resource the container may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "resource_list")]
    pub limits: Option<BTreeMap<String, IntOrString>>,
    /// Amount of each resource reserved for the container; defaults to the
    /// limit when only that is set, else to the operator's defaults. Cannot
    /// exceed the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "resource_list")]
    pub requests: Option<BTreeMap<String, IntOrString>>,
}

/// The subset of a PodSecurityContext that may be set on solver pods; these
/// fields mean what they mean in a Pod (none applies to Windows pods).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallengeSolverHttp01IngressPodSecurityContext {
    /// SELinux context applied to all containers.
    #[serde(default, rename = "seLinuxOptions", skip_serializing_if = "Option::is_none")]
    pub se_linux_options: Option<SELinuxOptions>,
    /// UID the containers run as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    /// Primary GID the containers run as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<i64>,
    /// Require the containers to run as a non-root user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    /// Groups added to the first process of each container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub supplemental_groups: Option<Vec<i64>>,
    /// Group owning the pod's volumes that support ownership management.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_group: Option<i64>,
    /// Namespaced sysctls set for the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub sysctls: Option<Vec<Sysctl>>,
    /// When volume ownership is changed to `fsGroup`: `OnRootMismatch` or
    /// `Always` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_group_change_policy: Option<String>,
    /// Seccomp profile of the containers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seccomp_profile: Option<SeccompProfile>,
}

/// A Kubernetes ResourceList as cert-manager's CRD declares it: resource
/// names to quantities, each an integer or a string matching the quantity
/// pattern. controller-gen also spells out `anyOf: [integer, string]`, which
/// `x-kubernetes-int-or-string` already means and kube's structural rewrite
/// would reduce to `anyOf: [{}, {}]`, so it is left out.
fn resource_list(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "additionalProperties": {
            "pattern": r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$",
            "x-kubernetes-int-or-string": true,
        },
    })
}
