//! Table tests of ingress-shim: the decision for every kind of Ingress and
//! Certificate found, the translation of each field annotation, and the
//! solver overrides.

mod translate;

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::Ingress;
use kube::ResourceExt;
use passerelle_crds::v1::Certificate;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::decide::{Step, decide};
use crate::config::DefaultIssuer;

const UID: &str = "ing-uid-1";

/// A case: what it shows, the Ingress's annotations and TLS entries, the
/// Certificates found, the steps wanted.
type Case = (&'static str, Value, Value, Vec<Certificate>, Vec<Step>);

fn ingress(annotations: Value, tls: Value) -> Ingress {
    serde_json::from_value(json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "web", "namespace": "shop", "uid": UID,
            "labels": {"app": "web", "applyset.kubernetes.io/part-of": "set-1"},
            "annotations": annotations},
        "spec": {"tls": tls}
    }))
    .unwrap()
}

fn owned_by(uid: &str) -> Value {
    json!([{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "web", "uid": uid,
        "controller": true, "blockOwnerDeletion": true}])
}

/// The Certificate ingress-shim makes for `web` with `cert-manager.io/issuer:
/// pebble`, as JSON.
fn made(name: &str, dns: Value) -> Value {
    json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "metadata": {"name": name, "namespace": "shop", "labels": {"app": "web"},
            "ownerReferences": owned_by(UID)},
        "spec": {"secretName": name, "dnsNames": dns,
            "issuerRef": {"name": "pebble", "kind": "Issuer", "group": "cert-manager.io"},
            "usages": ["digital signature", "key encipherment"]}
    })
}

fn cert(value: Value) -> Certificate {
    serde_json::from_value(value).unwrap()
}

fn existing(mut value: Value) -> Certificate {
    value["metadata"]["uid"] = json!(format!("uid-{}", value["metadata"]["name"].as_str().unwrap()));
    value["metadata"]["resourceVersion"] = json!("7");
    cert(value)
}

/// `value` with the field at `pointer` set (its parent must exist).
fn with(mut value: Value, pointer: &str, v: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    value.pointer_mut(parent).unwrap()[key] = v;
    value
}

fn warn(message: &str) -> Step {
    Step::Warn {
        message: message.into(),
    }
}

fn create(value: Value) -> Step {
    Step::Create(Box::new(cert(value)))
}

fn defaults() -> DefaultIssuer {
    DefaultIssuer::default()
}

