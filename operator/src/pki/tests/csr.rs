//! Certification requests: built from specs with every name, usage and key
//! kind, read back by us and by rcgen; invalid specs and garbage refused.

use std::net::IpAddr;

use passerelle_crds::v1::certificate::{
    KeyUsage, NameConstraintItem, NameConstraints, OtherName, SignatureAlgorithm,
};
use pretty_assertions::assert_eq;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

use super::{KINDS, every_name, key, spec, strings};
use crate::pki::{Csr, EcCurve, Error, KeyKind, extensions};

#[test]
fn every_name_kind_reads_back() {
    let spec = every_name();
    let key = key(KeyKind::Ecdsa(EcCurve::P256));
    let parsed = Csr::build(&spec, &key).unwrap().parse().unwrap();
    let names = &parsed.names;
    assert_eq!(names.common_name.as_deref(), Some("www.example.com"));
    assert_eq!(names.dns_names, spec.dns_names.clone().unwrap());
    assert_eq!(
        names.ip_addresses,
        ["192.0.2.10", "2001:db8::1"].map(|s| s.parse::<IpAddr>().unwrap())
    );
    assert_eq!(names.uris, spec.uris.clone().unwrap());
    assert_eq!(names.email_addresses, spec.email_addresses.clone().unwrap());
    assert_eq!(names.other_names, spec.other_names.clone().unwrap());
    assert_eq!(names.subject(), spec.subject.clone().unwrap());
    assert_eq!(
        parsed.usages,
        vec![
            KeyUsage::DigitalSignature,
            KeyUsage::ServerAuth,
            KeyUsage::ClientAuth,
            KeyUsage::IpsecUser
        ]
    );
    assert!(!parsed.is_ca);
    assert_eq!(parsed.public_key_der, key.public_key_der().unwrap());
}

#[test]
fn subject_is_in_gos_order_with_multi_valued_rdns() {
    let parsed = Csr::build(&every_name(), &key(KeyKind::Ed25519))
        .unwrap()
        .parse()
        .unwrap();
    let order: Vec<Vec<&str>> = parsed
        .names
        .rdns
        .iter()
        .map(|rdn| rdn.iter().map(|a| a.oid.as_str()).collect())
        .collect();
    let expected: Vec<Vec<&str>> = vec![
        vec!["2.5.4.6"],
        vec!["2.5.4.8"],
        vec!["2.5.4.7"],
        vec!["2.5.4.9"],
        vec!["2.5.4.17"],
        vec!["2.5.4.10", "2.5.4.10"],
        vec!["2.5.4.11", "2.5.4.11"],
        vec!["2.5.4.3"],
        vec!["2.5.4.5"],
    ];
    assert_eq!(order, expected);
}

#[test]
fn every_key_kind_signs_a_request_that_verifies() {
    for kind in KINDS {
        let spec = spec(|s| s.dns_names = strings(&["a.example"]));
        let csr = Csr::build(&spec, &key(kind)).unwrap();
        let parsed = csr.parse().unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(parsed.names.dns_names, ["a.example"], "{kind}");
        // The signature algorithm cert-manager picks for the key.
        let (_, raw) = X509CertificationRequest::from_der(csr.der()).unwrap();
        let expected = match kind {
            KeyKind::Rsa { bits: 2048 } => "1.2.840.113549.1.1.11",
            KeyKind::Rsa { bits: 3072 } => "1.2.840.113549.1.1.12",
            KeyKind::Rsa { .. } => "1.2.840.113549.1.1.13",
            KeyKind::Ecdsa(EcCurve::P256) => "1.2.840.10045.4.3.2",
            KeyKind::Ecdsa(EcCurve::P384) => "1.2.840.10045.4.3.3",
            KeyKind::Ecdsa(EcCurve::P521) => "1.2.840.10045.4.3.4",
            KeyKind::Ed25519 => "1.3.101.112",
        };
        assert_eq!(
            raw.signature_algorithm.algorithm.to_id_string(),
            expected,
            "{kind}"
        );
    }
}

