//! `metadata.managedFields` as the API server reads and writes it
//! (apimachinery's `managedfields/internal`): entries keyed by a manager
//! identifier (manager, operation, apiVersion for updates, subresource),
//! decoded into field sets, encoded back sorted, and the cap on the number
//! of update entries (`ancient-changes`).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::Operation;
use super::fieldpath::{Set, go_json};

/// The fields one manager owns, at one API version.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Versioned {
    /// The owned fields.
    pub(crate) set: Set,
    /// The version the fields were written at.
    pub(crate) api_version: String,
    /// Whether the entry comes from an apply.
    pub(crate) applied: bool,
}

/// Every manager's fields and the time of its last change.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Managed {
    /// By manager identifier.
    pub(crate) fields: BTreeMap<String, Versioned>,
    /// By manager identifier; absent when the entry has no time.
    pub(crate) times: BTreeMap<String, String>,
}

/// The most update entries kept before the oldest are merged.
const MAX_UPDATE_MANAGERS: usize = 10;

fn operation_str(op: Operation) -> &'static str {
    match op {
        Operation::Apply => "Apply",
        Operation::Update => "Update",
    }
}

/// The identifier of a manager: the JSON of its entry without fields,
/// type, time, and without apiVersion for appliers (`BuildManagerIdentifier`).
pub(crate) fn identifier(manager: &str, op: Operation, api_version: &str, subresource: &str) -> String {
    let mut parts = Vec::new();
    let mut push = |name: &str, value: &str| {
        if !value.is_empty() {
            parts.push(format!(
                "\"{name}\":{}",
                go_json(&Value::String(value.to_string()))
            ));
        }
    };
    push("manager", manager);
    push("operation", operation_str(op));
    if op == Operation::Update {
        push("apiVersion", api_version);
    }
    push("subresource", subresource);
    format!("{{{}}}", parts.join(","))
}

/// The parts of an identifier: manager, operation, apiVersion, subresource.
fn parse_identifier(id: &str) -> Option<(String, String, String, String)> {
    let v: Value = serde_json::from_str(id).ok()?;
    let get = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    Some((
        get("manager"),
        get("operation"),
        get("apiVersion"),
        get("subresource"),
    ))
}

/// A manager as conflict messages print it: `"kubectl"`,
/// `"kubectl-client-side-apply" using v1`, `"x" with subresource "status"`.
pub(crate) fn print_manager(id: &str) -> String {
    let quote = |s: &str| Value::String(s.to_string()).to_string();
    let Some((manager, operation, api_version, subresource)) = parse_identifier(id) else {
        return quote(id);
    };
    let mut out = quote(&manager);
    if !subresource.is_empty() {
        out = format!("{out} with subresource {}", quote(&subresource));
    }
    if operation == "Update" {
        out = format!("{out} using {api_version}");
    }
    out
}

/// Whether a request's managedFields ask for a reset: an empty list, or a
/// list of one empty entry.
pub(crate) fn is_reset(entries: Option<&Value>) -> bool {
    match entries.and_then(Value::as_array) {
        Some(list) if list.is_empty() => true,
        Some(list) => list.len() == 1 && list[0].as_object().is_some_and(Map::is_empty),
        None => false,
    }
}

/// Decodes `metadata.managedFields` (absent or null: no entries).
pub(crate) fn decode(entries: Option<&Value>) -> Result<Managed, String> {
    let mut managed = Managed::default();
    let list = match entries {
        None | Some(Value::Null) => return Ok(managed),
        Some(Value::Array(list)) => list,
        Some(other) => return Err(format!("managedFields must be a list, got {other}")),
    };
    for (i, entry) in list.iter().enumerate() {
        let get = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or_default();
        let op = match get("operation") {
            "Apply" => Operation::Apply,
            "Update" => Operation::Update,
            _ => return Err("operation must be `Apply` or `Update`".into()),
        };
        if get("apiVersion").is_empty() {
            return Err("apiVersion must not be empty".into());
        }
        match get("fieldsType") {
            "FieldsV1" => {}
            "" => return Err(format!("missing fieldsType in managed fields entry {i}")),
            other => {
                return Err(format!(
                    "invalid fieldsType {other:?} in managed fields entry {i}"
                ));
            }
        }
        let set = match entry.get("fieldsV1") {
            None | Some(Value::Null) => Set::default(),
            Some(v) => Set::from_fields_v1(v).map_err(|e| format!("error decoding versioned set: {e}"))?,
        };
        let id = identifier(get("manager"), op, get("apiVersion"), get("subresource"));
        if let Some(time) = entry.get("time").and_then(Value::as_str) {
            managed.times.insert(id.clone(), time.to_string());
        } else {
            managed.times.remove(&id);
        }
        let versioned = Versioned {
            set,
            api_version: get("apiVersion").to_string(),
            applied: op == Operation::Apply,
        };
        managed.fields.insert(id, versioned);
    }
    Ok(managed)
}

