//! `meta.k8s.io/v1` Tables, what the API server answers to `Accept:
//! application/json;as=Table;v=v1;g=meta.k8s.io` (how `kubectl get` asks):
//! column definitions, one row of cells per object, and each row's object
//! as `includeObject` asks (its metadata by default). Custom resources get
//! their CRD's printer columns; built-ins the columns of
//! kube-apiserver's printers (`pkg/printers/internalversion`), wide columns
//! included, as the server always generates them.

mod builtin;
mod core_kinds;
mod custom;
mod duration;
mod gojson;
mod group_kinds;
mod jsonpath;
mod pod;
#[cfg(test)]
mod tests;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::registry::ResourceType;
use crate::validation::schema::description;

pub use duration::human_duration;

/// Whether rows carry the objects (`includeObject`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum IncludeObject {
    /// No object.
    None,
    /// Only the object's metadata (the default).
    #[default]
    Metadata,
    /// The whole object.
    Object,
}

impl IncludeObject {
    /// Parses the `includeObject` query parameter (`None`, `Metadata`,
    /// `Object`; empty is the default); `None` for an unknown value, which
    /// the API server refuses with `unrecognized includeObject value: "x"`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "" | "Metadata" => Some(Self::Metadata),
            "None" => Some(Self::None),
            "Object" => Some(Self::Object),
            _ => None,
        }
    }
}

/// A column definition (`metav1.TableColumnDefinition`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Column {
    name: String,
    type_: String,
    format: String,
    description: String,
    priority: i32,
}

impl Column {
    /// A priority-0 column without format.
    fn new(name: &str, type_: &str, description: String) -> Self {
        Self {
            name: name.into(),
            type_: type_.into(),
            format: String::new(),
            description,
            priority: 0,
        }
    }

    /// A column shown only with `-o wide`.
    fn wide(mut self) -> Self {
        self.priority = 1;
        self
    }

    /// The `Name` column every printer starts with.
    fn name() -> Self {
        Self {
            format: "name".into(),
            ..Self::new("Name", "string", object_meta_doc("name"))
        }
    }

    /// The `Age` column of the built-in printers (a string cell).
    fn age() -> Self {
        Self::new("Age", "string", object_meta_doc("creationTimestamp"))
    }

    fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "type": self.type_,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        })
    }
}

/// The cells of one object's row, and its conditions (`Completed` pods).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Row {
    cells: Vec<Value>,
    conditions: Option<Value>,
}

/// The description of an `ObjectMeta` field.
fn object_meta_doc(field: &str) -> String {
    description::<ObjectMeta>(field)
}

/// The object a row carries for `include`.
fn row_object(object: &Value, include: IncludeObject) -> Value {
    match include {
        IncludeObject::None => Value::Null,
        IncludeObject::Object => object.clone(),
        IncludeObject::Metadata => json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": object.get("metadata").cloned().unwrap_or_else(|| json!({})),
        }),
    }
}

/// The Table's `metadata`: the list's `resourceVersion`, `continue` and
/// `remainingItemCount`, empty values left out as Go's `omitempty` does.
fn list_metadata(list_meta: Value) -> Value {
    let mut out = Map::new();
    if let Value::Object(map) = list_meta {
        for (key, value) in map {
            let empty = value.is_null() || value.as_str() == Some("");
            if !empty {
                out.insert(key, value);
            }
        }
    }
    Value::Object(out)
}

/// A Table of `objects` with `list_meta` (resourceVersion, continue).
pub fn render(rt: &ResourceType, objects: &[Value], list_meta: Value, include: IncludeObject) -> Value {
    render_at(rt, objects, list_meta, include, Timestamp::now())
}

/// [`render`] with ages computed at `now`.
pub fn render_at(
    rt: &ResourceType,
    objects: &[Value],
    list_meta: Value,
    include: IncludeObject,
    now: Timestamp,
) -> Value {
    let (columns, rows) = if rt.is_custom() {
        (custom::columns(rt), custom::rows(rt, objects, now))
    } else {
        let printer = builtin::printer(rt);
        (
            printer.columns(),
            objects.iter().map(|o| printer.row(o, now)).collect(),
        )
    };
    let rows: Vec<Value> = rows
        .into_iter()
        .zip(objects)
        .map(|(row, object)| {
            let mut out = json!({"cells": row.cells, "object": row_object(object, include)});
            if let Some(conditions) = row.conditions {
                out["conditions"] = conditions;
            }
            out
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_metadata(list_meta),
        "columnDefinitions": columns.iter().map(Column::to_json).collect::<Vec<_>>(),
        "rows": rows,
    })
}
