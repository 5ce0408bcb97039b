//! Table tests of the validation rules: one case per rule, checking the
//! field path and cert-manager's message.

use serde_json::json;

use super::*;
use crate::v1::{Certificate, CertificateRequest, ClusterIssuer, Issuer};

fn cert(spec: serde_json::Value) -> Certificate {
    serde_json::from_value(json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "metadata": {"name": "c", "namespace": "default"}, "spec": spec
    }))
    .expect("test Certificate deserializes")
}

fn issuer_of(spec: serde_json::Value) -> Issuer {
    serde_json::from_value(json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Issuer",
        "metadata": {"name": "i", "namespace": "default"}, "spec": spec
    }))
    .expect("test Issuer deserializes")
}

fn messages(errors: Vec<FieldError>) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

fn valid_cert() -> serde_json::Value {
    json!({"secretName": "s", "issuerRef": {"name": "le"}, "dnsNames": ["a.example"]})
}

fn with(mut base: serde_json::Value, patch: serde_json::Value) -> serde_json::Value {
    for (k, v) in patch.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}

fn acme(extra: serde_json::Value) -> serde_json::Value {
    with(
        json!({"server": "https://acme.test/dir", "privateKeySecretRef": {"name": "k"},
               "solvers": [{"http01": {"ingress": {"class": "traefik"}}}]}),
        extra,
    )
}

#[test]
fn a_valid_certificate_has_no_errors() {
    assert_eq!(messages(certificate(&cert(valid_cert()))), Vec::<String>::new());
}

#[test]
fn certificate_rules() {
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (
            json!({"dnsNames": null}),
            "spec: Invalid value: \"\": at least one of commonName (from the commonName field or from a literalSubject), dnsNames, uriSANs, ipAddresses, emailSANs or otherNames must be set",
        ),
        (
            json!({"commonName": "a".repeat(65)}),
            "spec.commonName: Too long: may not be more than 64 bytes",
        ),
        (
            json!({"secretName": ""}),
            "spec.secretName: Required value: must be specified",
        ),
        (
            json!({"issuerRef": {"name": ""}}),
            "spec.issuerRef.name: Required value: must be specified",
        ),
        (
            json!({"issuerRef": {"name": "x", "kind": "Foo"}}),
            "spec.issuerRef.kind: Invalid value: \"Foo\": must be one of Issuer or ClusterIssuer",
        ),
        (
            json!({"duration": "30m"}),
            "spec.duration: Invalid value: 30m0s: certificate duration must be greater than 1h0m0s",
        ),
        (
            json!({"renewBefore": "1m"}),
            "spec.renewBefore: Invalid value: 1m0s: certificate renewBefore must be greater than 5m0s",
        ),
        (
            json!({"duration": "2h", "renewBefore": "3h"}),
            "spec.renewBefore: Invalid value: 3h0m0s: certificate duration 2h0m0s must be greater than renewBefore 3h0m0s",
        ),
        (
            json!({"renewBefore": "1h", "renewBeforePercentage": 10}),
            "spec.renewBefore: Invalid value: \"1h\": renewBefore and renewBeforePercentage are mutually exclusive and cannot both be set",
        ),
        (
            json!({"renewBeforePercentage": 100}),
            "spec.renewBeforePercentage: Invalid value: 100: renewBeforePercentage must be a value between 0 and 100 (exclusive)",
        ),
        (
            json!({"privateKey": {"algorithm": "RSA", "size": 1024}}),
            "spec.privateKey.size: Invalid value: 1024: must be between 2048 & 8192 for rsa keyAlgorithm",
        ),
        (
            json!({"privateKey": {"size": 1024}}),
            "spec.privateKey.size: Invalid value: 1024: must be between 2048 & 8192 for rsa keyAlgorithm",
        ),
        (
            json!({"privateKey": {"algorithm": "ECDSA", "size": 128}}),
            "spec.privateKey.size: Unsupported value: 128: supported values: \"256\", \"384\", \"521\"",
        ),
        (
            json!({"privateKey": {"algorithm": "ECDSA"}, "signatureAlgorithm": "SHA256WithRSA"}),
            "spec.signatureAlgorithm: Invalid value: \"SHA256WithRSA\": signature algorithm is not compatible with ECDSA keys",
        ),
        (
            json!({"revisionHistoryLimit": 0}),
            "spec.revisionHistoryLimit: Invalid value: 0: must not be less than 1",
        ),
        (
            json!({"secretTemplate": {"annotations": {"cert-manager.io/x": "y"}}}),
            "spec.secretTemplate.annotations: Invalid value: \"cert-manager.io/x\": cert-manager.io/* annotations are not allowed",
        ),
        (
            json!({"ipAddresses": ["1.2.3"]}),
            "spec.ipAddresses[0]: Invalid value: \"1.2.3\": invalid IP address",
        ),
        (
            json!({"emailAddresses": ["Bob <bob@a.example>"]}),
            "spec.emailAddresses[0]: Invalid value: \"Bob <bob@a.example>\": invalid email address: make sure the supplied value only contains the email address itself",
        ),
        (
            json!({"otherNames": [{"oid": "x.y", "utf8Value": "v"}]}),
            "spec.otherNames[0].oid: Invalid value: \"x.y\": oid syntax invalid",
        ),
        (
            json!({"literalSubject": "CN=a.example", "commonName": "a.example"}),
            "spec.commonName: Invalid value: \"a.example\": When providing a `LiteralSubject` no `commonName` may be provided.",
        ),
        (
            json!({"additionalOutputFormats": [{"type": "DER"}, {"type": "DER"}]}),
            "spec.additionalOutputFormats[1].type: Duplicate value: \"DER\"",
        ),
        (
            json!({"keystores": {"pkcs12": {"create": true}}}),
            "spec.keystores.pkcs12: Forbidden: exactly one of password or passwordSecretRef must be set",
        ),
        (
            json!({"nameConstraints": {"permitted": {"dnsDomains": ["example"]}}}),
            "spec.nameConstraints: Invalid value: {...}: isCa should be true when nameConstraints is set",
        ),
        (
            json!({"secretName": "Bad_Name"}),
            "spec.secretName: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ),
    ];
    for (patch, want) in cases {
        let got = messages(certificate(&cert(with(valid_cert(), patch.clone()))));
        assert_eq!(got, vec![want.to_string()], "case {patch}");
    }
}

