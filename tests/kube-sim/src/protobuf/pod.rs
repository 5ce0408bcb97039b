//! `v1.Pod`, `v1.PodTemplateSpec` and `v1.PodSpec` (`k8s.io/api/core/v1`
//! `generated.proto` and `types.go`), with the common volume sources
//! (hostPath, emptyDir, secret, configMap, persistentVolumeClaim,
//! downwardAPI, projected). Skipped: `affinity`,
//! `topologySpreadConstraints`, `ephemeralContainers`, `resourceClaims`,
//! `workloadRef`, the other volume sources and most of the pod status.

use super::container::{
    CONTAINER, OBJECT_FIELD_SELECTOR, PROFILE, RESOURCE_FIELD_SELECTOR, RESOURCE_REQUIREMENTS,
};
use super::core::LOCAL_OBJECT_REFERENCE;
use super::message::{Msg, Ty, inline, keep, list, list_keep, omit, ptr};
use super::meta::OBJECT_META;

/// `v1.Pod`.
pub(super) static POD: Msg = Msg {
    name: "Pod",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        omit(2, "spec", Ty::Msg(&POD_SPEC)),
        omit(3, "status", Ty::Msg(&POD_STATUS)),
    ],
};

static POD_STATUS: Msg = Msg {
    name: "PodStatus",
    fields: &[
        omit(17, "observedGeneration", Ty::Int64),
        omit(1, "phase", Ty::Str),
        omit(3, "message", Ty::Str),
        omit(4, "reason", Ty::Str),
        omit(11, "nominatedNodeName", Ty::Str),
        omit(5, "hostIP", Ty::Str),
        omit(6, "podIP", Ty::Str),
        ptr(7, "startTime", Ty::Time),
        omit(9, "qosClass", Ty::Str),
    ],
};

/// `v1.PodTemplateSpec`.
pub(super) static POD_TEMPLATE_SPEC: Msg = Msg {
    name: "PodTemplateSpec",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        omit(2, "spec", Ty::Msg(&POD_SPEC)),
    ],
};

static POD_SPEC: Msg = Msg {
    name: "PodSpec",
    fields: &[
        list(1, "volumes", Ty::Msg(&VOLUME)),
        list(20, "initContainers", Ty::Msg(&CONTAINER)),
        list_keep(2, "containers", Ty::Msg(&CONTAINER)),
        omit(3, "restartPolicy", Ty::Str),
        ptr(4, "terminationGracePeriodSeconds", Ty::Int64),
        ptr(5, "activeDeadlineSeconds", Ty::Int64),
        omit(6, "dnsPolicy", Ty::Str),
        omit(7, "nodeSelector", Ty::MapStr),
        omit(8, "serviceAccountName", Ty::Str),
        omit(9, "serviceAccount", Ty::Str),
        ptr(21, "automountServiceAccountToken", Ty::Bool),
        omit(10, "nodeName", Ty::Str),
        omit(11, "hostNetwork", Ty::Bool),
        omit(12, "hostPID", Ty::Bool),
        omit(13, "hostIPC", Ty::Bool),
        ptr(27, "shareProcessNamespace", Ty::Bool),
        ptr(14, "securityContext", Ty::Msg(&POD_SECURITY_CONTEXT)),
        list(15, "imagePullSecrets", Ty::Msg(&LOCAL_OBJECT_REFERENCE)),
        omit(16, "hostname", Ty::Str),
        omit(17, "subdomain", Ty::Str),
        omit(19, "schedulerName", Ty::Str),
        list(22, "tolerations", Ty::Msg(&TOLERATION)),
        list(23, "hostAliases", Ty::Msg(&HOST_ALIAS)),
        omit(24, "priorityClassName", Ty::Str),
        ptr(25, "priority", Ty::Int32),
        ptr(26, "dnsConfig", Ty::Msg(&POD_DNS_CONFIG)),
        list(28, "readinessGates", Ty::Msg(&POD_READINESS_GATE)),
        ptr(29, "runtimeClassName", Ty::Str),
        ptr(30, "enableServiceLinks", Ty::Bool),
        ptr(31, "preemptionPolicy", Ty::Str),
        omit(32, "overhead", Ty::MapQuantity),
        ptr(35, "setHostnameAsFQDN", Ty::Bool),
        ptr(36, "os", Ty::Msg(&NAMED)),
        ptr(37, "hostUsers", Ty::Bool),
        list(38, "schedulingGates", Ty::Msg(&NAMED)),
        ptr(40, "resources", Ty::Msg(&RESOURCE_REQUIREMENTS)),
        ptr(41, "hostnameOverride", Ty::Str),
    ],
};

