//! Evaluation of the `x-kubernetes-validations` rules of a custom object,
//! walking the object as the server's `cel.Validator` does: rules of a node
//! run on its non-null value, transition rules only where an old value
//! correlates (object fields of granular or atomic maps, items of
//! `x-kubernetes-list-type: map` lists by their keys), failures of
//! unchanged nodes become warnings (ratcheting). Each rule is evaluated by
//! kube-cel on a copy of its node's schema carrying that rule alone, so that
//! the walk, the correlation and the error wording stay the server's.

use std::collections::HashMap;
use std::error::Error as _;

use kube::core::cel::{self as kcel, ErrorKind, ValidationError};
use serde_json::{Value, json};

use super::gofmt;
use super::node::{Node, child, index, json_eq, key};
use crate::status::Cause;

/// What the rules said: errors, and the warnings of ratcheted failures.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    /// One cause per failed rule.
    pub(super) errors: Vec<Cause>,
    /// `field: message` of failures on unchanged fields.
    pub(super) warnings: Vec<String>,
}

/// Evaluates every rule of `schema` on `object` (`old` on update).
pub(super) fn validate(schema: &Value, object: &Value, old: Option<&Value>) -> Outcome {
    let mut walker = Walker {
        outcome: Outcome::default(),
        stripped: HashMap::new(),
    };
    // On create nothing correlates; on update the root correlates with old.
    walker.walk(
        Node(schema),
        object,
        old,
        "",
        Ratchet {
            current: old,
            parent_equal: None,
        },
    );
    walker.outcome
}

/// Whether the schema has rules anywhere on its structural spine
/// (`hasXValidations`): without any, the server has no CEL validator.
pub(super) fn has_rules(schema: &Value) -> bool {
    let s = Node(schema);
    !s.rules().is_empty()
        || s.items().is_some_and(|i| has_rules(i.0))
        || s.additional().schema().is_some_and(|a| has_rules(a.0))
        || s.properties().is_some_and(|p| p.values().any(has_rules))
}

/// The correlation state used to ratchet (`ratchetingOptions`).
#[derive(Clone, Copy)]
struct Ratchet<'o> {
    /// The old value of this node, when it correlates.
    current: Option<&'o Value>,
    /// Whether the nearest correlatable ancestor is unchanged.
    parent_equal: Option<bool>,
}

impl<'o> Ratchet<'o> {
    fn should_ratchet(self, value: &Value) -> bool {
        match self.current {
            Some(old) => json_eq(old, value),
            None => self.parent_equal.unwrap_or(false),
        }
    }

    fn descend(self, value: &Value, child_old: Option<&'o Value>) -> Ratchet<'o> {
        match self.current {
            None => self,
            Some(old) => Ratchet {
                current: child_old,
                parent_equal: Some(json_eq(old, value)),
            },
        }
    }
}

struct Walker {
    outcome: Outcome,
    /// Node schemas without the rules of their descendants, by address.
    stripped: HashMap<usize, Value>,
}

impl Walker {
    fn walk(&mut self, s: Node<'_>, value: &Value, old: Option<&Value>, path: &str, ratchet: Ratchet<'_>) {
        if value.is_null() {
            return;
        }
        if !s.rules().is_empty() {
            self.rules(s, value, old, path, ratchet);
        }
        match value {
            Value::Array(items) => {
                let Some(item_schema) = s.items() else { return };
                let old_items = old.and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
                let map_list = s.list_type() == Some("map");
                for (i, item) in items.iter().enumerate() {
                    let old_item = if map_list {
                        super::validate::correlate_item(s, item, old_items)
                    } else {
                        None
                    };
                    let r = ratchet.descend(value, old_item);
                    self.walk(item_schema, item, old_item, &index(path, i), r);
                }
            }
            Value::Object(map) => {
                let correlatable = matches!(s.map_type(), None | Some("granular" | "atomic"));
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let old_of = |k: &str| {
                    if correlatable {
                        old.and_then(|o| o.get(k))
                    } else {
                        None
                    }
                };
                if let Some(add) = s.additional().schema() {
                    for k in &keys {
                        let r = ratchet.descend(value, ratchet.current.and_then(|o| o.get(k.as_str())));
                        self.walk(add, &map[k.as_str()], old_of(k), &key(path, k), r);
                    }
                }
                for k in &keys {
                    if let Some(prop) = s.property(k) {
                        let r = ratchet.descend(value, ratchet.current.and_then(|o| o.get(k.as_str())));
                        self.walk(prop, &map[k.as_str()], old_of(k), &child(path, k), r);
                    }
                }
            }
            _ => {}
        }
    }

