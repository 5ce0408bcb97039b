//! The part of kube-apiserver's bootstrap RBAC policy
//! (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go) that
//! matters to clients, held in code: every real cluster has it, so a
//! ServiceAccount bound only to its own Roles can still read discovery,
//! `/version` and `/healthz` and ask `kubectl auth can-i` / `whoami`, and a
//! RoleBinding may name `view`, `edit`, `admin` or `cluster-admin`.
//!
//! Stored objects of the same name take precedence (a stored ClusterRole
//! hides the built-in one, a stored ClusterRoleBinding the built-in
//! binding), so [`objects`] can also be written into the store at start
//! to make them visible to `kubectl get clusterroles`. The node,
//! controller and kube-system roles of a real cluster are not modelled.

mod aggregate;

use std::sync::LazyLock;

use serde_json::{Value, json};

use super::policy::{Binding, ClusterRole, Policy, Subject};
use super::rule::PolicyRule;
use super::selector::LabelSelector;
use aggregate::{edit_rules, view_rules};

/// The built-in ClusterRoles and ClusterRoleBindings.
pub(crate) struct Bootstrap {
    pub(crate) roles: Vec<ClusterRole>,
    pub(crate) bindings: Vec<Binding>,
}

/// The bootstrap policy, built once.
pub(crate) static BOOTSTRAP: LazyLock<Bootstrap> = LazyLock::new(build);

const READ_WRITE: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];
const AGGREGATE_TO: &str = "rbac.authorization.k8s.io/aggregate-to-";

fn r(verbs: &[&str], groups: &[&str], resources: &[&str]) -> PolicyRule {
    PolicyRule::resources(verbs, groups, resources)
}

fn role(name: &str, labels: &[(&str, &str)], rules: Vec<PolicyRule>) -> ClusterRole {
    ClusterRole {
        name: name.to_string(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        rules,
        aggregation: None,
    }
}

fn binding(name: &str, role: &str, groups: &[&str]) -> Binding {
    Binding {
        name: name.to_string(),
        role_kind: "ClusterRole".to_string(),
        role_name: role.to_string(),
        subjects: groups
            .iter()
            .map(|g| Subject {
                kind: "Group".to_string(),
                name: g.to_string(),
                ..Subject::default()
            })
            .collect(),
        ..Binding::default()
    }
}

fn build() -> Bootstrap {
    let health = ["/livez", "/readyz", "/healthz"];
    let mut discovery = health.to_vec();
    discovery.extend([
        "/version",
        "/version/",
        "/openapi",
        "/openapi/*",
        "/api",
        "/api/*",
        "/apis",
        "/apis/*",
    ]);
    let mut public = health.to_vec();
    public.extend(["/version", "/version/"]);
    let mut monitoring = vec!["/metrics", "/metrics/slis"];
    monitoring.extend(health);
    monitoring.extend(["/livez/*", "/readyz/*", "/healthz/*"]);

    let to = |what: &str| format!("{AGGREGATE_TO}{what}");
    let aggregated = |name: &str, labels: &[(&str, &str)], what: &str| ClusterRole {
        aggregation: Some(vec![LabelSelector::labels(&[(to(what).as_str(), "true")])]),
        ..role(name, labels, Vec::new())
    };
    let (to_admin, to_edit, to_view) = (to("admin"), to("edit"), to("view"));
    let roles = vec![
        role(
            "cluster-admin",
            &[],
            vec![r(&["*"], &["*"], &["*"]), PolicyRule::urls(&["*"], &["*"])],
        ),
        role(
            "system:discovery",
            &[],
            vec![PolicyRule::urls(&["get"], &discovery)],
        ),
        role(
            "system:basic-user",
            &[],
            vec![
                r(
                    &["create"],
                    &["authorization.k8s.io"],
                    &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                ),
                r(&["create"], &["authentication.k8s.io"], &["selfsubjectreviews"]),
            ],
        ),
        role(
            "system:public-info-viewer",
            &[],
            vec![PolicyRule::urls(&["get"], &public)],
        ),
        role(
            "system:monitoring",
            &[],
            vec![PolicyRule::urls(&["get"], &monitoring)],
        ),
        aggregated("admin", &[], "admin"),
        aggregated("edit", &[(to_admin.as_str(), "true")], "edit"),
        aggregated("view", &[(to_edit.as_str(), "true")], "view"),
        role(
            "system:aggregate-to-admin",
            &[(to_admin.as_str(), "true")],
            vec![
                r(
                    &["create"],
                    &["authorization.k8s.io"],
                    &["localsubjectaccessreviews"],
                ),
                r(
                    READ_WRITE,
                    &["rbac.authorization.k8s.io"],
                    &["roles", "rolebindings"],
                ),
            ],
        ),
        role(
            "system:aggregate-to-edit",
            &[(to_edit.as_str(), "true")],
            edit_rules(),
        ),
        role(
            "system:aggregate-to-view",
            &[(to_view.as_str(), "true")],
            view_rules(),
        ),
    ];
    let bindings = vec![
        binding("cluster-admin", "cluster-admin", &["system:masters"]),
        binding(
            "system:basic-user",
            "system:basic-user",
            &["system:authenticated"],
        ),
        binding("system:discovery", "system:discovery", &["system:authenticated"]),
        binding("system:monitoring", "system:monitoring", &["system:monitoring"]),
        binding(
            "system:public-info-viewer",
            "system:public-info-viewer",
            &["system:authenticated", "system:unauthenticated"],
        ),
    ];
    Bootstrap { roles, bindings }
}

fn metadata(name: &str, labels: impl IntoIterator<Item = (String, String)>) -> Value {
    let mut all = json!({"kubernetes.io/bootstrapping": "rbac-defaults"});
    for (k, v) in labels {
        all[k] = json!(v);
    }
    json!({
        "name": name,
        "labels": all,
        "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
    })
}

/// The bootstrap ClusterRoles and ClusterRoleBindings as objects, each with
/// its plural (`clusterroles`, `clusterrolebindings`), for a server that
/// wants them listed; an aggregated role carries the rules the controller
/// would have written.
pub fn objects() -> Vec<(&'static str, Value)> {
    let policy = Policy::bootstrap_only();
    let mut out = Vec::new();
    for role in &BOOTSTRAP.roles {
        let rules = policy
            .cluster_role_rules(&role.name, &mut Vec::new())
            .unwrap_or_default();
        let mut object = json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": metadata(&role.name, role.labels.clone()),
            "rules": rules.iter().map(PolicyRule::to_json).collect::<Vec<_>>(),
        });
        if let Some(selectors) = &role.aggregation {
            let selectors: Vec<Value> = selectors.iter().map(LabelSelector::to_json).collect();
            object["aggregationRule"] = json!({ "clusterRoleSelectors": selectors });
        }
        out.push(("clusterroles", object));
    }
    for b in &BOOTSTRAP.bindings {
        let subjects: Vec<Value> = b
            .subjects
            .iter()
            .map(|s| json!({"apiGroup": "rbac.authorization.k8s.io", "kind": s.kind, "name": s.name}))
            .collect();
        out.push(("clusterrolebindings", json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": metadata(&b.name, []),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": b.role_name},
            "subjects": subjects,
        })));
    }
    out
}
