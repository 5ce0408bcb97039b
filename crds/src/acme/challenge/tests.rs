//! Round trips of realistic Challenge manifests and the shape of the
//! Challenge CRD.

use kube::CustomResourceExt;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::*;

const AGE_DESCRIPTION: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.";

/// A Challenge as the Order controller creates it, with every field set.
fn manifest() -> Value {
    json!({
        "apiVersion": "acme.cert-manager.io/v1",
        "kind": "Challenge",
        "metadata": { "name": "example-com-1-2983743127-1234", "namespace": "default" },
        "spec": {
            "url": "https://acme.example/chall/1",
            "authorizationURL": "https://acme.example/authz/1",
            "dnsName": "example.com",
            "wildcard": true,
            "type": "DNS-01",
            "token": "tok-1",
            "key": "Zm9vYmFyYmF6",
            "solver": {
                "selector": { "dnsZones": ["example.com"], "matchLabels": { "app": "web" } },
                "http01": { "ingress": { "ingressClassName": "nginx", "serviceType": "ClusterIP" } },
            },
            "issuerRef": { "name": "letsencrypt", "kind": "ClusterIssuer", "group": "cert-manager.io" },
        },
        "status": {
            "processing": true,
            "presented": false,
            "reason": "Waiting for DNS-01 challenge propagation",
            "state": "pending",
        },
    })
}

#[test]
fn challenge_round_trips_every_field() {
    let challenge: Challenge = serde_json::from_value(manifest()).unwrap();
    assert_eq!(challenge.spec.type_, AcmeChallengeType::Dns01);
    assert_eq!(challenge.spec.authorization_url, "https://acme.example/authz/1");
    assert_eq!(challenge.spec.wildcard, Some(true));
    let status = challenge.status.as_ref().unwrap();
    assert_eq!(status.state, Some(State::Pending));
    assert_eq!(status.presented, Some(false));
    let selector = challenge.spec.solver.selector.as_ref().unwrap();
    assert_eq!(selector.dns_zones, Some(vec!["example.com".to_owned()]));
    assert_eq!(
        challenge.spec.issuer_ref,
        IssuerReference {
            name: "letsencrypt".into(),
            kind: Some("ClusterIssuer".into()),
            group: Some("cert-manager.io".into()),
        }
    );
    assert_eq!(serde_json::to_value(&challenge).unwrap(), manifest());
}

#[test]
fn challenge_round_trips_without_optional_fields() {
    let mut minimal = manifest();
    minimal.as_object_mut().unwrap().remove("status");
    minimal["spec"].as_object_mut().unwrap().remove("wildcard");
    minimal["spec"]["type"] = json!("HTTP-01");
    minimal["spec"]["issuerRef"] = json!({ "name": "le" });
    let challenge: Challenge = serde_json::from_value(minimal.clone()).unwrap();
    assert_eq!(challenge.spec.type_, AcmeChallengeType::Http01);
    assert_eq!(serde_json::to_value(&challenge).unwrap(), minimal);
}

#[test]
fn challenge_spec_requires_its_fields() {
    let complete = manifest()["spec"].clone();
    assert!(serde_json::from_value::<ChallengeSpec>(complete.clone()).is_ok());
    for field in [
        "url",
        "authorizationURL",
        "dnsName",
        "type",
        "token",
        "key",
        "solver",
        "issuerRef",
    ] {
        let mut spec = complete.clone();
        spec.as_object_mut().unwrap().remove(field);
        assert!(
            serde_json::from_value::<ChallengeSpec>(spec).is_err(),
            "{field} is required"
        );
    }
}

#[test]
fn challenge_type_uses_cert_manager_spelling() {
    for (kind, wire, acme) in [
        (AcmeChallengeType::Http01, "HTTP-01", "http-01"),
        (AcmeChallengeType::Dns01, "DNS-01", "dns-01"),
    ] {
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(wire));
        assert_eq!(kind.to_string(), wire);
        assert_eq!(kind.acme_name(), acme);
    }
    assert!(serde_json::from_value::<AcmeChallengeType>(json!("http-01")).is_err());
}

#[test]
fn challenge_crd_matches_cert_manager() {
    let crd = Challenge::crd();
    assert_eq!(
        crd.metadata.name.as_deref(),
        Some("challenges.acme.cert-manager.io")
    );
    assert_eq!(crd.spec.scope, "Namespaced");
    assert_eq!(
        crd.spec.names.categories,
        Some(vec!["cert-manager".to_owned(), "cert-manager-acme".to_owned()])
    );
    assert_eq!(crd.spec.names.short_names, None);
    let version = &crd.spec.versions[0];
    assert!(version.subresources.as_ref().unwrap().status.is_some());
    let columns = serde_json::to_value(version.additional_printer_columns.as_ref().unwrap()).unwrap();
    assert_eq!(
        columns,
        json!([
            { "name": "State", "type": "string", "jsonPath": ".status.state" },
            { "name": "Domain", "type": "string", "jsonPath": ".spec.dnsName" },
            { "name": "Reason", "type": "string", "jsonPath": ".status.reason", "priority": 1 },
            { "name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp", "description": AGE_DESCRIPTION },
        ])
    );
}

#[test]
fn challenge_schema_has_cert_manager_enums_and_required_fields() {
    let crd = serde_json::to_value(Challenge::crd()).unwrap();
    let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"];
    let mut required: Vec<String> = serde_json::from_value(schema["spec"]["required"].clone()).unwrap();
    required.sort();
    assert_eq!(
        required,
        [
            "authorizationURL",
            "dnsName",
            "issuerRef",
            "key",
            "solver",
            "token",
            "type",
            "url"
        ]
    );
    assert_eq!(
        schema["spec"]["properties"]["type"]["enum"],
        json!(["HTTP-01", "DNS-01"])
    );
    assert_eq!(
        schema["status"]["properties"]["state"]["enum"],
        json!([
            "valid",
            "ready",
            "pending",
            "processing",
            "invalid",
            "expired",
            "errored"
        ])
    );
}
