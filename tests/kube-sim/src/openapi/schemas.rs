//! `components.schemas` of a group version document: one schema per kind and
//! list kind, named as the real server names them, each with its
//! `x-kubernetes-group-version-kind`, plus every definition they reference
//! (`ObjectMeta`, `ManagedFieldsEntry`, `Time`, `Status`, …).
//!
//! Built-in kinds come from k8s-openapi's `schemars::JsonSchema` impls;
//! custom kinds from the CRD version's `openAPIV3Schema`, finished as the
//! apiextensions OpenAPI builder does (`builder.go`): TypeMeta properties,
//! `metadata` as a reference to `ObjectMeta`, int-or-string unfolded,
//! embedded resources given their TypeMeta and metadata. As kube-openapi's
//! `WrapRefs` does, a `$ref` with siblings is wrapped in an `allOf`.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{DeleteOptions, ListMeta, ObjectMeta, Patch, Status};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::builtin;
use crate::registry::{ResourceType, Source};

/// Where component schemas live, as a `$ref` prefix.
pub(super) const REF_PREFIX: &str = "#/components/schemas/";

const API_VERSION_DESCRIPTION: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DESCRIPTION: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const METADATA_DESCRIPTION: &str = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DESCRIPTION: &str = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const EMBEDDED_API_VERSION_DESCRIPTION: &str = "apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const EMBEDDED_KIND_DESCRIPTION: &str = "kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/// The definition name of a type's kind.
pub(super) fn kind_name(rt: &ResourceType) -> String {
    match &rt.source {
        Source::Crd { .. } => rest_friendly_name(rt, &rt.kind),
        Source::Builtin => match builtin::lookup(&rt.group, &rt.version, &rt.kind) {
            Some(b) => b.name,
            None => builtin_fallback_name(rt, &rt.kind),
        },
    }
}

/// The definition name of a type's list kind: the kind's name with the list
/// kind in place of the kind (`io.k8s.api.core.v1.SecretList`).
pub(super) fn list_name(rt: &ResourceType) -> String {
    let kind = kind_name(rt);
    match kind.strip_suffix(&rt.kind) {
        Some(prefix) => format!("{prefix}{}", rt.list_kind),
        None => format!("{kind}List"),
    }
}

/// `components.schemas` for the types of one group version.
pub(super) fn components(types: &[&ResourceType]) -> Map<String, Value> {
    let mut generator = SchemaSettings::openapi3().into_generator();
    generator.subschema_for::<ObjectMeta>();
    generator.subschema_for::<ListMeta>();
    generator.subschema_for::<Status>();
    generator.subschema_for::<DeleteOptions>();
    generator.subschema_for::<Patch>();
    let mut extra: Vec<(String, Value)> = Vec::new();
    let mut builtins: Vec<(&ResourceType, String)> = Vec::new();
    for rt in types {
        match &rt.source {
            Source::Builtin => match builtin::lookup(&rt.group, &rt.version, &rt.kind) {
                Some(b) => {
                    (b.add)(&mut generator);
                    builtins.push((rt, b.name));
                }
                None => extra.push((kind_name(rt), fallback_schema(rt))),
            },
            Source::Crd { schema, .. } => extra.push((kind_name(rt), crd_schema(rt, schema))),
        }
        extra.push((list_name(rt), list_schema(rt)));
    }
    let mut schemas = generator.take_definitions(true);
    for (rt, name) in builtins {
        if let Some(Value::Object(schema)) = schemas.get_mut(&name) {
            finish_builtin(schema, rt);
        }
    }
    for (name, mut schema) in extra {
        wrap_refs(&mut schema);
        schemas.insert(name, schema);
    }
    let core_gvk = |kind: &str| json!({"group": "", "kind": kind, "version": "v1"});
    if let Some(status) = schemas.get_mut("io.k8s.apimachinery.pkg.apis.meta.v1.Status") {
        status["x-kubernetes-group-version-kind"] = json!([core_gvk("Status")]);
    }
    if let Some(options) = schemas.get_mut("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions") {
        options["x-kubernetes-group-version-kind"] = json!([core_gvk("DeleteOptions")]);
    }
    schemas
}

/// The `x-kubernetes-group-version-kind` of a schema.
fn gvk(rt: &ResourceType, kind: &str) -> Value {
    json!([{"group": rt.group, "kind": kind, "version": rt.version}])
}

