//! Round trips of realistic Order manifests and the shape of the Order CRD.

use kube::CustomResourceExt;
use pretty_assertions::assert_eq;
use serde_json::json;

use super::*;

const AGE_DESCRIPTION: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.";

fn manifest() -> serde_json::Value {
    json!({
        "apiVersion": "acme.cert-manager.io/v1",
        "kind": "Order",
        "metadata": { "name": "example-com-1-2983743127", "namespace": "default" },
        "spec": {
            "request": "MIICmjCCAYICAQAwFjEUMBIGA1UEAxMLZXhhbXBsZS5jb20=",
            "issuerRef": { "name": "letsencrypt", "kind": "ClusterIssuer", "group": "cert-manager.io" },
            "commonName": "example.com",
            "dnsNames": ["example.com", "*.example.com"],
            "ipAddresses": ["192.0.2.1"],
            "duration": "2160h0m0s",
            "profile": "shortlived",
        },
        "status": {
            "url": "https://acme.example/order/1",
            "finalizeURL": "https://acme.example/order/1/finalize",
            "certificate": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
            "state": "valid",
            "reason": "",
            "failureTime": "2025-01-02T03:04:05Z",
            "authorizations": [
                {
                    "url": "https://acme.example/authz/1",
                    "identifier": "example.com",
                    "wildcard": true,
                    "initialState": "pending",
                    "challenges": [
                        { "url": "https://acme.example/chall/1", "token": "tok-1", "type": "dns-01" },
                        { "url": "https://acme.example/chall/2", "token": "tok-2", "type": "tls-alpn-01" },
                    ],
                },
                { "url": "https://acme.example/authz/2", "wildcard": false, "challenges": [] },
            ],
        },
    })
}

#[test]
fn order_round_trips_every_field() {
    let order: Order = serde_json::from_value(manifest()).unwrap();
    let status = order.status.as_ref().unwrap();
    assert_eq!(status.state, Some(State::Valid));
    assert_eq!(
        status.finalize_url.as_deref(),
        Some("https://acme.example/order/1/finalize")
    );
    let authz = &status.authorizations.as_ref().unwrap()[0];
    assert_eq!(authz.initial_state, Some(State::Pending));
    assert_eq!(authz.challenges.as_ref().unwrap()[1].type_, "tls-alpn-01");
    assert_eq!(order.spec.issuer_ref.kind.as_deref(), Some("ClusterIssuer"));
    assert_eq!(serde_json::to_value(&order).unwrap(), manifest());
}

#[test]
fn order_round_trips_a_minimal_spec() {
    let minimal = json!({
        "apiVersion": "acme.cert-manager.io/v1",
        "kind": "Order",
        "metadata": { "name": "o" },
        "spec": { "request": "AAAA", "issuerRef": { "name": "le" } },
    });
    let order: Order = serde_json::from_value(minimal.clone()).unwrap();
    assert_eq!(order.status, None);
    assert_eq!(serde_json::to_value(&order).unwrap(), minimal);
}

#[test]
fn order_spec_requires_request_and_issuer_ref() {
    assert!(serde_json::from_value::<OrderSpec>(json!({ "issuerRef": { "name": "le" } })).is_err());
    assert!(serde_json::from_value::<OrderSpec>(json!({ "request": "AAAA" })).is_err());
}

#[test]
fn state_uses_the_lowercase_wire_names() {
    let all = [
        State::Valid,
        State::Ready,
        State::Pending,
        State::Processing,
        State::Invalid,
        State::Expired,
        State::Errored,
    ];
    for state in all {
        assert_eq!(serde_json::to_value(state).unwrap(), json!(state.as_str()));
        assert_eq!(
            serde_json::from_value::<State>(json!(state.to_string())).unwrap(),
            state
        );
    }
    let finals: Vec<_> = all.into_iter().filter(|s| s.is_final()).collect();
    assert_eq!(
        finals,
        [State::Valid, State::Invalid, State::Expired, State::Errored]
    );
    assert!(serde_json::from_value::<State>(json!("Valid")).is_err());
}

#[test]
fn order_crd_matches_cert_manager() {
    let crd = Order::crd();
    assert_eq!(crd.metadata.name.as_deref(), Some("orders.acme.cert-manager.io"));
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
            { "name": "Issuer", "type": "string", "jsonPath": ".spec.issuerRef.name", "priority": 1 },
            { "name": "Reason", "type": "string", "jsonPath": ".status.reason", "priority": 1 },
            { "name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp", "description": AGE_DESCRIPTION },
        ])
    );
}

#[test]
fn order_schema_marks_byte_fields_and_required_ones() {
    let crd = serde_json::to_value(Order::crd()).unwrap();
    let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"];
    assert_eq!(schema["spec"]["required"], json!(["issuerRef", "request"]));
    assert_eq!(schema["spec"]["properties"]["request"]["format"], "byte");
    assert_eq!(schema["status"]["properties"]["certificate"]["format"], "byte");
    assert_eq!(
        schema["status"]["properties"]["failureTime"]["format"],
        "date-time"
    );
    let authz = &schema["status"]["properties"]["authorizations"];
    assert_eq!(authz["x-kubernetes-list-type"], "atomic");
    assert_eq!(authz["items"]["required"], json!(["url"]));
    assert_eq!(
        authz["items"]["properties"]["initialState"]["enum"],
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
