//! Structural schemas, as `schema.NewStructural` and `ValidateStructural`
//! in apiextensions-apiserver check them: a `type` on every specified node
//! (except int-or-string and preserve-unknown-fields ones), value
//! validations only inside `allOf`/`anyOf`/`oneOf`/`not` (no types,
//! defaults, extensions there), fields of junctors also on the structural
//! spine, `metadata` restricted to `name` and `generateName`, embedded
//! resources well formed.

use serde_json::Value;

use super::gofmt;
use super::node::{Node, child, index, key};
use crate::status::Cause;

/// The schema keywords `NewStructural` refuses, with its message.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("id", "OpenAPIV3Schema 'id' is not supported"),
    ("$schema", "OpenAPIV3Schema 'schema' is not supported"),
    ("$ref", "OpenAPIV3Schema '$ref' is not supported"),
    (
        "patternProperties",
        "OpenAPIV3Schema 'patternProperties' is not supported",
    ),
    ("dependencies", "OpenAPIV3Schema 'dependencies' is not supported"),
    (
        "additionalItems",
        "OpenAPIV3Schema 'additionalItems' is not supported",
    ),
    ("definitions", "OpenAPIV3Schema 'definitions' is not supported"),
];

/// `NewStructural`: the conversion error, if the schema cannot be made
/// structural at all.
pub(super) fn conversion_error(s: Node<'_>) -> Option<String> {
    for (keyword, message) in UNSUPPORTED {
        let set = match s.get(keyword) {
            None | Some(Value::Null) => false,
            Some(Value::String(v)) => !v.is_empty(),
            Some(Value::Object(v)) => !v.is_empty() || *keyword == "additionalItems",
            Some(_) => true,
        };
        if set {
            return Some((*message).to_string());
        }
    }
    if s.get("items").is_some_and(Value::is_array) {
        return Some("OpenAPIV3Schema 'items' must be a schema, but is an array".into());
    }
    if s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(false)) {
        return Some(
            "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined".into(),
        );
    }
    let mut children: Vec<Node<'_>> = Vec::new();
    children.extend(s.items());
    children.extend(
        s.properties()
            .into_iter()
            .flat_map(|p| p.values().filter(|v| v.is_object()).map(Node)),
    );
    children.extend(s.additional().schema());
    children.extend(s.not());
    for junctor in ["allOf", "anyOf", "oneOf"] {
        children.extend(s.junctor(junctor));
    }
    children.into_iter().find_map(conversion_error)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Item,
    Field,
}

/// `ValidateStructural`: the errors, sorted as the server sorts them.
pub(super) fn validate(schema: &Value, path: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    invariants(Node(schema), Level::Root, path, &mut out);
    completeness(Node(schema), path, &mut out);
    out.sort_by_key(Cause::text);
    out
}

fn invariants(s: Node<'_>, lvl: Level, path: &str, out: &mut Vec<Cause>) {
    let ty = s.type_();
    if ty == "array" && s.items().is_none() {
        out.push(gofmt::required(&child(path, "items"), "must be specified"));
    }
    if let Some(items) = s.items() {
        invariants(items, Level::Item, &child(path, "items"), out);
    }
    for (k, v) in s.properties().into_iter().flatten() {
        invariants(Node(v), Level::Field, &key(&child(path, "properties"), k), out);
    }
    if s.additional().is_set() {
        if lvl == Level::Root {
            out.push(gofmt::forbidden(
                &child(path, "additionalProperties"),
                "must not be used at the root",
            ));
        }
        if let Some(add) = s.additional().schema() {
            invariants(add, Level::Field, &child(path, "additionalProperties"), out);
        }
    }
    if s.int_or_string() && s.preserve_unknown() {
        out.push(gofmt::invalid(
            &child(path, "x-kubernetes-preserve-unknown-fields"),
            &Value::Bool(true),
            "must be false if x-kubernetes-int-or-string is true",
        ));
    }
    if s.int_or_string() && s.embedded() {
        out.push(gofmt::invalid(
            &child(path, "x-kubernetes-embedded-resource"),
            &Value::Bool(true),
            "must be false if x-kubernetes-int-or-string is true",
        ));
    }
    value_validation(
        s,
        is_int_or_string_any_of(s),
        is_int_or_string_all_of(s),
        path,
        out,
    );

    let check_metadata = lvl == Level::Root || s.embedded();
    if s.embedded() && ty != "object" {
        let detail = "must be object if x-kubernetes-embedded-resource is true";
        out.push(if ty.is_empty() {
            gofmt::required(&child(path, "type"), detail)
        } else {
            gofmt::invalid_str(&child(path, "type"), ty, detail)
        });
    } else if ty.is_empty() && !s.int_or_string() && !s.preserve_unknown() {
        let detail = match lvl {
            Level::Root => "must not be empty at the root",
            Level::Item => "must not be empty for specified array items",
            Level::Field => "must not be empty for specified object fields",
        };
        out.push(gofmt::required(&child(path, "type"), detail));
    }
    if s.embedded() && s.additional().is_set() {
        out.push(gofmt::forbidden(
            &child(path, "additionalProperties"),
            "must not be used if x-kubernetes-embedded-resource is set",
        ));
    }
    if lvl == Level::Root && !ty.is_empty() && ty != "object" {
        out.push(gofmt::invalid_str(
            &child(path, "type"),
            ty,
            "must be object at the root",
        ));
    }
    for meta in ["kind", "apiVersion"] {
        if let Some(p) = s.property(meta)
            && check_metadata
            && p.type_() != "string"
        {
            let field = child(&key(&child(path, "properties"), meta), "type");
            out.push(gofmt::invalid_str(&field, p.type_(), "must be string"));
        }
    }
    if let Some(metadata) = s.property("metadata") {
        metadata_invariants(
            metadata,
            check_metadata,
            lvl,
            &key(&child(path, "properties"), "metadata"),
            out,
        );
    }
    if s.embedded() && !s.preserve_unknown() && s.properties().is_none_or(|p| p.is_empty()) {
        out.push(gofmt::required(
            &child(path, "properties"),
            "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
        ));
    }
}