#[test]
fn rcgen_reads_our_requests() {
    for kind in [
        KeyKind::Rsa { bits: 2048 },
        KeyKind::Ecdsa(EcCurve::P256),
        KeyKind::Ecdsa(EcCurve::P384),
        KeyKind::Ed25519,
    ] {
        let spec = spec(|s| {
            s.common_name = Some("a.example".into());
            s.dns_names = strings(&["a.example", "b.example"]);
            s.ip_addresses = strings(&["10.0.0.1"]);
            s.usages = Some(vec![
                KeyUsage::DigitalSignature,
                KeyUsage::KeyEncipherment,
                KeyUsage::ServerAuth,
            ]);
        });
        let pem = Csr::build(&spec, &key(kind)).unwrap().to_pem();
        let params =
            rcgen::CertificateSigningRequestParams::from_pem(&pem).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(params.params.subject_alt_names.len(), 3, "{kind}");
        assert_eq!(
            params.params.extended_key_usages,
            vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth],
            "{kind}"
        );
    }
}

#[test]
fn usages_default_and_follow_is_ca_and_encode_usages_in_request() {
    let key = key(KeyKind::Ecdsa(EcCurve::P256));
    let parse = |f: fn(&mut passerelle_crds::v1::certificate::CertificateSpec)| {
        Csr::build(
            &spec(|s| {
                s.common_name = Some("ca".into());
                f(s)
            }),
            &key,
        )
        .unwrap()
        .parse()
        .unwrap()
    };
    let default = parse(|_| {});
    assert_eq!(
        default.usages,
        vec![KeyUsage::DigitalSignature, KeyUsage::KeyEncipherment]
    );
    assert!(!default.is_ca);
    let ca = parse(|s| s.is_ca = Some(true));
    assert_eq!(
        ca.usages,
        vec![
            KeyUsage::DigitalSignature,
            KeyUsage::KeyEncipherment,
            KeyUsage::CertSign
        ]
    );
    assert!(ca.is_ca);
    let none = parse(|s| {
        s.encode_usages_in_request = Some(false);
        s.usages = Some(vec![KeyUsage::ServerAuth]);
    });
    assert_eq!(none.usages, vec![]);
    let signing = parse(|s| s.usages = Some(vec![KeyUsage::Signing, KeyUsage::Smime, KeyUsage::NetscapeSgc]));
    assert_eq!(
        signing.usages,
        vec![
            KeyUsage::DigitalSignature,
            KeyUsage::EmailProtection,
            KeyUsage::NetscapeSgc
        ]
    );
}

#[test]
fn key_usage_bits_are_encoded_as_go_encodes_them() {
    let value = |usages: &[KeyUsage]| {
        let ext = extensions::usages(usages).remove(0);
        // SEQUENCE { OID 2.5.29.15, BOOLEAN TRUE, OCTET STRING { BIT STRING } }
        assert_eq!(&ext[2..7], &[0x06, 0x03, 0x55, 0x1d, 0x0f]);
        assert_eq!(&ext[7..10], &[0x01, 0x01, 0xff]);
        ext[12..].to_vec()
    };
    assert_eq!(value(&[KeyUsage::DigitalSignature]), [0x03, 0x02, 0x07, 0x80]);
    assert_eq!(
        value(&[KeyUsage::DigitalSignature, KeyUsage::KeyEncipherment]),
        [0x03, 0x02, 0x05, 0xa0]
    );
    assert_eq!(
        value(&[KeyUsage::CertSign, KeyUsage::CrlSign]),
        [0x03, 0x02, 0x01, 0x06]
    );
    assert_eq!(value(&[KeyUsage::DecipherOnly]), [0x03, 0x03, 0x07, 0x00, 0x80]);
    assert!(extensions::usages(&[]).is_empty());
}

