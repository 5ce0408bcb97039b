//! The `x-kubernetes-validations` entries of a schema node: their fields
//! (`rule`, `message`, `messageExpression`, `reason`, `fieldPath`), then,
//! when the schema is otherwise sound, their CEL.

use serde_json::Value;

use super::Walked;
use crate::schema::celcheck;
use crate::schema::gofmt::{self, quote};
use crate::schema::node::{Node, child, index};

const REASONS: &[&str] = &[
    "FieldValueDuplicate",
    "FieldValueForbidden",
    "FieldValueInvalid",
    "FieldValueRequired",
];

/// Go's `%#v` of an `apiextensions.ValidationRule`.
fn rule_value(rule: &Value) -> String {
    let text = |k: &str| quote(rule.get(k).and_then(Value::as_str).unwrap_or(""));
    let reason = match rule.get("reason").and_then(Value::as_str) {
        Some(_) => "(*apiextensions.FieldValueErrorReason)(0xc000000000)",
        None => "(*apiextensions.FieldValueErrorReason)(nil)",
    };
    let optional = match rule.get("optionalOldSelf").and_then(Value::as_bool) {
        Some(_) => "(*bool)(0xc000000000)",
        None => "(*bool)(nil)",
    };
    format!(
        "apiextensions.ValidationRule{{Rule:{}, Message:{}, MessageExpression:{}, Reason:{reason}, FieldPath:{}, OptionalOldSelf:{optional}}}",
        text("rule"),
        text("message"),
        text("messageExpression"),
        text("fieldPath"),
    )
}

fn has_newlines(s: &str) -> bool {
    s.contains(['\n', '\r'])
}

/// The `x-kubernetes-validations` entries of a node: their fields, then
/// (when the schema is otherwise sound) their CEL.
pub(super) fn check(
    s: Node<'_>,
    path: &str,
    uncorrelatable: Option<&str>,
    root: bool,
    cel: bool,
    w: &mut Walked,
) {
    let rules = s.rules();
    if rules.is_empty() {
        return;
    }
    for (i, rule) in rules.iter().enumerate() {
        let at = |f: &str| child(&index(&child(path, "x-kubernetes-validations"), i), f);
        let text = |k: &str| rule.get(k).and_then(Value::as_str).unwrap_or("");
        let (r, m, me, fp) = (
            text("rule"),
            text("message"),
            text("messageExpression"),
            text("fieldPath"),
        );
        if r.trim().is_empty() {
            w.schema
                .push(gofmt::required(&at("rule"), "rule is not specified"));
        } else if !m.is_empty() && m.trim().is_empty() {
            w.schema.push(gofmt::invalid_str(
                &at("message"),
                m,
                "message must be non-empty if specified",
            ));
        } else if has_newlines(m.trim()) {
            w.schema.push(gofmt::invalid_str(
                &at("message"),
                m,
                "message must not contain line breaks",
            ));
        } else if has_newlines(r.trim()) && m.trim().is_empty() {
            w.schema.push(gofmt::required(
                &at("message"),
                "message must be specified if rule contains line breaks",
            ));
        }
        if !me.is_empty() && me.trim().is_empty() {
            w.schema.push(gofmt::required(
                &at("messageExpression"),
                "messageExpression must be non-empty if specified",
            ));
        }
        if let Some(reason) = rule.get("reason").and_then(Value::as_str)
            && !REASONS.contains(&reason)
        {
            let valid: Vec<String> = REASONS.iter().map(|r| r.to_string()).collect();
            w.schema.push(gofmt::not_supported(
                &at("reason"),
                &Value::String(reason.into()),
                &valid,
            ));
        }
        if !fp.is_empty() && fp.trim().is_empty() {
            w.schema.push(gofmt::invalid_str(
                &at("fieldPath"),
                fp,
                "fieldPath must be non-empty if specified",
            ));
        }
        if has_newlines(fp) {
            w.schema.push(gofmt::invalid_str(
                &at("fieldPath"),
                fp,
                "fieldPath must not contain line breaks",
            ));
        }
        if !fp.is_empty() && !field_path_valid(s, fp) {
            w.schema.push(gofmt::invalid_str(
                &at("fieldPath"),
                fp,
                "fieldPath must be a valid path",
            ));
        }
    }
    if !w.schema.is_empty() || !cel {
        return;
    }
    for (i, rule) in rules.iter().enumerate() {
        let at = |f: &str| child(&index(&child(path, "x-kubernetes-validations"), i), f);
        let compiled = celcheck::compile(rule, s, root);
        if let Some(error) = &compiled.error {
            w.cel
                .push(gofmt::invalid_raw(&at("rule"), rule_value(rule), error));
        }
        if let Some(error) = &compiled.message_error {
            w.cel.push(gofmt::invalid_raw(
                &at("messageExpression"),
                rule_value(rule),
                error,
            ));
        }
        if compiled.error.is_none() {
            if compiled.uses_old_self {
                if let Some(uncorrelatable) = uncorrelatable {
                    let text = rule.get("rule").and_then(Value::as_str).unwrap_or("");
                    w.cel.push(gofmt::invalid_str(
                        &at("rule"),
                        text,
                        &format!("oldSelf cannot be used on the uncorrelatable portion of the schema within {uncorrelatable}"),
                    ));
                }
            } else if let Some(optional) = rule.get("optionalOldSelf").filter(|v| v.is_boolean()) {
                w.cel.push(gofmt::invalid(
                    &at("optionalOldSelf"),
                    optional,
                    "may not be set if oldSelf is not used in rule",
                ));
            }
        }
    }
}

/// `cel.ValidFieldPath`: `.a.b` or `['a']` steps through properties (and
/// keys of maps).
fn field_path_valid(s: Node<'_>, field_path: &str) -> bool {
    let mut node = s;
    let mut rest = field_path;
    while !rest.is_empty() {
        let (name, next) = if let Some(r) = rest.strip_prefix("['") {
            match r.find("']") {
                Some(end) => (&r[..end], &r[end + 2..]),
                None => return false,
            }
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            (&r[..end], &r[end..])
        } else {
            return false;
        };
        node = if node.properties().is_some() {
            match node.property(name) {
                Some(p) => p,
                None => return false,
            }
        } else if let Some(add) = node.additional().schema() {
            add
        } else {
            return false;
        };
        rest = next;
    }
    true
}
