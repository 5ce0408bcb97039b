//! `x-kubernetes-validations` evaluation: messages, reasons, field paths,
//! transition rules and ratcheting.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{outcome, outcome_update, reasons, widget, with_spec};

fn spec_with_rules(rules: Value, props: Value) -> Value {
    with_spec(json!({"type": "object", "properties": props, "x-kubernetes-validations": rules}))
}

#[test]
fn a_failed_rule_reports_its_message_at_its_node() {
    let schema = with_spec(json!({
        "type": "object",
        "properties": {"duration": {"type": "string", "x-kubernetes-validations": [
            {"rule": "duration(self) >= duration('1h')", "message": "must be at least an hour"}]}},
    }));
    assert_eq!(
        outcome(&schema, widget(json!({"duration": "30m"}))),
        vec![r#"spec.duration: Invalid value: "30m": must be at least an hour"#]
    );
    assert_eq!(
        outcome(&schema, widget(json!({"duration": "2h"}))),
        Vec::<String>::new()
    );
}

#[test]
fn messages_reasons_and_field_paths() {
    let props = json!({"a": {"type": "integer"}, "b": {"type": "integer"}, "m": {"type": "object",
        "additionalProperties": {"type": "string"}}});
    let cases: Vec<(&str, Value, Vec<&str>, Vec<&str>)> = vec![
        (
            "default message",
            json!({"rule": "self.a > 1"}),
            vec!["spec: Invalid value: failed rule: self.a > 1"],
            vec!["FieldValueInvalid"],
        ),
        (
            "message trimmed",
            json!({"rule": "self.a > 1", "message": "  a must exceed 1 "}),
            vec!["spec: Invalid value: a must exceed 1"],
            vec!["FieldValueInvalid"],
        ),
        (
            "messageExpression",
            json!({"rule": "self.a > 1", "message": "static", "messageExpression": "'a is ' + string(self.a)"}),
            vec!["spec: Invalid value: a is 1"],
            vec!["FieldValueInvalid"],
        ),
        (
            "empty messageExpression result falls back to the message",
            json!({"rule": "self.a > 1", "message": "static", "messageExpression": "''"}),
            vec!["spec: Invalid value: static"],
            vec!["FieldValueInvalid"],
        ),
        (
            "reason Forbidden",
            json!({"rule": "self.a > 1", "message": "no", "reason": "FieldValueForbidden"}),
            vec!["spec: Forbidden: no"],
            vec!["FieldValueForbidden"],
        ),
        (
            "reason Required",
            json!({"rule": "self.a > 1", "message": "no", "reason": "FieldValueRequired"}),
            vec!["spec: Required value: no"],
            vec!["FieldValueRequired"],
        ),
        (
            "reason Duplicate",
            json!({"rule": "self.a > 1", "message": "no", "reason": "FieldValueDuplicate"}),
            vec!["spec: Duplicate value"],
            vec!["FieldValueDuplicate"],
        ),
        (
            "fieldPath",
            json!({"rule": "self.a > self.b", "message": "a must exceed b", "fieldPath": ".b"}),
            vec!["spec.b: Invalid value: a must exceed b"],
            vec!["FieldValueInvalid"],
        ),
        (
            "fieldPath with brackets",
            json!({"rule": "self.a > 1", "message": "no", "fieldPath": "['a']"}),
            vec!["spec.a: Invalid value: no"],
            vec!["FieldValueInvalid"],
        ),
        (
            "evaluation error",
            json!({"rule": "self.m['missing'] == 'x'", "message": "no"}),
            vec![r#"spec: Invalid value: "object": no such key: missing evaluating rule: no"#],
            vec!["FieldValueInvalid"],
        ),
    ];
    for (name, rule, expected, expected_reasons) in cases {
        let schema = spec_with_rules(json!([rule]), props.clone());
        let object = widget(json!({"a": 1, "b": 2, "m": {}}));
        assert_eq!(outcome(&schema, object.clone()), expected, "{name}");
        assert_eq!(reasons(&schema, object), expected_reasons, "{name}");
    }
}

#[test]
fn rules_on_scalars_print_the_value() {
    let schema = with_spec(json!({"type": "object", "properties": {
        "n": {"type": "integer", "x-kubernetes-validations": [{"rule": "self >= 1", "message": "must not be less than 1"}]},
        "flag": {"type": "boolean", "x-kubernetes-validations": [{"rule": "self", "message": "must be true"}]},
    }}));
    assert_eq!(
        outcome(&schema, widget(json!({"n": 0, "flag": false}))),
        vec![
            "spec.flag: Invalid value: false: must be true",
            "spec.n: Invalid value: 0: must not be less than 1"
        ]
    );
}

#[test]
fn rules_run_on_items_and_map_values_with_their_paths() {
    let schema = with_spec(json!({"type": "object", "properties": {
        "hosts": {"type": "array", "items": {"type": "string",
            "x-kubernetes-validations": [{"rule": "self.endsWith('.example')", "message": "bad host"}]}},
        "labels": {"type": "object", "additionalProperties": {"type": "string",
            "x-kubernetes-validations": [{"rule": "size(self) < 4", "message": "too long"}]}},
    }}));
    assert_eq!(
        outcome(
            &schema,
            widget(json!({"hosts": ["a.example", "b.other"], "labels": {"k": "valuelong"}}))
        ),
        vec![
            r#"spec.hosts[1]: Invalid value: "b.other": bad host"#,
            r#"spec.labels[k]: Invalid value: "valuelong": too long"#,
        ]
    );
}

#[test]
fn rules_see_defaults_and_skip_nulls() {
    let schema = with_spec(json!({"type": "object", "properties": {
        "mode": {"type": "string", "default": "auto"},
        "note": {"type": "string", "nullable": true, "x-kubernetes-validations": [{"rule": "false", "message": "never"}]},
    }, "x-kubernetes-validations": [{"rule": "self.mode == 'auto'", "message": "mode is not defaulted"}]}));
    assert_eq!(
        outcome(&schema, widget(json!({"note": null}))),
        Vec::<String>::new()
    );
}

#[test]
fn root_rules_have_no_field_path() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "a": {"type": "string"}}}}, "x-kubernetes-validations": [
        {"rule": "self.metadata.name.startsWith('w-')", "message": "name must start with w-"}]});
    assert_eq!(
        outcome(&schema, widget(json!({}))),
        vec!["<nil>: Invalid value: name must start with w-"]
    );
}

