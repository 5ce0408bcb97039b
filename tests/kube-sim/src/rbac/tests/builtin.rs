//! Tests of the bootstrap policy (discovery for every user, `system:masters`,
//! the built-in ClusterRoles) and of ClusterRole aggregation.

use serde_json::json;

use super::fixtures::*;
use crate::rbac::{Decision, UserInfo, decide};

const CM: &str = "cert-manager.io";

#[test]
fn bootstrap_policy_lets_every_authenticated_user_discover() {
    let state = state(&[
        role("passerelle", "own", &[rule(&["get"], &[CM], &["certificates"])]),
        binding(
            "passerelle",
            "own",
            "Role",
            "own",
            &[service_account("passerelle", "operator")],
        ),
    ]);
    let op = sa("passerelle", "operator");
    let anonymous = UserInfo {
        name: "system:anonymous".into(),
        groups: vec!["system:unauthenticated".into()],
    };
    let prometheus = user("prom", &["system:monitoring"]);
    let discovery = [
        "/api",
        "/api/v1",
        "/apis",
        "/apis/cert-manager.io/v1",
        "/version",
        "/version/",
        "/healthz",
        "/livez",
        "/readyz",
        "/openapi/v2",
        "/openapi/v3",
        "/openapi/v3/apis/cert-manager.io/v1",
    ];
    let gets: Vec<String> = discovery.iter().map(|p| format!("get {p}")).collect();
    let mut rows: Vec<(&UserInfo, &str, bool)> = gets.iter().map(|g| (&op, g.as_str(), true)).collect();
    rows.extend([
        (&op, "post /api", false),
        (&op, "get /metrics", false),
        (&op, "get /healthz/etcd", false),
        (&op, "create selfsubjectaccessreviews.authorization.k8s.io", true),
        (&op, "create selfsubjectrulesreviews.authorization.k8s.io", true),
        (&op, "create selfsubjectreviews.authentication.k8s.io", true),
        (&op, "create subjectaccessreviews.authorization.k8s.io", false),
        (&op, "list namespaces", false),
        (&anonymous, "get /version", true),
        (&anonymous, "get /healthz", true),
        (&anonymous, "get /apis", false),
        (
            &anonymous,
            "create selfsubjectaccessreviews.authorization.k8s.io",
            false,
        ),
        (&prometheus, "get /metrics", true),
        (&prometheus, "get /readyz/etcd", true),
    ]);
    check(&state, &rows);
}

#[test]
fn system_masters_may_do_anything_without_a_reason() {
    let state = state(&[]);
    let admin = user("kube-sim-admin", &["system:masters"]);
    for spec in [
        "delete certificates.cert-manager.io ns/c",
        "escalate y/z.x",
        "put /x",
        "list nodes",
    ] {
        assert_eq!(
            decide(&state, &admin, &req(spec)),
            Decision {
                allowed: true,
                reason: String::new()
            }
        );
    }
}

#[test]
fn built_in_cluster_roles_can_be_bound() {
    let state = state(&[
        cluster_binding("ops-admin", "cluster-admin", &[service_account("ops", "admin")]),
        binding(
            "app",
            "viewers",
            "ClusterRole",
            "view",
            &[subject("User", "viewer")],
        ),
        binding(
            "app",
            "editors",
            "ClusterRole",
            "edit",
            &[subject("User", "editor")],
        ),
        binding(
            "app",
            "admins",
            "ClusterRole",
            "admin",
            &[subject("User", "admin")],
        ),
    ]);
    let (ops, viewer, editor, admin) = (
        sa("ops", "admin"),
        user("viewer", &[]),
        user("editor", &[]),
        user("admin", &[]),
    );
    check(
        &state,
        &[
            (&ops, "delete certificates.cert-manager.io x/c", true),
            (&ops, "get /metrics", true),
            (&viewer, "list pods app/", true),
            (&viewer, "get namespaces app/app", true),
            (&viewer, "get secrets app/s", false),
            (&viewer, "delete pods app/p", false),
            (&viewer, "list pods other/", false),
            (&editor, "update secrets app/s", true),
            (&editor, "watch deployments.apps app/", true),
            (&editor, "create roles.rbac.authorization.k8s.io app/", false),
            (&admin, "create roles.rbac.authorization.k8s.io app/", true),
            (&admin, "get configmaps app/c", true),
            (&admin, "create pods/exec app/p", true),
        ],
    );
}

