//! `x-kubernetes-list-type` uniqueness.

use pretty_assertions::assert_eq;
use serde_json::json;

use super::{outcome, reasons, widget, with_spec};

fn schema() -> serde_json::Value {
    with_spec(json!({
        "type": "object",
        "properties": {
            "conditions": {
                "type": "array",
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["type"],
                "items": {"type": "object", "required": ["type"], "properties": {
                    "type": {"type": "string"}, "status": {"type": "string"}}},
            },
            "ports": {
                "type": "array",
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["port", "protocol"],
                "items": {"type": "object", "required": ["port", "protocol"], "properties": {
                    "port": {"type": "integer"}, "protocol": {"type": "string"}}},
            },
            "hosts": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
            "atomic": {"type": "array", "x-kubernetes-list-type": "atomic", "items": {"type": "string"}},
        },
    }))
}

#[test]
fn map_lists_refuse_duplicate_keys() {
    let spec = json!({"conditions": [
        {"type": "Ready", "status": "True"}, {"type": "Ready", "status": "False"}, {"type": "Ready"}]});
    assert_eq!(
        outcome(&schema(), widget(spec.clone())),
        vec![r#"spec.conditions[1]: Duplicate value: map[string]interface {}{"type":"Ready"}"#]
    );
    assert_eq!(reasons(&schema(), widget(spec)), vec!["FieldValueDuplicate"]);
}

#[test]
fn map_lists_with_several_keys_compare_all_of_them() {
    let spec = json!({"ports": [
        {"port": 80, "protocol": "TCP"}, {"port": 80, "protocol": "UDP"}, {"port": 80, "protocol": "TCP"}]});
    assert_eq!(
        outcome(&schema(), widget(spec)),
        vec![r#"spec.ports[2]: Duplicate value: map[string]interface {}{"port":80, "protocol":"TCP"}"#]
    );
}

#[test]
fn sets_refuse_duplicate_items() {
    let spec = json!({"hosts": ["a", "b", "a", "a", "b"]});
    assert_eq!(
        outcome(&schema(), widget(spec)),
        vec![
            r#"spec.hosts[2]: Duplicate value: "a""#,
            r#"spec.hosts[4]: Duplicate value: "b""#
        ]
    );
}

#[test]
fn atomic_lists_take_duplicates() {
    assert_eq!(
        outcome(&schema(), widget(json!({"atomic": ["a", "a"]}))),
        Vec::<String>::new()
    );
}

#[test]
fn duplicates_already_stored_do_not_block_an_update() {
    let old = widget(json!({"hosts": ["a", "a"]}));
    let new = widget(json!({"hosts": ["a", "a", "b"]}));
    assert_eq!(
        super::outcome_update(&schema(), new, Some(&old)),
        Vec::<String>::new()
    );
    let clean = widget(json!({"hosts": ["a"]}));
    let dup = widget(json!({"hosts": ["b", "b"]}));
    assert_eq!(
        super::outcome_update(&schema(), dup, Some(&clean)),
        vec![r#"spec.hosts[1]: Duplicate value: "b""#]
    );
}
