//! What to do next with an Order, decided from the Order, what was observed
//! and the time, without side effects. The steps follow RFC 8555 §7.4 and
//! each is persisted before the next: place the order, record its
//! authorizations, create one Challenge per pending authorization, finalize
//! once the CA says `ready`, download once `valid`; an `invalid` order is
//! final. Waiting is never blocking: the decision carries when to look
//! again.

use std::net::IpAddr;
use std::time::Duration;

use base64::Engine as _;
use instant_acme::Identifier;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use passerelle_crds::acme::challenge::{AcmeChallengeType, ChallengeSpec};
use passerelle_crds::acme::order::{AcmeAuthorization, State};
use passerelle_crds::acme::{AcmeIssuer, Order};
use passerelle_crds::constants::reasons;

use super::account::IssuerLookup;
use super::observe::{AccountState, Observed, Remote, persisted_state};
use super::{challenge_name, solvers};

/// The longest wait between two looks at an Order in progress.
const MAX_POLL: Duration = Duration::from_secs(30);

/// What to do with an Order.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Final, and its Challenges are gone: nothing to do.
    Done,
    /// Final: delete the Challenges it still owns (cert-manager deletes
    /// them once the Order is valid or invalid).
    DeleteChallenges {
        /// Their names.
        names: Vec<String>,
    },
    /// Waiting for something outside the Order (its issuer, the account):
    /// say so in `status.reason` and look again later.
    Wait {
        /// For `status.reason`.
        reason: String,
        /// When to look again.
        requeue: Duration,
    },
    /// Give up: the Order is final with this state and reason.
    Fail {
        /// `invalid` (the CA said so) or `errored` (Passerelle cannot go on).
        state: State,
        /// For `status.reason` and the Event.
        reason: String,
        /// The Event's reason.
        event_reason: &'static str,
    },
    /// Place the ACME order (new-order, RFC 8555 §7.4).
    CreateOrder {
        /// What to authorize.
        identifiers: Vec<Identifier>,
        /// The certificate profile to ask for.
        profile: Option<String>,
        /// Settings asked for that Passerelle does not honour, for Events.
        unsupported: Vec<String>,
    },
    /// Fetch the order's authorizations and record them.
    FetchAuthorizations,
    /// Create these Challenges (one per pending authorization).
    CreateChallenges {
        /// The Challenges.
        challenges: Vec<NewChallenge>,
    },
    /// Nothing to do but wait for the CA: record its state, look again.
    Poll {
        /// The order's state on the CA.
        state: State,
        /// When to look again.
        requeue: Duration,
    },
    /// Every authorization is valid: send the CSR (RFC 8555 §7.4).
    Finalize {
        /// The CSR, DER.
        csr_der: Vec<u8>,
    },
    /// The order is valid: download the chain (RFC 8555 §7.4.2).
    Download,
}

/// A Challenge to create.
#[derive(Clone, PartialEq)]
pub struct NewChallenge {
    /// Its name.
    pub name: String,
    /// Its spec.
    pub spec: ChallengeSpec,
}

impl std::fmt::Debug for NewChallenge {
    // Decisions are logged: show which Challenge, never its key
    // authorization.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewChallenge")
            .field("name", &self.name)
            .field("dns_name", &self.spec.dns_name)
            .field("url", &self.spec.url)
            .finish_non_exhaustive()
    }
}

/// How long to wait before looking at an Order in progress again: 1 s for a
/// new one, doubling with its age up to 30 s, so a fast CA is followed
/// closely and a slow one is not hammered.
pub fn poll_interval(age: Duration) -> Duration {
    let secs = age.as_secs().max(1);
    let power = 1u64 << (63 - secs.leading_zeros());
    Duration::from_secs(power).min(MAX_POLL)
}

/// The age of an object at `now`.
pub fn age<K: kube::Resource>(obj: &K, now: Timestamp) -> Duration {
    let created = obj
        .meta()
        .creation_timestamp
        .as_ref()
        .map(|t| t.0.as_second())
        .unwrap_or(now.as_second());
    Duration::from_secs(u64::try_from(now.as_second() - created).unwrap_or(0))
}