/// `PodOS` and `PodSchedulingGate`: a required name.
static NAMED: Msg = Msg {
    name: "Named",
    fields: &[keep(1, "name", Ty::Str)],
};

static POD_SECURITY_CONTEXT: Msg = Msg {
    name: "PodSecurityContext",
    fields: &[
        ptr(2, "runAsUser", Ty::Int64),
        ptr(6, "runAsGroup", Ty::Int64),
        ptr(3, "runAsNonRoot", Ty::Bool),
        list(4, "supplementalGroups", Ty::Int64),
        ptr(12, "supplementalGroupsPolicy", Ty::Str),
        ptr(5, "fsGroup", Ty::Int64),
        list(7, "sysctls", Ty::Msg(&SYSCTL)),
        ptr(9, "fsGroupChangePolicy", Ty::Str),
        ptr(10, "seccompProfile", Ty::Msg(&PROFILE)),
        ptr(11, "appArmorProfile", Ty::Msg(&PROFILE)),
        ptr(13, "seLinuxChangePolicy", Ty::Str),
    ],
};

static SYSCTL: Msg = Msg {
    name: "Sysctl",
    fields: &[keep(1, "name", Ty::Str), keep(2, "value", Ty::Str)],
};

static TOLERATION: Msg = Msg {
    name: "Toleration",
    fields: &[
        omit(1, "key", Ty::Str),
        omit(2, "operator", Ty::Str),
        omit(3, "value", Ty::Str),
        omit(4, "effect", Ty::Str),
        ptr(5, "tolerationSeconds", Ty::Int64),
    ],
};

static HOST_ALIAS: Msg = Msg {
    name: "HostAlias",
    fields: &[keep(1, "ip", Ty::Str), list(2, "hostnames", Ty::Str)],
};

static POD_DNS_CONFIG: Msg = Msg {
    name: "PodDNSConfig",
    fields: &[
        list(1, "nameservers", Ty::Str),
        list(2, "searches", Ty::Str),
        list(3, "options", Ty::Msg(&POD_DNS_CONFIG_OPTION)),
    ],
};

static POD_DNS_CONFIG_OPTION: Msg = Msg {
    name: "PodDNSConfigOption",
    fields: &[omit(1, "name", Ty::Str), ptr(2, "value", Ty::Str)],
};

static POD_READINESS_GATE: Msg = Msg {
    name: "PodReadinessGate",
    fields: &[keep(1, "conditionType", Ty::Str)],
};

static VOLUME: Msg = Msg {
    name: "Volume",
    fields: &[keep(1, "name", Ty::Str), inline(2, &VOLUME_SOURCE)],
};

static VOLUME_SOURCE: Msg = Msg {
    name: "VolumeSource",
    fields: &[
        ptr(1, "hostPath", Ty::Msg(&HOST_PATH)),
        ptr(2, "emptyDir", Ty::Msg(&EMPTY_DIR)),
        ptr(6, "secret", Ty::Msg(&SECRET_VOLUME)),
        ptr(10, "persistentVolumeClaim", Ty::Msg(&PVC_VOLUME)),
        ptr(16, "downwardAPI", Ty::Msg(&DOWNWARD_API_VOLUME)),
        ptr(19, "configMap", Ty::Msg(&CONFIG_MAP_VOLUME)),
        ptr(26, "projected", Ty::Msg(&PROJECTED_VOLUME)),
    ],
};

