//! Validation of `networking.k8s.io/v1` Ingresses and IngressClasses
//! (`pkg/apis/networking/validation`): rules, hosts, paths and path types,
//! backends, TLS, the class name, and what updates tolerate of objects
//! already stored.

use serde_json::Value;

use super::discovery::parse_ip_sloppy;
use super::gofmt::quote;
use super::meta::{MetaRules, object_meta};
use super::names::{
    dns1123_subdomain, name_is_dns_label, name_is_dns_subdomain, path_segment_name, port_name, port_num,
    wildcard_dns1123_subdomain,
};
use super::{invalid, not_supported, required, too_long};
use crate::status::Cause;

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

/// `validateIngressBackend`: a service (name, and a port name or number)
/// or a resource reference, not both.
fn backend(backend: &Value, path: &str) -> Vec<Cause> {
    let (resource, service) = (
        backend.get("resource").filter(|r| r.is_object()),
        backend.get("service").filter(|s| s.is_object()),
    );
    let mut causes = Vec::new();
    match (resource, service) {
        (Some(_), Some(_)) => causes.push(invalid(
            path,
            &quote(""),
            "cannot set both resource and service backends",
        )),
        (Some(resource), None) => {
            let path = format!("{path}.resource");
            if let Some(group) = resource.get("apiGroup").and_then(Value::as_str) {
                causes.extend(
                    dns1123_subdomain(group)
                        .into_iter()
                        .map(|m| invalid(&format!("{path}.apiGroup"), &quote(group), &m)),
                );
            }
            for field in ["kind", "name"] {
                let value = str_of(resource, field);
                if value.is_empty() {
                    causes.push(required(&format!("{path}.{field}"), ""));
                } else {
                    causes.extend(
                        path_segment_name(value)
                            .into_iter()
                            .map(|m| invalid(&format!("{path}.{field}"), &quote(value), &m)),
                    );
                }
            }
        }
        (None, Some(service)) => {
            let name = str_of(service, "name");
            if name.is_empty() {
                causes.push(required(&format!("{path}.service.name"), ""));
            } else {
                let errors = name_is_dns_label(name, false);
                causes.extend(
                    errors
                        .into_iter()
                        .map(|m| invalid(&format!("{path}.service.name"), &quote(name), &m)),
                );
            }
            let port_name_value = str_of(&service["port"], "name");
            let number = service["port"]["number"].as_i64().unwrap_or_default();
            match (!port_name_value.is_empty(), number != 0) {
                (true, true) => causes.push(invalid(
                    path,
                    &quote(""),
                    "cannot set both port name & port number",
                )),
                (true, false) => causes.extend(
                    port_name(port_name_value)
                        .into_iter()
                        .map(|m| invalid(&format!("{path}.service.port.name"), &quote(port_name_value), &m)),
                ),
                (false, true) => causes.extend(
                    port_num(number)
                        .into_iter()
                        .map(|m| invalid(&format!("{path}.service.port.number"), &number.to_string(), &m)),
                ),
                (false, false) => causes.push(required(path, "port name or number is required")),
            }
        }
        (None, None) => causes.push(invalid(
            path,
            &quote(""),
            "resource or service backend is required",
        )),
    }
    causes
}

/// `validateHTTPIngressPath`: a supported `pathType`, absolute paths
/// without `//`, `/./`, `/../` or encoded slashes for Exact and Prefix.
fn http_path(path: &Value, field: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let Some(path_type) = path.get("pathType").and_then(Value::as_str) else {
        return vec![required(
            &format!("{field}.pathType"),
            "pathType must be specified",
        )];
    };
    let text = str_of(path, "path");
    let path_field = format!("{field}.path");
    match path_type {
        "Exact" | "Prefix" => {
            if !text.starts_with('/') {
                causes.push(invalid(&path_field, &quote(text), "must be an absolute path"));
            }
            if !text.is_empty() {
                for sequence in ["//", "/./", "/../", "%2f", "%2F"] {
                    if text.contains(sequence) {
                        causes.push(invalid(
                            &path_field,
                            &quote(text),
                            &format!("must not contain '{sequence}'"),
                        ));
                    }
                }
                for suffix in ["/..", "/."] {
                    if text.ends_with(suffix) {
                        causes.push(invalid(
                            &path_field,
                            &quote(text),
                            &format!("cannot end with '{suffix}'"),
                        ));
                    }
                }
            }
        }
        "ImplementationSpecific" => {
            if !text.is_empty() && !text.starts_with('/') {
                causes.push(invalid(&path_field, &quote(text), "must be an absolute path"));
            }
        }
        other => causes.push(not_supported(
            &format!("{field}.pathType"),
            &quote(other),
            &["Exact", "ImplementationSpecific", "Prefix"],
        )),
    }
    causes.extend(backend(&path["backend"], &format!("{field}.backend")));
    causes
}

