//! Strategic merge patch as apimachinery's `strategicpatch.mergeMap` applies
//! it server-side (`MergeParallelList` and `IgnoreUnmatchedNulls` on): maps
//! merged recursively, lists with `patchStrategy: merge` merged by their
//! `patchMergeKey` (lists of scalars as sets), other lists replaced; the
//! `$patch`, `$retainKeys`, `$deleteFromPrimitiveList/<field>` and
//! `$setElementOrder/<field>` directives; item order as the real server
//! orders it; errors worded and classified as the API server does.

use serde_json::{Map, Value};

use super::PatchError;
use super::gofmt;
use crate::apply::Schema;

mod lists;

use self::lists::{element_kind, merge_slice, normalize_element_order, partition, split_deletes};

const DIRECTIVE: &str = "$patch";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

type Result<T> = std::result::Result<T, PatchError>;

fn internal(message: String) -> PatchError {
    PatchError::Internal(message)
}

fn no_merge_key(m: &Value, key: &str) -> PatchError {
    internal(format!(
        "map: {} does not contain declared merge key: {key}",
        gofmt::v(m)
    ))
}

fn bad_arg_type(expected: &str, actual: &Value) -> PatchError {
    internal(format!(
        "expected a {expected}, but received a {}",
        gofmt::type_name(actual)
    ))
}

const MAP_TYPE: &str = "map[string]interface {}";
const SLICE_TYPE: &str = "[]interface {}";

/// Applies a strategic merge `patch` to `target`, an object of `schema`.
pub(super) fn apply(schema: Schema<'_>, target: &Value, patch: &Value) -> Result<Value> {
    let patch = match patch {
        Value::Object(p) => p.clone(),
        Value::Null => Map::new(),
        other => {
            let kind = match other {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                _ => "bool",
            };
            return Err(PatchError::BadRequest(format!(
                "json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
            )));
        }
    };
    let original = target.as_object().cloned().unwrap_or_default();
    merge_map(schema, original, patch).map(Value::Object)
}

/// The merge key of a list field with the merge strategy (`""` for a list
/// of scalars), `None` for a list that a patch replaces.
fn strategy(field: &Schema<'_>) -> Option<&'static str> {
    match field {
        Schema::ListMap(def) if def.patch_merge => def.keys.first().copied(),
        Schema::ScalarSet => Some(""),
        _ => None,
    }
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// `strings.SplitN(s, "/", 2)` with the expected prefix, or `error`.
fn extract_key(s: &str, prefix: &str, error: &str) -> Result<String> {
    match s.split_once('/') {
        Some((p, rest)) if p == prefix => Ok(rest.to_string()),
        _ => Err(PatchError::BadRequest(error.into())),
    }
}

fn merge_map(
    schema: Schema<'_>,
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
) -> Result<Map<String, Value>> {
    if let Some(directive) = patch.get(DIRECTIVE) {
        return match directive.as_str() {
            Some("replace") => {
                patch.remove(DIRECTIVE);
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(internal(format!(
                "unknown patch type: {} in map: {}",
                gofmt::v(directive),
                gofmt::v(&Value::Object(patch.clone()))
            ))),
        };
    }
    apply_retain_keys(&mut original, &mut patch)?;
    merge_set_element_order(schema, &mut original, &mut patch)?;
    for (key, patch_v) in patch {
        let (key, is_delete_list) = if key.starts_with(DELETE_FROM_PRIMITIVE_LIST) {
            let error = "invalid patch format of primitive list";
            (extract_key(&key, DELETE_FROM_PRIMITIVE_LIST, error)?, true)
        } else {
            (key, false)
        };
        if patch_v.is_null() {
            original.remove(&key);
            continue;
        }
        let Some(orig_v) = original.remove(&key) else {
            original.insert(key, patch_v);
            continue;
        };
        if !same_type(&orig_v, &patch_v) {
            original.insert(key, patch_v);
            continue;
        }
        let field = schema.field(&key).0;
        let merged = match (orig_v, patch_v) {
            (Value::Object(o), Value::Object(p)) => Value::Object(merge_map(field, o, p)?),
            (Value::Array(o), Value::Array(p)) => {
                Value::Array(merge_slice_handler(field, o, p, is_delete_list)?)
            }
            (_, p) => p,
        };
        original.insert(key, merged);
    }
    Ok(original)
}

fn apply_retain_keys(original: &mut Map<String, Value>, patch: &mut Map<String, Value>) -> Result<()> {
    let Some(retain) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let bad = || PatchError::BadRequest("invalid patch format of retainKeys".into());
    let Value::Array(list) = retain else {
        return Err(bad());
    };
    let kept = |k: &str| list.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null() || k.starts_with(DELETE_FROM_PRIMITIVE_LIST) || k.starts_with(SET_ELEMENT_ORDER) {
            continue;
        }
        if !kept(k) {
            return Err(bad());
        }
    }
    original.retain(|k, _| kept(k));
    Ok(())
}

fn as_list(v: Option<&Value>) -> Result<Option<Vec<Value>>> {
    match v {
        None => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items.clone())),
        Some(other) => Err(bad_arg_type(SLICE_TYPE, other)),
    }
}

