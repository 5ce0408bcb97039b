//! `ValidateObjectMeta` (apimachinery `api/validation/objectmeta.go`):
//! name and generateName through the kind's name function, namespace,
//! generation, labels, annotations (keys and the 256 KiB total), owner
//! references and finalizers, plus the extra finalizer-name rule the core
//! group's validation adds.

use serde_json::{Map, Value};

use super::gofmt::quote;
use super::names::{NameFn, dns1123_label, label_value, qualified_name};
use super::{invalid, required, too_long};
use crate::status::Cause;

/// `TotalAnnotationSizeLimitB`.
const ANNOTATIONS_LIMIT: usize = 256 * 1024;

/// How a kind validates its metadata.
#[derive(Clone, Copy)]
pub(crate) struct MetaRules {
    /// The name function (`NameIsDNSSubdomain`, …).
    pub(crate) name: NameFn,
    /// Whether unqualified finalizers must be standard ones (core's
    /// `ValidateObjectMeta`, not apimachinery's).
    pub(crate) kube_finalizers: bool,
}

fn string_map(value: &Value) -> Vec<(&str, &str)> {
    value
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)))
                .collect()
        })
        .unwrap_or_default()
}

/// `ValidateLabels` at `field` (also used for selectors and topology).
pub(crate) fn labels(map: &Value, field: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    for (key, value) in string_map(map) {
        causes.extend(
            qualified_name(key)
                .into_iter()
                .map(|m| invalid(field, &quote(key), &m)),
        );
        causes.extend(
            label_value(value)
                .into_iter()
                .map(|m| invalid(field, &quote(value), &m)),
        );
    }
    causes
}

fn annotations(map: &Value) -> Vec<Cause> {
    let field = "metadata.annotations";
    let mut causes = Vec::new();
    let mut size = 0;
    for (key, value) in string_map(map) {
        causes.extend(
            qualified_name(&key.to_lowercase())
                .into_iter()
                .map(|m| invalid(field, &quote(key), &m)),
        );
        size += key.len() + value.len();
    }
    if size > ANNOTATIONS_LIMIT {
        causes.push(too_long(field, ANNOTATIONS_LIMIT));
    }
    causes
}

/// Go's `%#v` of a `metav1.OwnerReference`.
fn owner_reference_repr(reference: &Map<String, Value>) -> String {
    let s = |k: &str| quote(reference.get(k).and_then(Value::as_str).unwrap_or_default());
    let b = |k: &str| match reference.get(k).and_then(Value::as_bool) {
        None => "(*bool)(nil)".to_string(),
        Some(_) => "(*bool)(0xc000000000)".to_string(),
    };
    format!(
        "v1.OwnerReference{{APIVersion:{}, Kind:{}, Name:{}, UID:{}, Controller:{}, BlockOwnerDeletion:{}}}",
        s("apiVersion"),
        s("kind"),
        s("name"),
        s("uid"),
        b("controller"),
        b("blockOwnerDeletion")
    )
}

