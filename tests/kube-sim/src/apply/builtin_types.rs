//! What structured-merge-diff and strategic merge patch need to know about
//! the built-in kinds kube-sim serves, taken from the Go types of
//! `k8s.io/api` (`+listType`, `+listMapKey`, `+mapType`, `+structType`,
//! `patchStrategy`, `patchMergeKey`): the list-maps and their keys, the sets,
//! the maps, the structs owned as a whole. Everything else is a struct with
//! named fields, or an atomic list. Also the zero value of each kind as Go
//! serialises it, which the API server compares a created object against.

use serde_json::{Value, json};

use super::schema::Schema;
use crate::registry::ResourceType;

/// A built-in struct: its special fields (others are [`Schema::Any`]).
#[derive(Debug)]
pub(crate) struct TypeDef {
    /// `+structType=atomic`.
    pub(crate) atomic: bool,
    /// Fields whose type is not the default.
    pub(crate) fields: &'static [(&'static str, Schema<'static>)],
}

/// A built-in list-map.
#[derive(Debug)]
pub(crate) struct ListDef {
    /// `+listMapKey`s, in declaration order (the first is the
    /// `patchMergeKey` strategic merge patch uses).
    pub(crate) keys: &'static [&'static str],
    /// OpenAPI defaults of key fields.
    pub(crate) defaults: &'static [(&'static str, &'static str)],
    /// The item type.
    pub(crate) elem: Schema<'static>,
    /// Whether the Go field also carries `patchStrategy:"merge"`.
    pub(crate) patch_merge: bool,
}

const fn fields(fields: &'static [(&'static str, Schema<'static>)]) -> TypeDef {
    TypeDef {
        atomic: false,
        fields,
    }
}

const fn list_map(keys: &'static [&'static str], elem: Schema<'static>) -> ListDef {
    ListDef {
        keys,
        defaults: &[],
        elem,
        patch_merge: true,
    }
}

/// A struct owned as a whole (`LabelSelector`, `ObjectReference`, …).
pub(crate) static ATOMIC: TypeDef = TypeDef {
    atomic: true,
    fields: &[],
};
static ANY_STRUCT: TypeDef = fields(&[]);

/// `metav1.ObjectMeta`.
pub(crate) static OBJECT_META: TypeDef = fields(&[
    ("labels", Schema::StrMap),
    ("annotations", Schema::StrMap),
    ("finalizers", Schema::ScalarSet),
    ("ownerReferences", Schema::ListMap(&OWNER_REFERENCES)),
]);
static OWNER_REFERENCES: ListDef = list_map(&["uid"], Schema::Struct(&ATOMIC));

static BY_NAME: ListDef = list_map(&["name"], Schema::Struct(&ANY_STRUCT));
static BY_NAME_ATOMIC: ListDef = list_map(&["name"], Schema::Struct(&ATOMIC));
static BY_IP: ListDef = list_map(&["ip"], Schema::Struct(&ANY_STRUCT));
static CONDITIONS: ListDef = list_map(&["type"], Schema::Struct(&ANY_STRUCT));
static CONDITIONS_NO_PATCH: ListDef = ListDef {
    patch_merge: false,
    ..list_map(&["type"], Schema::Struct(&ANY_STRUCT))
};
static CLAIMS: ListDef = ListDef {
    patch_merge: false,
    ..list_map(&["name"], Schema::Struct(&ANY_STRUCT))
};

static RESOURCES: TypeDef = fields(&[
    ("limits", Schema::StrMap),
    ("requests", Schema::StrMap),
    ("claims", Schema::ListMap(&CLAIMS)),
]);
static ENV_SOURCE: TypeDef = fields(&[
    ("fieldRef", Schema::Struct(&ATOMIC)),
    ("resourceFieldRef", Schema::Struct(&ATOMIC)),
    ("configMapKeyRef", Schema::Struct(&ATOMIC)),
    ("secretKeyRef", Schema::Struct(&ATOMIC)),
    ("fileKeyRef", Schema::Struct(&ATOMIC)),
]);
static ENV_VAR: TypeDef = fields(&[("valueFrom", Schema::Struct(&ENV_SOURCE))]);
static ENV: ListDef = list_map(&["name"], Schema::Struct(&ENV_VAR));
static CONTAINER_PORTS: ListDef = ListDef {
    defaults: &[("protocol", "TCP")],
    ..list_map(&["containerPort", "protocol"], Schema::Struct(&ANY_STRUCT))
};
static VOLUME_MOUNTS: ListDef = list_map(&["mountPath"], Schema::Struct(&ANY_STRUCT));
static VOLUME_DEVICES: ListDef = list_map(&["devicePath"], Schema::Struct(&ANY_STRUCT));
static CONTAINER: TypeDef = fields(&[
    ("env", Schema::ListMap(&ENV)),
    ("ports", Schema::ListMap(&CONTAINER_PORTS)),
    ("volumeMounts", Schema::ListMap(&VOLUME_MOUNTS)),
    ("volumeDevices", Schema::ListMap(&VOLUME_DEVICES)),
    ("resources", Schema::Struct(&RESOURCES)),
]);
static CONTAINERS: ListDef = list_map(&["name"], Schema::Struct(&CONTAINER));

