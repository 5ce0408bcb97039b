//! OpenAPI v3 root and documents: every served group version listed, the
//! real definition names with their GVK, references that resolve, the
//! operations kubectl inspects; custom resources and `kubectl explain` in
//! [`crd`].

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::*;
use crate::discovery::fixtures::{crd_types, registry_with_crds};

const OBJECT_META_REF: &str = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

fn gv_doc(reg: &Registry, group: &str, version: &str) -> Value {
    document(reg, group, version).unwrap_or_else(|| panic!("{group}/{version} is served"))
}

fn component<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["components"]["schemas"]
        .get(name)
        .unwrap_or_else(|| panic!("component {name}"))
}

/// Every `$ref` under `value`, with whether it had siblings.
fn refs(value: &Value, out: &mut Vec<(String, bool)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push((r.clone(), map.len() > 1));
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn root_lists_every_served_group_version_with_a_stable_hash() {
    let reg = registry_with_crds();
    let root = root(&reg);
    let paths = root["paths"].as_object().expect("paths");
    for key in [
        "api/v1",
        "apis/apps/v1",
        "apis/networking.k8s.io/v1",
        "apis/cert-manager.io/v1",
        "apis/acme.cert-manager.io/v1",
        "apis/certmanager.k8s.io/v1alpha1",
    ] {
        let url = paths
            .get(key)
            .and_then(|p| p["serverRelativeURL"].as_str())
            .unwrap_or_else(|| panic!("{key} listed"));
        let (path, hash) = url.split_once("?hash=").expect("a hash");
        assert_eq!(path, format!("/openapi/v3/{key}"));
        assert!(
            hash.len() == 16
                && hash
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()),
            "{hash}"
        );
    }
    let group_versions: usize = reg.groups().iter().map(|g| served_versions(&reg, g).len()).sum();
    assert_eq!(paths.len(), group_versions);
    assert_eq!(root, super::root(&reg));
}

