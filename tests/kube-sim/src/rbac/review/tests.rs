//! Tests of SelfSubjectAccessReview, SelfSubjectRulesReview and
//! SelfSubjectReview answers.

use serde_json::json;

use super::*;
use crate::rbac::tests::fixtures::*;

fn ssar(spec: Value) -> Value {
    json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
           "metadata": {"creationTimestamp": null}, "spec": spec})
}

#[test]
fn access_review_answers_can_i() {
    let state = state(&[
        role(
            "passerelle",
            "certs",
            &[rule(&["get"], &["cert-manager.io"], &["certificates"])],
        ),
        binding(
            "passerelle",
            "certs",
            "Role",
            "certs",
            &[service_account("passerelle", "operator")],
        ),
        binding(
            "passerelle",
            "broken",
            "ClusterRole",
            "gone",
            &[service_account("passerelle", "operator")],
        ),
    ]);
    let op = sa("passerelle", "operator");
    let allowed = review(
        &state,
        &op,
        &ssar(json!({"resourceAttributes": {
            "namespace": "passerelle", "verb": "get", "group": "cert-manager.io", "resource": "certificates",
            "name": "", "version": "v1", "unknown": "dropped"
        }})),
    );
    assert_eq!(
        allowed,
        json!({
            "kind": "SelfSubjectAccessReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": null},
            "spec": {"resourceAttributes": {
                "namespace": "passerelle", "verb": "get", "group": "cert-manager.io",
                "resource": "certificates", "version": "v1",
            }},
            "status": {
                "allowed": true,
                "reason": "RBAC: allowed by RoleBinding \"certs/passerelle\" of Role \"certs\" to ServiceAccount \"operator/passerelle\"",
            },
        })
    );
    let denied = review(
        &state,
        &op,
        &ssar(json!({"resourceAttributes": {
            "namespace": "passerelle", "verb": "update", "group": "cert-manager.io", "resource": "certificates",
            "subresource": "status",
        }})),
    );
    assert_eq!(
        denied["status"],
        json!({"allowed": false, "reason": "RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found"})
    );
    let elsewhere = review(
        &state,
        &op,
        &ssar(json!({"resourceAttributes": {
            "namespace": "default", "verb": "get", "group": "cert-manager.io", "resource": "certificates",
        }})),
    );
    assert_eq!(elsewhere["status"], json!({"allowed": false}));
}

#[test]
fn access_review_of_paths_and_for_masters() {
    let state = state(&[]);
    let url = ssar(json!({"nonResourceAttributes": {"path": "/healthz", "verb": "get"}}));
    let answer = review(&state, &user("u", &[]), &url);
    assert_eq!(
        answer["spec"],
        json!({"nonResourceAttributes": {"path": "/healthz", "verb": "get"}})
    );
    assert_eq!(answer["status"]["allowed"], true);
    let metrics = ssar(json!({"nonResourceAttributes": {"path": "/metrics", "verb": "get"}}));
    assert_eq!(
        review(&state, &user("u", &[]), &metrics)["status"],
        json!({"allowed": false})
    );
    let admin = user("admin", &["system:masters"]);
    assert_eq!(
        review(&state, &admin, &metrics)["status"],
        json!({"allowed": true})
    );
    assert_eq!(
        review(&state, &admin, &ssar(json!({})))["status"],
        json!({"allowed": false})
    );
}

#[test]
fn access_review_spec_needs_exactly_one_kind_of_attributes() {
    assert!(check_review(&ssar(json!({"resourceAttributes": {"verb": "get"}}))).is_ok());
    assert!(
        check_review(&ssar(
            json!({"nonResourceAttributes": {"verb": "get", "path": "/"}})
        ))
        .is_ok()
    );
    let neither = check_review(&ssar(json!({}))).expect_err("neither");
    assert_eq!((neither.code, neither.reason), (422, "Invalid"));
    assert_eq!(
        neither.message,
        "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \
         \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified"
    );
    let both = check_review(&ssar(json!({
        "resourceAttributes": {"verb": "get"},
        "nonResourceAttributes": {"verb": "get", "path": "/x"},
    })))
    .expect_err("both");
    assert_eq!(
        both.message,
        "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.nonResourceAttributes: Invalid value: \
         authorization.NonResourceAttributes{Path:\"/x\", Verb:\"get\"}: cannot be specified in combination with \
         resourceAttributes"
    );
    assert_eq!(
        both.details.expect("details")["causes"][0]["field"],
        "spec.nonResourceAttributes"
    );
}

