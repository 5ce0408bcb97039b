//! Tests of what decisions say: the reason of an allowed request, every
//! form of the Forbidden message, resolution errors, and the bootstrap
//! objects.

use serde_json::{Value, json};

use super::fixtures::*;
use crate::rbac::{UserInfo, authorize, bootstrap, decide, quote};

#[test]
fn allowed_decisions_name_the_binding() {
    let state = state(&[
        role("ns", "r", &[rule(&["get"], &[""], &["pods"])]),
        binding(
            "ns",
            "rb",
            "Role",
            "r",
            &[subject("User", "nobody"), service_account("ns", "robot")],
        ),
        cluster_role("cr", &[rule(&["list"], &[""], &["nodes"])]),
        cluster_binding("crb", "cr", &[subject("Group", "ops")]),
    ]);
    let reason = |user: &UserInfo, spec: &str| decide(&state, user, &req(spec)).reason;
    assert_eq!(
        reason(&sa("ns", "robot"), "get pods ns/p"),
        r#"RBAC: allowed by RoleBinding "rb/ns" of Role "r" to ServiceAccount "robot/ns""#
    );
    assert_eq!(
        reason(&user("u", &["ops"]), "list nodes"),
        r#"RBAC: allowed by ClusterRoleBinding "crb" of ClusterRole "cr" to Group "ops""#
    );
    assert_eq!(
        reason(&user("u", &[]), "get /version"),
        r#"RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated""#
    );
}

#[test]
fn denial_messages_have_every_form_of_the_real_server() {
    let state = state(&[]);
    let op = sa("passerelle", "operator");
    let who = r#"User "system:serviceaccount:passerelle:operator""#;
    let cm = r#"in API group "cert-manager.io""#;
    let cases = [
        (
            "get certificates.cert-manager.io default/web",
            format!(
                r#"certificates.cert-manager.io "web" is forbidden: {who} cannot get resource "certificates" {cm} in the namespace "default""#
            ),
        ),
        (
            "list certificates.cert-manager.io",
            format!(
                r#"certificates.cert-manager.io is forbidden: {who} cannot list resource "certificates" {cm} at the cluster scope"#
            ),
        ),
        (
            "create certificates.cert-manager.io default/",
            format!(
                r#"certificates.cert-manager.io is forbidden: {who} cannot create resource "certificates" {cm} in the namespace "default""#
            ),
        ),
        (
            "update certificates/status.cert-manager.io default/web",
            format!(
                r#"certificates.cert-manager.io "web" is forbidden: {who} cannot update resource "certificates/status" {cm} in the namespace "default""#
            ),
        ),
        (
            "get secrets default/tls",
            format!(
                r#"secrets "tls" is forbidden: {who} cannot get resource "secrets" in API group "" in the namespace "default""#
            ),
        ),
        (
            "get nodes /n1",
            format!(
                r#"nodes "n1" is forbidden: {who} cannot get resource "nodes" in API group "" at the cluster scope"#
            ),
        ),
        (
            "get /metrics",
            format!(r#"forbidden: {who} cannot get path "/metrics""#),
        ),
    ];
    for (spec, want) in cases {
        assert_eq!(authorize(&state, &op, &req(spec)), Err(want), "{spec}");
    }
}

#[test]
fn denials_report_bindings_whose_role_is_missing() {
    let state = state(&[
        binding("ns", "gone-role", "Role", "gone", &[subject("User", "u")]),
        binding(
            "ns",
            "gone-cluster-role",
            "ClusterRole",
            "gone",
            &[subject("User", "u")],
        ),
        binding("ns", "odd", "Policy", "p", &[subject("User", "u")]),
        binding("ns", "twice", "Role", "gone", &[subject("User", "u")]),
        binding("ns", "not-mine", "Role", "absent", &[subject("User", "other")]),
        cluster_binding("only-one", "missing", &[subject("User", "v")]),
    ]);
    assert_eq!(
        authorize(&state, &user("u", &[]), &req("get pods ns/p")),
        Err(concat!(
            r#"pods "p" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns": "#,
            r#"RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, "#,
            r#"role.rbac.authorization.k8s.io "gone" not found, unsupported role reference kind: "Policy"]"#
        )
        .to_string())
    );
    let v = user("v", &[]);
    assert_eq!(
        decide(&state, &v, &req("list pods")).reason,
        r#"RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found"#
    );
    let allowed = decide(&state, &v, &req("get /version"));
    assert!(
        allowed.allowed,
        "a missing role does not stop other bindings: {allowed:?}"
    );
}

#[test]
fn quote_escapes_as_go_does() {
    assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    assert_eq!(quote("tab\tnl\n\u{1}é"), r#""tab\tnl\n\x01é""#);
}

#[test]
fn bootstrap_objects_carry_labels_and_aggregated_rules() {
    let objects = bootstrap::objects();
    let find = |plural: &str, name: &str| {
        objects
            .iter()
            .find(|(p, o)| *p == plural && o["metadata"]["name"] == name)
            .map(|(_, o)| o.clone())
    };
    let view = find("clusterroles", "view").expect("view");
    assert_eq!(
        view["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-edit"],
        "true"
    );
    assert_eq!(
        view["metadata"]["labels"]["kubernetes.io/bootstrapping"],
        "rbac-defaults"
    );
    assert_eq!(
        view["aggregationRule"],
        json!({"clusterRoleSelectors": [{"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}}]})
    );
    assert!(view["rules"].as_array().is_some_and(|r| r.len() > 5), "{view}");
    let binding = find("clusterrolebindings", "system:public-info-viewer").expect("binding");
    assert_eq!(binding["subjects"][1]["name"], "system:unauthenticated");
    let discovery = find("clusterroles", "system:discovery").expect("discovery");
    assert_eq!(discovery["rules"][0]["verbs"], json!(["get"]));
    assert!(discovery["rules"][0].get("apiGroups").is_none());

    // Stored, they decide exactly as the built-in policy does.
    let seeded: Vec<Value> = objects.iter().map(|(_, o)| o.clone()).collect();
    let state = state(&seeded);
    let u = user("u", &[]);
    assert_eq!(
        decide(&state, &u, &req("get /apis")).reason,
        r#"RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated""#
    );
    let state = state_with_view_binding(seeded);
    check(
        &state,
        &[
            (&user("viewer", &[]), "list pods app/", true),
            (&user("viewer", &[]), "get secrets app/s", false),
        ],
    );
}

fn state_with_view_binding(mut objects: Vec<Value>) -> crate::store::State {
    objects.push(binding(
        "app",
        "v",
        "ClusterRole",
        "view",
        &[subject("User", "viewer")],
    ));
    state(&objects)
}
