//! Table tests of the Certificate decisions: one case per `Decision`
//! variant and per edge (renewal window, each re-issuance trigger, backoff,
//! manual trigger, adoption), all at an injected `now`.

mod fixtures;
mod parse;
mod secret;
mod triggers;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use passerelle_crds::constants::{conditions, reasons};
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::Certificate;
use pretty_assertions::assert_eq;

use self::fixtures::*;
use super::decide::{Decision, READY_MESSAGE, decide};
use super::observe::{NextKey, Observed, RequestState};
use crate::conditions as conds;
use crate::pki::Mismatch;

/// Applies the status refreshes a decision asks for until it asks for
/// something else, as successive reconciles would.
fn settled(mut cert: Certificate, observed: &Observed) -> Certificate {
    for _ in 0..3 {
        match decide(&cert, observed, now()) {
            Decision::UpdateStatus { status, .. } => cert.status = Some(*status),
            _ => return cert,
        }
    }
    cert
}

fn condition(decision: &Decision, type_: &str) -> Option<(ConditionStatus, String, String)> {
    let status = match decision {
        Decision::Invalid { status, .. }
        | Decision::UpdateStatus { status, .. }
        | Decision::StartIssuing { status, .. }
        | Decision::FailIssuance { status, .. }
        | Decision::CompleteIssuance { status, .. }
        | Decision::ChooseKeySecretName { status } => status,
        _ => return None,
    };
    conds::get(&status.conditions, type_).map(|c| {
        (
            c.status,
            c.reason.clone().unwrap_or_default(),
            c.message.clone().unwrap_or_default(),
        )
    })
}

/// The trigger a decision starts an issuance with.
fn trigger(decision: Decision) -> (&'static str, String) {
    match decision {
        Decision::StartIssuing { reason, message, .. } => (reason, message),
        other => panic!("expected StartIssuing, got {other:?}"),
    }
}

#[test]
fn invalid_spec_is_reported_and_not_issued() {
    let cert = Certificate::test().spec(|s| s.secret_name.clear());
    let decision = decide(&cert, &observed(), now());
    let Decision::Invalid { message, .. } = &decision else {
        panic!("{decision:?}")
    };
    assert!(message.contains("spec.secretName: Required value"), "{message}");
    assert_eq!(
        condition(&decision, conditions::READY).unwrap().1,
        reasons::BAD_CONFIG
    );
}

#[test]
fn missing_secret_starts_issuance_with_does_not_exist() {
    let decision = decide(&Certificate::test(), &observed(), now());
    assert_eq!(
        condition(&decision, conditions::ISSUING),
        Some((
            ConditionStatus::True,
            "DoesNotExist".into(),
            "Issuing certificate as Secret does not exist".into()
        ))
    );
    assert_eq!(condition(&decision, conditions::READY).unwrap().1, "DoesNotExist");
    assert_eq!(
        trigger(decision),
        (
            "DoesNotExist",
            "Issuing certificate as Secret does not exist".into()
        )
    );
}

#[test]
fn issuing_without_a_key_secret_name_chooses_one() {
    let cert = Certificate::test().issuing(reasons::DOES_NOT_EXIST, now());
    assert!(matches!(
        decide(&cert, &observed(), now()),
        Decision::ChooseKeySecretName { .. }
    ));
}

#[test]
fn named_key_secret_is_created_with_a_new_key() {
    let cert = Certificate::test()
        .issuing(reasons::DOES_NOT_EXIST, now())
        .next_key_name("web-x7k2p");
    let obs = Observed {
        next_key: NextKey::Missing {
            name: "web-x7k2p".into(),
        },
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::CreateKeySecret {
            name: "web-x7k2p".into(),
            reuse_current: false
        }
    );
}

#[test]
fn rotation_policy_never_reuses_the_current_key_when_it_matches() {
    let cert = Certificate::test()
        .rotation_never()
        .issuing(reasons::RENEWING, now())
        .next_key_name("web-x7k2p");
    let secret = secret_for(&cert, 70);
    let obs = Observed {
        secret: Some(secret.clone()),
        next_key: NextKey::Missing {
            name: "web-x7k2p".into(),
        },
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::CreateKeySecret {
            name: "web-x7k2p".into(),
            reuse_current: true
        }
    );
    let stale = with_pair(secret, |p| p.key_mismatches = vec![Mismatch::PrivateKeyAlgorithm]);
    let obs = Observed {
        secret: Some(stale),
        ..obs
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::CreateKeySecret {
            name: "web-x7k2p".into(),
            reuse_current: false
        }
    );
}

#[test]
fn key_secret_that_no_longer_matches_the_spec_is_replaced() {
    let cert = Certificate::test()
        .issuing(reasons::DOES_NOT_EXIST, now())
        .next_key_name("web-x7k2p");
    let mut key = next_key("web-x7k2p");
    if let NextKey::Present { mismatches, .. } = &mut key {
        mismatches.push(Mismatch::PrivateKeySize);
    }
    let obs = Observed {
        next_key: key,
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::DeleteKeySecret {
            name: "web-x7k2p".into()
        }
    );
    let obs = Observed {
        next_key: NextKey::Unusable {
            name: "web-x7k2p".into(),
        },
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::DeleteKeySecret {
            name: "web-x7k2p".into()
        }
    );
}

#[test]
fn stored_key_leads_to_the_request_of_the_next_revision() {
    let cert = Certificate::test()
        .issuing(reasons::RENEWING, now())
        .revision(2)
        .next_key_name("web-x7k2p");
    let obs = Observed {
        next_key: next_key("web-x7k2p"),
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::CreateRequest {
            name: "web-3".into(),
            revision: 3,
            key_secret: "web-x7k2p".into()
        }
    );
}

