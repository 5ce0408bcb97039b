//! What to do next for a Certificate, decided from the Certificate, the
//! observed objects and the time — and nothing else: no client, no clock.
//! It follows cert-manager's chain of controllers (trigger, key manager,
//! request manager, issuing, readiness, revision manager) as one state
//! machine whose every step is persisted before the next:
//!
//! not issuing: Secret problem or renewal due → (back off after failures)
//! → `Issuing=True`; otherwise adopt/refresh the Secret, prune, keep the
//! status and renew at `renewalTime`.
//!
//! issuing: name the next key Secret in status → create it → create the
//! CertificateRequest of the next revision → wait → write the Secret →
//! record the revision and remove `Issuing`; a failed request sets
//! `Issuing=False` and backs off.

pub mod checks;

use k8s_openapi::jiff::Timestamp;
use passerelle_crds::constants::{conditions, reasons};
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::certificate::PrivateKeyRotationPolicy;
use passerelle_crds::v1::{Certificate, CertificateStatus};
use passerelle_crds::{defaults, validate};

pub use self::checks::{
    Problem, backoff_until, format_go_time, problem, renewal, same_status, secret_needs_update,
    unsupported_keystores,
};
use super::observe::{Contents, NextKey, Observed, RequestState, request_name};
use crate::conditions::{self as conds, Set};

/// The message of `Ready=True`.
pub const READY_MESSAGE: &str = "Certificate is up to date and has not expired";

/// One step for a Certificate. Each variant is one kind of side effect.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// The spec is invalid: `Ready=False` (`BadConfig`) with the
    /// validation summary, an Event, no issuance.
    Invalid {
        /// The status to write.
        status: Box<CertificateStatus>,
        /// The validation summary.
        message: String,
    },
    /// Only the status changes (Ready, validity times).
    UpdateStatus {
        /// The status to write.
        status: Box<CertificateStatus>,
        /// When to look again, if at a known time.
        requeue_at: Option<Timestamp>,
    },
    /// Start an issuance: `Issuing=True` with the trigger, Event `Issuing`.
    StartIssuing {
        /// The status to write.
        status: Box<CertificateStatus>,
        /// The trigger's reason.
        reason: &'static str,
        /// The trigger's message.
        message: String,
    },
    /// The last issuance failed: the next attempt waits until `until`.
    BackOff {
        /// When the next attempt may start.
        until: Timestamp,
    },
    /// Rewrite the Secret's metadata and derived data from its own key and
    /// certificate (no issuance); `adopt` when it was not labelled yet.
    UpdateSecret {
        /// Whether this adopts a Secret written before cert-manager
        /// labelled its Secrets.
        adopt: bool,
    },
    /// Delete leftover temporary key Secrets and CertificateRequests beyond
    /// `revisionHistoryLimit` (oldest first).
    Prune {
        /// Temporary key Secrets to delete.
        key_secrets: Vec<String>,
        /// CertificateRequests to delete.
        requests: Vec<String>,
    },
    /// Nothing to do until `renew_at`.
    UpToDate {
        /// The renewal time.
        renew_at: Timestamp,
    },
    /// Persist a fresh name for the next key Secret in
    /// `status.nextPrivateKeySecretName` (the Secret is created next).
    ChooseKeySecretName {
        /// The status to write, the name apart.
        status: Box<CertificateStatus>,
    },
    /// Create the temporary Secret holding the next private key.
    CreateKeySecret {
        /// Its name (from status).
        name: String,
        /// Copy the key of the current Secret (rotationPolicy `Never`)
        /// instead of generating one.
        reuse_current: bool,
    },
    /// Delete a temporary key Secret that cannot serve (unreadable, or no
    /// longer what `spec.privateKey` asks for).
    DeleteKeySecret {
        /// Its name.
        name: String,
    },
    /// Create the CertificateRequest of the next revision.
    CreateRequest {
        /// Its name, `<certificate>-<revision>`.
        name: String,
        /// The revision it issues.
        revision: i64,
        /// The temporary key Secret it is signed with.
        key_secret: String,
    },
    /// Delete a CertificateRequest that no longer matches (spec or key
    /// changed), or that failed before this issuance started.
    DeleteRequest {
        /// Its name.
        name: String,
    },
    /// The CertificateRequest is in the issuer's hands.
    WaitForRequest {
        /// Its name.
        name: String,
    },
    /// The CertificateRequest failed: `Issuing=False`, `lastFailureTime`,
    /// `failedIssuanceAttempts` + 1, a Warning Event.
    FailIssuance {
        /// The status to write.
        status: Box<CertificateStatus>,
        /// The request's reason.
        reason: String,
        /// The message.
        message: String,
    },
    /// Write the signed chain and the key into the Secret.
    WriteSecret {
        /// The issued CertificateRequest.
        request: String,
    },
    /// The Secret holds the new certificate: record the revision, remove
    /// `Issuing`, clear the failure and the next key name; Event `Issued`.
    CompleteIssuance {
        /// The status to write.
        status: Box<CertificateStatus>,
        /// The revision issued.
        revision: i64,
    },
}

