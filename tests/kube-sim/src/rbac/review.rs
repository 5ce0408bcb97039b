//! The review endpoints: SelfSubjectAccessReview (`kubectl auth can-i`),
//! SubjectAccessReview (the same for a named user), SelfSubjectRulesReview
//! (`kubectl auth can-i --list`) and SelfSubjectReview (`kubectl auth
//! whoami`), answered as
//! kube-apiserver's pkg/registry/authorization and
//! pkg/registry/authentication REST storages do: the spec echoed back with
//! the decision in `status`, and `metadata.creationTimestamp: null` as the
//! Go server serialises an object that is never stored.

use serde_json::{Map, Value, json};

use super::policy::{Policy, aggregate};
use super::rule::PolicyRule;
use super::{Attributes, UserInfo, decide};
use crate::status::{ApiError, Cause};
use crate::store::State;

const RESOURCE_FIELDS: &[&str] = &[
    "namespace",
    "verb",
    "group",
    "version",
    "resource",
    "subresource",
    "name",
];
const NON_RESOURCE_FIELDS: &[&str] = &["path", "verb"];

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

/// Validates a SelfSubjectAccessReview or SubjectAccessReview (by its
/// `kind`) as the real server does before answering it
/// (`ValidateSubjectAccessReviewSpec`): exactly one of
/// `spec.resourceAttributes` and `spec.nonResourceAttributes`, and for a
/// SubjectAccessReview a `spec.user` or `spec.groups`.
pub fn check_review(review: &Value) -> Result<(), ApiError> {
    let spec = &review["spec"];
    let resource = spec["resourceAttributes"].as_object();
    let non_resource = spec["nonResourceAttributes"].as_object();
    let mut causes = Vec::new();
    match (resource, non_resource) {
        (Some(_), Some(nr)) => causes.push(Cause::new(
            "FieldValueInvalid",
            "spec.nonResourceAttributes",
            format!(
                "Invalid value: authorization.NonResourceAttributes{{Path:{}, Verb:{}}}: cannot be specified in \
                 combination with resourceAttributes",
                super::quote(nr.get("path").and_then(Value::as_str).unwrap_or_default()),
                super::quote(nr.get("verb").and_then(Value::as_str).unwrap_or_default()),
            ),
        )),
        (None, None) => causes.push(Cause::new(
            "FieldValueInvalid",
            "spec.resourceAttributes",
            "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified",
        )),
        _ => {}
    }
    let kind = review["kind"].as_str().unwrap_or("SelfSubjectAccessReview");
    let no_groups = spec["groups"].as_array().is_none_or(Vec::is_empty);
    if kind == "SubjectAccessReview" && text(spec, "user").is_empty() && no_groups {
        causes.push(Cause::new(
            "FieldValueInvalid",
            "spec.user",
            "Invalid value: \"\": at least one of user or group must be specified",
        ));
    }
    if causes.is_empty() {
        return Ok(());
    }
    let kind = if kind == "SubjectAccessReview" {
        kind
    } else {
        "SelfSubjectAccessReview"
    };
    Err(ApiError::invalid("authorization.k8s.io", kind, "", causes))
}

/// The attributes a SelfSubjectAccessReview asks about (`version` and the
/// selectors play no part in RBAC).
fn review_attributes(spec: &Value) -> Attributes {
    let ra = &spec["resourceAttributes"];
    if ra.is_object() {
        return Attributes {
            verb: text(ra, "verb"),
            group: text(ra, "group"),
            resource: text(ra, "resource"),
            subresource: text(ra, "subresource"),
            namespace: text(ra, "namespace"),
            name: text(ra, "name"),
            path: None,
        };
    }
    let nra = &spec["nonResourceAttributes"];
    Attributes {
        verb: text(nra, "verb"),
        path: Some(text(nra, "path")),
        ..Attributes::default()
    }
}

