//! Secret, ConfigMap, Service, Namespace and Event rules.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{LABEL_MSG, SUBDOMAIN_MSG, builtin, texts};
use crate::validation::decode_error;

const NONE: Vec<String> = Vec::new();

fn secret(type_: &str, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "default"}, "type": type_, "data": data})
}

#[test]
fn secrets_by_type_require_their_keys() {
    let rt = builtin("", "Secret");
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (secret("Opaque", json!({"a": "YQ=="})), vec![]),
        (
            secret("kubernetes.io/tls", json!({"tls.crt": "", "tls.key": ""})),
            vec![],
        ),
        (
            secret("kubernetes.io/tls", json!({})),
            vec!["data[tls.crt]: Required value", "data[tls.key]: Required value"],
        ),
        (
            secret("kubernetes.io/tls", json!({"tls.crt": "YQ=="})),
            vec!["data[tls.key]: Required value"],
        ),
        (
            secret("kubernetes.io/basic-auth", json!({})),
            vec!["data[username]: Required value", "data[password]: Required value"],
        ),
        (
            secret("kubernetes.io/basic-auth", json!({"password": ""})),
            vec![],
        ),
        (
            secret("kubernetes.io/ssh-auth", json!({"ssh-privatekey": ""})),
            vec!["data[ssh-privatekey]: Required value"],
        ),
        (
            secret("kubernetes.io/dockerconfigjson", json!({})),
            vec!["data[.dockerconfigjson]: Required value"],
        ),
        (
            secret(
                "kubernetes.io/dockerconfigjson",
                json!({".dockerconfigjson": "bm9wZQ=="}),
            ),
            vec![
                "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'n' looking for beginning of value",
            ],
        ),
        (
            secret(
                "kubernetes.io/dockerconfigjson",
                json!({".dockerconfigjson": "e30="}),
            ),
            vec![],
        ),
        (
            secret("kubernetes.io/service-account-token", json!({})),
            vec!["metadata.annotations[kubernetes.io/service-account.name]: Required value"],
        ),
    ];
    for (object, expected) in cases {
        assert_eq!(texts(&rt, &object, None), expected, "{object}");
    }
}

#[test]
fn string_data_counts_as_data() {
    let rt = builtin("", "Secret");
    let mut object = secret("kubernetes.io/tls", json!({"tls.crt": "YQ=="}));
    object["stringData"] = json!({"tls.key": "key"});
    assert_eq!(texts(&rt, &object, None), NONE);
    let mut missing_type = secret("", json!({}));
    missing_type.as_object_mut().unwrap().remove("type");
    assert_eq!(texts(&rt, &missing_type, None), NONE);
}

#[test]
fn secret_keys_values_and_size() {
    let rt = builtin("", "Secret");
    let object = secret("Opaque", json!({"a b": "", "..x": "", "ok": "abcd!"}));
    assert_eq!(
        texts(&rt, &object, None),
        vec![
            "data[ok]: Invalid value: \"<secret contents redacted>\": illegal base64 data at input byte 4".to_string(),
            "data[..x]: Invalid value: \"..x\": must not start with '..'".to_string(),
            "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')".to_string(),
        ]
    );
    assert_eq!(
        decode_error(&rt, &object).as_deref(),
        Some("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 4")
    );
    assert_eq!(decode_error(&rt, &secret("Opaque", json!({"a": "YQ=="}))), None);
    let mut big = secret("Opaque", json!({}));
    big["stringData"] = json!({"big": "x".repeat(1024 * 1024 + 1)});
    assert_eq!(
        texts(&rt, &big, None),
        ["data: Too long: may not be more than 1048576 bytes"]
    );
}

#[test]
fn secret_type_and_immutable_data_cannot_change() {
    let rt = builtin("", "Secret");
    let old = secret("Opaque", json!({"a": "YQ=="}));
    let tls = secret("kubernetes.io/tls", json!({"tls.crt": "", "tls.key": ""}));
    assert_eq!(
        texts(&rt, &tls, Some(&old)),
        ["type: Invalid value: \"kubernetes.io/tls\": field is immutable"]
    );
    let mut frozen = old.clone();
    frozen["immutable"] = json!(true);
    let mut changed = frozen.clone();
    changed["data"] = json!({"a": "Yg=="});
    assert_eq!(
        texts(&rt, &changed, Some(&frozen)),
        ["data: Forbidden: field is immutable when `immutable` is set"]
    );
    let mut unfrozen = frozen.clone();
    unfrozen["immutable"] = json!(false);
    assert_eq!(
        texts(&rt, &unfrozen, Some(&frozen)),
        ["immutable: Forbidden: field is immutable when `immutable` is set"]
    );
    let mut same_by_string_data = frozen.clone();
    same_by_string_data["stringData"] = json!({"a": "a"});
    assert_eq!(texts(&rt, &same_by_string_data, Some(&frozen)), NONE);
}

#[test]
fn config_maps_check_keys_duplicates_size_and_immutability() {
    let rt = builtin("", "ConfigMap");
    let object = json!({"metadata": {"name": "c"}, "data": {"a": "1", "b c": "2"}, "binaryData": {"a": "AA==", "d": "AA=="}});
    assert_eq!(
        texts(&rt, &object, None),
        vec![
            "data[a]: Invalid value: \"a\": duplicate of key present in binaryData".to_string(),
            "data[b c]: Invalid value: \"b c\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')".to_string(),
        ]
    );
    let big = json!({"metadata": {"name": "c"}, "data": {"a": "x".repeat(1024 * 1024 + 1)}});
    assert_eq!(
        texts(&rt, &big, None),
        ["[]: Too long: may not be more than 1048576 bytes"]
    );
    let old = json!({"metadata": {"name": "c"}, "immutable": true, "data": {"a": "1"}});
    let new = json!({"metadata": {"name": "c"}, "immutable": true, "data": {"a": "2"}, "binaryData": {"b": "AA=="}});
    assert_eq!(
        texts(&rt, &new, Some(&old)),
        [
            "data: Forbidden: field is immutable when `immutable` is set",
            "binaryData: Forbidden: field is immutable when `immutable` is set"
        ]
    );
    assert_eq!(
        decode_error(&rt, &json!({"binaryData": {"b": "A"}})).as_deref(),
        Some(
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: illegal base64 data at input byte 0"
        )
    );
}

