//! Private keys: generation, encodings, parsing, spec matching.

use std::time::Instant;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair as _, RsaKeyPair};
use passerelle_crds::v1::certificate::{CertificatePrivateKey, PrivateKeyAlgorithm, PrivateKeyEncoding};
use pretty_assertions::assert_eq;

use super::{KINDS, key, spec};
use crate::pki::der::{self, Reader, tag};
use crate::pki::{EcCurve, Error, KeyKind, Mismatch, PrivateKey, pem};

#[test]
fn every_kind_round_trips_through_every_encoding() {
    for kind in KINDS {
        let key = key(kind);
        assert_eq!(key.kind(), kind);
        for encoding in [PrivateKeyEncoding::Pkcs1, PrivateKeyEncoding::Pkcs8] {
            let text = key.to_pem(encoding).unwrap();
            let label = pem::decode(&text).unwrap().remove(0).label;
            let expected = match (encoding, kind) {
                (PrivateKeyEncoding::Pkcs1, KeyKind::Rsa { .. }) => "RSA PRIVATE KEY",
                (PrivateKeyEncoding::Pkcs1, KeyKind::Ecdsa(_)) => "EC PRIVATE KEY",
                _ => "PRIVATE KEY",
            };
            assert_eq!(label, expected, "{kind} {encoding:?}");
            let back = PrivateKey::from_pem(&text).unwrap();
            assert_eq!(back.kind(), kind, "{kind} {encoding:?}");
            assert_eq!(
                back.public_key_der().unwrap(),
                key.public_key_der().unwrap(),
                "{kind} {encoding:?}"
            );
            assert_eq!(
                back.to_pem(encoding).unwrap(),
                text,
                "{kind} {encoding:?} re-encodes identically"
            );
        }
    }
}

#[test]
fn rsa_pkcs1_is_the_rsa_private_key_inside_pkcs8() {
    let key = key(KeyKind::Rsa { bits: 2048 });
    let pkcs1 = key.to_der(PrivateKeyEncoding::Pkcs1).unwrap();
    // RSAPrivateKey: version 0, then the modulus (RFC 8017 A.1.2).
    let mut fields = Reader::new(der::read_single(&pkcs1, tag::SEQUENCE, "").unwrap());
    assert_eq!(fields.read(tag::INTEGER, "").unwrap(), &[0]);
    assert_eq!(der::integer_bit_len(fields.read(tag::INTEGER, "").unwrap()), 2048);
    // Wrapping it back gives aws-lc-rs's own PKCS#8 byte for byte.
    assert_eq!(
        PrivateKey::from_pkcs1_der(&pkcs1).unwrap().pkcs8_der(),
        key.pkcs8_der()
    );
}

#[test]
fn sec1_names_its_curve_and_carries_the_public_key() {
    for curve in [EcCurve::P256, EcCurve::P384, EcCurve::P521] {
        let key = key(KeyKind::Ecdsa(curve));
        let sec1 = key.to_der(PrivateKeyEncoding::Pkcs1).unwrap();
        // ECPrivateKey: version 1, privateKey, [0] curve, [1] public key
        // (RFC 5915 §3), as Go's x509.MarshalECPrivateKey writes it.
        let mut fields = Reader::new(der::read_single(&sec1, tag::SEQUENCE, "").unwrap());
        assert_eq!(fields.read(tag::INTEGER, "").unwrap(), &[1]);
        fields.read(tag::OCTET_STRING, "").unwrap();
        assert!(
            fields
                .read_optional(tag::context_constructed(0))
                .unwrap()
                .is_some(),
            "{curve:?}"
        );
        assert!(
            fields
                .read_optional(tag::context_constructed(1))
                .unwrap()
                .is_some(),
            "{curve:?}"
        );
        let back = PrivateKey::from_sec1_der(&sec1).unwrap();
        assert_eq!(back.kind(), KeyKind::Ecdsa(curve));
        assert_eq!(back.public_key_der().unwrap(), key.public_key_der().unwrap());
    }
}