/// Adds the GVK a k8s-openapi schema lacks, and drops `metadata` from
/// `required`: k8s-openapi requires it because its Rust field is not
/// optional, while the real schemas do not.
fn finish_builtin(schema: &mut Map<String, Value>, rt: &ResourceType) {
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| r != "metadata");
        if required.is_empty() {
            schema.remove("required");
        }
    }
    schema.insert("x-kubernetes-group-version-kind".into(), gvk(rt, &rt.kind));
}

/// `util.ToRESTFriendlyName("group/version/kind")`: the group reversed
/// (`io.cert-manager.v1.Certificate`).
fn rest_friendly_name(rt: &ResourceType, kind: &str) -> String {
    let group: Vec<&str> = rt.group.split('.').rev().collect();
    format!("{}.{}.{kind}", group.join("."), rt.version)
}

/// A built-in kind kube-sim has no Rust type for: named after the
/// `io.k8s.api.<group>.<version>` convention.
fn builtin_fallback_name(rt: &ResourceType, kind: &str) -> String {
    let group = if rt.group.is_empty() {
        "core"
    } else {
        rt.group.split('.').next().unwrap_or("core")
    };
    format!("io.k8s.api.{group}.{}.{kind}", rt.version)
}

/// TypeMeta's two properties.
fn type_meta(properties: &mut Map<String, Value>) {
    properties.insert(
        "apiVersion".into(),
        json!({"description": API_VERSION_DESCRIPTION, "type": "string"}),
    );
    properties.insert(
        "kind".into(),
        json!({"description": KIND_DESCRIPTION, "type": "string"}),
    );
}

/// A reference to a component, with a description.
fn reference(name: &str, description: &str) -> Value {
    json!({"$ref": format!("{REF_PREFIX}{name}"), "description": description})
}

/// The schema of a built-in kind without a Rust type: TypeMeta and metadata.
fn fallback_schema(rt: &ResourceType) -> Value {
    let mut properties = Map::new();
    type_meta(&mut properties);
    properties.insert(
        "metadata".into(),
        reference(
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
            METADATA_DESCRIPTION,
        ),
    );
    json!({
        "description": format!("{} is a {} object.", rt.kind, rt.api_version()),
        "properties": properties,
        "type": "object",
        "x-kubernetes-group-version-kind": gvk(rt, &rt.kind),
    })
}

/// The list kind's schema: `items` of the kind, ListMeta, TypeMeta.
fn list_schema(rt: &ResourceType) -> Value {
    let mut properties = Map::new();
    type_meta(&mut properties);
    properties.insert(
        "metadata".into(),
        reference(
            "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
            LIST_METADATA_DESCRIPTION,
        ),
    );
    let item = json!({"$ref": format!("{REF_PREFIX}{}", kind_name(rt))});
    let mut schema = if rt.is_custom() {
        // The apiextensions builder's wording; its list schema has no type.
        properties.insert(
            "items".into(),
            json!({
                "description": format!("List of {}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md", rt.plural),
                "items": item,
                "type": "array",
            }),
        );
        json!({"description": format!("{} is a list of {}", rt.list_kind, rt.kind), "properties": properties})
    } else {
        properties.insert(
            "items".into(),
            json!({"description": format!("Items is a list of {}.", rt.kind), "items": item, "type": "array"}),
        );
        json!({"description": format!("{} is a list of {}.", rt.list_kind, rt.kind), "properties": properties, "type": "object"})
    };
    schema["required"] = json!(["items"]);
    schema["x-kubernetes-group-version-kind"] = gvk(rt, &rt.list_kind);
    schema
}

/// A CRD version's schema as the apiextensions builder publishes it.
fn crd_schema(rt: &ResourceType, schema: &Value) -> Value {
    let Value::Object(_) = schema else {
        // Without a schema the builder publishes a bare object, so that
        // clients do not take the missing properties as forbidden.
        return json!({"type": "object", "x-kubernetes-group-version-kind": gvk(rt, &rt.kind)});
    };
    let mut schema = schema.clone();
    unfold(&mut schema);
    embedded_resources(&mut schema);
    let object = schema.as_object_mut().map(|o| {
        let properties = o.entry("properties").or_insert_with(|| json!({}));
        if !properties.is_object() {
            *properties = json!({});
        }
        properties
    });
    if let Some(Value::Object(properties)) = object {
        properties.insert(
            "metadata".into(),
            reference(
                "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
                METADATA_DESCRIPTION,
            ),
        );
        type_meta(properties);
    }
    schema["x-kubernetes-group-version-kind"] = gvk(rt, &rt.kind);
    schema
}

