//! The nine Passerelle CRDs: accepted as they are, and their CEL rules
//! (cert-manager's webhook checks) enforced on Certificates and Issuers.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::outcome;
use crate::schema::{check_crd_schema_at, gofmt::quote};

/// `(crd name, version, has a status subresource, openAPIV3Schema)`.
fn schemas() -> Vec<(String, String, bool, Value)> {
    let mut out = Vec::new();
    for crd in passerelle_crds::crd::all() {
        let crd = serde_json::to_value(&crd).expect("a CRD serializes");
        let name = crd["metadata"]["name"].as_str().unwrap_or_default().to_string();
        for version in crd["spec"]["versions"].as_array().into_iter().flatten() {
            let status = version["subresources"]["status"].is_object();
            out.push((
                name.clone(),
                version["name"].as_str().unwrap_or_default().to_string(),
                status,
                version["schema"]["openAPIV3Schema"].clone(),
            ));
        }
    }
    out
}

fn schema_of(crd: &str) -> Value {
    schemas()
        .into_iter()
        .find(|(name, ..)| name == crd)
        .map(|(.., s)| s)
        .expect("the CRD exists")
}

#[test]
fn every_passerelle_crd_is_accepted() {
    let schemas = schemas();
    assert_eq!(schemas.len(), 9);
    for (name, version, status, schema) in schemas {
        let errors: Vec<String> = check_crd_schema_at(&schema, "spec.validation.openAPIV3Schema", status)
            .iter()
            .map(|c| c.text())
            .collect();
        assert_eq!(errors, Vec::<String>::new(), "{name} {version}");
    }
}

fn certificate(spec: Value) -> Value {
    json!({
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": spec,
    })
}

fn valid_spec() -> Value {
    json!({
        "secretName": "web-tls",
        "issuerRef": {"name": "letsencrypt", "kind": "ClusterIssuer"},
        "dnsNames": ["web.example.com"],
        "duration": "2160h",
        "renewBefore": "360h",
        "privateKey": {"algorithm": "ECDSA", "size": 256},
        "secretTemplate": {"annotations": {"team": "web"}},
    })
}

#[test]
fn a_valid_certificate_is_admitted() {
    assert_eq!(
        outcome(
            &schema_of("certificates.cert-manager.io"),
            certificate(valid_spec())
        ),
        Vec::<String>::new()
    );
}

#[test]
fn invalid_certificates_are_refused_with_the_rule_messages() {
    let schema = schema_of("certificates.cert-manager.io");
    let with = |patch: Value| {
        let mut spec = valid_spec();
        json_patch::merge(&mut spec, &patch);
        spec
    };
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "short duration",
            with(json!({"duration": "30m", "renewBefore": null})),
            vec![r#"spec.duration: Invalid value: "30m": certificate duration must be greater than 1h0m0s"#.into()],
        ),
        (
            "short renewBefore",
            with(json!({"renewBefore": "1m"})),
            vec![r#"spec.renewBefore: Invalid value: "1m": certificate renewBefore must be greater than 5m0s"#.into()],
        ),
        (
            "renewBefore beyond the duration",
            with(json!({"duration": "2h", "renewBefore": "3h"})),
            vec!["spec: Invalid value: certificate duration must be greater than renewBefore".into()],
        ),
        (
            "no subject at all",
            with(json!({"dnsNames": null})),
            vec!["spec: Invalid value: at least one of commonName (from the commonName field or from a literalSubject), dnsNames, uriSANs, ipAddresses, emailSANs or otherNames must be set".into()],
        ),
        (
            "renewBefore and renewBeforePercentage",
            with(json!({"renewBeforePercentage": 50})),
            vec!["spec: Invalid value: renewBefore and renewBeforePercentage are mutually exclusive and cannot both be set".into()],
        ),
        (
            "percentage out of range",
            with(json!({"renewBefore": null, "renewBeforePercentage": 100})),
            vec!["spec.renewBeforePercentage: Invalid value: 100: renewBeforePercentage must be a value between 0 and 100 (exclusive)".into()],
        ),
        (
            "key size",
            with(json!({"privateKey": {"algorithm": "RSA", "size": 1024}})),
            vec!["spec.privateKey: Invalid value: invalid key size for the algorithm: RSA takes 2048 to 8192 bits, ECDSA 256, 384 or 521".into()],
        ),
        (
            "reserved annotation",
            with(json!({"secretTemplate": {"annotations": {"cert-manager.io/issuer-name": "x"}}})),
            vec!["spec.secretTemplate.annotations: Invalid value: cert-manager.io/* annotations are not allowed".into()],
        ),
        (
            "long common name",
            with(json!({"commonName": "a".repeat(65)})),
            vec![format!("spec.commonName: Invalid value: {}: may not be more than 64 bytes", quote(&"a".repeat(65)))],
        ),
        (
            "revision history",
            with(json!({"revisionHistoryLimit": 0})),
            vec!["spec.revisionHistoryLimit: Invalid value: 0: must not be less than 1".into()],
        ),
        (
            "missing secretName",
            with(json!({"secretName": null})),
            vec![
                "spec.secretName: Required value".into(),
                r#"<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"#.into(),
            ],
        ),
    ];
    for (name, spec, expected) in cases {
        assert_eq!(outcome(&schema, certificate(spec)), expected, "{name}");
    }
}

#[test]
fn issuer_rules_are_enforced() {
    let schema = schema_of("issuers.cert-manager.io");
    let issuer = |spec: Value| {
        json!({"apiVersion": "cert-manager.io/v1", "kind": "Issuer", "metadata": {"name": "i", "namespace": "default"},
               "spec": spec})
    };
    assert_eq!(
        outcome(&schema, issuer(json!({"selfSigned": {}}))),
        Vec::<String>::new()
    );
    assert_eq!(
        outcome(&schema, issuer(json!({}))),
        vec!["spec: Invalid value: at least one issuer must be configured"]
    );
    assert_eq!(
        outcome(
            &schema,
            issuer(json!({"selfSigned": {}, "ca": {"secretName": "ca"}}))
        ),
        vec!["spec: Invalid value: may not specify more than one issuer type"]
    );
}
