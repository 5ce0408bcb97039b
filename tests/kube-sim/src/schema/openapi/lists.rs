//! The `x-kubernetes-preserve-unknown-fields`, `-map-type`, `-list-type`
//! and `-list-map-keys` checks of a schema node, with the extra ones the
//! server makes on the keys of map lists and the items of sets.

use serde_json::Value;

use crate::schema::gofmt::{self, quote};
use crate::schema::node::{Node, child, key};
use crate::status::Cause;

fn string_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| quote(v)).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

/// The `x-kubernetes-preserve-unknown-fields`, `-map-type`, `-list-type`
/// and `-list-map-keys` checks.
pub(super) fn check(s: Node<'_>, path: &str, out: &mut Vec<Cause>) {
    let ty = s.type_();
    if s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(false)) {
        out.push(gofmt::invalid(
            &child(path, "x-kubernetes-preserve-unknown-fields"),
            &Value::Bool(false),
            "must be true or undefined",
        ));
    }
    if let Some(map_type) = s.map_type() {
        if ty != "object" {
            let detail = "must be object if x-kubernetes-map-type is specified";
            out.push(if ty.is_empty() {
                gofmt::required(&child(path, "type"), detail)
            } else {
                gofmt::invalid_str(&child(path, "type"), ty, detail)
            });
        }
        if map_type != "atomic" && map_type != "granular" {
            let valid = vec!["atomic".to_string(), "granular".to_string()];
            out.push(gofmt::not_supported(
                &child(path, "x-kubernetes-map-type"),
                &Value::String(map_type.into()),
                &valid,
            ));
        }
    }
    let list_type = s.list_type();
    if list_type.is_some() && ty != "array" {
        let detail = "must be array if x-kubernetes-list-type is specified";
        out.push(if ty.is_empty() {
            gofmt::required(&child(path, "type"), detail)
        } else {
            gofmt::invalid_str(&child(path, "type"), ty, detail)
        });
    } else if list_type == Some("set")
        && let Some(items) = s.items()
    {
        let item_list_type = items
            .get("x-kubernetes-list-type")
            .cloned()
            .unwrap_or(Value::Null);
        let atomic_detail = "must be atomic as item of a list with x-kubernetes-list-type=set";
        match items.type_() {
            "array" if items.list_type().is_some_and(|t| t != "atomic") => out.push(gofmt::invalid(
                &child(&child(path, "items"), "x-kubernetes-list-type"),
                &item_list_type,
                atomic_detail,
            )),
            "object" if items.map_type() != Some("atomic") => out.push(gofmt::invalid(
                &child(&child(path, "items"), "x-kubernetes-map-type"),
                &item_list_type,
                atomic_detail,
            )),
            _ => {}
        }
    }
    if let Some(lt) = list_type
        && !["atomic", "set", "map"].contains(&lt)
    {
        let valid = vec!["atomic".to_string(), "set".to_string(), "map".to_string()];
        out.push(gofmt::not_supported(
            &child(path, "x-kubernetes-list-type"),
            &Value::String(lt.into()),
            &valid,
        ));
    }
    let keys = s.list_map_keys();
    if !keys.is_empty() {
        let detail = "must be map if x-kubernetes-list-map-keys is non-empty";
        match list_type {
            None => out.push(gofmt::required(&child(path, "x-kubernetes-list-type"), detail)),
            Some(lt) if lt != "map" => out.push(gofmt::invalid_str(
                &child(path, "x-kubernetes-list-type"),
                lt,
                detail,
            )),
            _ => {}
        }
    }
    if list_type == Some("map") {
        map_list(s, path, &keys, out);
    }
    if let (Some(lt @ ("set" | "map")), Some(items)) = (list_type, s.items()) {
        if items.nullable() {
            out.push(gofmt::forbidden(
                &child(&child(path, "items"), "nullable"),
                &format!("cannot be nullable when x-kubernetes-list-type is {lt}"),
            ));
        }
        if lt == "map" {
            let required = items.required();
            for k in &keys {
                let Some(p) = items.property(k) else { continue };
                let prop_path = key(&child(&child(path, "items"), "properties"), k);
                if !required.contains(k) && p.default().is_none() {
                    out.push(gofmt::required(
                        &child(&prop_path, "default"),
                        "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property",
                    ));
                }
                if p.nullable() {
                    out.push(gofmt::forbidden(
                        &child(&prop_path, "nullable"),
                        "this property is in x-kubernetes-list-map-keys, so it cannot be nullable",
                    ));
                }
            }
        }
    }
}

fn map_list(s: Node<'_>, path: &str, keys: &[&str], out: &mut Vec<Cause>) {
    if keys.is_empty() {
        out.push(gofmt::required(
            &child(path, "x-kubernetes-list-map-keys"),
            "must not be empty if x-kubernetes-list-type is map",
        ));
    }
    let Some(items) = s.items() else {
        out.push(gofmt::required(
            &child(path, "items"),
            "must have a schema if x-kubernetes-list-type is map",
        ));
        return;
    };
    if items.type_() != "object" {
        out.push(gofmt::invalid_str(
            &child(&child(path, "items"), "type"),
            items.type_(),
            "must be object if parent array's x-kubernetes-list-type is map",
        ));
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    for k in keys {
        match items.property(k) {
            Some(p) if p.type_() == "array" || p.type_() == "object" => out.push(gofmt::invalid_str(
                &child(&key(&child(&child(path, "items"), "properties"), k), "type"),
                items.type_(),
                "must be a scalar type if parent array's x-kubernetes-list-type is map",
            )),
            Some(_) => {}
            None => out.push(gofmt::invalid_raw(
                &child(path, "x-kubernetes-list-map-keys"),
                string_list(keys),
                "entries must all be names of item properties",
            )),
        }
        if seen.contains(k) {
            out.push(gofmt::invalid_raw(
                &child(path, "x-kubernetes-list-map-keys"),
                string_list(keys),
                "must not contain duplicate entries",
            ));
        }
        seen.push(k);
    }
}
