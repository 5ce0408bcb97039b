//! Table tests of the Challenge decision and of scheduling: one case per
//! decision and per edge (finalizer, unsupported solvers, same-name
//! serialization, the concurrency limit, self-check attempts, the CA's
//! answers). The solver objects and the solver server have their own files.

mod resources;
mod solver;

use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use passerelle_crds::acme::challenge::{AcmeChallengeType, ChallengeStatus};
use passerelle_crds::acme::order::State;
use passerelle_crds::acme::solver::{AcmeChallengeSolverHttp01, AcmeChallengeSolverHttp01Ingress};
use passerelle_crds::acme::{AcmeChallengeSolver, Challenge, ChallengeSpec};
use pretty_assertions::assert_eq;

use super::FINALIZER;
use super::addresses::SolverEndpoints;
use super::decide::{Decision, MAX_SELF_CHECKS, decide};
use super::observe::{Observed, Remote, Resources};
use super::schedule::{Peer, blocked, namespace_busy};
use super::selfcheck::SelfCheck;

fn now() -> Timestamp {
    "2026-01-01T00:01:00Z".parse().unwrap()
}

fn endpoints() -> SolverEndpoints {
    SolverEndpoints {
        ips: vec!["10.0.0.7".parse().unwrap()],
        port: 8089,
    }
}

/// A Challenge for `dns_name`, created `created` seconds after midnight.
pub(super) fn challenge(name: &str, dns_name: &str, created: i64) -> Challenge {
    let mut ch = Challenge::new(
        name,
        ChallengeSpec {
            url: format!("https://ca.test/chall/{name}"),
            authorization_url: format!("https://ca.test/authz/{name}"),
            dns_name: dns_name.into(),
            type_: AcmeChallengeType::Http01,
            token: format!("token-{name}"),
            key: format!("token-{name}.THUMB"),
            solver: AcmeChallengeSolver {
                http01: Some(AcmeChallengeSolverHttp01 {
                    ingress: Some(AcmeChallengeSolverHttp01Ingress {
                        class: Some("traefik".into()),
                        ..Default::default()
                    }),
                    gateway_http_route: None,
                }),
                ..Default::default()
            },
            ..Default::default()
        },
    );
    ch.metadata = ObjectMeta {
        name: Some(name.into()),
        namespace: Some("web".into()),
        uid: Some(format!("uid-{name}")),
        creation_timestamp: Some(Time(Timestamp::from_second(1_767_225_600 + created).unwrap())),
        finalizers: Some(vec![FINALIZER.into()]),
        ..Default::default()
    };
    ch
}

fn started(mut ch: Challenge, state: Option<State>) -> Challenge {
    ch.status = Some(ChallengeStatus {
        presented: Some(true),
        processing: Some(true),
        state,
        reason: None,
    });
    ch
}

fn observed(ch: &Challenge, peers: &[Challenge]) -> Observed {
    Observed {
        me: Peer::of(ch, false),
        peers: peers.iter().map(|p| Peer::of(p, false)).collect(),
        max_in_flight: 60,
        endpoints: Some(Ok(endpoints())),
        resources: Resources::Checked {
            service: true,
            endpoints: true,
            ingress: true,
        },
        remote: Remote::NotFetched,
        self_check: SelfCheck::NotRun,
        self_check_attempts: 0,
    }
}

fn remote(state: State, problem: Option<&str>) -> Remote {
    Remote::Challenge {
        state,
        problem: problem.map(str::to_string),
    }
}

#[test]
fn a_deleted_challenge_removes_its_route_then_its_finalizer() {
    let mut ch = started(challenge("a", "a.example.com", 0), Some(State::Processing));
    ch.metadata.deletion_timestamp = Some(Time(now()));
    assert_eq!(
        decide(&ch, &observed(&ch, &[]), now()),
        Decision::Finalize { remove_shared: true }
    );
    let other = started(challenge("b", "b.example.com", 0), Some(State::Pending));
    assert_eq!(
        decide(&ch, &observed(&ch, &[other]), now()),
        Decision::Finalize { remove_shared: false }
    );
    ch.metadata.finalizers = None;
    assert_eq!(decide(&ch, &observed(&ch, &[]), now()), Decision::Done);
}

#[test]
fn a_challenge_without_the_finalizer_gets_it_first() {
    let mut ch = challenge("a", "a.example.com", 0);
    ch.metadata.finalizers = None;
    assert_eq!(decide(&ch, &observed(&ch, &[]), now()), Decision::AddFinalizer);
}