static PVC_SPEC: TypeDef = fields(&[
    ("selector", Schema::Struct(&ATOMIC)),
    ("dataSource", Schema::Struct(&ATOMIC)),
    ("resources", Schema::Struct(&RESOURCES)),
]);
static PVC_TEMPLATE: TypeDef = fields(&[
    ("metadata", Schema::Struct(&OBJECT_META)),
    ("spec", Schema::Struct(&PVC_SPEC)),
]);
static EPHEMERAL: TypeDef = fields(&[("volumeClaimTemplate", Schema::Struct(&PVC_TEMPLATE))]);
static WITH_SECRET_REF: TypeDef = fields(&[
    ("secretRef", Schema::Struct(&ATOMIC)),
    ("options", Schema::StrMap),
]);
static CSI: TypeDef = fields(&[
    ("volumeAttributes", Schema::StrMap),
    ("nodePublishSecretRef", Schema::Struct(&ATOMIC)),
]);
static VOLUME: TypeDef = fields(&[
    ("csi", Schema::Struct(&CSI)),
    ("flexVolume", Schema::Struct(&WITH_SECRET_REF)),
    ("cephfs", Schema::Struct(&WITH_SECRET_REF)),
    ("rbd", Schema::Struct(&WITH_SECRET_REF)),
    ("iscsi", Schema::Struct(&WITH_SECRET_REF)),
    ("ephemeral", Schema::Struct(&EPHEMERAL)),
]);
static VOLUMES: ListDef = list_map(&["name"], Schema::Struct(&VOLUME));

static TOPOLOGY_SPREAD: TypeDef = fields(&[("labelSelector", Schema::Struct(&ATOMIC))]);
static TOPOLOGY_SPREADS: ListDef = list_map(
    &["topologyKey", "whenUnsatisfiable"],
    Schema::Struct(&TOPOLOGY_SPREAD),
);
static NODE_AFFINITY: TypeDef = fields(&[(
    "requiredDuringSchedulingIgnoredDuringExecution",
    Schema::Struct(&ATOMIC),
)]);
static AFFINITY: TypeDef = fields(&[("nodeAffinity", Schema::Struct(&NODE_AFFINITY))]);

/// `core/v1.PodSpec`.
static POD_SPEC: TypeDef = fields(&[
    ("containers", Schema::ListMap(&CONTAINERS)),
    ("initContainers", Schema::ListMap(&CONTAINERS)),
    ("ephemeralContainers", Schema::ListMap(&CONTAINERS)),
    ("volumes", Schema::ListMap(&VOLUMES)),
    ("imagePullSecrets", Schema::ListMap(&BY_NAME_ATOMIC)),
    ("hostAliases", Schema::ListMap(&BY_IP)),
    ("topologySpreadConstraints", Schema::ListMap(&TOPOLOGY_SPREADS)),
    ("resourceClaims", Schema::ListMap(&BY_NAME)),
    ("schedulingGates", Schema::ListMap(&BY_NAME)),
    ("evictionResponders", Schema::ListMap(&BY_NAME)),
    ("nodeSelector", Schema::AtomicMap),
    ("overhead", Schema::StrMap),
    ("affinity", Schema::Struct(&AFFINITY)),
    ("resources", Schema::Struct(&RESOURCES)),
]);
static POD_STATUS: TypeDef = fields(&[
    ("conditions", Schema::ListMap(&CONDITIONS)),
    ("podIPs", Schema::ListMap(&BY_IP)),
    ("hostIPs", Schema::ListMap(&BY_IP)),
    ("resourceClaimStatuses", Schema::ListMap(&BY_NAME)),
]);
static POD_TEMPLATE: TypeDef = fields(&[
    ("metadata", Schema::Struct(&OBJECT_META)),
    ("spec", Schema::Struct(&POD_SPEC)),
]);
static WITH_CONDITIONS: TypeDef = fields(&[("conditions", Schema::ListMap(&CONDITIONS))]);
static WORKLOAD_SPEC: TypeDef = fields(&[
    ("selector", Schema::Struct(&ATOMIC)),
    ("template", Schema::Struct(&POD_TEMPLATE)),
]);

static SERVICE_PORTS: ListDef = ListDef {
    defaults: &[("protocol", "TCP")],
    ..list_map(&["port", "protocol"], Schema::Struct(&ANY_STRUCT))
};
static SERVICE_SPEC: TypeDef = fields(&[
    ("ports", Schema::ListMap(&SERVICE_PORTS)),
    ("selector", Schema::AtomicMap),
]);
static BACKEND: TypeDef = fields(&[("resource", Schema::Struct(&ATOMIC))]);
static INGRESS_SPEC: TypeDef = fields(&[("defaultBackend", Schema::Struct(&BACKEND))]);

macro_rules! kind {
    ($name:ident, $($field:literal => $schema:expr),* $(,)?) => {
        static $name: TypeDef = fields(&[("metadata", Schema::Struct(&OBJECT_META)), $(($field, $schema)),*]);
    };
}

