//! `v1` (core) kinds that `kubectl create` sends (`k8s.io/api/core/v1`
//! `generated.proto` and `types.go`): Namespace, Secret, ConfigMap,
//! ServiceAccount and Service, with the references they use.

use super::message::{Msg, Ty, keep, list, omit, ptr};
use super::meta::{CONDITION, OBJECT_META};

/// `metadata`, always written (Go never omits a struct).
const METADATA: super::message::Field = omit(1, "metadata", Ty::Msg(&OBJECT_META));

/// `v1.Namespace`.
pub(super) static NAMESPACE: Msg = Msg {
    name: "Namespace",
    fields: &[
        METADATA,
        omit(2, "spec", Ty::Msg(&NAMESPACE_SPEC)),
        omit(3, "status", Ty::Msg(&NAMESPACE_STATUS)),
    ],
};

static NAMESPACE_SPEC: Msg = Msg {
    name: "NamespaceSpec",
    fields: &[list(1, "finalizers", Ty::Str)],
};

static NAMESPACE_STATUS: Msg = Msg {
    name: "NamespaceStatus",
    fields: &[
        omit(1, "phase", Ty::Str),
        list(2, "conditions", Ty::Msg(&NAMESPACE_CONDITION)),
    ],
};

static NAMESPACE_CONDITION: Msg = Msg {
    name: "NamespaceCondition",
    fields: &[
        keep(1, "type", Ty::Str),
        keep(2, "status", Ty::Str),
        omit(4, "lastTransitionTime", Ty::Time),
        omit(5, "reason", Ty::Str),
        omit(6, "message", Ty::Str),
    ],
};

/// `v1.Secret`: `data` values are bytes, base64 in JSON.
pub(super) static SECRET: Msg = Msg {
    name: "Secret",
    fields: &[
        METADATA,
        ptr(5, "immutable", Ty::Bool),
        omit(2, "data", Ty::MapBytes),
        omit(4, "stringData", Ty::MapStr),
        omit(3, "type", Ty::Str),
    ],
};

/// `v1.ConfigMap`.
pub(super) static CONFIG_MAP: Msg = Msg {
    name: "ConfigMap",
    fields: &[
        METADATA,
        ptr(4, "immutable", Ty::Bool),
        omit(2, "data", Ty::MapStr),
        omit(3, "binaryData", Ty::MapBytes),
    ],
};

/// `v1.ServiceAccount`.
pub(super) static SERVICE_ACCOUNT: Msg = Msg {
    name: "ServiceAccount",
    fields: &[
        METADATA,
        list(2, "secrets", Ty::Msg(&OBJECT_REFERENCE)),
        list(3, "imagePullSecrets", Ty::Msg(&LOCAL_OBJECT_REFERENCE)),
        ptr(4, "automountServiceAccountToken", Ty::Bool),
    ],
};

/// `v1.ObjectReference`.
pub(super) static OBJECT_REFERENCE: Msg = Msg {
    name: "ObjectReference",
    fields: &[
        omit(1, "kind", Ty::Str),
        omit(2, "namespace", Ty::Str),
        omit(3, "name", Ty::Str),
        omit(4, "uid", Ty::Str),
        omit(5, "apiVersion", Ty::Str),
        omit(6, "resourceVersion", Ty::Str),
        omit(7, "fieldPath", Ty::Str),
    ],
};

/// `v1.LocalObjectReference`, also embedded inline in key selectors.
pub(super) static LOCAL_OBJECT_REFERENCE: Msg = Msg {
    name: "LocalObjectReference",
    fields: &[omit(1, "name", Ty::Str)],
};

/// `v1.Service`.
pub(super) static SERVICE: Msg = Msg {
    name: "Service",
    fields: &[
        METADATA,
        omit(2, "spec", Ty::Msg(&SERVICE_SPEC)),
        omit(3, "status", Ty::Msg(&SERVICE_STATUS)),
    ],
};

static SERVICE_SPEC: Msg = Msg {
    name: "ServiceSpec",
    fields: &[
        list(1, "ports", Ty::Msg(&SERVICE_PORT)),
        omit(2, "selector", Ty::MapStr),
        omit(3, "clusterIP", Ty::Str),
        list(18, "clusterIPs", Ty::Str),
        omit(4, "type", Ty::Str),
        list(5, "externalIPs", Ty::Str),
        omit(7, "sessionAffinity", Ty::Str),
        omit(8, "loadBalancerIP", Ty::Str),
        list(9, "loadBalancerSourceRanges", Ty::Str),
        omit(10, "externalName", Ty::Str),
        omit(11, "externalTrafficPolicy", Ty::Str),
        omit(12, "healthCheckNodePort", Ty::Int32),
        omit(13, "publishNotReadyAddresses", Ty::Bool),
        ptr(14, "sessionAffinityConfig", Ty::Msg(&SESSION_AFFINITY_CONFIG)),
        list(19, "ipFamilies", Ty::Str),
        ptr(17, "ipFamilyPolicy", Ty::Str),
        ptr(20, "allocateLoadBalancerNodePorts", Ty::Bool),
        ptr(21, "loadBalancerClass", Ty::Str),
        ptr(22, "internalTrafficPolicy", Ty::Str),
        ptr(23, "trafficDistribution", Ty::Str),
    ],
};

static SERVICE_PORT: Msg = Msg {
    name: "ServicePort",
    fields: &[
        omit(1, "name", Ty::Str),
        omit(2, "protocol", Ty::Str),
        ptr(6, "appProtocol", Ty::Str),
        keep(3, "port", Ty::Int32),
        omit(4, "targetPort", Ty::IntOrString),
        omit(5, "nodePort", Ty::Int32),
    ],
};

static SESSION_AFFINITY_CONFIG: Msg = Msg {
    name: "SessionAffinityConfig",
    fields: &[ptr(1, "clientIP", Ty::Msg(&CLIENT_IP_CONFIG))],
};

static CLIENT_IP_CONFIG: Msg = Msg {
    name: "ClientIPConfig",
    fields: &[ptr(1, "timeoutSeconds", Ty::Int32)],
};

static SERVICE_STATUS: Msg = Msg {
    name: "ServiceStatus",
    fields: &[
        omit(1, "loadBalancer", Ty::Msg(&LOAD_BALANCER_STATUS)),
        list(2, "conditions", Ty::Msg(&CONDITION)),
    ],
};

static LOAD_BALANCER_STATUS: Msg = Msg {
    name: "LoadBalancerStatus",
    fields: &[list(1, "ingress", Ty::Msg(&LOAD_BALANCER_INGRESS))],
};

static LOAD_BALANCER_INGRESS: Msg = Msg {
    name: "LoadBalancerIngress",
    fields: &[
        omit(1, "ip", Ty::Str),
        omit(2, "hostname", Ty::Str),
        ptr(3, "ipMode", Ty::Str),
        list(4, "ports", Ty::Msg(&PORT_STATUS)),
    ],
};

static PORT_STATUS: Msg = Msg {
    name: "PortStatus",
    fields: &[
        keep(1, "port", Ty::Int32),
        keep(2, "protocol", Ty::Str),
        ptr(3, "error", Ty::Str),
    ],
};
