//! Validation of the core group (`pkg/apis/core/validation`): Namespace,
//! Service and Event (the lenient `v1` rules, and the strict ones of
//! `events.k8s.io/v1`, which reports internal field names); Secrets and
//! ConfigMaps are in [`data_kinds`](super::data_kinds).

use serde_json::Value;

use super::gofmt::quote;
use super::meta::{MetaRules, labels, object_meta};
use super::names::{dns1123_label, dns1123_subdomain, port_name, port_num, qualified_name};
use super::{duplicate, forbidden, invalid, not_supported, required};
use crate::status::Cause;

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// `ValidateNamespace`: a DNS label, and `spec.finalizers` qualified or
/// standard (indexed paths on update).
pub(super) fn namespace(object: &Value, old: Option<&Value>, rules: MetaRules) -> Vec<Cause> {
    let mut causes = object_meta(object, rules);
    let finalizers = object["spec"]["finalizers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (i, name) in finalizers.iter().filter_map(Value::as_str).enumerate() {
        let field = if old.is_some() {
            format!("spec.finalizers[{i}]")
        } else {
            "spec.finalizers".to_string()
        };
        causes.extend(
            qualified_name(name)
                .into_iter()
                .map(|m| invalid(&field, &quote(name), &m)),
        );
        if !name.contains('/') && !matches!(name, "kubernetes" | "orphan" | "foregroundDeletion") {
            causes.push(invalid(
                &field,
                &quote(name),
                "name is neither a standard finalizer name nor is it fully qualified",
            ));
        }
    }
    causes
}

