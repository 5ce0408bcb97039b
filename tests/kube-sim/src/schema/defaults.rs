//! Defaulting, as `structuraldefaulting.Default` does it after the
//! non-nullable nulls are gone: a missing property (or a `null` one that is
//! not nullable) gets a copy of its `default`, then the walk goes on into
//! every field (defaults included), list item and map value, where a
//! non-nullable `null` item or value also gets the default. Also
//! `ValidateDefaults`, run when a CRD is written: defaults must be pruned
//! and valid against their node.

use serde_json::Value;

use super::gofmt;
use super::node::{Node, child, key};
use crate::status::Cause;

/// Applies the defaults of `schema` to `value` in place.
pub(super) fn apply(value: &mut Value, schema: &Value) {
    default(value, Node(schema));
}

fn non_nullable_null(value: &Value, schema: Node<'_>) -> bool {
    value.is_null() && !schema.nullable()
}

fn default(value: &mut Value, s: Node<'_>) {
    match value {
        Value::Object(map) => {
            if let Some(props) = s.properties() {
                for (k, prop) in props {
                    let prop = Node(prop);
                    let Some(d) = prop.default() else { continue };
                    if map.get(k).is_none_or(|v| non_nullable_null(v, prop)) {
                        map.insert(k.clone(), d.clone());
                    }
                }
            }
            for (k, v) in map.iter_mut() {
                if let Some(prop) = s.property(k) {
                    default(v, prop);
                } else if let Some(add) = s.additional().schema() {
                    if non_nullable_null(v, add)
                        && let Some(d) = add.default()
                    {
                        *v = d.clone();
                    }
                    default(v, add);
                }
            }
        }
        Value::Array(items) => {
            let Some(item) = s.items() else { return };
            for v in items.iter_mut() {
                if non_nullable_null(v, item)
                    && let Some(d) = item.default()
                {
                    *v = d.clone();
                }
                default(v, item);
            }
        }
        _ => {}
    }
}

/// `ValidateDefaults`: each default (outside `additionalProperties`) must
/// be pruned and valid against its node.
pub(super) fn validate(schema: &Value, path: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    validate_node(Node(schema), path, true, false, &mut out);
    out
}

fn validate_node(s: Node<'_>, path: &str, resource_root: bool, inside_meta: bool, out: &mut Vec<Cause>) {
    let embedded = resource_root || s.embedded();
    if let Some(d) = s.default()
        && !inside_meta
    {
        let field = child(path, "default");
        let mut pruned = d.clone();
        super::prune::prune_as(&mut pruned, s.0, embedded);
        if pruned != *d {
            out.push(gofmt::invalid(&field, d, "must not have unknown fields"));
        }
        for mut cause in super::validate::validate(s.0, d, None) {
            cause.field = if cause.field == "<nil>" {
                field.clone()
            } else {
                child(&field, &cause.field)
            };
            out.push(cause);
        }
    }
    if let Some(items) = s.items() {
        validate_node(items, &child(path, "items"), false, inside_meta, out);
    }
    let mut names: Vec<&String> = s.properties().map(|p| p.keys().collect()).unwrap_or_default();
    names.sort();
    for k in names {
        if let Some(p) = s.property(k) {
            let meta = inside_meta || (embedded && ["metadata", "apiVersion", "kind"].contains(&k.as_str()));
            validate_node(p, &key(&child(path, "properties"), k), false, meta, out);
        }
    }
}
