//! Table tests of what starts an issuance: the renewal time, each problem
//! of the Secret (with cert-manager's reasons and messages), the backoff
//! after failures, and a trigger set by hand.

use passerelle_crds::constants::{annotations as keys, conditions, reasons};
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::Certificate;
use pretty_assertions::assert_eq;

use super::fixtures::*;
use super::{Tap, condition, settled, trigger};
use crate::certificate::decide::{Decision, decide};
use crate::certificate::observe::{Contents, Observed, RequestState, SecretFacts};
use crate::pki::Mismatch;

#[test]
fn up_to_date_certificate_requeues_at_its_renewal_time() {
    let cert = Certificate::test().revision(1);
    let obs = Observed {
        secret: Some(secret_for(&cert, 10)),
        ..observed()
    };
    let first = decide(&cert, &obs, now());
    assert!(
        matches!(first, Decision::UpdateStatus { requeue_at: Some(at), .. } if at == days(50)),
        "{first:?}"
    );
    let cert = settled(cert, &obs);
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::UpToDate { renew_at: days(50) }
    );
}

#[test]
fn renews_at_two_thirds_of_duration() {
    let cert = Certificate::test().revision(1);
    let obs = Observed {
        secret: Some(secret_for(&cert, 10)),
        ..observed()
    };
    let cert = settled(cert, &obs);
    assert!(matches!(
        decide(
            &cert,
            &obs,
            days(50) - k8s_openapi::jiff::SignedDuration::from_secs(1)
        ),
        Decision::UpToDate { .. }
    ));
    let decision = decide(&cert, &obs, days(50));
    assert_eq!(
        condition(&decision, conditions::READY).unwrap().0,
        ConditionStatus::True,
        "still ready while renewing"
    );
    assert_eq!(
        trigger(decision),
        (
            "Renewing",
            "Renewing certificate as renewal was scheduled at 2026-04-20 00:00:00 +0000 UTC".into()
        )
    );
}

#[test]
fn renew_before_moves_the_renewal_time() {
    let cert = Certificate::test().spec(|s| s.renew_before = Some("240h".into()));
    let obs = Observed {
        secret: Some(secret_for(&cert, 10)),
        ..observed()
    };
    let cert = settled(cert, &obs);
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::UpToDate { renew_at: days(70) }
    );
}

#[test]
fn each_problem_of_the_secret_triggers_reissuance() {
    let cert = Certificate::test();
    let valid = secret_for(&cert, 10);
    let with = |f: &dyn Fn(&mut SecretFacts)| {
        let mut s = valid.clone();
        f(&mut s);
        Observed {
            secret: Some(s),
            ..observed()
        }
    };
    let cases: Vec<(&str, Observed, &str, &str)> = vec![
        (
            "no private key",
            with(&|s| {
                s.contents = Contents::Missing("Issuing certificate as Secret does not contain a private key")
            }),
            "MissingData",
            "Issuing certificate as Secret does not contain a private key",
        ),
        (
            "corrupt certificate",
            with(&|s| s.contents = Contents::InvalidCertificate("malformed PEM: no PEM block found".into())),
            "MissingData",
            "Issuing certificate as Secret contains an invalid certificate: malformed PEM: no PEM block found",
        ),
        (
            "corrupt key",
            with(&|s| s.contents = Contents::InvalidKey("malformed PEM: no PEM block found".into())),
            "InvalidKeyPair",
            "Issuing certificate as Secret contains invalid private key data: malformed PEM: no PEM block found",
        ),
        (
            "key of another certificate",
            Observed {
                secret: Some(with_pair(valid.clone(), |p| p.key_matches_cert = false)),
                ..observed()
            },
            "InvalidKeyPair",
            "Issuing certificate as Secret contains a private key that does not match the certificate",
        ),
        (
            "key spec changed",
            Observed {
                secret: Some(with_pair(valid.clone(), |p| {
                    p.key_mismatches = vec![Mismatch::PrivateKeyAlgorithm]
                })),
                ..observed()
            },
            "SecretMismatch",
            "Existing private key is not up to date for spec: [spec.privateKey.algorithm]",
        ),
        (
            "issuer changed",
            with(&|s| {
                s.annotations.insert(keys::ISSUER_NAME.into(), "staging".into());
            }),
            "IncorrectIssuer",
            r#"Issuing certificate as Secret was previously issued by "ClusterIssuer.cert-manager.io/staging""#,
        ),
        (
            "secret of another certificate",
            with(&|s| {
                s.annotations.insert(keys::CERTIFICATE_NAME.into(), "api".into());
            }),
            "IncorrectCertificate",
            r#"Secret was issued for "api". If this message is not transient, you might have two conflicting Certificates pointing to the same secret."#,
        ),
        (
            "names changed",
            Observed {
                secret: Some(with_pair(valid.clone(), |p| {
                    p.name_mismatches = vec![Mismatch::DnsNames]
                })),
                ..observed()
            },
            "IncorrectCertificate",
            "Issuing certificate as Existing issued Secret is not up to date for spec: [spec.dnsNames]",
        ),
        (
            "request fields changed",
            Observed {
                secret: Some(valid.clone()),
                current_request_mismatches: Some(vec![Mismatch::Duration]),
                ..observed()
            },
            "IncorrectCertificate",
            "Fields on existing CertificateRequest resource not up to date: [spec.duration]",
        ),
        (
            "expired",
            Observed {
                secret: Some(secret_for(&cert, 100)),
                ..observed()
            },
            "Expired",
            "Certificate expired on Thu, 19 Feb 2026 00:00:00 UTC",
        ),
    ];
    for (case, obs, reason, message) in cases {
        let decision = decide(&cert, &obs, now());
        assert_eq!(
            condition(&decision, conditions::READY).map(|c| c.1),
            Some(reason.to_string()),
            "{case}"
        );
        let (r, m) = trigger(decision);
        assert_eq!((r, m.as_str()), (reason, message), "{case}");
    }
}

