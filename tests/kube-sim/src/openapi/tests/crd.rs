//! The documents of custom resources, as the apiextensions OpenAPI builder
//! writes them, and the walk `kubectl explain` makes through a document.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{OBJECT_META_REF, component, gv_doc};
use crate::discovery::fixtures::{crd_types, registry_with_crds};
use crate::registry::Registry;

/// Resolves a schema the way the explain template does: a `$ref`, or the
/// single `allOf` entry.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(Value::String(r)) = schema.get("$ref") {
        let name = r.trim_start_matches("#/components/schemas/");
        return resolve(doc, component(doc, name));
    }
    match schema.get("allOf").and_then(Value::as_array) {
        Some(all_of) if schema.get("properties").is_none() && all_of.len() == 1 => resolve(doc, &all_of[0]),
        _ => schema,
    }
}

/// What `kubectl explain <resource>.<fields>` reaches: the GVK from the
/// resource's paths, the schema holding it, then each field in turn
/// (through arrays' items).
fn explain<'a>(doc: &'a Value, prefix: &str, plural: &str, fields: &[&str]) -> &'a Value {
    let candidates = [
        format!("{prefix}/{plural}"),
        format!("{prefix}/{plural}/{{name}}"),
        format!("{prefix}/namespaces/{{namespace}}/{plural}"),
        format!("{prefix}/namespaces/{{namespace}}/{plural}/{{name}}"),
    ];
    let gvk = candidates
        .iter()
        .filter_map(|p| doc["paths"].get(p))
        .flat_map(|p| ["get", "post", "put", "patch", "delete"].map(|m| p.get(m)))
        .flatten()
        .find_map(|op| op.get("x-kubernetes-group-version-kind"))
        .unwrap_or_else(|| panic!("no GVK on the paths of {plural}"));
    let (_, mut current) = doc["components"]["schemas"]
        .as_object()
        .and_then(|s| {
            s.iter().find(|(_, v)| {
                v["x-kubernetes-group-version-kind"]
                    .as_array()
                    .is_some_and(|list| list.contains(gvk))
            })
        })
        .unwrap_or_else(|| panic!("no schema with GVK {gvk}"));
    for field in fields {
        let mut resolved = resolve(doc, current);
        if let Some(items) = resolved.get("items") {
            resolved = resolve(doc, items);
        }
        current = resolved["properties"]
            .get(*field)
            .unwrap_or_else(|| panic!("field {field} of {resolved}"));
    }
    let resolved = resolve(doc, current);
    resolved
        .get("items")
        .map(|items| resolve(doc, items))
        .unwrap_or(resolved)
}