#[test]
fn rsa_public_key_is_the_one_aws_lc_computes() {
    for bits in [2048, 3072, 4096] {
        let key = key(KeyKind::Rsa { bits });
        let pair = RsaKeyPair::from_pkcs8(key.pkcs8_der()).unwrap();
        let expected = pair.public_key().as_der().unwrap();
        assert_eq!(key.public_key_der().unwrap(), expected.as_ref());
    }
}

#[test]
fn reads_ed25519_pkcs8_v2_and_an_ec_key_after_its_parameters() {
    let v2 = Ed25519KeyPair::generate().unwrap().to_pkcs8().unwrap();
    assert_eq!(
        PrivateKey::from_pkcs8_der(v2.as_ref()).unwrap().kind(),
        KeyKind::Ed25519
    );

    // `openssl ecparam -genkey` writes EC PARAMETERS before the key.
    let key = key(KeyKind::Ecdsa(EcCurve::P384));
    let params = pem::encode("EC PARAMETERS", &der::oid(&[1, 3, 132, 0, 34]));
    let text = params + &key.to_pem(PrivateKeyEncoding::Pkcs1).unwrap();
    assert_eq!(
        PrivateKey::from_pem(&text).unwrap().kind(),
        KeyKind::Ecdsa(EcCurve::P384)
    );
}

#[test]
fn unsupported_rsa_sizes_are_refused_by_name() {
    let err = PrivateKey::generate(KeyKind::Rsa { bits: 2560 }).unwrap_err();
    assert!(matches!(err, Error::UnsupportedRsaKeySize(2560)));
    assert!(err.to_string().contains("2560-bit"), "{err}");
}

#[test]
fn key_kind_follows_cert_managers_defaults_and_limits() {
    let with = |algorithm, size| {
        spec(|s| {
            s.private_key = Some(CertificatePrivateKey {
                algorithm,
                size,
                ..Default::default()
            })
        })
    };
    let cases = [
        (None, None, Ok(KeyKind::Rsa { bits: 2048 })),
        (
            Some(PrivateKeyAlgorithm::Rsa),
            Some(0),
            Ok(KeyKind::Rsa { bits: 2048 }),
        ),
        (
            Some(PrivateKeyAlgorithm::Rsa),
            Some(3072),
            Ok(KeyKind::Rsa { bits: 3072 }),
        ),
        (
            Some(PrivateKeyAlgorithm::Rsa),
            Some(8192),
            Ok(KeyKind::Rsa { bits: 8192 }),
        ),
        (
            Some(PrivateKeyAlgorithm::Rsa),
            Some(2560),
            Ok(KeyKind::Rsa { bits: 2560 }),
        ),
        (
            Some(PrivateKeyAlgorithm::Rsa),
            Some(1024),
            Err("spec.privateKey.size"),
        ),
        (
            Some(PrivateKeyAlgorithm::Rsa),
            Some(16384),
            Err("spec.privateKey.size"),
        ),
        (
            Some(PrivateKeyAlgorithm::Ecdsa),
            None,
            Ok(KeyKind::Ecdsa(EcCurve::P256)),
        ),
        (
            Some(PrivateKeyAlgorithm::Ecdsa),
            Some(384),
            Ok(KeyKind::Ecdsa(EcCurve::P384)),
        ),
        (
            Some(PrivateKeyAlgorithm::Ecdsa),
            Some(521),
            Ok(KeyKind::Ecdsa(EcCurve::P521)),
        ),
        (
            Some(PrivateKeyAlgorithm::Ecdsa),
            Some(512),
            Err("spec.privateKey.size"),
        ),
        (
            Some(PrivateKeyAlgorithm::Ed25519),
            Some(4096),
            Ok(KeyKind::Ed25519),
        ),
    ];
    for (algorithm, size, expected) in cases {
        let got = KeyKind::for_spec(&with(algorithm, size)).map_err(|e| match e {
            Error::InvalidSpec { field, .. } => field,
            other => panic!("{other}"),
        });
        assert_eq!(got, expected, "{algorithm:?} {size:?}");
    }
}

