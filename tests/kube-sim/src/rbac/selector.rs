//! The structured `metav1.LabelSelector` of a ClusterRole's
//! `aggregationRule.clusterRoleSelectors` (`matchLabels` and
//! `matchExpressions` with `In`, `NotIn`, `Exists`, `DoesNotExist`), as
//! `metav1.LabelSelectorAsSelector` reads it: an empty selector matches
//! every ClusterRole, an invalid one (unknown operator, `In` without
//! values) matches none, as the aggregation controller then gives up.

use std::collections::BTreeMap;

use serde_json::{Value, json};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A parsed label selector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LabelSelector {
    requirements: Vec<Requirement>,
    invalid: bool,
}

impl LabelSelector {
    /// A selector of `matchLabels` only (the bootstrap policy's).
    pub(crate) fn labels(pairs: &[(&str, &str)]) -> Self {
        let requirements = pairs
            .iter()
            .map(|(k, v)| Requirement::In(k.to_string(), vec![v.to_string()]))
            .collect();
        Self {
            requirements,
            invalid: false,
        }
    }

    /// Parses a `LabelSelector` object.
    pub(crate) fn from_json(selector: &Value) -> Self {
        let mut out = Self::default();
        if let Some(labels) = selector["matchLabels"].as_object() {
            for (key, value) in labels {
                match value.as_str() {
                    Some(v) => out
                        .requirements
                        .push(Requirement::In(key.clone(), vec![v.to_string()])),
                    None => out.invalid = true,
                }
            }
        }
        for expression in selector["matchExpressions"].as_array().into_iter().flatten() {
            let key = expression["key"].as_str().unwrap_or_default().to_string();
            let values: Vec<String> = expression["values"]
                .as_array()
                .map(|v| v.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            let requirement = match expression["operator"].as_str() {
                Some("In") if !values.is_empty() => Requirement::In(key, values),
                Some("NotIn") if !values.is_empty() => Requirement::NotIn(key, values),
                Some("Exists") if values.is_empty() => Requirement::Exists(key),
                Some("DoesNotExist") if values.is_empty() => Requirement::DoesNotExist(key),
                _ => {
                    out.invalid = true;
                    continue;
                }
            };
            out.requirements.push(requirement);
        }
        out
    }

    /// The selector as an object: single-value `In` requirements as
    /// `matchLabels`, the others as `matchExpressions`.
    pub(crate) fn to_json(&self) -> Value {
        let mut labels = serde_json::Map::new();
        let mut expressions = Vec::new();
        for r in &self.requirements {
            let (key, operator, values) = match r {
                Requirement::In(k, vs) if vs.len() == 1 => {
                    labels.insert(k.clone(), json!(vs[0]));
                    continue;
                }
                Requirement::In(k, vs) => (k, "In", Some(vs)),
                Requirement::NotIn(k, vs) => (k, "NotIn", Some(vs)),
                Requirement::Exists(k) => (k, "Exists", None),
                Requirement::DoesNotExist(k) => (k, "DoesNotExist", None),
            };
            let mut e = json!({"key": key, "operator": operator});
            if let Some(values) = values {
                e["values"] = json!(values);
            }
            expressions.push(e);
        }
        let mut out = json!({});
        if !labels.is_empty() {
            out["matchLabels"] = Value::Object(labels);
        }
        if !expressions.is_empty() {
            out["matchExpressions"] = Value::Array(expressions);
        }
        out
    }

    /// Whether `labels` satisfy every requirement.
    pub(crate) fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        !self.invalid
            && self.requirements.iter().all(|r| match r {
                Requirement::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
                Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|l| !vs.contains(l)),
                Requirement::Exists(k) => labels.contains_key(k),
                Requirement::DoesNotExist(k) => !labels.contains_key(k),
            })
    }
}
