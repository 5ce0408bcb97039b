//! The server's error wording: `field.Error` bodies (`Invalid value: "x":
//! detail`, `Required value`, `Unsupported value: …`, `Too long: …`) with
//! bad values printed the way Go's `fmt` prints them (`%q` for strings, `%v`
//! for numbers, `%#v` for maps and slices: `map[string]interface {}{"a":1}`).

use serde_json::Value;

use crate::status::Cause;

pub(super) use crate::gofmt::quote;

/// Go's `%v` of a float64 (shortest representation, exponent below 1e-4
/// and from 1e21).
pub(super) fn float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..21).contains(&exp) {
        let plain = format!("{f}");
        return plain;
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// A JSON number as Go prints the int64 or float64 it decodes to.
pub(super) fn number(n: &serde_json::Number) -> String {
    match n.as_i64() {
        Some(i) => i.to_string(),
        None => float(n.as_f64().unwrap_or(0.0)),
    }
}

/// Go's `%#v` of a decoded JSON value held in an `interface{}`.
pub(super) fn sharp(value: &Value) -> String {
    match value {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => quote(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(sharp).collect();
            format!("[]interface {{}}{{{}}}", items.join(", "))
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let entries: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", quote(k), sharp(&map[*k])))
                .collect();
            format!("map[string]interface {{}}{{{}}}", entries.join(", "))
        }
    }
}

/// A bad value as `field.Error.ErrorBody` prints it.
pub(super) fn bad_value(value: &Value) -> String {
    match value {
        Value::Null => quote("null"),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => quote(s),
        Value::Array(_) | Value::Object(_) => sharp(value),
    }
}

fn body(kind: &str, value: Option<String>, detail: &str) -> String {
    let mut s = match value {
        Some(v) => format!("{kind}: {v}"),
        None => kind.to_string(),
    };
    if !detail.is_empty() {
        s.push_str(": ");
        s.push_str(detail);
    }
    s
}

/// `field.Invalid`.
pub(super) fn invalid(field: &str, value: &Value, detail: &str) -> Cause {
    Cause::new(
        "FieldValueInvalid",
        field,
        body("Invalid value", Some(bad_value(value)), detail),
    )
}

/// `field.Invalid` with a string value.
pub(super) fn invalid_str(field: &str, value: &str, detail: &str) -> Cause {
    Cause::new(
        "FieldValueInvalid",
        field,
        body("Invalid value", Some(quote(value)), detail),
    )
}

/// `field.Invalid` with a value printed by the caller (`%#v` of a struct).
pub(super) fn invalid_raw(field: &str, value: String, detail: &str) -> Cause {
    Cause::new(
        "FieldValueInvalid",
        field,
        body("Invalid value", Some(value), detail),
    )
}

/// `field.Invalid` with `field.OmitValueType{}`.
pub(super) fn invalid_omit(field: &str, detail: &str) -> Cause {
    Cause::new("FieldValueInvalid", field, body("Invalid value", None, detail))
}

/// `field.TypeInvalid`.
pub(super) fn type_invalid(field: &str, value: &Value, detail: &str) -> Cause {
    Cause::new(
        "FieldValueTypeInvalid",
        field,
        body("Invalid value", Some(bad_value(value)), detail),
    )
}

/// `field.Required`.
pub(super) fn required(field: &str, detail: &str) -> Cause {
    Cause::new("FieldValueRequired", field, body("Required value", None, detail))
}

/// `field.Forbidden`.
pub(super) fn forbidden(field: &str, detail: &str) -> Cause {
    Cause::new("FieldValueForbidden", field, body("Forbidden", None, detail))
}

/// `field.Duplicate`.
pub(super) fn duplicate(field: &str, value: &Value) -> Cause {
    Cause::new(
        "FieldValueDuplicate",
        field,
        body("Duplicate value", Some(bad_value(value)), ""),
    )
}

/// `field.NotSupported`.
pub(super) fn not_supported(field: &str, value: &Value, valid: &[String]) -> Cause {
    let detail = if valid.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = valid.iter().map(|v| quote(v)).collect();
        format!("supported values: {}", quoted.join(", "))
    };
    Cause::new(
        "FieldValueNotSupported",
        field,
        body("Unsupported value", Some(bad_value(value)), &detail),
    )
}

/// `field.TooLong` (the value is omitted).
pub(super) fn too_long(field: &str, max: i64) -> Cause {
    let detail = match max {
        m if m < 0 => "value is too long".to_string(),
        1 => "may not be more than 1 byte".to_string(),
        m => format!("may not be more than {m} bytes"),
    };
    Cause::new("FieldValueTooLong", field, body("Too long", None, &detail))
}

/// `field.TooMany`.
pub(super) fn too_many(field: &str, actual: i64, max: i64) -> Cause {
    let detail = match max {
        m if m < 0 => "has too many items".to_string(),
        1 => "must have at most 1 item".to_string(),
        m => format!("must have at most {m} items"),
    };
    let value = (actual >= 0).then(|| actual.to_string());
    Cause::new("FieldValueTooMany", field, body("Too many", value, &detail))
}
