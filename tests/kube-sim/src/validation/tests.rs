//! Metadata validation and the name rules, with the real messages; the
//! per-kind rules are in the submodules.

mod core_kinds;
mod group_kinds;
mod networking;

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::base64::{CorruptInput, decode};
use super::validate;
use crate::registry::{ResourceType, Source};

pub(super) const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
pub(super) const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/// A built-in type by group and kind.
pub(super) fn builtin(group: &str, kind: &str) -> ResourceType {
    crate::builtin::types()
        .into_iter()
        .find(|t| t.group == group && t.kind == kind)
        .expect("built-in type")
}

/// The causes as `field: message` lines.
pub(super) fn texts(rt: &ResourceType, object: &Value, old: Option<&Value>) -> Vec<String> {
    validate(rt, object, old).iter().map(|c| c.text()).collect()
}

/// The reasons of the causes.
pub(super) fn reasons(rt: &ResourceType, object: &Value) -> Vec<String> {
    validate(rt, object, None).into_iter().map(|c| c.reason).collect()
}

fn config_map(metadata: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata})
}

fn custom_type() -> ResourceType {
    ResourceType {
        group: "cert-manager.io".into(),
        version: "v1".into(),
        plural: "certificates".into(),
        singular: "certificate".into(),
        kind: "Certificate".into(),
        list_kind: "CertificateList".into(),
        namespaced: true,
        short_names: Vec::new(),
        categories: Vec::new(),
        status: true,
        generation: true,
        verbs: crate::registry::ALL_VERBS.to_vec(),
        printer_columns: Vec::new(),
        selectable_fields: Vec::new(),
        source: Source::Crd {
            name: "certificates.cert-manager.io".into(),
            schema: json!({}),
            storage: true,
            served: true,
        },
    }
}

#[test]
fn names_follow_the_kind_name_rules() {
    let cm = builtin("", "ConfigMap");
    let long = "a".repeat(254);
    let cases: Vec<(ResourceType, &str, Vec<String>)> = vec![
        (cm.clone(), "ok.name-1", vec![]),
        (
            cm.clone(),
            "Bad_Name",
            vec![format!(
                "metadata.name: Invalid value: \"Bad_Name\": {SUBDOMAIN_MSG}"
            )],
        ),
        (
            cm.clone(),
            &long,
            vec![format!(
                "metadata.name: Invalid value: \"{long}\": must be no more than 253 characters"
            )],
        ),
        (
            builtin("", "Namespace"),
            "team.a",
            vec!["metadata.name: Invalid value: \"team.a\": must not contain dots".into()],
        ),
        (
            builtin("", "Namespace"),
            "Team",
            vec![format!("metadata.name: Invalid value: \"Team\": {LABEL_MSG}")],
        ),
        (
            builtin("", "Service"),
            "web.svc",
            vec!["metadata.name: Invalid value: \"web.svc\": must not contain dots".into()],
        ),
        (builtin("", "Service"), "1web", vec![]),
        (
            builtin("rbac.authorization.k8s.io", "ClusterRole"),
            "system:auth-delegator",
            vec![],
        ),
        (
            builtin("rbac.authorization.k8s.io", "ClusterRole"),
            "a/b%",
            vec![
                "metadata.name: Invalid value: \"a/b%\": may not contain '/'".into(),
                "metadata.name: Invalid value: \"a/b%\": may not contain '%'".into(),
            ],
        ),
        (
            builtin("rbac.authorization.k8s.io", "ClusterRole"),
            "..",
            vec!["metadata.name: Invalid value: \"..\": may not be '..'".into()],
        ),
        (
            custom_type(),
            "Bad_Name",
            vec![format!(
                "metadata.name: Invalid value: \"Bad_Name\": {SUBDOMAIN_MSG}"
            )],
        ),
    ];
    for (rt, name, expected) in cases {
        let mut object = json!({"metadata": {"name": name}});
        if rt.kind == "Service" {
            object["spec"] = json!({"ports": [{"port": 80}]});
        }
        if rt.kind == "ClusterRole" {
            object["rules"] = json!([]);
        }
        assert_eq!(texts(&rt, &object, None), expected, "{} {name}", rt.kind);
    }
}

