//! Tables of custom resources, as apiextensions-apiserver's
//! `tableconvertor` builds them: a `Name` column, then the version's
//! `additionalPrinterColumns` (or a single `Age` column when it has none),
//! each cell the first value its JSONPath selects, converted to the column's
//! type; `date` cells hold the age (`5m`), missing values are `null`.

use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

use super::duration::{human_duration, parse};
use super::gojson::go_scalar;
use super::{Column, Row, jsonpath, object_meta_doc};
use crate::registry::{PrinterColumn, ResourceType};

/// The column the API server serves when a CRD version declares none.
fn default_columns() -> Vec<PrinterColumn> {
    vec![PrinterColumn {
        name: "Age".into(),
        type_: "date".into(),
        format: None,
        description: object_meta_doc("creationTimestamp"),
        priority: 0,
        json_path: ".metadata.creationTimestamp".into(),
    }]
}

fn printer_columns(rt: &ResourceType) -> Vec<PrinterColumn> {
    if rt.printer_columns.is_empty() {
        default_columns()
    } else {
        rt.printer_columns.clone()
    }
}

/// The column definitions of a custom resource type.
pub(super) fn columns(rt: &ResourceType) -> Vec<Column> {
    let mut columns = vec![Column::name()];
    for c in printer_columns(rt) {
        let description = if c.description.is_empty() {
            format!(
                "Custom resource definition column (in JSONPath format): {}",
                c.json_path
            )
        } else {
            c.description.clone()
        };
        columns.push(Column {
            name: c.name.clone(),
            type_: c.type_.clone(),
            format: c.format.clone().unwrap_or_default(),
            description,
            priority: c.priority,
        });
    }
    columns
}

/// `cellForJSONValue`, and the string printing of the table convertor.
pub(crate) fn cell(type_: &str, value: Option<&Value>, now: Timestamp) -> Value {
    let Some(value) = value else {
        return Value::Null;
    };
    match (type_, value) {
        ("string", v) => json!(go_scalar(v)),
        (_, Value::Null) => Value::Null,
        ("integer", Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => json!(i),
            // Go's int64(float64) conversion truncates (and saturates here).
            (None, Some(f)) => json!(f as i64),
            _ => Value::Null,
        },
        ("number", Value::Number(n)) => match n.as_f64() {
            // encoding/json prints a whole float64 without a fraction.
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => json!(f as i64),
            Some(f) => json!(f),
            None => Value::Null,
        },
        ("boolean", Value::Bool(b)) => json!(b),
        ("date", Value::String(s)) => match parse(s) {
            None => json!("<unknown>"),
            Some(Err(())) => json!("<invalid>"),
            Some(Ok(t)) => json!(human_duration(now.as_nanosecond() - t.as_nanosecond())),
        },
        _ => Value::Null,
    }
}

/// The rows of custom resources.
pub(super) fn rows(rt: &ResourceType, objects: &[Value], now: Timestamp) -> Vec<Row> {
    let columns = printer_columns(rt);
    objects
        .iter()
        .map(|object| {
            let mut cells = vec![json!(object["metadata"]["name"].as_str().unwrap_or_default())];
            for c in &columns {
                cells.push(cell(&c.type_, jsonpath::first(object, &c.json_path), now));
            }
            Row {
                cells,
                conditions: None,
            }
        })
        .collect()
}
