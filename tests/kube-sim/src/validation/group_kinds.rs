//! Validation of the other groups kube-sim serves: Leases
//! (`pkg/apis/coordination/validation`), Deployments and DaemonSets (the
//! selector and template rules of `pkg/apis/apps/validation`), and RBAC
//! roles and bindings (`pkg/apis/rbac/validation`).

use serde_json::{Map, Value};

use super::gofmt::{quote, string_map};
use super::meta::{MetaRules, labels, object_meta};
use super::names::{dns1123_label, name_is_dns_subdomain, path_segment_name, qualified_name};
use super::{forbidden, invalid, not_supported, required};
use crate::status::Cause;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// `ValidateLease`.
pub(super) fn lease(object: &Value, rules: MetaRules) -> Vec<Cause> {
    let mut causes = object_meta(object, rules);
    let spec = &object["spec"];
    if let Some(seconds) = spec.get("leaseDurationSeconds").and_then(Value::as_i64)
        && seconds <= 0
    {
        causes.push(invalid(
            "spec.leaseDurationSeconds",
            &seconds.to_string(),
            "must be greater than 0",
        ));
    }
    if let Some(transitions) = spec.get("leaseTransitions").and_then(Value::as_i64)
        && transitions < 0
    {
        causes.push(invalid(
            "spec.leaseTransitions",
            &transitions.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    let strategy = str_of(spec, "strategy");
    if spec.get("strategy").is_some_and(Value::is_string) {
        // The real code appends `strategy` to a path that already ends in it.
        let field = "spec.strategy.strategy";
        if !strategy.contains('/') {
            if strategy != "OldestEmulationVersion" {
                causes.push(not_supported(
                    field,
                    &quote(strategy),
                    &["OldestEmulationVersion"],
                ));
            }
        } else {
            causes.extend(
                qualified_name(strategy)
                    .into_iter()
                    .map(|m| invalid(field, &quote(strategy), &m)),
            );
        }
    }
    if !str_of(spec, "preferredHolder").is_empty() && strategy.is_empty() {
        causes.push(forbidden(
            "spec.preferredHolder",
            "may only be specified if `strategy` is defined",
        ));
    }
    causes
}

/// Whether `labels` satisfy a label selector (`None` for an operator the
/// API server cannot parse).
fn selector_matches(selector: &Value, labels: Option<&Map<String, Value>>) -> Option<bool> {
    let get = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
    let by_labels = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .all(|(k, v)| get(k) == v.as_str());
    let mut matches = by_labels;
    for expr in list(selector, "matchExpressions") {
        let value = get(str_of(expr, "key"));
        let values: Vec<&str> = list(expr, "values").iter().filter_map(Value::as_str).collect();
        matches &= match str_of(expr, "operator") {
            "In" => value.is_some_and(|v| values.contains(&v)),
            "NotIn" => value.is_none_or(|v| !values.contains(&v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => return None,
        };
    }
    Some(matches)
}

/// Go's `%#v` of a dereferenced `metav1.LabelSelector`.
fn selector_repr(selector: &Value) -> String {
    let labels = string_map(selector.get("matchLabels").and_then(Value::as_object));
    let expressions = if selector.get("matchExpressions").is_some_and(Value::is_array) {
        "[]v1.LabelSelectorRequirement{}"
    } else {
        "[]v1.LabelSelectorRequirement(nil)"
    };
    format!("v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{expressions}}}")
}

/// The selector and pod template rules of `ValidateDeploymentSpec` and
/// `ValidateDaemonSetSpec`.
pub(super) fn workload(object: &Value, kind: &str, rules: MetaRules) -> Vec<Cause> {
    let mut causes = object_meta(object, rules);
    let spec = &object["spec"];
    if kind == "Deployment"
        && let Some(replicas) = spec.get("replicas").and_then(Value::as_i64)
        && replicas < 0
    {
        causes.push(invalid(
            "spec.replicas",
            &replicas.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    let selector = spec.get("selector").filter(|s| s.is_object());
    let template_labels = spec["template"]["metadata"]["labels"].as_object();
    let labels_mismatch = || {
        invalid(
            "spec.template.metadata.labels",
            &string_map(template_labels),
            "`selector` does not match template `labels`",
        )
    };
    match selector {
        None if kind == "Deployment" => causes.push(required("spec.selector", "")),
        None => causes.push(labels_mismatch()),
        Some(selector) => {
            causes.extend(labels(&selector["matchLabels"], "spec.selector.matchLabels"));
            let empty = selector
                .get("matchLabels")
                .and_then(Value::as_object)
                .is_none_or(Map::is_empty)
                && list(selector, "matchExpressions").is_empty();
            if empty {
                let detail = format!("empty selector is invalid for {}", kind.to_lowercase());
                causes.push(invalid("spec.selector", &selector_repr(selector), &detail));
            } else if selector_matches(selector, template_labels) == Some(false) {
                causes.push(labels_mismatch());
            }
        }
    }
    let pod_spec = &spec["template"]["spec"];
    let containers = list(pod_spec, "containers");
    if containers.is_empty() {
        causes.push(required("spec.template.spec.containers", ""));
    }
    for (i, container) in containers.iter().enumerate() {
        let field = format!("spec.template.spec.containers[{i}]");
        let name = str_of(container, "name");
        if name.is_empty() {
            causes.push(required(&format!("{field}.name"), ""));
        } else {
            causes.extend(
                dns1123_label(name)
                    .into_iter()
                    .map(|m| invalid(&format!("{field}.name"), &quote(name), &m)),
            );
        }
        if str_of(container, "image").is_empty() {
            causes.push(required(&format!("{field}.image"), ""));
        }
    }
    let restart = pod_spec
        .get("restartPolicy")
        .and_then(Value::as_str)
        .unwrap_or("Always");
    if restart != "Always" {
        causes.push(not_supported(
            "spec.template.spec.restartPolicy",
            &quote(restart),
            &["Always"],
        ));
    }
    causes
}

fn strings_repr(values: &[Value]) -> String {
    let quoted: Vec<String> = values.iter().filter_map(Value::as_str).map(quote).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

/// `ValidateRole` and `ValidateClusterRole`: every rule has verbs, and
/// either resources (with API groups) or non-resource URLs.
pub(super) fn role(object: &Value, namespaced: bool, rules: MetaRules) -> Vec<Cause> {
    let mut causes = object_meta(object, rules);
    for (i, rule) in list(object, "rules").iter().enumerate() {
        let field = format!("rules[{i}]");
        if list(rule, "verbs").is_empty() {
            causes.push(required(
                &format!("{field}.verbs"),
                "verbs must contain at least one value",
            ));
        }
        let urls = list(rule, "nonResourceURLs");
        if !urls.is_empty() {
            let path = format!("{field}.nonResourceURLs");
            if namespaced {
                causes.push(invalid(
                    &path,
                    &strings_repr(urls),
                    "namespaced rules cannot apply to non-resource URLs",
                ));
            }
            if ["apiGroups", "resources", "resourceNames"]
                .iter()
                .any(|k| !list(rule, k).is_empty())
            {
                causes.push(invalid(
                    &path,
                    &strings_repr(urls),
                    "rules cannot apply to both regular resources and non-resource URLs",
                ));
            }
            continue;
        }
        if list(rule, "apiGroups").is_empty() {
            causes.push(required(
                &format!("{field}.apiGroups"),
                "resource rules must supply at least one api group",
            ));
        }
        if list(rule, "resources").is_empty() {
            causes.push(required(
                &format!("{field}.resources"),
                "resource rules must supply at least one resource",
            ));
        }
        if !list(rule, "resourceNames").is_empty() && list(rule, "resources").len() > 1 {
            causes.push(required(
                &format!("{field}.resourceNames"),
                "resource names cannot apply to multiple resources",
            ));
        }
    }
    causes
}

fn subject(subject: &Value, namespaced: bool, field: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let (name, kind) = (str_of(subject, "name"), str_of(subject, "kind"));
    // The v1 defaults: users and groups belong to the RBAC group.
    let api_group = match (str_of(subject, "apiGroup"), kind) {
        ("", "User" | "Group") => RBAC_GROUP,
        (group, _) => group,
    };
    if name.is_empty() {
        causes.push(required(&format!("{field}.name"), ""));
    }
    match kind {
        "ServiceAccount" => {
            if !name.is_empty() {
                let errors = name_is_dns_subdomain(name, false);
                causes.extend(
                    errors
                        .into_iter()
                        .map(|m| invalid(&format!("{field}.name"), &quote(name), &m)),
                );
            }
            if !api_group.is_empty() {
                causes.push(not_supported(
                    &format!("{field}.apiGroup"),
                    &quote(api_group),
                    &[""],
                ));
            }
            if !namespaced && str_of(subject, "namespace").is_empty() {
                causes.push(required(&format!("{field}.namespace"), ""));
            }
        }
        "User" | "Group" => {
            if name.is_empty() {
                let detail = format!("{} name cannot be empty", kind.to_lowercase());
                causes.push(invalid(&format!("{field}.name"), &quote(""), &detail));
            }
            if api_group != RBAC_GROUP {
                causes.push(not_supported(
                    &format!("{field}.apiGroup"),
                    &quote(api_group),
                    &[RBAC_GROUP],
                ));
            }
        }
        other => causes.push(not_supported(
            &format!("{field}.kind"),
            &quote(other),
            &["ServiceAccount", "User", "Group"],
        )),
    }
    causes
}

/// `ValidateRoleBinding`/`ValidateClusterRoleBinding` and their updates
/// (`roleRef` cannot change).
pub(super) fn role_binding(
    object: &Value,
    old: Option<&Value>,
    namespaced: bool,
    rules: MetaRules,
) -> Vec<Cause> {
    let mut causes = object_meta(object, rules);
    let role_ref = &object["roleRef"];
    let api_group = str_of(role_ref, "apiGroup");
    if api_group != RBAC_GROUP {
        causes.push(not_supported(
            "roleRef.apiGroup",
            &quote(api_group),
            &[RBAC_GROUP],
        ));
    }
    let kinds: &[&str] = if namespaced {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    let kind = str_of(role_ref, "kind");
    if !kinds.contains(&kind) {
        causes.push(not_supported("roleRef.kind", &quote(kind), kinds));
    }
    let name = str_of(role_ref, "name");
    if name.is_empty() {
        causes.push(required("roleRef.name", ""));
    } else {
        causes.extend(
            path_segment_name(name)
                .into_iter()
                .map(|m| invalid("roleRef.name", &quote(name), &m)),
        );
    }
    for (i, s) in list(object, "subjects").iter().enumerate() {
        causes.extend(subject(s, namespaced, &format!("subjects[{i}]")));
    }
    if let Some(old) = old
        && old["roleRef"] != *role_ref
    {
        let repr = format!(
            "rbac.RoleRef{{APIGroup:{}, Kind:{}, Name:{}}}",
            quote(api_group),
            quote(kind),
            quote(name)
        );
        causes.push(invalid("roleRef", &repr, "cannot change roleRef"));
    }
    causes
}
