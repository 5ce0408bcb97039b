//! Ingress, IngressClass and EndpointSlice rules.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{LABEL_MSG, SUBDOMAIN_MSG, builtin, texts};

const NONE: Vec<String> = Vec::new();

fn ingress(spec: Value) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "site", "namespace": "default"}, "spec": spec})
}

fn path(path: Value) -> Value {
    json!({"rules": [{"host": "a.example", "http": {"paths": [path]}}]})
}

fn service_backend(port: Value) -> Value {
    json!({"service": {"name": "web", "port": port}})
}

#[test]
fn a_valid_ingress_has_no_causes() {
    let rt = builtin("networking.k8s.io", "Ingress");
    let spec = json!({
        "ingressClassName": "passerelle",
        "tls": [{"hosts": ["a.example", "*.b.example"], "secretName": "site-tls"}],
        "rules": [
            {"host": "a.example", "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": service_backend(json!({"number": 80}))},
                {"path": "/api", "pathType": "Exact", "backend": service_backend(json!({"name": "http"}))},
                {"pathType": "ImplementationSpecific", "backend": {"resource": {"apiGroup": "k8s.example", "kind": "Bucket", "name": "static"}}},
            ]}},
            {"host": "*.b.example", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": service_backend(json!({"number": 8080}))}]}},
        ],
    });
    assert_eq!(texts(&rt, &ingress(spec), None), NONE);
}

#[test]
fn ingress_paths_and_path_types() {
    let rt = builtin("networking.k8s.io", "Ingress");
    let backend = service_backend(json!({"number": 80}));
    let p = "spec.rules[0].http.paths[0]";
    let cases: Vec<(Value, Vec<String>)> = vec![
        (
            json!({"path": "foo", "pathType": "Prefix", "backend": backend}),
            vec![format!(
                "{p}.path: Invalid value: \"foo\": must be an absolute path"
            )],
        ),
        (
            json!({"path": "foo", "pathType": "ImplementationSpecific", "backend": backend}),
            vec![format!(
                "{p}.path: Invalid value: \"foo\": must be an absolute path"
            )],
        ),
        (
            json!({"path": "", "pathType": "Exact", "backend": backend}),
            vec![format!("{p}.path: Invalid value: \"\": must be an absolute path")],
        ),
        (
            json!({"path": "/", "backend": backend}),
            vec![format!(
                "{p}.pathType: Required value: pathType must be specified"
            )],
        ),
        (
            json!({"path": "/", "pathType": "Regex", "backend": backend}),
            vec![format!(
                "{p}.pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""
            )],
        ),
        (
            json!({"path": "/a//b/..", "pathType": "Prefix", "backend": backend}),
            vec![
                format!("{p}.path: Invalid value: \"/a//b/..\": must not contain '//'"),
                format!("{p}.path: Invalid value: \"/a//b/..\": cannot end with '/..'"),
            ],
        ),
        (
            json!({"path": "/a%2Fb", "pathType": "Exact", "backend": backend}),
            vec![format!(
                "{p}.path: Invalid value: \"/a%2Fb\": must not contain '%2F'"
            )],
        ),
    ];
    for (http_path, expected) in cases {
        assert_eq!(
            texts(&rt, &ingress(path(http_path.clone())), None),
            expected,
            "{http_path}"
        );
    }
    let no_paths = json!({"rules": [{"host": "a.example", "http": {"paths": []}}]});
    assert_eq!(
        texts(&rt, &ingress(no_paths), None),
        ["spec.rules[0].http.paths: Required value"]
    );
}