fn rule_value(rule: &Value, field: &str) -> Vec<Cause> {
    let Some(http) = rule.get("http").filter(|h| h.is_object()) else {
        return Vec::new();
    };
    let paths = list(http, "paths");
    let mut causes = Vec::new();
    if paths.is_empty() {
        causes.push(required(&format!("{field}.http.paths"), ""));
    }
    for (i, path) in paths.iter().enumerate() {
        causes.extend(http_path(path, &format!("{field}.http.paths[{i}]")));
    }
    causes
}

fn host_errors(host: &str) -> Vec<String> {
    if host.contains('*') {
        wildcard_dns1123_subdomain(host)
    } else {
        dns1123_subdomain(host)
    }
}

/// Whether an existing Ingress already holds what the update rules would
/// now refuse (`allowInvalidSecretName`, `allowInvalidWildcardHostRule`).
fn tolerated(old: Option<&Value>) -> (bool, bool) {
    let Some(old) = old else {
        return (false, false);
    };
    let spec = &old["spec"];
    let secret = list(spec, "tls").iter().any(|t| {
        !str_of(t, "secretName").is_empty()
            && !name_is_dns_subdomain(str_of(t, "secretName"), false).is_empty()
    });
    let wildcard = list(spec, "rules")
        .iter()
        .any(|r| str_of(r, "host").contains('*') && !rule_value(r, "").is_empty());
    (secret, wildcard)
}

/// `ValidateIngressCreate` and `ValidateIngressUpdate`.
pub(super) fn ingress(object: &Value, old: Option<&Value>, rules: MetaRules) -> Vec<Cause> {
    let mut causes = object_meta(object, rules);
    let spec = &object["spec"];
    let (allow_secret, allow_wildcard) = tolerated(old);
    let rules_list = list(spec, "rules");
    let default = spec.get("defaultBackend").filter(|b| b.is_object());
    if rules_list.is_empty() && default.is_none() {
        let repr = if spec.get("rules").is_some_and(Value::is_array) {
            "[]networking.IngressRule{}"
        } else {
            "[]networking.IngressRule(nil)"
        };
        causes.push(invalid(
            "spec",
            repr,
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    if let Some(default) = default {
        causes.extend(backend(default, "spec.defaultBackend"));
    }
    for (i, rule) in rules_list.iter().enumerate() {
        let field = format!("spec.rules[{i}]");
        let host = str_of(rule, "host");
        if !host.is_empty() {
            if parse_ip_sloppy(host).is_some() {
                causes.push(invalid(
                    &format!("{field}.host"),
                    &quote(host),
                    "must be a DNS name, not an IP address",
                ));
            }
            causes.extend(
                host_errors(host)
                    .into_iter()
                    .map(|m| invalid(&format!("{field}.host"), &quote(host), &m)),
            );
        }
        if !host.contains('*') || !allow_wildcard {
            causes.extend(rule_value(rule, &field));
        }
    }
    for (t, tls) in list(spec, "tls").iter().enumerate() {
        for (i, host) in list(tls, "hosts").iter().filter_map(Value::as_str).enumerate() {
            let field = format!("spec.tls[{t}].hosts[{i}]");
            causes.extend(
                host_errors(host)
                    .into_iter()
                    .map(|m| invalid(&field, &quote(host), &m)),
            );
        }
        let secret = str_of(tls, "secretName");
        if !allow_secret && !secret.is_empty() {
            let errors = name_is_dns_subdomain(secret, false);
            causes.extend(
                errors
                    .into_iter()
                    .map(|m| invalid(&format!("spec.tls[{t}].secretName"), &quote(secret), &m)),
            );
        }
    }
    if let Some(class) = spec.get("ingressClassName").and_then(Value::as_str) {
        let errors = name_is_dns_subdomain(class, false);
        causes.extend(
            errors
                .into_iter()
                .map(|m| invalid("spec.ingressClassName", &quote(class), &m)),
        );
    }
    if old.is_none()
        && let (Some(annotation), Some(class)) = (
            object["metadata"]["annotations"]["kubernetes.io/ingress.class"].as_str(),
            spec.get("ingressClassName").and_then(Value::as_str),
        )
        && annotation != class
    {
        causes.push(invalid(
            "annotations.kubernetes.io/ingress.class",
            &quote(annotation),
            "must match `ingressClassName` when both are specified",
        ));
    }
    causes
}

/// `ValidateIngressClass` (and the immutable controller on update).
pub(super) fn ingress_class(object: &Value, old: Option<&Value>, rules: MetaRules) -> Vec<Cause> {
    let mut causes = Vec::new();
    let controller = str_of(&object["spec"], "controller");
    if let Some(old) = old
        && controller != str_of(&old["spec"], "controller")
    {
        causes.push(invalid(
            "spec.controller",
            &quote(controller),
            "field is immutable",
        ));
    }
    causes.extend(object_meta(object, rules));
    if controller.is_empty() {
        causes.push(required("spec.controller", ""));
    } else if controller.len() > 250 {
        causes.push(too_long("spec.controller", 250));
    }
    causes
}