/// `ValidateService`'s type, ports and selector (defaults applied as the
/// server would have: `ClusterIP`, `TCP`, `targetPort` = `port`).
pub(super) fn service(object: &Value, rules: MetaRules) -> Vec<Cause> {
    let mut causes = object_meta(object, rules);
    let spec = &object["spec"];
    let type_ = match str_of(spec, "type") {
        "" => "ClusterIP",
        t => t,
    };
    if !matches!(type_, "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort") {
        causes.push(not_supported(
            "spec.type",
            &quote(type_),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }
    if type_ == "ExternalName" {
        let cname = str_of(spec, "externalName").trim_end_matches('.');
        if cname.is_empty() {
            causes.push(required("spec.externalName", ""));
        } else {
            causes.extend(
                dns1123_subdomain(cname)
                    .into_iter()
                    .map(|m| invalid("spec.externalName", &quote(cname), &m)),
            );
        }
    }
    let ports = spec["ports"].as_array().map(Vec::as_slice).unwrap_or_default();
    if ports.is_empty() && str_of(spec, "clusterIP") != "None" && type_ != "ExternalName" {
        causes.push(required("spec.ports", ""));
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let path = format!("spec.ports[{i}]");
        let name = str_of(port, "name");
        if ports.len() > 1 && name.is_empty() {
            causes.push(required(&format!("{path}.name"), ""));
        } else if !name.is_empty() {
            causes.extend(
                dns1123_label(name)
                    .into_iter()
                    .map(|m| invalid(&format!("{path}.name"), &quote(name), &m)),
            );
            if names.contains(&name) {
                causes.push(duplicate(&format!("{path}.name"), &quote(name)));
            } else {
                names.push(name);
            }
        }
        let number = port["port"].as_i64().unwrap_or_default();
        causes.extend(
            port_num(number)
                .into_iter()
                .map(|m| invalid(&format!("{path}.port"), &number.to_string(), &m)),
        );
        let protocol = port.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
        if protocol.is_empty() {
            causes.push(required(&format!("{path}.protocol"), ""));
        } else if !matches!(protocol, "TCP" | "UDP" | "SCTP") {
            causes.push(not_supported(
                &format!("{path}.protocol"),
                &quote(protocol),
                &["SCTP", "TCP", "UDP"],
            ));
        }
        match &port["targetPort"] {
            Value::Number(n) => {
                let target = n.as_i64().unwrap_or_default();
                causes.extend(
                    port_num(target)
                        .into_iter()
                        .map(|m| invalid(&format!("{path}.targetPort"), &target.to_string(), &m)),
                );
            }
            Value::String(s) => {
                causes.extend(
                    port_name(s)
                        .into_iter()
                        .map(|m| invalid(&format!("{path}.targetPort"), &quote(s), &m)),
                );
            }
            _ => {}
        }
        if let Some(app) = port.get("appProtocol").and_then(Value::as_str) {
            causes.extend(
                qualified_name(app)
                    .into_iter()
                    .map(|m| invalid(&format!("{path}.appProtocol"), &quote(app), &m)),
            );
        }
    }
    if type_ == "ClusterIP" {
        for (i, port) in ports.iter().enumerate() {
            if port["nodePort"].as_i64().unwrap_or_default() != 0 {
                causes.push(forbidden(
                    &format!("spec.ports[{i}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    let mut seen: Vec<(&str, i64)> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let key = (
            port.get("protocol").and_then(Value::as_str).unwrap_or("TCP"),
            port["port"].as_i64().unwrap_or_default(),
        );
        if seen.contains(&key) {
            let repr = format!(
                "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
                quote(key.0),
                key.1
            );
            causes.push(duplicate(&format!("spec.ports[{i}]"), &repr));
        }
        seen.push(key);
    }
    causes.extend(labels(&spec["selector"], "spec.selector"));
    causes
}

/// `legacyValidateEvent` of a core-shaped event: namespaces agree, and
/// events with an `eventTime` name their reporter, action and reason.
pub(super) fn legacy_event(event: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let namespace = event["metadata"]["namespace"].as_str().unwrap_or_default();
    let involved = event["involvedObject"]["namespace"].as_str().unwrap_or_default();
    let mismatch = || {
        invalid(
            "involvedObject.namespace",
            &quote(involved),
            "does not match event.namespace",
        )
    };
    if str_of(event, "eventTime").is_empty() {
        if (involved.is_empty() && !matches!(namespace, "" | "default"))
            || (!involved.is_empty() && namespace != involved)
        {
            causes.push(mismatch());
        }
    } else {
        if involved.is_empty() && !matches!(namespace, "default" | "kube-system") {
            causes.push(mismatch());
        }
        let controller = str_of(event, "reportingComponent");
        if controller.is_empty() {
            causes.push(required("reportingController", ""));
        }
        causes.extend(
            qualified_name(controller)
                .into_iter()
                .map(|m| invalid("reportingController", &quote(controller), &m)),
        );
        for (field, json_field, limit) in [
            ("reportingInstance", "reportingInstance", 128),
            ("action", "action", 128),
            ("reason", "reason", 128),
        ] {
            let value = str_of(event, json_field);
            if value.is_empty() {
                causes.push(required(field, ""));
            }
            if value.len() > limit {
                causes.push(invalid(
                    field,
                    &quote(""),
                    &format!("can have at most {limit} characters"),
                ));
            }
        }
        if str_of(event, "message").len() > 1024 {
            causes.push(invalid("message", &quote(""), "can have at most 1024 characters"));
        }
    }
    if !namespace.is_empty() {
        causes.extend(
            dns1123_subdomain(namespace)
                .into_iter()
                .map(|m| invalid("namespace", &quote(namespace), &m)),
        );
    }
    causes
}

/// An `events.k8s.io/v1` event under its internal (core) field names.
fn as_core_event(event: &Value) -> Value {
    let mut core = event.clone();
    if let Some(map) = core.as_object_mut() {
        for (v1, internal) in [
            ("regarding", "involvedObject"),
            ("note", "message"),
            ("reportingController", "reportingComponent"),
            ("deprecatedSource", "source"),
            ("deprecatedFirstTimestamp", "firstTimestamp"),
            ("deprecatedLastTimestamp", "lastTimestamp"),
            ("deprecatedCount", "count"),
        ] {
            if let Some(value) = map.remove(v1) {
                map.insert(internal.into(), value);
            }
        }
    }
    core
}

/// `ValidateEventCreate` for `events.k8s.io/v1`: the legacy rules, the
/// metadata, a series of at least 2, an `eventTime`, a Normal or Warning
/// type and no deprecated fields.
pub(super) fn event(event: &Value, rules: MetaRules) -> Vec<Cause> {
    let core = as_core_event(event);
    let mut causes = legacy_event(&core);
    causes.extend(object_meta(&core, rules));
    if let Some(series) = core["series"].as_object() {
        if series.get("count").and_then(Value::as_i64).unwrap_or_default() < 2 {
            causes.push(invalid("series.count", &quote(""), "should be at least 2"));
        }
        if series
            .get("lastObservedTime")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .is_empty()
        {
            causes.push(required("series.lastObservedTime", ""));
        }
    }
    if str_of(&core, "eventTime").is_empty() {
        causes.push(required("eventTime", ""));
    }
    let type_ = str_of(&core, "type");
    if !matches!(type_, "Normal" | "Warning") {
        causes.push(invalid(
            "type",
            &quote(""),
            &format!("has invalid value: {type_}"),
        ));
    }
    for field in ["firstTimestamp", "lastTimestamp"] {
        if !str_of(&core, field).is_empty() {
            causes.push(invalid(field, &quote(""), "needs to be unset"));
        }
    }
    if core["count"].as_i64().unwrap_or_default() != 0 {
        causes.push(invalid("count", &quote(""), "needs to be unset"));
    }
    if !str_of(&core["source"], "component").is_empty() || !str_of(&core["source"], "host").is_empty() {
        causes.push(invalid("source", &quote(""), "needs to be unset"));
    }
    causes
}
