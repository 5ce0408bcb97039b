//! `v1.Container` and what it holds (`k8s.io/api/core/v1` `generated.proto`
//! and `types.go`): ports, environment, resources, volume mounts, probes,
//! lifecycle hooks and the security context. `resizePolicy`,
//! `restartPolicyRules`, `seLinuxOptions`, `windowsOptions` and the
//! `fileKeyRef` env source are skipped.

use super::core::LOCAL_OBJECT_REFERENCE;
use super::message::{Msg, Ty, inline, keep, list, omit, ptr, ptr_keep};

/// `v1.Container` (also the shape of `initContainers`).
pub(super) static CONTAINER: Msg = Msg {
    name: "Container",
    fields: &[
        keep(1, "name", Ty::Str),
        omit(2, "image", Ty::Str),
        list(3, "command", Ty::Str),
        list(4, "args", Ty::Str),
        omit(5, "workingDir", Ty::Str),
        list(6, "ports", Ty::Msg(&CONTAINER_PORT)),
        list(19, "envFrom", Ty::Msg(&ENV_FROM_SOURCE)),
        list(7, "env", Ty::Msg(&ENV_VAR)),
        omit(8, "resources", Ty::Msg(&RESOURCE_REQUIREMENTS)),
        ptr(24, "restartPolicy", Ty::Str),
        list(9, "volumeMounts", Ty::Msg(&VOLUME_MOUNT)),
        list(21, "volumeDevices", Ty::Msg(&VOLUME_DEVICE)),
        ptr(10, "livenessProbe", Ty::Msg(&PROBE)),
        ptr(11, "readinessProbe", Ty::Msg(&PROBE)),
        ptr(22, "startupProbe", Ty::Msg(&PROBE)),
        ptr(12, "lifecycle", Ty::Msg(&LIFECYCLE)),
        omit(13, "terminationMessagePath", Ty::Str),
        omit(20, "terminationMessagePolicy", Ty::Str),
        omit(14, "imagePullPolicy", Ty::Str),
        ptr(15, "securityContext", Ty::Msg(&SECURITY_CONTEXT)),
        omit(16, "stdin", Ty::Bool),
        omit(17, "stdinOnce", Ty::Bool),
        omit(18, "tty", Ty::Bool),
    ],
};

static CONTAINER_PORT: Msg = Msg {
    name: "ContainerPort",
    fields: &[
        omit(1, "name", Ty::Str),
        omit(2, "hostPort", Ty::Int32),
        keep(3, "containerPort", Ty::Int32),
        omit(4, "protocol", Ty::Str),
        omit(5, "hostIP", Ty::Str),
    ],
};

static ENV_FROM_SOURCE: Msg = Msg {
    name: "EnvFromSource",
    fields: &[
        omit(1, "prefix", Ty::Str),
        ptr(2, "configMapRef", Ty::Msg(&ENV_SOURCE)),
        ptr(3, "secretRef", Ty::Msg(&ENV_SOURCE)),
    ],
};

/// `ConfigMapEnvSource` and `SecretEnvSource`, which share their shape.
static ENV_SOURCE: Msg = Msg {
    name: "EnvSource",
    fields: &[inline(1, &LOCAL_OBJECT_REFERENCE), ptr(2, "optional", Ty::Bool)],
};

static ENV_VAR: Msg = Msg {
    name: "EnvVar",
    fields: &[
        keep(1, "name", Ty::Str),
        omit(2, "value", Ty::Str),
        ptr(3, "valueFrom", Ty::Msg(&ENV_VAR_SOURCE)),
    ],
};

static ENV_VAR_SOURCE: Msg = Msg {
    name: "EnvVarSource",
    fields: &[
        ptr(1, "fieldRef", Ty::Msg(&OBJECT_FIELD_SELECTOR)),
        ptr(2, "resourceFieldRef", Ty::Msg(&RESOURCE_FIELD_SELECTOR)),
        ptr(3, "configMapKeyRef", Ty::Msg(&KEY_SELECTOR)),
        ptr(4, "secretKeyRef", Ty::Msg(&KEY_SELECTOR)),
    ],
};

/// `v1.ObjectFieldSelector`.
pub(super) static OBJECT_FIELD_SELECTOR: Msg = Msg {
    name: "ObjectFieldSelector",
    fields: &[omit(1, "apiVersion", Ty::Str), keep(2, "fieldPath", Ty::Str)],
};

/// `v1.ResourceFieldSelector`: `divisor` is a struct, so always written.
pub(super) static RESOURCE_FIELD_SELECTOR: Msg = Msg {
    name: "ResourceFieldSelector",
    fields: &[
        omit(1, "containerName", Ty::Str),
        keep(2, "resource", Ty::Str),
        omit(3, "divisor", Ty::Quantity),
    ],
};

/// `ConfigMapKeySelector` and `SecretKeySelector`, which share their shape.
static KEY_SELECTOR: Msg = Msg {
    name: "KeySelector",
    fields: &[
        inline(1, &LOCAL_OBJECT_REFERENCE),
        keep(2, "key", Ty::Str),
        ptr(3, "optional", Ty::Bool),
    ],
};

/// `v1.ResourceRequirements`.
pub(super) static RESOURCE_REQUIREMENTS: Msg = Msg {
    name: "ResourceRequirements",
    fields: &[
        omit(1, "limits", Ty::MapQuantity),
        omit(2, "requests", Ty::MapQuantity),
        list(3, "claims", Ty::Msg(&RESOURCE_CLAIM)),
    ],
};

