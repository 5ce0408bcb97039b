//! Validation of the core group's data kinds (`pkg/apis/core/validation`):
//! Secrets (keys, base64 values, per-type required keys, size, immutable
//! type and data) and ConfigMaps (keys, duplicates across `data` and
//! `binaryData`, size, immutability).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::base64::decode;
use super::gofmt::quote;
use super::meta::{MetaRules, object_meta};
use super::names::config_map_key;
use super::{forbidden, invalid, required, too_long};
use crate::status::Cause;

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// `core.MaxSecretSize`, the limit of Secret and ConfigMap data.
const MAX_DATA_SIZE: usize = 1024 * 1024;

/// A JSON-ish check of docker config data, with Go's error wording for the
/// common cases.
fn docker_config_error(bytes: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(_) | Value::Null) => None,
        Ok(other) => {
            let kind = match other {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                _ => "bool",
            };
            Some(format!(
                "json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
            ))
        }
        Err(e) if e.is_eof() => Some("unexpected end of JSON input".into()),
        Err(_) => {
            let c = bytes
                .iter()
                .map(|b| *b as char)
                .find(|c| !c.is_whitespace())
                .unwrap_or(' ');
            Some(format!("invalid character '{c}' looking for beginning of value"))
        }
    }
}

/// A Secret's data as the internal type holds it: `data` decoded, then
/// `stringData` entries over it; undecodable values are `None`.
fn secret_data(object: &Value) -> BTreeMap<&str, Option<Vec<u8>>> {
    let mut data = BTreeMap::new();
    for (key, value) in object["data"].as_object().into_iter().flatten() {
        data.insert(
            key.as_str(),
            value.as_str().map_or(Some(Vec::new()), |v| decode(v).ok()),
        );
    }
    for (key, value) in object["stringData"].as_object().into_iter().flatten() {
        data.insert(
            key.as_str(),
            Some(value.as_str().unwrap_or_default().as_bytes().to_vec()),
        );
    }
    data
}

/// `ValidateSecret` and `ValidateSecretUpdate` (`stringData` merged into
/// `data` first, as the conversion to the internal type does).
pub(super) fn secret(object: &Value, old: Option<&Value>, rules: MetaRules) -> Vec<Cause> {
    let mut causes = Vec::new();
    let type_of = |o: &Value| match str_of(o, "type") {
        "" => "Opaque".to_string(),
        t => t.to_string(),
    };
    let type_ = type_of(object);
    let data = secret_data(object);
    if let Some(old) = old {
        if type_ != type_of(old) {
            causes.push(invalid("type", &quote(&type_), "field is immutable"));
        }
        if old["immutable"] == json!(true) {
            if object["immutable"] != json!(true) {
                causes.push(forbidden(
                    "immutable",
                    "field is immutable when `immutable` is set",
                ));
            }
            if data != secret_data(old) {
                causes.push(forbidden("data", "field is immutable when `immutable` is set"));
            }
        }
    }
    causes.extend(object_meta(object, rules));
    for (key, value) in object["data"].as_object().into_iter().flatten() {
        if let Some(Err(e)) = value.as_str().map(decode) {
            causes.push(invalid(
                &format!("data[{key}]"),
                &quote("<secret contents redacted>"),
                &e.to_string(),
            ));
        }
    }
    let mut total = 0;
    for (key, value) in &data {
        causes.extend(
            config_map_key(key)
                .into_iter()
                .map(|m| invalid(&format!("data[{key}]"), &quote(key), &m)),
        );
        total += value.as_ref().map_or(0, Vec::len);
    }
    if total > MAX_DATA_SIZE {
        causes.push(too_long("data", MAX_DATA_SIZE));
    }
    let has = |key: &str| data.contains_key(key);
    let bytes = |key: &str| data.get(key).cloned().flatten().unwrap_or_default();
    let service_account = object["metadata"]["annotations"]["kubernetes.io/service-account.name"].as_str();
    match type_.as_str() {
        "kubernetes.io/service-account-token" if service_account.unwrap_or_default().is_empty() => {
            causes.push(required(
                "metadata.annotations[kubernetes.io/service-account.name]",
                "",
            ));
        }
        t @ ("kubernetes.io/dockercfg" | "kubernetes.io/dockerconfigjson") => {
            let key = if t == "kubernetes.io/dockercfg" {
                ".dockercfg"
            } else {
                ".dockerconfigjson"
            };
            if !has(key) {
                causes.push(required(&format!("data[{key}]"), ""));
            } else if let Some(error) = docker_config_error(&bytes(key)) {
                causes.push(invalid(
                    &format!("data[{key}]"),
                    &quote("<secret contents redacted>"),
                    &error,
                ));
            }
        }
        "kubernetes.io/basic-auth" if !has("username") && !has("password") => {
            causes.push(required("data[username]", ""));
            causes.push(required("data[password]", ""));
        }
        "kubernetes.io/ssh-auth" if bytes("ssh-privatekey").is_empty() => {
            causes.push(required("data[ssh-privatekey]", ""));
        }
        "kubernetes.io/tls" => {
            for key in ["tls.crt", "tls.key"] {
                if !has(key) {
                    causes.push(required(&format!("data[{key}]"), ""));
                }
            }
        }
        _ => {}
    }
    causes
}

/// `ValidateConfigMap` and `ValidateConfigMapUpdate`.
pub(super) fn config_map(object: &Value, old: Option<&Value>, rules: MetaRules) -> Vec<Cause> {
    let mut causes = Vec::new();
    if let Some(old) = old
        && old["immutable"] == json!(true)
    {
        if object["immutable"] != json!(true) {
            causes.push(forbidden(
                "immutable",
                "field is immutable when `immutable` is set",
            ));
        }
        for field in ["data", "binaryData"] {
            if object[field] != old[field] {
                causes.push(forbidden(field, "field is immutable when `immutable` is set"));
            }
        }
    }
    causes.extend(object_meta(object, rules));
    let binary = object["binaryData"].as_object();
    let mut total = 0;
    for (key, value) in object["data"].as_object().into_iter().flatten() {
        let field = format!("data[{key}]");
        causes.extend(
            config_map_key(key)
                .into_iter()
                .map(|m| invalid(&field, &quote(key), &m)),
        );
        if binary.is_some_and(|b| b.contains_key(key)) {
            causes.push(invalid(
                &field,
                &quote(key),
                "duplicate of key present in binaryData",
            ));
        }
        total += value.as_str().map_or(0, str::len);
    }
    for (key, value) in binary.into_iter().flatten() {
        causes.extend(
            config_map_key(key)
                .into_iter()
                .map(|m| invalid(&format!("binaryData[{key}]"), &quote(key), &m)),
        );
        total += value.as_str().and_then(|v| decode(v).ok()).map_or(0, |b| b.len());
    }
    if total > MAX_DATA_SIZE {
        causes.push(too_long("[]", MAX_DATA_SIZE));
    }
    causes
}
