//! Discovery documents for built-ins and registered CRDs, checked against
//! the shapes kube-apiserver serves and parsed with the client types.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{APIGroup, APIGroupList, APIResourceList, APIVersions};
use kube::core::discovery::v2::APIGroupDiscoveryList;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::fixtures::{crd_types, registry_with_crds};
use super::*;

fn names(doc: &Value, list: &str, key: &str) -> Vec<String> {
    doc[list]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| g.pointer(key).and_then(Value::as_str).unwrap_or("").to_string())
        .collect()
}

fn resource<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["name"] == name))
        .unwrap_or(&Value::Null)
}

/// A CRD `widgets.example.com` with the given versions (name, served, storage).
fn widget_crd(versions: &[(&str, bool, bool)]) -> Value {
    json!({
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Cluster",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
            "versions": versions.iter().map(|(name, served, storage)| json!({
                "name": name, "served": served, "storage": storage,
                "schema": {"openAPIV3Schema": {"type": "object"}},
            })).collect::<Vec<_>>(),
        },
    })
}

#[test]
fn core_versions_lists_v1_and_the_server_address() {
    let doc = core_versions(&Registry::new(), "127.0.0.1:6443");
    assert_eq!(
        doc,
        json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}],
        })
    );
    let parsed: APIVersions = serde_json::from_value(doc).expect("APIVersions");
    assert_eq!(parsed.versions, ["v1"]);
}

#[test]
fn group_list_follows_the_registry_order_without_the_core_group() {
    let reg = registry_with_crds();
    let doc = groups(&reg);
    assert_eq!(doc["kind"], "APIGroupList");
    assert_eq!(doc["apiVersion"], "v1");
    let listed = names(&doc, "groups", "/name");
    let expected: Vec<String> = reg.groups().into_iter().filter(|g| !g.is_empty()).collect();
    assert_eq!(listed, expected);
    assert_eq!(listed.first().map(String::as_str), Some("apps"));
    let position = |g: &str| listed.iter().position(|l| l == g).unwrap_or(usize::MAX);
    assert!(position("apiextensions.k8s.io") < position("acme.cert-manager.io"));
    assert!(position("acme.cert-manager.io") < position("cert-manager.io"));
    assert!(position("cert-manager.io") < position("certmanager.k8s.io"));
    let parsed: APIGroupList = serde_json::from_value(doc).expect("APIGroupList");
    let cert_manager = parsed
        .groups
        .iter()
        .find(|g| g.name == "cert-manager.io")
        .expect("cert-manager.io listed");
    assert_eq!(
        cert_manager
            .preferred_version
            .as_ref()
            .map(|v| v.group_version.as_str()),
        Some("cert-manager.io/v1")
    );
}

#[test]
fn group_document_has_versions_and_preferred_version() {
    let doc = group(&Registry::new(), "apps").expect("apps is served");
    assert_eq!(
        doc,
        json!({
            "kind": "APIGroup",
            "apiVersion": "v1",
            "name": "apps",
            "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
            "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"},
        })
    );
    let _: APIGroup = serde_json::from_value(doc).expect("APIGroup");
    assert_eq!(group(&Registry::new(), "cert-manager.io"), None);
    assert_eq!(group(&Registry::new(), ""), None);
}