#[test]
fn key_matches_spec_as_cert_manager_checks_it() {
    let with = |algorithm, size| {
        spec(|s| {
            s.private_key = Some(CertificatePrivateKey {
                algorithm,
                size,
                ..Default::default()
            })
        })
    };
    let rsa2048 = key(KeyKind::Rsa { bits: 2048 });
    let p256 = key(KeyKind::Ecdsa(EcCurve::P256));
    let ed = key(KeyKind::Ed25519);
    let cases: [(&PrivateKey, _, _, &[Mismatch]); 9] = [
        (&rsa2048, None, None, &[]),
        (&rsa2048, Some(PrivateKeyAlgorithm::Rsa), Some(0), &[]),
        (
            &rsa2048,
            Some(PrivateKeyAlgorithm::Rsa),
            Some(4096),
            &[Mismatch::PrivateKeySize],
        ),
        (
            &rsa2048,
            Some(PrivateKeyAlgorithm::Ecdsa),
            None,
            &[Mismatch::PrivateKeyAlgorithm],
        ),
        (&p256, Some(PrivateKeyAlgorithm::Ecdsa), None, &[]),
        (
            &p256,
            Some(PrivateKeyAlgorithm::Ecdsa),
            Some(384),
            &[Mismatch::PrivateKeySize],
        ),
        (&p256, None, None, &[Mismatch::PrivateKeyAlgorithm]),
        (&ed, Some(PrivateKeyAlgorithm::Ed25519), None, &[]),
        (
            &ed,
            Some(PrivateKeyAlgorithm::Ecdsa),
            Some(256),
            &[Mismatch::PrivateKeyAlgorithm],
        ),
    ];
    for (key, algorithm, size, expected) in cases {
        assert_eq!(
            key.matches_spec(&with(algorithm, size)),
            expected,
            "{} vs {algorithm:?} {size:?}",
            key.kind()
        );
    }
}

/// A PKCS#1 structure with a 1024-bit modulus: not a usable key (aws-lc-rs
/// refuses RSA keys under 2048 bits), but one a Secret may hold.
fn small_rsa_pkcs1() -> Vec<u8> {
    let mut modulus = vec![0x00, 0xc1];
    modulus.extend([0x5a; 127]);
    let int = |bytes: &[u8]| der::tlv(tag::INTEGER, bytes);
    let fields = [
        int(&[0]),
        int(&modulus),
        int(&[1, 0, 1]),
        int(&[3]),
        int(&[5]),
        int(&[7]),
        int(&[9]),
        int(&[11]),
        int(&[13]),
    ];
    der::tlv(tag::SEQUENCE, &fields.concat())
}

#[test]
fn small_rsa_keys_are_read_and_reported_as_the_wrong_size() {
    let text = pem::encode("RSA PRIVATE KEY", &small_rsa_pkcs1());
    let key = PrivateKey::from_pem(&text).unwrap();
    assert_eq!(key.kind(), KeyKind::Rsa { bits: 1024 });
    assert_eq!(key.matches_spec(&spec(|_| {})), vec![Mismatch::PrivateKeySize]);
    assert!(key.public_key_der().is_ok());
    assert!(matches!(key.to_rcgen(), Err(Error::Rcgen(_))));
    assert!(matches!(
        crate::pki::Csr::build(&spec(|s| s.common_name = Some("a".into())), &key),
        Err(Error::RejectPrivateKey(_))
    ));
}