#[test]
fn root_hash_changes_with_the_document() {
    let mut reg = Registry::new();
    let crd = |versions: Value| {
        json!({
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                     "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                     "versions": versions},
        })
    };
    let v1 = json!({"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {"type": "object"}}});
    reg.set_crd("widgets.example.com", crd_types(&crd(json!([v1]))));
    let before = root(&reg)["paths"]["apis/example.com/v1"].clone();
    let core_before = root(&reg)["paths"]["api/v1"].clone();
    let with_spec = json!({"name": "v1", "served": true, "storage": true,
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object"}}}}});
    reg.set_crd("widgets.example.com", crd_types(&crd(json!([with_spec]))));
    let after = root(&reg);
    assert_ne!(after["paths"]["apis/example.com/v1"], before);
    assert_eq!(after["paths"]["api/v1"], core_before);
}

#[test]
fn builtin_document_names_kinds_like_the_real_server() {
    let doc = gv_doc(&Registry::new(), "", "v1");
    assert_eq!(doc["openapi"], "3.0.0");
    assert_eq!(
        doc["info"],
        json!({"title": "Kubernetes", "version": KUBERNETES_VERSION})
    );
    let secret = component(&doc, "io.k8s.api.core.v1.Secret");
    assert_eq!(
        secret["x-kubernetes-group-version-kind"],
        json!([{"group": "", "kind": "Secret", "version": "v1"}])
    );
    assert_eq!(
        secret["properties"]["metadata"]["allOf"],
        json!([{"$ref": OBJECT_META_REF}])
    );
    assert!(
        secret.get("required").is_none(),
        "metadata is not required: {secret}"
    );
    assert_eq!(
        secret["properties"]["data"]["additionalProperties"]["format"],
        "byte"
    );
    let list = component(&doc, "io.k8s.api.core.v1.SecretList");
    assert_eq!(
        list["x-kubernetes-group-version-kind"],
        json!([{"group": "", "kind": "SecretList", "version": "v1"}])
    );
    assert_eq!(
        list["properties"]["items"]["items"],
        json!({"$ref": "#/components/schemas/io.k8s.api.core.v1.Secret"})
    );
    assert_eq!(list["required"], json!(["items"]));
    for name in [
        "ObjectMeta",
        "ManagedFieldsEntry",
        "OwnerReference",
        "Time",
        "FieldsV1",
        "ListMeta",
        "Status",
        "DeleteOptions",
        "Patch",
    ] {
        component(&doc, &format!("io.k8s.apimachinery.pkg.apis.meta.v1.{name}"));
    }
    let pod = component(&doc, "io.k8s.api.core.v1.Pod");
    assert_eq!(
        pod["x-kubernetes-group-version-kind"],
        json!([{"group": "", "kind": "Pod", "version": "v1"}])
    );
    component(&doc, "io.k8s.api.core.v1.PodSpec");
    component(&doc, "io.k8s.apimachinery.pkg.api.resource.Quantity");
    component(&doc, "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
}

#[test]
fn every_builtin_kind_has_a_k8s_openapi_schema() {
    for rt in Registry::new().types() {
        assert!(
            builtin::lookup(&rt.group, &rt.version, &rt.kind).is_some(),
            "{} {}",
            rt.api_version(),
            rt.kind
        );
    }
    let doc = gv_doc(&Registry::new(), "apiextensions.k8s.io", "v1");
    component(
        &doc,
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
    );
    component(
        &doc,
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
    );
}

#[test]
fn every_reference_resolves_and_none_has_siblings() {
    let reg = registry_with_crds();
    for group in reg.groups() {
        for version in served_versions(&reg, &group) {
            let doc = gv_doc(&reg, &group, &version);
            let mut found = Vec::new();
            refs(&doc, &mut found);
            assert!(!found.is_empty());
            for (reference, siblings) in found {
                let name = reference
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or_else(|| panic!("{reference}"));
                assert!(
                    doc["components"]["schemas"].get(name).is_some(),
                    "{group}/{version}: {reference} does not resolve"
                );
                assert!(!siblings, "{group}/{version}: {reference} has siblings");
            }
        }
    }
}

#[test]
fn patch_operations_carry_the_gvk_and_field_validation() {
    let doc = gv_doc(&Registry::new(), "networking.k8s.io", "v1");
    let patch = &doc["paths"]["/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses/{name}"]["patch"];
    assert_eq!(
        patch["x-kubernetes-group-version-kind"],
        json!({"group": "networking.k8s.io", "kind": "Ingress", "version": "v1"})
    );
    assert_eq!(patch["x-kubernetes-action"], "patch");
    assert_eq!(patch["operationId"], "patchNetworkingV1NamespacedIngress");
    assert_eq!(patch["tags"], json!(["networking_v1"]));
    let params = patch["parameters"].as_array().expect("parameters");
    assert!(
        params
            .iter()
            .any(|p| p["name"] == "fieldValidation" && p["in"] == "query")
    );
    let media: Vec<&String> = patch["requestBody"]["content"]
        .as_object()
        .expect("content")
        .keys()
        .collect();
    assert_eq!(
        media,
        [
            "application/apply-patch+yaml",
            "application/json-patch+json",
            "application/merge-patch+json"
        ]
    );
    let class = &doc["paths"]["/apis/networking.k8s.io/v1/ingressclasses/{name}"]["patch"];
    assert_eq!(class["x-kubernetes-group-version-kind"]["kind"], "IngressClass");
    assert!(
        doc["paths"]
            .get("/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses/{name}/status")
            .is_some()
    );
}

#[test]
fn builtin_operations_are_named_like_the_installer() {
    let reg = Registry::new();
    let core = gv_doc(&reg, "", "v1");
    let id = |path: &str, method: &str| {
        core["paths"][path][method]["operationId"]
            .as_str()
            .map(str::to_string)
    };
    assert_eq!(
        id("/api/v1/secrets", "get").as_deref(),
        Some("listCoreV1SecretForAllNamespaces")
    );
    assert_eq!(
        id("/api/v1/namespaces/{namespace}/secrets", "get").as_deref(),
        Some("listCoreV1NamespacedSecret")
    );
    assert_eq!(
        id("/api/v1/namespaces/{namespace}/secrets", "delete").as_deref(),
        Some("deleteCoreV1CollectionNamespacedSecret")
    );
    assert_eq!(
        id("/api/v1/namespaces/{name}/status", "get").as_deref(),
        Some("readCoreV1NamespaceStatus")
    );
    assert_eq!(
        core["paths"]["/api/v1/namespaces/{namespace}/endpoints"]["post"]["description"],
        "create Endpoints"
    );
    let rbac = gv_doc(&reg, "rbac.authorization.k8s.io", "v1");
    assert_eq!(
        rbac["paths"]["/apis/rbac.authorization.k8s.io/v1/clusterroles"]["post"]["operationId"],
        "createRbacAuthorizationV1ClusterRole"
    );
    let authz = gv_doc(&reg, "authorization.k8s.io", "v1");
    let review = authz["paths"]["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"]
        .as_object()
        .expect("review path");
    let mut methods: Vec<&str> = review.keys().map(String::as_str).collect();
    methods.sort_unstable();
    assert_eq!(methods, ["parameters", "post"]);
    assert!(review.contains_key("post") && !review.contains_key("get"));
    assert!(
        authz["paths"]
            .get("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/{name}")
            .is_none()
    );
}

#[test]
fn unserved_group_versions_have_no_document() {
    let reg = registry_with_crds();
    assert_eq!(document(&reg, "cert-manager.io", "v2"), None);
    assert_eq!(document(&reg, "nope.example.com", "v1"), None);
    assert_eq!(document_path("", "v1"), "api/v1");
    assert_eq!(document_path("apps", "v1"), "apis/apps/v1");
}

mod crd;
