//! The CEL rules of the CRDs (`x-kubernetes-validations`), evaluated with
//! kube's client-side CEL (kube-cel, the Kubernetes CEL library for Rust):
//! every rule compiles, every valid fixture passes them, and each invalid
//! manifest below fails with cert-manager's message — and is refused by the
//! operator's own validation too, so the two never disagree on it.

#[path = "support/fixtures.rs"]
mod support;

use std::collections::HashMap;
use std::sync::OnceLock;

use kube::core::cel::{CompiledSchema, Validator, compile_schema};
use serde_json::{Value, json};
use support::{crd_name, fixtures};

fn schema_of(crd: &str) -> Value {
    let crd = passerelle_crds::crd::all()
        .into_iter()
        .find(|c| c.metadata.name.as_deref() == Some(crd))
        .unwrap_or_else(|| panic!("no CRD {crd}"));
    serde_json::to_value(
        crd.spec.versions[0]
            .schema
            .as_ref()
            .unwrap()
            .open_api_v3_schema
            .as_ref()
            .unwrap(),
    )
    .unwrap()
}

fn compile_errors(node: &CompiledSchema, path: &str, out: &mut Vec<String>) {
    for e in node.compilation_errors() {
        out.push(format!("{path}: {e}"));
    }
    for (k, child) in &node.properties {
        compile_errors(child, &format!("{path}.{k}"), out);
    }
    if let Some(items) = &node.items {
        compile_errors(items, &format!("{path}[]"), out);
    }
    if let Some(ap) = &node.additional_properties {
        compile_errors(ap, &format!("{path}{{}}"), out);
    }
}

/// The compiled rules of every CRD, compiled once per test binary.
fn compiled(crd: &str) -> &'static CompiledSchema {
    static COMPILED: OnceLock<HashMap<String, CompiledSchema>> = OnceLock::new();
    let all = COMPILED.get_or_init(|| {
        passerelle_crds::crd::all()
            .into_iter()
            .map(|c| {
                let name = c.metadata.name.clone().unwrap();
                let schema = compile_schema(&schema_of(&name));
                (name, schema)
            })
            .collect()
    });
    all.get(crd).unwrap_or_else(|| panic!("no CRD {crd}"))
}

fn failures(manifest: &Value) -> Vec<String> {
    match Validator::new().validate_compiled(compiled(&crd_name(manifest)), manifest, None) {
        Ok(()) => vec![],
        Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn every_rule_compiles() {
    let mut errors = Vec::new();
    let mut rules = 0;
    for crd in passerelle_crds::crd::all() {
        let name = crd.metadata.name.clone().unwrap();
        let schema = schema_of(&name);
        rules += serde_json::to_string(&schema)
            .unwrap()
            .matches("\"rule\"")
            .count();
        compile_errors(&compile_schema(&schema), &name, &mut errors);
    }
    assert!(
        errors.is_empty(),
        "CEL rules that do not compile:\n{}",
        errors.join("\n")
    );
    let attached: usize = passerelle_crds::crd::RULES.iter().map(|r| r.crds.len()).sum();
    assert_eq!(rules, attached, "every rule of the table is attached once");
}

#[test]
fn every_valid_fixture_passes_the_rules() {
    let docs = fixtures();
    assert!(!docs.is_empty());
    for (file, manifest) in docs {
        let failed = failures(&manifest);
        assert!(
            failed.is_empty(),
            "{} {}: {failed:?}",
            file.display(),
            manifest["metadata"]["name"]
        );
    }
}

fn certificate(spec: Value) -> Value {
    let mut base = json!({"secretName": "s", "issuerRef": {"name": "le"}, "dnsNames": ["a.example"]});
    for (k, v) in spec.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
           "metadata": {"name": "c", "namespace": "default"}, "spec": base})
}

fn issuer(spec: Value) -> Value {
    json!({"apiVersion": "cert-manager.io/v1", "kind": "Issuer",
           "metadata": {"name": "i", "namespace": "default"}, "spec": spec})
}

fn acme(solvers: Value) -> Value {
    json!({"acme": {"server": "https://acme.test/dir", "privateKeySecretRef": {"name": "k"}, "solvers": solvers}})
}

