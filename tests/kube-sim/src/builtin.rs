//! The built-in kinds kube-sim serves, in the real API server's shape
//! (group, version, plural, short names, scope, subresources), and the order
//! in which the real server lists its groups.

use crate::registry::{ALL_VERBS, ResourceType, Source};

/// Built-in API groups in the order kube-apiserver lists them (its
/// APIService priorities), the core group first.
pub const GROUP_ORDER: &[&str] = &[
    "",
    "apiregistration.k8s.io",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "resource.k8s.io",
];

struct Spec {
    group: &'static str,
    plural: &'static str,
    kind: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
    status: bool,
    generation: bool,
    categories: &'static [&'static str],
}

const fn spec(group: &'static str, plural: &'static str, kind: &'static str, namespaced: bool) -> Spec {
    Spec {
        group,
        plural,
        kind,
        namespaced,
        short: &[],
        status: false,
        generation: false,
        categories: &[],
    }
}

const NAMESPACED: bool = true;
const CLUSTER: bool = false;

/// The built-in kinds.
pub fn types() -> Vec<ResourceType> {
    let specs = [
        Spec {
            short: &["ns"],
            status: true,
            ..spec("", "namespaces", "Namespace", CLUSTER)
        },
        spec("", "secrets", "Secret", NAMESPACED),
        Spec {
            short: &["cm"],
            ..spec("", "configmaps", "ConfigMap", NAMESPACED)
        },
        Spec {
            short: &["svc"],
            status: true,
            categories: &["all"],
            ..spec("", "services", "Service", NAMESPACED)
        },
        Spec {
            short: &["ep"],
            ..spec("", "endpoints", "Endpoints", NAMESPACED)
        },
        Spec {
            short: &["sa"],
            ..spec("", "serviceaccounts", "ServiceAccount", NAMESPACED)
        },
        Spec {
            short: &["po"],
            status: true,
            categories: &["all"],
            ..spec("", "pods", "Pod", NAMESPACED)
        },
        Spec {
            short: &["ev"],
            ..spec("", "events", "Event", NAMESPACED)
        },
        Spec {
            short: &["ev"],
            ..spec("events.k8s.io", "events", "Event", NAMESPACED)
        },
        spec("coordination.k8s.io", "leases", "Lease", NAMESPACED),
        Spec {
            short: &["ing"],
            status: true,
            generation: true,
            ..spec("networking.k8s.io", "ingresses", "Ingress", NAMESPACED)
        },
        spec("networking.k8s.io", "ingressclasses", "IngressClass", CLUSTER),
        spec("discovery.k8s.io", "endpointslices", "EndpointSlice", NAMESPACED),
        Spec {
            short: &["deploy"],
            status: true,
            generation: true,
            categories: &["all"],
            ..spec("apps", "deployments", "Deployment", NAMESPACED)
        },
        Spec {
            short: &["ds"],
            status: true,
            generation: true,
            categories: &["all"],
            ..spec("apps", "daemonsets", "DaemonSet", NAMESPACED)
        },
        spec("rbac.authorization.k8s.io", "roles", "Role", NAMESPACED),
        spec(
            "rbac.authorization.k8s.io",
            "rolebindings",
            "RoleBinding",
            NAMESPACED,
        ),
        spec(
            "rbac.authorization.k8s.io",
            "clusterroles",
            "ClusterRole",
            CLUSTER,
        ),
        spec(
            "rbac.authorization.k8s.io",
            "clusterrolebindings",
            "ClusterRoleBinding",
            CLUSTER,
        ),
        Spec {
            short: &["crd", "crds"],
            status: true,
            generation: true,
            ..spec(
                "apiextensions.k8s.io",
                "customresourcedefinitions",
                "CustomResourceDefinition",
                CLUSTER,
            )
        },
    ];
    let mut types: Vec<ResourceType> = specs
        .iter()
        .map(|s| ResourceType {
            group: s.group.into(),
            version: "v1".into(),
            plural: s.plural.into(),
            singular: s.kind.to_lowercase(),
            kind: s.kind.into(),
            list_kind: format!("{}List", s.kind),
            namespaced: s.namespaced,
            short_names: s.short.iter().map(|s| s.to_string()).collect(),
            categories: s.categories.iter().map(|s| s.to_string()).collect(),
            status: s.status,
            generation: s.generation,
            verbs: ALL_VERBS.to_vec(),
            printer_columns: Vec::new(),
            selectable_fields: Vec::new(),
            source: Source::Builtin,
        })
        .collect();
    // Create-only review resources, for `kubectl auth can-i` and `whoami`.
    for (group, plural, kind) in [
        (
            "authorization.k8s.io",
            "selfsubjectaccessreviews",
            "SelfSubjectAccessReview",
        ),
        (
            "authorization.k8s.io",
            "subjectaccessreviews",
            "SubjectAccessReview",
        ),
        (
            "authorization.k8s.io",
            "selfsubjectrulesreviews",
            "SelfSubjectRulesReview",
        ),
        ("authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview"),
    ] {
        types.push(ResourceType {
            group: group.into(),
            version: "v1".into(),
            plural: plural.into(),
            singular: kind.to_lowercase(),
            kind: kind.into(),
            list_kind: format!("{kind}List"),
            namespaced: false,
            short_names: Vec::new(),
            categories: Vec::new(),
            status: false,
            generation: false,
            verbs: vec!["create"],
            printer_columns: Vec::new(),
            selectable_fields: Vec::new(),
            source: Source::Builtin,
        });
    }
    types
}

/// Whether a type is one of the create-only review resources, which are
/// evaluated and answered, never stored.
pub fn is_review(rt: &ResourceType) -> bool {
    rt.verbs == ["create"]
}