#[test]
fn decides_as_cert_manager_does() {
    let issuer = json!({"cert-manager.io/issuer": "pebble"});
    let tls = json!([{"hosts": ["a.example.test", "www.a.example.test"], "secretName": "a-tls"}]);
    let a = made("a-tls", json!(["a.example.test", "www.a.example.test"]));
    let b_owned = existing(made("b-tls", json!(["b.example.test"])));
    let foreign = existing(with(a.clone(), "/metadata/ownerReferences", Value::Null));
    let other_ingress = existing(with(
        a.clone(),
        "/metadata/ownerReferences",
        owned_by("other-uid"),
    ));
    let stale = existing(with(a.clone(), "/spec/dnsNames", json!(["old.example.test"])));
    let updated = with(
        with(
            stale_json(&a),
            "/spec/dnsNames",
            json!(["a.example.test", "www.a.example.test"]),
        ),
        "/metadata/annotations",
        json!({"kept": "yes"}),
    );
    let cases: Vec<Case> = vec![
        (
            "no shim annotation: nothing",
            json!({"x": "y"}),
            tls.clone(),
            vec![],
            vec![],
        ),
        (
            "tls-acme false: nothing",
            json!({"kubernetes.io/tls-acme": "false"}),
            tls.clone(),
            vec![],
            vec![],
        ),
        (
            "tls-acme without a default issuer: a Warning",
            json!({"kubernetes.io/tls-acme": "true"}),
            tls.clone(),
            vec![],
            vec![warn(
                "Could not determine issuer for ingress due to bad annotations: failed to determine issuer name to be used for ingress resource",
            )],
        ),
        (
            "an issuer: one Certificate per TLS entry, hosts split into names and addresses",
            issuer.clone(),
            json!([{"hosts": ["a.example.test", "www.a.example.test"], "secretName": "a-tls"},
                   {"hosts": ["b.example.test", "2001:db8::1", "b.example.test", "2001:0db8::1"], "secretName": "b-tls"}]),
            vec![],
            vec![
                create(a.clone()),
                create(with(
                    made("b-tls", json!(["b.example.test"])),
                    "/spec/ipAddresses",
                    json!(["2001:db8::1"]),
                )),
            ],
        ),
        (
            "issuer and cluster-issuer both: a Warning naming both",
            json!({"cert-manager.io/issuer": "a", "cert-manager.io/cluster-issuer": "b"}),
            tls.clone(),
            vec![],
            vec![warn(
                r#"Could not determine issuer for ingress due to bad annotations: both "cert-manager.io/issuer" and "cert-manager.io/cluster-issuer" may not be set"#,
            )],
        ),
        (
            "cluster-issuer with issuer-kind and issuer-group: a Warning naming each",
            json!({"cert-manager.io/cluster-issuer": "b", "cert-manager.io/issuer-kind": "K", "cert-manager.io/issuer-group": "g"}),
            tls.clone(),
            vec![],
            vec![warn(
                r#"Could not determine issuer for ingress due to bad annotations: both "cert-manager.io/cluster-issuer" and "cert-manager.io/issuer-group" may not be set, both "cert-manager.io/cluster-issuer" and "cert-manager.io/issuer-kind" may not be set"#,
            )],
        ),
        (
            "an external issuer: kind and group from the annotations",
            json!({"cert-manager.io/issuer": "vault", "cert-manager.io/issuer-kind": "VaultIssuer", "cert-manager.io/issuer-group": "example.io"}),
            tls.clone(),
            vec![],
            vec![create(with(
                a.clone(),
                "/spec/issuerRef",
                json!({"name": "vault", "kind": "VaultIssuer", "group": "example.io"}),
            ))],
        ),
        (
            "one secretName in two entries: a Warning, nothing made",
            issuer.clone(),
            json!([{"hosts": ["a.example.test"], "secretName": "a-tls"},
                   {"hosts": ["b.example.test"], "secretName": "a-tls"}]),
            vec![],
            vec![warn(
                r#"spec.tls[0].secretName: Invalid value: "a-tls": this secret name must only appear in a single TLS entry but is also used in spec.tls[1].secretName"#,
            )],
        ),
        (
            "an entry without hosts or secretName is skipped with a Warning, the others made",
            issuer.clone(),
            json!([{"secretName": "x-tls"}, {"hosts": ["a.example.test", "www.a.example.test"], "secretName": "a-tls"},
                   {"hosts": ["c.example.test"]}]),
            vec![],
            vec![
                warn("Skipped a TLS block: spec.tls[0].hosts: Required value"),
                warn("Skipped a TLS block: spec.tls[2].secretName: Required value"),
                create(a.clone()),
            ],
        ),
        (
            "its Certificate as wanted: nothing",
            issuer.clone(),
            tls.clone(),
            vec![existing(a.clone())],
            vec![],
        ),
        (
            "its Certificate with other hosts: updated, other annotations and the resourceVersion kept",
            issuer.clone(),
            tls.clone(),
            vec![existing(with(
                stale_json(&a),
                "/metadata/annotations",
                json!({"kept": "yes"}),
            ))],
            vec![Step::Update(Box::new(existing(updated)))],
        ),
        (
            "a Certificate of that name owned by nothing: left alone, a Warning",
            issuer.clone(),
            tls.clone(),
            vec![foreign],
            vec![warn(
                r#"Certificate "a-tls" exists and is not owned by this Ingress: it is left as it is"#,
            )],
        ),
        (
            "a Certificate of that name controlled by another Ingress: left alone, a Warning",
            issuer.clone(),
            tls.clone(),
            vec![other_ingress.clone()],
            vec![warn(
                r#"Certificate "a-tls" exists and is not owned by this Ingress: it is left as it is"#,
            )],
        ),
        (
            "its Certificate whose entry went: deleted; others' are not",
            issuer.clone(),
            tls.clone(),
            vec![
                existing(a.clone()),
                b_owned.clone(),
                existing(with(
                    made("c-tls", json!(["c"])),
                    "/metadata/ownerReferences",
                    owned_by("x"),
                )),
            ],
            vec![Step::Delete {
                name: "b-tls".into(),
                uid: "uid-b-tls".into(),
            }],
        ),
        (
            "an invalid field annotation: a Warning, no change at all",
            json!({"cert-manager.io/issuer": "pebble", "cert-manager.io/duration": "soon"}),
            tls.clone(),
            vec![stale, b_owned],
            vec![warn(
                r#"invalid ingress annotation "cert-manager.io/duration": time: invalid duration "soon""#,
            )],
        ),
    ];
    for (case, annotations, tls, certs, want) in cases {
        let got = decide(&ingress(annotations, tls), &certs, &defaults());
        assert_eq!(got, want, "{case}");
    }
}