#[test]
fn crd_document_follows_the_apiextensions_builder() {
    let reg = registry_with_crds();
    let doc = gv_doc(&reg, "cert-manager.io", "v1");
    assert_eq!(doc["info"]["title"], "Kubernetes CRD Swagger");
    let cert = component(&doc, "io.cert-manager.v1.Certificate");
    assert_eq!(
        cert["x-kubernetes-group-version-kind"],
        json!([{"group": "cert-manager.io", "kind": "Certificate", "version": "v1"}])
    );
    assert_eq!(
        cert["properties"]["metadata"]["allOf"],
        json!([{"$ref": OBJECT_META_REF}])
    );
    assert_eq!(cert["properties"]["apiVersion"]["type"], "string");
    assert_eq!(cert["properties"]["kind"]["type"], "string");
    let source = reg
        .get("cert-manager.io", "v1", "certificates")
        .and_then(|t| t.schema())
        .expect("schema");
    assert_eq!(cert["properties"]["spec"], source["properties"]["spec"]);
    let list = component(&doc, "io.cert-manager.v1.CertificateList");
    assert_eq!(
        list["x-kubernetes-group-version-kind"],
        json!([{"group": "cert-manager.io", "kind": "CertificateList", "version": "v1"}])
    );
    assert_eq!(list["description"], "CertificateList is a list of Certificate");
    assert_eq!(
        list["properties"]["items"]["items"]["$ref"],
        "#/components/schemas/io.cert-manager.v1.Certificate"
    );
    let acme = gv_doc(&reg, "acme.cert-manager.io", "v1");
    component(&acme, "io.cert-manager.acme.v1.Order");
    let id = |path: &str, method: &str| doc["paths"][path][method]["operationId"].clone();
    let base = "/apis/cert-manager.io/v1/namespaces/{namespace}/certificates";
    assert_eq!(id(base, "get"), "listCertManagerIoV1NamespacedCertificate");
    assert_eq!(
        id(base, "delete"),
        "deletecollectionCertManagerIoV1NamespacedCertificate"
    );
    assert_eq!(
        id(&format!("{base}/{{name}}/status"), "get"),
        "readCertManagerIoV1NamespacedCertificateStatus"
    );
    assert_eq!(
        id("/apis/cert-manager.io/v1/certificates", "get"),
        "listCertManagerIoV1CertificateForAllNamespaces"
    );
    let patch = &doc["paths"][format!("{base}/{{name}}")]["patch"];
    assert_eq!(
        patch["x-kubernetes-group-version-kind"],
        json!({"group": "cert-manager.io", "kind": "Certificate", "version": "v1"})
    );
    assert!(
        patch["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == "fieldValidation"))
    );
}

#[test]
fn explain_reaches_certificate_spec_and_ingress_rules() {
    let reg = registry_with_crds();
    let certs = gv_doc(&reg, "cert-manager.io", "v1");
    let spec = explain(&certs, "/apis/cert-manager.io/v1", "certificates", &["spec"]);
    assert!(spec["properties"].get("secretName").is_some(), "{spec}");
    let ingress = gv_doc(&reg, "networking.k8s.io", "v1");
    let rules = explain(
        &ingress,
        "/apis/networking.k8s.io/v1",
        "ingresses",
        &["spec", "rules"],
    );
    let fields: Vec<&String> = rules["properties"]
        .as_object()
        .expect("rule properties")
        .keys()
        .collect();
    assert_eq!(fields, ["host", "http"]);
    let core = gv_doc(&reg, "", "v1");
    let namespaces = explain(&core, "/api/v1", "namespaces", &["metadata", "ownerReferences"]);
    assert!(namespaces["properties"].get("uid").is_some());
}

#[test]
fn crd_schema_unfolds_int_or_string_and_embedded_resources() {
    let mut reg = Registry::new();
    let schema_v = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "port": {"x-kubernetes-int-or-string": true},
        "spelled": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
        "template": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true},
        "ref": {"$ref": "#/components/schemas/elsewhere", "description": "kept but wrapped"},
    }}}});
    let crd = json!({
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Cluster",
                 "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                 "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": schema_v}}]},
    });
    reg.set_crd("widgets.example.com", crd_types(&crd));
    let doc = gv_doc(&reg, "example.com", "v1");
    let spec = &component(&doc, "com.example.v1.Widget")["properties"]["spec"]["properties"];
    assert_eq!(
        spec["port"]["anyOf"],
        json!([{"type": "integer"}, {"type": "string"}])
    );
    assert_eq!(
        spec["spelled"]["anyOf"],
        json!([{"type": "integer"}, {"type": "string"}])
    );
    assert!(spec["spelled"].get("allOf").is_none());
    let template = &spec["template"];
    assert_eq!(template["required"], json!(["kind", "apiVersion"]));
    assert_eq!(
        template["properties"]["metadata"]["allOf"],
        json!([{"$ref": OBJECT_META_REF}])
    );
    assert_eq!(template["properties"]["kind"]["type"], "string");
    assert_eq!(
        spec["ref"],
        json!({"description": "kept but wrapped", "allOf": [{"$ref": "#/components/schemas/elsewhere"}]})
    );
}