/// Decides the next step for `cert`.
pub fn decide(cert: &Certificate, observed: &Observed, now: Timestamp) -> Decision {
    let current = cert.status.clone().unwrap_or_default();
    let generation = cert.metadata.generation;
    let errors = validate::certificate(cert);
    if !errors.is_empty() {
        let message = validate::summary(&errors);
        let mut status = current;
        set(
            &mut status,
            conditions::READY,
            ConditionStatus::False,
            reasons::BAD_CONFIG,
            message.clone(),
            generation,
            now,
        );
        return Decision::Invalid {
            status: Box::new(status),
            message,
        };
    }
    let problem = problem(cert, observed, now);
    let base = checks::base_status(cert, &current, observed, problem.as_ref(), now);
    if conds::is_true(&current.conditions, conditions::ISSUING) {
        issuing(cert, observed, &current, base, now)
    } else {
        not_issuing(cert, observed, &current, base, problem, now)
    }
}

/// No issuance in progress: start one when needed, else keep the Secret
/// and the status up to date.
fn not_issuing(
    cert: &Certificate,
    observed: &Observed,
    current: &CertificateStatus,
    mut base: CertificateStatus,
    problem: Option<Problem>,
    now: Timestamp,
) -> Decision {
    let generation = cert.metadata.generation;
    if let Some(trigger) = problem.or_else(|| checks::renewing(cert, observed, now)) {
        if let Some(until) = backoff_until(cert, observed, now) {
            if !same_status(current, &base) {
                return Decision::UpdateStatus {
                    status: Box::new(base),
                    requeue_at: Some(until),
                };
            }
            return Decision::BackOff { until };
        }
        set(
            &mut base,
            conditions::ISSUING,
            ConditionStatus::True,
            trigger.reason,
            trigger.message.clone(),
            generation,
            now,
        );
        return Decision::StartIssuing {
            status: Box::new(base),
            reason: trigger.reason,
            message: trigger.message,
        };
    }
    if let Some(adopt) = secret_needs_update(cert, observed) {
        return Decision::UpdateSecret { adopt };
    }
    let (key_secrets, requests) = checks::prunable(cert, observed);
    if !key_secrets.is_empty() || !requests.is_empty() {
        return Decision::Prune {
            key_secrets,
            requests,
        };
    }
    let renew_at = renewal(cert, observed).unwrap_or(now);
    if !same_status(current, &base) {
        return Decision::UpdateStatus {
            status: Box::new(base),
            requeue_at: Some(renew_at),
        };
    }
    Decision::UpToDate { renew_at }
}

