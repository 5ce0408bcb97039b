//! Doing what the Challenge's decision says: one function per decision,
//! each one kind of side effect (the finalizer, the solver objects, the
//! POST to the CA, or a status change), each returning when to look again.

mod objects;

use std::time::Duration;

use instant_acme::ChallengeType;
use kube::ResourceExt;
use kube::api::{Api, Patch, PatchParams};
use kube::runtime::controller::Action;
use passerelle_crds::acme::Challenge;
use passerelle_crds::acme::challenge::ChallengeStatus;
use passerelle_crds::acme::order::State;
use passerelle_crds::constants::reasons;
use serde_json::json;

use self::objects::{apply_solver_objects, remove_solver_objects};
use super::addresses::SolverEndpoints;
use super::observe::Live;
use super::{ChallengeContext, FINALIZER, resources};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::events::EventType;
use crate::order::account::{describe_problem, problem_type_is};
use crate::order::decide::{age, poll_interval};
use crate::reconcile::{apply_status, key};

/// Event reason when the CA validated the challenge (cert-manager's).
const DOMAIN_VERIFIED: &str = "DomainVerified";

fn status(challenge: &Challenge) -> ChallengeStatus {
    challenge.status.clone().unwrap_or_default()
}

async fn persist(challenge: &Challenge, ctx: &Context, new: &ChallengeStatus) -> Result<()> {
    apply_status(ctx, challenge, challenge.status.as_ref(), new).await
}

fn requeue(challenge: &Challenge, ctx: &Context) -> Action {
    Action::requeue(poll_interval(age(challenge, ctx.clock.now())))
}