#[test]
fn ingress_backends_need_one_service_port() {
    let rt = builtin("networking.k8s.io", "Ingress");
    let b = "spec.rules[0].http.paths[0].backend";
    let cases: Vec<(Value, Vec<String>)> = vec![
        (
            service_backend(json!({"name": "http", "number": 80})),
            vec![format!(
                "{b}: Invalid value: \"\": cannot set both port name & port number"
            )],
        ),
        (
            service_backend(json!({})),
            vec![format!("{b}: Required value: port name or number is required")],
        ),
        (
            service_backend(json!({"number": 70000})),
            vec![format!(
                "{b}.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive"
            )],
        ),
        (
            service_backend(json!({"name": "HTTP"})),
            vec![
                format!(
                    "{b}.service.port.name: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
                ),
                format!(
                    "{b}.service.port.name: Invalid value: \"HTTP\": must contain at least one letter (a-z)"
                ),
            ],
        ),
        (
            json!({"service": {"name": "Web", "port": {"number": 80}}}),
            vec![format!("{b}.service.name: Invalid value: \"Web\": {LABEL_MSG}")],
        ),
        (
            json!({"service": {"port": {"number": 80}}}),
            vec![format!("{b}.service.name: Required value")],
        ),
        (
            json!({}),
            vec![format!(
                "{b}: Invalid value: \"\": resource or service backend is required"
            )],
        ),
        (
            json!({"service": {"name": "web", "port": {"number": 80}}, "resource": {"kind": "Bucket", "name": "b"}}),
            vec![format!(
                "{b}: Invalid value: \"\": cannot set both resource and service backends"
            )],
        ),
        (
            json!({"resource": {"name": "a/b"}}),
            vec![
                format!("{b}.resource.kind: Required value"),
                format!("{b}.resource.name: Invalid value: \"a/b\": may not contain '/'"),
            ],
        ),
    ];
    for (backend, expected) in cases {
        let spec = path(json!({"path": "/", "pathType": "Prefix", "backend": backend.clone()}));
        assert_eq!(texts(&rt, &ingress(spec), None), expected, "{backend}");
    }
}

