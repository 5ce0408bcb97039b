//! OpenAPI validation of a custom object, as kube-openapi's
//! `SchemaValidator` runs it (type, junctors, string, format, number,
//! array, enum, object validators, in that order at each node) and as
//! `kubeOpenAPIResultToFieldErrors` turns its results into field errors
//! (`spec.replicas: Invalid value: "string": spec.replicas in body must be
//! of type integer: "string"`). On update, a node equal to its correlated
//! old value is not validated (CRD validation ratcheting).

mod junctors;

use serde_json::{Map, Value};

use super::formats;
use super::gofmt::{self, float, quote};
use super::node::{Additional, Node, json_eq, kind};
use crate::status::Cause;

/// Validates `object` against `schema`; `old` (on update) ratchets errors
/// of unchanged fields.
pub(super) fn validate(schema: &Value, object: &Value, old: Option<&Value>) -> Vec<Cause> {
    let mut out = Vec::new();
    node(Node(schema), object, "", old, &mut out);
    out
}

/// The field path of a kube-openapi error named `name`.
fn err_path(name: &str) -> String {
    if name.is_empty() || name == "." {
        "<nil>".into()
    } else {
        name.strip_prefix('.').unwrap_or(name).into()
    }
}

/// An error that is not an `errors.Validation` (junctors): no field path.
fn composite(message: String) -> Cause {
    gofmt::invalid_str("<nil>", "", &message)
}

fn invalid_type(name: &str, type_name: &str, value: &str) -> Cause {
    let message = format!("{name} in body must be of type {type_name}: {}", quote(value));
    gofmt::type_invalid(&err_path(name), &Value::String(value.into()), &message)
}

fn invalid(name: &str, value: &Value, message: String) -> Cause {
    gofmt::invalid(&err_path(name), value, &message)
}

/// The types kube-openapi checks: `[type]`, or `integer,string` for
/// int-or-string.
fn types(s: Node<'_>) -> Vec<&str> {
    if s.int_or_string() {
        vec!["integer", "string"]
    } else if s.type_().is_empty() {
        vec![]
    } else {
        vec![s.type_()]
    }
}

/// `schemaInfoForType`: the JSON type and format of a decoded value.
fn info(value: &Value) -> (&'static str, &'static str) {
    match kind(value) {
        "integer" => ("integer", "int64"),
        "number" => ("number", "float64"),
        k => (k, ""),
    }
}

fn node(s: Node<'_>, data: &Value, path: &str, old: Option<&Value>, out: &mut Vec<Cause>) {
    if old.is_some_and(|o| json_eq(o, data)) {
        return;
    }
    let types = types(s);
    let format = formats::effective(s);
    if data.is_null() {
        if !types.is_empty() && !s.nullable() {
            out.push(invalid_type(path, &types.join(","), "null"));
        }
        enumeration(s, data, path, out);
        return;
    }
    if !types.is_empty() || !format.is_empty() {
        type_check(&types, format, data, path, out);
    }
    junctors::check(s, data, path, out);
    if let Value::String(text) = data {
        string(s, text, path, out);
        if formats::known(format) && !formats::check(format, text) {
            out.push(invalid_type(path, format, text));
        }
    }
    if data.is_number() {
        number(s, data, path, out);
    }
    if let Value::Array(items) = data {
        array(s, items, path, old, out);
    }
    enumeration(s, data, path, out);
    if let Value::Object(map) = data {
        object(s, map, path, old, out);
    }
}

/// `typeValidator.Validate` for a non-null value.
fn type_check(types: &[&str], format: &str, data: &Value, path: &str, out: &mut Vec<Cause>) {
    let (sch_type, data_format) = info(data);
    let is_float_int = sch_type == "number"
        && data
            .as_f64()
            .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15)
        && types.contains(&"integer");
    let is_int_float = sch_type == "integer" && types.contains(&"number");
    let stringish = matches!(data, Value::String(_) | Value::Array(_));
    let type_ok = types.contains(&sch_type) || is_float_int || is_int_float;
    let format_ok = type_ok || data_format == format;
    if !stringish && !format.is_empty() && !format_ok {
        out.push(invalid_type(path, format, data_format));
        return;
    }
    let numeric = types.contains(&"number") || types.contains(&"integer");
    if !numeric && !format.is_empty() && stringish {
        return;
    }
    if !type_ok {
        out.push(invalid_type(path, &types.join(","), sch_type));
    }
}

