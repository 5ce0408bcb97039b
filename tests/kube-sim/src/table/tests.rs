//! Tables of custom resources (the Passerelle Certificate's real printer
//! columns), ages, the list metadata and the `includeObject` variants;
//! JSONPath and cells in [`cells`], built-in printers in [`builtin_rows`]
//! and [`workload_rows`].

mod builtin_rows;
mod cells;
mod workload_rows;

use k8s_openapi::jiff::Timestamp;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{IncludeObject, human_duration, render_at};
use crate::registry::{PrinterColumn, ResourceType, Source};

const NOW: &str = "2025-06-01T12:00:00Z";

fn now() -> Timestamp {
    NOW.parse().expect("timestamp")
}

/// The storage version of a Passerelle CRD as the registry would serve it.
fn crd_type(plural: &str) -> ResourceType {
    let crd = passerelle_crds::crd::all()
        .into_iter()
        .find(|c| c.spec.names.plural == plural)
        .expect("CRD exists");
    let version = crd
        .spec
        .versions
        .iter()
        .find(|v| v.storage)
        .expect("storage version");
    let printer_columns = version
        .additional_printer_columns
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|c| PrinterColumn {
            name: c.name,
            type_: c.type_,
            format: c.format,
            description: c.description.unwrap_or_default(),
            priority: c.priority.unwrap_or_default(),
            json_path: c.json_path,
        })
        .collect();
    ResourceType {
        group: crd.spec.group.clone(),
        version: version.name.clone(),
        plural: plural.into(),
        singular: crd.spec.names.singular.clone().unwrap_or_default(),
        kind: crd.spec.names.kind.clone(),
        list_kind: format!("{}List", crd.spec.names.kind),
        namespaced: crd.spec.scope == "Namespaced",
        short_names: Vec::new(),
        categories: Vec::new(),
        status: true,
        generation: true,
        verbs: crate::registry::ALL_VERBS.to_vec(),
        printer_columns,
        selectable_fields: Vec::new(),
        source: Source::Crd {
            name: crd.metadata.name.clone().unwrap_or_default(),
            schema: json!({}),
            storage: true,
            served: true,
        },
    }
}

fn certificate(name: &str, ready: Option<&str>) -> Value {
    let mut cert = json!({
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": "2025-06-01T11:55:00Z", "uid": "u1"},
        "spec": {"secretName": format!("{name}-tls"), "issuerRef": {"name": "letsencrypt", "kind": "ClusterIssuer"}},
    });
    if let Some(status) = ready {
        cert["status"] = json!({
            "conditions": [
                {"type": "Issuing", "status": "False", "message": "not issuing"},
                {"type": "Ready", "status": status, "message": "Certificate is up to date and has not expired"},
            ],
            "notAfter": "2025-08-30T12:00:00Z",
        });
    }
    cert
}

