//! The OpenAPI v3 schemas of the built-in kinds, from k8s-openapi's
//! `schemars` implementations: which fields exist (for `fieldValidation`'s
//! unknown fields) and their descriptions (for Table column definitions).

use std::any::type_name;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use k8s_openapi::api::{
    apps, authentication, authorization, coordination, core::v1 as corev1, discovery, events, networking,
    rbac,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiextensions;
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::registry::ResourceType;

static ROOTS: LazyLock<Mutex<HashMap<&'static str, Arc<Value>>>> = LazyLock::new(Default::default);

/// The root schema of `T` (its definitions under `components/schemas`),
/// generated once.
pub(crate) fn root<T: JsonSchema>() -> Arc<Value> {
    let name = type_name::<T>();
    if let Some(schema) = ROOTS.lock().unwrap_or_else(PoisonError::into_inner).get(name) {
        return schema.clone();
    }
    let schema = Arc::new(
        SchemaSettings::openapi3()
            .into_generator()
            .into_root_schema_for::<T>()
            .to_value(),
    );
    ROOTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(name, schema.clone());
    schema
}

/// Follows `$ref`s (and the single-`allOf` wrappers openapi3 puts around
/// references with siblings) to the schema they name.
pub(crate) fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..64 {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            match reference
                .strip_prefix('#')
                .and_then(|pointer| root.pointer(pointer))
            {
                Some(target) => {
                    schema = target;
                    continue;
                }
                None => return schema,
            }
        }
        match schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            Some([only]) => schema = only,
            _ => return schema,
        }
    }
    schema
}

/// The description of property `field` of `T`, as the API server's
/// `SwaggerDoc()` gives it.
pub(crate) fn description<T: JsonSchema>(field: &str) -> String {
    let root = root::<T>();
    let schema = resolve(&root, &root);
    schema["properties"][field]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The schema of a built-in kind.
fn kind_schema(rt: &ResourceType) -> Option<Arc<Value>> {
    Some(match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Namespace") => root::<corev1::Namespace>(),
        ("", "Secret") => root::<corev1::Secret>(),
        ("", "ConfigMap") => root::<corev1::ConfigMap>(),
        ("", "Service") => root::<corev1::Service>(),
        ("", "Endpoints") => root::<corev1::Endpoints>(),
        ("", "ServiceAccount") => root::<corev1::ServiceAccount>(),
        ("", "Pod") => root::<corev1::Pod>(),
        ("", "Event") => root::<corev1::Event>(),
        ("events.k8s.io", "Event") => root::<events::v1::Event>(),
        ("coordination.k8s.io", "Lease") => root::<coordination::v1::Lease>(),
        ("networking.k8s.io", "Ingress") => root::<networking::v1::Ingress>(),
        ("networking.k8s.io", "IngressClass") => root::<networking::v1::IngressClass>(),
        ("discovery.k8s.io", "EndpointSlice") => root::<discovery::v1::EndpointSlice>(),
        ("apps", "Deployment") => root::<apps::v1::Deployment>(),
        ("apps", "DaemonSet") => root::<apps::v1::DaemonSet>(),
        ("rbac.authorization.k8s.io", "Role") => root::<rbac::v1::Role>(),
        ("rbac.authorization.k8s.io", "RoleBinding") => root::<rbac::v1::RoleBinding>(),
        ("rbac.authorization.k8s.io", "ClusterRole") => root::<rbac::v1::ClusterRole>(),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => root::<rbac::v1::ClusterRoleBinding>(),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            root::<apiextensions::CustomResourceDefinition>()
        }
        ("authorization.k8s.io", "SelfSubjectAccessReview") => {
            root::<authorization::v1::SelfSubjectAccessReview>()
        }
        ("authorization.k8s.io", "SubjectAccessReview") => root::<authorization::v1::SubjectAccessReview>(),
        ("authentication.k8s.io", "SelfSubjectReview") => root::<authentication::v1::SelfSubjectReview>(),
        _ => return None,
    })
}

/// Whether the schema accepts any field (`x-kubernetes-preserve-unknown-fields`,
/// or an object without declared properties such as `RawExtension`).
fn free_form(schema: &Value) -> bool {
    schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
}

fn walk(root: &Value, schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    let schema = resolve(root, schema);
    if free_form(schema) {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (key, child) in map {
                    let child_path = format!("{path}.{key}");
                    match properties.get(key) {
                        Some(child_schema) => walk(root, child_schema, child, &child_path, out),
                        None => out.push(child_path),
                    }
                }
            } else if let Some(values) = schema.get("additionalProperties").filter(|s| s.is_object()) {
                for (key, child) in map {
                    walk(root, values, child, &format!("{path}.{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    walk(root, item_schema, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

/// The JSON paths (`.spec.foo`, `.spec.rules[0].bar`) of the fields of a
/// built-in object that its kind's schema does not declare; empty for
/// custom resources, whose schemas are checked elsewhere.
pub(crate) fn unknown_fields(rt: &ResourceType, object: &Value) -> Vec<String> {
    if rt.is_custom() {
        return Vec::new();
    }
    let Some(root) = kind_schema(rt) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&root, &root, object, "", &mut out);
    out
}

fn prune(root: &Value, schema: &Value, value: &mut Value) {
    let schema = resolve(root, schema);
    if free_form(schema) {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                map.retain(|key, _| properties.contains_key(key));
                for (key, child) in map.iter_mut() {
                    if let Some(child_schema) = properties.get(key) {
                        prune(root, child_schema, child);
                    }
                }
            } else if let Some(values) = schema.get("additionalProperties").filter(|s| s.is_object()) {
                for child in map.values_mut() {
                    prune(root, values, child);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    prune(root, item_schema, item);
                }
            }
        }
        _ => {}
    }
}

/// Drops the fields of a built-in object that its kind's schema does not
/// declare, as decoding into the typed object does on the real server
/// whatever `fieldValidation` says (custom resources are pruned by their
/// structural schemas instead).
pub(crate) fn prune_unknown_fields(rt: &ResourceType, object: &mut Value) {
    if rt.is_custom() {
        return;
    }
    if let Some(root) = kind_schema(rt) {
        prune(&root, &root, object);
    }
}
