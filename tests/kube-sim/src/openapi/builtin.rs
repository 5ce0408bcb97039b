//! The Rust type (from k8s-openapi, whose `schemars::JsonSchema` impls carry
//! the schemas and the definition names the real server uses) of each
//! built-in kind kube-sim may serve, looked up by group, version and kind.

use k8s_openapi::api::{
    admissionregistration, apps, authentication, authorization, autoscaling, batch, certificates,
    coordination, core, discovery, events, networking, policy, rbac, scheduling, storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration;
use schemars::{JsonSchema, SchemaGenerator};

/// A built-in kind's schema: its definition name and how to add it (and
/// everything it references) to a generator.
pub(super) struct Builtin {
    /// The definition name (`io.k8s.api.core.v1.Secret`).
    pub(super) name: String,
    /// Adds the schema and its dependencies to the generator.
    pub(super) add: fn(&mut SchemaGenerator),
}

impl Builtin {
    fn of<T: JsonSchema>() -> Self {
        fn add<T: JsonSchema>(generator: &mut SchemaGenerator) {
            generator.subschema_for::<T>();
        }
        Self {
            name: T::schema_name().into_owned(),
            add: add::<T>,
        }
    }
}

macro_rules! builtin_table {
    ($($group:literal $version:literal $kind:literal => $ty:ty,)*) => {
        /// The schema of a built-in kind, if kube-sim knows its Rust type.
        pub(super) fn lookup(group: &str, version: &str, kind: &str) -> Option<Builtin> {
            match (group, version, kind) {
                $(($group, $version, $kind) => Some(Builtin::of::<$ty>()),)*
                _ => None,
            }
        }
    };
}

builtin_table! {
    "" "v1" "Namespace" => core::v1::Namespace,
    "" "v1" "Secret" => core::v1::Secret,
    "" "v1" "ConfigMap" => core::v1::ConfigMap,
    "" "v1" "Service" => core::v1::Service,
    "" "v1" "Endpoints" => core::v1::Endpoints,
    "" "v1" "ServiceAccount" => core::v1::ServiceAccount,
    "" "v1" "Pod" => core::v1::Pod,
    "" "v1" "PodTemplate" => core::v1::PodTemplate,
    "" "v1" "Event" => core::v1::Event,
    "" "v1" "Node" => core::v1::Node,
    "" "v1" "PersistentVolume" => core::v1::PersistentVolume,
    "" "v1" "PersistentVolumeClaim" => core::v1::PersistentVolumeClaim,
    "" "v1" "ReplicationController" => core::v1::ReplicationController,
    "" "v1" "ResourceQuota" => core::v1::ResourceQuota,
    "" "v1" "LimitRange" => core::v1::LimitRange,
    "apiregistration.k8s.io" "v1" "APIService" => apiregistration::v1::APIService,
    "apps" "v1" "Deployment" => apps::v1::Deployment,
    "apps" "v1" "DaemonSet" => apps::v1::DaemonSet,
    "apps" "v1" "StatefulSet" => apps::v1::StatefulSet,
    "apps" "v1" "ReplicaSet" => apps::v1::ReplicaSet,
    "apps" "v1" "ControllerRevision" => apps::v1::ControllerRevision,
    "events.k8s.io" "v1" "Event" => events::v1::Event,
    "authentication.k8s.io" "v1" "SelfSubjectReview" => authentication::v1::SelfSubjectReview,
    "authentication.k8s.io" "v1" "TokenReview" => authentication::v1::TokenReview,
    "authorization.k8s.io" "v1" "SelfSubjectAccessReview" => authorization::v1::SelfSubjectAccessReview,
    "authorization.k8s.io" "v1" "SelfSubjectRulesReview" => authorization::v1::SelfSubjectRulesReview,
    "authorization.k8s.io" "v1" "SubjectAccessReview" => authorization::v1::SubjectAccessReview,
    "authorization.k8s.io" "v1" "LocalSubjectAccessReview" => authorization::v1::LocalSubjectAccessReview,
    "autoscaling" "v1" "HorizontalPodAutoscaler" => autoscaling::v1::HorizontalPodAutoscaler,
    "autoscaling" "v2" "HorizontalPodAutoscaler" => autoscaling::v2::HorizontalPodAutoscaler,
    "batch" "v1" "Job" => batch::v1::Job,
    "batch" "v1" "CronJob" => batch::v1::CronJob,
    "certificates.k8s.io" "v1" "CertificateSigningRequest" => certificates::v1::CertificateSigningRequest,
    "networking.k8s.io" "v1" "Ingress" => networking::v1::Ingress,
    "networking.k8s.io" "v1" "IngressClass" => networking::v1::IngressClass,
    "networking.k8s.io" "v1" "NetworkPolicy" => networking::v1::NetworkPolicy,
    "policy" "v1" "PodDisruptionBudget" => policy::v1::PodDisruptionBudget,
    "rbac.authorization.k8s.io" "v1" "Role" => rbac::v1::Role,
    "rbac.authorization.k8s.io" "v1" "RoleBinding" => rbac::v1::RoleBinding,
    "rbac.authorization.k8s.io" "v1" "ClusterRole" => rbac::v1::ClusterRole,
    "rbac.authorization.k8s.io" "v1" "ClusterRoleBinding" => rbac::v1::ClusterRoleBinding,
    "storage.k8s.io" "v1" "StorageClass" => storage::v1::StorageClass,
    "admissionregistration.k8s.io" "v1" "ValidatingWebhookConfiguration" => admissionregistration::v1::ValidatingWebhookConfiguration,
    "admissionregistration.k8s.io" "v1" "MutatingWebhookConfiguration" => admissionregistration::v1::MutatingWebhookConfiguration,
    "apiextensions.k8s.io" "v1" "CustomResourceDefinition" => apiextensions::v1::CustomResourceDefinition,
    "scheduling.k8s.io" "v1" "PriorityClass" => scheduling::v1::PriorityClass,
    "coordination.k8s.io" "v1" "Lease" => coordination::v1::Lease,
    "discovery.k8s.io" "v1" "EndpointSlice" => discovery::v1::EndpointSlice,
}