    fn rules(&mut self, s: Node<'_>, value: &Value, old: Option<&Value>, path: &str, ratchet: Ratchet<'_>) {
        let address = s.0 as *const Value as usize;
        let stripped = self
            .stripped
            .entry(address)
            .or_insert_with(|| strip_nested_rules(s.0))
            .clone();
        let ty = s.type_();
        for rule in s.rules() {
            let text = rule.get("rule").and_then(Value::as_str).unwrap_or("");
            let uses_old_self =
                super::celcheck::parse(text).is_ok_and(|p| p.references().has_variable("oldSelf"));
            let optional_old_self = rule
                .get("optionalOldSelf")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if uses_old_self && old.is_none() && !optional_old_self {
                continue;
            }
            let mut single = stripped.clone();
            single["x-kubernetes-validations"] = json!([rule]);
            let old = if uses_old_self { old } else { None };
            // kube-cel and the cel crate run on request input: a panic in
            // them must refuse the object, not take the server down.
            let evaluated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                kcel::validate_compiled(&kcel::compile_schema(&single), value, old)
            }));
            let errors = match evaluated {
                Ok(Ok(())) => continue,
                Ok(Err(errors)) => errors,
                Err(_) => {
                    let detail = format!("internal error evaluating rule: {}", rule_error_string(rule));
                    let node_path = if path.is_empty() { "<nil>" } else { path };
                    self.outcome
                        .errors
                        .push(gofmt::invalid(node_path, &Value::String(ty.into()), &detail));
                    continue;
                }
            };
            for error in errors.iter() {
                let cause = cause(error, rule, value, ty, path);
                if !uses_old_self
                    && error.kind == ErrorKind::ValidationFailure
                    && ratchet.should_ratchet(value)
                {
                    self.outcome.warnings.push(cause.text());
                } else {
                    self.outcome.errors.push(cause);
                }
            }
        }
    }
}

/// A copy of a node's schema where the descendants carry no rules.
fn strip_nested_rules(schema: &Value) -> Value {
    fn strip(v: &mut Value) {
        let Value::Object(map) = v else { return };
        map.remove("x-kubernetes-validations");
        children(map);
    }
    fn children(map: &mut serde_json::Map<String, Value>) {
        for (k, child) in map.iter_mut() {
            match k.as_str() {
                "properties" => {
                    if let Value::Object(props) = child {
                        props.values_mut().for_each(strip);
                    }
                }
                "items" | "additionalProperties" | "not" => strip(child),
                "allOf" | "anyOf" | "oneOf" => {
                    if let Value::Array(branches) = child {
                        branches.iter_mut().for_each(strip);
                    }
                }
                _ => {}
            }
        }
    }
    let mut copy = schema.clone();
    if let Value::Object(map) = &mut copy {
        children(map);
    }
    copy
}

/// `ruleMessageOrDefault`.
fn message_or_default(rule: &Value) -> String {
    let message = rule.get("message").and_then(Value::as_str).unwrap_or("").trim();
    if message.is_empty() {
        format!("failed rule: {}", rule_error_string(rule))
    } else {
        message.to_string()
    }
}

/// `ruleErrorString`: the message, else the rule.
fn rule_error_string(rule: &Value) -> String {
    let message = rule.get("message").and_then(Value::as_str).unwrap_or("").trim();
    if message.is_empty() {
        rule.get("rule")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    } else {
        message.to_string()
    }
}

