//! `parse_pair` and `generate_default`.

use super::support::Ca;
use crate::tls::{TlsError, generate_default, parse_pair};

#[test]
fn reads_names_subject_and_validity_from_the_leaf() {
    let ca = Ca::new();
    let pem = ca.issue(&["Www.Example.TEST", "*.apps.example.test"], 2021);
    let cert = pem.load();
    assert_eq!(cert.names, ["*.apps.example.test", "www.example.test"]);
    assert_eq!(cert.sans, ["Www.Example.TEST", "*.apps.example.test"]);
    assert_eq!(cert.subject, "CN=Www.Example.TEST");
    assert_eq!(cert.not_before, 1_609_459_200, "2021-01-01T00:00:00Z");
    assert!(cert.not_after > cert.not_before);
    assert!(!cert.serial.is_empty());
    assert_eq!(cert.key.cert.len(), 1);
}

#[test]
fn keeps_the_whole_chain_leaf_first() {
    let ca = Ca::new();
    let leaf = ca.issue(&["a.example.test"], 2021);
    let other = ca.issue(&["b.example.test"], 2021);
    let chain = format!("{}{}", leaf.cert, other.cert);
    let cert = parse_pair(chain.as_bytes(), leaf.key.as_bytes()).unwrap();
    assert_eq!(cert.key.cert.len(), 2);
    assert_eq!(cert.names, ["a.example.test"]);
}

#[test]
fn falls_back_to_the_common_name_without_dns_names() {
    let ca = Ca::new();
    let cert = ca.issue_with_cn(&[], "Legacy.Example.Test", 2021).load();
    assert_eq!(cert.names, ["legacy.example.test"]);
    assert!(cert.sans.is_empty());
}

#[test]
fn a_common_name_that_is_not_a_host_names_nothing() {
    let ca = Ca::new();
    let cert = ca.issue_with_cn(&[], "My Company Certificate", 2021).load();
    assert!(cert.names.is_empty());
}

#[test]
fn refuses_a_key_that_does_not_match_the_certificate() {
    let ca = Ca::new();
    let a = ca.issue(&["a.example.test"], 2021);
    let b = ca.issue(&["b.example.test"], 2021);
    let error = parse_pair(a.cert.as_bytes(), b.key.as_bytes()).unwrap_err();
    assert!(matches!(error, TlsError::KeyMismatch), "{error:?}");
}

#[test]
fn refuses_bad_pem_naming_what_is_wrong() {
    let ca = Ca::new();
    let good = ca.issue(&["a.example.test"], 2021);
    let truncated = &good.cert[..good.cert.len() / 2];
    let cases: [(&str, &[u8], &[u8]); 5] = [
        ("no_certificate", b"not pem at all", good.key.as_bytes()),
        ("invalid_pem", truncated.as_bytes(), good.key.as_bytes()),
        ("no_private_key", good.cert.as_bytes(), b""),
        ("no_private_key", good.cert.as_bytes(), good.cert.as_bytes()),
        (
            "invalid_certificate",
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            good.key.as_bytes(),
        ),
    ];
    for (expected, cert, key) in cases {
        let error = parse_pair(cert, key).unwrap_err();
        assert_eq!(error.metric_label(), expected, "{error:?}");
    }
}

#[test]
fn debug_output_shows_no_key_material() {
    let ca = Ca::new();
    let pem = ca.issue(&["a.example.test"], 2021);
    let shown = format!("{:?}", pem.load());
    assert!(shown.contains("a.example.test"));
    let key_body: String = pem.key.lines().nth(1).unwrap().chars().take(16).collect();
    assert!(!shown.contains(&key_body));
}

#[test]
fn the_generated_default_names_no_host() {
    let cert = generate_default().unwrap();
    assert_eq!(cert.subject, "CN=PASSERELLE DEFAULT CERT");
    assert!(cert.names.is_empty());
}