fn int_keyword(s: Node<'_>, key: &str) -> Option<i64> {
    s.get(key)
        .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
}

/// `stringValidator`: maxLength, minLength, pattern; the first failure wins.
fn string(s: Node<'_>, text: &str, path: &str, out: &mut Vec<Cause>) {
    let len = text.chars().count() as i64;
    let value = Value::String(text.into());
    if let Some(max) = int_keyword(s, "maxLength")
        && len > max
    {
        out.push(gofmt::too_long(&err_path(path), max));
        return;
    }
    if let Some(min) = int_keyword(s, "minLength")
        && len < min
    {
        out.push(invalid(
            path,
            &value,
            format!("{path} in body should be at least {min} chars long"),
        ));
        return;
    }
    let pattern = s.str("pattern");
    if !pattern.is_empty() {
        match regex::Regex::new(pattern) {
            Ok(re) if re.is_match(text) => {}
            Ok(_) => out.push(invalid(
                path,
                &value,
                format!("{path} in body should match '{pattern}'"),
            )),
            Err(e) => out.push(invalid(
                path,
                &value,
                format!("{path} in body should match '{pattern}, but pattern is invalid: {e}'"),
            )),
        }
    }
}

/// `numberValidator`: multipleOf, minimum, maximum, with int64 arithmetic
/// for integers as Go's native-type checks do.
fn number(s: Node<'_>, data: &Value, path: &str, out: &mut Vec<Cause>) {
    let as_int = data.as_i64();
    let f = data.as_f64().unwrap_or(0.0);
    let bound = |key: &str| s.get(key).and_then(Value::as_f64);
    if let Some(factor) = bound("multipleOf") {
        if factor < 0.0 {
            let shown = match as_int {
                Some(_) => (factor as i64).to_string(),
                None => float(factor),
            };
            out.push(invalid(
                path,
                data,
                format!("factor MultipleOf declared for {path} must be positive: {shown}"),
            ));
        } else {
            let (ok, shown) = match as_int {
                Some(i) if factor as i64 != 0 => {
                    let fi = factor as i64;
                    (i % fi == 0, fi.to_string())
                }
                _ => {
                    let mult = if factor < 1.0 {
                        1.0 / factor * f
                    } else {
                        f / factor
                    };
                    let whole = mult.is_finite() && (mult - mult.round()).abs() <= 1e-9 * mult.abs().max(1.0);
                    (whole, float(factor))
                }
            };
            if !ok {
                out.push(invalid(
                    path,
                    data,
                    format!("{path} in body should be a multiple of {shown}"),
                ));
            }
        }
    }
    let exclusive = |key: &str| s.flag(key);
    if let Some(min) = bound("minimum") {
        let excl = exclusive("exclusiveMinimum");
        let (fails, shown) = match as_int {
            Some(i) => {
                let m = min as i64;
                ((!excl && i < m) || (excl && i <= m), m.to_string())
            }
            None => ((!excl && f < min) || (excl && f <= min), float(min)),
        };
        if fails {
            let op = if excl {
                "greater than"
            } else {
                "greater than or equal to"
            };
            out.push(invalid(
                path,
                data,
                format!("{path} in body should be {op} {shown}"),
            ));
        }
    }
    if let Some(max) = bound("maximum") {
        let excl = exclusive("exclusiveMaximum");
        let (fails, shown) = match as_int {
            Some(i) => {
                let m = max as i64;
                ((!excl && i > m) || (excl && i >= m), m.to_string())
            }
            None => ((!excl && f > max) || (excl && f >= max), float(max)),
        };
        if fails {
            let op = if excl {
                "less than"
            } else {
                "less than or equal to"
            };
            out.push(invalid(
                path,
                data,
                format!("{path} in body should be {op} {shown}"),
            ));
        }
    }
}

