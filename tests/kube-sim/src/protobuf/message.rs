//! Field tables and the engine that turns a protobuf message into the JSON
//! the Go JSON encoder writes for the same Go struct.
//!
//! A table lists, for each field of a `generated.proto` message, its number,
//! its JSON name, its type and how its Go struct field is tagged: with
//! `omitempty` (zero scalars and empty lists or maps left out, structs
//! always written), without it (always written, a nil list, map or pointer
//! as `null`), as a pointer (written when set), or with `omitzero`. The
//! generated Go code writes every non-pointer field, so the wire says which
//! pointers are set and the rules above say what JSON shows.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::wire::{Reader, Wire, packed_varints};

/// The type of a field, as the JSON encoder sees it.
#[derive(Clone, Copy, Debug)]
pub(super) enum Ty {
    /// `string` (and string enums).
    Str,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
    /// `bool`.
    Bool,
    /// An embedded message.
    Msg(&'static Msg),
    /// A struct embedded with `json:",inline"`: its fields join the parent.
    Inline(&'static Msg),
    /// `metav1.Time`: seconds and nanos, RFC 3339 to the second in JSON.
    Time,
    /// `intstr.IntOrString`: a number or a string.
    IntOrString,
    /// `resource.Quantity`: its string form.
    Quantity,
    /// `map[string]string`.
    MapStr,
    /// `map[string][]byte`: values in base64.
    MapBytes,
    /// `map[string]resource.Quantity` (`ResourceList`).
    MapQuantity,
    /// `map[string]ExtraValue`: values are lists of strings.
    MapStrings,
}

/// How the Go struct field is tagged, which decides what JSON shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rule {
    /// `omitempty` on a value: zero scalars and empty maps left out.
    Omit,
    /// No `omitempty`: always written, zero or `null`.
    Keep,
    /// `omitzero`: left out when zero, structs included.
    OmitZero,
    /// A pointer with `omitempty`: written when set.
    Ptr,
    /// A pointer without `omitempty`: `null` when unset.
    PtrKeep,
    /// A slice with `omitempty`: left out when empty.
    List,
    /// A slice without `omitempty`: `null` when empty.
    ListKeep,
}

/// One field of a message.
#[derive(Debug)]
pub(super) struct Field {
    /// The protobuf field number.
    pub(super) num: u32,
    /// The JSON name (the `generated.proto` name).
    pub(super) name: &'static str,
    /// Its type.
    pub(super) ty: Ty,
    /// Its JSON tagging.
    pub(super) rule: Rule,
}

/// A message: its name (for errors) and its known fields.
#[derive(Debug)]
pub(super) struct Msg {
    /// The Go type name.
    pub(super) name: &'static str,
    /// The fields kube-sim reads; others are skipped.
    pub(super) fields: &'static [Field],
}

const fn field(num: u32, name: &'static str, ty: Ty, rule: Rule) -> Field {
    Field { num, name, ty, rule }
}

/// A field tagged `omitempty`.
pub(super) const fn omit(num: u32, name: &'static str, ty: Ty) -> Field {
    field(num, name, ty, Rule::Omit)
}

/// A field without `omitempty`.
pub(super) const fn keep(num: u32, name: &'static str, ty: Ty) -> Field {
    field(num, name, ty, Rule::Keep)
}

/// A field tagged `omitzero`.
pub(super) const fn omit_zero(num: u32, name: &'static str, ty: Ty) -> Field {
    field(num, name, ty, Rule::OmitZero)
}

/// A pointer tagged `omitempty`.
pub(super) const fn ptr(num: u32, name: &'static str, ty: Ty) -> Field {
    field(num, name, ty, Rule::Ptr)
}

/// A pointer without `omitempty`.
pub(super) const fn ptr_keep(num: u32, name: &'static str, ty: Ty) -> Field {
    field(num, name, ty, Rule::PtrKeep)
}

/// A slice tagged `omitempty`.
pub(super) const fn list(num: u32, name: &'static str, ty: Ty) -> Field {
    field(num, name, ty, Rule::List)
}

/// A slice without `omitempty`.
pub(super) const fn list_keep(num: u32, name: &'static str, ty: Ty) -> Field {
    field(num, name, ty, Rule::ListKeep)
}

/// An embedded struct (`json:",inline"`).
pub(super) const fn inline(num: u32, msg: &'static Msg) -> Field {
    field(num, "", Ty::Inline(msg), Rule::Keep)
}

/// Decodes `bytes` as `msg` into the JSON object Go would write.
pub(super) fn decode_message(msg: &Msg, bytes: &[u8]) -> Result<Map<String, Value>, String> {
    let mut seen: Vec<Vec<Wire<'_>>> = msg.fields.iter().map(|_| Vec::new()).collect();
    let mut reader = Reader::new(bytes);
    while let Some((num, wire)) = reader.field(msg.name)? {
        if let Some(i) = msg.fields.iter().position(|f| f.num == num) {
            seen[i].push(wire);
        }
    }
    let mut out = Map::new();
    for (f, wires) in msg.fields.iter().zip(&seen) {
        emit(f, wires, &mut out)?;
    }
    Ok(out)
}

fn emit(f: &Field, wires: &[Wire<'_>], out: &mut Map<String, Value>) -> Result<(), String> {
    if let Ty::Inline(inner) = f.ty {
        let bytes = concat(f, wires)?;
        out.extend(decode_message(inner, &bytes)?);
        return Ok(());
    }
    let value = match f.rule {
        Rule::List | Rule::ListKeep => {
            let mut items = Vec::new();
            for wire in wires {
                push_items(f, wire, &mut items)?;
            }
            match (items.is_empty(), f.rule) {
                (true, Rule::List) => None,
                (true, _) => Some(Value::Null),
                (false, _) => Some(Value::Array(items)),
            }
        }
        Rule::Ptr | Rule::PtrKeep => match (wires.is_empty(), f.rule) {
            (true, Rule::Ptr) => None,
            (true, _) => Some(Value::Null),
            (false, _) => Some(single(f, wires)?),
        },
        Rule::Omit | Rule::Keep | Rule::OmitZero => {
            let value = if wires.is_empty() {
                zero(f.ty)?
            } else {
                single(f, wires)?
            };
            let left_out = match f.rule {
                Rule::Omit => is_empty(f.ty, &value),
                Rule::OmitZero => is_empty(f.ty, &value) || value.is_null(),
                _ => false,
            };
            (!left_out).then_some(value)
        }
    };
    if let Some(value) = value {
        out.insert(f.name.to_string(), value);
    }
    Ok(())
}

/// What an empty `omitempty` field is: a zero scalar or an empty map.
/// Structs (messages, times, quantities) are never empty to Go.
fn is_empty(ty: Ty, value: &Value) -> bool {
    match ty {
        Ty::Str => value.as_str() == Some(""),
        Ty::Int32 | Ty::Int64 => value.as_i64() == Some(0),
        Ty::Bool => value == &Value::Bool(false),
        Ty::MapStr | Ty::MapBytes | Ty::MapQuantity | Ty::MapStrings => {
            value.as_object().is_none_or(Map::is_empty)
        }
        Ty::Msg(_) | Ty::Inline(_) | Ty::Time | Ty::IntOrString | Ty::Quantity => false,
    }
}

/// The JSON of a field absent from the wire: Go's zero value.
fn zero(ty: Ty) -> Result<Value, String> {
    Ok(match ty {
        Ty::Str => Value::String(String::new()),
        Ty::Int32 | Ty::Int64 | Ty::IntOrString => Value::from(0),
        Ty::Bool => Value::Bool(false),
        Ty::Msg(inner) => Value::Object(decode_message(inner, &[])?),
        Ty::Inline(_) | Ty::Time => Value::Null,
        Ty::Quantity => Value::String("0".into()),
        Ty::MapStr | Ty::MapBytes | Ty::MapQuantity | Ty::MapStrings => Value::Null,
    })
}

/// A Go field name for errors: the JSON name capitalised.
fn go_name(f: &Field) -> String {
    let mut chars = f.name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn wrong_wire(f: &Field, wire: &Wire<'_>) -> String {
    format!(
        "proto: wrong wireType = {} for field {}",
        wire.wire_type(),
        go_name(f)
    )
}

/// All occurrences of a message field, joined: protobuf merges repeated
/// occurrences of a singular message field.
fn concat(f: &Field, wires: &[Wire<'_>]) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    for wire in wires {
        match wire {
            Wire::Len(b) => bytes.extend_from_slice(b),
            other => return Err(wrong_wire(f, other)),
        }
    }
    Ok(bytes)
}

/// The value of a singular field: the last occurrence of a scalar, the
/// merge of all occurrences of a message.
fn single(f: &Field, wires: &[Wire<'_>]) -> Result<Value, String> {
    match f.ty {
        Ty::Msg(_) | Ty::Time | Ty::IntOrString | Ty::Quantity => {
            let bytes = concat(f, wires)?;
            element(f, &Wire::Len(&bytes))
        }
        Ty::MapStr | Ty::MapBytes | Ty::MapQuantity | Ty::MapStrings => map(f, wires),
        _ => {
            let mut value = Value::Null;
            for wire in wires {
                value = element(f, wire)?;
            }
            Ok(value)
        }
    }
}

/// The items one occurrence of a repeated field adds: one, or several for
/// a packed list of numbers.
fn push_items(f: &Field, wire: &Wire<'_>, items: &mut Vec<Value>) -> Result<(), String> {
    match (f.ty, wire) {
        (Ty::Int32 | Ty::Int64 | Ty::Bool, Wire::Len(bytes)) => {
            for v in packed_varints(bytes)? {
                items.push(element(f, &Wire::Varint(v))?);
            }
        }
        _ => items.push(element(f, wire)?),
    }
    Ok(())
}

/// One value of the field's type.
fn element(f: &Field, wire: &Wire<'_>) -> Result<Value, String> {
    match (f.ty, wire) {
        (Ty::Str, Wire::Len(b)) => Ok(Value::String(String::from_utf8_lossy(b).into_owned())),
        // Go converts the varint to the field's width, dropping high bits.
        (Ty::Int32, Wire::Varint(v)) => Ok(Value::from(*v as i32)),
        (Ty::Int64, Wire::Varint(v)) => Ok(Value::from(*v as i64)),
        (Ty::Bool, Wire::Varint(v)) => Ok(Value::Bool(*v != 0)),
        (Ty::Msg(inner), Wire::Len(b)) => decode_message(inner, b).map(Value::Object),
        (Ty::Time, Wire::Len(b)) => super::scalars::time(b),
        (Ty::IntOrString, Wire::Len(b)) => super::scalars::int_or_string(b),
        (Ty::Quantity, Wire::Len(b)) => super::scalars::quantity(b),
        _ => Err(wrong_wire(f, wire)),
    }
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A map field: each occurrence is an entry message with the key as field
/// 1 and the value as field 2; a later entry replaces an earlier one.
fn map(f: &Field, wires: &[Wire<'_>]) -> Result<Value, String> {
    let mut out = Map::new();
    for wire in wires {
        let Wire::Len(entry) = wire else {
            return Err(wrong_wire(f, wire));
        };
        let mut key = String::new();
        let mut value: Option<&[u8]> = None;
        let mut reader = Reader::new(entry);
        while let Some((num, part)) = reader.field(f.name)? {
            match (num, part) {
                (1, Wire::Len(b)) => key = String::from_utf8_lossy(b).into_owned(),
                (2, Wire::Len(b)) => value = Some(b),
                (1 | 2, other) => return Err(wrong_wire(f, &other)),
                _ => {}
            }
        }
        let value = match f.ty {
            Ty::MapBytes => Value::String(base64(value.unwrap_or_default())),
            Ty::MapQuantity => super::scalars::quantity(value.unwrap_or_default())?,
            Ty::MapStrings => super::scalars::strings(value.unwrap_or_default())?,
            _ => Value::String(String::from_utf8_lossy(value.unwrap_or_default()).into_owned()),
        };
        out.insert(key, value);
    }
    Ok(Value::Object(out))
}
