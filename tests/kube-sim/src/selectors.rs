//! Label and field selectors, as list and watch requests carry them
//! (`labelSelector=app=web,tier in (a,b),!canary`,
//! `fieldSelector=metadata.name=web,type!=Opaque`).

use serde_json::Value;

use crate::registry::ResourceType;
use crate::status::{ApiError, ApiResult};

/// One requirement of a label selector.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed label selector; empty matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector(Vec<Requirement>);

impl LabelSelector {
    /// Parses the `labelSelector` query parameter syntax.
    pub fn parse(s: &str) -> ApiResult<Self> {
        let mut requirements = Vec::new();
        for term in split_terms(s) {
            let term = term.trim();
            if term.is_empty() {
                continue;
            }
            requirements.push(parse_requirement(term).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "unable to parse requirement: found '{term}', expected: label selector syntax"
                ))
            })?);
        }
        Ok(Self(requirements))
    }

    /// Whether `object`'s labels satisfy every requirement.
    pub fn matches(&self, object: &Value) -> bool {
        let labels = &object["metadata"]["labels"];
        let get = |k: &str| labels.get(k).and_then(Value::as_str);
        self.0.iter().all(|r| match r {
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|l| vs.iter().any(|v| v == l)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|l| !vs.iter().any(|v| v == l)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
        })
    }
}

/// Splits on commas outside parentheses.
fn split_terms(s: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&s[start..]);
    terms
}

fn valid_key(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

fn parse_requirement(term: &str) -> Option<Requirement> {
    if let Some(key) = term.strip_prefix('!') {
        return valid_key(key.trim()).then(|| Requirement::NotExists(key.trim().to_string()));
    }
    for (op, build) in [(" notin ", false), (" in ", true)] {
        if let Some((key, values)) = term.split_once(op) {
            let values = values.trim().strip_prefix('(')?.strip_suffix(')')?;
            let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
            let key = key.trim().to_string();
            if !valid_key(&key) {
                return None;
            }
            return Some(if build {
                Requirement::In(key, values)
            } else {
                Requirement::NotIn(key, values)
            });
        }
    }
    for (op, negate) in [("!=", true), ("==", false), ("=", false)] {
        if let Some((key, value)) = term.split_once(op) {
            let (key, value) = (key.trim().to_string(), value.trim().to_string());
            if !valid_key(&key) {
                return None;
            }
            return Some(if negate {
                Requirement::NotEquals(key, value)
            } else {
                Requirement::Equals(key, value)
            });
        }
    }
    valid_key(term).then(|| Requirement::Exists(term.to_string()))
}

/// A parsed field selector: `field=value` / `field==value` / `field!=value`
/// terms, on the fields the resource supports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    /// Parses a `fieldSelector` for `rt`, refusing fields it does not
    /// support with the real server's message.
    pub fn parse(s: &str, rt: &ResourceType) -> ApiResult<Self> {
        let mut terms = Vec::new();
        for term in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (field, negate, value) = if let Some((f, v)) = term.split_once("!=") {
                (f, true, v)
            } else if let Some((f, v)) = term.split_once("==") {
                (f, false, v)
            } else if let Some((f, v)) = term.split_once('=') {
                (f, false, v)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: '{s}'; can't understand '{term}'"
                )));
            };
            let field = field.trim();
            if !supported(rt, field) {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {field}"
                )));
            }
            terms.push((field.to_string(), negate, value.trim().to_string()));
        }
        Ok(Self(terms))
    }

    /// Whether `object` satisfies every term.
    pub fn matches(&self, object: &Value) -> bool {
        self.0.iter().all(|(field, negate, value)| {
            let actual = field_value(object, field);
            (actual.as_deref() == Some(value.as_str()) || (actual.is_none() && value.is_empty())) != *negate
        })
    }
}

fn supported(rt: &ResourceType, field: &str) -> bool {
    if matches!(field, "metadata.name" | "metadata.namespace") {
        return true;
    }
    let custom = rt
        .selectable_fields
        .iter()
        .any(|f| f.trim_start_matches('.') == field);
    custom
        || match (rt.group.as_str(), rt.plural.as_str()) {
            ("", "secrets") => field == "type",
            ("", "events") | ("events.k8s.io", "events") => {
                field.starts_with("involvedObject.")
                    || field.starts_with("regarding.")
                    || matches!(
                        field,
                        "reason" | "type" | "source" | "reportingComponent" | "reportingController"
                    )
            }
            ("", "pods") => matches!(
                field,
                "spec.nodeName" | "status.phase" | "spec.serviceAccountName" | "status.podIP"
            ),
            ("", "namespaces") => field == "status.phase",
            _ => false,
        }
}

fn field_value(object: &Value, field: &str) -> Option<String> {
    let mut node = object;
    for part in field.split('.') {
        node = node.get(part)?;
    }
    match node {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn labelled(labels: Value) -> Value {
        json!({"metadata": {"name": "a", "labels": labels}})
    }

    #[test]
    fn label_selector_operators() {
        let o = labelled(json!({"app": "web", "tier": "front"}));
        for (selector, want) in [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("tier in (front,back)", true),
            ("tier notin (front)", false),
            ("app", true),
            ("!canary", true),
            ("!app", false),
            ("app=web,tier in (back)", false),
            ("", true),
        ] {
            assert_eq!(
                LabelSelector::parse(selector).unwrap().matches(&o),
                want,
                "{selector}"
            );
        }
    }

    #[test]
    fn bad_label_selectors_are_refused() {
        assert_eq!(LabelSelector::parse("a b").unwrap_err().code, 400);
    }

    #[test]
    fn field_selectors_on_secrets_and_events() {
        let types = crate::builtin::types();
        let secrets = types.iter().find(|t| t.plural == "secrets").unwrap();
        let events = types
            .iter()
            .find(|t| t.plural == "events" && t.group.is_empty())
            .unwrap();
        let secret = json!({"metadata": {"name": "s", "namespace": "d"}, "type": "kubernetes.io/tls"});
        assert!(
            FieldSelector::parse("type=kubernetes.io/tls", secrets)
                .unwrap()
                .matches(&secret)
        );
        assert!(
            !FieldSelector::parse("type!=kubernetes.io/tls", secrets)
                .unwrap()
                .matches(&secret)
        );
        let event = json!({"metadata": {"name": "e"}, "involvedObject": {"name": "web", "kind": "Certificate", "uid": "u"}});
        let sel = FieldSelector::parse(
            "involvedObject.kind=Certificate,involvedObject.uid=u,involvedObject.name=web",
            events,
        )
        .unwrap();
        assert!(sel.matches(&event));
        assert_eq!(
            FieldSelector::parse("spec.foo=x", secrets).unwrap_err().message,
            "field label not supported: spec.foo"
        );
    }
}