/// How entries are sorted: operation, time, manager, apiVersion, subresource.
type SortKey = (String, i64, String, String, String);

/// Encodes the entries sorted as the API server sorts them (operation,
/// time, manager, apiVersion, subresource); `None` when there are none.
pub(crate) fn encode(managed: &Managed) -> Option<Value> {
    let mut entries: Vec<(SortKey, Value)> = Vec::new();
    for (id, versioned) in &managed.fields {
        let (manager, operation, _, subresource) = parse_identifier(id).unwrap_or_default();
        let operation = if versioned.applied {
            "Apply".to_string()
        } else {
            operation
        };
        let mut entry = Map::new();
        if !manager.is_empty() {
            entry.insert("manager".into(), json!(manager));
        }
        entry.insert("operation".into(), json!(operation));
        entry.insert("apiVersion".into(), json!(versioned.api_version));
        let time = managed.times.get(id);
        if let Some(t) = time {
            entry.insert("time".into(), json!(t));
        }
        entry.insert("fieldsType".into(), json!("FieldsV1"));
        entry.insert("fieldsV1".into(), versioned.set.to_fields_v1());
        if !subresource.is_empty() {
            entry.insert("subresource".into(), json!(subresource));
        }
        let seconds = time.map_or(0, |t| unix_seconds(t));
        entries.push((
            (
                operation,
                seconds,
                manager,
                versioned.api_version.clone(),
                subresource,
            ),
            Value::Object(entry),
        ));
    }
    if entries.is_empty() {
        return None;
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Some(Value::Array(entries.into_iter().map(|e| e.1).collect()))
}

/// Seconds since the epoch of an RFC 3339 time (0 if unparsable).
pub(crate) fn unix_seconds(t: &str) -> i64 {
    let parse = || -> Option<i64> {
        let b = t.as_bytes();
        let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
        let (y, mo, d, h, mi, s) = (
            num(0..4)?,
            num(5..7)?,
            num(8..10)?,
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
        );
        let mut rest = 19;
        if b.get(rest) == Some(&b'.') {
            rest += 1;
            while b.get(rest).is_some_and(u8::is_ascii_digit) {
                rest += 1;
            }
        }
        let offset = match b.get(rest) {
            Some(b'Z' | b'z') => 0,
            Some(sign @ (b'+' | b'-')) => {
                let off = num(rest + 1..rest + 3)? * 3600 + num(rest + 4..rest + 6)? * 60;
                if *sign == b'+' { off } else { -off }
            }
            _ => return None,
        };
        let (yy, mm) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
        let era = yy.div_euclid(400);
        let yoe = yy - era * 400;
        let doy = (153 * mm + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Some(days * 86_400 + h * 3600 + mi * 60 + s - offset)
    };
    parse().unwrap_or(0)
}

/// Merges the oldest update entries into `ancient-changes` buckets until
/// at most ten update entries remain (`capManagersManager`).
pub(crate) fn cap_update_managers(managed: &mut Managed) {
    let mut updaters: Vec<String> = managed
        .fields
        .iter()
        .filter(|(_, v)| !v.applied)
        .map(|(id, _)| id.clone())
        .collect();
    if updaters.len() <= MAX_UPDATE_MANAGERS {
        return;
    }
    let seconds = |id: &String| managed.times.get(id).map_or(0, |t| unix_seconds(t));
    updaters.sort_by(|a, b| (seconds(a), a).cmp(&(seconds(b), b)));
    let mut first_of_version: BTreeMap<String, String> = BTreeMap::new();
    let mut length = updaters.len();
    for id in updaters {
        if length <= MAX_UPDATE_MANAGERS {
            break;
        }
        let Some(vs) = managed.fields.get(&id).cloned() else {
            continue;
        };
        let time = managed.times.get(&id).cloned();
        let bucket = identifier("ancient-changes", Operation::Update, &vs.api_version, "");
        match first_of_version.get(&vs.api_version) {
            Some(first) => {
                if !managed.fields.contains_key(&bucket)
                    && let Some(s) = managed.fields.remove(first)
                {
                    managed.fields.insert(bucket.clone(), s);
                }
                let merged = match managed.fields.get(&bucket) {
                    Some(b) => vs.set.union(&b.set),
                    None => vs.set.clone(),
                };
                managed
                    .fields
                    .insert(bucket.clone(), Versioned { set: merged, ..vs });
                managed.fields.remove(&id);
                length -= 1;
                match time {
                    Some(t) => managed.times.insert(bucket, t),
                    None => managed.times.remove(&bucket),
                };
            }
            None => {
                first_of_version.insert(vs.api_version.clone(), id);
            }
        }
    }
}