#[test]
fn name_constraints_and_signature_algorithm_are_honoured() {
    let spec = spec(|s| {
        s.common_name = Some("Example CA".into());
        s.is_ca = Some(true);
        s.signature_algorithm = Some(SignatureAlgorithm::SHA512WithRSA);
        s.name_constraints = Some(NameConstraints {
            critical: Some(true),
            permitted: Some(NameConstraintItem {
                dns_domains: strings(&["example.com"]),
                ip_ranges: strings(&["10.1.2.3/16"]),
                ..Default::default()
            }),
            excluded: Some(NameConstraintItem {
                email_addresses: strings(&["bad.example"]),
                ..Default::default()
            }),
        });
    });
    let csr = Csr::build(&spec, &key(KeyKind::Rsa { bits: 2048 })).unwrap();
    assert!(csr.parse().unwrap().is_ca);
    let (_, raw) = X509CertificationRequest::from_der(csr.der()).unwrap();
    assert_eq!(
        raw.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.113549.1.1.13"
    );
    let constraints = raw
        .requested_extensions()
        .unwrap()
        .find_map(|e| match e {
            ParsedExtension::NameConstraints(nc) => Some(nc.clone()),
            _ => None,
        })
        .unwrap();
    let permitted: Vec<_> = constraints
        .permitted_subtrees
        .unwrap()
        .into_iter()
        .map(|s| s.base)
        .collect();
    assert_eq!(permitted[0], GeneralName::DNSName("example.com"));
    assert_eq!(
        permitted[1],
        GeneralName::IPAddress(&[10, 1, 0, 0, 255, 255, 0, 0])
    );
    let excluded: Vec<_> = constraints
        .excluded_subtrees
        .unwrap()
        .into_iter()
        .map(|s| s.base)
        .collect();
    assert_eq!(excluded, vec![GeneralName::RFC822Name("bad.example")]);
}

#[test]
fn invalid_specs_name_the_field() {
    let key = key(KeyKind::Ecdsa(EcCurve::P256));
    type Edit = fn(&mut passerelle_crds::v1::certificate::CertificateSpec);
    let cases: [(Edit, &str); 8] = [
        (|_| {}, "spec"),
        (|s| s.ip_addresses = strings(&["10.0.0.300"]), "spec.ipAddresses"),
        (
            |s| s.ip_addresses = strings(&["fe80::1%eth0"]),
            "spec.ipAddresses",
        ),
        (|s| s.dns_names = strings(&["bücher.example"]), "spec.dnsNames"),
        (
            |s| {
                s.other_names = Some(vec![OtherName {
                    oid: Some("upn".into()),
                    utf8_value: None,
                }])
            },
            "spec.otherNames",
        ),
        (
            |s| s.literal_subject = Some("CN=a,FOO=b".into()),
            "spec.literalSubject",
        ),
        (
            |s| {
                s.common_name = Some("a".into());
                s.signature_algorithm = Some(SignatureAlgorithm::SHA256WithRSA);
            },
            "spec.signatureAlgorithm",
        ),
        (
            |s| {
                s.common_name = Some("a".into());
                s.signature_algorithm = Some(SignatureAlgorithm::ECDSAWithSHA384);
            },
            "spec.signatureAlgorithm",
        ),
    ];
    for (f, field) in cases {
        match Csr::build(&spec(f), &key) {
            Err(Error::InvalidSpec { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn request_field_round_trips_and_garbage_is_refused() {
    let csr = Csr::build(
        &spec(|s| s.common_name = Some("a".into())),
        &key(KeyKind::Ed25519),
    )
    .unwrap();
    assert_eq!(Csr::from_request_field(&csr.to_request_field()).unwrap(), csr);
    assert_eq!(Csr::from_pem(&csr.to_pem()).unwrap(), csr);
    assert!(matches!(Csr::from_request_field("!!"), Err(Error::DecodePem(_))));
    assert!(matches!(
        Csr::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        Err(Error::DecodePem(_))
    ));
    for len in 0..csr.der().len() {
        assert!(
            Csr::from_der(csr.der()[..len].to_vec()).parse().is_err(),
            "cut at {len}"
        );
    }
    // A flipped bit in the signed part breaks the signature.
    let mut tampered = csr.der().to_vec();
    let at = tampered.len() / 3;
    tampered[at] ^= 0x01;
    assert!(matches!(Csr::from_der(tampered).parse(), Err(Error::ParseCsr(_))));
}