#[test]
fn aggregated_cluster_roles_gather_the_rules_of_matching_roles() {
    let mut combined =
        cluster_role_labelled("combined", json!({"team": "a"}), &[rule(&["*"], &["*"], &["*"])]);
    combined["aggregationRule"] = json!({"clusterRoleSelectors": [
        {"matchLabels": {"team": "a"}},
        {"matchExpressions": [{"key": "team", "operator": "In", "values": ["b"]}]},
    ]});
    let mut empty = cluster_role("empty", &[rule(&["*"], &["*"], &["*"])]);
    empty["aggregationRule"] = json!({"clusterRoleSelectors": []});
    let mut invalid = cluster_role("invalid", &[]);
    invalid["aggregationRule"] =
        json!({"clusterRoleSelectors": [{"matchExpressions": [{"key": "team", "operator": "Near"}]}]});
    let to_view = json!({"rbac.authorization.k8s.io/aggregate-to-view": "true"});
    let state = state(&[
        cluster_role_labelled(
            "cert-viewer",
            to_view,
            &[rule(&["get", "list"], &[CM], &["certificates"])],
        ),
        cluster_role_labelled(
            "part-a",
            json!({"team": "a"}),
            &[rule(&["get"], &[""], &["pods"])],
        ),
        cluster_role_labelled(
            "part-b",
            json!({"team": "b"}),
            &[rule(&["get"], &[""], &["services"])],
        ),
        combined,
        empty,
        invalid,
        binding(
            "app",
            "viewers",
            "ClusterRole",
            "view",
            &[subject("User", "viewer")],
        ),
        binding(
            "app",
            "admins",
            "ClusterRole",
            "admin",
            &[subject("User", "admin")],
        ),
        cluster_binding("combined", "combined", &[subject("User", "c")]),
        cluster_binding("empty", "empty", &[subject("User", "e")]),
        cluster_binding("invalid", "invalid", &[subject("User", "i")]),
    ]);
    let (viewer, admin, c, e, i) = (
        user("viewer", &[]),
        user("admin", &[]),
        user("c", &[]),
        user("e", &[]),
        user("i", &[]),
    );
    check(
        &state,
        &[
            (&viewer, "list certificates.cert-manager.io app/", true),
            (&admin, "get certificates.cert-manager.io app/c", true),
            (&viewer, "delete certificates.cert-manager.io app/c", false),
            (&c, "get pods x/p", true),
            (&c, "get services x/s", true),
            // The aggregated role's own rules are replaced, and it skips itself.
            (&c, "delete pods x/p", false),
            (&e, "get pods x/p", false),
            (&i, "get pods x/p", false),
        ],
    );
}

#[test]
fn aggregation_cycles_end() {
    let mut a = cluster_role_labelled("a", json!({"ring": "yes"}), &[rule(&["get"], &[""], &["pods"])]);
    a["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": {"ring": "yes"}}]});
    let mut b = cluster_role_labelled(
        "b",
        json!({"ring": "yes"}),
        &[rule(&["get"], &[""], &["secrets"])],
    );
    b["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": {"ring": "yes"}}]});
    let state = state(&[a, b, cluster_binding("a", "a", &[subject("User", "u")])]);
    let u = user("u", &[]);
    check(
        &state,
        &[(&u, "get pods ns/p", true), (&u, "get secrets ns/s", false)],
    );
}

#[test]
fn stored_objects_shadow_the_bootstrap_policy() {
    let state = state(&[
        cluster_role("view", &[rule(&["get"], &[CM], &["issuers"])]),
        binding("app", "v", "ClusterRole", "view", &[subject("User", "viewer")]),
        cluster_binding(
            "system:discovery",
            "system:discovery",
            &[subject("Group", "discoverers")],
        ),
    ]);
    let (viewer, u, discoverer) = (user("viewer", &[]), user("u", &[]), user("u", &["discoverers"]));
    check(
        &state,
        &[
            (&viewer, "get issuers.cert-manager.io app/i", true),
            (&viewer, "get pods app/p", false),
            (&u, "get /apis", false),
            (&discoverer, "get /apis", true),
            (&u, "get /version", true),
        ],
    );
}
