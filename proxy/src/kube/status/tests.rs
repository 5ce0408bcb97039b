//! Table tests of the status decision: who gets the addresses, who loses
//! them, and what a published Service stands for.

use std::collections::HashSet;

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::{Ingress, IngressLoadBalancerIngress};
use serde_json::json;

use super::*;
use crate::config::PublishStatus;

fn key(name: &str) -> ObjectKey {
    ObjectKey {
        namespace: "default".into(),
        name: name.into(),
    }
}

fn ingress(name: &str, status_ips: &[&str], managers: &[&str]) -> Ingress {
    let managed: Vec<_> = managers
        .iter()
        .map(|m| {
            json!({"manager": m, "operation": "Apply", "subresource": "status", "apiVersion": "networking.k8s.io/v1",
                "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:loadBalancer": {"f:ingress": {}}}}})
        })
        .collect();
    let entries: Vec<_> = status_ips.iter().map(|ip| json!({"ip": ip})).collect();
    serde_json::from_value(json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": "default", "managedFields": managed},
        "spec": {},
        "status": {"loadBalancer": {"ingress": entries}},
    }))
    .unwrap()
}

fn ip(ip: &str) -> IngressLoadBalancerIngress {
    IngressLoadBalancerIngress {
        ip: Some(ip.into()),
        ..Default::default()
    }
}

fn served(names: &[&str]) -> HashSet<ObjectKey> {
    names.iter().map(|n| key(n)).collect()
}

#[test]
fn served_ingresses_get_the_addresses_once() {
    let fresh = ingress("fresh", &[], &[]);
    let done = ingress("done", &["10.0.0.1"], &[FIELD_MANAGER]);
    let stale = ingress("stale", &["10.0.0.9"], &[FIELD_MANAGER]);
    let entries = [ip("10.0.0.1")];
    let changes = decide(
        [&fresh, &done, &stale],
        &served(&["fresh", "done", "stale"]),
        Some(&entries),
    );
    assert_eq!(
        changes,
        vec![
            StatusChange::Set(key("fresh"), entries.to_vec()),
            StatusChange::Set(key("stale"), entries.to_vec()),
        ]
    );
}

#[test]
fn same_addresses_written_by_someone_else_are_taken_over() {
    let theirs = ingress("theirs", &["10.0.0.1"], &["traefik"]);
    let entries = [ip("10.0.0.1")];
    let changes = decide([&theirs], &served(&["theirs"]), Some(&entries));
    assert_eq!(changes, vec![StatusChange::Set(key("theirs"), entries.to_vec())]);
}

#[test]
fn unserved_ingresses_lose_only_the_status_the_proxy_wrote() {
    let ours = ingress("ours", &["10.0.0.1"], &[FIELD_MANAGER]);
    let theirs = ingress("theirs", &["10.9.9.9"], &["nginx-ingress"]);
    let untouched = ingress("untouched", &[], &[]);
    let entries = [ip("10.0.0.1")];
    let changes = decide([&ours, &theirs, &untouched], &served(&[]), Some(&entries));
    assert_eq!(changes, vec![StatusChange::Clear(key("ours"))]);
}

#[test]
fn unknown_addresses_leave_served_ingresses_alone() {
    let fresh = ingress("fresh", &[], &[]);
    let ours = ingress("gone", &["10.0.0.1"], &[FIELD_MANAGER]);
    let changes = decide([&fresh, &ours], &served(&["fresh"]), None);
    assert_eq!(changes, vec![StatusChange::Clear(key("gone"))]);
    assert_eq!(decide([&fresh], &served(&["fresh"]), Some(&[][..])), vec![]);
}

#[test]
fn addresses_are_ips_or_host_names() {
    let entries = entries_of(&[
        "192.0.2.1".into(),
        " lb.example.test ".into(),
        "2001:db8::1".into(),
        "".into(),
    ]);
    assert_eq!(
        entries,
        vec![
            ip("192.0.2.1"),
            IngressLoadBalancerIngress {
                hostname: Some("lb.example.test".into()),
                ..Default::default()
            },
            ip("2001:db8::1"),
        ]
    );
}

fn service(value: serde_json::Value) -> Service {
    let mut base =
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb", "namespace": "default"}});
    base.as_object_mut()
        .unwrap()
        .extend(value.as_object().unwrap().clone());
    serde_json::from_value(base).unwrap()
}

#[test]
fn a_published_service_stands_for_its_balancer_then_external_then_cluster_ips() {
    let balanced = service(json!({
        "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.5", "externalIPs": ["198.51.100.1"]},
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}, {"hostname": "lb.example.test"}]}}
    }));
    assert_eq!(
        entries_of_service(&balanced),
        vec![
            ip("203.0.113.7"),
            IngressLoadBalancerIngress {
                hostname: Some("lb.example.test".into()),
                ..Default::default()
            }
        ]
    );
    let external = service(json!({"spec": {"clusterIP": "10.96.0.5", "externalIPs": ["198.51.100.1"]}}));
    assert_eq!(entries_of_service(&external), vec![ip("198.51.100.1")]);
    let cluster = service(json!({"spec": {"clusterIP": "10.96.0.5"}}));
    assert_eq!(entries_of_service(&cluster), vec![ip("10.96.0.5")]);
    let headless = service(json!({"spec": {"clusterIP": "None"}}));
    assert_eq!(entries_of_service(&headless), vec![]);
}

#[test]
fn fixed_addresses_win_over_the_published_service() {
    let service = service(json!({"spec": {"clusterIP": "10.96.0.5"}}));
    let key = ObjectKey {
        namespace: "kube-system".into(),
        name: "passerelle".into(),
    };
    let fixed = PublishStatus {
        ip: Some("192.0.2.1".parse().unwrap()),
        hostname: Some("lb.example.test".into()),
        service: Some(key.clone()),
    };
    let host = IngressLoadBalancerIngress {
        hostname: Some("lb.example.test".into()),
        ..Default::default()
    };
    assert_eq!(wanted(&fixed, Some(&service)), Some(vec![ip("192.0.2.1"), host]));
    let by_service = PublishStatus {
        service: Some(key),
        ..Default::default()
    };
    assert_eq!(wanted(&by_service, Some(&service)), Some(vec![ip("10.96.0.5")]));
    assert_eq!(wanted(&by_service, None), None, "the Service is not found yet");
    assert_eq!(wanted(&PublishStatus::default(), Some(&service)), None);
}
