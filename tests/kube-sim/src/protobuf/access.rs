//! Access-control kinds (`k8s.io/api` `rbac/v1`, `authorization/v1` and
//! `authentication/v1` `generated.proto` and `types.go`): Roles and their
//! bindings, the self reviews behind `kubectl auth can-i` and `kubectl auth
//! whoami`, and SubjectAccessReview.

use super::message::{Msg, Ty, keep, list, list_keep, omit, ptr};
use super::meta::{LABEL_SELECTOR, LABEL_SELECTOR_REQUIREMENT, OBJECT_META};

/// `rbac/v1.Role`: `rules` has no `omitempty`.
pub(super) static ROLE: Msg = Msg {
    name: "Role",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        list_keep(2, "rules", Ty::Msg(&POLICY_RULE)),
    ],
};

/// `rbac/v1.ClusterRole`.
pub(super) static CLUSTER_ROLE: Msg = Msg {
    name: "ClusterRole",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        list_keep(2, "rules", Ty::Msg(&POLICY_RULE)),
        ptr(3, "aggregationRule", Ty::Msg(&AGGREGATION_RULE)),
    ],
};

static POLICY_RULE: Msg = Msg {
    name: "PolicyRule",
    fields: &[
        list_keep(1, "verbs", Ty::Str),
        list(2, "apiGroups", Ty::Str),
        list(3, "resources", Ty::Str),
        list(4, "resourceNames", Ty::Str),
        list(5, "nonResourceURLs", Ty::Str),
    ],
};

static AGGREGATION_RULE: Msg = Msg {
    name: "AggregationRule",
    fields: &[list(1, "clusterRoleSelectors", Ty::Msg(&LABEL_SELECTOR))],
};

/// `rbac/v1.RoleBinding` and `ClusterRoleBinding`, which share their shape.
pub(super) static BINDING: Msg = Msg {
    name: "RoleBinding",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        list(2, "subjects", Ty::Msg(&SUBJECT)),
        keep(3, "roleRef", Ty::Msg(&ROLE_REF)),
    ],
};

static SUBJECT: Msg = Msg {
    name: "Subject",
    fields: &[
        keep(1, "kind", Ty::Str),
        omit(2, "apiGroup", Ty::Str),
        keep(3, "name", Ty::Str),
        omit(4, "namespace", Ty::Str),
    ],
};

static ROLE_REF: Msg = Msg {
    name: "RoleRef",
    fields: &[
        keep(1, "apiGroup", Ty::Str),
        keep(2, "kind", Ty::Str),
        keep(3, "name", Ty::Str),
    ],
};

/// `authorization/v1.SelfSubjectAccessReview` (`kubectl auth can-i VERB
/// RESOURCE`).
pub(super) static SELF_SUBJECT_ACCESS_REVIEW: Msg = Msg {
    name: "SelfSubjectAccessReview",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        keep(2, "spec", Ty::Msg(&SSAR_SPEC)),
        omit(3, "status", Ty::Msg(&ACCESS_REVIEW_STATUS)),
    ],
};

/// `authorization/v1.SubjectAccessReview`, for webhook-style clients.
pub(super) static SUBJECT_ACCESS_REVIEW: Msg = Msg {
    name: "SubjectAccessReview",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        keep(2, "spec", Ty::Msg(&SAR_SPEC)),
        omit(3, "status", Ty::Msg(&ACCESS_REVIEW_STATUS)),
    ],
};

static SAR_SPEC: Msg = Msg {
    name: "SubjectAccessReviewSpec",
    fields: &[
        ptr(1, "resourceAttributes", Ty::Msg(&RESOURCE_ATTRIBUTES)),
        ptr(2, "nonResourceAttributes", Ty::Msg(&NON_RESOURCE_ATTRIBUTES)),
        omit(3, "user", Ty::Str),
        list(4, "groups", Ty::Str),
        omit(5, "extra", Ty::MapStrings),
        omit(6, "uid", Ty::Str),
    ],
};

static SSAR_SPEC: Msg = Msg {
    name: "SelfSubjectAccessReviewSpec",
    fields: &[
        ptr(1, "resourceAttributes", Ty::Msg(&RESOURCE_ATTRIBUTES)),
        ptr(2, "nonResourceAttributes", Ty::Msg(&NON_RESOURCE_ATTRIBUTES)),
    ],
};