/// `a` as found in the API with stale hosts.
fn stale_json(a: &Value) -> Value {
    with(a.clone(), "/spec/dnsNames", json!(["old.example.test"]))
}

#[test]
fn tls_acme_uses_the_default_issuer_and_parses_booleans_as_go() {
    let defaults = DefaultIssuer {
        name: Some("letsencrypt".into()),
        kind: "ClusterIssuer".into(),
        group: "cert-manager.io".into(),
    };
    let tls = json!([{"hosts": ["a.example.test"], "secretName": "a-tls"}]);
    for (value, asks) in [
        ("true", true),
        ("True", true),
        ("TRUE", true),
        ("t", true),
        ("1", true),
        ("yes", false),
        ("0", false),
        ("", false),
    ] {
        let steps = decide(
            &ingress(json!({"kubernetes.io/tls-acme": value}), tls.clone()),
            &[],
            &defaults,
        );
        assert_eq!(!steps.is_empty(), asks, "tls-acme: {value:?}");
        if let Some(Step::Create(cert)) = steps.first() {
            assert_eq!(cert.spec.issuer_ref.name, "letsencrypt");
            assert_eq!(cert.spec.issuer_ref.kind.as_deref(), Some("ClusterIssuer"));
        }
    }
    // An explicit issuer wins over the default, with kind Issuer.
    let steps = decide(
        &ingress(
            json!({"kubernetes.io/tls-acme": "true", "cert-manager.io/issuer": "mine"}),
            tls,
        ),
        &[],
        &defaults,
    );
    let Some(Step::Create(cert)) = steps.first() else {
        panic!("{steps:?}")
    };
    assert_eq!(
        (
            cert.spec.issuer_ref.name.as_str(),
            cert.spec.issuer_ref.kind.as_deref()
        ),
        ("mine", Some("Issuer"))
    );
}

#[test]
fn an_ingress_being_deleted_gets_nothing() {
    let mut ing = ingress(
        json!({"cert-manager.io/issuer": "pebble"}),
        json!([{"hosts": ["a.example.test"], "secretName": "a-tls"}]),
    );
    ing.metadata.finalizers = Some(vec!["foregroundDeletion".into()]);
    assert_eq!(decide(&ing, &[], &defaults()), vec![]);
}

#[test]
fn solver_annotations_follow_the_ingress_and_stale_ones_are_removed() {
    let tls = json!([{"hosts": ["a.example.test"], "secretName": "a-tls"}]);
    let annotated = json!({"cert-manager.io/issuer": "pebble", "acme.cert-manager.io/http01-edit-in-place": "true",
        "acme.cert-manager.io/http01-ingress-class": "traefik"});
    let steps = decide(&ingress(annotated, tls.clone()), &[], &defaults());
    let Some(Step::Create(made)) = steps.first() else {
        panic!("{steps:?}")
    };
    let want: BTreeMap<String, String> = [
        ("acme.cert-manager.io/http01-override-ingress-name", "web"),
        ("cert-manager.io/issue-temporary-certificate", "true"),
        ("acme.cert-manager.io/http01-override-ingress-class", "traefik"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(made.annotations(), &want);
    let mut found = (**made).clone();
    found.metadata.uid = Some("c1".into());
    found
        .metadata
        .annotations
        .as_mut()
        .unwrap()
        .insert("user".into(), "kept".into());
    // The class annotation goes, edit-in-place too: the Certificate's
    // overrides go with them, the user's annotation stays.
    let steps = decide(
        &ingress(json!({"cert-manager.io/issuer": "pebble"}), tls),
        std::slice::from_ref(&found),
        &defaults(),
    );
    let Some(Step::Update(updated)) = steps.first() else {
        panic!("{steps:?}")
    };
    assert_eq!(
        updated.annotations(),
        &BTreeMap::from([("user".to_string(), "kept".to_string())])
    );
}

#[test]
fn an_ed25519_key_size_set_by_hand_is_not_a_difference() {
    let annotations =
        json!({"cert-manager.io/issuer": "pebble", "cert-manager.io/private-key-algorithm": "Ed25519"});
    let tls = json!([{"hosts": ["a.example.test"], "secretName": "a-tls"}]);
    let steps = decide(&ingress(annotations.clone(), tls.clone()), &[], &defaults());
    let Some(Step::Create(made)) = steps.first() else {
        panic!("{steps:?}")
    };
    let mut found = (**made).clone();
    found.spec.private_key.as_mut().unwrap().size = Some(256);
    assert_eq!(decide(&ingress(annotations, tls), &[found], &defaults()), vec![]);
}
