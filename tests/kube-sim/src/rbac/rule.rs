//! One `PolicyRule` of a Role or ClusterRole and whether it allows a
//! request, as kube-apiserver's `RuleAllows`
//! (plugin/pkg/auth/authorizer/rbac/rbac.go) with the matchers of
//! pkg/apis/rbac/v1/evaluation_helpers.go: `*` matches every verb, group,
//! resource (subresources included) and URL; `*/status` matches the
//! `status` subresource of any resource; `resourceNames` restricts every
//! verb, so a rule with names never allows a request without one (list,
//! watch, create, deletecollection); a non-resource URL ending in `*`
//! matches by prefix.

use serde_json::{Map, Value, json};

use super::Attributes;

/// A rule, its lists as strings (a missing or malformed list is empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PolicyRule {
    pub(crate) verbs: Vec<String>,
    pub(crate) api_groups: Vec<String>,
    pub(crate) resources: Vec<String>,
    pub(crate) resource_names: Vec<String>,
    pub(crate) non_resource_urls: Vec<String>,
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl PolicyRule {
    /// A resource rule (the bootstrap policy's `NewRule(verbs).Groups(..).Resources(..)`).
    pub(crate) fn resources(verbs: &[&str], groups: &[&str], resources: &[&str]) -> Self {
        Self {
            verbs: owned(verbs),
            api_groups: owned(groups),
            resources: owned(resources),
            ..Self::default()
        }
    }

    /// A non-resource rule (`NewRule(verbs).URLs(..)`).
    pub(crate) fn urls(verbs: &[&str], urls: &[&str]) -> Self {
        Self {
            verbs: owned(verbs),
            non_resource_urls: owned(urls),
            ..Self::default()
        }
    }

    /// Parses one element of `rules`.
    pub(crate) fn from_json(rule: &Value) -> Self {
        Self {
            verbs: strings(&rule["verbs"]),
            api_groups: strings(&rule["apiGroups"]),
            resources: strings(&rule["resources"]),
            resource_names: strings(&rule["resourceNames"]),
            non_resource_urls: strings(&rule["nonResourceURLs"]),
        }
    }

    /// The `rules` of a Role or ClusterRole object.
    pub(crate) fn all_of(object: &Value) -> Vec<Self> {
        object["rules"]
            .as_array()
            .map(|rules| rules.iter().map(Self::from_json).collect())
            .unwrap_or_default()
    }

    /// The rule as a `PolicyRule` object (empty lists omitted, as the real
    /// server's `omitempty`; `verbs` always present).
    pub(crate) fn to_json(&self) -> Value {
        let mut out = Map::new();
        let mut put = |key: &str, items: &[String]| {
            if !items.is_empty() {
                out.insert(key.to_string(), json!(items));
            }
        };
        put("apiGroups", &self.api_groups);
        put("resources", &self.resources);
        put("resourceNames", &self.resource_names);
        put("nonResourceURLs", &self.non_resource_urls);
        out.insert("verbs".to_string(), json!(self.verbs));
        Value::Object(out)
    }

    /// Whether this rule allows the request (`RuleAllows`).
    pub(crate) fn allows(&self, attrs: &Attributes) -> bool {
        if !self.verb_matches(&attrs.verb) {
            return false;
        }
        match &attrs.path {
            Some(path) => self.url_matches(path),
            None => {
                self.group_matches(&attrs.group)
                    && self.resource_matches(&attrs.resource, &attrs.subresource)
                    && self.name_matches(&attrs.name)
            }
        }
    }

    fn verb_matches(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == "*" || v == verb)
    }

    fn group_matches(&self, group: &str) -> bool {
        self.api_groups.iter().any(|g| g == "*" || g == group)
    }

    fn resource_matches(&self, resource: &str, subresource: &str) -> bool {
        let combined = if subresource.is_empty() {
            resource.to_string()
        } else {
            format!("{resource}/{subresource}")
        };
        self.resources.iter().any(|r| {
            r == "*"
                || *r == combined
                || (!subresource.is_empty() && r.strip_prefix("*/").is_some_and(|s| s == subresource))
        })
    }

    fn name_matches(&self, name: &str) -> bool {
        self.resource_names.is_empty() || self.resource_names.iter().any(|n| n == name)
    }

    fn url_matches(&self, path: &str) -> bool {
        self.non_resource_urls
            .iter()
            .any(|u| u == "*" || u == path || (u.ends_with('*') && path.starts_with(u.trim_end_matches('*'))))
    }
}
