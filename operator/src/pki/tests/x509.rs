//! Certificates signed by rcgen from our requests, read back and checked
//! against keys, specs and their chain; garbage refused.

use k8s_openapi::jiff::Timestamp;
use passerelle_crds::v1::certificate::{CertificateSpec, KeyUsage};
use pretty_assertions::assert_eq;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DnType, IsCa, Issuer, date_time_ymd,
};

use super::{KINDS, key, spec, strings};
use crate::pki::{
    Csr, EcCurve, Error, KeyKind, Mismatch, ParsedCertificate, key_matches, matches_spec, parse_chain, pem,
    verify_chain,
};

/// The request rcgen reads from a spec and key, valid for Q1 2025.
fn request_params(spec: &CertificateSpec, kind: KeyKind) -> CertificateSigningRequestParams {
    let csr = Csr::build(spec, &key(kind)).unwrap();
    let mut params = CertificateSigningRequestParams::from_pem(&csr.to_pem()).unwrap();
    params.params.not_before = date_time_ymd(2025, 1, 1);
    params.params.not_after = date_time_ymd(2025, 4, 1);
    params
}

fn web_spec() -> CertificateSpec {
    spec(|s| {
        s.common_name = Some("www.example.com".into());
        s.dns_names = strings(&["www.example.com", "example.com"]);
        s.ip_addresses = strings(&["192.0.2.10"]);
        s.email_addresses = strings(&["admin@example.com"]);
        s.uris = strings(&["https://example.com/id"]);
        s.usages = Some(vec![
            KeyUsage::DigitalSignature,
            KeyUsage::KeyEncipherment,
            KeyUsage::ServerAuth,
        ]);
    })
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn self_signed_certificate_reads_back() {
    for kind in [
        KeyKind::Rsa { bits: 2048 },
        KeyKind::Ecdsa(EcCurve::P256),
        KeyKind::Ed25519,
    ] {
        let spec = web_spec();
        let params = request_params(&spec, kind);
        let cert = params.params.self_signed(&key(kind).to_rcgen().unwrap()).unwrap();
        let chain = parse_chain(&cert.pem()).unwrap();
        assert_eq!(chain.len(), 1);
        let leaf = &chain[0];
        assert_eq!(leaf.not_before, at("2025-01-01T00:00:00Z"), "{kind}");
        assert_eq!(leaf.not_after, at("2025-04-01T00:00:00Z"), "{kind}");
        assert_eq!(leaf.names.common_name.as_deref(), Some("www.example.com"));
        assert_eq!(leaf.names.dns_names, ["www.example.com", "example.com"]);
        assert_eq!(
            leaf.names.ip_addresses,
            ["192.0.2.10".parse::<std::net::IpAddr>().unwrap()]
        );
        assert_eq!(leaf.names.email_addresses, ["admin@example.com"]);
        assert_eq!(leaf.names.uris, ["https://example.com/id"]);
        assert_eq!(leaf.subject, "CN=www.example.com");
        assert_eq!(leaf.issuer, leaf.subject);
        assert!(!leaf.is_ca);
        assert_eq!(
            leaf.usages,
            vec![
                KeyUsage::DigitalSignature,
                KeyUsage::KeyEncipherment,
                KeyUsage::ServerAuth
            ]
        );
        assert!(!leaf.serial.is_empty() && leaf.serial.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(leaf.public_key_der, key(kind).public_key_der().unwrap());
        assert!(key_matches(leaf, &key(kind)), "{kind}");
        assert_eq!(matches_spec(leaf, &spec), vec![], "{kind}");
        verify_chain(&chain).unwrap();
    }
}

#[test]
fn key_matches_only_the_certificates_key() {
    let kind = KeyKind::Ecdsa(EcCurve::P256);
    let cert = request_params(&web_spec(), kind)
        .params
        .self_signed(&key(kind).to_rcgen().unwrap())
        .unwrap();
    let leaf = ParsedCertificate::from_der(cert.der()).unwrap();
    for other in KINDS.into_iter().filter(|&k| k != kind) {
        assert!(!key_matches(&leaf, &key(other)), "{other}");
    }
    let same_curve_other_key = crate::pki::PrivateKey::generate(kind).unwrap();
    assert!(!key_matches(&leaf, &same_curve_other_key));
    // The key read back from any encoding still matches.
    let pkcs1 = key(kind)
        .to_pem(passerelle_crds::v1::certificate::PrivateKeyEncoding::Pkcs1)
        .unwrap();
    assert!(key_matches(
        &leaf,
        &crate::pki::PrivateKey::from_pem(&pkcs1).unwrap()
    ));
}

#[test]
fn validity_is_inclusive_at_both_ends() {
    let kind = KeyKind::Ed25519;
    let cert = request_params(&web_spec(), kind)
        .params
        .self_signed(&key(kind).to_rcgen().unwrap())
        .unwrap();
    let leaf = ParsedCertificate::from_der(cert.der()).unwrap();
    assert!(!leaf.is_valid_at(at("2024-12-31T23:59:59Z")));
    assert!(leaf.is_valid_at(at("2025-01-01T00:00:00Z")));
    assert!(leaf.is_valid_at(at("2025-04-01T00:00:00Z")));
    assert!(!leaf.is_valid_at(at("2025-04-01T00:00:01Z")));
}

#[test]
fn names_are_compared_as_cert_manager_compares_them() {
    let kind = KeyKind::Ecdsa(EcCurve::P384);
    let cert = request_params(&web_spec(), kind)
        .params
        .self_signed(&key(kind).to_rcgen().unwrap())
        .unwrap();
    let leaf = ParsedCertificate::from_der(cert.der()).unwrap();
    let changed = |f: fn(&mut CertificateSpec)| {
        let mut spec = web_spec();
        f(&mut spec);
        matches_spec(&leaf, &spec)
    };
    // The common name may move into the DNS names, and lists reorder.
    assert_eq!(changed(|s| s.common_name = None), vec![]);
    assert_eq!(changed(|s| s.dns_names.as_mut().unwrap().reverse()), vec![]);
    // The subject's other attributes are not compared (ACME CAs drop them).
    assert_eq!(changed(|s| s.subject = Some(Default::default())), vec![]);
    assert_eq!(
        changed(|s| s.common_name = Some("other.example.com".into())),
        vec![Mismatch::CommonName]
    );
    assert_eq!(
        changed(|s| s.dns_names = strings(&["www.example.com", "new.example.com"])),
        vec![Mismatch::DnsNames]
    );
    assert_eq!(changed(|s| s.ip_addresses = None), vec![Mismatch::IpAddresses]);
    assert_eq!(
        changed(|s| s.uris = strings(&["https://example.com/other"])),
        vec![Mismatch::Uris]
    );
    assert_eq!(
        changed(|s| s.email_addresses = None),
        vec![Mismatch::EmailAddresses]
    );
}

/// A CA of `kind` and its issuer.
fn ca(kind: KeyKind) -> (rcgen::Certificate, Issuer<'static, rcgen::KeyPair>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, format!("Test CA {kind}"));
    params.not_before = date_time_ymd(2024, 1, 1);
    params.not_after = date_time_ymd(2030, 1, 1);
    let signing_key = key(kind).to_rcgen().unwrap();
    let cert = params.self_signed(&signing_key).unwrap();
    (cert, Issuer::new(params, signing_key))
}

#[test]
fn chains_verify_link_by_link() {
    for (leaf_kind, ca_kind) in [
        (KeyKind::Ecdsa(EcCurve::P256), KeyKind::Ecdsa(EcCurve::P384)),
        (KeyKind::Rsa { bits: 2048 }, KeyKind::Rsa { bits: 4096 }),
        (KeyKind::Ed25519, KeyKind::Ecdsa(EcCurve::P521)),
        (KeyKind::Ecdsa(EcCurve::P384), KeyKind::Rsa { bits: 3072 }),
    ] {
        let (ca_cert, issuer) = ca(ca_kind);
        let leaf = request_params(&web_spec(), leaf_kind).signed_by(&issuer).unwrap();
        let chain = parse_chain(&(leaf.pem() + &ca_cert.pem())).unwrap();
        assert_eq!(chain.len(), 2);
        assert!(chain[1].is_ca);
        assert_eq!(chain[0].issuer, chain[1].subject);
        assert!(key_matches(&chain[0], &key(leaf_kind)));
        verify_chain(&chain).unwrap_or_else(|e| panic!("{leaf_kind} by {ca_kind}: {e}"));
        let reversed = [chain[1].clone(), chain[0].clone()];
        assert!(
            matches!(verify_chain(&reversed), Err(Error::VerifyChain { index: 0, .. })),
            "{leaf_kind} by {ca_kind}"
        );
    }
    // Signed by another CA with the same name: the signature tells.
    let (_, issuer) = ca(KeyKind::Ecdsa(EcCurve::P256));
    let leaf = request_params(&web_spec(), KeyKind::Ed25519)
        .signed_by(&issuer)
        .unwrap();
    let (impostor, _) = ca(KeyKind::Ecdsa(EcCurve::P384));
    let chain = parse_chain(&(leaf.pem() + &impostor.pem())).unwrap();
    assert!(matches!(
        verify_chain(&chain),
        Err(Error::VerifyChain { index: 0, .. })
    ));
}

#[test]
fn garbage_chains_are_errors_never_panics() {
    let kind = KeyKind::Ecdsa(EcCurve::P256);
    let cert = request_params(&web_spec(), kind)
        .params
        .self_signed(&key(kind).to_rcgen().unwrap())
        .unwrap();
    let der = cert.der().to_vec();
    assert!(matches!(parse_chain(""), Err(Error::DecodePem(_))));
    assert!(matches!(
        parse_chain("not a certificate"),
        Err(Error::DecodePem(_))
    ));
    assert!(matches!(
        parse_chain(&pem::encode("CERTIFICATE", b"junk")),
        Err(Error::ParseCertificate { index: 0, .. })
    ));
    let with_key = cert.pem()
        + &key(kind)
            .to_pem(passerelle_crds::v1::certificate::PrivateKeyEncoding::Pkcs8)
            .unwrap();
    assert!(matches!(parse_chain(&with_key), Err(Error::DecodePem(_))));
    let second_bad = cert.pem() + &pem::encode("CERTIFICATE", &der[..der.len() - 1]);
    assert!(matches!(
        parse_chain(&second_bad),
        Err(Error::ParseCertificate { index: 1, .. })
    ));
    let trailing = [der.as_slice(), &[0]].concat();
    assert!(ParsedCertificate::from_der(&trailing).is_err());
    for len in 0..der.len() {
        assert!(ParsedCertificate::from_der(&der[..len]).is_err(), "cut at {len}");
    }
    // Flipped bytes give an error or a certificate, never a panic.
    for at in 0..der.len() {
        let mut flipped = der.clone();
        flipped[at] ^= 0xff;
        let _ = ParsedCertificate::from_der(&flipped);
    }
}
