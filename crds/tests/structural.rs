//! Every generated CRD schema must be structural, as a real kube-apiserver
//! requires (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema),
//! and use the list and int-or-string extensions in their allowed forms.

use serde_json::Value;

const JUNCTORS: [&str; 4] = ["allOf", "anyOf", "oneOf", "not"];

fn schemas() -> Vec<(String, Value)> {
    passerelle_crds::crd::all()
        .into_iter()
        .flat_map(|crd| {
            let name = crd.metadata.name.clone().unwrap_or_default();
            crd.spec.versions.into_iter().map(move |v| {
                let schema = v
                    .schema
                    .and_then(|s| s.open_api_v3_schema)
                    .expect("every version has a schema");
                (
                    format!("{name}/{}", v.name),
                    serde_json::to_value(schema).unwrap(),
                )
            })
        })
        .collect()
}

/// Checks one node outside of any junctor; pushes violations to `errors`.
fn check(node: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(obj) = node.as_object() else {
        errors.push(format!("{path}: schema node is not an object"));
        return;
    };
    for forbidden in ["$ref", "definitions", "$defs", "$schema", "uniqueItems"] {
        if obj.contains_key(forbidden) {
            errors.push(format!("{path}: `{forbidden}` is not allowed"));
        }
    }
    let int_or_string = obj.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
    let preserve = obj.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    let ty = obj.get("type").and_then(Value::as_str);
    if ty.is_none_or(str::is_empty) && !int_or_string && !preserve {
        errors.push(format!("{path}: no type"));
    }
    if int_or_string && ty.is_some() {
        errors.push(format!("{path}: x-kubernetes-int-or-string with a type"));
    }
    if obj.contains_key("properties") && obj.contains_key("additionalProperties") {
        errors.push(format!("{path}: properties and additionalProperties together"));
    }
    if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
        errors.push(format!("{path}: additionalProperties: false"));
    }
    match ty {
        Some("object")
            if !obj.contains_key("properties") && !obj.contains_key("additionalProperties") && !preserve =>
        {
            // An object with no known fields prunes everything: fine only
            // for intentionally empty types like `selfSigned: {}`.
        }
        Some("array") if !obj.contains_key("items") => errors.push(format!("{path}: array without items")),
        _ => {}
    }
    for junctor in JUNCTORS {
        let Some(j) = obj.get(junctor) else { continue };
        let branches: Vec<&Value> = match j {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let int_or_string_form = int_or_string
            && junctor == "anyOf"
            && branches.len() == 2
            && branches
                .iter()
                .any(|b| b == &&serde_json::json!({"type": "integer"}))
            && branches
                .iter()
                .any(|b| b == &&serde_json::json!({"type": "string"}));
        if int_or_string_form {
            continue;
        }
        for (i, b) in branches.iter().enumerate() {
            check_junctor_branch(b, obj, &format!("{path}.{junctor}[{i}]"), errors);
        }
    }
    list_extensions(obj, path, errors);
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            check(v, &format!("{path}.{k}"), errors);
        }
    }
    if let Some(items) = obj.get("items") {
        check(items, &format!("{path}[]"), errors);
    }
    if let Some(ap) = obj.get("additionalProperties").filter(|v| v.is_object()) {
        check(ap, &format!("{path}{{}}"), errors);
    }
}

/// Inside allOf/anyOf/oneOf/not: no description, type, default,
/// additionalProperties or nullable, and every field or item named must also
/// be specified outside the junctor.
fn check_junctor_branch(
    branch: &Value,
    outer: &serde_json::Map<String, Value>,
    path: &str,
    errors: &mut Vec<String>,
) {
    let Some(b) = branch.as_object() else { return };
    for forbidden in [
        "description",
        "type",
        "default",
        "additionalProperties",
        "nullable",
    ] {
        if b.contains_key(forbidden) {
            errors.push(format!("{path}: `{forbidden}` inside a junctor"));
        }
    }
    if let Some(props) = b.get("properties").and_then(Value::as_object) {
        for k in props.keys() {
            if outer.get("properties").and_then(|p| p.get(k)).is_none() {
                errors.push(format!("{path}: field `{k}` only specified inside a junctor"));
            }
        }
    }
    if b.contains_key("items") && !outer.contains_key("items") {
        errors.push(format!("{path}: items only specified inside a junctor"));
    }
}

