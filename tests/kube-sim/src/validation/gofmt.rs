//! Values written the way `field.Error` writes them into messages: strings
//! with Go's `%q` (`strconv.Quote`), numbers and booleans with `%v`, and the
//! few structs the real messages print with `%#v`.

pub(crate) use crate::gofmt::quote;

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
