//! The checks of a CRD schema: structural-ness, keywords, list types,
//! defaults, rules.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{schema_errors, with_spec};
use crate::schema::check_crd_schema_at;

const P: &str = "spec.validation.openAPIV3Schema";

#[test]
fn accepts_a_structural_schema() {
    let schema = with_spec(json!({
        "type": "object",
        "properties": {
            "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "raw": {"x-kubernetes-preserve-unknown-fields": true},
            "hosts": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "name": {"type": "string", "allOf": [{"pattern": "^a"}, {"maxLength": 3}]},
        },
        "x-kubernetes-validations": [{"rule": "has(self.name) || has(self.port)", "message": "name or port"}],
    }));
    assert_eq!(schema_errors(schema), Vec::<String>::new());
}

#[test]
fn refuses_non_structural_schemas_with_the_real_wording() {
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "missing type on a field",
            with_spec(json!({"type": "object", "properties": {"a": {"description": "x"}}})),
            vec![format!(
                "{P}.properties[spec].properties[a].type: Required value: must not be empty for specified object fields"
            )],
        ),
        (
            "missing type on items",
            with_spec(json!({"type": "array", "items": {}})),
            vec![format!(
                "{P}.properties[spec].items.type: Required value: must not be empty for specified array items"
            )],
        ),
        (
            "missing type at the root",
            json!({"properties": {"spec": {"type": "object"}}}),
            vec![format!("{P}.type: Required value: must not be empty at the root")],
        ),
        (
            "array without items",
            with_spec(json!({"type": "array"})),
            vec![format!(
                "{P}.properties[spec].items: Required value: must be specified"
            )],
        ),
        (
            "root type",
            json!({"type": "string"}),
            vec![format!(
                r#"{P}.type: Invalid value: "string": must be object at the root"#
            )],
        ),
        (
            "type inside allOf",
            with_spec(json!({"type": "object", "allOf": [{"type": "object"}]})),
            vec![format!(
                "{P}.properties[spec].allOf[0].type: Forbidden: must be empty to be structural"
            )],
        ),
        (
            "description inside anyOf",
            with_spec(json!({"type": "string", "anyOf": [{"description": "x", "pattern": "a"}]})),
            vec![format!(
                "{P}.properties[spec].anyOf[0].description: Forbidden: must be empty to be structural"
            )],
        ),
        (
            "field of a junctor missing from the spine",
            json!({"type": "object", "properties": {"spec": {"type": "object"}},
                   "anyOf": [{"properties": {"other": {"pattern": "a"}}}]}),
            vec![format!(
                "{P}.properties[other]: Required value: because it is defined in {P}.anyOf[0].properties[other]"
            )],
        ),
        (
            "$ref",
            with_spec(json!({"type": "object", "$ref": "#/definitions/x"})),
            vec![format!(
                "{P}.properties[spec].$ref: Forbidden: $ref is not supported"
            )],
        ),
        (
            "additionalProperties with properties",
            with_spec(json!({"type": "object", "properties": {"a": {"type": "string"}},
                             "additionalProperties": {"type": "string"}})),
            vec![format!(
                "{P}.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"
            )],
        ),
        (
            "additionalProperties at the root",
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
            vec![format!(
                "{P}.additionalProperties: Forbidden: must not be used at the root"
            )],
        ),
        (
            "metadata beyond name",
            json!({"type": "object", "properties": {"metadata": {"type": "object", "properties": {
                "labels": {"type": "object"}}}}}),
            vec![format!(
                "{P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified"
            )],
        ),
        (
            "int-or-string with preserve",
            with_spec(
                json!({"x-kubernetes-int-or-string": true, "x-kubernetes-preserve-unknown-fields": true}),
            ),
            vec![format!(
                "{P}.properties[spec].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true"
            )],
        ),
        (
            "uniqueItems",
            with_spec(json!({"type": "array", "uniqueItems": true, "items": {"type": "string"}})),
            vec![format!(
                "{P}.properties[spec].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic"
            )],
        ),
        (
            "unknown type",
            with_spec(json!({"type": "float"})),
            vec![format!(
                r#"{P}.properties[spec].type: Unsupported value: "float": supported values: "array", "boolean", "integer", "number", "object", "string""#
            )],
        ),
        (
            "bad pattern",
            with_spec(json!({"type": "string", "pattern": "(a"})),
            vec![format!(
                r#"{P}.properties[spec].pattern: Invalid value: "(a": must be a valid regular expression, but isn't: error parsing regexp: unclosed group"#
            )],
        ),
        (
            "default in top-level metadata",
            json!({"type": "object", "properties": {"metadata": {"type": "object", "default": {}}}}),
            vec![format!(
                "{P}.properties[metadata].default: Forbidden: must not be set in top-level metadata"
            )],
        ),
        (
            "invalid default",
            with_spec(
                json!({"type": "object", "properties": {"replicas": {"type": "integer", "default": "one"}}}),
            ),
            vec![format!(
                r#"{P}.properties[spec].properties[replicas].default: Invalid value: "string":  in body must be of type integer: "string""#
            )],
        ),
        (
            "unpruned default",
            with_spec(
                json!({"type": "object", "default": {"junk": 1}, "properties": {"a": {"type": "string"}}}),
            ),
            vec![format!(
                r#"{P}.properties[spec].default: Invalid value: map[string]interface {{}}{{"junk":1}}: must not have unknown fields"#
            )],
        ),
    ];
    for (name, schema, expected) in cases {
        assert_eq!(schema_errors(schema), expected, "{name}");
    }
}

