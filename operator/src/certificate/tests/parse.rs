//! Tests of reading real objects into facts: a Secret holding a key and an
//! rcgen-signed certificate, a CertificateRequest whose issued chain is or
//! is not for its key, and the Certificate a Secret belongs to.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use passerelle_crds::v1::certificate::PrivateKeyEncoding;
use passerelle_crds::v1::{Certificate, CertificateRequest, CertificateRequestSpec};
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, CertifiedIssuer, IsCa, KeyPair,
};
use serde_json::json;

use super::fixtures::*;
use crate::certificate::observe::{
    Contents, RequestState, certificate_of_secret, request_facts, secret_facts,
};
use crate::certificate::secret;
use crate::pki::{Csr, EcCurve, KeyKind, Mismatch, PrivateKey};

/// Signs a CSR with a fresh rcgen CA; returns the leaf then the CA, PEM.
fn sign(csr: &Csr) -> String {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let leaf = CertificateSigningRequestParams::from_pem(&csr.to_pem())
        .unwrap()
        .signed_by(&ca)
        .unwrap();
    format!("{}{}", leaf.pem(), ca.pem())
}

fn tls_secret(key_pem: &str, chain: &str) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some("web-tls".into()),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([
            ("tls.key".to_string(), ByteString(key_pem.as_bytes().to_vec())),
            ("tls.crt".to_string(), ByteString(chain.as_bytes().to_vec())),
        ])),
        ..Secret::default()
    }
}

#[test]
fn secret_with_a_signed_certificate_reads_as_a_valid_pair() {
    let cert = Certificate::test();
    let csr = Csr::build(&cert.spec, &key()).unwrap();
    let chain = sign(&csr);
    // ECDSA where the spec asks for RSA (the default): the key mismatches.
    let facts = secret_facts(
        &tls_secret(&key().to_pem(PrivateKeyEncoding::Pkcs8).unwrap(), &chain),
        &cert,
    );
    let Contents::Valid(pair) = &facts.contents else {
        panic!("{:?}", facts.contents)
    };
    assert!(pair.key_matches_cert);
    assert_eq!(pair.key_mismatches, vec![Mismatch::PrivateKeyAlgorithm]);
    assert_eq!(pair.name_mismatches, vec![]);
    assert_eq!(pair.leaf.names.dns_names, vec!["a.example".to_string()]);
    assert!(!facts.managed);

    let other = PrivateKey::generate(KeyKind::Ecdsa(EcCurve::P256)).unwrap();
    let facts = secret_facts(
        &tls_secret(&other.to_pem(PrivateKeyEncoding::Pkcs1).unwrap(), &chain),
        &cert,
    );
    let Contents::Valid(pair) = &facts.contents else {
        panic!()
    };
    assert!(!pair.key_matches_cert, "a key of another certificate");
}

#[test]
fn broken_secrets_say_what_is_missing() {
    let cert = Certificate::test();
    let cases = [
        (Secret::default(), "does not contain any data"),
        (tls_secret("", "x"), "does not contain a private key"),
        (tls_secret("x", ""), "does not contain a certificate"),
    ];
    for (secret, expected) in cases {
        match secret_facts(&secret, &cert).contents {
            Contents::Missing(message) => assert!(message.ends_with(expected), "{message}"),
            other => panic!("{other:?}"),
        }
    }
    let key_pem = key().to_pem(PrivateKeyEncoding::Pkcs8).unwrap();
    assert!(matches!(
        secret_facts(&tls_secret("garbage", "garbage"), &cert).contents,
        Contents::InvalidKey(_)
    ));
    assert!(matches!(
        secret_facts(&tls_secret(&key_pem, "garbage"), &cert).contents,
        Contents::InvalidCertificate(_)
    ));
}

fn issued_request(cert: &Certificate, csr: &Csr, chain: &str) -> CertificateRequest {
    let mut cr = CertificateRequest::new(
        "web-1",
        CertificateRequestSpec {
            request: csr.to_request_field(),
            issuer_ref: cert.spec.issuer_ref.clone(),
            ..Default::default()
        },
    );
    cr.status = serde_json::from_value(json!({
        "certificate": STANDARD.encode(chain),
        "conditions": [{"type": "Ready", "status": "True", "reason": "Issued", "lastTransitionTime": "2026-03-01T00:00:00Z"}],
    }))
    .unwrap();
    cr.metadata.owner_references = Some(vec![secret::owner_reference(cert, true)]);
    cr
}

#[test]
fn issued_chain_for_another_key_counts_as_a_failed_request() {
    let cert = Certificate::test();
    let csr = Csr::build(&cert.spec, &key()).unwrap();
    let facts = request_facts(&issued_request(&cert, &csr, &sign(&csr)), &cert);
    assert!(facts.ours);
    assert!(
        matches!(facts.state, RequestState::Issued { .. }),
        "{:?}",
        facts.state
    );

    let other = PrivateKey::generate(KeyKind::Ecdsa(EcCurve::P256)).unwrap();
    let foreign = sign(&Csr::build(&cert.spec, &other).unwrap());
    let facts = request_facts(&issued_request(&cert, &csr, &foreign), &cert);
    assert_eq!(
        facts.state,
        RequestState::Failed {
            reason: "Failed".into(),
            message: "the issued certificate is not for the requested private key".into(),
            at: Some(now()),
        }
    );
}

#[test]
fn secrets_map_to_their_certificate_by_annotation_or_owner() {
    let cert = Certificate::test();
    let mut annotated = Secret::default();
    annotated.metadata.namespace = Some("default".into());
    annotated.metadata.annotations = Some(BTreeMap::from([(
        "cert-manager.io/certificate-name".to_string(),
        "web".to_string(),
    )]));
    let mut owned = Secret::default();
    owned.metadata.namespace = Some("default".into());
    owned.metadata.owner_references = Some(vec![secret::owner_reference(&cert, true)]);
    for s in [annotated, owned] {
        let r = certificate_of_secret(&s).unwrap();
        assert_eq!(
            (r.name.as_str(), r.namespace.as_deref()),
            ("web", Some("default"))
        );
    }
    assert!(
        certificate_of_secret(&Secret {
            metadata: ObjectMeta {
                namespace: Some("default".into()),
                ..Default::default()
            },
            ..Default::default()
        })
        .is_none()
    );
}
