//! Walks of a value under its [`Schema`], after structured-merge-diff's
//! `typed` package: the set of fields a value sets (`ToFieldSet`), the
//! removal of a set of fields (`RemoveItems`), the named fields made members
//! (`EnsureNamedFieldsAreMembers`) and the validation of an applied
//! configuration (`ObjectToTyped`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::fieldpath::{Pe, Set, path_string};
use super::schema::{Atom, ListKind, Schema};

/// The path element of a list item, or SMD's error wording.
pub(crate) fn item_pe(list: &Schema<'_>, kind: &ListKind, item: &Value) -> Result<Pe, String> {
    match kind {
        ListKind::Map(keys) if !keys.is_empty() => {
            let map = match item {
                Value::Null => return Err("associative list with keys may not have a null element".into()),
                Value::Object(map) => map,
                _ => return Err("associative list with keys may not have non-map elements".into()),
            };
            let mut fields = Vec::with_capacity(keys.len());
            for key in keys {
                match map.get(key).cloned().or_else(|| list.key_default(key)) {
                    Some(v) => fields.push((key.clone(), v)),
                    None => {
                        return Err(format!(
                            "associative list with keys has an element that omits key field {key:?} (and doesn't have default value)"
                        ));
                    }
                }
            }
            Ok(Pe::key(fields))
        }
        ListKind::Atomic => Err("invalid indexing of non-associative list".into()),
        _ => match item {
            Value::Object(_) => Err("associative list without keys has an element that's a map type".into()),
            Value::Array(_) => Err("not supported: associative list with lists as elements".into()),
            Value::Null => Err("associative list without keys has an element that's an explicit null".into()),
            v => Ok(Pe::value(v.clone())),
        },
    }
}

/// The fields a value sets: leaves, list items, keys of maps, and null or
/// empty objects (SMD's `ToFieldSet`).
pub(crate) fn to_field_set(schema: Schema<'_>, v: &Value) -> Set {
    let mut set = Set::default();
    walk(schema, v, &mut Vec::new(), &mut set);
    set
}

fn walk(schema: Schema<'_>, v: &Value, path: &mut Vec<Pe>, set: &mut Set) {
    match schema.atom(Some(v)) {
        Atom::Scalar => set.insert(path),
        Atom::List(ListKind::Atomic, _) => set.insert(path),
        Atom::List(kind, elem) => {
            let Some(items) = v.as_array() else { return };
            let pes: Vec<Option<Pe>> = items.iter().map(|i| item_pe(&schema, &kind, i).ok()).collect();
            let mut seen = BTreeSet::new();
            let mut duplicates = BTreeSet::new();
            for pe in pes.iter().flatten() {
                if !seen.insert(pe.clone()) && duplicates.insert(pe.clone()) {
                    path.push(pe.clone());
                    set.insert(path);
                    path.pop();
                }
            }
            for (item, pe) in items.iter().zip(pes) {
                let Some(pe) = pe else { continue };
                if duplicates.contains(&pe) {
                    continue;
                }
                path.push(pe);
                walk(elem, item, path, set);
                set.insert(path);
                path.pop();
            }
        }
        Atom::Map(true) => set.insert(path),
        Atom::Map(false) => {
            let Some(map) = v.as_object() else { return };
            for (key, val) in map {
                let (child, named) = schema.field(key);
                path.push(Pe::Field(key.clone()));
                walk(child, val, path, set);
                let empty = val.is_null() || val.as_object().is_some_and(Map::is_empty);
                if empty || !named {
                    set.insert(path);
                }
                path.pop();
            }
        }
    }
}

/// The set with the named fields of structs that have members below them
/// made members too, so that removing them removes the whole field.
pub(crate) fn ensure_named(set: &Set, schema: Schema<'_>) -> Set {
    let mut out = Set {
        members: set.members.clone(),
        children: BTreeMap::new(),
    };
    for (pe, child) in &set.children {
        let child_schema = match pe {
            Pe::Field(name) if schema.is_map() => {
                let (s, named) = schema.field(name);
                if named {
                    out.members.insert(pe.clone());
                }
                s
            }
            Pe::Key(..) if schema.is_list() => schema.elem(),
            _ => Schema::Undeclared,
        };
        out.children.insert(pe.clone(), ensure_named(child, child_schema));
    }
    out
}