/// `schemaSliceValidator`: each item, then minItems, maxItems.
fn array(s: Node<'_>, items: &[Value], path: &str, old: Option<&Value>, out: &mut Vec<Cause>) {
    if let Some(item_schema) = s.items() {
        let old_items = old.and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        for (i, item) in items.iter().enumerate() {
            let old_item = correlate_item(s, item, old_items);
            node(item_schema, item, &format!("{path}[{i}]"), old_item, out);
        }
    }
    let size = items.len() as i64;
    if let Some(min) = int_keyword(s, "minItems")
        && size < min
    {
        out.push(invalid(
            path,
            &Value::from(size),
            format!("{path} in body should have at least {min} items"),
        ));
    }
    if let Some(max) = int_keyword(s, "maxItems")
        && size > max
    {
        out.push(gofmt::too_many(&err_path(path), size, max));
    }
}

/// The old item an item of a list correlates with: by keys for
/// `x-kubernetes-list-type: map`, by value for `set`, none for atomic lists.
pub(super) fn correlate_item<'o>(s: Node<'_>, item: &Value, old_items: &'o [Value]) -> Option<&'o Value> {
    match s.list_type() {
        Some("map") => {
            let keys = s.list_map_keys();
            old_items
                .iter()
                .find(|o| keys.iter().all(|k| item.get(*k) == o.get(*k)))
        }
        Some("set") => old_items.iter().find(|o| json_eq(o, item)),
        _ => None,
    }
}

/// `basicCommonValidator`: enum.
fn enumeration(s: Node<'_>, data: &Value, path: &str, out: &mut Vec<Cause>) {
    let Some(values) = s.get("enum").and_then(Value::as_array).filter(|v| !v.is_empty()) else {
        return;
    };
    if !data.is_null() && values.iter().any(|v| json_eq(v, data)) {
        return;
    }
    let valid: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => gofmt::number(n),
            other => other.to_string(),
        })
        .collect();
    out.push(gofmt::not_supported(&err_path(path), data, &valid));
}

/// `objectValidator`: min/maxProperties (which stop here), forbidden or
/// map-valued extra fields, properties, required.
fn object(s: Node<'_>, map: &Map<String, Value>, path: &str, old: Option<&Value>, out: &mut Vec<Cause>) {
    let count = map.len() as i64;
    if let Some(min) = int_keyword(s, "minProperties")
        && count < min
    {
        out.push(invalid(
            path,
            &Value::from(count),
            format!("{path} in body should have at least {min} properties"),
        ));
        return;
    }
    if let Some(max) = int_keyword(s, "maxProperties")
        && count > max
    {
        out.push(gofmt::too_many(&err_path(path), count, max));
        return;
    }
    let is_property = |k: &str| s.property(k).is_some();
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    match s.additional() {
        Additional::Bool(false) => {
            for k in keys.iter().filter(|k| !is_property(k)) {
                let message = format!("{path}.{k} in body is a forbidden property");
                out.push(invalid(path, &Value::String((*k).clone()), message));
            }
        }
        Additional::Schema(add) => {
            for k in keys.iter().filter(|k| !is_property(k)) {
                let old_value = old.and_then(|o| o.get(k.as_str()));
                node(add, &map[k.as_str()], &format!("{path}.{k}"), old_value, out);
            }
        }
        _ => {}
    }
    if let Some(props) = s.properties() {
        let mut names: Vec<&String> = props.keys().collect();
        names.sort();
        for name in names {
            let (Some(v), Some(prop)) = (map.get(name.as_str()), s.property(name)) else {
                continue;
            };
            let child = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            node(prop, v, &child, old.and_then(|o| o.get(name.as_str())), out);
        }
    }
    for k in s.required() {
        if !map.contains_key(k) {
            out.push(gofmt::required(&err_path(&format!("{path}.{k}")), ""));
        }
    }
}