/// The cause of one kube-cel error, as the server words a failed rule (at
/// the rule's `fieldPath`, with its `reason`) or a rule that could not run.
fn cause(error: &ValidationError, rule: &Value, value: &Value, ty: &str, path: &str) -> Cause {
    let node_path = if path.is_empty() { "<nil>" } else { path };
    let ty_value = Value::String(ty.to_string());
    match error.kind {
        ErrorKind::ValidationFailure => {
            let detail = failure_message(error, rule);
            let field = match rule
                .get("fieldPath")
                .and_then(Value::as_str)
                .filter(|f| !f.trim().is_empty())
            {
                Some(fp) => child(path, &normalize_field_path(fp)),
                None => node_path.to_string(),
            };
            let omit = ty == "object" || ty == "array";
            match rule.get("reason").and_then(Value::as_str) {
                Some("FieldValueForbidden") => gofmt::forbidden(&field, &detail),
                Some("FieldValueRequired") => gofmt::required(&field, &detail),
                Some("FieldValueDuplicate") if omit => {
                    Cause::new("FieldValueDuplicate", field, "Duplicate value".to_string())
                }
                Some("FieldValueDuplicate") => gofmt::duplicate(&field, value),
                _ if omit => gofmt::invalid_omit(&field, &detail),
                _ => gofmt::invalid(&field, value, &detail),
            }
        }
        ErrorKind::EvaluationError => {
            let source = error
                .source()
                .and_then(|s| s.downcast_ref::<kcel::cel::ExecutionError>());
            let detail = match source {
                Some(kcel::cel::ExecutionError::NoSuchOverload) => format!(
                    "'no such overload': call arguments did not match a supported operator, function or macro \
                     signature for rule: {}",
                    rule_error_string(rule)
                ),
                Some(e) => format!("{} evaluating rule: {}", go_error(e), rule_error_string(rule)),
                None => format!("{} evaluating rule: {}", error.message, rule_error_string(rule)),
            };
            gofmt::invalid(node_path, &ty_value, &detail)
        }
        ErrorKind::CompilationFailure | ErrorKind::InvalidRule => gofmt::invalid(
            node_path,
            &ty_value,
            &format!("rule compile error: {}", error.message),
        ),
        _ => gofmt::invalid(node_path, &ty_value, &error.message),
    }
}

/// The detail of a failed rule: its `messageExpression` when it gave a
/// usable string, else its message, else `failed rule: <rule>`.
fn failure_message(error: &ValidationError, rule: &Value) -> String {
    let has_expression = rule
        .get("messageExpression")
        .and_then(Value::as_str)
        .is_some_and(|e| !e.trim().is_empty());
    let plain = rule.get("message").and_then(Value::as_str).map(str::to_string);
    let kube_cel_fallback = plain
        .clone()
        .unwrap_or_else(|| format!("failed rule: {}", error.rule));
    let trimmed = error.message.trim();
    if has_expression && !trimmed.is_empty() && !trimmed.contains('\n') && error.message != kube_cel_fallback
    {
        trimmed.to_string()
    } else {
        message_or_default(rule)
    }
}

/// cel-go's wording of the common runtime errors.
fn go_error(e: &kcel::cel::ExecutionError) -> String {
    use kcel::cel::ExecutionError as E;
    match e {
        E::NoSuchKey(k) => format!("no such key: {k}"),
        E::DivisionByZero(_) => "division by zero".into(),
        E::RemainderByZero(_) => "modulus by zero".into(),
        E::Overflow(..) => "integer overflow".into(),
        E::IndexOutOfBounds(kcel::cel::Value::Int(i)) => format!("index out of bounds: {i}"),
        E::IndexOutOfBounds(v) => format!("index out of bounds: {v:?}"),
        other => other.to_string(),
    }
}

/// `ValidFieldPath(...).String()`: `.a.b` → `a.b`, `['a.b']` → `a.b` for a
/// property (map keys keep brackets: `[key]`).
fn normalize_field_path(field_path: &str) -> String {
    let mut out = String::new();
    let mut rest = field_path.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("['") {
            let end = r.find("']").unwrap_or(r.len());
            let name = &r[..end];
            if out.is_empty() {
                out.push_str(name)
            } else {
                out = child(&out, name)
            }
            rest = r.get(end + 2..).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out = child(&out, &r[..end]);
            rest = &r[end..];
        } else {
            out = child(&out, rest);
            break;
        }
    }
    out
}
