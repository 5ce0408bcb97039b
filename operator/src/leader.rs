//! Leader election: of the operator's replicas, only the one holding the
//! `coordination.k8s.io/v1` Lease (`passerelle-operator` in the leader
//! election namespace) runs the controllers; every replica serves the
//! HTTP-01 solver, which answers from its own watch of the Challenges and
//! so needs no leadership. The rules are client-go's (which cert-manager
//! uses), written over the kube client: get the Lease, decide
//! ([`decide::attempt`], pure), then create it or replace it with the
//! resourceVersion read, so that of two replicas writing at once one gets a
//! 409 Conflict and tries again later.
//!
//! A leader that cannot renew within the renew deadline, or finds another
//! holder, has lost: it stops reconciling at once and the process exits
//! non-zero, as client-go's and cert-manager's do, for the Deployment to
//! restart it as a standby. On SIGTERM the leader releases the Lease, so a
//! standby takes over at its next attempt rather than a Lease duration
//! later.

pub mod decide;
#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::Timestamp;
use kube::Client;
use kube::api::{Api, PostParams};

use self::decide::{Attempt, Seen};
use crate::config::LeaderElection;
use crate::reconcile::error_chain;

/// client-go's `JitterFactor`: attempts to acquire are spread over up to
/// 1.2 retry periods beyond the period itself.
pub const JITTER_FACTOR: f64 = 1.2;

/// Why this replica stopped leading.
#[derive(Debug, thiserror::Error)]
pub enum LostLeadership {
    /// Another replica wrote itself into the Lease.
    #[error("lost the leader Lease {lease}: another replica ({holder}) holds it")]
    Taken {
        /// `namespace/name` of the Lease.
        lease: String,
        /// The new holder.
        holder: String,
    },
    /// Renewals kept failing until the renew deadline passed.
    #[error("lost the leader Lease {lease}: not renewed within the renew deadline ({deadline:?})")]
    Deadline {
        /// `namespace/name` of the Lease.
        lease: String,
        /// The renew deadline.
        deadline: Duration,
    },
}

/// What one attempt found.
enum Outcome {
    /// This replica holds the Lease (created, renewed or taken over).
    Leading,
    /// Another replica holds it.
    HeldBy(String),
}

/// One replica's side of the election.
pub struct Elector {
    api: Api<Lease>,
    config: LeaderElection,
    seen: Option<Seen>,
}

impl Elector {
    /// An elector for `config`'s Lease.
    pub fn new(client: Client, config: LeaderElection) -> Self {
        Self {
            api: Api::namespaced(client, &config.namespace),
            config,
            seen: None,
        }
    }

    /// `namespace/name` of the Lease, for logs and errors.
    pub fn lease(&self) -> String {
        format!("{}/{}", self.config.namespace, self.config.name)
    }

    /// Returns once this replica holds the Lease, trying every retry period
    /// (with jitter).
    pub async fn acquire(&mut self) {
        tracing::info!(lease = %self.lease(), identity = %self.config.identity, "Trying to become the leader");
        let mut last_holder = None;
        loop {
            match self.try_once().await {
                Ok(Outcome::Leading) => {
                    tracing::info!(lease = %self.lease(), identity = %self.config.identity, "Became the leader: starting the controllers");
                    return;
                }
                Ok(Outcome::HeldBy(holder)) => {
                    if last_holder.as_ref() != Some(&holder) {
                        tracing::info!(lease = %self.lease(), %holder, "Another replica leads: standing by, serving HTTP-01 challenges only");
                        last_holder = Some(holder);
                    }
                }
                Err(error) if crate::error::is_conflict(&error) => {
                    tracing::debug!(lease = %self.lease(), "The leader Lease changed while acquiring it, retrying");
                }
                Err(error) => {
                    tracing::warn!(lease = %self.lease(), error = %error_chain(&error), "Could not acquire the leader Lease, retrying");
                }
            }
            tokio::time::sleep(jittered(self.config.retry_period)).await;
        }
    }

