//! Tests of what RBAC grants: table rows `(user, request, allowed)` over
//! stored RBAC objects. The bootstrap policy and aggregation are tested in
//! [`builtin`], messages and reasons in [`messages`].

mod builtin;
pub(super) mod fixtures;
mod messages;

use serde_json::json;

use fixtures::*;

const CM: &str = "cert-manager.io";

#[test]
fn roles_grant_in_their_namespace_and_cluster_roles_everywhere() {
    let state = state(&[
        role(
            "passerelle",
            "certs",
            &[rule(&["get", "list"], &[CM], &["certificates"])],
        ),
        binding(
            "passerelle",
            "op",
            "Role",
            "certs",
            &[service_account("passerelle", "operator")],
        ),
        cluster_role("secret-reader", &[rule(&["get"], &[""], &["secrets"])]),
        binding(
            "web",
            "op",
            "ClusterRole",
            "secret-reader",
            &[service_account("passerelle", "operator")],
        ),
        cluster_role("node-reader", &[rule(&["list"], &[""], &["nodes"])]),
        cluster_binding("nodes", "node-reader", &[subject("User", "alice")]),
    ]);
    let (op, alice, bob) = (sa("passerelle", "operator"), user("alice", &[]), user("bob", &[]));
    check(
        &state,
        &[
            (&op, "get certificates.cert-manager.io passerelle/web", true),
            (&op, "list certificates.cert-manager.io passerelle/", true),
            (&op, "delete certificates.cert-manager.io passerelle/web", false),
            (&op, "get certificates.cert-manager.io default/web", false),
            (&op, "list certificates.cert-manager.io", false),
            // A ClusterRole bound by a RoleBinding grants in that namespace only.
            (&op, "get secrets web/tls", true),
            (&op, "get secrets passerelle/tls", false),
            (&op, "list secrets", false),
            (&alice, "list nodes", true),
            (&alice, "list pods any/", false),
            (&bob, "list nodes", false),
        ],
    );
}

#[test]
fn cluster_role_bindings_grant_in_every_namespace() {
    let state = state(&[
        cluster_role("pods", &[rule(&["list"], &[""], &["pods"])]),
        cluster_binding("pods", "pods", &[subject("User", "alice")]),
    ]);
    let alice = user("alice", &[]);
    check(
        &state,
        &[
            (&alice, "list pods a/", true),
            (&alice, "list pods b/", true),
            (&alice, "list pods", true),
        ],
    );
}

#[test]
fn subjects_match_users_groups_and_service_accounts() {
    let sa_without_ns = json!({"kind": "ServiceAccount", "name": "robot"});
    let state = state(&[
        cluster_role("pod-reader", &[rule(&["get"], &[""], &["pods"])]),
        binding("a", "b", "ClusterRole", "pod-reader", &[subject("User", "alice")]),
        binding("b", "b", "ClusterRole", "pod-reader", &[subject("Group", "devs")]),
        binding(
            "c",
            "b",
            "ClusterRole",
            "pod-reader",
            &[service_account("c", "robot")],
        ),
        binding("d", "b", "ClusterRole", "pod-reader", &[sa_without_ns]),
        binding(
            "e",
            "b",
            "ClusterRole",
            "pod-reader",
            &[subject("Group", "system:serviceaccounts:c")],
        ),
        binding(
            "f",
            "b",
            "ClusterRole",
            "pod-reader",
            &[subject("Group", "system:authenticated")],
        ),
        binding(
            "g",
            "b",
            "ClusterRole",
            "pod-reader",
            &[subject("Robot", "alice")],
        ),
        binding(
            "h",
            "b",
            "ClusterRole",
            "pod-reader",
            &[subject("User", "system:serviceaccount:c:robot")],
        ),
    ]);
    let (alice, bob_in_alice, bob_dev) = (
        user("alice", &[]),
        user("bob", &["alice"]),
        user("bob", &["devs"]),
    );
    let (devs, robot_user, anyone) = (user("devs", &[]), user("robot", &[]), user("anyone", &[]));
    let (robot_c, robot_x, robot_d, other_c) =
        (sa("c", "robot"), sa("x", "robot"), sa("d", "robot"), sa("c", "o"));
    check(
        &state,
        &[
            (&alice, "get pods a/p", true),
            (&bob_in_alice, "get pods a/p", false),
            (&bob_dev, "get pods b/p", true),
            (&devs, "get pods b/p", false),
            (&robot_c, "get pods c/p", true),
            (&robot_x, "get pods c/p", false),
            (&robot_user, "get pods c/p", false),
            // A ServiceAccount subject without a namespace is the binding's.
            (&robot_d, "get pods d/p", true),
            (&robot_c, "get pods d/p", false),
            (&other_c, "get pods e/p", true),
            (&anyone, "get pods f/p", true),
            (&alice, "get pods g/p", false),
            (&robot_c, "get pods h/p", true),
        ],
    );
}