kind!(POD, "spec" => Schema::Struct(&POD_SPEC), "status" => Schema::Struct(&POD_STATUS));
kind!(WORKLOAD, "spec" => Schema::Struct(&WORKLOAD_SPEC), "status" => Schema::Struct(&WITH_CONDITIONS));
kind!(SERVICE, "spec" => Schema::Struct(&SERVICE_SPEC), "status" => Schema::Struct(&WITH_CONDITIONS));
kind!(NAMESPACE, "status" => Schema::Struct(&WITH_CONDITIONS));
kind!(CONFIG_MAP, "data" => Schema::StrMap, "binaryData" => Schema::StrMap);
kind!(SECRET, "data" => Schema::StrMap, "stringData" => Schema::StrMap);
kind!(SERVICE_ACCOUNT, "secrets" => Schema::ListMap(&BY_NAME_ATOMIC));
kind!(CORE_EVENT, "involvedObject" => Schema::Struct(&ATOMIC), "related" => Schema::Struct(&ATOMIC));
kind!(EVENT, "regarding" => Schema::Struct(&ATOMIC), "related" => Schema::Struct(&ATOMIC));
kind!(INGRESS, "spec" => Schema::Struct(&INGRESS_SPEC));
kind!(BINDING, "roleRef" => Schema::Struct(&ATOMIC));
kind!(CRD, "status" => Schema::Struct(&CRD_STATUS));
kind!(PLAIN,);
static CRD_STATUS: TypeDef = fields(&[("conditions", Schema::ListMap(&CONDITIONS_NO_PATCH))]);

/// The struct of a built-in kind.
pub(crate) fn root(group: &str, kind: &str) -> &'static TypeDef {
    match (group, kind) {
        ("", "Pod") => &POD,
        ("apps", "Deployment" | "DaemonSet" | "StatefulSet" | "ReplicaSet") => &WORKLOAD,
        ("", "Service") => &SERVICE,
        ("", "Namespace") => &NAMESPACE,
        ("", "ConfigMap") => &CONFIG_MAP,
        ("", "Secret") => &SECRET,
        ("", "ServiceAccount") => &SERVICE_ACCOUNT,
        ("", "Event") => &CORE_EVENT,
        ("events.k8s.io", "Event") => &EVENT,
        ("networking.k8s.io", "Ingress") => &INGRESS,
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => &BINDING,
        ("apiextensions.k8s.io", "CustomResourceDefinition") => &CRD,
        _ => &PLAIN,
    }
}

/// The empty object of a type as the API server's `Creater.New` makes it
/// and Go serialises it (fields without `omitempty` present, zero-valued):
/// what a create is compared against to decide which fields it added.
pub(crate) fn zero(rt: &ResourceType) -> Value {
    let mut zero = json!({"apiVersion": rt.api_version(), "kind": rt.kind});
    if rt.is_custom() {
        return zero;
    }
    zero["metadata"] = json!({"creationTimestamp": null});
    let template = json!({"metadata": {"creationTimestamp": null}, "spec": {"containers": null}});
    let rest = match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Namespace") => json!({"spec": {}, "status": {}}),
        ("", "Service") => json!({"spec": {}, "status": {"loadBalancer": {}}}),
        ("", "Pod") => json!({"spec": {"containers": null}, "status": {}}),
        ("", "Event") => json!({
            "involvedObject": {}, "source": {}, "firstTimestamp": null, "lastTimestamp": null,
            "eventTime": null, "reportingComponent": "", "reportingInstance": "",
        }),
        ("events.k8s.io", "Event") => json!({
            "eventTime": null, "regarding": {}, "deprecatedSource": {},
            "deprecatedFirstTimestamp": null, "deprecatedLastTimestamp": null,
        }),
        ("coordination.k8s.io", "Lease") | ("networking.k8s.io", "IngressClass") => json!({"spec": {}}),
        ("networking.k8s.io", "Ingress") => json!({"spec": {}, "status": {"loadBalancer": {}}}),
        ("discovery.k8s.io", "EndpointSlice") => json!({"addressType": "", "endpoints": null}),
        ("apps", "Deployment") => json!({
            "spec": {"selector": null, "template": template, "strategy": {}}, "status": {},
        }),
        ("apps", "DaemonSet") => json!({
            "spec": {"selector": null, "template": template, "updateStrategy": {}},
            "status": {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0},
        }),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => json!({"rules": null}),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            json!({"roleRef": {"apiGroup": "", "kind": "", "name": ""}})
        }
        ("apiextensions.k8s.io", "CustomResourceDefinition") => json!({
            "spec": {"group": "", "names": {"plural": "", "kind": ""}, "scope": "", "versions": null},
            "status": {"acceptedNames": {"plural": "", "kind": ""}, "storedVersions": null},
        }),
        _ => json!({}),
    };
    if let (Some(z), Some(r)) = (zero.as_object_mut(), rest.as_object()) {
        z.extend(r.clone());
    }
    zero
}
