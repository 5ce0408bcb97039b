//! `apps/v1` Deployment and `networking.k8s.io/v1` Ingress
//! (`k8s.io/api/apps/v1` and `networking/v1` `generated.proto` and
//! `types.go`).

use super::message::{Msg, Ty, inline, keep, list, list_keep, omit, ptr, ptr_keep};
use super::meta::{LABEL_SELECTOR, OBJECT_META};
use super::pod::POD_TEMPLATE_SPEC;

/// `apps/v1.Deployment`.
pub(super) static DEPLOYMENT: Msg = Msg {
    name: "Deployment",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        omit(2, "spec", Ty::Msg(&DEPLOYMENT_SPEC)),
        omit(3, "status", Ty::Msg(&DEPLOYMENT_STATUS)),
    ],
};

static DEPLOYMENT_SPEC: Msg = Msg {
    name: "DeploymentSpec",
    fields: &[
        ptr(1, "replicas", Ty::Int32),
        ptr_keep(2, "selector", Ty::Msg(&LABEL_SELECTOR)),
        keep(3, "template", Ty::Msg(&POD_TEMPLATE_SPEC)),
        omit(4, "strategy", Ty::Msg(&DEPLOYMENT_STRATEGY)),
        omit(5, "minReadySeconds", Ty::Int32),
        ptr(6, "revisionHistoryLimit", Ty::Int32),
        omit(7, "paused", Ty::Bool),
        ptr(9, "progressDeadlineSeconds", Ty::Int32),
    ],
};

static DEPLOYMENT_STRATEGY: Msg = Msg {
    name: "DeploymentStrategy",
    fields: &[
        omit(1, "type", Ty::Str),
        ptr(2, "rollingUpdate", Ty::Msg(&ROLLING_UPDATE)),
    ],
};

static ROLLING_UPDATE: Msg = Msg {
    name: "RollingUpdateDeployment",
    fields: &[
        ptr(1, "maxUnavailable", Ty::IntOrString),
        ptr(2, "maxSurge", Ty::IntOrString),
    ],
};

static DEPLOYMENT_STATUS: Msg = Msg {
    name: "DeploymentStatus",
    fields: &[
        omit(1, "observedGeneration", Ty::Int64),
        omit(2, "replicas", Ty::Int32),
        omit(3, "updatedReplicas", Ty::Int32),
        omit(7, "readyReplicas", Ty::Int32),
        omit(4, "availableReplicas", Ty::Int32),
        omit(5, "unavailableReplicas", Ty::Int32),
        ptr(9, "terminatingReplicas", Ty::Int32),
        list(6, "conditions", Ty::Msg(&DEPLOYMENT_CONDITION)),
        ptr(8, "collisionCount", Ty::Int32),
    ],
};

static DEPLOYMENT_CONDITION: Msg = Msg {
    name: "DeploymentCondition",
    fields: &[
        keep(1, "type", Ty::Str),
        keep(2, "status", Ty::Str),
        omit(6, "lastUpdateTime", Ty::Time),
        omit(7, "lastTransitionTime", Ty::Time),
        omit(4, "reason", Ty::Str),
        omit(5, "message", Ty::Str),
    ],
};

/// `networking.k8s.io/v1.Ingress`.
pub(super) static INGRESS: Msg = Msg {
    name: "Ingress",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        omit(2, "spec", Ty::Msg(&INGRESS_SPEC)),
        omit(3, "status", Ty::Msg(&INGRESS_STATUS)),
    ],
};

static INGRESS_SPEC: Msg = Msg {
    name: "IngressSpec",
    fields: &[
        ptr(4, "ingressClassName", Ty::Str),
        ptr(1, "defaultBackend", Ty::Msg(&INGRESS_BACKEND)),
        list(2, "tls", Ty::Msg(&INGRESS_TLS)),
        list(3, "rules", Ty::Msg(&INGRESS_RULE)),
    ],
};

static INGRESS_BACKEND: Msg = Msg {
    name: "IngressBackend",
    fields: &[
        ptr(4, "service", Ty::Msg(&INGRESS_SERVICE_BACKEND)),
        ptr(3, "resource", Ty::Msg(&TYPED_LOCAL_OBJECT_REFERENCE)),
    ],
};

static INGRESS_SERVICE_BACKEND: Msg = Msg {
    name: "IngressServiceBackend",
    fields: &[
        keep(1, "name", Ty::Str),
        omit(2, "port", Ty::Msg(&SERVICE_BACKEND_PORT)),
    ],
};

static SERVICE_BACKEND_PORT: Msg = Msg {
    name: "ServiceBackendPort",
    fields: &[omit(1, "name", Ty::Str), omit(2, "number", Ty::Int32)],
};

static TYPED_LOCAL_OBJECT_REFERENCE: Msg = Msg {
    name: "TypedLocalObjectReference",
    fields: &[
        ptr_keep(1, "apiGroup", Ty::Str),
        keep(2, "kind", Ty::Str),
        keep(3, "name", Ty::Str),
    ],
};

static INGRESS_TLS: Msg = Msg {
    name: "IngressTLS",
    fields: &[list(1, "hosts", Ty::Str), omit(2, "secretName", Ty::Str)],
};

static INGRESS_RULE: Msg = Msg {
    name: "IngressRule",
    fields: &[omit(1, "host", Ty::Str), inline(2, &INGRESS_RULE_VALUE)],
};

static INGRESS_RULE_VALUE: Msg = Msg {
    name: "IngressRuleValue",
    fields: &[ptr(1, "http", Ty::Msg(&HTTP_INGRESS_RULE_VALUE))],
};

static HTTP_INGRESS_RULE_VALUE: Msg = Msg {
    name: "HTTPIngressRuleValue",
    fields: &[list_keep(1, "paths", Ty::Msg(&HTTP_INGRESS_PATH))],
};

static HTTP_INGRESS_PATH: Msg = Msg {
    name: "HTTPIngressPath",
    fields: &[
        omit(1, "path", Ty::Str),
        ptr_keep(3, "pathType", Ty::Str),
        keep(2, "backend", Ty::Msg(&INGRESS_BACKEND)),
    ],
};

static INGRESS_STATUS: Msg = Msg {
    name: "IngressStatus",
    fields: &[omit(1, "loadBalancer", Ty::Msg(&INGRESS_LOAD_BALANCER_STATUS))],
};

static INGRESS_LOAD_BALANCER_STATUS: Msg = Msg {
    name: "IngressLoadBalancerStatus",
    fields: &[list(1, "ingress", Ty::Msg(&INGRESS_LOAD_BALANCER_INGRESS))],
};

static INGRESS_LOAD_BALANCER_INGRESS: Msg = Msg {
    name: "IngressLoadBalancerIngress",
    fields: &[
        omit(1, "ip", Ty::Str),
        omit(2, "hostname", Ty::Str),
        list(4, "ports", Ty::Msg(&INGRESS_PORT_STATUS)),
    ],
};

static INGRESS_PORT_STATUS: Msg = Msg {
    name: "IngressPortStatus",
    fields: &[
        keep(1, "port", Ty::Int32),
        keep(2, "protocol", Ty::Str),
        ptr(3, "error", Ty::Str),
    ],
};