/// Writes the finalizers list, guarded by the resourceVersion read (a
/// concurrent change fails with a conflict and is retried).
async fn set_finalizers(challenge: &Challenge, ctx: &Context, finalizers: Vec<String>) -> Result<()> {
    let patch = json!({
        "metadata": { "finalizers": finalizers, "resourceVersion": challenge.resource_version() }
    });
    Api::<Challenge>::namespaced(ctx.client.clone(), &challenge.namespace().unwrap_or_default())
        .patch(
            &challenge.name_any(),
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
        .map_err(|source| Error::Write {
            kind: "Challenge",
            name: key(challenge),
            source,
        })?;
    Ok(())
}

/// Puts the finalizer on.
pub async fn add_finalizer(challenge: &Challenge, cctx: &ChallengeContext) -> Result<Action> {
    let mut finalizers = challenge.finalizers().to_vec();
    finalizers.push(FINALIZER.to_string());
    set_finalizers(challenge, &cctx.ctx, finalizers).await?;
    Ok(Action::await_change())
}

/// Removes the solver objects, then the finalizer, of a deleted Challenge.
pub async fn finalize(challenge: &Challenge, cctx: &ChallengeContext, remove_shared: bool) -> Result<Action> {
    remove_solver_objects(challenge, &cctx.ctx, remove_shared).await?;
    let finalizers = challenge
        .finalizers()
        .iter()
        .filter(|f| *f != FINALIZER)
        .cloned()
        .collect();
    set_finalizers(challenge, &cctx.ctx, finalizers).await?;
    cctx.forget(&challenge.uid().unwrap_or_default());
    Ok(Action::await_change())
}

/// Marks a Challenge Passerelle cannot solve `errored`, with an Event.
pub async fn fail(challenge: &Challenge, cctx: &ChallengeContext, reason: String) -> Result<Action> {
    let mut new = status(challenge);
    new.state = Some(State::Errored);
    new.reason = Some(reason.clone());
    new.processing = Some(false);
    persist(challenge, &cctx.ctx, &new).await?;
    tracing::warn!(%reason, "Challenge cannot be solved");
    cctx.ctx
        .recorder
        .publish(challenge, EventType::Warning, reasons::NOT_SUPPORTED, &reason)
        .await;
    Ok(Action::await_change())
}

/// Records why the Challenge waits.
pub async fn wait(
    challenge: &Challenge,
    cctx: &ChallengeContext,
    reason: String,
    after: Duration,
) -> Result<Action> {
    let mut new = status(challenge);
    new.reason = Some(reason);
    persist(challenge, &cctx.ctx, &new).await?;
    Ok(Action::requeue(after))
}

/// Creates or repairs the solver Service, EndpointSlice and route, then
/// marks the Challenge presented and processing.
pub async fn present(
    challenge: &Challenge,
    cctx: &ChallengeContext,
    endpoints: &SolverEndpoints,
    first: bool,
) -> Result<Action> {
    let ctx = &cctx.ctx;
    let uid = challenge.uid().unwrap_or_default();
    // Counted as in flight from now on, before the API says so.
    cctx.local().started.insert(uid, challenge.spec.dns_name.clone());
    if let Err(error) = apply_solver_objects(challenge, ctx, endpoints).await {
        let message = format!(
            "Error presenting challenge: {}",
            crate::reconcile::error_chain(&error)
        );
        ctx.recorder
            .publish(challenge, EventType::Warning, reasons::PRESENT_ERROR, &message)
            .await;
        return Err(error);
    }
    let mut new = status(challenge);
    new.presented = Some(true);
    new.processing = Some(true);
    new.state = Some(new.state.unwrap_or(State::Pending));
    new.reason = Some("Waiting for HTTP-01 challenge propagation".into());
    persist(challenge, ctx, &new).await?;
    let unlistable = resources::unlistable(endpoints);
    if first && !unlistable.is_empty() {
        let addresses: Vec<String> = unlistable.iter().map(ToString::to_string).collect();
        let message = format!(
            "The HTTP-01 solver address {} cannot be listed in the EndpointSlice {}: Kubernetes refuses loopback and link-local endpoints, so Ingress routes cannot reach it; only a CA that connects to the solver directly can validate. Set --http01-solver-address to a routable address",
            addresses.join(", "),
            resources::SOLVER_SERVICE
        );
        tracing::warn!(addresses = ?addresses, "Solver address cannot be listed in an EndpointSlice");
        ctx.recorder
            .publish(challenge, EventType::Warning, reasons::PRESENT_ERROR, &message)
            .await;
    }
    if first {
        tracing::info!(domain = %challenge.spec.dns_name, "Presented HTTP-01 challenge");
        let message = "Presented challenge using HTTP-01 challenge mechanism";
        ctx.recorder
            .publish(challenge, EventType::Normal, reasons::PRESENTED, message)
            .await;
    }
    Ok(Action::requeue(Duration::from_secs(1)))
}

/// Records a failed self-check; it is tried again after `after`.
pub async fn self_check_failed(
    challenge: &Challenge,
    cctx: &ChallengeContext,
    reason: String,
    after: Duration,
) -> Result<Action> {
    let attempts = {
        let mut local = cctx.local();
        let attempts = local
            .self_check_attempts
            .entry(challenge.uid().unwrap_or_default())
            .or_default();
        *attempts += 1;
        *attempts
    };
    tracing::info!(%reason, attempts, "HTTP-01 self-check failed");
    if attempts == 1 {
        cctx.ctx
            .recorder
            .publish(challenge, EventType::Warning, reasons::SELF_CHECK_FAILED, &reason)
            .await;
    }
    wait(challenge, cctx, reason, after).await
}

/// Tells the CA to validate the challenge (RFC 8555 §7.5.1), found in the
/// live order by its authorization URL.
pub async fn accept(
    challenge: &Challenge,
    cctx: &ChallengeContext,
    live: Live,
    note: Option<String>,
) -> Result<Action> {
    let ctx = &cctx.ctx;
    let missing = |what| Error::Missing {
        kind: what,
        name: key(challenge),
    };
    let handle = live.account.ok_or_else(|| missing("ACME account"))?;
    let mut order = live.order.ok_or_else(|| missing("ACME order"))?;
    let authz_url = challenge.spec.authorization_url.clone();
    let accepted = ctx
        .acme
        .call(
            "accept-challenge",
            &handle.http,
            set_ready(&mut order, &authz_url),
        )
        .await;
    match accepted {
        Ok(true) => {}
        Ok(false) => return Err(missing("ACME HTTP-01 challenge")),
        // Already being validated (a lost status write): the next look
        // sees the CA's state.
        Err(e)
            if !e.is_transient()
                && e.acme_problem().is_some()
                && !problem_type_is(&e, "accountDoesNotExist") =>
        {
            let problem = e.acme_problem().map(describe_problem).unwrap_or_default();
            tracing::warn!(%problem, "The ACME server refused to validate the challenge now");
            return Ok(requeue(challenge, ctx));
        }
        Err(e) => return Err(e),
    }
    crate::crashpoint::reached("challenge-accepted");
    cctx.local()
        .self_check_attempts
        .remove(&challenge.uid().unwrap_or_default());
    if let Some(note) = &note {
        ctx.recorder
            .publish(challenge, EventType::Warning, reasons::SELF_CHECK_FAILED, note)
            .await;
    }
    let mut new = status(challenge);
    new.state = Some(State::Processing);
    new.reason = Some(note.unwrap_or_else(|| "Waiting for the ACME server to validate the challenge".into()));
    persist(challenge, ctx, &new).await?;
    tracing::info!(domain = %challenge.spec.dns_name, "Accepted HTTP-01 challenge");
    ctx.recorder
        .publish(
            challenge,
            EventType::Normal,
            reasons::ACCEPTED,
            "Accepted challenge authorization",
        )
        .await;
    Ok(Action::requeue(Duration::from_secs(1)))
}

/// POSTs `{}` to the HTTP-01 challenge of the authorization `authz_url`;
/// `false` when the order has no such authorization or challenge.
async fn set_ready(order: &mut instant_acme::Order, authz_url: &str) -> Result<bool, instant_acme::Error> {
    let mut authorizations = order.authorizations();
    while let Some(authz) = authorizations.next().await {
        let mut authz = authz?;
        if authz.url() != authz_url {
            continue;
        }
        let Some(mut challenge) = authz.challenge(ChallengeType::Http01) else {
            return Ok(false);
        };
        challenge.set_ready().await?;
        return Ok(true);
    }
    Ok(false)
}

/// Records the CA's state while it validates.
pub async fn poll(
    challenge: &Challenge,
    cctx: &ChallengeContext,
    state: State,
    after: Duration,
) -> Result<Action> {
    let mut new = status(challenge);
    new.state = Some(state);
    persist(challenge, &cctx.ctx, &new).await?;
    Ok(Action::requeue(after))
}

/// Records the CA's decision, with cert-manager's Event.
pub async fn settle(
    challenge: &Challenge,
    cctx: &ChallengeContext,
    state: State,
    reason: String,
) -> Result<Action> {
    let ctx = &cctx.ctx;
    let mut new = status(challenge);
    new.state = Some(state);
    new.reason = Some(reason.clone());
    persist(challenge, ctx, &new).await?;
    let domain = &challenge.spec.dns_name;
    if state == State::Valid {
        tracing::info!(%domain, "The ACME server validated the challenge");
        let message = format!("Domain {domain:?} verified with \"HTTP-01\" validation");
        ctx.recorder
            .publish(challenge, EventType::Normal, DOMAIN_VERIFIED, &message)
            .await;
    } else {
        tracing::warn!(%domain, %reason, "The ACME server refused the challenge");
        ctx.recorder
            .publish(challenge, EventType::Warning, reasons::ACME_FAILED, &reason)
            .await;
    }
    Ok(Action::requeue(Duration::from_secs(1)))
}

/// Removes the solver objects of a final Challenge and marks it no longer
/// presented nor processing.
pub async fn clean_up(challenge: &Challenge, cctx: &ChallengeContext, remove_shared: bool) -> Result<Action> {
    remove_solver_objects(challenge, &cctx.ctx, remove_shared).await?;
    let mut new = status(challenge);
    new.presented = Some(false);
    new.processing = Some(false);
    persist(challenge, &cctx.ctx, &new).await?;
    cctx.forget(&challenge.uid().unwrap_or_default());
    tracing::info!(domain = %challenge.spec.dns_name, "Cleaned up the HTTP-01 solver route");
    Ok(Action::await_change())
}