#[test]
fn wildcards_match_every_verb_group_and_resource() {
    let state = state(&[
        cluster_role("all-verbs", &[rule(&["*"], &[CM], &["certificates"])]),
        cluster_role("all-groups", &[rule(&["get"], &["*"], &["configmaps"])]),
        cluster_role("all-resources", &[rule(&["list"], &["apps"], &["*"])]),
        cluster_binding("v", "all-verbs", &[subject("User", "v")]),
        cluster_binding("g", "all-groups", &[subject("User", "g")]),
        cluster_binding("r", "all-resources", &[subject("User", "r")]),
    ]);
    let (v, g, r) = (user("v", &[]), user("g", &[]), user("r", &[]));
    check(
        &state,
        &[
            (&v, "delete certificates.cert-manager.io ns/c", true),
            (&v, "approve certificates.cert-manager.io ns/c", true),
            (&v, "update certificates/status.cert-manager.io ns/c", false),
            (&v, "get issuers.cert-manager.io ns/c", false),
            (&g, "get configmaps ns/c", true),
            (&g, "get configmaps.example.com ns/c", true),
            (&g, "list configmaps ns/", false),
            (&r, "list deployments.apps ns/", true),
            (&r, "list deployments/scale.apps ns/", true),
            (&r, "list pods ns/", false),
        ],
    );
}

#[test]
fn subresources_need_their_own_rule() {
    let state = state(&[
        cluster_role(
            "status-writer",
            &[rule(&["update", "patch"], &[CM], &["certificates/status"])],
        ),
        cluster_role("any-status", &[rule(&["get"], &[CM], &["*/status"])]),
        cluster_role("objects", &[rule(&["update"], &[CM], &["certificates"])]),
        cluster_binding("s", "status-writer", &[subject("User", "s")]),
        cluster_binding("a", "any-status", &[subject("User", "a")]),
        cluster_binding("o", "objects", &[subject("User", "o")]),
    ]);
    let (s, a, o) = (user("s", &[]), user("a", &[]), user("o", &[]));
    check(
        &state,
        &[
            (&s, "update certificates/status.cert-manager.io ns/c", true),
            (&s, "patch certificates/status.cert-manager.io ns/c", true),
            (&s, "update certificates.cert-manager.io ns/c", false),
            (&s, "update certificates/scale.cert-manager.io ns/c", false),
            (&a, "get orders/status.cert-manager.io ns/o", true),
            (&a, "get orders.cert-manager.io ns/o", false),
            (&a, "get orders/finalize.cert-manager.io ns/o", false),
            (&o, "update certificates/status.cert-manager.io ns/c", false),
        ],
    );
}

#[test]
fn resource_names_restrict_every_verb() {
    let verbs = [
        "get",
        "update",
        "patch",
        "delete",
        "list",
        "watch",
        "create",
        "deletecollection",
    ];
    let state = state(&[
        role(
            "ns",
            "one-secret",
            &[named(&verbs, &[""], &["secrets"], &["tls"])],
        ),
        binding("ns", "b", "Role", "one-secret", &[subject("User", "u")]),
    ]);
    let u = user("u", &[]);
    check(
        &state,
        &[
            (&u, "get secrets ns/tls", true),
            (&u, "update secrets ns/tls", true),
            (&u, "patch secrets ns/tls", true),
            (&u, "delete secrets ns/tls", true),
            (&u, "get secrets ns/other", false),
            // Requests without a name never match a rule with names ...
            (&u, "list secrets ns/", false),
            (&u, "watch secrets ns/", false),
            (&u, "create secrets ns/", false),
            (&u, "deletecollection secrets ns/", false),
            // ... but a list or watch with `fieldSelector=metadata.name=tls` has one.
            (&u, "list secrets ns/tls", true),
            (&u, "watch secrets ns/tls", true),
        ],
    );
}

#[test]
fn non_resource_urls_match_exactly_or_by_prefix() {
    let state = state(&[
        cluster_role("metrics", &[urls(&["get"], &["/metrics", "/debug/*", "/logs*"])]),
        cluster_role("any-url", &[urls(&["*"], &["*"])]),
        cluster_binding("m", "metrics", &[subject("User", "m")]),
        cluster_binding("a", "any-url", &[subject("User", "a")]),
        role("ns", "urls-in-a-role", &[urls(&["get"], &["/metrics"])]),
        binding("ns", "r", "Role", "urls-in-a-role", &[subject("User", "r")]),
    ]);
    let (m, a, r) = (user("m", &[]), user("a", &[]), user("r", &[]));
    check(
        &state,
        &[
            (&m, "get /metrics", true),
            (&m, "get /metrics/slis", false),
            (&m, "get /debug/pprof/heap", true),
            (&m, "get /logsfoo", true),
            (&m, "get /debug", false),
            (&m, "post /metrics", false),
            (&m, "get metrics", false),
            (&a, "delete /anything", true),
            // Non-resource requests have no namespace: Roles never grant them.
            (&r, "get /metrics", false),
        ],
    );
}