#[test]
fn a_final_challenge_is_cleaned_up_once() {
    for state in [State::Valid, State::Invalid] {
        let ch = started(challenge("a", "a.example.com", 0), Some(state));
        assert_eq!(
            decide(&ch, &observed(&ch, &[]), now()),
            Decision::CleanUp { remove_shared: true }
        );
        let mut done = ch.clone();
        done.status = Some(ChallengeStatus {
            state: Some(state),
            presented: Some(false),
            processing: Some(false),
            reason: None,
        });
        assert_eq!(decide(&done, &observed(&done, &[]), now()), Decision::Done);
    }
}

#[test]
fn dns01_and_gateway_challenges_are_refused_saying_so() {
    let mut ch = challenge("a", "a.example.com", 0);
    ch.spec.type_ = AcmeChallengeType::Dns01;
    let Decision::Fail { reason } = decide(&ch, &observed(&ch, &[]), now()) else {
        panic!()
    };
    assert!(
        reason.starts_with("DNS-01 challenges are not supported by Passerelle yet"),
        "{reason}"
    );
    let mut ch = challenge("a", "a.example.com", 0);
    ch.spec.solver.http01 = Some(AcmeChallengeSolverHttp01::default());
    let Decision::Fail { reason } = decide(&ch, &observed(&ch, &[]), now()) else {
        panic!()
    };
    assert!(reason.contains("Gateway API HTTPRoute"), "{reason}");
}

#[test]
fn waits_when_the_solver_addresses_are_unknown() {
    let ch = challenge("a", "a.example.com", 0);
    let mut obs = observed(&ch, &[]);
    obs.endpoints = Some(Err("set --http01-solver-address".into()));
    assert_eq!(
        decide(&ch, &obs, now()),
        Decision::Wait {
            reason: "set --http01-solver-address".into(),
            requeue: Duration::from_secs(30)
        }
    );
}

#[test]
fn a_free_challenge_is_presented() {
    let ch = challenge("a", "a.example.com", 0);
    assert_eq!(
        decide(&ch, &observed(&ch, &[]), now()),
        Decision::Present {
            endpoints: endpoints(),
            first: true
        }
    );
}

#[test]
fn never_two_challenges_for_the_same_name_in_flight() {
    let ch = challenge("young", "a.example.com", 10);
    let in_flight = started(challenge("old", "A.example.com", 0), Some(State::Processing));
    let Decision::Wait { reason, requeue } = decide(&ch, &observed(&ch, &[in_flight]), now()) else {
        panic!()
    };
    assert!(
        reason.contains("web/old") && reason.contains("same name"),
        "{reason}"
    );
    assert_eq!(requeue, Duration::from_secs(5));
}

#[test]
fn the_older_waiting_challenge_for_a_name_goes_first() {
    let young = challenge("young", "a.example.com", 10);
    let old = challenge("old", "a.example.com", 0);
    assert!(matches!(
        decide(&young, &observed(&young, std::slice::from_ref(&old)), now()),
        Decision::Wait { .. }
    ));
    assert!(matches!(
        decide(&old, &observed(&old, &[young]), now()),
        Decision::Present { .. }
    ));
}

#[test]
fn at_most_max_challenges_in_flight_first_come_first_served() {
    let me = challenge("me", "me.example.com", 10);
    let busy = |n: &str| {
        started(
            challenge(n, &format!("{n}.example.com"), 0),
            Some(State::Processing),
        )
    };
    let waiting_older = challenge("older", "older.example.com", 5);
    let waiting_younger = challenge("younger", "younger.example.com", 20);
    let finished = started(challenge("done", "done.example.com", 0), Some(State::Valid));
    let table: Vec<(&str, Vec<Challenge>, bool)> = vec![
        ("full", vec![busy("x"), busy("y")], true),
        (
            "one slot, older waiting",
            vec![busy("x"), waiting_older.clone()],
            true,
        ),
        (
            "one slot, younger waiting",
            vec![busy("x"), waiting_younger],
            false,
        ),
        ("final ones do not count", vec![busy("x"), finished], false),
    ];
    for (case, peers, waits) in table {
        let mut obs = observed(&me, &peers);
        obs.max_in_flight = 2;
        let decision = decide(&me, &obs, now());
        assert_eq!(
            matches!(decision, Decision::Wait { .. }),
            waits,
            "{case}: {decision:?}"
        );
    }
}