/// Keywords of a node that `validateStructuralMetadataInvariants` lets
/// through on the root `metadata` (the others must be unset).
const METADATA_IGNORED: &[&str] = &["type", "default", "properties", "example", "externalDocs"];

fn metadata_invariants(s: Node<'_>, check_metadata: bool, lvl: Level, path: &str, out: &mut Vec<Cause>) {
    if check_metadata && s.type_() != "object" {
        out.push(gofmt::invalid_str(
            &child(path, "type"),
            s.type_(),
            "must be object",
        ));
    }
    if lvl != Level::Root {
        return;
    }
    let Value::Object(map) = s.0 else { return };
    let props_ok = s.properties().is_none_or(|p| {
        let names: Vec<&str> = p.keys().map(String::as_str).collect();
        names.is_empty() || names.iter().all(|n| *n == "name" || *n == "generateName")
    });
    let other = map
        .iter()
        .any(|(k, v)| !METADATA_IGNORED.contains(&k.as_str()) && is_set(v));
    if !props_ok || other {
        out.push(gofmt::forbidden(
            path,
            "must not specify anything other than name and generateName, but metadata is implicitly specified",
        ));
    }
}

/// Whether a keyword holds a non-zero value (Go's zero values are unset).
fn is_set(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) | Value::Number(_) => true,
    }
}

fn is_int_or_string_branch(v: &Value, ty: &str) -> bool {
    v.as_object()
        .is_some_and(|m| m.len() == 1 && m.get("type").and_then(Value::as_str) == Some(ty))
}

fn is_int_or_string_pair(any_of: Option<&Value>) -> bool {
    match any_of.and_then(Value::as_array).map(Vec::as_slice) {
        Some([a, b]) => is_int_or_string_branch(a, "integer") && is_int_or_string_branch(b, "string"),
        _ => false,
    }
}

fn is_int_or_string_any_of(s: Node<'_>) -> bool {
    is_int_or_string_pair(s.get("anyOf"))
}

