//! Builders for the RBAC tests: stored objects, users and requests written
//! compactly (`"get certificates/status.cert-manager.io ns/web"`).

use serde_json::{Value, json};

use crate::rbac::{Attributes, UserInfo, authorize};
use crate::store::{EventType, State, key};

/// A store holding `objects` (Roles, ClusterRoles and their bindings).
pub(crate) fn state(objects: &[Value]) -> State {
    let mut state = State::new(1000);
    for object in objects {
        let plural = match object["kind"].as_str() {
            Some("Role") => "roles",
            Some("ClusterRole") => "clusterroles",
            Some("RoleBinding") => "rolebindings",
            Some("ClusterRoleBinding") => "clusterrolebindings",
            other => panic!("not an RBAC kind: {other:?}"),
        };
        let rt = state
            .registry
            .get("rbac.authorization.k8s.io", "v1", plural)
            .expect("built-in type")
            .clone();
        state.put(&key(&rt), object.clone(), EventType::Added);
    }
    state
}

/// A resource rule.
pub(crate) fn rule(verbs: &[&str], groups: &[&str], resources: &[&str]) -> Value {
    json!({"verbs": verbs, "apiGroups": groups, "resources": resources})
}

/// A resource rule restricted to names.
pub(crate) fn named(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> Value {
    json!({"verbs": verbs, "apiGroups": groups, "resources": resources, "resourceNames": names})
}

/// A non-resource rule.
pub(crate) fn urls(verbs: &[&str], urls: &[&str]) -> Value {
    json!({"verbs": verbs, "nonResourceURLs": urls})
}

/// A Role.
pub(crate) fn role(ns: &str, name: &str, rules: &[Value]) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
           "metadata": {"name": name, "namespace": ns}, "rules": rules})
}

/// A ClusterRole with labels.
pub(crate) fn cluster_role_labelled(name: &str, labels: Value, rules: &[Value]) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
           "metadata": {"name": name, "labels": labels}, "rules": rules})
}

/// A ClusterRole.
pub(crate) fn cluster_role(name: &str, rules: &[Value]) -> Value {
    cluster_role_labelled(name, json!({}), rules)
}

/// A User or Group subject.
pub(crate) fn subject(kind: &str, name: &str) -> Value {
    json!({"kind": kind, "name": name, "apiGroup": "rbac.authorization.k8s.io"})
}

/// A ServiceAccount subject.
pub(crate) fn service_account(ns: &str, name: &str) -> Value {
    json!({"kind": "ServiceAccount", "name": name, "namespace": ns})
}

/// A RoleBinding of a `Role` or `ClusterRole`.
pub(crate) fn binding(ns: &str, name: &str, role_kind: &str, role: &str, subjects: &[Value]) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
           "metadata": {"name": name, "namespace": ns},
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
           "subjects": subjects})
}

/// A ClusterRoleBinding.
pub(crate) fn cluster_binding(name: &str, role: &str, subjects: &[Value]) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
           "metadata": {"name": name},
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
           "subjects": subjects})
}

/// An authenticated user.
pub(crate) fn user(name: &str, groups: &[&str]) -> UserInfo {
    let mut groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    groups.push("system:authenticated".into());
    UserInfo {
        name: name.into(),
        groups,
    }
}

/// A ServiceAccount's user, with the groups its token carries.
pub(crate) fn sa(ns: &str, name: &str) -> UserInfo {
    UserInfo {
        name: format!("system:serviceaccount:{ns}:{name}"),
        groups: vec![
            "system:serviceaccounts".into(),
            format!("system:serviceaccounts:{ns}"),
            "system:authenticated".into(),
        ],
    }
}

/// A request written `VERB RESOURCE[/SUB][.GROUP] [SCOPE]` where SCOPE is
/// `ns/name`, `ns/` (a collection), `/name` (a cluster-scoped object) or
/// absent (a cluster-scoped collection); or `VERB /path` for a
/// non-resource request.
pub(crate) fn req(spec: &str) -> Attributes {
    let mut words = spec.split_whitespace();
    let verb = words.next().unwrap_or_default().to_string();
    let what = words.next().unwrap_or_default();
    if what.starts_with('/') {
        return Attributes {
            verb,
            path: Some(what.to_string()),
            ..Attributes::default()
        };
    }
    let (resource, group) = what.split_once('.').unwrap_or((what, ""));
    let (resource, subresource) = resource.split_once('/').unwrap_or((resource, ""));
    let (namespace, name) = words.next().and_then(|s| s.split_once('/')).unwrap_or(("", ""));
    Attributes {
        verb,
        group: group.into(),
        resource: resource.into(),
        subresource: subresource.into(),
        namespace: namespace.into(),
        name: name.into(),
        path: None,
    }
}

/// Checks `(user, request, allowed)` rows against one store.
pub(crate) fn check(state: &State, rows: &[(&UserInfo, &str, bool)]) {
    for (user, spec, allowed) in rows {
        let got = authorize(state, user, &req(spec));
        assert_eq!(got.is_ok(), *allowed, "{} {spec}: {got:?}", user.name);
    }
}
