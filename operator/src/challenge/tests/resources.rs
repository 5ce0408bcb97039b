//! The solver objects: the per-Challenge Ingress (class, template, exact
//! path to the solver Service), a path added to and removed from an
//! existing Ingress, and the Service and EndpointSlice of a namespace.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressRule, IngressSpec,
};
use passerelle_crds::acme::solver::{
    AcmeChallengeSolverHttp01Ingress, AcmeChallengeSolverHttp01IngressObjectMeta,
    AcmeChallengeSolverHttp01IngressTemplate,
};
use passerelle_crds::constants::annotations::{ACME_HTTP01_SOLVER_LABEL, INGRESS_CLASS};
use pretty_assertions::assert_eq;

use super::challenge;
use crate::challenge::addresses::SolverEndpoints;
use crate::challenge::resources::{
    SOLVER_SERVICE, add_path, endpoint_slice, endpoints_ok, ingress_host, ingress_name, own_ingress,
    remove_path, routes, service, service_ok, unlistable,
};

fn endpoints(ips: &[&str], port: u16) -> SolverEndpoints {
    SolverEndpoints {
        ips: ips.iter().map(|ip| ip.parse().unwrap()).collect(),
        port,
    }
}

#[test]
fn the_own_ingress_routes_the_exact_path_to_the_solver_service() {
    let ch = challenge("a", "a.example.com", 0);
    let solver = AcmeChallengeSolverHttp01Ingress {
        class: Some("traefik".into()),
        ingress_class_name: Some("passerelle".into()),
        ingress_template: Some(AcmeChallengeSolverHttp01IngressTemplate {
            metadata: Some(AcmeChallengeSolverHttp01IngressObjectMeta {
                labels: Some(BTreeMap::from([("extra".to_string(), "1".to_string())])),
                annotations: Some(BTreeMap::from([(
                    "traefik.frontend.priority".to_string(),
                    "100".to_string(),
                )])),
            }),
        }),
        ..Default::default()
    };
    let ingress = own_ingress(&ch, &solver);
    assert_eq!(ingress.metadata.name, Some(ingress_name(&ch)));
    assert!(ingress_name(&ch).starts_with("cm-acme-http-solver-"));
    let labels = ingress.metadata.labels.clone().unwrap();
    assert_eq!(
        labels.get(ACME_HTTP01_SOLVER_LABEL).map(String::as_str),
        Some("true")
    );
    assert_eq!(labels.get("extra").map(String::as_str), Some("1"));
    let annotations = ingress.metadata.annotations.clone().unwrap();
    assert_eq!(
        annotations.get(INGRESS_CLASS).map(String::as_str),
        Some("traefik")
    );
    assert_eq!(
        annotations.get("traefik.frontend.priority").map(String::as_str),
        Some("100")
    );
    let owner = &ingress.metadata.owner_references.clone().unwrap()[0];
    assert_eq!((owner.kind.as_str(), owner.controller), ("Challenge", Some(true)));
    let spec = ingress.spec.clone().unwrap();
    assert_eq!(spec.ingress_class_name.as_deref(), Some("passerelle"));
    let rule = &spec.rules.unwrap()[0];
    assert_eq!(rule.host.as_deref(), Some("a.example.com"));
    let path = &rule.http.as_ref().unwrap().paths[0];
    assert_eq!(
        (path.path.as_deref(), path.path_type.as_str()),
        (Some("/.well-known/acme-challenge/token-a"), "Exact")
    );
    let backend = path.backend.service.as_ref().unwrap();
    assert_eq!(
        (backend.name.as_str(), backend.port.as_ref().unwrap().number),
        (SOLVER_SERVICE, Some(8089))
    );
    assert!(routes(&ingress, "a.example.com", "token-a"));
    assert!(!routes(&ingress, "b.example.com", "token-a"));
}

#[test]
fn an_ip_identifier_is_routed_by_path_alone() {
    assert_eq!(ingress_host("192.0.2.1"), None);
    assert_eq!(ingress_host("2001:db8::1"), None);
    assert_eq!(ingress_host("a.example.com").as_deref(), Some("a.example.com"));
}

