//! `meta.k8s.io/v1` messages (apimachinery `pkg/apis/meta/v1/generated.proto`
//! and `types.go`): `ObjectMeta`, `OwnerReference`, `LabelSelector`,
//! `Condition` and `DeleteOptions`. `managedFields` is skipped: clients do
//! not send it on create and kube-sim keeps its own.

use super::message::{Msg, Ty, keep, list, omit, omit_zero, ptr};

/// `metav1.ObjectMeta`. Since Kubernetes 1.34 `creationTimestamp` is tagged
/// `omitzero`, so a client's object no longer carries `null` there.
pub(super) static OBJECT_META: Msg = Msg {
    name: "ObjectMeta",
    fields: &[
        omit(1, "name", Ty::Str),
        omit(2, "generateName", Ty::Str),
        omit(3, "namespace", Ty::Str),
        omit(4, "selfLink", Ty::Str),
        omit(5, "uid", Ty::Str),
        omit(6, "resourceVersion", Ty::Str),
        omit(7, "generation", Ty::Int64),
        omit_zero(8, "creationTimestamp", Ty::Time),
        ptr(9, "deletionTimestamp", Ty::Time),
        ptr(10, "deletionGracePeriodSeconds", Ty::Int64),
        omit(11, "labels", Ty::MapStr),
        omit(12, "annotations", Ty::MapStr),
        list(13, "ownerReferences", Ty::Msg(&OWNER_REFERENCE)),
        list(14, "finalizers", Ty::Str),
    ],
};

/// `metav1.OwnerReference`.
static OWNER_REFERENCE: Msg = Msg {
    name: "OwnerReference",
    fields: &[
        keep(5, "apiVersion", Ty::Str),
        keep(1, "kind", Ty::Str),
        keep(3, "name", Ty::Str),
        keep(4, "uid", Ty::Str),
        ptr(6, "controller", Ty::Bool),
        ptr(7, "blockOwnerDeletion", Ty::Bool),
    ],
};

/// `metav1.LabelSelector`.
pub(super) static LABEL_SELECTOR: Msg = Msg {
    name: "LabelSelector",
    fields: &[
        omit(1, "matchLabels", Ty::MapStr),
        list(2, "matchExpressions", Ty::Msg(&LABEL_SELECTOR_REQUIREMENT)),
    ],
};

/// `metav1.LabelSelectorRequirement`.
pub(super) static LABEL_SELECTOR_REQUIREMENT: Msg = Msg {
    name: "LabelSelectorRequirement",
    fields: &[
        keep(1, "key", Ty::Str),
        keep(2, "operator", Ty::Str),
        list(3, "values", Ty::Str),
    ],
};

/// `metav1.Condition`.
pub(super) static CONDITION: Msg = Msg {
    name: "Condition",
    fields: &[
        keep(1, "type", Ty::Str),
        keep(2, "status", Ty::Str),
        omit(3, "observedGeneration", Ty::Int64),
        keep(4, "lastTransitionTime", Ty::Time),
        keep(5, "reason", Ty::Str),
        keep(6, "message", Ty::Str),
    ],
};

/// `metav1.DeleteOptions`, the body of a DELETE.
pub(super) static DELETE_OPTIONS: Msg = Msg {
    name: "DeleteOptions",
    fields: &[
        ptr(1, "gracePeriodSeconds", Ty::Int64),
        ptr(2, "preconditions", Ty::Msg(&PRECONDITIONS)),
        ptr(3, "orphanDependents", Ty::Bool),
        ptr(4, "propagationPolicy", Ty::Str),
        list(5, "dryRun", Ty::Str),
        ptr(6, "ignoreStoreReadErrorWithClusterBreakingPotential", Ty::Bool),
    ],
};

/// `metav1.Preconditions`.
static PRECONDITIONS: Msg = Msg {
    name: "Preconditions",
    fields: &[ptr(1, "uid", Ty::Str), ptr(2, "resourceVersion", Ty::Str)],
};
