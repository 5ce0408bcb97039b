//! What stops a conversion: every problem is reported, with the legacy
//! object and field it is about.

use pretty_assertions::assert_eq;

use super::{WALKTHROUGH_ISSUER, key, parse, parse_all};
use crate::convert::{Problem, convert_all, convert_issuer};
use crate::v1alpha1::{LegacyCertificate, LegacyIssuer};

#[test]
fn unknown_provider_and_certificates_of_other_issuers_are_all_reported() {
    let issuer: LegacyIssuer = parse(
        r#"
kind: Issuer
metadata: {name: le, namespace: web}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: le}
    dns01:
      providers:
      - {name: aws, route53: {region: eu-west-1}}
"#,
    );
    let certificates: Vec<LegacyCertificate> = parse_all(
        r#"
kind: Certificate
metadata: {name: one, namespace: web}
spec:
  secretName: one-tls
  issuerRef: {name: le}
  acme:
    config:
    - {dns01: {provider: aws}, domains: [one.example.test]}
    - {dns01: {provider: gcp}, domains: [two.example.test]}
---
kind: Certificate
metadata: {name: two, namespace: other}
spec:
  secretName: two-tls
  issuerRef: {name: le}
---
kind: Certificate
metadata: {name: three, namespace: web}
spec:
  secretName: three-tls
  issuerRef: {name: le, kind: ClusterIssuer}
"#,
    );

    let error = convert_issuer(&issuer, &certificates).expect_err("cannot convert");

    let issuer_key = key("Issuer", Some("web"), "le");
    assert_eq!(
        error.problems,
        [
            Problem::ForeignCertificate {
                certificate: key("Certificate", Some("other"), "two"),
                issuer: issuer_key.clone(),
            },
            Problem::ForeignCertificate {
                certificate: key("Certificate", Some("web"), "three"),
                issuer: issuer_key.clone(),
            },
            Problem::UnknownDnsProvider {
                certificate: key("Certificate", Some("web"), "one"),
                index: 1,
                provider: "gcp".into(),
                issuer: issuer_key,
            },
        ]
    );
    assert_eq!(
        error.problems[2].to_string(),
        r#"Certificate web/one: spec.acme.config[1].dns01.provider: no DNS01 provider "gcp" in Issuer web/le"#
    );
    assert!(
        error
            .to_string()
            .contains("Certificate other/two: spec.issuerRef does not reference Issuer web/le")
    );
}

#[test]
fn invalid_entries_and_providers_are_each_reported_once() {
    let issuer: LegacyIssuer = parse(
        r#"
kind: Issuer
metadata: {name: le}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: le}
    dns01:
      providers:
      - name: both
        digitalocean: {tokenSecretRef: {name: do}}
        acmedns: {host: https://acme-dns.example.test, accountSecretRef: {name: acme-dns}}
"#,
    );
    let certificate: LegacyCertificate = parse(
        r#"
kind: Certificate
metadata: {name: site}
spec:
  secretName: site-tls
  issuerRef: {name: le}
  acme:
    config:
    - {http01: {}, domains: [a.example.test]}
    - {domains: [b.example.test]}
    - {dns01: {provider: both}, domains: []}
    - {dns01: {provider: both}, domains: [c.example.test]}
    - {dns01: {provider: both}, domains: [d.example.test]}
    - {http01: {}, dns01: {provider: both}, domains: [e.example.test]}
"#,
    );

    let error = convert_issuer(&issuer, [&certificate]).expect_err("cannot convert");

    let site = key("Certificate", None, "site");
    let invalid = |index, reason| Problem::InvalidSolverEntry {
        certificate: site.clone(),
        index,
        reason,
    };
    assert_eq!(
        error.problems,
        [
            Problem::Http01NotEnabled {
                certificate: site.clone(),
                index: 0,
                issuer: key("Issuer", None, "le"),
            },
            invalid(1, "one of http01 or dns01 must be set"),
            invalid(2, "domains: at least one domain must be listed"),
            Problem::InvalidDnsProvider {
                issuer: key("Issuer", None, "le"),
                index: 0,
                provider: "both".into(),
                found: 2,
            },
            invalid(5, "only one of http01 or dns01 may be set"),
        ]
    );
}

#[test]
fn one_domain_solved_differently_by_two_certificates_is_a_conflict() {
    let issuer: LegacyIssuer = parse(WALKTHROUGH_ISSUER);
    let certificates: Vec<LegacyCertificate> = parse_all(
        r#"
kind: Certificate
metadata: {name: second}
spec:
  secretName: second-tls
  issuerRef: {name: letsencrypt-prod}
  acme:
    config:
    - {http01: {ingressClass: nginx}, domains: [www.example.test]}
---
kind: Certificate
metadata: {name: first}
spec:
  secretName: first-tls
  issuerRef: {name: letsencrypt-prod}
  acme:
    config:
    - {http01: {ingressClass: traefik}, domains: [www.example.test, api.example.test]}
"#,
    );

    let error = convert_issuer(&issuer, &certificates).expect_err("cannot convert");

    assert_eq!(
        error.problems,
        [Problem::ConflictingSolvers {
            domain: "www.example.test".into(),
            certificate: key("Certificate", None, "second"),
            other: key("Certificate", None, "first"),
        }]
    );
}

#[test]
fn convert_all_reports_missing_issuers_unknown_kinds_and_duplicates() {
    let issuers: Vec<LegacyIssuer> = parse_all(
        r#"
kind: Issuer
metadata: {name: ca, namespace: web}
spec: {ca: {secretName: ca-key-pair}}
---
kind: Issuer
metadata: {name: ca, namespace: web}
spec: {ca: {secretName: other-key-pair}}
"#,
    );
    let certificates: Vec<LegacyCertificate> = parse_all(
        r#"
kind: Certificate
metadata: {name: ok, namespace: web}
spec: {secretName: ok-tls, issuerRef: {name: ca}}
---
kind: Certificate
metadata: {name: elsewhere, namespace: shop}
spec: {secretName: elsewhere-tls, issuerRef: {name: ca}}
---
kind: Certificate
metadata: {name: cluster, namespace: web}
spec: {secretName: cluster-tls, issuerRef: {name: ca, kind: ClusterIssuer}}
---
kind: Certificate
metadata: {name: external, namespace: web}
spec: {secretName: external-tls, issuerRef: {name: ca, kind: AWSPCAIssuer}}
"#,
    );

    let error = convert_all(&issuers, &[], &certificates).expect_err("cannot convert");

    assert_eq!(
        error.problems,
        [
            Problem::Duplicate {
                object: key("Issuer", Some("web"), "ca"),
            },
            Problem::MissingIssuer {
                certificate: key("Certificate", Some("shop"), "elsewhere"),
                issuer: key("Issuer", Some("shop"), "ca"),
            },
            Problem::MissingIssuer {
                certificate: key("Certificate", Some("web"), "cluster"),
                issuer: key("ClusterIssuer", None, "ca"),
            },
            Problem::UnsupportedIssuerKind {
                certificate: key("Certificate", Some("web"), "external"),
                kind: "AWSPCAIssuer".into(),
            },
        ]
    );
}