#[test]
fn core_resource_list_has_no_api_version_and_lists_status_subresources() {
    let doc = resources(&Registry::new(), "", "v1").expect("core v1 is served");
    assert_eq!(doc["kind"], "APIResourceList");
    assert_eq!(doc["groupVersion"], "v1");
    assert!(doc.get("apiVersion").is_none());
    assert_eq!(
        resource(&doc, "pods"),
        &json!({
            "name": "pods",
            "singularName": "pod",
            "namespaced": true,
            "kind": "Pod",
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            "shortNames": ["po"],
            "categories": ["all"],
        })
    );
    assert_eq!(
        resource(&doc, "pods/status"),
        &json!({"name": "pods/status", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get", "patch", "update"]})
    );
    assert_eq!(resource(&doc, "secrets").get("shortNames"), None);
    let listed = names(&doc, "resources", "/name");
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    let parsed: APIResourceList = serde_json::from_value(doc).expect("APIResourceList");
    assert!(
        parsed
            .resources
            .iter()
            .any(|r| r.name == "namespaces/status" && !r.namespaced)
    );
}

#[test]
fn crd_resource_list_uses_the_apiextensions_verb_order() {
    let reg = registry_with_crds();
    let doc = resources(&reg, "cert-manager.io", "v1").expect("cert-manager.io/v1 is served");
    assert_eq!(doc["apiVersion"], "v1");
    assert_eq!(doc["groupVersion"], "cert-manager.io/v1");
    let certificates = resource(&doc, "certificates");
    assert_eq!(certificates["singularName"], "certificate");
    assert_eq!(certificates["kind"], "Certificate");
    assert_eq!(certificates["namespaced"], true);
    assert_eq!(
        certificates["verbs"],
        json!([
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "create",
            "update",
            "watch"
        ])
    );
    assert_eq!(certificates["shortNames"], json!(["cert", "certs"]));
    assert_eq!(certificates["categories"], json!(["cert-manager"]));
    assert_eq!(
        resource(&doc, "certificates/status"),
        &json!({
            "name": "certificates/status", "singularName": "", "namespaced": true,
            "kind": "Certificate", "verbs": ["get", "patch", "update"],
        })
    );
    assert_eq!(resource(&doc, "clusterissuers")["namespaced"], false);
    let _: APIResourceList = serde_json::from_value(doc).expect("APIResourceList");
    assert_eq!(resources(&reg, "cert-manager.io", "v2"), None);
    assert_eq!(resources(&reg, "nope.example.com", "v1"), None);
}

#[test]
fn registered_crd_version_appears_at_once_and_unserved_versions_do_not() {
    let mut reg = Registry::new();
    assert_eq!(group(&reg, "example.com"), None);
    let crd = widget_crd(&[
        ("v1alpha1", true, false),
        ("v1beta1", true, true),
        ("v1", true, false),
        ("v2alpha1", false, false),
    ]);
    reg.set_crd("widgets.example.com", crd_types(&crd));
    let doc = group(&reg, "example.com").expect("example.com is served");
    // The apiextensions server prefers the highest kube-aware version, not
    // the storage version.
    assert_eq!(
        doc["preferredVersion"],
        json!({"groupVersion": "example.com/v1", "version": "v1"})
    );
    assert_eq!(names(&doc, "versions", "/version"), ["v1", "v1beta1", "v1alpha1"]);
    assert!(resources(&reg, "example.com", "v1beta1").is_some());
    assert_eq!(resources(&reg, "example.com", "v2alpha1"), None);
    assert!(names(&groups(&reg), "groups", "/name").contains(&"example.com".to_string()));
    reg.set_crd("widgets.example.com", Vec::new());
    assert_eq!(group(&reg, "example.com"), None);
    assert!(!names(&groups(&reg), "groups", "/name").contains(&"example.com".to_string()));
}

#[test]
fn aggregated_core_document_holds_the_core_group_alone() {
    let doc = aggregated(&registry_with_crds(), true);
    assert_eq!(doc["kind"], "APIGroupDiscoveryList");
    assert_eq!(doc["apiVersion"], "apidiscovery.k8s.io/v2");
    let items = doc["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["metadata"], json!({}));
    let version = &items[0]["versions"][0];
    assert_eq!(version["version"], "v1");
    assert_eq!(version["freshness"], "Current");
    let pods = version["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["resource"] == "pods"))
        .expect("pods");
    assert_eq!(
        pods,
        &json!({
            "resource": "pods",
            "responseKind": {"group": "", "version": "", "kind": "Pod"},
            "scope": "Namespaced",
            "singularResource": "pod",
            "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            "shortNames": ["po"],
            "categories": ["all"],
            "subresources": [{
                "subresource": "status",
                "responseKind": {"group": "", "version": "", "kind": "Pod"},
                "verbs": ["get", "patch", "update"],
            }],
        })
    );
    let parsed: APIGroupDiscoveryList = serde_json::from_value(doc).expect("APIGroupDiscoveryList");
    assert!(
        parsed.items[0].versions[0]
            .resources
            .iter()
            .any(|r| r.resource.as_deref() == Some("namespaces"))
    );
}

#[test]
fn aggregated_apis_document_lists_groups_in_order_with_crd_kinds_filled_in() {
    let reg = registry_with_crds();
    let doc = aggregated(&reg, false);
    let listed = names(&doc, "items", "/metadata/name");
    assert_eq!(listed, names(&groups(&reg), "groups", "/name"));
    let cert_manager = doc["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["metadata"]["name"] == "cert-manager.io"))
        .expect("cert-manager.io");
    let v1 = &cert_manager["versions"][0];
    assert_eq!(v1["version"], "v1");
    let resources = v1["resources"].as_array().expect("resources");
    let plurals: Vec<&str> = resources.iter().filter_map(|r| r["resource"].as_str()).collect();
    assert_eq!(
        plurals,
        ["certificaterequests", "certificates", "clusterissuers", "issuers"]
    );
    let certificates = &resources[1];
    assert_eq!(
        certificates["responseKind"],
        json!({"group": "cert-manager.io", "version": "v1", "kind": "Certificate"})
    );
    assert_eq!(certificates["scope"], "Namespaced");
    assert_eq!(certificates["singularResource"], "certificate");
    assert_eq!(certificates["shortNames"], json!(["cert", "certs"]));
    assert_eq!(
        certificates["subresources"],
        json!([{
            "subresource": "status",
            "responseKind": {"group": "cert-manager.io", "version": "v1", "kind": "Certificate"},
            "verbs": ["get", "patch", "update"],
        }])
    );
    assert_eq!(resources[2]["scope"], "Cluster");
    let parsed: APIGroupDiscoveryList = serde_json::from_value(doc).expect("APIGroupDiscoveryList");
    assert!(parsed.items.iter().all(|g| {
        g.versions
            .iter()
            .all(|v| v.freshness.as_deref() == Some("Current"))
    }));
}

#[test]
fn aggregated_versions_are_preferred_first() {
    let mut reg = Registry::new();
    let crd = widget_crd(&[("v1beta1", true, true), ("v1", true, false)]);
    reg.set_crd("widgets.example.com", crd_types(&crd));
    let doc = aggregated(&reg, false);
    let widgets = doc["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["metadata"]["name"] == "example.com"))
        .expect("example.com");
    assert_eq!(names(widgets, "versions", "/version"), ["v1", "v1beta1"]);
}
