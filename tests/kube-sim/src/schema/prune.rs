//! Pruning, as `pruning.PruneWithOptions` does it while a custom object is
//! decoded: fields the structural schema does not specify are dropped
//! (except under `x-kubernetes-preserve-unknown-fields`; `apiVersion`,
//! `kind` and `metadata` at the root and in embedded resources are left to
//! the ObjectMeta code), and their paths are returned for
//! `fieldValidation`. Also `PruneNonNullableNullsWithoutDefaults`, the first
//! step of defaulting.

use serde_json::Value;

use super::node::Node;

const META_FIELDS: [&str; 3] = ["apiVersion", "kind", "metadata"];

/// Prunes `object` (a resource root) in place; returns the paths of the
/// dropped fields (`spec.foo`, `spec.items[0].bar`), sorted.
pub(super) fn prune(object: &mut Value, schema: &Value) -> Vec<String> {
    prune_as(object, schema, true)
}

/// Prunes `value` against `schema`, as a resource root (`apiVersion`,
/// `kind` and `metadata` kept) when `root`.
pub(super) fn prune_as(value: &mut Value, schema: &Value, root: bool) -> Vec<String> {
    let mut unknown = Vec::new();
    prune_node(value, Some(Node(schema)), root, "", &mut unknown);
    unknown.sort();
    unknown
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `prune`: `embedded` is true at the resource root and for schemas with
/// `x-kubernetes-embedded-resource`.
fn prune_node(
    value: &mut Value,
    schema: Option<Node<'_>>,
    root: bool,
    path: &str,
    unknown: &mut Vec<String>,
) {
    let embedded = root || schema.is_some_and(Node::embedded);
    if let Some(s) = schema
        && s.preserve_unknown()
    {
        skip_prune(value, s, embedded, path, unknown);
        return;
    }
    match value {
        Value::Object(map) => {
            let Some(s) = schema else {
                unknown.extend(map.keys().map(|k| join(path, k)));
                map.clear();
                return;
            };
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                if embedded && META_FIELDS.contains(&k.as_str()) {
                    continue;
                }
                let child = join(path, &k);
                if let Some(prop) = s.property(&k) {
                    if let Some(v) = map.get_mut(&k) {
                        prune_node(v, Some(prop), false, &child, unknown);
                    }
                } else if s.additional().is_set() {
                    if let Some(v) = map.get_mut(&k) {
                        prune_node(v, s.additional().schema(), false, &child, unknown);
                    }
                } else {
                    map.remove(&k);
                    unknown.push(child);
                }
            }
        }
        Value::Array(items) => {
            let item_schema = schema.and_then(Node::items);
            for (i, v) in items.iter_mut().enumerate() {
                prune_node(v, item_schema, false, &format!("{path}[{i}]"), unknown);
            }
        }
        _ => {}
    }
}

/// `skipPrune`: under `x-kubernetes-preserve-unknown-fields`, unknown
/// fields stay but the specified ones are still pruned inside.
fn skip_prune(value: &mut Value, s: Node<'_>, embedded: bool, path: &str, unknown: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if embedded && META_FIELDS.contains(&k.as_str()) {
                    continue;
                }
                let child = join(path, k);
                if let Some(prop) = s.property(k) {
                    prune_node(v, Some(prop), false, &child, unknown);
                } else if s.additional().is_set() {
                    prune_node(v, s.additional().schema(), false, &child, unknown);
                }
            }
        }
        Value::Array(items) => {
            // Go recurses with skipPrune into the items whatever their flag.
            if let Some(item_schema) = s.items() {
                for (i, v) in items.iter_mut().enumerate() {
                    skip_prune(
                        v,
                        item_schema,
                        item_schema.embedded(),
                        &format!("{path}[{i}]"),
                        unknown,
                    );
                }
            }
        }
        _ => {}
    }
}

/// `PruneNonNullableNullsWithoutDefaults`: drops `null` fields whose schema
/// is neither nullable nor defaulted (in objects, not in lists).
pub(super) fn prune_nulls(value: &mut Value, schema: Option<&Value>) {
    let schema = schema.map(Node);
    match value {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                let field = schema.and_then(|s| s.field(&k));
                let drop = map.get(&k).is_some_and(Value::is_null)
                    && field.is_some_and(|f| !f.nullable() && f.default().is_none());
                if drop {
                    map.remove(&k);
                } else if let Some(v) = map.get_mut(&k) {
                    prune_nulls(v, field.map(|f| f.0));
                }
            }
        }
        Value::Array(items) => {
            let item_schema = schema.and_then(Node::items).map(|n| n.0);
            for v in items {
                prune_nulls(v, item_schema);
            }
        }
        _ => {}
    }
}