static HOST_PATH: Msg = Msg {
    name: "HostPathVolumeSource",
    fields: &[keep(1, "path", Ty::Str), ptr(2, "type", Ty::Str)],
};

static EMPTY_DIR: Msg = Msg {
    name: "EmptyDirVolumeSource",
    fields: &[omit(1, "medium", Ty::Str), ptr(2, "sizeLimit", Ty::Quantity)],
};

static SECRET_VOLUME: Msg = Msg {
    name: "SecretVolumeSource",
    fields: &[
        omit(1, "secretName", Ty::Str),
        list(2, "items", Ty::Msg(&KEY_TO_PATH)),
        ptr(3, "defaultMode", Ty::Int32),
        ptr(4, "optional", Ty::Bool),
    ],
};

static PVC_VOLUME: Msg = Msg {
    name: "PersistentVolumeClaimVolumeSource",
    fields: &[keep(1, "claimName", Ty::Str), omit(2, "readOnly", Ty::Bool)],
};

static CONFIG_MAP_VOLUME: Msg = Msg {
    name: "ConfigMapVolumeSource",
    fields: &[
        inline(1, &LOCAL_OBJECT_REFERENCE),
        list(2, "items", Ty::Msg(&KEY_TO_PATH)),
        ptr(3, "defaultMode", Ty::Int32),
        ptr(4, "optional", Ty::Bool),
    ],
};

static KEY_TO_PATH: Msg = Msg {
    name: "KeyToPath",
    fields: &[
        keep(1, "key", Ty::Str),
        keep(2, "path", Ty::Str),
        ptr(3, "mode", Ty::Int32),
    ],
};

static DOWNWARD_API_VOLUME: Msg = Msg {
    name: "DownwardAPIVolumeSource",
    fields: &[
        list(1, "items", Ty::Msg(&DOWNWARD_API_FILE)),
        ptr(2, "defaultMode", Ty::Int32),
    ],
};

static DOWNWARD_API_FILE: Msg = Msg {
    name: "DownwardAPIVolumeFile",
    fields: &[
        keep(1, "path", Ty::Str),
        ptr(2, "fieldRef", Ty::Msg(&OBJECT_FIELD_SELECTOR)),
        ptr(3, "resourceFieldRef", Ty::Msg(&RESOURCE_FIELD_SELECTOR)),
        ptr(4, "mode", Ty::Int32),
    ],
};

static PROJECTED_VOLUME: Msg = Msg {
    name: "ProjectedVolumeSource",
    fields: &[
        list(1, "sources", Ty::Msg(&VOLUME_PROJECTION)),
        ptr(2, "defaultMode", Ty::Int32),
    ],
};

static VOLUME_PROJECTION: Msg = Msg {
    name: "VolumeProjection",
    fields: &[
        ptr(1, "secret", Ty::Msg(&KEY_PROJECTION)),
        ptr(2, "downwardAPI", Ty::Msg(&DOWNWARD_API_PROJECTION)),
        ptr(3, "configMap", Ty::Msg(&KEY_PROJECTION)),
        ptr(4, "serviceAccountToken", Ty::Msg(&TOKEN_PROJECTION)),
    ],
};

/// `SecretProjection` and `ConfigMapProjection`, which share their shape.
static KEY_PROJECTION: Msg = Msg {
    name: "KeyProjection",
    fields: &[
        inline(1, &LOCAL_OBJECT_REFERENCE),
        list(2, "items", Ty::Msg(&KEY_TO_PATH)),
        ptr(4, "optional", Ty::Bool),
    ],
};

static DOWNWARD_API_PROJECTION: Msg = Msg {
    name: "DownwardAPIProjection",
    fields: &[list(1, "items", Ty::Msg(&DOWNWARD_API_FILE))],
};

static TOKEN_PROJECTION: Msg = Msg {
    name: "ServiceAccountTokenProjection",
    fields: &[
        omit(1, "audience", Ty::Str),
        ptr(2, "expirationSeconds", Ty::Int64),
        keep(3, "path", Ty::Str),
    ],
};
