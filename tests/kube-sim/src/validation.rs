//! What kube-apiserver validates on objects before storing them, with its
//! field paths and message wording (`field.Error.ErrorBody()`): the
//! metadata of every object (`ValidateObjectMeta`), and the rules of the
//! built-in kinds kube-sim serves (`pkg/apis/*/validation`). CRDs are
//! validated elsewhere, custom resources' contents by their schemas; the
//! review kinds are never stored. Also the unknown fields of built-ins, for
//! `fieldValidation`, and the base64 decoding errors the server reports as
//! 400 before it validates anything.

mod base64;
mod core_kinds;
mod data_kinds;
mod discovery;
mod gofmt;
mod group_kinds;
mod meta;
mod names;
mod networking;
pub(crate) mod schema;
#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::registry::ResourceType;
use crate::status::Cause;
use meta::MetaRules;
use names::{name_is_dns_label, name_is_dns_subdomain, name_is_path_segment};

/// `Invalid value: <value>: <detail>`; `value` is already formatted as Go
/// prints it (a quoted string, a number, a struct).
pub(crate) fn invalid(field: &str, value: &str, detail: &str) -> Cause {
    let message = if detail.is_empty() {
        format!("Invalid value: {value}")
    } else {
        format!("Invalid value: {value}: {detail}")
    };
    Cause::new("FieldValueInvalid", field, message)
}

/// `Required value[: <detail>]`.
pub(crate) fn required(field: &str, detail: &str) -> Cause {
    let message = if detail.is_empty() {
        "Required value".to_string()
    } else {
        format!("Required value: {detail}")
    };
    Cause::new("FieldValueRequired", field, message)
}

/// `Forbidden: <detail>`.
pub(crate) fn forbidden(field: &str, detail: &str) -> Cause {
    Cause::new("FieldValueForbidden", field, format!("Forbidden: {detail}"))
}

/// `Unsupported value: <value>: supported values: "a", "b"`.
pub(crate) fn not_supported(field: &str, value: &str, supported: &[&str]) -> Cause {
    let mut message = format!("Unsupported value: {value}");
    if !supported.is_empty() {
        let quoted: Vec<String> = supported.iter().map(|s| gofmt::quote(s)).collect();
        message.push_str(&format!(": supported values: {}", quoted.join(", ")));
    }
    Cause::new("FieldValueNotSupported", field, message)
}

/// `Too long: may not be more than <max> bytes`.
pub(crate) fn too_long(field: &str, max: usize) -> Cause {
    let unit = if max == 1 { "byte" } else { "bytes" };
    Cause::new(
        "FieldValueTooLong",
        field,
        format!("Too long: may not be more than {max} {unit}"),
    )
}

/// `Duplicate value: <value>`.
pub(crate) fn duplicate(field: &str, value: &str) -> Cause {
    Cause::new("FieldValueDuplicate", field, format!("Duplicate value: {value}"))
}

/// `Too many: <actual>: must have at most <max> items`.
pub(crate) fn too_many(field: &str, actual: usize, max: usize) -> Cause {
    Cause::new(
        "FieldValueTooMany",
        field,
        format!("Too many: {actual}: must have at most {max} items"),
    )
}

const SUBDOMAIN: MetaRules = MetaRules {
    name: name_is_dns_subdomain,
    kube_finalizers: true,
};
const GENERIC_SUBDOMAIN: MetaRules = MetaRules {
    name: name_is_dns_subdomain,
    kube_finalizers: false,
};

/// Metadata and per-kind validation of a built-in or custom object (names,
/// labels, annotations); `old` on update.
pub fn validate(rt: &ResourceType, object: &Value, old: Option<&Value>) -> Vec<Cause> {
    validate_with(rt, object, old, Leniency::default())
}