/// Decides what to do with `order`.
pub fn decide(order: &Order, observed: &Observed, now: Timestamp) -> Decision {
    if persisted_state(order).is_some_and(State::is_final) {
        // Challenges already being deleted only wait for their finalizer.
        let names: Vec<String> = observed
            .challenges
            .iter()
            .filter(|c| !observed.deleting.contains(c))
            .cloned()
            .collect();
        return match names.is_empty() {
            true => Decision::Done,
            false => Decision::DeleteChallenges { names },
        };
    }
    let requeue = poll_interval(age(order, now));
    let wait = |reason: String| Decision::Wait { reason, requeue };
    let errored = |reason: String, event_reason| Decision::Fail {
        state: State::Errored,
        reason,
        event_reason,
    };
    let (what, acme) = match &observed.issuer {
        None => return wait("Looking up the issuer".into()),
        Some(IssuerLookup::Missing { what }) => return wait(format!("Waiting for {what} to exist")),
        Some(IssuerLookup::NotAcme { what }) => {
            return errored(
                format!("{what} is not an ACME issuer: Orders are placed only with ACME issuers"),
                reasons::ACME_FAILED,
            );
        }
        Some(IssuerLookup::NotReady { what, message }) => {
            let detail = if message.is_empty() {
                String::new()
            } else {
                format!(": {message}")
            };
            return wait(format!(
                "Waiting for {what} to be Ready with a registered ACME account{detail}"
            ));
        }
        Some(IssuerLookup::Ready { what, acme, .. }) => (what, acme),
    };
    let thumbprint = match &observed.account {
        AccountState::Ready { thumbprint } => thumbprint,
        AccountState::NotLoaded => return wait(format!("Waiting for the ACME account of {what}")),
        AccountState::NoKey { secret } => {
            return wait(format!(
                "Waiting for the ACME account key of {what} in Secret {secret}"
            ));
        }
        AccountState::Unknown => {
            return wait(format!(
                "The ACME server does not know the account of {what} (accountDoesNotExist): waiting for the issuer to register it again"
            ));
        }
    };
    let identifiers = match identifiers(order) {
        Ok(ids) => ids,
        Err(reason) => return errored(reason, reasons::ACME_FAILED),
    };
    let csr_der = match csr_der(&order.spec.request) {
        Ok(der) => der,
        Err(reason) => return errored(reason, reasons::ACME_FAILED),
    };
    if order.status.as_ref().and_then(|s| s.url.as_ref()).is_none() {
        let profile = order.spec.profile.clone().or_else(|| acme.profile.clone());
        return Decision::CreateOrder {
            identifiers,
            profile,
            unsupported: unsupported(order, acme),
        };
    }
    let remote = match &observed.remote {
        Remote::NotFetched => return wait(format!("Waiting for the ACME account of {what}")),
        Remote::Gone { reason } => {
            return errored(
                format!("The ACME server no longer knows the order: {reason}"),
                reasons::ACME_FAILED,
            );
        }
        Remote::Order(remote) => remote,
    };
    match remote.state {
        State::Invalid | State::Expired | State::Errored => {
            let mut parts: Vec<String> = remote.problem.iter().cloned().collect();
            parts.extend(remote.authorization_problems.iter().cloned());
            let detail = if parts.is_empty() {
                "no detail given".to_string()
            } else {
                parts.join("; ")
            };
            Decision::Fail {
                state: State::Invalid,
                reason: format!("The ACME server marked the order invalid: {detail}"),
                event_reason: reasons::ACME_FAILED,
            }
        }
        State::Valid => Decision::Download,
        State::Ready => Decision::Finalize { csr_der },
        State::Processing => Decision::Poll {
            state: State::Processing,
            requeue,
        },
        State::Pending => pending(order, observed, acme, thumbprint, what, requeue),
    }
}

/// A pending order: record its authorizations, then make sure each pending
/// one has its Challenge, then wait for the CA.
fn pending(
    order: &Order,
    observed: &Observed,
    acme: &AcmeIssuer,
    thumbprint: &str,
    what: &str,
    requeue: Duration,
) -> Decision {
    let authorizations = order
        .status
        .as_ref()
        .and_then(|s| s.authorizations.clone())
        .unwrap_or_default();
    if authorizations.is_empty() || authorizations.iter().any(|a| a.identifier.is_none()) {
        return Decision::FetchAuthorizations;
    }
    let solvers = acme.solvers.as_deref().unwrap_or_default();
    let labels = order.labels().clone();
    let mut missing = Vec::new();
    for authz in authorizations
        .iter()
        .filter(|a| matches!(a.initial_state, None | Some(State::Pending)))
    {
        let name = solvers::selector_name(authz);
        let Some(selected) = solvers::select(solvers, authz, &labels) else {
            return Decision::Fail {
                state: State::Errored,
                reason: format!(
                    "Failed to determine a valid solver configuration for the set of domains on the Order: no configured challenge solvers of {what} can be used for {name}"
                ),
                event_reason: reasons::ACME_FAILED,
            };
        };
        let position = selected.index;
        if selected.solver.dns01.is_some() {
            return Decision::Fail {
                state: State::Errored,
                reason: format!(
                    "DNS-01 solvers are not supported by Passerelle yet: spec.acme.solvers[{position}] of {what} is the solver chosen for {name}; use an HTTP-01 solver for this name"
                ),
                event_reason: reasons::NOT_SUPPORTED,
            };
        }
        if selected
            .solver
            .http01
            .as_ref()
            .is_none_or(|h| h.ingress.is_none())
        {
            return Decision::Fail {
                state: State::Errored,
                reason: format!(
                    "Gateway API HTTPRoute solvers are not supported by Passerelle yet: spec.acme.solvers[{position}] of {what} is the solver chosen for {name}; use an http01.ingress solver"
                ),
                event_reason: reasons::NOT_SUPPORTED,
            };
        }
        // ingress-shim's `acme.cert-manager.io/http01-*` annotations,
        // carried from the Certificate to the Order, override the solver's
        // Ingress class or name (cert-manager's order controller does the same).
        let solver = match crate::ingress_shim::overrides::apply(order.annotations(), selected.solver) {
            Ok(solver) => solver,
            Err(reason) => {
                return Decision::Fail {
                    state: State::Errored,
                    reason,
                    event_reason: reasons::ACME_FAILED,
                };
            }
        };
        let challenge_name = challenge_name(&order.name_any(), &authz.url);
        if !observed.challenges.contains(&challenge_name) {
            missing.push(NewChallenge {
                name: challenge_name,
                spec: challenge_spec(order, authz, &selected, solver, thumbprint),
            });
        }
    }
    match missing.is_empty() {
        true => Decision::Poll {
            state: State::Pending,
            requeue,
        },
        false => Decision::CreateChallenges { challenges: missing },
    }
}

