//! Values printed the way Go's `fmt` prints decoded JSON (`%v` of
//! `map[string]interface{}`, `[]interface{}`, `float64`), and the
//! `reflect.TypeOf` names, for error messages worded as the API server's.

use serde_json::Value;

/// `fmt.Sprintf("%v", v)` of a decoded JSON value.
pub(super) fn v(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => float(n.as_f64().unwrap_or_default()),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!("[{}]", items.iter().map(v).collect::<Vec<_>>().join(" ")),
        Value::Object(map) => {
            let parts: Vec<String> = map.iter().map(|(k, val)| format!("{k}:{}", v(val))).collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// `%v` of a float64: shortest representation, exponent form outside
/// `[1e-4, 1e6)` (`strconv`'s `%g` with the shortest precision).
fn float(f: f64) -> String {
    if f == 0.0 || (f.abs() >= 1e-4 && f.abs() < 1e6) {
        return format!("{f}");
    }
    let text = format!("{f:e}");
    match text.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => text,
    }
}

/// `reflect.TypeOf(v)` of a decoded JSON value, as `%s` prints it.
pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "%!s(<nil>)",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Go's `==` on two decoded JSON scalars (numbers compare as float64;
/// composite values never equal).
pub(super) fn eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => false,
        _ => a == b,
    }
}
