//! The apimachinery value types that are messages on the wire but scalars
//! in JSON: `metav1.Time` (an RFC 3339 string, or `null` when zero),
//! `intstr.IntOrString` (a number or a string), `resource.Quantity` (its
//! string) and `authentication/v1.ExtraValue` (a list of strings).

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::wire::{Reader, Wire};

/// What `resource.ParseQuantity` accepts.
static QUANTITY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$").ok());

fn wrong(field: &str, wire: &Wire<'_>) -> String {
    format!("proto: wrong wireType = {} for field {field}", wire.wire_type())
}

/// `metav1.Time`: empty bytes are the zero time (`null`); otherwise
/// `seconds` (1) and `nanos` (2), truncated to the second as the API
/// server does, written as RFC 3339 in UTC.
pub(super) fn time(bytes: &[u8]) -> Result<Value, String> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut seconds = 0i64;
    let mut reader = Reader::new(bytes);
    while let Some((num, wire)) = reader.field("Timestamp")? {
        match (num, wire) {
            (1, Wire::Varint(v)) => seconds = v as i64,
            (2, Wire::Varint(_)) => {}
            (1, other) => return Err(wrong("Seconds", &other)),
            (2, other) => return Err(wrong("Nanos", &other)),
            _ => {}
        }
    }
    Ok(Value::String(rfc3339(seconds)))
}

/// Seconds since the Unix epoch as Go's `time.RFC3339` in UTC.
pub(super) fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let year = if year < 0 {
        format!("-{:04}", year.unsigned_abs())
    } else {
        format!("{year:04}")
    };
    format!(
        "{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `intstr.IntOrString`: `type` (1; 0 int, 1 string), `intVal` (2),
/// `strVal` (3).
pub(super) fn int_or_string(bytes: &[u8]) -> Result<Value, String> {
    let (mut kind, mut int_val, mut str_val) = (0i64, 0i32, String::new());
    let mut reader = Reader::new(bytes);
    while let Some((num, wire)) = reader.field("IntOrString")? {
        match (num, wire) {
            (1, Wire::Varint(v)) => kind = v as i64,
            (2, Wire::Varint(v)) => int_val = v as i32,
            (3, Wire::Len(b)) => str_val = String::from_utf8_lossy(b).into_owned(),
            (1, other) => return Err(wrong("Type", &other)),
            (2, other) => return Err(wrong("IntVal", &other)),
            (3, other) => return Err(wrong("StrVal", &other)),
            _ => {}
        }
    }
    match kind {
        0 => Ok(Value::from(int_val)),
        1 => Ok(Value::String(str_val)),
        _ => Err("impossible IntOrString.Type".into()),
    }
}

/// `resource.Quantity`: its string (1), checked as `ParseQuantity` checks
/// it; absent, the zero quantity `"0"`.
pub(super) fn quantity(bytes: &[u8]) -> Result<Value, String> {
    let mut text = String::new();
    let mut reader = Reader::new(bytes);
    while let Some((num, wire)) = reader.field("Quantity")? {
        match (num, wire) {
            (1, Wire::Len(b)) => text = String::from_utf8_lossy(b).into_owned(),
            (1, other) => return Err(wrong("String", &other)),
            _ => {}
        }
    }
    if text.is_empty() {
        return Ok(Value::String("0".into()));
    }
    if !QUANTITY.as_ref().is_some_and(|re| re.is_match(&text)) {
        return Err(
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
                .into(),
        );
    }
    Ok(Value::String(text))
}

/// `authentication/v1.ExtraValue`: `items` (1), a list of strings (`null`
/// when empty, as Go writes a nil slice).
pub(super) fn strings(bytes: &[u8]) -> Result<Value, String> {
    let mut items = Vec::new();
    let mut reader = Reader::new(bytes);
    while let Some((num, wire)) = reader.field("ExtraValue")? {
        match (num, wire) {
            (1, Wire::Len(b)) => items.push(Value::String(String::from_utf8_lossy(b).into_owned())),
            (1, other) => return Err(wrong("Items", &other)),
            _ => {}
        }
    }
    Ok(if items.is_empty() {
        Value::Null
    } else {
        Value::Array(items)
    })
}
