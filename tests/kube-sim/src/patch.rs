//! The three patch types of `PATCH` besides apply, as kube-apiserver applies
//! them: JSON merge patch (RFC 7386, evanphx/json-patch's `MergePatch`),
//! JSON patch (RFC 6902, evanphx/json-patch v4 with its quirks and error
//! wording) and strategic merge patch (apimachinery's `strategicpatch`,
//! lists merged by their `patchMergeKey`, with the `$patch`,
//! `$retainKeys`, `$deleteFromPrimitiveList` and `$setElementOrder`
//! directives).

mod gofmt;
mod json;
mod strategic;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use crate::registry::ResourceType;

/// Why a patch failed, with the status the API server answers.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// 400 BadRequest with this message.
    #[error("{0}")]
    BadRequest(String),
    /// 422 as `NewGenericServerResponse` builds it: reason `Invalid`,
    /// message `the server rejected our request due to an error in our
    /// request`, one cause of type `UnexpectedServerResponse` carrying this
    /// message.
    #[error("{0}")]
    Unprocessable(String),
    /// A plain Go error: code 500, no reason, this message.
    #[error("{0}")]
    Internal(String),
}

impl PatchError {
    /// The message of the underlying error.
    pub fn message(&self) -> &str {
        match self {
            PatchError::BadRequest(m) | PatchError::Unprocessable(m) | PatchError::Internal(m) => m,
        }
    }
}

/// RFC 7386 merge patch.
pub fn merge(target: &Value, patch: &Value) -> Value {
    merge_patch(target, patch).unwrap_or_else(|_| target.clone())
}

/// RFC 7386 merge patch, refusing a patch that is not a JSON object or
/// array (`Invalid JSON Patch`, 400). As in evanphx/json-patch, nulls are
/// pruned from values that replace a non-object.
pub fn merge_patch(target: &Value, patch: &Value) -> Result<Value, PatchError> {
    match (target, patch) {
        (Value::Object(doc), Value::Object(p)) => {
            let mut doc = doc.clone();
            merge_docs(&mut doc, p);
            Ok(Value::Object(doc))
        }
        (_, Value::Object(p)) => Ok(Value::Object(prune_doc(p))),
        (_, Value::Array(items)) => Ok(Value::Array(items.iter().map(prune_nulls).collect())),
        _ => Err(PatchError::BadRequest("Invalid JSON Patch".into())),
    }
}

fn merge_docs(doc: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        if value.is_null() {
            doc.remove(key);
            continue;
        }
        match doc.get_mut(key) {
            Some(Value::Object(cur)) => match value {
                Value::Object(p) => merge_docs(cur, p),
                other => {
                    doc.insert(key.clone(), other.clone());
                }
            },
            Some(cur) if !cur.is_null() => *cur = prune_nulls(value),
            _ => {
                doc.insert(key.clone(), prune_nulls(value));
            }
        }
    }
}

fn prune_doc(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), prune_nulls(v)))
        .collect()
}

fn prune_nulls(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(prune_doc(map)),
        Value::Array(items) => Value::Array(items.iter().map(prune_nulls).collect()),
        other => other.clone(),
    }
}

/// RFC 6902 JSON patch; the error is the message kube-apiserver gives
/// (see [`json_patch`] for its status).
pub fn json(target: &Value, patch: &Value) -> Result<Value, String> {
    json_patch(target, patch).map_err(|e| e.message().to_string())
}

/// RFC 6902 JSON patch: a patch that is not a list of operations is a 400,
/// an operation that fails (a `test`, a missing path) a 422.
pub fn json_patch(target: &Value, patch: &Value) -> Result<Value, PatchError> {
    json::apply(target, patch)
}

/// Strategic merge patch of a built-in kind; the error is the message
/// kube-apiserver gives (see [`strategic_patch`] for its status).
pub fn strategic(rt: &ResourceType, target: &Value, patch: &Value) -> Result<Value, String> {
    strategic_patch(rt, target, patch).map_err(|e| e.message().to_string())
}

/// Strategic merge patch of a built-in kind, with the status of each
/// failure as `interpretStrategicMergePatchError` maps it.
pub fn strategic_patch(rt: &ResourceType, target: &Value, patch: &Value) -> Result<Value, PatchError> {
    strategic::apply(crate::apply::root_schema(rt), target, patch)
}
