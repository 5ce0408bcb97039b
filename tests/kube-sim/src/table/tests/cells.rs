//! JSONPath translation and selection, and the conversion of selected
//! values to cells of each column type.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::now;
use crate::table::custom::cell;
use crate::table::jsonpath::{first, translate};

#[test]
fn k8s_jsonpath_translates_to_rfc9535() {
    let cases = [
        (".spec.secretName", "$['spec']['secretName']"),
        (
            ".status.conditions[?(@.type==\"Ready\")].status",
            "$['status']['conditions'][?(@['type'] == \"Ready\")]['status']",
        ),
        (
            ".status.conditions[?(@.type == 'Ready')].status",
            "$['status']['conditions'][?(@['type'] == \"Ready\")]['status']",
        ),
        (
            ".metadata.annotations.cert-manager\\.io/issuer",
            "$['metadata']['annotations']['cert-manager.io/issuer']",
        ),
        (".spec.dnsNames[0]", "$['spec']['dnsNames'][0]"),
        (".spec.dnsNames[*]", "$['spec']['dnsNames'][*]"),
        (".spec.dnsNames[1:3]", "$['spec']['dnsNames'][1:3]"),
        (
            ".metadata.labels['app.kubernetes.io/name']",
            "$['metadata']['labels']['app.kubernetes.io/name']",
        ),
        ("{.spec.x}", "$['spec']['x']"),
        ("..name", "$..['name']"),
        (
            ".items[?(@.port>8000)].name",
            "$['items'][?(@['port'] > 8000)]['name']",
        ),
        (
            ".status.conditions[?(@.reason)].type",
            "$['status']['conditions'][?(@['reason'])]['type']",
        ),
    ];
    for (k8s, rfc) in cases {
        assert_eq!(translate(k8s).as_deref(), Ok(rfc), "{k8s}");
    }
    for invalid in [
        ".spec[",
        ".spec[?(@.a==\"x\"",
        ".spec[a b]",
        ".spec[?(@.a=~\"x\")]",
    ] {
        assert!(translate(invalid).is_err(), "{invalid} should not translate");
    }
}

#[test]
fn jsonpath_selects_the_first_match() {
    let object = json!({
        "metadata": {"annotations": {"cert-manager.io/issuer": "ca"}},
        "status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "Ready", "status": "False"}]},
        "spec": {"dnsNames": ["a.example", "b.example"], "ports": [{"port": 80, "name": "http"}, {"port": 8443, "name": "https"}]},
    });
    assert_eq!(
        first(&object, ".status.conditions[?(@.type==\"Ready\")].status"),
        Some(&json!("True"))
    );
    assert_eq!(
        first(&object, ".metadata.annotations.cert-manager\\.io/issuer"),
        Some(&json!("ca"))
    );
    assert_eq!(first(&object, ".spec.dnsNames[*]"), Some(&json!("a.example")));
    assert_eq!(
        first(&object, ".spec.ports[?(@.port > 8000)].name"),
        Some(&json!("https"))
    );
    assert_eq!(first(&object, ".spec.missing"), None);
    assert_eq!(
        first(&object, ".status.conditions[?(@.type==\"Gone\")].status"),
        None
    );
}

#[test]
fn cells_convert_values_as_the_table_convertor_does() {
    let now = now();
    let cases: Vec<(&str, Option<Value>, Value)> = vec![
        ("string", Some(json!("x")), json!("x")),
        ("string", Some(json!(3)), json!("3")),
        ("string", Some(json!(1.5)), json!("1.5")),
        ("string", Some(json!(1234567.5)), json!("1.2345675e+06")),
        ("string", Some(json!(0.00001)), json!("1e-05")),
        ("string", Some(json!(true)), json!("true")),
        ("string", Some(json!(["a", "b"])), json!("[\"a\",\"b\"]")),
        (
            "string",
            Some(json!({"b": 1, "a": "<x>"})),
            json!("{\"a\":\"\\u003cx\\u003e\",\"b\":1}"),
        ),
        ("string", Some(Value::Null), json!("<no value>")),
        ("string", None, Value::Null),
        ("integer", Some(json!(7)), json!(7)),
        ("integer", Some(json!(7.9)), json!(7)),
        ("integer", Some(json!("7")), Value::Null),
        ("number", Some(json!(2)), json!(2)),
        ("number", Some(json!(2.5)), json!(2.5)),
        ("boolean", Some(json!(false)), json!(false)),
        ("boolean", Some(json!("false")), Value::Null),
        ("date", Some(json!("2025-06-01T11:00:00Z")), json!("60m")),
        ("date", Some(json!("2025-05-30T12:00:00Z")), json!("2d")),
        ("date", Some(json!("")), json!("<unknown>")),
        ("date", Some(json!("yesterday")), json!("<invalid>")),
        ("date", Some(json!(5)), Value::Null),
        ("date", Some(Value::Null), Value::Null),
        ("array", Some(json!([1])), Value::Null),
    ];
    for (type_, value, expected) in cases {
        assert_eq!(cell(type_, value.as_ref(), now), expected, "{type_} {value:?}");
    }
}