static RESOURCE_ATTRIBUTES: Msg = Msg {
    name: "ResourceAttributes",
    fields: &[
        omit(1, "namespace", Ty::Str),
        omit(2, "verb", Ty::Str),
        omit(3, "group", Ty::Str),
        omit(4, "version", Ty::Str),
        omit(5, "resource", Ty::Str),
        omit(6, "subresource", Ty::Str),
        omit(7, "name", Ty::Str),
        ptr(8, "fieldSelector", Ty::Msg(&FIELD_SELECTOR_ATTRIBUTES)),
        ptr(9, "labelSelector", Ty::Msg(&LABEL_SELECTOR_ATTRIBUTES)),
    ],
};

static FIELD_SELECTOR_ATTRIBUTES: Msg = Msg {
    name: "FieldSelectorAttributes",
    fields: &[
        omit(1, "rawSelector", Ty::Str),
        list(2, "requirements", Ty::Msg(&FIELD_SELECTOR_REQUIREMENT)),
    ],
};

static FIELD_SELECTOR_REQUIREMENT: Msg = Msg {
    name: "FieldSelectorRequirement",
    fields: &[
        keep(1, "key", Ty::Str),
        keep(2, "operator", Ty::Str),
        list(3, "values", Ty::Str),
    ],
};

static LABEL_SELECTOR_ATTRIBUTES: Msg = Msg {
    name: "LabelSelectorAttributes",
    fields: &[
        omit(1, "rawSelector", Ty::Str),
        list(2, "requirements", Ty::Msg(&LABEL_SELECTOR_REQUIREMENT)),
    ],
};

static NON_RESOURCE_ATTRIBUTES: Msg = Msg {
    name: "NonResourceAttributes",
    fields: &[omit(1, "path", Ty::Str), omit(2, "verb", Ty::Str)],
};

static ACCESS_REVIEW_STATUS: Msg = Msg {
    name: "SubjectAccessReviewStatus",
    fields: &[
        keep(1, "allowed", Ty::Bool),
        omit(4, "denied", Ty::Bool),
        omit(2, "reason", Ty::Str),
        omit(3, "evaluationError", Ty::Str),
    ],
};

/// `authorization/v1.SelfSubjectRulesReview` (`kubectl auth can-i
/// --list`).
pub(super) static SELF_SUBJECT_RULES_REVIEW: Msg = Msg {
    name: "SelfSubjectRulesReview",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        keep(2, "spec", Ty::Msg(&SSRR_SPEC)),
        omit(3, "status", Ty::Msg(&RULES_REVIEW_STATUS)),
    ],
};

static SSRR_SPEC: Msg = Msg {
    name: "SelfSubjectRulesReviewSpec",
    fields: &[omit(1, "namespace", Ty::Str)],
};

static RULES_REVIEW_STATUS: Msg = Msg {
    name: "SubjectRulesReviewStatus",
    fields: &[
        list_keep(1, "resourceRules", Ty::Msg(&RESOURCE_RULE)),
        list_keep(2, "nonResourceRules", Ty::Msg(&NON_RESOURCE_RULE)),
        keep(3, "incomplete", Ty::Bool),
        omit(4, "evaluationError", Ty::Str),
    ],
};

static RESOURCE_RULE: Msg = Msg {
    name: "ResourceRule",
    fields: &[
        list_keep(1, "verbs", Ty::Str),
        list(2, "apiGroups", Ty::Str),
        list(3, "resources", Ty::Str),
        list(4, "resourceNames", Ty::Str),
    ],
};

static NON_RESOURCE_RULE: Msg = Msg {
    name: "NonResourceRule",
    fields: &[
        list_keep(1, "verbs", Ty::Str),
        list(2, "nonResourceURLs", Ty::Str),
    ],
};

/// `authentication/v1.SelfSubjectReview` (`kubectl auth whoami`).
pub(super) static SELF_SUBJECT_REVIEW: Msg = Msg {
    name: "SelfSubjectReview",
    fields: &[
        omit(1, "metadata", Ty::Msg(&OBJECT_META)),
        omit(2, "status", Ty::Msg(&SELF_SUBJECT_REVIEW_STATUS)),
    ],
};

static SELF_SUBJECT_REVIEW_STATUS: Msg = Msg {
    name: "SelfSubjectReviewStatus",
    fields: &[omit(1, "userInfo", Ty::Msg(&USER_INFO))],
};

static USER_INFO: Msg = Msg {
    name: "UserInfo",
    fields: &[
        omit(1, "username", Ty::Str),
        omit(2, "uid", Ty::Str),
        list(3, "groups", Ty::Str),
        omit(4, "extra", Ty::MapStrings),
    ],
};