/// A Certificate whose issuance started now because its Secret is missing.
fn issuing_cert() -> Certificate {
    let mut cert = Certificate::test();
    let Decision::StartIssuing { status, .. } = decide(&cert, &observed(), now()) else {
        panic!()
    };
    cert.status = Some(*status);
    cert
}

#[test]
fn pending_request_is_waited_for() {
    let cert = issuing_cert().next_key_name("k");
    let obs = Observed {
        next_key: next_key("k"),
        next_request: Some(request("web-1", "k", RequestState::Pending)),
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::WaitForRequest { name: "web-1".into() }
    );
}

#[test]
fn request_that_does_not_match_the_spec_or_key_is_replaced() {
    let cert = Certificate::test()
        .issuing(reasons::DOES_NOT_EXIST, now())
        .next_key_name("k");
    let cases = [
        request("web-1", "k", RequestState::Pending).tap(|r| r.mismatches = Ok(vec![Mismatch::DnsNames])),
        request("web-1", "k", RequestState::Pending).tap(|r| r.mismatches = Err("unreadable CSR".into())),
        request("web-1", "other", RequestState::Pending),
        request("web-1", "k", RequestState::Pending).tap(|r| r.public_key = Some(vec![9])),
        request("web-1", "k", RequestState::Pending).tap(|r| r.ours = false),
    ];
    for case in cases {
        let obs = Observed {
            next_key: next_key("k"),
            next_request: Some(case.clone()),
            ..observed()
        };
        assert_eq!(
            decide(&cert, &obs, now()),
            Decision::DeleteRequest { name: "web-1".into() },
            "{case:?}"
        );
    }
}

#[test]
fn issued_request_is_written_to_the_secret_then_completes() {
    let base = Certificate::test().revision(1);
    let cert = base
        .clone()
        .issuing(reasons::RENEWING, hours(-1))
        .next_key_name("k")
        .failed(hours(-30), 2);
    let issued = RequestState::Issued {
        chain_pem: CHAIN.to_vec(),
        ca_pem: None,
    };
    let mut old = secret_for(&cert, 70);
    old.data.0.insert("tls.crt".into(), b"old chain".to_vec());
    let obs = Observed {
        secret: Some(old),
        next_key: next_key("k"),
        next_request: Some(request("web-2", "k", issued)),
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::WriteSecret {
            request: "web-2".into()
        }
    );

    let obs = Observed {
        secret: Some(secret_for(&cert, 0)),
        ..obs
    };
    let decision = decide(&cert, &obs, now());
    let Decision::CompleteIssuance { status, revision } = &decision else {
        panic!("{decision:?}")
    };
    assert_eq!(*revision, 2);
    assert_eq!(status.revision, Some(2));
    assert!(conds::get(&status.conditions, conditions::ISSUING).is_none());
    assert_eq!(
        (
            status.next_private_key_secret_name.clone(),
            status.last_failure_time.clone(),
            status.failed_issuance_attempts
        ),
        (None, None, None)
    );
    assert_eq!(
        condition(&decision, conditions::READY),
        Some((ConditionStatus::True, "Ready".into(), READY_MESSAGE.into()))
    );
    assert_eq!(status.not_after, Some(Time(days(90))));
    assert_eq!(status.renewal_time, Some(Time(days(60))));
}

#[test]
fn failed_request_fails_the_issuance() {
    let cert = Certificate::test()
        .issuing(reasons::DOES_NOT_EXIST, hours(-1))
        .next_key_name("k")
        .failed(hours(-30), 2);
    let failed = RequestState::Failed {
        reason: "Failed".into(),
        message: "Failed to wait for order resource \"web-1-123\" to become ready: order is in \"invalid\" state: urn:ietf:params:acme:error:rejectedIdentifier".into(),
        at: Some(now()),
    };
    let obs = Observed {
        next_key: next_key("k"),
        next_request: Some(request("web-1", "k", failed)),
        ..observed()
    };
    let decision = decide(&cert, &obs, now());
    let (status_, reason, message) = condition(&decision, conditions::ISSUING).unwrap();
    assert_eq!((status_, reason.as_str()), (ConditionStatus::False, "Failed"));
    assert!(
        message.starts_with("The certificate request has failed to complete and will be retried: "),
        "{message}"
    );
    assert!(message.ends_with("rejectedIdentifier"), "{message}");
    let Decision::FailIssuance { status, reason, .. } = decision else {
        unreachable!()
    };
    assert_eq!(reason, "Failed");
    assert_eq!(
        (status.last_failure_time, status.failed_issuance_attempts),
        (Some(Time(now())), Some(3))
    );
}

#[test]
fn request_that_failed_before_this_issuance_started_is_replaced() {
    let cert = Certificate::test()
        .issuing(reasons::DOES_NOT_EXIST, hours(-1))
        .next_key_name("k");
    let failed = RequestState::Failed {
        reason: "Failed".into(),
        message: "boom".into(),
        at: Some(hours(-3)),
    };
    let obs = Observed {
        next_key: next_key("k"),
        next_request: Some(request("web-1", "k", failed)),
        ..observed()
    };
    assert_eq!(
        decide(&cert, &obs, now()),
        Decision::DeleteRequest { name: "web-1".into() }
    );
}

/// `tap` for building variants of a fixture inline.
trait Tap: Sized {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}

impl<T> Tap for T {}
