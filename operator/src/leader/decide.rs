//! What one leader election attempt writes, decided from the Lease as read,
//! what this process saw of it before, and the time — client-go's
//! `tryAcquireOrRenew` as a pure function.
//!
//! A Lease is held by another replica while it has a holder and it changed
//! less than its `leaseDurationSeconds` ago *as observed by this process*
//! (its monotonic clock, never the `renewTime` written by another machine's
//! clock): a replica that has just started therefore waits one full Lease
//! duration before taking over a Lease whose holder died, and clock skew
//! between machines cannot make two replicas lead at once.

use std::time::{Duration, Instant};

use k8s_openapi::api::coordination::v1::LeaseSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::Timestamp;

/// The Lease as this process last saw it, and when it saw it change.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    /// The Lease's spec.
    pub spec: LeaseSpec,
    /// When this process first saw that spec (monotonic clock).
    pub at: Instant,
}

/// One attempt's outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum Attempt {
    /// No Lease exists: create it, held by this replica.
    Create(LeaseSpec),
    /// Write this spec over the Lease read (with its resourceVersion):
    /// a renewal of this replica's Lease, or the takeover of a Lease
    /// released or expired.
    Update(LeaseSpec),
    /// Another replica holds the Lease.
    HeldBy {
        /// Its identity.
        holder: String,
        /// When, at the latest, the Lease expires unless renewed.
        until: Instant,
    },
}

/// Decides one attempt to acquire or renew the Lease for `identity`, and
/// returns what this process has now seen of it. `current` is the Lease
/// just read (`None` when there is none), `seen` what was seen before,
/// `now` the monotonic time and `wall` the time written into the Lease.
pub fn attempt(
    identity: &str,
    current: Option<&LeaseSpec>,
    seen: Option<&Seen>,
    lease_duration: Duration,
    now: Instant,
    wall: Timestamp,
) -> (Attempt, Option<Seen>) {
    let Some(current) = current else {
        let spec = LeaseSpec {
            holder_identity: Some(identity.to_string()),
            lease_duration_seconds: Some(seconds(lease_duration)),
            acquire_time: Some(micro(wall)),
            renew_time: Some(micro(wall)),
            lease_transitions: Some(0),
            ..LeaseSpec::default()
        };
        return (Attempt::Create(spec), None);
    };
    let seen = match seen {
        Some(seen) if seen.spec == *current => seen.clone(),
        _ => Seen {
            spec: current.clone(),
            at: now,
        },
    };
    let holder = current.holder_identity.clone().unwrap_or_default();
    let held_for = current
        .lease_duration_seconds
        .filter(|s| *s > 0)
        .map_or(lease_duration, |s| Duration::from_secs(s.unsigned_abs().into()));
    let until = seen.at + held_for;
    if !holder.is_empty() && holder != identity && until > now {
        return (Attempt::HeldBy { holder, until }, Some(seen));
    }
    let mine = holder == identity;
    let spec = LeaseSpec {
        holder_identity: Some(identity.to_string()),
        lease_duration_seconds: Some(seconds(lease_duration)),
        acquire_time: match (&current.acquire_time, mine) {
            (Some(acquired), true) => Some(acquired.clone()),
            _ => Some(micro(wall)),
        },
        renew_time: Some(micro(wall)),
        lease_transitions: Some(match mine {
            true => current.lease_transitions.unwrap_or(0),
            false => current.lease_transitions.unwrap_or(0) + 1,
        }),
        ..current.clone()
    };
    (Attempt::Update(spec), Some(seen))
}

/// The spec that gives up a Lease this replica holds (client-go's
/// `ReleaseOnCancel`): no holder, a one-second duration, so that a standby
/// replica takes over at its next attempt instead of a Lease duration later.
/// `None` when the Lease is not this replica's.
pub fn release(identity: &str, current: &LeaseSpec, wall: Timestamp) -> Option<LeaseSpec> {
    if current.holder_identity.as_deref() != Some(identity) {
        return None;
    }
    Some(LeaseSpec {
        holder_identity: Some(String::new()),
        lease_duration_seconds: Some(1),
        acquire_time: Some(micro(wall)),
        renew_time: Some(micro(wall)),
        ..current.clone()
    })
}

/// Whether the leader has failed to renew for too long: a renewal round
/// started at `round_started` has until `renew_deadline` after it to
/// succeed (client-go's `RenewDeadline`), which ends well before the Lease
/// expires for the other replicas.
pub fn renewal_lost(round_started: Instant, now: Instant, renew_deadline: Duration) -> bool {
    now.saturating_duration_since(round_started) >= renew_deadline
}

/// A duration in whole seconds, rounded up, as `leaseDurationSeconds`.
fn seconds(d: Duration) -> i32 {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    i32::try_from(s).unwrap_or(i32::MAX)
}

/// A time as the API server keeps a MicroTime: to the microsecond, so that
/// the Lease read back equals the Lease written.
fn micro(t: Timestamp) -> MicroTime {
    MicroTime(Timestamp::from_microsecond(t.as_microsecond()).unwrap_or(t))
}
