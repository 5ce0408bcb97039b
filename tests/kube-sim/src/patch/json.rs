//! JSON patch (RFC 6902) as evanphx/json-patch v4 applies it for
//! kube-apiserver, quirks included: `replace` of a missing object key adds
//! it, a `null` in the document counts as missing, negative array indices
//! count from the end, and every error is worded as that library words it.

use serde_json::{Map, Value};

use super::PatchError;

const MISSING: &str = "missing value";
const TEST_FAILED: &str = "test failed";
const INVALID_INDEX: &str = "invalid index referenced";

/// Applies `patch` (a list of operations) to `target`.
pub(super) fn apply(target: &Value, patch: &Value) -> Result<Value, PatchError> {
    let ops: &[Value] = match patch {
        Value::Array(ops) => ops,
        Value::Null => &[],
        other => return Err(PatchError::BadRequest(unmarshal_error(other, "jsonpatch.Patch"))),
    };
    let mut ops_maps = Vec::with_capacity(ops.len());
    for op in ops {
        match op {
            Value::Object(map) => ops_maps.push(Some(map)),
            Value::Null => ops_maps.push(None),
            other => {
                return Err(PatchError::BadRequest(unmarshal_error(
                    other,
                    "jsonpatch.Operation",
                )));
            }
        }
    }
    let mut doc = target.clone();
    for op in ops_maps {
        let empty = Map::new();
        let op = op.unwrap_or(&empty);
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("unknown");
        let result = match kind {
            "add" => add(&mut doc, op),
            "remove" => remove(&mut doc, op),
            "replace" => replace(&mut doc, op),
            "move" => move_op(&mut doc, op),
            "test" => test(&mut doc, op),
            "copy" => copy(&mut doc, op),
            other => Err(format!("Unexpected kind: {other}")),
        };
        result.map_err(PatchError::Unprocessable)?;
    }
    Ok(doc)
}

/// Go's `json: cannot unmarshal <kind> into Go value of type <ty>`.
fn unmarshal_error(v: &Value, ty: &str) -> String {
    let kind = match v {
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    };
    format!("json: cannot unmarshal {kind} into Go value of type {ty}")
}

/// A string field of an operation (`path`, `from`), or the decoding error.
fn string_field(op: &Map<String, Value>, name: &str, missing: &str) -> Result<String, String> {
    match op.get(name) {
        None | Some(Value::Null) => Err(format!("{missing}: {MISSING}")),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(unmarshal_error(other, "string")),
    }
}

fn path_of(op: &Map<String, Value>) -> Result<String, String> {
    string_field(op, "path", "operation missing path field")
}

fn from_of(op: &Map<String, Value>) -> Result<String, String> {
    string_field(op, "from", "operation, missing from field")
}

/// The operation's value: `None` when absent, `Some(Null)` when `null`.
fn value_of(op: &Map<String, Value>) -> Option<Value> {
    op.get("value").cloned()
}

fn decode_key(k: &str) -> String {
    k.replace("~1", "/").replace("~0", "~")
}

/// Go's `strconv.Atoi`, with its error wording.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {s:?}: invalid syntax"));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {s:?}: value out of range"))
}

fn invalid_index(idx: i64) -> String {
    format!("Unable to access invalid index: {idx}: {INVALID_INDEX}")
}

/// `findObject`: the container of the last path element, and that
/// element decoded; `None` when the path does not lead to one.
fn find<'d>(doc: &'d mut Value, path: &str) -> Option<(&'d mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let mut cur = doc;
    for part in &split[1..split.len() - 1] {
        let next = get_mut(cur, &decode_key(part)).ok()??;
        if !(next.is_object() || next.is_array()) {
            return None;
        }
        cur = next;
    }
    Some((cur, decode_key(split[split.len() - 1])))
}

/// The index of `key` in an array of `len` items (negatives from the end).
fn resolve(key: &str, len: usize) -> Result<usize, String> {
    let idx = atoi(key)?;
    let len = len as i64;
    let real = if idx < 0 {
        if idx < -len {
            return Err(invalid_index(idx));
        }
        idx + len
    } else {
        idx
    };
    if real >= len {
        return Err(invalid_index(idx));
    }
    Ok(real as usize)
}

/// `container.get`: `Ok(None)` for a missing or null object member.
fn get_mut<'d>(container: &'d mut Value, key: &str) -> Result<Option<&'d mut Value>, String> {
    match container {
        Value::Object(map) => Ok(map.get_mut(key).filter(|v| !v.is_null())),
        Value::Array(items) => {
            let i = resolve(key, items.len())?;
            Ok(items.get_mut(i).filter(|v| !v.is_null()))
        }
        _ => Ok(None),
    }
}

fn get(container: &Value, key: &str) -> Result<Option<Value>, String> {
    let mut copy = container.clone();
    get_mut(&mut copy, key).map(|v| v.cloned())
}