#[test]
fn transition_rules_run_only_on_update() {
    let schema = spec_with_rules(
        json!([{"rule": "self.a >= oldSelf.a", "message": "a may not decrease"}]),
        json!({"a": {"type": "integer"}}),
    );
    assert_eq!(outcome(&schema, widget(json!({"a": 1}))), Vec::<String>::new());
    let old = widget(json!({"a": 5}));
    assert_eq!(
        outcome_update(&schema, widget(json!({"a": 4})), Some(&old)),
        vec!["spec: Invalid value: a may not decrease"]
    );
    assert_eq!(
        outcome_update(&schema, widget(json!({"a": 6})), Some(&old)),
        Vec::<String>::new()
    );
}

#[test]
fn transition_rules_in_map_lists_correlate_by_key() {
    let schema = with_spec(json!({"type": "object", "properties": {"items": {
        "type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
        "items": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "v": {"type": "integer"}},
            "x-kubernetes-validations": [{"rule": "self.v >= oldSelf.v", "message": "v may not decrease"}]},
    }}}));
    let old = widget(json!({"items": [{"name": "a", "v": 1}, {"name": "b", "v": 5}]}));
    // Reordered: b still 5, a still 1: nothing decreased.
    let reordered = widget(json!({"items": [{"name": "b", "v": 5}, {"name": "a", "v": 1}]}));
    assert_eq!(
        outcome_update(&schema, reordered, Some(&old)),
        Vec::<String>::new()
    );
    let decreased = widget(json!({"items": [{"name": "b", "v": 4}, {"name": "c", "v": 0}]}));
    assert_eq!(
        outcome_update(&schema, decreased, Some(&old)),
        vec!["spec.items[0]: Invalid value: v may not decrease"]
    );
}

#[test]
fn failures_of_unchanged_fields_are_ratcheted_into_warnings() {
    let schema = with_spec(json!({"type": "object", "properties": {
        "a": {"type": "integer", "x-kubernetes-validations": [{"rule": "self < 10", "message": "a too big"}]},
        "b": {"type": "integer"},
    }}));
    let old = widget(json!({"a": 20, "b": 1}));
    assert_eq!(
        outcome_update(&schema, widget(json!({"a": 20, "b": 2})), Some(&old)),
        vec!["warning: spec.a: Invalid value: 20: a too big"]
    );
    assert_eq!(
        outcome_update(&schema, widget(json!({"a": 30, "b": 1})), Some(&old)),
        vec!["spec.a: Invalid value: 30: a too big"]
    );
}
