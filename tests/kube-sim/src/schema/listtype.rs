//! The invariants of `x-kubernetes-list-type: set` (no two equal items) and
//! `map` (no two items with the same keys), as
//! `listtype.ValidateListSetsAndMaps` reports them: one `Duplicate value`
//! at the first repeated occurrence of each value
//! (`spec.conditions[1]: Duplicate value: map[string]interface {}{"type":"Ready"}`).

use serde_json::{Map, Value};

use super::gofmt;
use super::node::{Node, child, index, key};
use crate::status::Cause;

/// Checks the lists of `object` (a resource root).
pub(super) fn validate(schema: &Value, object: &Value) -> Vec<Cause> {
    let mut out = Vec::new();
    if let Value::Object(map) = object {
        object_fields(Node(schema), map, "", &mut out);
    }
    out
}

fn object_fields(s: Node<'_>, map: &Map<String, Value>, path: &str, out: &mut Vec<Cause>) {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    if let Some(add) = s.additional().schema() {
        for k in &keys {
            value(add, &map[k.as_str()], &key(path, k), out);
        }
    }
    if s.properties().is_some() {
        for k in &keys {
            if let Some(prop) = s.property(k) {
                value(prop, &map[k.as_str()], &child(path, k), out);
            }
        }
    }
}

fn value(s: Node<'_>, v: &Value, path: &str, out: &mut Vec<Cause>) {
    match v {
        Value::Array(items) => array(s, items, path, out),
        Value::Object(map) => object_fields(s, map, path, out),
        _ => {}
    }
}

fn array(s: Node<'_>, items: &[Value], path: &str, out: &mut Vec<Cause>) {
    match s.list_type() {
        Some("set") => {
            for i in first_repeats(items) {
                out.push(gofmt::duplicate(&index(path, i), &items[i]));
            }
        }
        Some("map") => map_list(s, items, path, out),
        _ => {}
    }
    if let Some(item) = s.items() {
        for (i, v) in items.iter().enumerate() {
            value(item, v, &index(path, i), out);
        }
    }
}

/// The indices of the second occurrence of each repeated value.
fn first_repeats(values: &[Value]) -> Vec<usize> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut repeats = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let canonical = canonical(v);
        match seen.iter_mut().find(|(c, _)| *c == canonical) {
            Some((_, times)) => {
                *times += 1;
                if *times == 2 {
                    repeats.push(i);
                }
            }
            None => seen.push((canonical, 1)),
        }
    }
    repeats
}

/// A comparison key: Go compares scalars by type and value and compounds by
/// their (key-sorted) JSON.
fn canonical(v: &Value) -> String {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => format!("i{i}"),
            None => format!("f{}", n.as_f64().unwrap_or(0.0)),
        },
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .iter()
                .map(|k| format!("{k:?}:{}", canonical(&map[k.as_str()])))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

fn map_list(s: Node<'_>, items: &[Value], path: &str, out: &mut Vec<Cause>) {
    if let Some(i) = items.iter().position(|x| !x.is_null() && !x.is_object()) {
        out.push(gofmt::invalid(
            &index(path, i),
            &items[i],
            "must be an object for an array of list-type map",
        ));
        return;
    }
    if items.len() <= 1 {
        return;
    }
    let key_fields = s.list_map_keys();
    // A missing key (or a null item) is its own value, unlike any JSON value.
    let keys: Vec<Value> = items
        .iter()
        .map(|x| {
            let mut key = Map::new();
            for k in &key_fields {
                if let Some(v) = x.get(*k) {
                    key.insert((*k).to_string(), v.clone());
                }
            }
            Value::Object(key)
        })
        .collect();
    for i in first_repeats(&keys) {
        out.push(gofmt::duplicate(&index(path, i), &keys[i]));
    }
}
