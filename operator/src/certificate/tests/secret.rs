//! Table tests of what happens to a Secret that needs no issuance: a
//! Secret written before cert-manager labelled its Secrets (or by
//! cert-manager 0.x) is adopted when it matches the spec and re-issued when
//! it does not; a secretTemplate change refreshes it; old requests and key
//! Secrets are pruned.

use passerelle_crds::v1::Certificate;
use pretty_assertions::assert_eq;

use super::fixtures::*;
use super::{Tap, trigger};
use crate::certificate::decide::{Decision, decide};
use crate::certificate::observe::Observed;
use crate::pki::Mismatch;

#[test]
fn unlabelled_secret_matching_the_spec_is_adopted_without_reissuing() {
    let cert = Certificate::test();
    let mut secret = secret_for(&cert, 10);
    secret.managed = false;
    secret.labels.clear();
    let obs = Observed {
        secret: Some(secret),
        ..observed()
    };
    assert_eq!(decide(&cert, &obs, now()), Decision::UpdateSecret { adopt: true });

    let legacy_ok = legacy(secret_for(&cert, 10), "le");
    let obs = Observed {
        secret: Some(legacy_ok),
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::UpdateSecret { adopt: true },
        "0.x Secret"
    );
}

#[test]
fn unlabelled_secret_is_not_adopted_when_names_or_issuer_differ() {
    let cert = Certificate::test();
    let mut secret = with_pair(secret_for(&cert, 10), |p| {
        p.name_mismatches = vec![Mismatch::DnsNames]
    });
    secret.managed = false;
    let obs = Observed {
        secret: Some(secret),
        ..observed()
    };
    assert_eq!(trigger(decide(&cert, &obs, now())).0, "IncorrectCertificate");

    let obs = Observed {
        secret: Some(legacy(secret_for(&cert, 10), "old-issuer")),
        ..observed()
    };
    assert_eq!(
        trigger(decide(&cert, &obs, now())),
        ("IncorrectIssuer", r#"Issuing certificate as Secret was previously issued by "ClusterIssuer.cert-manager.io/old-issuer""#.into())
    );
}

#[test]
fn secret_template_changes_refresh_the_secret_without_reissuing() {
    let cert = Certificate::test().spec(|s| {
        s.secret_template = Some(passerelle_crds::v1::certificate::CertificateSecretTemplate {
            labels: Some([("team".to_string(), "web".to_string())].into()),
            annotations: None,
        })
    });
    let obs = Observed {
        secret: Some(secret_for(&Certificate::test(), 10)),
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::UpdateSecret { adopt: false }
    );
}

#[test]
fn old_requests_and_key_secrets_are_pruned() {
    let cert = Certificate::test()
        .revision(3)
        .spec(|s| s.revision_history_limit = Some(2));
    let obs = Observed {
        secret: Some(secret_for(&cert, 10)),
        requests: vec![
            owned("web-3", 3),
            owned("web-1", 1),
            owned("web-2", 2),
            owned("manual", 0).tap(|r| r.revision = None),
        ],
        key_secrets: vec!["web-x7k2p".into()],
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::Prune {
            key_secrets: vec!["web-x7k2p".into()],
            requests: vec!["web-1".into()]
        }
    );
}