/// `mergePatchIntoOriginal`: each `$setElementOrder/<field>` merges its
/// list and orders the result (`$setElementOrder` first, then the patch,
/// then the live order).
fn merge_set_element_order(
    schema: Schema<'_>,
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<()> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for key in keys {
        let Some(order) = patch.remove(&key) else { continue };
        let Value::Array(order) = order else {
            return Err(bad_arg_type(SLICE_TYPE, &order));
        };
        let field_key = extract_key(
            &key,
            SET_ELEMENT_ORDER,
            "invalid patch format of setElementOrder list",
        )?;
        let orig = as_list(original.get(&field_key))?;
        let patch_list = as_list(patch.get(&field_key))?;
        let field = schema.field(&field_key).0;
        let merge_key = strategy(&field).unwrap_or("");
        validate_with_order(patch_list.as_deref().unwrap_or_default(), &order, merge_key)?;
        let merged = match (orig.clone(), patch_list.clone()) {
            (Some(o), None) => o,
            (None, Some(p)) => p,
            (Some(o), Some(p)) => merge_slice_handler(field, o, p, false)?,
            (None, None) => continue,
        };
        let (patch_items, server_only) = partition(&merged, &order, merge_key)?;
        let orig = orig.unwrap_or_default();
        let kind = element_kind(&[&orig, patch_list.as_deref().unwrap_or_default()])?;
        let both = normalize_element_order(patch_items, server_only, &order, &orig, merge_key, kind)?;
        original.insert(field_key.clone(), Value::Array(both));
        patch.remove(&field_key);
    }
    Ok(())
}

fn validate_with_order(patch_list: &[Value], order: &[Value], merge_key: &str) -> Result<()> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_delete = if merge_key.is_empty() {
        patch_list.to_vec()
    } else {
        split_deletes(patch_list.to_vec())?.0
    };
    let (mut pi, mut si) = (0, 0);
    while pi < non_delete.len() && si < order.len() {
        if non_delete[pi].get(DIRECTIVE).is_some() {
            pi += 1;
            continue;
        }
        if merge_key_equal(&non_delete[pi], &order[si], merge_key)? {
            pi += 1;
        }
        si += 1;
    }
    if pi < non_delete.len() && si >= order.len() {
        return Err(internal(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            gofmt::v(&Value::Array(patch_list.to_vec())),
            gofmt::v(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

fn merge_key_equal(left: &Value, right: &Value, merge_key: &str) -> Result<bool> {
    if merge_key.is_empty() {
        return Ok(gofmt::eq(left, right));
    }
    let (Value::Object(l), Value::Object(r)) = (left, right) else {
        let wrong = if left.is_object() { right } else { left };
        return Err(bad_arg_type(MAP_TYPE, wrong));
    };
    let lv = l.get(merge_key).ok_or_else(|| no_merge_key(left, merge_key))?;
    let rv = r.get(merge_key).ok_or_else(|| no_merge_key(right, merge_key))?;
    Ok(gofmt::eq(lv, rv))
}

fn merge_slice_handler(
    field: Schema<'_>,
    original: Vec<Value>,
    patch: Vec<Value>,
    is_delete_list: bool,
) -> Result<Vec<Value>> {
    match strategy(&field) {
        Some(merge_key) => merge_slice(field, original, patch, merge_key, is_delete_list),
        None => Ok(patch),
    }
}