#[test]
fn checks_list_types_and_map_keys() {
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "list-type on an object",
            with_spec(json!({"type": "object", "x-kubernetes-list-type": "set"})),
            vec![format!(
                r#"{P}.properties[spec].type: Invalid value: "object": must be array if x-kubernetes-list-type is specified"#
            )],
        ),
        (
            "unknown list-type",
            with_spec(json!({"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "bag"})),
            vec![format!(
                r#"{P}.properties[spec].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map""#
            )],
        ),
        (
            "map keys without map",
            with_spec(
                json!({"type": "array", "items": {"type": "string"}, "x-kubernetes-list-map-keys": ["a"]}),
            ),
            vec![format!(
                "{P}.properties[spec].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty"
            )],
        ),
        (
            "map without keys",
            with_spec(json!({"type": "array", "items": {"type": "object"}, "x-kubernetes-list-type": "map"})),
            vec![format!(
                "{P}.properties[spec].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map"
            )],
        ),
        (
            "map key not a property",
            with_spec(
                json!({"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                "items": {"type": "object", "properties": {"a": {"type": "string"}}}}),
            ),
            vec![format!(
                r#"{P}.properties[spec].x-kubernetes-list-map-keys: Invalid value: []string{{"name"}}: entries must all be names of item properties"#
            )],
        ),
        (
            "map key neither required nor defaulted",
            with_spec(
                json!({"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                "items": {"type": "object", "properties": {"name": {"type": "string"}}}}),
            ),
            vec![format!(
                "{P}.properties[spec].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"
            )],
        ),
        (
            "set of granular objects",
            with_spec(json!({"type": "array", "x-kubernetes-list-type": "set",
                "items": {"type": "object", "properties": {"a": {"type": "string"}}}})),
            vec![format!(
                r#"{P}.properties[spec].items.x-kubernetes-map-type: Invalid value: "null": must be atomic as item of a list with x-kubernetes-list-type=set"#
            )],
        ),
    ];
    for (name, schema, expected) in cases {
        assert_eq!(schema_errors(schema), expected, "{name}");
    }
}

#[test]
fn restricts_the_root_under_a_status_subresource() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object"}}, "nullable": true});
    let errors: Vec<String> = check_crd_schema_at(&schema, "spec.versions[0].schema.openAPIV3Schema", true)
        .iter()
        .map(|c| c.text())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("spec.versions[0].schema.openAPIV3Schema: Invalid value: "));
    assert!(
        errors[0]
            .ends_with("fields are allowed at the root of the schema if the status subresource is enabled")
    );
    assert_eq!(
        errors[1],
        "spec.versions[0].schema.openAPIV3Schema.nullable: Forbidden: nullable cannot be true at the root"
    );
}

#[test]
fn go_formatting_of_bad_values() {
    use crate::schema::gofmt::{bad_value, float, quote};
    assert_eq!(quote("a\"b\\c\n\u{1}é"), r#""a\"b\\c\n\x01é""#);
    assert_eq!(float(1.5), "1.5");
    assert_eq!(float(1e21), "1e+21");
    assert_eq!(float(0.00001), "1e-05");
    assert_eq!(float(100.0), "100");
    assert_eq!(bad_value(&json!(null)), r#""null""#);
    assert_eq!(bad_value(&json!(3)), "3");
    assert_eq!(
        bad_value(&json!(["a", 1, true, null])),
        r#"[]interface {}{"a", 1, true, interface {}(nil)}"#
    );
    assert_eq!(
        bad_value(&json!({"b": {"c": 1.5}, "a": "x"})),
        r#"map[string]interface {}{"a":"x", "b":map[string]interface {}{"c":1.5}}"#
    );
}