#[test]
fn generate_name_is_checked_with_its_trailing_dash_masked() {
    let cm = builtin("", "ConfigMap");
    assert_eq!(
        texts(&cm, &config_map(json!({"generateName": "web-"})), None),
        Vec::<String>::new()
    );
    assert_eq!(
        texts(&cm, &config_map(json!({"generateName": "Web-"})), None),
        vec![format!(
            "metadata.generateName: Invalid value: \"Web-\": {SUBDOMAIN_MSG}"
        )]
    );
    assert_eq!(
        texts(&cm, &config_map(json!({})), None),
        vec!["metadata.name: Required value: name or generateName is required".to_string()]
    );
    assert_eq!(reasons(&cm, &config_map(json!({}))), ["FieldValueRequired"]);
}

#[test]
fn labels_keys_and_values_use_the_qualified_name_rules() {
    let cm = builtin("", "ConfigMap");
    let long = "v".repeat(64);
    let cases: Vec<(Value, Vec<String>)> = vec![
        (json!({"app.kubernetes.io/name": "web", "tier": ""}), vec![]),
        (json!({"bad key": "x"}), vec![format!("metadata.labels: Invalid value: \"bad key\": {NAME_PART_MSG}")]),
        (json!({"example.com/": "x"}), vec![
            "metadata.labels: Invalid value: \"example.com/\": name part must be non-empty".into(),
            format!("metadata.labels: Invalid value: \"example.com/\": {NAME_PART_MSG}"),
        ]),
        (json!({"Example.com/x": "y"}), vec![format!("metadata.labels: Invalid value: \"Example.com/x\": prefix part {SUBDOMAIN_MSG}")]),
        (json!({"a/b/c": "x"}), vec![
            "metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".into(),
        ]),
        (json!({"k": long}), vec![format!("metadata.labels: Invalid value: \"{long}\": must be no more than 63 characters")]),
        (json!({"k": "-bad"}), vec![format!("metadata.labels: Invalid value: \"-bad\": {LABEL_VALUE_MSG}")]),
    ];
    for (labels, expected) in cases {
        let object = config_map(json!({"name": "c", "labels": labels}));
        assert_eq!(texts(&cm, &object, None), expected, "{labels}");
    }
}

#[test]
fn annotations_are_limited_to_256_kib() {
    let cm = builtin("", "ConfigMap");
    let ok = config_map(json!({"name": "c", "annotations": {"Example.com/Key": "x"}}));
    assert_eq!(texts(&cm, &ok, None), Vec::<String>::new());
    let bad = config_map(json!({"name": "c", "annotations": {"bad key": "x"}}));
    assert_eq!(
        texts(&cm, &bad, None),
        vec![format!(
            "metadata.annotations: Invalid value: \"bad key\": {NAME_PART_MSG}"
        )]
    );
    let big = config_map(json!({"name": "c", "annotations": {"a": "x".repeat(262_144)}}));
    let causes = validate(&cm, &big, None);
    assert_eq!(causes.len(), 1);
    assert_eq!(causes[0].reason, "FieldValueTooLong");
    assert_eq!(
        causes[0].text(),
        "metadata.annotations: Too long: may not be more than 262144 bytes"
    );
}

