//! Values written the way `field.Error` writes them into messages: strings
//! with Go's `%q` (`strconv.Quote`), numbers and booleans with `%v`, and the
//! few structs the real messages print with `%#v`.

use std::fmt::Write;

/// Go's `strconv.Quote`: double quotes, `\"`, `\\`, the C escapes, and
/// `\x`/`\u`/`\U` escapes for characters Go does not consider printable.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                if (c as u32) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `%#v` of a `map[string]string` (keys sorted, as fmt prints maps; a
/// missing map is Go's nil map).
pub(crate) fn string_map(map: Option<&serde_json::Map<String, serde_json::Value>>) -> String {
    let Some(map) = map else {
        return "map[string]string(nil)".into();
    };
    let entries: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}:{}", quote(k), quote(v.as_str().unwrap_or_default())))
        .collect();
    format!("map[string]string{{{}}}", entries.join(", "))
}
