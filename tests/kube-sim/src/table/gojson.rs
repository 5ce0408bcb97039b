//! Values printed the way Go prints them, for the string cells of custom
//! resource columns: `fmt.Fprint` for scalars (floats as `%v`: shortest,
//! exponent form from 1e+06) and `encoding/json` for arrays and maps (sorted
//! keys, HTML-safe escapes, `1e-7` floats).

use serde_json::Value;

/// The decimal digits and decimal-point position of a float's shortest
/// round-tripping representation (`1.25` is `("125", 1)`).
fn shortest_digits(f: f64) -> (String, i32) {
    let text = format!("{:e}", f.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    (digits, exponent + 1)
}

/// Go's `%e` layout of shortest digits: `1.5e+06`, `1e-05`.
fn exponent_form(negative: bool, digits: &str, point: i32) -> String {
    let (first, rest) = digits.split_at(1.min(digits.len()));
    let mut out = String::from(if negative { "-" } else { "" });
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    let exp = point - 1;
    out.push_str(&format!("e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs()));
    out
}

/// Go's `%f` layout of shortest digits: `123456`, `0.0001`, `1.5`.
fn fixed_form(negative: bool, digits: &str, point: i32) -> String {
    let mut out = String::from(if negative { "-" } else { "" });
    if point <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat(point.unsigned_abs() as usize));
        out.push_str(digits);
    } else {
        let point = point as usize;
        if digits.len() <= point {
            out.push_str(digits);
            out.push_str(&"0".repeat(point - digits.len()));
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

/// `fmt.Sprint(f)` for a float64: `%g` with the shortest digits, in
/// exponent form when the exponent is below -4 or at least 6.
pub(crate) fn go_float(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let (digits, point) = shortest_digits(f);
    let exp = point - 1;
    if !(-4..6).contains(&exp) {
        exponent_form(f < 0.0, &digits, point)
    } else {
        fixed_form(f < 0.0, &digits, point)
    }
}

/// `encoding/json` for a float64: plain decimals, exponent form below 1e-6
/// and from 1e21 (`1e-7`, `1e+21`).
fn json_float(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let (digits, point) = shortest_digits(f);
    let abs = f.abs();
    if !(1e-6..1e21).contains(&abs) {
        let text = exponent_form(f < 0.0, &digits, point);
        // encoding/json trims `e-07` to `e-7`.
        match text.rsplit_once("e-0") {
            Some((head, tail)) => format!("{head}e-{tail}"),
            None => text,
        }
    } else {
        fixed_form(f < 0.0, &digits, point)
    }
}

/// `fmt.Sprint` of a JSON scalar as Go decodes it (`int64`, `float64`,
/// `bool`, `string`).
pub(crate) fn go_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (None, Some(u), _) => go_float(u as f64),
            (_, _, Some(f)) => go_float(f),
            _ => n.to_string(),
        },
        Value::Null => "<no value>".into(),
        other => go_json(other),
    }
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => out.push_str(&i.to_string()),
            (None, Some(f)) => out.push_str(&json_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(key, out);
                out.push(':');
                write_json(&map[key], out);
            }
            out.push('}');
        }
    }
}

/// `json.Marshal` of a decoded JSON value.
pub(crate) fn go_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(value, &mut out);
    out
}