/// The spec of the Challenge of `authz`, solved by `selected` (whose
/// solver, with the Order's overrides applied, is `solver`).
fn challenge_spec(
    order: &Order,
    authz: &AcmeAuthorization,
    selected: &solvers::Selected<'_>,
    solver: passerelle_crds::acme::AcmeChallengeSolver,
    thumbprint: &str,
) -> ChallengeSpec {
    let token = selected.challenge.token.clone();
    ChallengeSpec {
        url: selected.challenge.url.clone(),
        authorization_url: authz.url.clone(),
        dns_name: authz.identifier.clone().unwrap_or_default(),
        wildcard: authz.wildcard,
        type_: AcmeChallengeType::Http01,
        // RFC 8555 §8.1: token "." base64url(JWK thumbprint of the account
        // key), exactly what instant-acme's `ChallengeHandle::key_authorization`
        // computes.
        key: format!("{token}.{thumbprint}"),
        token,
        solver,
        issuer_ref: order.spec.issuer_ref.clone(),
    }
}

/// The identifiers to order: `spec.dnsNames`, then `spec.ipAddresses`
/// (RFC 8738), without duplicates.
pub fn identifiers(order: &Order) -> Result<Vec<Identifier>, String> {
    let mut out: Vec<Identifier> = Vec::new();
    for name in order.spec.dns_names.iter().flatten() {
        let id = Identifier::Dns(name.clone());
        if !out.contains(&id) {
            out.push(id);
        }
    }
    for ip in order.spec.ip_addresses.iter().flatten() {
        let addr: IpAddr = ip
            .parse()
            .map_err(|_| format!("spec.ipAddresses: {ip:?} is not an IP address"))?;
        let id = Identifier::Ip(addr);
        if !out.contains(&id) {
            out.push(id);
        }
    }
    match out.is_empty() {
        true => Err("The Order has no DNS names or IP addresses to authorize".into()),
        false => Ok(out),
    }
}

/// The DER of `spec.request`: base64 of the PEM CSR (as the
/// CertificateRequest carries it) or of its DER (as cert-manager writes
/// Orders).
pub fn csr_der(request: &str) -> Result<Vec<u8>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(request.trim())
        .map_err(|e| format!("spec.request is not base64: {e}"))?;
    if bytes.starts_with(b"-----") {
        let text = String::from_utf8_lossy(&bytes);
        return crate::pki::Csr::from_pem(&text)
            .map(|csr| csr.der().to_vec())
            .map_err(|e| format!("spec.request: {e}"));
    }
    match bytes.first() {
        // A DER SEQUENCE (RFC 2986 CertificationRequest).
        Some(0x30) => Ok(bytes),
        _ => Err("spec.request holds neither a PEM nor a DER certificate signing request".into()),
    }
}

/// Settings of the Order or issuer that Passerelle does not honour yet,
/// each said in an Event rather than ignored silently.
fn unsupported(order: &Order, acme: &AcmeIssuer) -> Vec<String> {
    let mut out = Vec::new();
    if acme.enable_duration_feature == Some(true) && order.spec.duration.is_some() {
        out.push(
            "spec.acme.enableDurationFeature is not supported by Passerelle yet: the order is placed without notAfter and the CA's default validity applies".into(),
        );
    }
    if acme.preferred_chain.as_deref().is_some_and(|c| !c.is_empty()) {
        out.push(
            "spec.acme.preferredChain is not supported by Passerelle yet: the chain the CA offers first is used".into(),
        );
    }
    out
}