fn owner_references(list: &Value) -> Vec<Cause> {
    let field = "metadata.ownerReferences";
    let mut causes = Vec::new();
    let references: Vec<&Map<String, Value>> = list
        .as_array()
        .map(|l| l.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let mut first_controller: Option<String> = None;
    for reference in &references {
        let get = |k: &str| reference.get(k).and_then(Value::as_str).unwrap_or_default();
        let api_version = get("apiVersion");
        let version = match api_version.split('/').collect::<Vec<_>>().as_slice() {
            [version] | [_, version] => *version,
            _ => "",
        };
        if version.is_empty() {
            causes.push(invalid(
                &format!("{field}.apiVersion"),
                &quote(api_version),
                "version must not be empty",
            ));
        }
        for (key, what) in [("kind", "kind"), ("name", "name"), ("uid", "uid")] {
            if get(key).is_empty() {
                causes.push(invalid(
                    &format!("{field}.{key}"),
                    &quote(""),
                    &format!("{what} must not be empty"),
                ));
            }
        }
        if api_version == "v1" && get("kind") == "Event" {
            causes.push(invalid(
                field,
                &owner_reference_repr(reference),
                "/v1, Kind=Event is disallowed from being an owner",
            ));
        }
        if reference.get("controller").and_then(Value::as_bool) == Some(true) {
            let current = format!("{}/{}", get("kind"), get("name"));
            match &first_controller {
                Some(first) => {
                    let all: Vec<String> = references.iter().map(|r| owner_reference_repr(r)).collect();
                    causes.push(invalid(
                        field,
                        &format!("[]v1.OwnerReference{{{}}}", all.join(", ")),
                        &format!(
                            "Only one reference can have Controller set to true. Found \"true\" in references for {first} and {current}"
                        ),
                    ));
                }
                None => first_controller = Some(current),
            }
        }
    }
    causes
}

fn finalizers(list: &Value, kube: bool) -> Vec<Cause> {
    let field = "metadata.finalizers";
    let names: Vec<&str> = list
        .as_array()
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut causes = Vec::new();
    for name in &names {
        causes.extend(
            qualified_name(name)
                .into_iter()
                .map(|m| invalid(field, &quote(name), &m)),
        );
    }
    if names.contains(&"orphan") && names.contains(&"foregroundDeletion") {
        let repr: Vec<String> = names.iter().map(|n| quote(n)).collect();
        causes.push(invalid(
            field,
            &format!("[]string{{{}}}", repr.join(", ")),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    if kube {
        for (i, name) in names.iter().enumerate() {
            if !name.contains('/') && !matches!(*name, "kubernetes" | "orphan" | "foregroundDeletion") {
                causes.push(invalid(
                    &format!("{field}[{i}]"),
                    &quote(name),
                    "name is neither a standard finalizer name nor is it fully qualified",
                ));
            }
        }
    }
    causes
}

/// `ValidateObjectMeta` of `object` under `rules`. A name generated from
/// `generateName` is not checked (the server makes it valid); the namespace,
/// which the request path sets, is checked only when present.
pub(crate) fn object_meta(object: &Value, rules: MetaRules) -> Vec<Cause> {
    let meta = &object["metadata"];
    let get = |k: &str| meta.get(k).and_then(Value::as_str).unwrap_or_default();
    let mut causes = Vec::new();
    let generate_name = get("generateName");
    if !generate_name.is_empty() {
        let errors = (rules.name)(generate_name, true);
        causes.extend(
            errors
                .iter()
                .map(|m| invalid("metadata.generateName", &quote(generate_name), m)),
        );
    }
    let name = get("name");
    if name.is_empty() {
        if generate_name.is_empty() {
            causes.push(required("metadata.name", "name or generateName is required"));
        }
    } else {
        causes.extend(
            (rules.name)(name, false)
                .iter()
                .map(|m| invalid("metadata.name", &quote(name), m)),
        );
    }
    let namespace = get("namespace");
    if !namespace.is_empty() {
        causes.extend(
            dns1123_label(namespace)
                .iter()
                .map(|m| invalid("metadata.namespace", &quote(namespace), m)),
        );
    }
    if let Some(generation) = meta.get("generation").and_then(Value::as_i64)
        && generation < 0
    {
        causes.push(invalid(
            "metadata.generation",
            &generation.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    causes.extend(labels(&meta["labels"], "metadata.labels"));
    causes.extend(annotations(&meta["annotations"]));
    causes.extend(owner_references(&meta["ownerReferences"]));
    causes.extend(finalizers(&meta["finalizers"], rules.kube_finalizers));
    causes
}

/// `ValidateNoNewFinalizers`: an object being deleted (`old` has a
/// `deletionTimestamp`) accepts no new finalizers.
pub(crate) fn no_new_finalizers(object: &Value, old: &Value) -> Option<Cause> {
    old["metadata"]["deletionTimestamp"].as_str()?;
    let names = |o: &Value| -> Vec<String> {
        o["metadata"]["finalizers"]
            .as_array()
            .map(|l| l.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let before = names(old);
    let mut extra: Vec<String> = names(object)
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    extra.sort();
    extra.dedup();
    if extra.is_empty() {
        return None;
    }
    let quoted: Vec<String> = extra.iter().map(|f| quote(f)).collect();
    Some(super::forbidden(
        "metadata.finalizers",
        &format!(
            "no new finalizers can be added if the object is being deleted, found new finalizers []string{{{}}}",
            quoted.join(", ")
        ),
    ))
}
