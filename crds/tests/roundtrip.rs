//! Round trip of cert-manager manifests through the Rust types: every
//! manifest under `tests/fixtures/` deserializes into its kind's type and
//! serializes back to the same JSON, and together the fixtures use every
//! field of every CRD schema (so no field can be silently dropped).

#[path = "support/fixtures.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::Path;

use kube::Resource;
use passerelle_crds::{acme, v1, v1alpha1};
use pretty_assertions::assert_eq;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use support::{crd_name, fixtures};

/// Subtrees that are Kubernetes' own types embedded in cert-manager's API
/// (k8s-openapi's, checked by its own tests): the fixtures use them, but not
/// every one of their hundreds of fields.
const EMBEDDED_KUBERNETES_TYPES: &[&str] = &["podTemplate.spec.affinity.", "podTemplate.spec.tolerations[]."];

fn round_trip<K: Resource<DynamicType = ()> + Serialize + DeserializeOwned>(file: &Path, manifest: &Value) {
    let typed: K = serde_json::from_value(manifest.clone())
        .unwrap_or_else(|e| panic!("{}: {} does not deserialize: {e}", file.display(), K::kind(&())));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        &back,
        manifest,
        "{}: {} changed in the round trip",
        file.display(),
        K::kind(&())
    );
}

#[test]
fn every_fixture_round_trips_unchanged() {
    let docs = fixtures();
    assert!(
        docs.len() >= 9,
        "expected fixtures for every kind, found {}",
        docs.len()
    );
    for (file, m) in &docs {
        match (
            m["apiVersion"].as_str().unwrap_or_default(),
            m["kind"].as_str().unwrap_or_default(),
        ) {
            ("cert-manager.io/v1", "Issuer") => round_trip::<v1::Issuer>(file, m),
            ("cert-manager.io/v1", "ClusterIssuer") => round_trip::<v1::ClusterIssuer>(file, m),
            ("cert-manager.io/v1", "Certificate") => round_trip::<v1::Certificate>(file, m),
            ("cert-manager.io/v1", "CertificateRequest") => round_trip::<v1::CertificateRequest>(file, m),
            ("acme.cert-manager.io/v1", "Order") => round_trip::<acme::Order>(file, m),
            ("acme.cert-manager.io/v1", "Challenge") => round_trip::<acme::Challenge>(file, m),
            ("certmanager.k8s.io/v1alpha1", "Issuer") => round_trip::<v1alpha1::LegacyIssuer>(file, m),
            ("certmanager.k8s.io/v1alpha1", "ClusterIssuer") => {
                round_trip::<v1alpha1::LegacyClusterIssuer>(file, m)
            }
            ("certmanager.k8s.io/v1alpha1", "Certificate") => {
                round_trip::<v1alpha1::LegacyCertificate>(file, m)
            }
            (api, kind) => panic!("{}: unexpected {api} {kind}", file.display()),
        }
    }
}

/// Field paths of a schema (`spec.acme.solvers[].http01.ingress.class`),
/// map values as `{}`.
fn schema_paths(schema: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            let path = format!("{prefix}{k}");
            out.insert(path.clone());
            schema_paths(v, &format!("{path}."), out);
        }
    }
    if let Some(items) = schema.get("items") {
        let path = format!("{}[]", prefix.trim_end_matches('.'));
        schema_paths(items, &format!("{path}."), out);
    }
    if let Some(ap) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        let path = format!("{}{{}}", prefix.trim_end_matches('.'));
        schema_paths(ap, &format!("{path}."), out);
    }
}

/// Field paths used by a manifest, in the same notation. Under a map whose
/// schema is `additionalProperties`, keys become `{}`.
fn value_paths(value: &Value, schema: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let ap = schema.get("additionalProperties").filter(|v| v.is_object());
            for (k, v) in map {
                if let Some(child) = props.and_then(|p| p.get(k)) {
                    let path = format!("{prefix}{k}");
                    out.insert(path.clone());
                    value_paths(v, child, &format!("{path}."), out);
                } else if let Some(ap) = ap {
                    let path = format!("{}{{}}", prefix.trim_end_matches('.'));
                    value_paths(v, ap, &format!("{path}."), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                let path = format!("{}[]", prefix.trim_end_matches('.'));
                for v in items {
                    value_paths(v, item_schema, &format!("{path}."), out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn fixtures_use_every_field_of_every_crd() {
    let docs = fixtures();
    let mut missing = Vec::new();
    for crd in passerelle_crds::crd::all() {
        let name = crd.metadata.name.clone().unwrap();
        let schema = serde_json::to_value(
            crd.spec.versions[0]
                .schema
                .as_ref()
                .unwrap()
                .open_api_v3_schema
                .as_ref()
                .unwrap(),
        )
        .unwrap();
        let mut want = BTreeSet::new();
        schema_paths(&schema, "", &mut want);
        let mut used = BTreeSet::new();
        for (_, m) in docs.iter().filter(|(_, m)| crd_name(m) == name) {
            value_paths(m, &schema, "", &mut used);
        }
        for path in want.difference(&used) {
            let embedded = EMBEDDED_KUBERNETES_TYPES.iter().any(|p| path.contains(p));
            let object_meta = path.starts_with("metadata.");
            if !embedded && !object_meta {
                missing.push(format!("{name}: {path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "fields no fixture uses ({}):\n{}",
        missing.len(),
        missing.join("\n")
    );
}