#[test]
fn failed_issuances_back_off_exponentially_up_to_32h() {
    for (attempts, wait) in [
        (1, 1),
        (2, 2),
        (3, 4),
        (4, 8),
        (5, 16),
        (6, 32),
        (7, 32),
        (20, 32),
    ] {
        let cert = settled(Certificate::test().failed(now(), attempts), &observed());
        assert_eq!(
            decide(&cert, &observed(), now()),
            Decision::BackOff { until: hours(wait) },
            "attempt {attempts}"
        );
    }
    let cert = settled(Certificate::test().failed(hours(-2), 1), &observed());
    assert_eq!(
        trigger(decide(&cert, &observed(), now())).0,
        "DoesNotExist",
        "backoff over"
    );
}

#[test]
fn spec_change_ends_the_backoff() {
    let cert = settled(Certificate::test().failed(now(), 3), &observed());
    let failed = RequestState::Failed {
        reason: "Failed".into(),
        message: "boom".into(),
        at: Some(now()),
    };
    let changed = request("web-1", "k", failed).tap(|r| r.mismatches = Ok(vec![Mismatch::DnsNames]));
    let obs = Observed {
        next_request: Some(changed),
        ..observed()
    };
    assert_eq!(trigger(decide(&cert, &obs, now())).0, "DoesNotExist");
}

#[test]
fn manual_trigger_issues_a_valid_certificate_and_is_removed_on_completion() {
    let cert = Certificate::test().revision(1);
    let obs = Observed {
        secret: Some(secret_for(&cert, 10)),
        ..observed()
    };
    let cert = settled(cert, &obs).issuing(reasons::MANUALLY_TRIGGERED, now());
    assert!(matches!(
        decide(&cert, &obs, now()),
        Decision::ChooseKeySecretName { .. }
    ));

    let cert = cert.next_key_name("k");
    let issued = RequestState::Issued {
        chain_pem: CHAIN.to_vec(),
        ca_pem: None,
    };
    let obs = Observed {
        secret: Some(secret_for(&cert, 0)),
        next_key: next_key("k"),
        next_request: Some(request("web-2", "k", issued)),
        ..observed()
    };
    let Decision::CompleteIssuance { status, .. } = decide(&cert, &obs, now()) else {
        panic!()
    };
    let types: Vec<_> = status.conditions.unwrap().into_iter().map(|c| c.type_).collect();
    assert_eq!(types, vec!["Ready".to_string()]);
}