/// The known, non-empty string fields of an attributes object (the real
/// server drops unknown fields and omits empty ones).
fn known_fields(attrs: &Value, fields: &[&str], selectors: bool) -> Value {
    let mut out = Map::new();
    for field in fields {
        if let Some(v) = attrs[*field].as_str().filter(|v| !v.is_empty()) {
            out.insert(field.to_string(), json!(v));
        }
    }
    if selectors {
        for field in ["fieldSelector", "labelSelector"] {
            if let Some(v) = attrs.get(field).filter(|v| v.is_object()) {
                out.insert(field.to_string(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn api_version(review: &Value, group: &str) -> String {
    review["apiVersion"]
        .as_str()
        .filter(|v| v.strip_prefix(group).is_some_and(|rest| rest.starts_with('/')))
        .map_or_else(|| format!("{group}/v1"), str::to_string)
}

/// The spec's attributes as the real server echoes them back.
fn attributes_spec(spec: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    if spec["resourceAttributes"].is_object() {
        out.insert(
            "resourceAttributes".into(),
            known_fields(&spec["resourceAttributes"], RESOURCE_FIELDS, true),
        );
    }
    if spec["nonResourceAttributes"].is_object() {
        out.insert(
            "nonResourceAttributes".into(),
            known_fields(&spec["nonResourceAttributes"], NON_RESOURCE_FIELDS, false),
        );
    }
    out
}

/// The answer: `spec` and the decision for `user` in `status`.
fn answer(state: &State, user: &UserInfo, review: &Value, kind: &str, spec: Map<String, Value>) -> Value {
    let has_attributes =
        spec.contains_key("resourceAttributes") || spec.contains_key("nonResourceAttributes");
    let decision = if has_attributes {
        decide(state, user, &review_attributes(&review["spec"]))
    } else {
        super::Decision::default()
    };
    let mut status = json!({ "allowed": decision.allowed });
    if !decision.reason.is_empty() {
        status["reason"] = json!(decision.reason);
    }
    json!({
        "kind": kind,
        "apiVersion": api_version(review, "authorization.k8s.io"),
        "metadata": {"creationTimestamp": null},
        "spec": spec,
        "status": status,
    })
}

/// Answers a SelfSubjectAccessReview for `user`: the review with `status`
/// (`allowed`, and `reason` when there is one). Call [`check_review`]
/// first; a spec with neither attribute set is answered as a denial.
pub fn review(state: &State, user: &UserInfo, review: &Value) -> Value {
    answer(
        state,
        user,
        review,
        "SelfSubjectAccessReview",
        attributes_spec(&review["spec"]),
    )
}

/// Answers a SubjectAccessReview: the same question for the user and
/// groups in `spec.user` and `spec.groups`, taken as given (no
/// `system:authenticated` is added, as on the real server).
pub fn subject_access_review(state: &State, review: &Value) -> Value {
    let spec = &review["spec"];
    let groups: Vec<String> = spec["groups"]
        .as_array()
        .map(|g| g.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let user = UserInfo {
        name: text(spec, "user"),
        groups,
    };
    let mut out = attributes_spec(spec);
    for field in ["user", "uid"] {
        if let Some(v) = spec[field].as_str().filter(|v| !v.is_empty()) {
            out.insert(field.into(), json!(v));
        }
    }
    if !user.groups.is_empty() {
        out.insert("groups".into(), json!(user.groups));
    }
    if let Some(extra) = spec["extra"].as_object().filter(|e| !e.is_empty()) {
        out.insert("extra".into(), Value::Object(extra.clone()));
    }
    answer(state, &user, review, "SubjectAccessReview", out)
}

/// Answers a SelfSubjectRulesReview: every rule that applies to `user` in
/// `spec.namespace` (resource and non-resource rules apart), with the
/// resolution errors in `status.evaluationError`. 400 `no namespace on
/// request` without a namespace, as the real server answers.
pub fn rules_review(state: &State, user: &UserInfo, review: &Value) -> Result<Value, ApiError> {
    let namespace = text(&review["spec"], "namespace");
    if namespace.is_empty() {
        return Err(ApiError::bad_request("no namespace on request"));
    }
    let rules = Policy::load(state).rules_for(user, &namespace);
    let mut resource_rules = Vec::new();
    let mut non_resource_rules = Vec::new();
    for (_, rule) in &rules.rules {
        if !rule.resources.is_empty() {
            let only = PolicyRule {
                non_resource_urls: Vec::new(),
                ..rule.clone()
            };
            resource_rules.push(only.to_json());
        }
        if !rule.non_resource_urls.is_empty() {
            let only = PolicyRule {
                verbs: rule.verbs.clone(),
                non_resource_urls: rule.non_resource_urls.clone(),
                ..PolicyRule::default()
            };
            non_resource_rules.push(only.to_json());
        }
    }
    let mut status = json!({
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource_rules,
        "incomplete": false,
    });
    if !rules.errors.is_empty() {
        status["evaluationError"] = json!(aggregate(&rules.errors));
    }
    Ok(json!({
        "kind": "SelfSubjectRulesReview",
        "apiVersion": api_version(review, "authorization.k8s.io"),
        "metadata": {"creationTimestamp": null},
        "spec": {},
        "status": status,
    }))
}

/// Answers a SelfSubjectReview: who the caller is.
pub fn whoami(user: &UserInfo) -> Value {
    let mut info = Map::new();
    if !user.name.is_empty() {
        info.insert("username".into(), json!(user.name));
    }
    if !user.groups.is_empty() {
        info.insert("groups".into(), json!(user.groups));
    }
    json!({
        "kind": "SelfSubjectReview",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "status": {"userInfo": info},
    })
}

#[cfg(test)]
mod tests;
