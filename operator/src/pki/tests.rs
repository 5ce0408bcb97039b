//! Tests of the PKI primitives: every key kind and encoding round-tripped,
//! requests with every name kind read back (and by rcgen), certificates
//! signed by rcgen from those requests read back and checked, and garbage
//! refused without panics.

mod csr;
mod keys;
mod matching;
mod x509;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use passerelle_crds::meta::IssuerReference;
use passerelle_crds::v1::certificate::{CertificateSpec, KeyUsage, OtherName, X509Subject};
use passerelle_crds::v1::certificate_request::CertificateRequestSpec;

use super::{Csr, EcCurve, KeyKind, PrivateKey};

/// Every kind of key the operator makes, RSA-8192 apart (slow).
const KINDS: [KeyKind; 7] = [
    KeyKind::Rsa { bits: 2048 },
    KeyKind::Rsa { bits: 3072 },
    KeyKind::Rsa { bits: 4096 },
    KeyKind::Ecdsa(EcCurve::P256),
    KeyKind::Ecdsa(EcCurve::P384),
    KeyKind::Ecdsa(EcCurve::P521),
    KeyKind::Ed25519,
];

/// A generated key of `kind`, shared between tests: RSA generation is slow
/// in debug builds.
fn key(kind: KeyKind) -> PrivateKey {
    static KEYS: OnceLock<Mutex<HashMap<KeyKind, PrivateKey>>> = OnceLock::new();
    let keys = KEYS.get_or_init(Default::default);
    if let Some(key) = keys.lock().unwrap().get(&kind) {
        return key.clone();
    }
    let key = PrivateKey::generate(kind).unwrap();
    keys.lock().unwrap().entry(kind).or_insert(key).clone()
}

/// A Certificate spec for `secretName: tls` issued by the `letsencrypt`
/// ClusterIssuer, changed by `f`.
fn spec(f: impl FnOnce(&mut CertificateSpec)) -> CertificateSpec {
    let mut spec = CertificateSpec {
        secret_name: "tls".into(),
        issuer_ref: IssuerReference {
            name: "letsencrypt".into(),
            kind: Some("ClusterIssuer".into()),
            group: None,
        },
        ..CertificateSpec::default()
    };
    f(&mut spec);
    spec
}

/// Owned strings.
fn strings(values: &[&str]) -> Option<Vec<String>> {
    Some(values.iter().map(|s| s.to_string()).collect())
}

/// A spec asking for every kind of name and every subject attribute.
fn every_name() -> CertificateSpec {
    spec(|s| {
        s.common_name = Some("www.example.com".into());
        s.dns_names = strings(&["www.example.com", "example.com", "*.example.org"]);
        s.ip_addresses = strings(&["192.0.2.10", "2001:db8::1"]);
        s.uris = strings(&["spiffe://cluster.local/ns/default/sa/web"]);
        s.email_addresses = strings(&["admin@example.com"]);
        s.other_names = Some(vec![OtherName {
            oid: Some("1.3.6.1.4.1.311.20.2.3".into()),
            utf8_value: Some("upn@example.com".into()),
        }]);
        s.subject = Some(X509Subject {
            organizations: strings(&["Example Inc.", "Example Zürich AG"]),
            countries: strings(&["CH"]),
            // Sorted as DER sorts the values of a multi-valued RDN.
            organizational_units: strings(&["Ops", "Web"]),
            localities: strings(&["Zürich"]),
            provinces: strings(&["ZH"]),
            street_addresses: strings(&["Bahnhofstrasse 1"]),
            postal_codes: strings(&["8001"]),
            serial_number: Some("42".into()),
        });
        s.usages = Some(vec![
            KeyUsage::DigitalSignature,
            KeyUsage::ServerAuth,
            KeyUsage::ClientAuth,
            KeyUsage::IpsecUser,
        ]);
    })
}

/// The CertificateRequest cert-manager would create for a spec.
fn request_for(spec: &CertificateSpec, csr: &Csr) -> CertificateRequestSpec {
    CertificateRequestSpec {
        duration: spec.duration.clone(),
        issuer_ref: spec.issuer_ref.clone(),
        request: csr.to_request_field(),
        is_ca: spec.is_ca,
        usages: spec.usages.clone(),
        ..Default::default()
    }
}
