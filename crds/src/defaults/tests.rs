use std::time::Duration;

use k8s_openapi::jiff::Timestamp;

use super::*;
use crate::v1::certificate::CertificatePrivateKey;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn spec() -> CertificateSpec {
    CertificateSpec {
        secret_name: "s".into(),
        dns_names: Some(vec!["a.example".into()]),
        ..Default::default()
    }
}

#[test]
fn parses_go_durations() {
    assert_eq!(parse_duration("2160h"), Some(Duration::from_secs(2160 * 3600)));
    assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
    assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
    assert_eq!(parse_duration("-1h"), None);
    assert_eq!(parse_duration("90 days"), None);
    assert_eq!(parse_duration(""), None);
}

#[test]
fn formats_durations_like_go() {
    assert_eq!(format_duration(MIN_DURATION), "1h0m0s");
    assert_eq!(format_duration(MIN_RENEW_BEFORE), "5m0s");
    assert_eq!(format_duration(DEFAULT_DURATION), "2160h0m0s");
    assert_eq!(format_duration(Duration::from_secs(7)), "7s");
}

#[test]
fn duration_defaults_to_ninety_days() {
    assert_eq!(duration(&spec()), DEFAULT_DURATION);
    let s = CertificateSpec {
        duration: Some("48h".into()),
        ..spec()
    };
    assert_eq!(duration(&s), Duration::from_secs(48 * 3600));
}

#[test]
fn private_key_defaults_to_rsa_2048_pkcs1_always() {
    let pk = private_key(&spec());
    assert_eq!(pk.algorithm, PrivateKeyAlgorithm::Rsa);
    assert_eq!(pk.size, 2048);
    assert_eq!(pk.encoding, PrivateKeyEncoding::Pkcs1);
    assert_eq!(pk.rotation_policy, PrivateKeyRotationPolicy::Always);
}

#[test]
fn ecdsa_defaults_to_p256_and_ed25519_has_no_size() {
    let with = |algorithm| CertificateSpec {
        private_key: Some(CertificatePrivateKey {
            algorithm: Some(algorithm),
            ..Default::default()
        }),
        ..spec()
    };
    assert_eq!(private_key(&with(PrivateKeyAlgorithm::Ecdsa)).size, 256);
    assert_eq!(private_key(&with(PrivateKeyAlgorithm::Ed25519)).size, 0);
}

#[test]
fn usages_default_to_digital_signature_and_key_encipherment() {
    assert_eq!(
        usages(&spec()),
        vec![KeyUsage::DigitalSignature, KeyUsage::KeyEncipherment]
    );
}

#[test]
fn is_ca_adds_cert_sign() {
    let s = CertificateSpec {
        is_ca: Some(true),
        usages: Some(vec![KeyUsage::ServerAuth]),
        ..spec()
    };
    assert_eq!(usages(&s), vec![KeyUsage::CertSign, KeyUsage::ServerAuth]);
}

#[test]
fn issuer_ref_defaults_kind_and_group() {
    let r = issuer_ref(&IssuerReference {
        name: "le".into(),
        kind: None,
        group: Some(String::new()),
    });
    assert_eq!(r.kind.as_deref(), Some("Issuer"));
    assert_eq!(r.group.as_deref(), Some("cert-manager.io"));
    let r = issuer_ref(&IssuerReference {
        name: "le".into(),
        kind: Some("ClusterIssuer".into()),
        group: None,
    });
    assert_eq!(r.kind.as_deref(), Some("ClusterIssuer"));
}

#[test]
fn revision_history_limit_defaults_to_one() {
    assert_eq!(revision_history_limit(&spec()), 1);
}

#[test]
fn renews_at_two_thirds_of_duration() {
    let at = renewal_time(ts("2026-01-01T00:00:00Z"), ts("2026-04-01T00:00:00Z"), None, None);
    // 90 days: renewal 30 days before expiry.
    assert_eq!(at, ts("2026-03-02T00:00:00Z"));
}

#[test]
fn renew_before_shorter_than_lifetime_wins() {
    let at = renewal_time(
        ts("2026-01-01T00:00:00Z"),
        ts("2026-04-01T00:00:00Z"),
        Some(Duration::from_secs(24 * 3600)),
        None,
    );
    assert_eq!(at, ts("2026-03-31T00:00:00Z"));
}

#[test]
fn renew_before_longer_than_lifetime_falls_back_to_a_third() {
    let at = renewal_time(
        ts("2026-01-01T00:00:00Z"),
        ts("2026-01-01T03:00:00Z"),
        Some(Duration::from_secs(5 * 3600)),
        None,
    );
    assert_eq!(at, ts("2026-01-01T02:00:00Z"));
}

#[test]
fn renew_before_percentage_is_relative_to_the_actual_lifetime() {
    let at = renewal_time(
        ts("2026-01-01T00:00:00Z"),
        ts("2026-01-01T01:00:00Z"),
        None,
        Some(25),
    );
    assert_eq!(at, ts("2026-01-01T00:45:00Z"));
}

#[test]
fn renewal_time_is_truncated_to_the_second() {
    // A lifetime of 10 s: a third is 3.333 s, renewal at 6.667 s → 6 s.
    let at = renewal_time(ts("2026-01-01T00:00:00Z"), ts("2026-01-01T00:00:10Z"), None, None);
    assert_eq!(at, ts("2026-01-01T00:00:06Z"));
}

#[test]
fn certificate_renewal_time_reads_the_spec() {
    let s = CertificateSpec {
        renew_before: Some("720h".into()),
        ..spec()
    };
    let at = certificate_renewal_time(&s, ts("2026-01-01T00:00:00Z"), ts("2026-04-01T00:00:00Z"));
    assert_eq!(at, ts("2026-03-02T00:00:00Z"));
}
