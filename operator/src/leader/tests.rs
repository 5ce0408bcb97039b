//! Table tests of the leader election decisions.

use std::time::{Duration, Instant};

use k8s_openapi::api::coordination::v1::LeaseSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::Timestamp;
use pretty_assertions::assert_eq;

use super::decide::{Attempt, Seen, attempt, release, renewal_lost};
use crate::config::LeaderElection;

const ME: &str = "op-a_1";
const OTHER: &str = "op-b_2";
const LEASE: Duration = Duration::from_secs(60);

/// A case: what it shows, the Lease read, what was seen before, the time
/// (seconds after the start), the attempt wanted, what is seen after.
type Case = (
    &'static str,
    Option<LeaseSpec>,
    Option<Seen>,
    u64,
    Attempt,
    Option<Seen>,
);

fn wall(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn held(holder: &str, transitions: i32) -> LeaseSpec {
    LeaseSpec {
        holder_identity: Some(holder.into()),
        lease_duration_seconds: Some(60),
        acquire_time: Some(MicroTime(wall("2026-01-01T00:00:00Z"))),
        renew_time: Some(MicroTime(wall("2026-01-01T00:00:30Z"))),
        lease_transitions: Some(transitions),
        ..LeaseSpec::default()
    }
}

fn written(holder: &str, acquired: &str, renewed: &str, transitions: i32) -> LeaseSpec {
    LeaseSpec {
        holder_identity: Some(holder.into()),
        lease_duration_seconds: Some(60),
        acquire_time: Some(MicroTime(wall(acquired))),
        renew_time: Some(MicroTime(wall(renewed))),
        lease_transitions: Some(transitions),
        ..LeaseSpec::default()
    }
}

#[test]
fn attempts_follow_client_go() {
    let t0 = Instant::now();
    let now = wall("2026-01-01T00:01:00Z");
    let at = |s: u64| t0 + Duration::from_secs(s);
    let seen = |spec: LeaseSpec, s: u64| Seen { spec, at: at(s) };
    let released = LeaseSpec {
        holder_identity: Some(String::new()),
        lease_duration_seconds: Some(1),
        ..held(OTHER, 3)
    };
    // (case, current, seen before, now (s), expected attempt, seen after)
    let cases: Vec<Case> = vec![
        (
            "no Lease: create it, held, no transition yet",
            None,
            None,
            0,
            Attempt::Create(written(ME, "2026-01-01T00:01:00Z", "2026-01-01T00:01:00Z", 0)),
            None,
        ),
        (
            "ours: renew, keeping the acquire time and the transitions",
            Some(held(ME, 2)),
            Some(seen(held(ME, 2), 0)),
            100,
            Attempt::Update(written(ME, "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", 2)),
            Some(seen(held(ME, 2), 0)),
        ),
        (
            "another's, first seen now: held for a whole Lease duration from now",
            Some(held(OTHER, 1)),
            None,
            500,
            Attempt::HeldBy {
                holder: OTHER.into(),
                until: at(560),
            },
            Some(seen(held(OTHER, 1), 500)),
        ),
        (
            "another's, unchanged for less than its duration: held",
            Some(held(OTHER, 1)),
            Some(seen(held(OTHER, 1), 10)),
            69,
            Attempt::HeldBy {
                holder: OTHER.into(),
                until: at(70),
            },
            Some(seen(held(OTHER, 1), 10)),
        ),
        (
            "another's, unchanged for its whole duration: taken over, one more transition",
            Some(held(OTHER, 1)),
            Some(seen(held(OTHER, 1), 10)),
            70,
            Attempt::Update(written(ME, "2026-01-01T00:01:00Z", "2026-01-01T00:01:00Z", 2)),
            Some(seen(held(OTHER, 1), 10)),
        ),
        (
            "another's, renewed since last seen: held again from now (its clock is never trusted)",
            Some(written(OTHER, "2026-01-01T00:00:00Z", "2026-01-01T00:00:45Z", 1)),
            Some(seen(held(OTHER, 1), 10)),
            70,
            Attempt::HeldBy {
                holder: OTHER.into(),
                until: at(130),
            },
            Some(seen(
                written(OTHER, "2026-01-01T00:00:00Z", "2026-01-01T00:00:45Z", 1),
                70,
            )),
        ),
        (
            "released (no holder): taken at once",
            Some(released.clone()),
            None,
            0,
            Attempt::Update(written(ME, "2026-01-01T00:01:00Z", "2026-01-01T00:01:00Z", 4)),
            Some(seen(released.clone(), 0)),
        ),
        (
            "a Lease without spec: taken at once",
            Some(LeaseSpec::default()),
            None,
            0,
            Attempt::Update(written(ME, "2026-01-01T00:01:00Z", "2026-01-01T00:01:00Z", 1)),
            Some(seen(LeaseSpec::default(), 0)),
        ),
    ];
    for (case, current, before, s, want, want_seen) in cases {
        let (got, got_seen) = attempt(ME, current.as_ref(), before.as_ref(), LEASE, at(s), now);
        assert_eq!(got, want, "{case}");
        assert_eq!(got_seen, want_seen, "{case}: seen");
    }
}

#[test]
fn a_lease_held_for_a_short_duration_expires_by_its_own_duration() {
    let t0 = Instant::now();
    let short = LeaseSpec {
        lease_duration_seconds: Some(4),
        ..held(OTHER, 0)
    };
    let before = Seen {
        spec: short.clone(),
        at: t0,
    };
    let (still, _) = attempt(
        ME,
        Some(&short),
        Some(&before),
        LEASE,
        t0 + Duration::from_secs(3),
        Timestamp::now(),
    );
    assert!(matches!(still, Attempt::HeldBy { .. }), "{still:?}");
    let (taken, _) = attempt(
        ME,
        Some(&short),
        Some(&before),
        LEASE,
        t0 + Duration::from_secs(4),
        Timestamp::now(),
    );
    assert!(matches!(taken, Attempt::Update(_)), "{taken:?}");
}

#[test]
fn only_the_holder_releases_and_a_release_keeps_the_transitions() {
    let now = wall("2026-01-01T00:02:00Z");
    assert_eq!(release(ME, &held(OTHER, 1), now), None, "not ours");
    let released = release(ME, &held(ME, 3), now).unwrap();
    assert_eq!(
        released,
        LeaseSpec {
            holder_identity: Some(String::new()),
            lease_duration_seconds: Some(1),
            acquire_time: Some(MicroTime(now)),
            renew_time: Some(MicroTime(now)),
            lease_transitions: Some(3),
            ..LeaseSpec::default()
        }
    );
}

#[test]
fn renewal_is_lost_at_the_renew_deadline() {
    let t0 = Instant::now();
    let deadline = Duration::from_secs(40);
    assert!(!renewal_lost(t0, t0, deadline));
    assert!(!renewal_lost(t0, t0 + Duration::from_secs(39), deadline));
    assert!(renewal_lost(t0, t0 + deadline, deadline));
    assert!(renewal_lost(t0, t0 + Duration::from_secs(41), deadline));
}

#[test]
fn lease_durations_are_checked_as_client_go_does() {
    let ok = LeaderElection::new("passerelle", ME);
    assert_eq!(ok.validate(), Ok(()), "cert-manager's 60s/40s/15s");
    let cases = [
        ("lease not longer than the deadline", 40, 40, 15),
        ("deadline within the jittered retry period", 60, 18, 15),
        ("no retry period", 60, 40, 0),
    ];
    for (case, lease, deadline, retry) in cases {
        let config = LeaderElection {
            lease_duration: Duration::from_secs(lease),
            renew_deadline: Duration::from_secs(deadline),
            retry_period: Duration::from_secs(retry),
            ..ok.clone()
        };
        assert!(config.validate().is_err(), "{case}");
    }
}

#[test]
fn identities_are_unique_per_process_and_name_the_host() {
    let a = super::identity();
    let b = super::identity();
    assert_ne!(a, b);
    let (_, uuid) = a.rsplit_once('_').unwrap();
    assert_eq!(uuid.len(), 36, "{uuid}");
    assert_eq!(&uuid[14..15], "4", "version 4: {uuid}");
}
