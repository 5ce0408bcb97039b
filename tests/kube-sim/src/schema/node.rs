//! A read-only view of one node of an `openAPIV3Schema` (a JSON object),
//! with the accessors the walkers need, and the two ways field paths are
//! spelled: `field.Path` (`spec.items[0].labels[key]`), used by the server
//! for its own errors, and kube-openapi's (`spec.items[0].labels.key`).

use serde_json::{Map, Value};

/// The `additionalProperties` of a node.
#[derive(Clone, Copy, Debug)]
pub(super) enum Additional<'a> {
    /// Not set.
    Absent,
    /// `true` or `false` without a schema.
    Bool(bool),
    /// A schema for the values of a map.
    Schema(Node<'a>),
}

impl<'a> Additional<'a> {
    /// Whether `additionalProperties` is set at all.
    pub(super) fn is_set(self) -> bool {
        !matches!(self, Additional::Absent)
    }

    /// The schema of map values, if any.
    pub(super) fn schema(self) -> Option<Node<'a>> {
        match self {
            Additional::Schema(s) => Some(s),
            _ => None,
        }
    }
}

/// One schema node.
#[derive(Clone, Copy, Debug)]
pub(super) struct Node<'a>(pub(super) &'a Value);

impl<'a> Node<'a> {
    /// A key of the node.
    pub(super) fn get(self, key: &str) -> Option<&'a Value> {
        self.0.get(key)
    }

    /// Whether the key is present (and not null).
    pub(super) fn has(self, key: &str) -> bool {
        self.0.get(key).is_some_and(|v| !v.is_null())
    }

    /// A string keyword, `""` when absent.
    pub(super) fn str(self, key: &str) -> &'a str {
        self.0.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// A boolean keyword, `false` when absent.
    pub(super) fn flag(self, key: &str) -> bool {
        self.0.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    /// `type`, `""` when absent.
    pub(super) fn type_(self) -> &'a str {
        self.str("type")
    }

    /// `properties`, when set.
    pub(super) fn properties(self) -> Option<&'a Map<String, Value>> {
        self.0.get("properties").and_then(Value::as_object)
    }

    /// One property's schema.
    pub(super) fn property(self, name: &str) -> Option<Node<'a>> {
        self.properties()
            .and_then(|p| p.get(name))
            .filter(|v| v.is_object())
            .map(Node)
    }

    /// `items`, when it is a schema (not an array of schemas).
    pub(super) fn items(self) -> Option<Node<'a>> {
        self.0.get("items").filter(|v| v.is_object()).map(Node)
    }

    /// `additionalProperties`.
    pub(super) fn additional(self) -> Additional<'a> {
        match self.0.get("additionalProperties") {
            Some(Value::Bool(b)) => Additional::Bool(*b),
            Some(v @ Value::Object(_)) => Additional::Schema(Node(v)),
            _ => Additional::Absent,
        }
    }

    /// The schema of a field of an object value: its property, else the
    /// schema of map values.
    pub(super) fn field(self, name: &str) -> Option<Node<'a>> {
        self.property(name).or_else(|| self.additional().schema())
    }

    /// `x-kubernetes-preserve-unknown-fields: true`.
    pub(super) fn preserve_unknown(self) -> bool {
        self.flag("x-kubernetes-preserve-unknown-fields")
    }

    /// `x-kubernetes-int-or-string: true`.
    pub(super) fn int_or_string(self) -> bool {
        self.flag("x-kubernetes-int-or-string")
    }

    /// `x-kubernetes-embedded-resource: true`.
    pub(super) fn embedded(self) -> bool {
        self.flag("x-kubernetes-embedded-resource")
    }

    /// `nullable: true`.
    pub(super) fn nullable(self) -> bool {
        self.flag("nullable")
    }

    /// `default`, when set (a `null` default counts as none, as in Go).
    pub(super) fn default(self) -> Option<&'a Value> {
        self.0.get("default").filter(|v| !v.is_null())
    }

    /// `x-kubernetes-list-type`.
    pub(super) fn list_type(self) -> Option<&'a str> {
        self.0.get("x-kubernetes-list-type").and_then(Value::as_str)
    }

    /// `x-kubernetes-list-map-keys`.
    pub(super) fn list_map_keys(self) -> Vec<&'a str> {
        self.strings("x-kubernetes-list-map-keys")
    }

    /// `x-kubernetes-map-type`.
    pub(super) fn map_type(self) -> Option<&'a str> {
        self.0.get("x-kubernetes-map-type").and_then(Value::as_str)
    }

    /// `required`.
    pub(super) fn required(self) -> Vec<&'a str> {
        self.strings("required")
    }

    /// `x-kubernetes-validations`.
    pub(super) fn rules(self) -> &'a [Value] {
        self.0
            .get("x-kubernetes-validations")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// A junctor (`allOf`, `anyOf`, `oneOf`) as a list of schemas.
    pub(super) fn junctor(self, key: &str) -> Vec<Node<'a>> {
        self.0
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter(|v| v.is_object()).map(Node).collect())
            .unwrap_or_default()
    }

    /// `not`.
    pub(super) fn not(self) -> Option<Node<'a>> {
        self.0.get("not").filter(|v| v.is_object()).map(Node)
    }

    fn strings(self, key: &str) -> Vec<&'a str> {
        self.0
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }
}

/// `field.Path.Child`: `a.b`.
pub(super) fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// `field.Path.Key`: `a[k]`.
pub(super) fn key(path: &str, key: &str) -> String {
    format!("{path}[{key}]")
}

/// `field.Path.Index`: `a[0]`.
pub(super) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// The kind of a JSON value as Go's unstructured decoding types it.
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Equality of JSON values with numbers compared by value (`1` == `1.0`),
/// as `reflect.DeepEqual` after Go's number conversions mostly behaves.
pub(super) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}