fn is_int_or_string_all_of(s: Node<'_>) -> bool {
    s.get("allOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .is_some_and(|first| is_int_or_string_pair(first.get("anyOf")))
}

/// `validateValueValidation`: junctors and `pattern`.
fn value_validation(
    s: Node<'_>,
    skip_any_of: bool,
    skip_first_all_of_any_of: bool,
    path: &str,
    out: &mut Vec<Cause>,
) {
    if !skip_any_of {
        for (i, b) in s.junctor("anyOf").into_iter().enumerate() {
            nested(b, false, &index(&child(path, "anyOf"), i), out);
        }
    }
    for (i, b) in s.junctor("allOf").into_iter().enumerate() {
        nested(
            b,
            skip_first_all_of_any_of && i == 0,
            &index(&child(path, "allOf"), i),
            out,
        );
    }
    for (i, b) in s.junctor("oneOf").into_iter().enumerate() {
        nested(b, false, &index(&child(path, "oneOf"), i), out);
    }
    if let Some(not) = s.not() {
        nested(not, false, &child(path, "not"), out);
    }
    let pattern = s.str("pattern");
    if !pattern.is_empty()
        && let Err(e) = regex::Regex::new(pattern)
    {
        let detail = format!(
            "must be a valid regular expression, but isn't: error parsing regexp: {}",
            first_line(&e)
        );
        out.push(gofmt::invalid_str(&child(path, "pattern"), pattern, &detail));
    }
}

fn first_line(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rfind(|l| l.starts_with("error:"))
        .map_or(text.clone(), |l| l.trim_start_matches("error: ").to_string())
}

/// Keywords forbidden inside junctors, with their message.
const NESTED_FORBIDDEN: &[(&str, &str)] = &[
    ("type", "must be empty to be structural"),
    ("default", "must be undefined to be structural"),
    ("title", "must be empty to be structural"),
    ("description", "must be empty to be structural"),
    ("nullable", "must be false to be structural"),
    ("externalDocs", "must be undefined to be structural"),
    (
        "x-kubernetes-preserve-unknown-fields",
        "must be false to be structural",
    ),
    ("x-kubernetes-embedded-resource", "must be false to be structural"),
    ("x-kubernetes-int-or-string", "must be false to be structural"),
    ("x-kubernetes-list-map-keys", "must be empty to be structural"),
    ("x-kubernetes-list-type", "must be undefined to be structural"),
    ("x-kubernetes-map-type", "must be undefined to be structural"),
    ("x-kubernetes-validations", "must be empty to be structural"),
];

/// `validateNestedValueValidation`.
fn nested(v: Node<'_>, skip_any_of: bool, path: &str, out: &mut Vec<Cause>) {
    value_validation(v, skip_any_of, false, path, out);
    if let Some(items) = v.items() {
        nested(items, false, &child(path, "items"), out);
    }
    for (k, p) in v.properties().into_iter().flatten() {
        if p.is_object() {
            nested(Node(p), false, &key(&child(path, "properties"), k), out);
        }
    }
    if v.additional().is_set() {
        out.push(gofmt::forbidden(
            &child(path, "additionalProperties"),
            "must be undefined to be structural",
        ));
    }
    for (keyword, message) in NESTED_FORBIDDEN {
        let set = match *keyword {
            "default" => v.default().is_some(),
            _ => v.get(keyword).is_some_and(is_set),
        };
        if set {
            out.push(gofmt::forbidden(&child(path, keyword), message));
        }
    }
    if v.property("metadata").is_some() {
        out.push(gofmt::forbidden(
            &key(&child(path, "properties"), "metadata"),
            "must not be specified in a nested context",
        ));
    }
}

/// `validateStructuralCompleteness`: what the root's junctors specify must
/// be on the structural spine.
fn completeness(s: Node<'_>, path: &str, out: &mut Vec<Cause>) {
    junctor_completeness(s, Some(s), path, path, out);
}

fn junctor_completeness(v: Node<'_>, s: Option<Node<'_>>, s_path: &str, v_path: &str, out: &mut Vec<Cause>) {
    if let Some(not) = v.not() {
        nested_completeness(not, s, s_path, &child(v_path, "not"), out);
    }
    for junctor in ["allOf", "anyOf", "oneOf"] {
        for (i, b) in v.junctor(junctor).into_iter().enumerate() {
            nested_completeness(b, s, s_path, &index(&child(v_path, junctor), i), out);
        }
    }
}

fn nested_completeness(v: Node<'_>, s: Option<Node<'_>>, s_path: &str, v_path: &str, out: &mut Vec<Cause>) {
    let Some(s) = s else {
        out.push(gofmt::required(
            s_path,
            &format!("because it is defined in {v_path}"),
        ));
        return;
    };
    junctor_completeness(v, Some(s), s_path, v_path, out);
    if let Some(items) = v.items() {
        nested_completeness(
            items,
            s.items(),
            &child(s_path, "items"),
            &child(v_path, "items"),
            out,
        );
    }
    for (k, p) in v.properties().into_iter().flatten() {
        let vp = key(&child(v_path, "properties"), k);
        let sp = key(&child(s_path, "properties"), k);
        match s.property(k) {
            Some(sf) => nested_completeness(Node(p), Some(sf), &sp, &vp, out),
            None => out.push(gofmt::required(&sp, &format!("because it is defined in {vp}"))),
        }
    }
}