#[test]
fn ingress_hosts_tls_and_class() {
    let rt = builtin("networking.k8s.io", "Ingress");
    let backend = json!({"service": {"name": "web", "port": {"number": 80}}});
    let rule = |host: &str| json!({"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}});
    let wildcard_msg = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    let cases: Vec<(Value, Vec<String>)> = vec![
        (json!({"rules": [rule("a.*.example")]}), vec![format!("spec.rules[0].host: Invalid value: \"a.*.example\": {wildcard_msg}")]),
        (json!({"rules": [rule("10.0.0.1")]}), vec!["spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address".into()]),
        (json!({"rules": [rule("A.example")]}), vec![format!("spec.rules[0].host: Invalid value: \"A.example\": {SUBDOMAIN_MSG}")]),
        (
            json!({"defaultBackend": backend, "tls": [{"hosts": ["Bad_Host"], "secretName": "Bad_Secret"}]}),
            vec![
                format!("spec.tls[0].hosts[0]: Invalid value: \"Bad_Host\": {SUBDOMAIN_MSG}"),
                format!("spec.tls[0].secretName: Invalid value: \"Bad_Secret\": {SUBDOMAIN_MSG}"),
            ],
        ),
        (json!({"defaultBackend": backend, "ingressClassName": "Bad_Class"}), vec![format!("spec.ingressClassName: Invalid value: \"Bad_Class\": {SUBDOMAIN_MSG}")]),
        (json!({}), vec!["spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified".into()]),
        (json!({"rules": []}), vec!["spec: Invalid value: []networking.IngressRule{}: either `defaultBackend` or `rules` must be specified".into()]),
    ];
    for (spec, expected) in cases {
        assert_eq!(texts(&rt, &ingress(spec.clone()), None), expected, "{spec}");
    }
}

#[test]
fn ingress_class_annotation_must_match_on_create() {
    let rt = builtin("networking.k8s.io", "Ingress");
    let mut object = ingress(
        json!({"ingressClassName": "passerelle", "defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}),
    );
    object["metadata"]["annotations"] = json!({"kubernetes.io/ingress.class": "nginx"});
    assert_eq!(
        texts(&rt, &object, None),
        [
            "annotations.kubernetes.io/ingress.class: Invalid value: \"nginx\": must match `ingressClassName` when both are specified"
        ]
    );
    assert_eq!(texts(&rt, &object, Some(&object)), NONE);
}

#[test]
fn ingress_updates_tolerate_what_was_already_stored() {
    let rt = builtin("networking.k8s.io", "Ingress");
    let spec = json!({"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}, "tls": [{"secretName": "Old_Name"}]});
    let old = ingress(spec.clone());
    assert_eq!(texts(&rt, &old, None).len(), 1);
    assert_eq!(texts(&rt, &old, Some(&old)), NONE);
}

#[test]
fn ingress_classes_need_a_controller() {
    let rt = builtin("networking.k8s.io", "IngressClass");
    let class =
        |controller: &str| json!({"metadata": {"name": "passerelle"}, "spec": {"controller": controller}});
    assert_eq!(texts(&rt, &class("passerelle.dev/proxy"), None), NONE);
    assert_eq!(texts(&rt, &class(""), None), ["spec.controller: Required value"]);
    assert_eq!(
        texts(&rt, &class("other.dev/x"), Some(&class("passerelle.dev/proxy"))),
        ["spec.controller: Invalid value: \"other.dev/x\": field is immutable"]
    );
}

fn slice(address_type: &str, endpoints: Value, ports: Value) -> Value {
    json!({"metadata": {"name": "web-abc", "namespace": "default"}, "addressType": address_type, "endpoints": endpoints, "ports": ports})
}

#[test]
fn endpoint_slices_check_address_types_addresses_and_ports() {
    let rt = builtin("discovery.k8s.io", "EndpointSlice");
    let e = "endpoints[0].addresses[0]";
    let cases: Vec<(Value, Vec<String>)> = vec![
        (slice("IPv4", json!([{"addresses": ["10.1.2.3"], "hostname": "pod-1"}]), json!([{"name": "http", "port": 80}])), vec![]),
        (slice("FQDN", json!([{"addresses": ["web.example.com."]}]), json!([])), vec![]),
        (slice("", json!([]), json!([])), vec!["addressType: Required value".into()]),
        (slice("IP", json!([]), json!([])), vec!["addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"".into()]),
        (slice("IPv4", json!([{"addresses": []}]), json!([])), vec!["endpoints[0].addresses: Required value: must contain at least 1 address".into()]),
        (
            slice("IPv4", json!([{"addresses": ["300.1.1.1"]}]), json!([])),
            vec![format!("{e}: Invalid value: \"300.1.1.1\": must be a valid IPv4 address"), format!("{e}: Invalid value: \"300.1.1.1\": must be a valid IP address")],
        ),
        (slice("IPv4", json!([{"addresses": ["127.0.0.1"]}]), json!([])), vec![format!("{e}: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)")]),
        (slice("IPv6", json!([{"addresses": ["10.0.0.1"]}]), json!([])), vec![format!("{e}: Invalid value: \"10.0.0.1\": must be a valid IPv6 address")]),
        (slice("IPv6", json!([{"addresses": ["fe80::1"]}]), json!([])), vec![format!("{e}: Invalid value: \"fe80::1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)")]),
        (slice("FQDN", json!([{"addresses": ["localhost"]}]), json!([])), vec![format!("{e}: Invalid value: \"localhost\": should be a domain with at least two segments separated by dots")]),
        (
            slice("IPv4", json!([{"addresses": ["10.0.0.1"], "hostname": "Pod"}]), json!([{"name": "a", "protocol": "HTTP"}, {"name": "a"}])),
            vec![
                format!("endpoints[0].hostname: Invalid value: \"Pod\": {LABEL_MSG}"),
                "ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"".into(),
                "ports[1].name: Duplicate value: \"a\"".into(),
            ],
        ),
    ];
    for (object, expected) in cases {
        assert_eq!(texts(&rt, &object, None), expected, "{object}");
    }
}

#[test]
fn endpoint_slice_address_type_is_immutable() {
    let rt = builtin("discovery.k8s.io", "EndpointSlice");
    let old = slice("IPv4", json!([]), json!([]));
    assert_eq!(texts(&rt, &old, Some(&old)), NONE);
    let new = slice("FQDN", json!([]), json!([]));
    assert_eq!(
        texts(&rt, &new, Some(&old)),
        ["addressType: Invalid value: \"FQDN\": field is immutable"]
    );
}