#[test]
fn finalizers_must_be_qualified_or_standard_on_built_ins() {
    let cm = builtin("", "ConfigMap");
    let object = config_map(
        json!({"name": "c", "finalizers": ["kubernetes", "example.com/cleanup", "cleanup", "bad name"]}),
    );
    assert_eq!(
        texts(&cm, &object, None),
        vec![
            format!("metadata.finalizers: Invalid value: \"bad name\": {NAME_PART_MSG}"),
            "metadata.finalizers[2]: Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully qualified".to_string(),
            "metadata.finalizers[3]: Invalid value: \"bad name\": name is neither a standard finalizer name nor is it fully qualified".to_string(),
        ]
    );
    let both = config_map(json!({"name": "c", "finalizers": ["orphan", "foregroundDeletion"]}));
    assert_eq!(
        texts(&cm, &both, None),
        vec!["metadata.finalizers: Invalid value: []string{\"orphan\", \"foregroundDeletion\"}: finalizer orphan and foregroundDeletion cannot be both set".to_string()]
    );
    let custom = json!({"metadata": {"name": "c", "finalizers": ["cleanup"]}});
    assert_eq!(texts(&custom_type(), &custom, None), Vec::<String>::new());
}

#[test]
fn a_deleted_object_takes_no_new_finalizers() {
    let cm = builtin("", "ConfigMap");
    let old = config_map(
        json!({"name": "c", "deletionTimestamp": "2025-06-01T12:00:00Z", "finalizers": ["example.com/a"]}),
    );
    let new = config_map(
        json!({"name": "c", "deletionTimestamp": "2025-06-01T12:00:00Z", "finalizers": ["example.com/c", "example.com/a", "example.com/b"]}),
    );
    assert_eq!(
        texts(&cm, &new, Some(&old)),
        vec!["metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"example.com/b\", \"example.com/c\"}".to_string()]
    );
    let removed = config_map(json!({"name": "c", "deletionTimestamp": "2025-06-01T12:00:00Z"}));
    assert_eq!(texts(&cm, &removed, Some(&old)), Vec::<String>::new());
}

#[test]
fn owner_references_need_api_version_kind_name_and_uid() {
    let cm = builtin("", "ConfigMap");
    let object = config_map(
        json!({"name": "c", "generation": -1, "ownerReferences": [{"apiVersion": "apps/", "kind": "", "name": "", "uid": ""}]}),
    );
    assert_eq!(
        texts(&cm, &object, None),
        vec![
            "metadata.generation: Invalid value: -1: must be greater than or equal to 0",
            "metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
            "metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty",
            "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
            "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty",
        ]
    );
    let two = config_map(json!({"name": "c", "ownerReferences": [
        {"apiVersion": "v1", "kind": "A", "name": "a", "uid": "1", "controller": true},
        {"apiVersion": "v1", "kind": "B", "name": "b", "uid": "2", "controller": true},
    ]}));
    let causes = texts(&cm, &two, None);
    assert_eq!(causes.len(), 1);
    assert!(
        causes[0].ends_with(
            "Only one reference can have Controller set to true. Found \"true\" in references for A/a and B/b"
        ),
        "{}",
        causes[0]
    );
}

#[test]
fn crds_and_reviews_are_not_validated_here() {
    let object = json!({"metadata": {"name": "Bad_Name"}});
    assert_eq!(
        texts(
            &builtin("apiextensions.k8s.io", "CustomResourceDefinition"),
            &object,
            None
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        texts(
            &builtin("authorization.k8s.io", "SelfSubjectAccessReview"),
            &object,
            None
        ),
        Vec::<String>::new()
    );
}

#[test]
fn base64_decodes_as_go_does() {
    let cases: &[(&str, Result<&[u8], usize>)] = &[
        ("", Ok(b"")),
        ("YQ==", Ok(b"a")),
        ("YWI=", Ok(b"ab")),
        ("YWJj\nZGVm", Ok(b"abcdef")),
        ("YR==", Ok(b"a")),
        ("abcd!", Err(4)),
        ("abc", Err(0)),
        ("YQ", Err(0)),
        ("YQ=", Err(3)),
        ("Y===", Err(1)),
        ("YQ==YQ==", Err(4)),
        ("YQ=a", Err(2)),
    ];
    for (input, expected) in cases {
        let got = decode(input);
        assert_eq!(
            got,
            expected.map(<[u8]>::to_vec).map_err(CorruptInput),
            "{input:?}"
        );
    }
}