fn cells(table: &Value, row: usize) -> Vec<Value> {
    table["rows"][row]["cells"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn human_duration_matches_apimachinery() {
    const S: i128 = 1_000_000_000;
    let cases: &[(i128, &str)] = &[
        (-2 * S, "<invalid>"),
        (-S - S / 2, "0s"),
        (-S, "0s"),
        (0, "0s"),
        (5 * S, "5s"),
        (119 * S, "119s"),
        (120 * S, "2m"),
        (190 * S, "3m10s"),
        (599 * S, "9m59s"),
        (600 * S, "10m"),
        (179 * 60 * S, "179m"),
        (3 * 3600 * S, "3h"),
        (3 * 3600 * S + 5 * 60 * S, "3h5m"),
        (8 * 3600 * S + 59 * 60 * S, "8h"),
        (47 * 3600 * S, "47h"),
        (48 * 3600 * S, "2d"),
        (53 * 3600 * S, "2d5h"),
        (8 * 24 * 3600 * S, "8d"),
        (729 * 24 * 3600 * S, "729d"),
        (730 * 24 * 3600 * S, "2y"),
        (750 * 24 * 3600 * S, "2y20d"),
        (8 * 365 * 24 * 3600 * S + 100 * 24 * 3600 * S, "8y"),
    ];
    for (nanos, expected) in cases {
        assert_eq!(human_duration(*nanos), *expected, "{nanos}ns");
    }
}

#[test]
fn certificate_columns_are_the_crd_printer_columns() {
    let table = render_at(
        &crd_type("certificates"),
        &[],
        json!({"resourceVersion": "7"}),
        IncludeObject::None,
        now(),
    );
    assert_eq!(table["kind"], "Table");
    assert_eq!(table["apiVersion"], "meta.k8s.io/v1");
    assert_eq!(table["metadata"], json!({"resourceVersion": "7"}));
    assert_eq!(table["rows"], json!([]));
    let columns = table["columnDefinitions"].as_array().expect("columns");
    let summary: Vec<(String, String, i64)> = columns
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().into(),
                c["type"].as_str().unwrap().into(),
                c["priority"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("Name", "string", 0),
        ("Ready", "string", 0),
        ("Secret", "string", 0),
        ("Issuer", "string", 1),
        ("Status", "string", 1),
        ("Expiration", "date", 1),
        ("Age", "date", 0),
    ];
    assert_eq!(
        summary,
        expected
            .map(|(n, t, p)| (n.to_string(), t.to_string(), p))
            .to_vec()
    );
    assert_eq!(columns[0]["format"], "name");
    assert!(
        columns[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("Name must be unique within a namespace.")
    );
    assert_eq!(columns[1]["format"], "");
    assert_eq!(
        columns[1]["description"],
        r#"Custom resource definition column (in JSONPath format): .status.conditions[?(@.type == "Ready")].status"#
    );
    assert_eq!(
        columns[5]["description"],
        "The expiration time of the certificate stored in the Secret."
    );
}

#[test]
fn certificate_rows_evaluate_the_ready_filter_and_ages() {
    let objects = [
        certificate("ready", Some("True")),
        certificate("pending", Some("False")),
        certificate("new", None),
    ];
    let table = render_at(
        &crd_type("certificates"),
        &objects,
        json!({}),
        IncludeObject::None,
        now(),
    );
    assert_eq!(
        cells(&table, 0),
        vec![
            json!("ready"),
            json!("True"),
            json!("ready-tls"),
            json!("letsencrypt"),
            json!("Certificate is up to date and has not expired"),
            // A future date is a negative age, which HumanDuration calls invalid.
            json!("<invalid>"),
            json!("5m"),
        ]
    );
    assert_eq!(cells(&table, 1)[1], json!("False"));
    assert_eq!(
        cells(&table, 2),
        vec![
            json!("new"),
            Value::Null,
            json!("new-tls"),
            json!("letsencrypt"),
            Value::Null,
            Value::Null,
            json!("5m")
        ]
    );
}

#[test]
fn include_object_selects_what_rows_carry() {
    let cert = certificate("c", Some("True"));
    let rt = crd_type("certificates");
    let none = render_at(
        &rt,
        std::slice::from_ref(&cert),
        json!({}),
        IncludeObject::None,
        now(),
    );
    assert_eq!(none["rows"][0]["object"], Value::Null);
    let metadata = render_at(
        &rt,
        std::slice::from_ref(&cert),
        json!({}),
        IncludeObject::Metadata,
        now(),
    );
    assert_eq!(
        metadata["rows"][0]["object"],
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": cert["metadata"]})
    );
    let object = render_at(
        &rt,
        std::slice::from_ref(&cert),
        json!({}),
        IncludeObject::Object,
        now(),
    );
    assert_eq!(object["rows"][0]["object"], cert);
    assert_eq!(IncludeObject::parse(""), Some(IncludeObject::Metadata));
    assert_eq!(IncludeObject::parse("None"), Some(IncludeObject::None));
    assert_eq!(IncludeObject::parse("Object"), Some(IncludeObject::Object));
    assert_eq!(IncludeObject::parse("Everything"), None);
}

#[test]
fn list_metadata_keeps_continue_and_drops_empty_values() {
    let rt = crd_type("certificates");
    let table = render_at(
        &rt,
        &[],
        json!({"resourceVersion": "9", "continue": "abc", "remainingItemCount": 3}),
        IncludeObject::None,
        now(),
    );
    assert_eq!(
        table["metadata"],
        json!({"resourceVersion": "9", "continue": "abc", "remainingItemCount": 3})
    );
    let table = render_at(
        &rt,
        &[],
        json!({"resourceVersion": "9", "continue": ""}),
        IncludeObject::None,
        now(),
    );
    assert_eq!(table["metadata"], json!({"resourceVersion": "9"}));
}

#[test]
fn a_crd_without_printer_columns_gets_name_and_age() {
    let mut rt = crd_type("certificates");
    rt.printer_columns.clear();
    let table = render_at(
        &rt,
        &[certificate("c", None)],
        json!({}),
        IncludeObject::None,
        now(),
    );
    let names: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Name", "Age"]);
    assert!(
        table["columnDefinitions"][1]["description"]
            .as_str()
            .unwrap()
            .starts_with("CreationTimestamp is a timestamp")
    );
    assert_eq!(cells(&table, 0), vec![json!("c"), json!("5m")]);
}