#[test]
fn a_literal_subject_provides_the_common_name() {
    let spec = with(
        valid_cert(),
        json!({"dnsNames": null, "literalSubject": "O=x\\,y,CN=a.example"}),
    );
    assert_eq!(messages(certificate(&cert(spec))), Vec::<String>::new());
}

#[test]
fn ed25519_ignores_size_and_renew_before_percentage_in_range_is_valid() {
    let spec = with(
        valid_cert(),
        json!({"privateKey": {"algorithm": "Ed25519", "size": 1}, "renewBeforePercentage": 25}),
    );
    assert_eq!(messages(certificate(&cert(spec))), Vec::<String>::new());
}

#[test]
fn a_valid_acme_issuer_has_no_errors() {
    assert_eq!(
        messages(issuer(&issuer_of(json!({"acme": acme(json!({}))})))),
        Vec::<String>::new()
    );
}

#[test]
fn issuer_rules() {
    let cases: Vec<(serde_json::Value, Vec<&str>)> = vec![
        (
            json!({}),
            vec!["spec: Required value: at least one issuer must be configured"],
        ),
        (
            json!({"acme": acme(json!({})), "selfSigned": {}}),
            vec!["spec.selfSigned: Forbidden: may not specify more than one issuer type"],
        ),
        (
            json!({"acme": acme(json!({"caBundle": "Y2E=", "skipTLSVerify": true}))}),
            vec![
                "spec.acme.caBundle: Invalid value: \"\": caBundle and skipTLSVerify are mutually exclusive and cannot both be set",
            ],
        ),
        (
            json!({"acme": acme(json!({"server": ""}))}),
            vec!["spec.acme.server: Required value: acme server URL is a required field"],
        ),
        (
            json!({"acme": acme(json!({"privateKeySecretRef": {"name": ""}}))}),
            vec![
                "spec.acme.privateKeySecretRef.name: Required value: private key secret name is a required field",
            ],
        ),
        (
            json!({"acme": acme(json!({"solvers": [{}]}))}),
            vec!["spec.acme.solvers[0]: Required value: no solver type configured"],
        ),
        (
            json!({"acme": acme(json!({"solvers": [{"http01": {"ingress": {}}, "dns01": {"cloudflare": {"apiTokenSecretRef": {"name": "t", "key": "k"}}}}]}))}),
            vec![
                "spec.acme.solvers[0].dns01: Forbidden: may not specify more than one solver type in a single solver",
            ],
        ),
        (
            json!({"acme": acme(json!({"solvers": [{"http01": {"ingress": {"class": "a", "name": "b"}}}]}))}),
            vec![
                "spec.acme.solvers[0].http01.ingress: Forbidden: only one of 'ingressClassName', 'name' or 'class' should be specified",
            ],
        ),
        (
            json!({"acme": acme(json!({"solvers": [{"http01": {"ingress": {"serviceType": "LoadBalancer"}}}]}))}),
            vec![
                "spec.acme.solvers[0].http01.ingress.serviceType: Unsupported value: \"LoadBalancer\": supported values: \"ClusterIP\", \"NodePort\"",
            ],
        ),
        (
            json!({"acme": acme(json!({"solvers": [{"dns01": {}}]}))}),
            vec!["spec.acme.solvers[0].dns01: Required value: no DNS01 provider configured"],
        ),
        (
            json!({"ca": {"secretName": ""}}),
            vec!["spec.ca.secretName: Required value"],
        ),
        (
            json!({"venafi": {"zone": "z"}}),
            vec!["spec.venafi: Required value: please supply one of tpp or cloud"],
        ),
        (
            json!({"vault": {"server": "https://vault.test", "path": "pki/sign/x", "auth": {}}}),
            vec![
                "spec.vault.auth: Required value: please supply one of: appRole, kubernetes, tokenSecretRef, clientCertificate",
            ],
        ),
    ];
    for (spec, want) in cases {
        let got = messages(issuer(&issuer_of(spec.clone())));
        assert_eq!(got, want, "case {spec}");
    }
}