static RESOURCE_CLAIM: Msg = Msg {
    name: "ResourceClaim",
    fields: &[keep(1, "name", Ty::Str), omit(2, "request", Ty::Str)],
};

static VOLUME_MOUNT: Msg = Msg {
    name: "VolumeMount",
    fields: &[
        keep(1, "name", Ty::Str),
        omit(2, "readOnly", Ty::Bool),
        ptr(7, "recursiveReadOnly", Ty::Str),
        keep(3, "mountPath", Ty::Str),
        omit(4, "subPath", Ty::Str),
        ptr(5, "mountPropagation", Ty::Str),
        omit(6, "subPathExpr", Ty::Str),
    ],
};

static VOLUME_DEVICE: Msg = Msg {
    name: "VolumeDevice",
    fields: &[keep(1, "name", Ty::Str), keep(2, "devicePath", Ty::Str)],
};

static PROBE: Msg = Msg {
    name: "Probe",
    fields: &[
        inline(1, &PROBE_HANDLER),
        omit(2, "initialDelaySeconds", Ty::Int32),
        omit(3, "timeoutSeconds", Ty::Int32),
        omit(4, "periodSeconds", Ty::Int32),
        omit(5, "successThreshold", Ty::Int32),
        omit(6, "failureThreshold", Ty::Int32),
        ptr(7, "terminationGracePeriodSeconds", Ty::Int64),
    ],
};

static PROBE_HANDLER: Msg = Msg {
    name: "ProbeHandler",
    fields: &[
        ptr(1, "exec", Ty::Msg(&EXEC_ACTION)),
        ptr(2, "httpGet", Ty::Msg(&HTTP_GET_ACTION)),
        ptr(3, "tcpSocket", Ty::Msg(&TCP_SOCKET_ACTION)),
        ptr(4, "grpc", Ty::Msg(&GRPC_ACTION)),
    ],
};

static EXEC_ACTION: Msg = Msg {
    name: "ExecAction",
    fields: &[list(1, "command", Ty::Str)],
};

static HTTP_GET_ACTION: Msg = Msg {
    name: "HTTPGetAction",
    fields: &[
        omit(1, "path", Ty::Str),
        keep(2, "port", Ty::IntOrString),
        omit(3, "host", Ty::Str),
        omit(4, "scheme", Ty::Str),
        list(5, "httpHeaders", Ty::Msg(&HTTP_HEADER)),
    ],
};

static HTTP_HEADER: Msg = Msg {
    name: "HTTPHeader",
    fields: &[keep(1, "name", Ty::Str), keep(2, "value", Ty::Str)],
};

static TCP_SOCKET_ACTION: Msg = Msg {
    name: "TCPSocketAction",
    fields: &[keep(1, "port", Ty::IntOrString), omit(2, "host", Ty::Str)],
};

static GRPC_ACTION: Msg = Msg {
    name: "GRPCAction",
    fields: &[keep(1, "port", Ty::Int32), ptr_keep(2, "service", Ty::Str)],
};

static LIFECYCLE: Msg = Msg {
    name: "Lifecycle",
    fields: &[
        ptr(1, "postStart", Ty::Msg(&LIFECYCLE_HANDLER)),
        ptr(2, "preStop", Ty::Msg(&LIFECYCLE_HANDLER)),
        ptr(3, "stopSignal", Ty::Str),
    ],
};

static LIFECYCLE_HANDLER: Msg = Msg {
    name: "LifecycleHandler",
    fields: &[
        ptr(1, "exec", Ty::Msg(&EXEC_ACTION)),
        ptr(2, "httpGet", Ty::Msg(&HTTP_GET_ACTION)),
        ptr(3, "tcpSocket", Ty::Msg(&TCP_SOCKET_ACTION)),
        ptr(4, "sleep", Ty::Msg(&SLEEP_ACTION)),
    ],
};

static SLEEP_ACTION: Msg = Msg {
    name: "SleepAction",
    fields: &[keep(1, "seconds", Ty::Int64)],
};

static SECURITY_CONTEXT: Msg = Msg {
    name: "SecurityContext",
    fields: &[
        ptr(1, "capabilities", Ty::Msg(&CAPABILITIES)),
        ptr(2, "privileged", Ty::Bool),
        ptr(4, "runAsUser", Ty::Int64),
        ptr(8, "runAsGroup", Ty::Int64),
        ptr(5, "runAsNonRoot", Ty::Bool),
        ptr(6, "readOnlyRootFilesystem", Ty::Bool),
        ptr(7, "allowPrivilegeEscalation", Ty::Bool),
        ptr(9, "procMount", Ty::Str),
        ptr(11, "seccompProfile", Ty::Msg(&PROFILE)),
        ptr(12, "appArmorProfile", Ty::Msg(&PROFILE)),
    ],
};

static CAPABILITIES: Msg = Msg {
    name: "Capabilities",
    fields: &[list(1, "add", Ty::Str), list(2, "drop", Ty::Str)],
};

/// `SeccompProfile` and `AppArmorProfile`, which share their shape.
pub(super) static PROFILE: Msg = Msg {
    name: "Profile",
    fields: &[keep(1, "type", Ty::Str), ptr(2, "localhostProfile", Ty::Str)],
};