    /// Renews the Lease every retry period while this replica leads;
    /// returns when it no longer does.
    pub async fn hold(&mut self) -> LostLeadership {
        let deadline = self.config.renew_deadline;
        loop {
            tokio::time::sleep(self.config.retry_period).await;
            let round = Instant::now();
            loop {
                let left = deadline.saturating_sub(round.elapsed());
                match tokio::time::timeout(left, self.try_once()).await {
                    Ok(Ok(Outcome::Leading)) => break,
                    Ok(Ok(Outcome::HeldBy(holder))) => {
                        return LostLeadership::Taken {
                            lease: self.lease(),
                            holder,
                        };
                    }
                    Ok(Err(error)) => {
                        tracing::warn!(lease = %self.lease(), error = %error_chain(&error), "Could not renew the leader Lease, retrying");
                    }
                    Err(_) => {}
                }
                if decide::renewal_lost(round, Instant::now(), deadline) {
                    return LostLeadership::Deadline {
                        lease: self.lease(),
                        deadline,
                    };
                }
                let left = deadline.saturating_sub(round.elapsed());
                tokio::time::sleep(self.config.retry_period.min(left)).await;
            }
        }
    }

    /// Gives the Lease up if this replica still holds it (on shutdown).
    pub async fn release(&mut self) {
        let current = match self.api.get_opt(&self.config.name).await {
            Ok(current) => current,
            Err(error) => {
                tracing::warn!(lease = %self.lease(), error = %error_chain(&error), "Could not release the leader Lease");
                return;
            }
        };
        let Some(mut lease) = current else { return };
        let spec = lease.spec.clone().unwrap_or_default();
        let Some(released) = decide::release(&self.config.identity, &spec, Timestamp::now()) else {
            return;
        };
        lease.spec = Some(released);
        match self
            .api
            .replace(&self.config.name, &PostParams::default(), &lease)
            .await
        {
            Ok(_) => tracing::info!(lease = %self.lease(), "Released the leader Lease"),
            Err(error) => {
                tracing::warn!(lease = %self.lease(), error = %error_chain(&error), "Could not release the leader Lease");
            }
        }
    }

    /// One attempt: read the Lease, decide, write.
    async fn try_once(&mut self) -> Result<Outcome, kube::Error> {
        let current = self.api.get_opt(&self.config.name).await?;
        let spec = current.as_ref().map(|l| l.spec.clone().unwrap_or_default());
        let now = Instant::now();
        let (attempt, seen) = decide::attempt(
            &self.config.identity,
            spec.as_ref(),
            self.seen.as_ref(),
            self.config.lease_duration,
            now,
            Timestamp::now(),
        );
        self.seen = seen;
        let written = match attempt {
            Attempt::HeldBy { holder, .. } => return Ok(Outcome::HeldBy(holder)),
            Attempt::Create(spec) => {
                let lease = Lease {
                    metadata: ObjectMeta {
                        name: Some(self.config.name.clone()),
                        namespace: Some(self.config.namespace.clone()),
                        ..ObjectMeta::default()
                    },
                    spec: Some(spec),
                };
                self.api.create(&PostParams::default(), &lease).await?
            }
            Attempt::Update(spec) => {
                let mut lease = current.unwrap_or_default();
                lease.spec = Some(spec);
                self.api
                    .replace(&self.config.name, &PostParams::default(), &lease)
                    .await?
            }
        };
        self.seen = Some(Seen {
            spec: written.spec.unwrap_or_else(LeaseSpec::default),
            at: now,
        });
        Ok(Outcome::Leading)
    }
}

/// `period` plus up to [`JITTER_FACTOR`] times it, at random, so that
/// replicas started together do not all try at once.
fn jittered(period: Duration) -> Duration {
    let mut bytes = [0u8; 4];
    let fraction = match aws_lc_rs::rand::fill(&mut bytes) {
        Ok(()) => f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX),
        Err(_) => 0.5,
    };
    period + period.mul_f64(JITTER_FACTOR * fraction)
}

/// This process's identity in the Lease: the Pod's name (downward API
/// `POD_NAME`), else the host name, then `_` and a random UUID, as
/// cert-manager makes it, so that two processes on one host never share
/// one.
pub fn identity() -> String {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let host = env("POD_NAME")
        .or_else(|| env("HOSTNAME"))
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "passerelle-operator".into());
    format!("{host}_{}", uuid_v4())
}

/// A random (version 4) UUID, RFC 9562 §5.4.
fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    if aws_lc_rs::rand::fill(&mut b).is_err() {
        // No system randomness: the process id and the time still tell
        // two processes apart.
        let seed = u128::from(std::process::id()) << 96
            | u128::try_from(Timestamp::now().as_nanosecond()).unwrap_or(0);
        b = seed.to_be_bytes();
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
