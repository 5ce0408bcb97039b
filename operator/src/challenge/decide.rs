//! What to do next with a Challenge, decided from the Challenge, what was
//! observed and the time, without side effects: schedule, present, check,
//! accept (RFC 8555 §7.5.1), poll until the CA decides, clean up.

use std::time::Duration;

use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use passerelle_crds::acme::Challenge;
use passerelle_crds::acme::challenge::AcmeChallengeType;
use passerelle_crds::acme::order::State;

use super::FINALIZER;
use super::addresses::SolverEndpoints;
use super::observe::{Observed, Remote, Resources, is_started, supported};
use super::schedule::{blocked, namespace_busy};
use super::selfcheck::SelfCheck;
use crate::order::decide::{age, poll_interval};
use crate::reconcile::backoff;

/// Self-checks tried before the challenge is accepted anyway and the CA
/// decides (a self-check can fail where the CA succeeds: split-horizon DNS,
/// hairpin NAT).
pub const MAX_SELF_CHECKS: u32 = 10;
/// The longest wait of a Challenge waiting for its turn: a slot freed by
/// another Challenge is taken within this time.
const MAX_SCHEDULE_WAIT: Duration = Duration::from_secs(5);

/// What to do with a Challenge.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Put the finalizer on (Challenges made by others may lack it).
    AddFinalizer,
    /// Being deleted: remove the solver route (and the namespace's solver
    /// Service when no other Challenge needs it), then the finalizer.
    Finalize {
        /// Remove the namespace's Service and EndpointSlice too.
        remove_shared: bool,
    },
    /// Nothing to do.
    Done,
    /// Passerelle cannot solve it: `errored`, with a NotSupported Event.
    Fail {
        /// Why.
        reason: String,
    },
    /// Not now: say why, look again later.
    Wait {
        /// For `status.reason`.
        reason: String,
        /// When to look again.
        requeue: Duration,
    },
    /// Create or repair the solver objects; mark the Challenge presented.
    Present {
        /// The solver addresses.
        endpoints: SolverEndpoints,
        /// Not presented before (an Event says so).
        first: bool,
    },
    /// The self-check failed: record the attempt, try again later.
    SelfCheckFailed {
        /// Why.
        reason: String,
        /// When to try again.
        requeue: Duration,
    },
    /// Tell the CA to validate (POST to the challenge URL, RFC 8555 §7.5.1).
    Accept {
        /// Why it is accepted without a passing self-check, if so.
        note: Option<String>,
    },
    /// The CA is validating: record its state, look again later.
    Poll {
        /// The challenge's state.
        state: State,
        /// When to look again.
        requeue: Duration,
    },
    /// The CA decided: record `valid` or `invalid` and why.
    Settle {
        /// `valid` or `invalid`.
        state: State,
        /// For `status.reason`.
        reason: String,
    },
    /// Final: remove the solver route (and the namespace's Service when no
    /// other Challenge needs it), and mark it no longer presented.
    CleanUp {
        /// Remove the namespace's Service and EndpointSlice too.
        remove_shared: bool,
    },
}

/// Why Passerelle cannot solve a Challenge, if so.
fn unsupported(challenge: &Challenge) -> Option<String> {
    if challenge.spec.type_ == AcmeChallengeType::Dns01 {
        return Some("DNS-01 challenges are not supported by Passerelle yet: use an HTTP-01 solver".into());
    }
    (!supported(challenge)).then(|| {
        "Only HTTP-01 solvers through an Ingress (http01.ingress) are supported by Passerelle yet; Gateway API HTTPRoute solvers are not".into()
    })
}

/// Decides what to do with `challenge`.
pub fn decide(challenge: &Challenge, observed: &Observed, now: Timestamp) -> Decision {
    let status = challenge.status.clone().unwrap_or_default();
    let has_finalizer = challenge.finalizers().iter().any(|f| f == FINALIZER);
    let remove_shared = !namespace_busy(&observed.me, &observed.peers);
    if challenge.metadata.deletion_timestamp.is_some() {
        return match has_finalizer {
            true => Decision::Finalize { remove_shared },
            false => Decision::Done,
        };
    }
    if !has_finalizer {
        return Decision::AddFinalizer;
    }
    if status.state.is_some_and(State::is_final) {
        return match is_started(challenge) {
            true => Decision::CleanUp { remove_shared },
            false => Decision::Done,
        };
    }
    if let Some(reason) = unsupported(challenge) {
        return Decision::Fail { reason };
    }
    let requeue = poll_interval(age(challenge, now));
    let endpoints = match &observed.endpoints {
        Some(Ok(endpoints)) => endpoints.clone(),
        Some(Err(why)) => {
            return Decision::Wait {
                reason: why.clone(),
                requeue,
            };
        }
        None => {
            return Decision::Wait {
                reason: "Looking up the solver addresses".into(),
                requeue,
            };
        }
    };
    if !is_started(challenge) {
        if let Some(reason) = blocked(&observed.me, &observed.peers, observed.max_in_flight) {
            return Decision::Wait {
                reason,
                requeue: requeue.min(MAX_SCHEDULE_WAIT),
            };
        }
        return Decision::Present {
            endpoints,
            first: true,
        };
    }
    match &observed.resources {
        Resources::Unavailable(why) => {
            return Decision::Wait {
                reason: why.clone(),
                requeue,
            };
        }
        r if !r.ready() => {
            return Decision::Present {
                endpoints,
                first: status.presented != Some(true),
            };
        }
        _ => {}
    }
    match &observed.remote {
        Remote::NotFetched => Decision::Wait {
            reason: "Looking up the challenge on the ACME server".into(),
            requeue,
        },
        Remote::Waiting(why) => Decision::Wait {
            reason: why.clone(),
            requeue,
        },
        Remote::Gone(why) => Decision::Settle {
            state: State::Invalid,
            reason: why.clone(),
        },
        Remote::Challenge {
            state: State::Valid, ..
        } => Decision::Settle {
            state: State::Valid,
            reason: "Successfully authorized domain".into(),
        },
        Remote::Challenge {
            state: State::Invalid | State::Expired | State::Errored,
            problem,
        } => Decision::Settle {
            state: State::Invalid,
            reason: format!(
                "Error accepting authorization: {}",
                problem.as_deref().unwrap_or("the ACME server gave no detail")
            ),
        },
        Remote::Challenge {
            state: State::Processing | State::Ready,
            ..
        } => Decision::Poll {
            state: State::Processing,
            requeue,
        },
        Remote::Challenge {
            state: State::Pending,
            ..
        } => pending(observed),
    }
}

/// The CA waits for the challenge: check it ourselves first, a bounded
/// number of times.
fn pending(observed: &Observed) -> Decision {
    match &observed.self_check {
        SelfCheck::Passed | SelfCheck::Disabled | SelfCheck::NotRun => Decision::Accept { note: None },
        SelfCheck::Failed(why) if observed.self_check_attempts + 1 >= MAX_SELF_CHECKS => Decision::Accept {
            note: Some(format!(
                "The self-check failed {MAX_SELF_CHECKS} times (last: {why}); letting the ACME server validate anyway"
            )),
        },
        SelfCheck::Failed(why) => Decision::SelfCheckFailed {
            reason: format!(
                "Waiting for HTTP-01 challenge propagation: {why} (self-check {} of {MAX_SELF_CHECKS})",
                observed.self_check_attempts + 1
            ),
            requeue: backoff(
                Duration::from_secs(1),
                Duration::from_secs(8),
                observed.self_check_attempts + 1,
                0,
            ),
        },
    }
}