fn add_at(container: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match container {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(items) => {
            if key == "-" {
                items.push(value);
                return Ok(());
            }
            let idx = atoi(key).map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
            let size = items.len() as i64 + 1;
            if idx >= size {
                return Err(invalid_index(idx));
            }
            let real = if idx < 0 {
                if idx < -size {
                    return Err(invalid_index(idx));
                }
                idx + size
            } else {
                idx
            };
            items.insert(real as usize, value);
            Ok(())
        }
        _ => Err(INVALID_INDEX.to_string()),
    }
}

fn remove_at(container: &mut Value, key: &str) -> Result<Value, String> {
    match container {
        Value::Object(map) => map
            .remove(key)
            .ok_or_else(|| format!("Unable to remove nonexistent key: {key}: {MISSING}")),
        Value::Array(items) => {
            let idx = atoi(key)?;
            let len = items.len() as i64;
            if idx >= len {
                return Err(invalid_index(idx));
            }
            let real = if idx < 0 {
                if idx < -len {
                    return Err(invalid_index(idx));
                }
                idx + len
            } else {
                idx
            };
            Ok(items.remove(real as usize))
        }
        _ => Err(INVALID_INDEX.to_string()),
    }
}

fn add(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let path = path_of(op).map_err(|_| format!("add operation failed to decode path: {MISSING}"))?;
    let Some((con, key)) = find(doc, &path) else {
        return Err(format!(
            "add operation does not apply: doc is missing path: \"{path}\": {MISSING}"
        ));
    };
    add_at(con, &key, value_of(op).unwrap_or(Value::Null))
        .map_err(|e| format!("error in add for path: '{path}': {e}"))
}

fn remove(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let path = path_of(op).map_err(|_| format!("remove operation failed to decode path: {MISSING}"))?;
    let Some((con, key)) = find(doc, &path) else {
        return Err(format!(
            "remove operation does not apply: doc is missing path: \"{path}\": {MISSING}"
        ));
    };
    remove_at(con, &key)
        .map(drop)
        .map_err(|e| format!("error in remove for path: '{path}': {e}"))
}

fn replace(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let path = path_of(op).map_err(|e| format!("replace operation failed to decode path: {e}"))?;
    let value = value_of(op).unwrap_or(Value::Null);
    if path.is_empty() {
        if !(value.is_object() || value.is_array()) {
            return Err("replace operation value must be object or array: %!w(<nil>)".into());
        }
        *doc = value;
        return Ok(());
    }
    let Some((con, key)) = find(doc, &path) else {
        return Err(format!(
            "replace operation does not apply: doc is missing path: {path}: {MISSING}"
        ));
    };
    match con {
        Value::Object(map) => {
            map.insert(key, value);
        }
        Value::Array(items) => {
            let i = resolve(&key, items.len()).map_err(|_| {
                format!("replace operation does not apply: doc is missing key: {path}: {MISSING}")
            })?;
            items[i] = value;
        }
        _ => {
            return Err(format!(
                "replace operation does not apply: doc is missing key: {path}: {MISSING}"
            ));
        }
    }
    Ok(())
}

fn move_op(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let from = from_of(op).map_err(|e| format!("move operation failed to decode from: {e}"))?;
    let Some((con, key)) = find(doc, &from) else {
        return Err(format!(
            "move operation does not apply: doc is missing from path: {from}: {MISSING}"
        ));
    };
    get(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
    let value = remove_at(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
    let path = path_of(op).map_err(|e| format!("move operation failed to decode path: {e}"))?;
    let Some((con, key)) = find(doc, &path) else {
        return Err(format!(
            "move operation does not apply: doc is missing destination path: {path}: {MISSING}"
        ));
    };
    add_at(con, &key, value).map_err(|e| format!("error in move for path: '{path}': {e}"))
}

fn test(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let path = path_of(op).map_err(|e| format!("test operation failed to decode path: {e}"))?;
    let expected = value_of(op);
    let failed = || format!("testing value {path} failed: {TEST_FAILED}");
    if path.is_empty() {
        return if expected.as_ref() == Some(doc) {
            Ok(())
        } else {
            Err(failed())
        };
    }
    let Some((con, key)) = find(doc, &path) else {
        return Err(format!(
            "test operation does not apply: is missing path: {path}: {MISSING}"
        ));
    };
    let actual = get(con, &key).map_err(|e| format!("error in test for path: '{path}': {e}"))?;
    match (actual, expected) {
        (None, None | Some(Value::Null)) => Ok(()),
        (Some(a), Some(e)) if a == e => Ok(()),
        _ => Err(failed()),
    }
}

fn copy(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let from = from_of(op).map_err(|e| format!("copy operation failed to decode from: {e}"))?;
    let Some((con, key)) = find(doc, &from) else {
        return Err(format!(
            "copy operation does not apply: doc is missing from path: {from}: {MISSING}"
        ));
    };
    let value = get(con, &key).map_err(|e| format!("error in copy for from: '{from}': {e}"))?;
    let path = path_of(op).map_err(|_| format!("copy operation failed to decode path: {MISSING}"))?;
    let Some((con, key)) = find(doc, &path) else {
        return Err(format!(
            "copy operation does not apply: doc is missing destination path: {path}: {MISSING}"
        ));
    };
    add_at(con, &key, value.unwrap_or(Value::Null))
        .map_err(|e| format!("error while adding value during copy: {e}"))
}