#[test]
fn a_path_is_added_to_an_existing_ingress_and_removed_again() {
    let site_path = HTTPIngressPath {
        path: Some("/".into()),
        path_type: "Prefix".into(),
        ..Default::default()
    };
    let original = Ingress {
        spec: Some(IngressSpec {
            rules: Some(vec![IngressRule {
                host: Some("a.example.com".into()),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![site_path],
                }),
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut ingress = original.clone();
    assert!(add_path(&mut ingress, "a.example.com", "tok"));
    assert!(!add_path(&mut ingress, "a.example.com", "tok"), "idempotent");
    assert!(add_path(&mut ingress, "b.example.com", "tok2"));
    let rules = ingress.spec.as_ref().unwrap().rules.clone().unwrap();
    assert_eq!((rules.len(), rules[0].http.as_ref().unwrap().paths.len()), (2, 2));
    assert!(routes(&ingress, "a.example.com", "tok") && routes(&ingress, "b.example.com", "tok2"));
    assert!(remove_path(&mut ingress, "b.example.com", "tok2"));
    assert!(remove_path(&mut ingress, "a.example.com", "tok"));
    assert!(!remove_path(&mut ingress, "a.example.com", "tok"));
    assert_eq!(ingress, original);
}

#[test]
fn the_service_and_endpoint_slice_point_at_the_solver() {
    let eps = endpoints(&["10.0.0.9", "10.0.0.7", "fd00::1"], 18089);
    let svc = service("web", &eps);
    assert!(service_ok(&svc));
    assert_eq!(svc.spec.as_ref().unwrap().selector, None, "selector-less");
    let slice = endpoint_slice("web", &eps);
    assert_eq!(slice.metadata.name.as_deref(), Some(SOLVER_SERVICE));
    assert_eq!(
        slice
            .metadata
            .labels
            .as_ref()
            .unwrap()
            .get("kubernetes.io/service-name")
            .map(String::as_str),
        Some(SOLVER_SERVICE)
    );
    assert_eq!(slice.address_type, "IPv4");
    let addresses: Vec<&str> = slice
        .endpoints
        .iter()
        .flatten()
        .flat_map(|e| e.addresses.iter().map(String::as_str))
        .collect();
    assert_eq!(addresses, ["10.0.0.9", "10.0.0.7"]);
    let port = &slice.ports.as_ref().unwrap()[0];
    assert_eq!((port.name.as_deref(), port.port), (Some("http"), Some(18089)));
    assert!(endpoints_ok(&slice, &eps));
    assert!(
        !endpoints_ok(&slice, &endpoints(&["10.0.0.9"], 18089)),
        "a replica went away"
    );
    assert!(
        !endpoints_ok(&slice, &endpoints(&["10.0.0.9", "10.0.0.7"], 8089)),
        "another port"
    );
    assert_eq!(
        endpoint_slice("web", &endpoints(&["fd00::1"], 1)).address_type,
        "IPv6"
    );
}

#[test]
fn addresses_kubernetes_refuses_are_left_out_of_the_slice() {
    let eps = endpoints(&["127.0.0.1", "169.254.1.1", "::1", "fe80::1", "10.0.0.7"], 8089);
    let slice = endpoint_slice("web", &eps);
    let addresses: Vec<&str> = slice
        .endpoints
        .iter()
        .flatten()
        .flat_map(|e| e.addresses.iter().map(String::as_str))
        .collect();
    assert_eq!(addresses, ["10.0.0.7"]);
    assert_eq!(unlistable(&eps).len(), 4);
    let loopback = endpoints(&["127.0.0.1"], 8089);
    let empty = endpoint_slice("web", &loopback);
    assert_eq!(
        (
            empty.address_type.as_str(),
            empty.endpoints.iter().flatten().count()
        ),
        ("IPv4", 0)
    );
    assert!(endpoints_ok(&empty, &loopback));
}
