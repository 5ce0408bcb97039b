//! The checks of `x-kubernetes-validations` entries when a CRD is
//! written: their fields, their CEL against the schema, and the refusal of
//! rules kube-cel cannot evaluate.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{schema_errors, with_spec};
use crate::schema::celcheck::known_function;

const P: &str = "spec.validation.openAPIV3Schema";

#[test]
fn checks_validation_rules() {
    let props = json!({"a": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object",
        "properties": {"v": {"type": "integer"}}}}});
    let rule_value = |rule: &str| {
        format!(
            "apiextensions.ValidationRule{{Rule:{}, Message:\"\", MessageExpression:\"\", \
             Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}}",
            crate::schema::gofmt::quote(rule)
        )
    };
    let at = format!("{P}.properties[spec].x-kubernetes-validations[0]");
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        ("valid", json!({"rule": "self.a > 0"}), vec![]),
        (
            "empty rule",
            json!({"rule": " "}),
            vec![format!("{at}.rule: Required value: rule is not specified")],
        ),
        (
            "multi-line rule without message",
            json!({"rule": "self.a > 0 &&\nself.a < 9"}),
            vec![format!(
                "{at}.message: Required value: message must be specified if rule contains line breaks"
            )],
        ),
        (
            "unsupported reason",
            json!({"rule": "self.a > 0", "reason": "Nope"}),
            vec![format!(
                r#"{at}.reason: Unsupported value: "Nope": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired""#
            )],
        ),
        (
            "invalid fieldPath",
            json!({"rule": "self.a > 0", "fieldPath": ".nope"}),
            vec![format!(
                r#"{at}.fieldPath: Invalid value: ".nope": fieldPath must be a valid path"#
            )],
        ),
        (
            "undefined field",
            json!({"rule": "self.b > 0"}),
            vec![format!(
                "{at}.rule: Invalid value: {}: compilation failed: ERROR: <input>:1:5: undefined field 'b'\n | self.b > 0\n | ....^",
                rule_value("self.b > 0")
            )],
        ),
        (
            "undeclared reference",
            json!({"rule": "foo > 0"}),
            vec![format!(
                "{at}.rule: Invalid value: {}: compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo > 0\n | ^",
                rule_value("foo > 0")
            )],
        ),
        (
            "optionalOldSelf without oldSelf",
            json!({"rule": "self.a > 0", "optionalOldSelf": true}),
            vec![format!(
                "{at}.optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule"
            )],
        ),
    ];
    for (name, rule, expected) in cases {
        let schema = with_spec(
            json!({"type": "object", "properties": props.clone(), "x-kubernetes-validations": [rule]}),
        );
        assert_eq!(schema_errors(schema), expected, "{name}");
    }
}

#[test]
fn refuses_rules_kube_cel_cannot_evaluate() {
    for rule in [
        "self.items.sortBy(i, i.v) == self.items",
        "cel.bind(x, self.a, x > 0)",
        "self.items.all(i, v, v.v > 0)",
        "type(self.a) == int",
        "sets.nope([1], [2])",
        "self.?a.orValue(0) > 0",
    ] {
        let schema = with_spec(json!({"type": "object", "properties": {
            "a": {"type": "integer"},
            "items": {"type": "array", "items": {"type": "object", "properties": {"v": {"type": "integer"}}}},
        }, "x-kubernetes-validations": [{"rule": rule}]}));
        let errors = schema_errors(schema);
        assert_eq!(errors.len(), 1, "{rule}: {errors:?}");
        assert!(
            errors[0].contains("is not supported by kube-cel, the CEL engine kube-sim evaluates rules with"),
            "{rule}: {errors:?}"
        );
        assert!(errors[0].starts_with(&format!(
            "{P}.properties[spec].x-kubernetes-validations[0].rule: Invalid value: "
        )));
    }
}

#[test]
fn accepts_kube_cel_functions_and_macros() {
    for rule in [
        "self.items.all(i, i.v > 0) && self.items.exists(i, i.v > 1) && self.items.exists_one(i, i.v == 2)",
        "self.items.map(i, i.v).filter(v, v > 0).size() >= 0",
        "sets.contains([1, 2], [1]) && math.greatest(1, 2) == 2",
        "'abc'.lowerAscii().startsWith('a') && 'a,b'.split(',').size() == 2",
        "isURL('https://example.com') && quantity('1Gi').isGreaterThan(quantity('1Mi'))",
        "self.a in [1, 2] ? true : self.a > 0",
    ] {
        let schema = with_spec(json!({"type": "object", "properties": {
            "a": {"type": "integer"},
            "items": {"type": "array", "items": {"type": "object", "properties": {"v": {"type": "integer"}}}},
        }, "x-kubernetes-validations": [{"rule": rule}]}));
        assert_eq!(schema_errors(schema), Vec::<String>::new(), "{rule}");
    }
}

#[test]
fn forbids_old_self_in_uncorrelatable_lists() {
    let schema = with_spec(json!({"type": "object", "properties": {"items": {"type": "array",
        "items": {"type": "object", "properties": {"v": {"type": "integer"}},
            "x-kubernetes-validations": [{"rule": "self.v >= oldSelf.v"}]}}}}));
    assert_eq!(
        schema_errors(schema),
        vec![format!(
            r#"{P}.properties[spec].properties[items].items.x-kubernetes-validations[0].rule: Invalid value: "self.v >= oldSelf.v": oldSelf cannot be used on the uncorrelatable portion of the schema within {P}.properties[spec].properties[items]"#
        )]
    );
}

#[test]
fn every_kube_cel_function_resolves_without_panicking() {
    let cel_builtins = "contains size max min startsWith endsWith string bytes double int uint optional.none \
        optional.of optional.ofNonZeroValue value hasValue or orValue matches duration timestamp getFullYear \
        getMonth getDayOfYear getDayOfMonth getDate getDayOfWeek getHours getMinutes getSeconds getMilliseconds";
    let kube_cel = "add asApproximateFloat asInteger base64.decode base64.encode charAt cidr compareTo containsCIDR \
        containsIP distinct family find findAll first flatten format format.dns1123Label format.named indexOf ip \
        ip.isCanonical isCIDR isGlobalUnicast isGreaterThan isIP isInteger isLessThan isLoopback isQuantity isSemver \
        isSorted isURL join jsonpatch.escapeKey last lastIndexOf lists.range lowerAscii major masked math.abs \
        math.greatest math.least math.sqrt minor patch prefixLength quantity replace reverse semver sets.contains \
        sets.equivalent sets.intersects sign slice sort split strings.quote sub substring sum trim upperAscii url";
    for name in cel_builtins.split_whitespace().chain(kube_cel.split_whitespace()) {
        let known = match name.rsplit_once('.') {
            Some((namespace, f)) => known_function(f, true, Some(namespace)),
            None => known_function(name, false, None) || known_function(name, true, None),
        };
        assert!(known, "{name}");
    }
    for missing in ["sortBy", "bind", "transformList", "type", "nope"] {
        assert!(!known_function(missing, true, None), "{missing}");
    }
    assert!(!known_function("bind", true, Some("cel")));
}