#[test]
fn garbage_keys_are_errors() {
    let pkcs8 = |oid: &[u64], params: &[u8], key: &[u8]| {
        let algorithm = der::sequence(&[&der::oid(oid), params]);
        pem::encode(
            "PRIVATE KEY",
            &der::sequence(&[&der::INTEGER_ZERO, &algorithm, &der::octet_string(key)]),
        )
    };
    let secp256k1 = der::oid(&[1, 3, 132, 0, 10]);
    let sec1_without_curve = der::sequence(&[&der::tlv(tag::INTEGER, &[1]), &der::octet_string(&[7; 32])]);
    type Expected = fn(&Error) -> bool;
    let cases: Vec<(String, Expected)> = vec![
        (String::new(), |e| matches!(e, Error::DecodePem(_))),
        ("garbage".into(), |e| matches!(e, Error::DecodePem(_))),
        (pem::encode("CERTIFICATE", b"x"), |e| {
            matches!(e, Error::DecodePem(_))
        }),
        (pem::encode("PRIVATE KEY", b"garbage"), |e| {
            matches!(e, Error::ParsePrivateKey(_))
        }),
        (pem::encode("RSA PRIVATE KEY", &der::sequence(&[])), |e| {
            matches!(e, Error::ParsePrivateKey(_))
        }),
        (pem::encode("EC PRIVATE KEY", &sec1_without_curve), |e| {
            matches!(e, Error::ParsePrivateKey(_))
        }),
        (pem::encode("ENCRYPTED PRIVATE KEY", b"x"), |e| {
            matches!(e, Error::UnsupportedPrivateKey(_))
        }),
        (pkcs8(&[1, 2, 840, 10040, 4, 1], &[], &[1]), |e| {
            matches!(e, Error::UnsupportedPrivateKey(_))
        }),
        (pkcs8(&[1, 2, 840, 10045, 2, 1], &secp256k1, &[1]), |e| {
            matches!(e, Error::UnsupportedPrivateKey(_))
        }),
        (
            pkcs8(
                &[1, 2, 840, 10045, 2, 1],
                &der::oid(&[1, 2, 840, 10045, 3, 1, 7]),
                &[1],
            ),
            |e| matches!(e, Error::RejectPrivateKey(_)),
        ),
        (pkcs8(&[1, 3, 101, 112], &[], &[1, 2, 3]), |e| {
            matches!(e, Error::RejectPrivateKey(_))
        }),
    ];
    for (text, expected) in cases {
        let err = PrivateKey::from_pem(&text).unwrap_err();
        assert!(expected(&err), "{text:?} gave {err:?}");
    }
}

#[test]
fn truncated_keys_never_panic() {
    for kind in [
        KeyKind::Rsa { bits: 2048 },
        KeyKind::Ecdsa(EcCurve::P256),
        KeyKind::Ed25519,
    ] {
        let key = key(kind);
        for encoding in [PrivateKeyEncoding::Pkcs1, PrivateKeyEncoding::Pkcs8] {
            let der = key.to_der(encoding).unwrap();
            let label = pem::decode(&key.to_pem(encoding).unwrap())
                .unwrap()
                .remove(0)
                .label;
            for len in 0..der.len() {
                let text = pem::encode(&label, &der[..len]);
                assert!(
                    PrivateKey::from_pem(&text).is_err(),
                    "{kind} {encoding:?} cut at {len}"
                );
            }
        }
    }
}

#[test]
fn debug_shows_the_kind_only() {
    let key = key(KeyKind::Ecdsa(EcCurve::P256));
    assert_eq!(format!("{key:?}"), "PrivateKey { kind: Ecdsa(P256), .. }");
}

#[test]
fn every_kind_loads_into_rcgen() {
    for kind in KINDS {
        let pair = key(kind).to_rcgen().unwrap();
        use rcgen::PublicKeyData as _;
        assert_eq!(
            pair.subject_public_key_info(),
            key(kind).public_key_der().unwrap(),
            "{kind}"
        );
    }
}

/// Notes how long RSA generation takes in this build (`cargo test -- --nocapture`
/// shows it); no assertion on time.
#[test]
fn reports_rsa_generation_time() {
    for bits in [2048, 4096] {
        let start = Instant::now();
        PrivateKey::generate(KeyKind::Rsa { bits }).unwrap();
        eprintln!("RSA-{bits} generation took {:?}", start.elapsed());
    }
}

/// RSA-8192 generation takes about 10 s here (random, and longer on a busy
/// machine): run with `cargo test -p passerelle-operator -- --ignored rsa_8192`.
#[test]
#[ignore = "RSA-8192 generation is slow in debug builds"]
fn generates_rsa_8192() {
    let start = Instant::now();
    let key = PrivateKey::generate(KeyKind::Rsa { bits: 8192 }).unwrap();
    eprintln!("RSA-8192 generation took {:?}", start.elapsed());
    let back = PrivateKey::from_pem(&key.to_pem(PrivateKeyEncoding::Pkcs1).unwrap()).unwrap();
    assert_eq!(back.kind(), KeyKind::Rsa { bits: 8192 });
}