/// Where kube-sim may be told to accept what a real API server refuses.
#[derive(Clone, Copy, Debug, Default)]
pub struct Leniency {
    /// Loopback addresses in EndpointSlices (`--allow-loopback-endpoints`).
    pub loopback_endpoints: bool,
}

/// [`validate`], accepting what `leniency` allows.
pub fn validate_with(
    rt: &ResourceType,
    object: &Value,
    old: Option<&Value>,
    leniency: Leniency,
) -> Vec<Cause> {
    let mut causes: Vec<Cause> = old
        .and_then(|old| meta::no_new_finalizers(object, old))
        .into_iter()
        .collect();
    causes.extend(validate_kind(rt, object, old, leniency));
    causes
}

fn validate_kind(rt: &ResourceType, object: &Value, old: Option<&Value>, leniency: Leniency) -> Vec<Cause> {
    if rt.is_custom() {
        return meta::object_meta(object, GENERIC_SUBDOMAIN);
    }
    let label = MetaRules {
        name: name_is_dns_label,
        kube_finalizers: true,
    };
    let rbac = MetaRules {
        name: name_is_path_segment,
        kube_finalizers: false,
    };
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("apiextensions.k8s.io", "CustomResourceDefinition") => Vec::new(),
        _ if crate::builtin::is_review(rt) => Vec::new(),
        ("", "Namespace") => core_kinds::namespace(object, old, label),
        ("", "Service") => core_kinds::service(object, label),
        ("", "Secret") => data_kinds::secret(object, old, SUBDOMAIN),
        ("", "ConfigMap") => data_kinds::config_map(object, old, SUBDOMAIN),
        ("", "Event") => core_kinds::legacy_event(object),
        ("events.k8s.io", "Event") => core_kinds::event(object, SUBDOMAIN),
        ("networking.k8s.io", "Ingress") => networking::ingress(object, old, SUBDOMAIN),
        ("networking.k8s.io", "IngressClass") => networking::ingress_class(object, old, SUBDOMAIN),
        ("discovery.k8s.io", "EndpointSlice") => {
            discovery::endpoint_slice(object, old, SUBDOMAIN, leniency.loopback_endpoints)
        }
        ("coordination.k8s.io", "Lease") => group_kinds::lease(object, GENERIC_SUBDOMAIN),
        ("apps", "Deployment" | "DaemonSet") => group_kinds::workload(object, &rt.kind, SUBDOMAIN),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => {
            group_kinds::role(object, rt.namespaced, rbac)
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            group_kinds::role_binding(object, old, rt.namespaced, rbac)
        }
        _ => meta::object_meta(object, SUBDOMAIN),
    }
}

/// Unknown fields of a built-in object, as JSON paths (`.spec.foo`), for
/// `fieldValidation`.
pub fn unknown_fields(rt: &ResourceType, object: &Value) -> Vec<String> {
    schema::unknown_fields(rt, object)
}

/// Drops the unknown fields of a built-in object (what `fieldValidation`
/// `Ignore` and `Warn` store: the real server decodes built-ins into typed
/// objects, which have no place for them).
pub fn prune_unknown_fields(rt: &ResourceType, object: &mut Value) {
    schema::prune_unknown_fields(rt, object);
}

/// The 400 BadRequest message the API server answers when a base64 field
/// (Secret `data`, ConfigMap `binaryData`) does not decode, before any
/// validation: `Secret in version "v1" cannot be handled as a Secret:
/// illegal base64 data at input byte 4`.
pub fn decode_error(rt: &ResourceType, object: &Value) -> Option<String> {
    let field = match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Secret") => "data",
        ("", "ConfigMap") => "binaryData",
        _ => return None,
    };
    let map = object.get(field)?.as_object()?;
    let error = map
        .values()
        .filter_map(Value::as_str)
        .find_map(|v| base64::decode(v).err())?;
    Some(format!(
        "{kind} in version \"{version}\" cannot be handled as a {kind}: {error}",
        kind = rt.kind,
        version = rt.version
    ))
}