#[test]
fn rules_review_lists_what_applies_in_the_namespace() {
    let state = state(&[
        role(
            "app",
            "r",
            &[
                named(&["get"], &[""], &["secrets"], &["tls"]),
                json!({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "nonResourceURLs": ["/odd"]}),
            ],
        ),
        binding("app", "r", "Role", "r", &[subject("User", "u")]),
        binding("other", "r", "Role", "r", &[subject("User", "u")]),
        binding("app", "broken", "Role", "gone", &[subject("User", "u")]),
    ]);
    let rr = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview",
                    "spec": {"namespace": "app"}});
    let answer = rules_review(&state, &user("u", &[]), &rr).expect("answer");
    assert_eq!(answer["kind"], "SelfSubjectRulesReview");
    assert_eq!(answer["spec"], json!({}));
    let status = &answer["status"];
    assert_eq!(status["incomplete"], false);
    assert_eq!(
        status["evaluationError"],
        "role.rbac.authorization.k8s.io \"gone\" not found"
    );
    let resource_rules = status["resourceRules"].as_array().expect("resource rules");
    assert_eq!(
        resource_rules[0],
        json!({"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
        "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]})
    );
    assert!(resource_rules.contains(
        &json!({"verbs": ["get"], "apiGroups": [""], "resources": ["secrets"],
        "resourceNames": ["tls"]})
    ));
    assert!(resource_rules.contains(&json!({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]})));
    let url_rules = status["nonResourceRules"].as_array().expect("url rules");
    assert!(url_rules.contains(&json!({"verbs": ["get"], "nonResourceURLs": ["/odd"]})));
    assert!(url_rules.iter().any(|r| {
        r["nonResourceURLs"]
            .as_array()
            .is_some_and(|u| u.contains(&json!("/apis/*")))
    }));
    assert_eq!(resource_rules.len(), 4, "{resource_rules:?}");

    let none = rules_review(&state, &user("u", &[]), &json!({"spec": {}})).expect_err("no namespace");
    assert_eq!(
        (none.code, none.message.as_str()),
        (400, "no namespace on request")
    );
}

#[test]
fn whoami_reports_the_user() {
    assert_eq!(
        whoami(&sa("passerelle", "operator")),
        json!({
            "kind": "SelfSubjectReview",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": null},
            "status": {"userInfo": {
                "username": "system:serviceaccount:passerelle:operator",
                "groups": ["system:serviceaccounts", "system:serviceaccounts:passerelle", "system:authenticated"],
            }},
        })
    );
    assert_eq!(whoami(&UserInfo::default())["status"], json!({"userInfo": {}}));
}

#[test]
fn subject_access_review_asks_for_the_named_user() {
    let state = state(&[
        cluster_role("pods", &[rule(&["list"], &[""], &["pods"])]),
        cluster_binding("devs", "pods", &[subject("Group", "devs")]),
    ]);
    let sar = |spec: Value| json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": spec});
    let answer = subject_access_review(
        &state,
        &sar(json!({
            "user": "alice", "groups": ["devs"], "uid": "", "extra": {},
            "resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "app"},
        })),
    );
    assert_eq!(answer["kind"], "SubjectAccessReview");
    assert_eq!(
        answer["spec"],
        json!({"user": "alice", "groups": ["devs"],
               "resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "app"}})
    );
    assert_eq!(
        answer["status"],
        json!({"allowed": true, "reason": "RBAC: allowed by ClusterRoleBinding \"devs\" of ClusterRole \"pods\" to Group \"devs\""})
    );
    // No system:authenticated is added: the bootstrap discovery grant does not apply.
    let url = sar(json!({"user": "alice", "nonResourceAttributes": {"verb": "get", "path": "/version"}}));
    assert_eq!(
        subject_access_review(&state, &url)["status"],
        json!({"allowed": false})
    );

    let nobody = check_review(&sar(json!({}))).expect_err("no user, no attributes");
    assert_eq!(
        nobody.message,
        "SubjectAccessReview.authorization.k8s.io \"\" is invalid: [spec.resourceAttributes: Invalid value: \
         \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: \
         Invalid value: \"\": at least one of user or group must be specified]"
    );
    assert!(check_review(&sar(json!({"groups": ["g"], "resourceAttributes": {}}))).is_ok());
}
