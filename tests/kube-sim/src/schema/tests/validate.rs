//! OpenAPI validation: one case per keyword, with kube-openapi's message
//! as `kubeOpenAPIResultToFieldErrors` turns it into a field error.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{outcome, reasons, widget, with_spec};

fn spec_props(props: Value) -> Value {
    with_spec(json!({"type": "object", "properties": props}))
}

#[test]
fn reports_each_keyword_with_the_real_wording() {
    let cases: Vec<(&str, Value, Value, Vec<&str>)> = vec![
        (
            "type",
            json!({"replicas": {"type": "integer"}}),
            json!({"replicas": "3"}),
            vec![
                r#"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#,
            ],
        ),
        (
            "type of an object",
            json!({"selector": {"type": "object"}}),
            json!({"selector": ["a"]}),
            vec![
                r#"spec.selector: Invalid value: "array": spec.selector in body must be of type object: "array""#,
            ],
        ),
        (
            "integral number for an integer",
            json!({"replicas": {"type": "integer"}}),
            json!({"replicas": 3.0}),
            vec![],
        ),
        (
            "number for an integer",
            json!({"replicas": {"type": "integer"}}),
            json!({"replicas": 3.5}),
            vec![
                r#"spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number""#,
            ],
        ),
        (
            "integer for a number",
            json!({"ratio": {"type": "number"}}),
            json!({"ratio": 3}),
            vec![],
        ),
        (
            "enum",
            json!({"mode": {"type": "string", "enum": ["a", "b"]}}),
            json!({"mode": "x"}),
            vec![r#"spec.mode: Unsupported value: "x": supported values: "a", "b""#],
        ),
        (
            "numeric enum",
            json!({"size": {"type": "integer", "enum": [256, 384]}}),
            json!({"size": 512}),
            vec![r#"spec.size: Unsupported value: 512: supported values: "256", "384""#],
        ),
        (
            "pattern",
            json!({"name": {"type": "string", "pattern": "^[a-z]+$"}}),
            json!({"name": "A1"}),
            vec![r#"spec.name: Invalid value: "A1": spec.name in body should match '^[a-z]+$'"#],
        ),
        (
            "maxLength",
            json!({"name": {"type": "string", "maxLength": 3}}),
            json!({"name": "abcd"}),
            vec!["spec.name: Too long: may not be more than 3 bytes"],
        ),
        (
            "maxLength of one",
            json!({"name": {"type": "string", "maxLength": 1}}),
            json!({"name": "ab"}),
            vec!["spec.name: Too long: may not be more than 1 byte"],
        ),
        (
            "minLength",
            json!({"name": {"type": "string", "minLength": 3}}),
            json!({"name": "ab"}),
            vec![r#"spec.name: Invalid value: "ab": spec.name in body should be at least 3 chars long"#],
        ),
        (
            "length counts characters",
            json!({"name": {"type": "string", "maxLength": 2}}),
            json!({"name": "éé"}),
            vec![],
        ),
        (
            "minimum",
            json!({"replicas": {"type": "integer", "minimum": 1}}),
            json!({"replicas": 0}),
            vec![
                "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
            ],
        ),
        (
            "exclusiveMinimum",
            json!({"replicas": {"type": "integer", "minimum": 1, "exclusiveMinimum": true}}),
            json!({"replicas": 1}),
            vec!["spec.replicas: Invalid value: 1: spec.replicas in body should be greater than 1"],
        ),
        (
            "maximum",
            json!({"ratio": {"type": "number", "maximum": 1.5}}),
            json!({"ratio": 2.25}),
            vec!["spec.ratio: Invalid value: 2.25: spec.ratio in body should be less than or equal to 1.5"],
        ),
        (
            "exclusiveMaximum",
            json!({"replicas": {"type": "integer", "maximum": 10, "exclusiveMaximum": true}}),
            json!({"replicas": 10}),
            vec!["spec.replicas: Invalid value: 10: spec.replicas in body should be less than 10"],
        ),
        (
            "multipleOf",
            json!({"port": {"type": "integer", "multipleOf": 5}}),
            json!({"port": 12}),
            vec!["spec.port: Invalid value: 12: spec.port in body should be a multiple of 5"],
        ),
        (
            "minItems",
            json!({"hosts": {"type": "array", "minItems": 1, "items": {"type": "string"}}}),
            json!({"hosts": []}),
            vec!["spec.hosts: Invalid value: 0: spec.hosts in body should have at least 1 items"],
        ),
        (
            "maxItems",
            json!({"hosts": {"type": "array", "maxItems": 2, "items": {"type": "string"}}}),
            json!({"hosts": ["a", "b", "c"]}),
            vec!["spec.hosts: Too many: 3: must have at most 2 items"],
        ),
        (
            "item types",
            json!({"hosts": {"type": "array", "items": {"type": "string"}}}),
            json!({"hosts": ["a", 1]}),
            vec![
                r#"spec.hosts[1]: Invalid value: "integer": spec.hosts[1] in body must be of type string: "integer""#,
            ],
        ),
        (
            "minProperties",
            json!({"labels": {"type": "object", "minProperties": 2, "additionalProperties": {"type": "string"}}}),
            json!({"labels": {"a": "b"}}),
            vec!["spec.labels: Invalid value: 1: spec.labels in body should have at least 2 properties"],
        ),
        (
            "maxProperties",
            json!({"labels": {"type": "object", "maxProperties": 1, "additionalProperties": {"type": "string"}}}),
            json!({"labels": {"a": "b", "c": "d"}}),
            vec!["spec.labels: Too many: 2: must have at most 1 item"],
        ),
        (
            "map values",
            json!({"labels": {"type": "object", "additionalProperties": {"type": "string"}}}),
            json!({"labels": {"a": 1}}),
            vec![
                r#"spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer""#,
            ],
        ),
        (
            "required",
            json!({"issuerRef": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}),
            json!({"issuerRef": {}}),
            vec!["spec.issuerRef.name: Required value"],
        ),
        (
            "int-or-string takes integers",
            json!({"port": {"x-kubernetes-int-or-string": true}}),
            json!({"port": 8080}),
            vec![],
        ),
        (
            "int-or-string takes strings",
            json!({"port": {"x-kubernetes-int-or-string": true}}),
            json!({"port": "http"}),
            vec![],
        ),
        (
            "int-or-string refuses booleans",
            json!({"port": {"x-kubernetes-int-or-string": true}}),
            json!({"port": true}),
            vec![
                r#"spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean""#,
            ],
        ),
        (
            "nullable takes null",
            json!({"note": {"type": "string", "nullable": true}}),
            json!({"note": null}),
            vec![],
        ),
        (
            "null list item",
            json!({"hosts": {"type": "array", "items": {"type": "string"}}}),
            json!({"hosts": [null]}),
            vec![
                r#"spec.hosts[0]: Invalid value: "null": spec.hosts[0] in body must be of type string: "null""#,
            ],
        ),
    ];
    for (name, props, spec, expected) in cases {
        assert_eq!(outcome(&spec_props(props), widget(spec)), expected, "{name}");
    }
}

#[test]
fn reports_formats_as_types() {
    let cases: Vec<(&str, &str, bool)> = vec![
        ("date-time", "2024-01-02T03:04:05Z", true),
        ("date-time", "2024-01-02T03:04:05.123+02:00", true),
        ("date-time", "2024-01-02 03:04:05", false),
        ("date-time", "2024-13-02T03:04:05Z", false),
        ("date", "2024-02-29", true),
        ("date", "2023-02-29", false),
        ("byte", "aGVsbG8=", true),
        ("byte", "not base64!", false),
        ("int32", "12", true),
        ("uri", "https://example.com/a", true),
        ("uri", "example", false),
        ("email", "a@example.com", true),
        ("email", "nope", false),
        ("hostname", "example.com", true),
        ("hostname", "-bad-.com", false),
        ("ipv4", "10.0.0.1", true),
        ("ipv4", "10.0.0.256", false),
        ("ipv6", "::1", true),
        ("ipv6", "10.0.0.1", false),
        ("cidr", "10.0.0.0/8", true),
        ("cidr", "10.0.0.0/33", false),
        ("uuid", "123e4567-e89b-12d3-a456-426614174000", true),
        ("uuid", "123", false),
        ("duration", "1h30m", true),
        ("duration", "3 days", true),
        ("duration", "forever", false),
        ("mac", "00:1a:2b:3c:4d:5e", true),
        ("k8s-short-name", "my-name", true),
        ("k8s-short-name", "My-Name", false),
        ("unknown-format", "anything", true),
    ];
    for (format, value, valid) in cases {
        let schema = spec_props(json!({"field": {"type": "string", "format": format}}));
        let expected = if valid {
            vec![]
        } else {
            vec![format!(
                r#"spec.field: Invalid value: "{value}": spec.field in body must be of type {format}: "{value}""#
            )]
        };
        assert_eq!(
            outcome(&schema, widget(json!({"field": value}))),
            expected,
            "{format} {value}"
        );
    }
}

#[test]
fn a_formatted_string_field_given_a_number_names_the_format() {
    let schema = spec_props(json!({"when": {"type": "string", "format": "date-time"}}));
    assert_eq!(
        outcome(&schema, widget(json!({"when": 5}))),
        vec![r#"spec.when: Invalid value: "int64": spec.when in body must be of type date-time: "int64""#]
    );
}

#[test]
fn junctors_fail_without_a_field_path() {
    let schema =
        spec_props(json!({"name": {"type": "string", "anyOf": [{"pattern": "^a"}, {"pattern": "^b"}]}}));
    assert_eq!(
        outcome(&schema, widget(json!({"name": "c"}))),
        vec![
            r#"<nil>: Invalid value: "": "spec.name" must validate at least one schema (anyOf)"#,
            r#"spec.name: Invalid value: "c": spec.name in body should match '^a'"#,
        ]
    );
    let schema = spec_props(json!({"name": {"type": "string", "not": {"pattern": "^a"}}}));
    assert_eq!(
        outcome(&schema, widget(json!({"name": "abc"}))),
        vec![r#"<nil>: Invalid value: "": "spec.name" must not validate the schema (not)"#]
    );
    let schema =
        spec_props(json!({"name": {"type": "string", "oneOf": [{"pattern": "^a"}, {"pattern": "c$"}]}}));
    assert_eq!(
        outcome(&schema, widget(json!({"name": "abc"}))),
        vec![
            r#"<nil>: Invalid value: "": "spec.name" must validate one and only one schema (oneOf). Found 2 valid alternatives"#
        ]
    );
}

#[test]
fn min_properties_stops_the_object_validation() {
    let schema = spec_props(json!({
        "o": {"type": "object", "minProperties": 2, "properties": {"a": {"type": "integer"}}}
    }));
    assert_eq!(
        outcome(&schema, widget(json!({"o": {"a": "x"}}))),
        vec!["spec.o: Invalid value: 1: spec.o in body should have at least 2 properties"]
    );
}

#[test]
fn blocking_errors_skip_the_rules_with_the_real_notice() {
    let schema = with_spec(json!({
        "type": "object",
        "properties": {"replicas": {"type": "integer"}},
        "x-kubernetes-validations": [{"rule": "false", "message": "never"}],
    }));
    assert_eq!(
        outcome(&schema, widget(json!({"replicas": "3"}))),
        vec![
            r#"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#,
            r#"<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"#,
        ]
    );
    assert_eq!(
        reasons(&schema, widget(json!({"replicas": "3"}))),
        vec!["FieldValueTypeInvalid", "FieldValueInvalid"]
    );
}

#[test]
fn a_pattern_error_does_not_block_the_rules() {
    let schema = with_spec(json!({
        "type": "object",
        "properties": {"name": {"type": "string", "pattern": "^a"}},
        "x-kubernetes-validations": [{"rule": "false", "message": "never"}],
    }));
    assert_eq!(
        outcome(&schema, widget(json!({"name": "b"}))),
        vec![
            r#"spec.name: Invalid value: "b": spec.name in body should match '^a'"#,
            "spec: Invalid value: never",
        ]
    );
}

#[test]
fn reasons_follow_the_error_types() {
    let schema = spec_props(json!({
        "a": {"type": "integer"},
        "b": {"type": "string", "enum": ["x"]},
        "c": {"type": "string", "maxLength": 1},
        "d": {"type": "array", "maxItems": 0, "items": {"type": "string"}},
        "e": {"type": "string", "pattern": "^z"},
    }));
    let spec = json!({"a": "1", "b": "y", "c": "long", "d": ["x"], "e": "a"});
    assert_eq!(
        reasons(&schema, widget(spec)),
        vec![
            "FieldValueTypeInvalid",
            "FieldValueNotSupported",
            "FieldValueTooLong",
            "FieldValueTooMany",
            "FieldValueInvalid",
        ]
    );
}

#[test]
fn updates_ratchet_errors_of_unchanged_fields() {
    let schema = spec_props(json!({"name": {"type": "string", "maxLength": 3}, "other": {"type": "string"}}));
    let old = widget(json!({"name": "toolong", "other": "a"}));
    let new = widget(json!({"name": "toolong", "other": "b"}));
    assert_eq!(
        super::outcome_update(&schema, new, Some(&old)),
        Vec::<String>::new()
    );
    let changed = widget(json!({"name": "stilltoolong", "other": "a"}));
    assert_eq!(
        super::outcome_update(&schema, changed, Some(&old)),
        vec!["spec.name: Too long: may not be more than 3 bytes"]
    );
}