/// Invalid manifests, the message the API server returns for them, and
/// whether the operator's validation refuses them too.
fn invalid_cases() -> Vec<(Value, &'static str)> {
    vec![
        (
            certificate(json!({"dnsNames": null})),
            "at least one of commonName (from the commonName field or from a literalSubject), dnsNames, uriSANs, ipAddresses, emailSANs or otherNames must be set",
        ),
        (
            certificate(json!({"commonName": "a".repeat(65)})),
            "may not be more than 64 bytes",
        ),
        (
            certificate(json!({"duration": "30m"})),
            "certificate duration must be greater than 1h0m0s",
        ),
        (
            certificate(json!({"renewBefore": "1m"})),
            "certificate renewBefore must be greater than 5m0s",
        ),
        (
            certificate(json!({"duration": "2h", "renewBefore": "3h"})),
            "certificate duration must be greater than renewBefore",
        ),
        (
            certificate(json!({"renewBefore": "2h", "renewBeforePercentage": 10})),
            "renewBefore and renewBeforePercentage are mutually exclusive and cannot both be set",
        ),
        (
            certificate(json!({"renewBeforePercentage": 0})),
            "renewBeforePercentage must be a value between 0 and 100 (exclusive)",
        ),
        (
            certificate(json!({"revisionHistoryLimit": 0})),
            "must not be less than 1",
        ),
        (
            certificate(json!({"privateKey": {"size": 1024}})),
            "invalid key size for the algorithm: RSA takes 2048 to 8192 bits, ECDSA 256, 384 or 521",
        ),
        (
            certificate(json!({"privateKey": {"algorithm": "ECDSA", "size": 2048}})),
            "invalid key size for the algorithm: RSA takes 2048 to 8192 bits, ECDSA 256, 384 or 521",
        ),
        (
            certificate(json!({"literalSubject": "CN=a.example", "commonName": "a.example"})),
            "literalSubject may not be set together with commonName or subject",
        ),
        (
            certificate(json!({"secretTemplate": {"annotations": {"cert-manager.io/issuer-name": "x"}}})),
            "cert-manager.io/* annotations are not allowed",
        ),
        (issuer(json!({})), "at least one issuer must be configured"),
        (
            issuer(json!({"selfSigned": {}, "ca": {"secretName": "ca"}})),
            "may not specify more than one issuer type",
        ),
        (
            issuer(
                json!({"acme": {"server": "https://acme.test/dir", "privateKeySecretRef": {"name": "k"},
                                   "caBundle": "Y2E=", "skipTLSVerify": true}}),
            ),
            "caBundle and skipTLSVerify are mutually exclusive and cannot both be set",
        ),
        (issuer(acme(json!([{}]))), "no solver type configured"),
        (
            issuer(acme(
                json!([{"http01": {"ingress": {}}, "dns01": {"cloudflare": {"apiTokenSecretRef": {"name": "t"}}}}]),
            )),
            "may not specify more than one solver type in a single solver",
        ),
        (
            issuer(acme(json!([{"http01": {}}]))),
            "exactly one of ingress or gatewayHTTPRoute must be set",
        ),
        (
            issuer(acme(
                json!([{"http01": {"ingress": {"class": "a", "ingressClassName": "b"}}}]),
            )),
            "only one of 'ingressClassName', 'name' or 'class' should be specified",
        ),
        (
            issuer(acme(json!([{"dns01": {}}]))),
            "exactly one DNS01 provider must be configured",
        ),
    ]
}

#[test]
fn the_valid_bases_of_the_invalid_cases_pass() {
    assert_eq!(failures(&certificate(json!({}))), Vec::<String>::new());
    let valid = json!([{"http01": {"ingress": {"class": "traefik"}}}]);
    assert_eq!(failures(&issuer(acme(valid))), Vec::<String>::new());
    let durations = json!({"duration": "2160h", "renewBefore": "360h", "privateKey": {"algorithm": "ECDSA", "size": 384}});
    assert_eq!(failures(&certificate(durations)), Vec::<String>::new());
}

#[test]
fn invalid_manifests_fail_with_cert_managers_message() {
    for (manifest, message) in invalid_cases() {
        let failed = failures(&manifest);
        assert!(
            failed.iter().any(|f| f.ends_with(message)),
            "{}: expected a failure ending with {message:?}, got {failed:?}",
            manifest["spec"]
        );
    }
}

#[test]
fn the_operator_refuses_what_the_crds_refuse() {
    use passerelle_crds::{v1, validate};
    for (manifest, message) in invalid_cases() {
        let errors = match manifest["kind"].as_str() {
            Some("Certificate") => {
                validate::certificate(&serde_json::from_value::<v1::Certificate>(manifest.clone()).unwrap())
            }
            Some("Issuer") => {
                validate::issuer(&serde_json::from_value::<v1::Issuer>(manifest.clone()).unwrap())
            }
            other => panic!("unexpected kind {other:?}"),
        };
        assert!(
            !errors.is_empty(),
            "{message}: the CRD refuses {} but validate() accepts it",
            manifest["spec"]
        );
    }
}