fn list_extensions(obj: &serde_json::Map<String, Value>, path: &str, errors: &mut Vec<String>) {
    let list_type = obj.get("x-kubernetes-list-type").and_then(Value::as_str);
    let items = obj.get("items").and_then(Value::as_object);
    match list_type {
        None | Some("atomic") => {}
        Some("set") => {
            let scalar = items
                .and_then(|i| i.get("type"))
                .and_then(Value::as_str)
                .is_some_and(|t| !matches!(t, "object" | "array"));
            if !scalar {
                errors.push(format!("{path}: list-type set with non-scalar items"));
            }
        }
        Some("map") => {
            let keys: Vec<&str> = obj
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|k| k.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if keys.is_empty() {
                errors.push(format!("{path}: list-type map without list-map-keys"));
            }
            let required: Vec<&str> = items
                .and_then(|i| i.get("required"))
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for key in keys {
                let has_default = items
                    .and_then(|i| i.get("properties"))
                    .and_then(|p| p.get(key))
                    .is_some_and(|p| p.get("default").is_some());
                if !required.contains(&key) && !has_default {
                    errors.push(format!(
                        "{path}: list-map key `{key}` is neither required nor defaulted"
                    ));
                }
            }
        }
        Some(other) => errors.push(format!("{path}: unknown list-type {other}")),
    }
    if obj.contains_key("x-kubernetes-list-map-keys") && list_type != Some("map") {
        errors.push(format!("{path}: list-map-keys without list-type map"));
    }
}

#[test]
fn every_crd_schema_is_structural() {
    let mut errors = Vec::new();
    for (name, schema) in schemas() {
        check(&schema, &name, &mut errors);
        // Only name and generateName of metadata may be restricted.
        if let Some(meta) = schema.pointer("/properties/metadata") {
            let keys: Vec<&String> = meta.as_object().map(|m| m.keys().collect()).unwrap_or_default();
            if keys.iter().any(|k| *k != "type") {
                errors.push(format!(
                    "{name}: metadata schema restricts more than its type: {keys:?}"
                ));
            }
        }
    }
    assert!(
        errors.is_empty(),
        "non-structural schemas:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_checker_catches_non_structural_schemas() {
    let bad = serde_json::json!({
        "type": "object",
        "properties": {
            "a": {"description": "no type"},
            "b": {"$ref": "#/definitions/x", "type": "object"},
            "c": {"type": "object", "anyOf": [{"type": "string"}]},
            "d": {"type": "array", "items": {"type": "object"}, "x-kubernetes-list-type": "map",
                  "x-kubernetes-list-map-keys": ["type"]}
        }
    });
    let mut errors = Vec::new();
    check(&bad, "bad", &mut errors);
    for want in [
        "bad.a: no type",
        "bad.b: `$ref`",
        "bad.c.anyOf[0]: `type` inside",
        "bad.d: list-map key `type`",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(want)),
            "missing {want:?} in {errors:#?}"
        );
    }
}

#[test]
fn there_are_nine_crds_with_status_subresources() {
    let crds = passerelle_crds::crd::all();
    assert_eq!(crds.len(), 9);
    for crd in &crds {
        for v in &crd.spec.versions {
            assert!(
                v.subresources.as_ref().and_then(|s| s.status.as_ref()).is_some(),
                "{:?}",
                crd.metadata.name
            );
            assert!(v.served && v.storage);
        }
    }
}

#[test]
fn conditions_are_list_maps_keyed_by_type() {
    for (name, schema) in schemas() {
        let Some(conditions) = schema.pointer("/properties/status/properties/conditions") else {
            continue;
        };
        assert_eq!(conditions["x-kubernetes-list-type"], "map", "{name}");
        assert_eq!(
            conditions["x-kubernetes-list-map-keys"],
            serde_json::json!(["type"]),
            "{name}"
        );
    }
}

#[test]
fn descriptions_are_plain_text_and_names_are_complete() {
    for crd in passerelle_crds::crd::all() {
        let names = &crd.spec.names;
        assert_eq!(
            names.list_kind.as_deref(),
            Some(format!("{}List", names.kind).as_str())
        );
        let yaml = serde_yaml::to_string(&crd).unwrap();
        assert!(
            !yaml.contains("[`"),
            "{:?} has rustdoc links in its descriptions",
            crd.metadata.name
        );
    }
}