#[test]
fn cluster_issuers_follow_the_same_rules() {
    let ci: ClusterIssuer = serde_json::from_value(json!({
        "apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": {"name": "ci"}, "spec": {}
    }))
    .unwrap();
    assert_eq!(
        messages(cluster_issuer(&ci)),
        vec!["spec: Required value: at least one issuer must be configured"]
    );
}

#[test]
fn certificate_request_needs_a_pem_csr() {
    let cr = |request: &str| -> CertificateRequest {
        serde_json::from_value(json!({
            "apiVersion": "cert-manager.io/v1", "kind": "CertificateRequest",
            "metadata": {"name": "c-1", "namespace": "default"},
            "spec": {"issuerRef": {"name": "le"}, "request": request}
        }))
        .unwrap()
    };
    use base64::Engine as _;
    let pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
    let good = base64::engine::general_purpose::STANDARD.encode(pem);
    assert_eq!(messages(certificate_request(&cr(&good))), Vec::<String>::new());
    assert_eq!(
        messages(certificate_request(&cr("bm90IGEgY3Ny"))),
        vec![
            "spec.request: Invalid value: <csr>: failed to decode csr: error decoding certificate request PEM block"
        ]
    );
    assert_eq!(
        messages(certificate_request(&cr(""))),
        vec!["spec.request: Required value: must be specified"]
    );
}

#[test]
fn summary_joins_messages() {
    let errors = vec![
        FieldError::required("spec.a", "x"),
        FieldError::forbidden("spec.b", "y"),
    ];
    assert_eq!(
        summary(&errors),
        "spec.a: Required value: x, spec.b: Forbidden: y"
    );
}