fn service(spec: Value) -> Value {
    json!({"metadata": {"name": "web", "namespace": "default"}, "spec": spec})
}

#[test]
fn service_ports_types_and_selectors() {
    let rt = builtin("", "Service");
    let cases: Vec<(Value, Vec<String>)> = vec![
        (json!({"ports": [{"port": 80, "targetPort": "http"}], "selector": {"app": "web"}}), vec![]),
        (json!({"ports": []}), vec!["spec.ports: Required value".into()]),
        (json!({"clusterIP": "None"}), vec![]),
        (json!({"type": "ExternalName", "externalName": "db.example.com."}), vec![]),
        (json!({"type": "ExternalName"}), vec!["spec.externalName: Required value".into()]),
        (
            json!({"type": "Magic", "ports": [{"port": 80}]}),
            vec!["spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"".into()],
        ),
        (
            json!({"ports": [{"port": 0, "protocol": "HTTP", "targetPort": 70000}]}),
            vec![
                "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive".into(),
                "spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"".into(),
                "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive".into(),
            ],
        ),
        (
            json!({"ports": [{"port": 80}, {"name": "Web", "port": 80, "nodePort": 30080}]}),
            vec![
                "spec.ports[0].name: Required value".into(),
                format!("spec.ports[1].name: Invalid value: \"Web\": {LABEL_MSG}"),
                "spec.ports[1].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'".into(),
                "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}".into(),
            ],
        ),
        (
            json!({"ports": [{"name": "a", "port": 80}, {"name": "a", "port": 81, "targetPort": "--x"}]}),
            vec![
                "spec.ports[1].name: Duplicate value: \"a\"".into(),
                "spec.ports[1].targetPort: Invalid value: \"--x\": must not contain consecutive hyphens".into(),
                "spec.ports[1].targetPort: Invalid value: \"--x\": must not begin or end with a hyphen".into(),
            ],
        ),
        (
            json!({"ports": [{"port": 80}], "selector": {"app": "-x"}}),
            vec!["spec.selector: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".into()],
        ),
    ];
    for (spec, expected) in cases {
        assert_eq!(texts(&rt, &service(spec.clone()), None), expected, "{spec}");
    }
}

#[test]
fn namespaces_are_dns_labels_with_valid_finalizers() {
    let rt = builtin("", "Namespace");
    let ok = json!({"metadata": {"name": "prod"}, "spec": {"finalizers": ["kubernetes"]}});
    assert_eq!(texts(&rt, &ok, None), NONE);
    let bad = json!({"metadata": {"name": "Prod"}, "spec": {"finalizers": ["custom"]}});
    assert_eq!(
        texts(&rt, &bad, None),
        vec![
            format!("metadata.name: Invalid value: \"Prod\": {LABEL_MSG}"),
            "spec.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified".into(),
        ]
    );
}

#[test]
fn core_events_only_check_namespaces() {
    let rt = builtin("", "Event");
    let event = |ns: &str, involved: &str| json!({"metadata": {"name": "Any_Name", "namespace": ns}, "involvedObject": {"kind": "Pod", "namespace": involved}});
    assert_eq!(texts(&rt, &event("default", "default"), None), NONE);
    assert_eq!(texts(&rt, &event("default", ""), None), NONE);
    assert_eq!(
        texts(&rt, &event("team", "other"), None),
        ["involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"]
    );
    let mut modern = event("team", "team");
    modern["eventTime"] = json!("2025-06-01T12:00:00.000000Z");
    assert_eq!(
        texts(&rt, &modern, None),
        vec![
            "reportingController: Required value".to_string(),
            "reportingController: Invalid value: \"\": name part must be non-empty".to_string(),
            "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".to_string(),
            "reportingInstance: Required value".to_string(),
            "action: Required value".to_string(),
            "reason: Required value".to_string(),
        ]
    );
}

#[test]
fn events_k8s_io_are_strict_and_use_internal_field_names() {
    let rt = builtin("events.k8s.io", "Event");
    let good = json!({
        "apiVersion": "events.k8s.io/v1", "metadata": {"name": "c.1", "namespace": "default"},
        "regarding": {"kind": "Certificate", "name": "c", "namespace": "default"},
        "eventTime": "2025-06-01T12:00:00.000000Z", "reportingController": "passerelle.dev/operator",
        "reportingInstance": "pod-1", "action": "Issue", "reason": "Issued", "type": "Normal", "note": "ok",
    });
    assert_eq!(texts(&rt, &good, None), NONE);
    let mut bad = good.clone();
    bad["metadata"]["name"] = json!("Bad_Name");
    bad["type"] = json!("Info");
    bad["deprecatedCount"] = json!(3);
    bad["series"] = json!({"count": 1});
    assert_eq!(
        texts(&rt, &bad, None),
        vec![
            format!("metadata.name: Invalid value: \"Bad_Name\": {SUBDOMAIN_MSG}"),
            "series.count: Invalid value: \"\": should be at least 2".to_string(),
            "series.lastObservedTime: Required value".to_string(),
            "type: Invalid value: \"\": has invalid value: Info".to_string(),
            "count: Invalid value: \"\": needs to be unset".to_string(),
        ]
    );
}