#[test]
fn a_challenge_started_here_counts_before_the_api_says_so() {
    let me = Peer::of(&challenge("me", "a.example.com", 10), false);
    let other = Peer::of(&challenge("other", "a.example.com", 20), true);
    assert!(blocked(&me, std::slice::from_ref(&other), 60).is_some());
    assert!(namespace_busy(&me, &[other]));
    assert!(!namespace_busy(
        &me,
        &[Peer::of(
            &started(challenge("x", "x", 0), Some(State::Valid)),
            false
        )]
    ));
}

#[test]
fn missing_solver_objects_are_presented_again() {
    let ch = started(challenge("a", "a.example.com", 0), Some(State::Pending));
    let mut obs = observed(&ch, &[]);
    obs.resources = Resources::Checked {
        service: true,
        endpoints: false,
        ingress: true,
    };
    assert_eq!(
        decide(&ch, &obs, now()),
        Decision::Present {
            endpoints: endpoints(),
            first: false
        }
    );
    obs.resources = Resources::Unavailable("The Ingress web/site named by the solver does not exist".into());
    assert!(matches!(decide(&ch, &obs, now()), Decision::Wait { reason, .. } if reason.contains("web/site")));
}

#[test]
fn waits_while_the_ca_cannot_be_asked() {
    let ch = started(challenge("a", "a.example.com", 0), Some(State::Pending));
    let mut obs = observed(&ch, &[]);
    obs.remote = Remote::Waiting("Waiting for Issuer le to be a Ready ACME issuer".into());
    assert!(
        matches!(decide(&ch, &obs, now()), Decision::Wait { reason, .. } if reason.contains("Issuer le"))
    );
}

#[test]
fn a_passing_or_disabled_self_check_accepts() {
    let ch = started(challenge("a", "a.example.com", 0), Some(State::Pending));
    for check in [SelfCheck::Passed, SelfCheck::Disabled] {
        let mut obs = observed(&ch, &[]);
        obs.remote = remote(State::Pending, None);
        obs.self_check = check;
        assert_eq!(decide(&ch, &obs, now()), Decision::Accept { note: None });
    }
}

#[test]
fn a_failing_self_check_is_retried_then_accepted_anyway() {
    let ch = started(challenge("a", "a.example.com", 0), Some(State::Pending));
    let mut obs = observed(&ch, &[]);
    obs.remote = remote(State::Pending, None);
    obs.self_check = SelfCheck::Failed("GET http://a.example.com/... answered 404".into());
    let Decision::SelfCheckFailed { reason, requeue } = decide(&ch, &obs, now()) else {
        panic!()
    };
    assert!(reason.contains("self-check 1 of 10"), "{reason}");
    assert_eq!(requeue, Duration::from_secs(1));
    obs.self_check_attempts = 3;
    assert!(
        matches!(decide(&ch, &obs, now()), Decision::SelfCheckFailed { requeue, .. } if requeue == Duration::from_secs(8))
    );
    obs.self_check_attempts = MAX_SELF_CHECKS - 1;
    let Decision::Accept { note: Some(note) } = decide(&ch, &obs, now()) else {
        panic!()
    };
    assert!(note.contains("letting the ACME server validate anyway"), "{note}");
}

#[test]
fn polls_while_the_ca_validates() {
    let ch = started(challenge("a", "a.example.com", 0), Some(State::Processing));
    let mut obs = observed(&ch, &[]);
    obs.remote = remote(State::Processing, None);
    assert_eq!(
        decide(&ch, &obs, now()),
        Decision::Poll {
            state: State::Processing,
            requeue: Duration::from_secs(30)
        }
    );
}

#[test]
fn settles_with_the_cas_decision() {
    let ch = started(challenge("a", "a.example.com", 0), Some(State::Processing));
    let mut obs = observed(&ch, &[]);
    obs.remote = remote(State::Valid, None);
    assert_eq!(
        decide(&ch, &obs, now()),
        Decision::Settle {
            state: State::Valid,
            reason: "Successfully authorized domain".into()
        }
    );
    obs.remote = remote(
        State::Invalid,
        Some("404 from the solver (urn:ietf:params:acme:error:unauthorized)"),
    );
    let Decision::Settle { state, reason } = decide(&ch, &obs, now()) else {
        panic!()
    };
    assert_eq!(state, State::Invalid);
    assert!(reason.contains("404 from the solver"), "{reason}");
    obs.remote = Remote::Gone("The ACME server no longer knows the order".into());
    assert!(matches!(
        decide(&ch, &obs, now()),
        Decision::Settle {
            state: State::Invalid,
            ..
        }
    ));
}
