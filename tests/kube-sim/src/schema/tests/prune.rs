//! Pruning, `fieldValidation`, nulls and defaults.

use pretty_assertions::assert_eq;
use serde_json::json;

use super::{admitted, widget, with_spec};
use crate::schema::{FieldValidation, Rejection, admit, admit_detailed, strict_decoding_error};

fn schema() -> serde_json::Value {
    with_spec(json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "items": {"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}}}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                    "properties": {"known": {"type": "object", "properties": {"x": {"type": "string"}}}}},
        },
    }))
}

#[test]
fn ignore_prunes_unknown_fields_silently() {
    let object = widget(json!({"name": "n", "foo": 1, "items": [{"a": "x", "b": 2}]}));
    let (pruned, warnings) = admitted(&schema(), object, FieldValidation::Ignore);
    assert_eq!(pruned["spec"], json!({"name": "n", "items": [{"a": "x"}]}));
    assert_eq!(warnings, Vec::<String>::new());
}

#[test]
fn warn_prunes_and_warns_with_the_field_paths() {
    let object = widget(json!({"name": "n", "foo": 1, "items": [{"a": "x", "b": 2}]}));
    let mut top = object.clone();
    top["extra"] = json!(true);
    let (pruned, warnings) = admitted(&schema(), top, FieldValidation::Warn);
    assert_eq!(pruned["spec"], json!({"name": "n", "items": [{"a": "x"}]}));
    assert!(pruned.get("extra").is_none());
    assert_eq!(
        warnings,
        vec![
            r#"unknown field "extra""#,
            r#"unknown field "spec.foo""#,
            r#"unknown field "spec.items[0].b""#
        ]
    );
}

#[test]
fn strict_refuses_unknown_fields() {
    let mut object = widget(json!({"name": "n", "foo": 1, "items": [{"b": 2}]}));
    let refused = admit_detailed(&schema(), &mut object, None, FieldValidation::Strict);
    let expected = vec!["spec.foo".to_string(), "spec.items[0].b".to_string()];
    assert_eq!(refused, Err(Rejection::UnknownFields(expected.clone())));
    assert_eq!(
        strict_decoding_error(&expected),
        r#"strict decoding error: unknown field "spec.foo", unknown field "spec.items[0].b""#
    );
    let mut object = widget(json!({"foo": 1}));
    let causes = admit(&schema(), &mut object, None, FieldValidation::Strict).unwrap_err();
    assert_eq!(causes[0].reason, crate::schema::UNKNOWN_FIELD_REASON);
    assert_eq!(causes[0].field, "spec.foo");
    assert_eq!(causes[0].message, r#"unknown field "spec.foo""#);
}

#[test]
fn preserve_unknown_fields_keeps_unknown_fields_but_prunes_known_ones() {
    let object = widget(json!({"raw": {"anything": {"deep": 1}, "known": {"x": "1", "y": 2}}}));
    let (pruned, warnings) = admitted(&schema(), object, FieldValidation::Warn);
    assert_eq!(
        pruned["spec"]["raw"],
        json!({"anything": {"deep": 1}, "known": {"x": "1"}})
    );
    assert_eq!(warnings, vec![r#"unknown field "spec.raw.known.y""#]);
}

#[test]
fn metadata_api_version_and_kind_are_not_pruned() {
    let mut object = widget(json!({}));
    object["metadata"]["labels"] = json!({"a": "b"});
    object["metadata"]["unknownMeta"] = json!(1);
    let (pruned, warnings) = admitted(&schema(), object.clone(), FieldValidation::Strict);
    assert_eq!(pruned["metadata"], object["metadata"]);
    assert_eq!(pruned["apiVersion"], "example.com/v1");
    assert_eq!(warnings, Vec::<String>::new());
}

#[test]
fn map_values_are_kept_and_validated() {
    let object = widget(json!({"labels": {"a": "b", "c.d/e": "f"}}));
    let (pruned, _) = admitted(&schema(), object, FieldValidation::Strict);
    assert_eq!(pruned["spec"]["labels"], json!({"a": "b", "c.d/e": "f"}));
}

#[test]
fn defaults_fill_missing_fields_items_and_map_values() {
    let schema = with_spec(json!({
        "type": "object",
        "default": {},
        "properties": {
            "replicas": {"type": "integer", "default": 1},
            "strategy": {"type": "object", "default": {}, "properties": {"kind": {"type": "string", "default": "Rolling"}}},
            "ports": {"type": "array", "items": {"type": "object", "properties": {
                "protocol": {"type": "string", "default": "TCP"}, "port": {"type": "integer"}}}},
            "weights": {"type": "object", "additionalProperties": {"type": "object", "properties": {
                "w": {"type": "integer", "default": 10}}}},
            "kept": {"type": "integer", "default": 5},
        },
    }));
    let object = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
    let (defaulted, _) = admitted(&schema, object, FieldValidation::Strict);
    assert_eq!(
        defaulted["spec"],
        json!({"replicas": 1, "strategy": {"kind": "Rolling"}, "kept": 5})
    );

    let object = widget(json!({"ports": [{"port": 80}], "weights": {"a": {}}, "kept": 7}));
    let (defaulted, _) = admitted(&schema, object, FieldValidation::Strict);
    assert_eq!(
        defaulted["spec"],
        json!({
            "replicas": 1, "strategy": {"kind": "Rolling"}, "kept": 7,
            "ports": [{"port": 80, "protocol": "TCP"}], "weights": {"a": {"w": 10}},
        })
    );
}

#[test]
fn nulls_of_non_nullable_fields_are_dropped_or_defaulted() {
    let schema = with_spec(json!({
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "replicas": {"type": "integer", "default": 3},
            "note": {"type": "string", "nullable": true},
            "other": {"type": "string"},
        },
    }));
    let object = widget(json!({"name": "n", "replicas": null, "note": null, "other": null}));
    let (admitted_object, _) = admitted(&schema, object, FieldValidation::Strict);
    assert_eq!(
        admitted_object["spec"],
        json!({"name": "n", "replicas": 3, "note": null})
    );

    // A required field sent as null is dropped, then missing.
    let refused = super::outcome(&schema, widget(json!({"name": null})));
    assert_eq!(refused, vec!["spec.name: Required value"]);
}

#[test]
fn defaults_are_pruned_like_the_rest() {
    let schema = with_spec(json!({
        "type": "object",
        "properties": {"opts": {"type": "object", "default": {"a": "x", "junk": 1}, "properties": {"a": {"type": "string"}}}},
    }));
    let (object, _) = admitted(&schema, widget(json!({})), FieldValidation::Strict);
    assert_eq!(object["spec"], json!({"opts": {"a": "x"}}));
}