/// The value without the fields of `remove` (SMD's `RemoveItems`); `None`
/// when nothing is left of an object or list. An object emptied by the
/// removal disappears from its parent instead of becoming `null`, as the
/// API server's typed decoding and CRD null-pruning make it.
pub(crate) fn remove_items(schema: Schema<'_>, v: &Value, remove: &Set) -> Option<Value> {
    match schema.atom(Some(v)) {
        Atom::Scalar | Atom::List(ListKind::Atomic, _) | Atom::Map(true) => Some(v.clone()),
        Atom::List(kind, elem) => {
            let items = v.as_array()?;
            let mut out = Vec::new();
            for item in items {
                let Ok(pe) = item_pe(&schema, &kind, item) else {
                    out.push(item.clone());
                    continue;
                };
                if remove.has(std::slice::from_ref(&pe)) {
                    continue;
                }
                let subset = remove.with_prefix(&pe);
                if subset.is_empty() {
                    out.push(item.clone());
                } else {
                    out.push(remove_items(elem, item, &subset).unwrap_or(Value::Null));
                }
            }
            (!out.is_empty()).then_some(Value::Array(out))
        }
        Atom::Map(false) => {
            let map = v.as_object()?;
            let mut out = Map::new();
            for (key, val) in map {
                let pe = Pe::Field(key.clone());
                if remove.has(std::slice::from_ref(&pe)) {
                    continue;
                }
                let subset = remove.with_prefix(&pe);
                if subset.is_empty() {
                    out.insert(key.clone(), val.clone());
                } else if let Some(kept) = remove_items(schema.field(key).0, val, &subset) {
                    out.insert(key.clone(), kept);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
    }
}

/// The errors SMD reports when making an applied configuration typed:
/// undeclared fields, list items without their keys, duplicate items.
pub(crate) fn validate(schema: Schema<'_>, v: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, v, &mut Vec::new(), &mut errors);
    errors
}

fn check(schema: Schema<'_>, v: &Value, path: &mut Vec<Pe>, errors: &mut Vec<String>) {
    let at = |path: &[Pe], msg: String| {
        if path.is_empty() {
            msg
        } else {
            format!("{}: {msg}", path_string(path))
        }
    };
    match schema.atom(Some(v)) {
        Atom::Scalar | Atom::List(ListKind::Atomic, _) | Atom::Map(true) => {}
        Atom::List(kind, elem) => {
            let Some(items) = v.as_array() else { return };
            let mut seen = BTreeSet::new();
            for (i, item) in items.iter().enumerate() {
                match item_pe(&schema, &kind, item) {
                    Err(e) => {
                        errors.push(at(path, format!("element {i}: {e}")));
                        return;
                    }
                    Ok(pe) => {
                        if !seen.insert(pe.clone()) {
                            errors.push(at(path, format!("duplicate entries for key {pe}")));
                        }
                        path.push(pe);
                        check(elem, item, path, errors);
                        path.pop();
                    }
                }
            }
        }
        Atom::Map(false) => {
            let Some(map) = v.as_object() else { return };
            for (key, val) in map {
                let (child, _) = schema.field(key);
                path.push(Pe::Field(key.clone()));
                if matches!(child, Schema::Undeclared) {
                    errors.push(at(path, "field not declared in schema".into()));
                } else {
                    check(child, val, path, errors);
                }
                path.pop();
            }
        }
    }
}

/// Deep equality where `1` and `1.0` are the same number, as SMD's
/// `value.Equals` has it.
pub(crate) fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_f64() || y.is_f64() {
                x.as_f64() == y.as_f64()
            } else {
                x == y
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| values_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        _ => a == b,
    }
}