/// An issuance in progress: the next persisted step.
fn issuing(
    cert: &Certificate,
    observed: &Observed,
    current: &CertificateStatus,
    base: CertificateStatus,
    now: Timestamp,
) -> Decision {
    let generation = cert.metadata.generation;
    let (key_secret, public_key) = match &observed.next_key {
        NextKey::Unnamed => {
            return Decision::ChooseKeySecretName {
                status: Box::new(base),
            };
        }
        NextKey::Missing { name } => {
            return Decision::CreateKeySecret {
                name: name.clone(),
                reuse_current: reuse_current_key(cert, observed),
            };
        }
        NextKey::Unusable { name } => return Decision::DeleteKeySecret { name: name.clone() },
        NextKey::Present { name, mismatches, .. } if !mismatches.is_empty() => {
            return Decision::DeleteKeySecret { name: name.clone() };
        }
        NextKey::Present { name, public_key, .. } => (name, public_key),
    };
    let revision = current.revision.unwrap_or(0) + 1;
    let Some(request) = &observed.next_request else {
        return Decision::CreateRequest {
            name: request_name(cert, revision),
            revision,
            key_secret: key_secret.clone(),
        };
    };
    let stale = !request.ours
        || request.key_secret.as_ref() != Some(key_secret)
        || request.public_key.as_ref() != Some(public_key)
        || request.mismatches.as_ref().map_or(true, |m| !m.is_empty());
    if stale {
        return Decision::DeleteRequest {
            name: request.name.clone(),
        };
    }
    let issuing_since = conds::get(&current.conditions, conditions::ISSUING)
        .and_then(|c| c.last_transition_time.as_ref())
        .map(|t| t.0);
    match &request.state {
        // A request that failed before this issuance started (re-triggered
        // after the backoff, or by hand) is replaced, as cert-manager's
        // request manager does; one that failed in the same second is this
        // issuance's failure.
        RequestState::Failed { at: Some(at), .. } if issuing_since.is_some_and(|since| *at < since) => {
            Decision::DeleteRequest {
                name: request.name.clone(),
            }
        }
        RequestState::Failed { reason, message, .. } => {
            let message =
                format!("The certificate request has failed to complete and will be retried: {message}");
            let mut status = base;
            set(
                &mut status,
                conditions::ISSUING,
                ConditionStatus::False,
                reasons::FAILED,
                message.clone(),
                generation,
                now,
            );
            status.last_failure_time = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                crate::clock::to_second(now),
            ));
            status.failed_issuance_attempts = Some(current.failed_issuance_attempts.unwrap_or(0) + 1);
            Decision::FailIssuance {
                status: Box::new(status),
                reason: reason.clone(),
                message,
            }
        }
        RequestState::Issued { chain_pem, .. } => {
            let written = observed
                .secret
                .as_ref()
                .and_then(|s| s.data.0.get(super::secret::TLS_CRT))
                == Some(chain_pem);
            if !written {
                return Decision::WriteSecret {
                    request: request.name.clone(),
                };
            }
            let mut status = base;
            conds::remove(
                status.conditions.get_or_insert_with(Vec::new),
                conditions::ISSUING,
            );
            status.revision = Some(revision);
            status.next_private_key_secret_name = None;
            status.last_failure_time = None;
            status.failed_issuance_attempts = None;
            Decision::CompleteIssuance {
                status: Box::new(status),
                revision,
            }
        }
        RequestState::Pending if !same_status(current, &base) => Decision::UpdateStatus {
            status: Box::new(base),
            requeue_at: None,
        },
        RequestState::Pending => Decision::WaitForRequest {
            name: request.name.clone(),
        },
    }
}

/// Whether the next key is the current Secret's (rotationPolicy `Never`
/// and a readable key that still matches `spec.privateKey`).
fn reuse_current_key(cert: &Certificate, observed: &Observed) -> bool {
    if defaults::private_key(&cert.spec).rotation_policy != PrivateKeyRotationPolicy::Never {
        return false;
    }
    matches!(
        observed.secret.as_ref().map(|s| &s.contents),
        Some(Contents::Valid(pair)) if pair.key_mismatches.is_empty()
    )
}

/// Merges a condition into a status.
fn set(
    status: &mut CertificateStatus,
    type_: &str,
    value: ConditionStatus,
    reason: &str,
    message: String,
    generation: Option<i64>,
    now: Timestamp,
) {
    let list = status.conditions.get_or_insert_with(Vec::new);
    conds::merge(
        list,
        Set {
            type_,
            status: value,
            reason,
            message,
        },
        generation,
        now,
    );
}