/// The structural children of a schema node (properties, items,
/// additionalProperties), as the structural-schema visitor walks them.
fn structural_children(node: &mut Map<String, Value>) -> Vec<&mut Value> {
    let mut children: Vec<&mut Value> = Vec::new();
    for (key, value) in node.iter_mut() {
        match key.as_str() {
            "properties" => children.extend(value.as_object_mut().into_iter().flat_map(|p| p.values_mut())),
            "items" | "additionalProperties" if value.is_object() => children.push(value),
            _ => {}
        }
    }
    children
}

/// `Structural.Unfold`: an `x-kubernetes-int-or-string` node gets
/// `anyOf: [integer, string]` (or, if it has another `anyOf`, an `allOf`
/// holding that pair), unless it already spells the pattern out.
fn unfold(schema: &mut Value) {
    let Some(node) = schema.as_object_mut() else {
        return;
    };
    if node.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        let pair = json!([{"type": "integer"}, {"type": "string"}]);
        let is_pair = |any_of: Option<&Value>| {
            any_of.and_then(Value::as_array).is_some_and(|a| {
                a.len() == 2
                    && a[0].get("type") == Some(&json!("integer"))
                    && a[1].get("type") == Some(&json!("string"))
            })
        };
        let spelled = is_pair(node.get("anyOf"))
            || is_pair(
                node.get("allOf")
                    .and_then(|a| a.get(0))
                    .and_then(|first| first.get("anyOf")),
            );
        if !spelled {
            if node.contains_key("anyOf") {
                let all_of = node.entry("allOf").or_insert_with(|| json!([]));
                if let Value::Array(all_of) = all_of {
                    all_of.insert(0, json!({"anyOf": pair}));
                }
            } else {
                node.insert("anyOf".into(), pair);
            }
        }
    }
    for child in structural_children(node) {
        unfold(child);
    }
}

/// `addEmbeddedProperties`: an `x-kubernetes-embedded-resource` object gets
/// apiVersion, kind and metadata, and requires apiVersion and kind.
fn embedded_resources(schema: &mut Value) {
    let Some(node) = schema.as_object_mut() else {
        return;
    };
    for child in structural_children(node) {
        embedded_resources(child);
    }
    if node.get("x-kubernetes-embedded-resource") != Some(&Value::Bool(true)) {
        return;
    }
    if let Value::Object(properties) = node.entry("properties").or_insert_with(|| json!({})) {
        properties.insert(
            "apiVersion".into(),
            json!({"description": EMBEDDED_API_VERSION_DESCRIPTION, "type": "string"}),
        );
        properties.insert(
            "kind".into(),
            json!({"description": EMBEDDED_KIND_DESCRIPTION, "type": "string"}),
        );
        properties.insert(
            "metadata".into(),
            reference(
                "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
                METADATA_DESCRIPTION,
            ),
        );
    }
    if let Value::Array(required) = node.entry("required").or_insert_with(|| json!([])) {
        for field in ["kind", "apiVersion"] {
            if !required.iter().any(|r| r == field) {
                required.push(field.into());
            }
        }
    }
}

/// kube-openapi's `WrapRefs`: a `$ref` with siblings becomes
/// `allOf: [{$ref}]`, since OpenAPI 3.0 ignores a `$ref`'s siblings.
pub(super) fn wrap_refs(schema: &mut Value) {
    let Some(node) = schema.as_object_mut() else {
        return;
    };
    for (key, value) in node.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" => value
                .as_object_mut()
                .into_iter()
                .flat_map(|p| p.values_mut())
                .for_each(wrap_refs),
            "items" | "additionalProperties" | "not" => wrap_refs(value),
            "allOf" | "anyOf" | "oneOf" => value.as_array_mut().into_iter().flatten().for_each(wrap_refs),
            _ => {}
        }
    }
    if node.len() > 1
        && let Some(reference) = node.remove("$ref")
    {
        let all_of = node.entry("allOf").or_insert_with(|| json!([]));
        if let Value::Array(all_of) = all_of {
            all_of.push(json!({"$ref": reference}));
        }
    }
}
