//! The Challenge controller: solves the HTTP-01 challenges (RFC 8555 §8.3)
//! the Order controller creates, one Challenge per pending authorization.
//! Each Challenge is scheduled (never two for the same name in flight, at
//! most `--max-concurrent-challenges` presented), presented (a route to the
//! operator's own solver server, [`solver`]), self-checked, accepted at the
//! CA, polled until the CA decides, then cleaned up. The solver objects are
//! described in [`resources`].

pub mod act;
pub mod addresses;
pub mod decide;
pub mod observe;
pub mod resources;
pub mod schedule;
pub mod selfcheck;
pub mod solver;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::networking::v1::Ingress;
use kube::runtime::controller::{Action, Config as ControllerConfig, Controller};
use kube::runtime::reflector::Store;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use passerelle_crds::acme::Challenge;
use passerelle_crds::constants::annotations::ACME_HTTP01_SOLVER_LABEL;
use tracing::Instrument;

use self::decide::{Decision, decide};
use crate::context::Context;
use crate::error::{Error, Result};

/// The finalizer on every Challenge (cert-manager's): its solver route is
/// removed before the Challenge goes.
pub const FINALIZER: &str = "finalizer.acme.cert-manager.io";

/// What the Challenge reconciles share beyond the operator's [`Context`].
pub struct ChallengeContext {
    /// The operator's context.
    pub ctx: Arc<Context>,
    /// Every Challenge watched, for scheduling.
    pub store: Store<Challenge>,
    /// Held while a Challenge is scheduled, so that two reconciles never
    /// both take the last free slot or the same name.
    pub schedule: tokio::sync::Mutex<()>,
    /// What this replica knows before the API does.
    pub local: Mutex<Local>,
}

/// State kept in memory by the replica that reconciles: Challenges started
/// whose status may not have reached the store yet, and self-check attempts
/// (a restart simply checks again).
#[derive(Debug, Default)]
pub struct Local {
    /// uid → dnsName of Challenges started here.
    pub started: HashMap<String, String>,
    /// uid → failed self-checks so far.
    pub self_check_attempts: HashMap<String, u32>,
}

impl ChallengeContext {
    /// A context over `store`.
    pub fn new(ctx: Arc<Context>, store: Store<Challenge>) -> Self {
        Self {
            ctx,
            store,
            schedule: tokio::sync::Mutex::new(()),
            local: Mutex::new(Local::default()),
        }
    }

    /// The in-memory state.
    pub fn local(&self) -> std::sync::MutexGuard<'_, Local> {
        self.local.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets what is kept in memory of a Challenge.
    pub fn forget(&self, uid: &str) {
        let mut local = self.local();
        local.started.remove(uid);
        local.self_check_attempts.remove(uid);
    }
}

/// Runs the Challenge controller until the process stops.
pub async fn run(ctx: Arc<Context>) {
    let (challenges, ingresses) = match ctx.config.namespace.as_deref() {
        Some(ns) => (
            Api::<Challenge>::namespaced(ctx.client.clone(), ns),
            Api::<Ingress>::namespaced(ctx.client.clone(), ns),
        ),
        None => (
            Api::<Challenge>::all(ctx.client.clone()),
            Api::<Ingress>::all(ctx.client.clone()),
        ),
    };
    let config = ControllerConfig::default().concurrency(ctx.config.max_concurrent_reconciles);
    let controller = Controller::new(challenges, watcher::Config::default())
        // Only the solver Ingresses: the operator does not cache the
        // cluster's other Ingresses.
        .owns(
            ingresses,
            watcher::Config::default().labels(&format!("{ACME_HTTP01_SOLVER_LABEL}=true")),
        )
        .with_config(config);
    let cctx = Arc::new(ChallengeContext::new(ctx, controller.store()));
    controller
        .run(reconcile, error_policy, cctx)
        .for_each(|result| async move {
            if let Err(error) = result {
                tracing::debug!(error = %crate::reconcile::error_chain(&error), "Challenge controller event");
            }
        })
        .await;
}

/// The operator's error policy, for the Challenge context.
fn error_policy(challenge: Arc<Challenge>, error: &Error, cctx: Arc<ChallengeContext>) -> Action {
    crate::reconcile::error_policy(challenge, error, cctx.ctx.clone())
}

/// Reconciles one Challenge: observe, decide (pure), act.
pub async fn reconcile(challenge: Arc<Challenge>, cctx: Arc<ChallengeContext>) -> Result<Action> {
    let span = tracing::info_span!(
        "reconcile",
        kind = "Challenge",
        namespace = %challenge.namespace().unwrap_or_default(),
        name = %challenge.name_any()
    );
    async move {
        if !cctx.ctx.is_active() {
            return Ok(Action::requeue(Duration::from_secs(15)));
        }
        let labels = crate::metrics::ControllerLabels {
            controller: "challenges".into(),
        };
        cctx.ctx.metrics.syncs.get_or_create(&labels).inc();
        // A Challenge not yet started is scheduled under the lock, from
        // observing the others to recording that it started.
        let scheduling = !observe::is_started(&challenge);
        let _guard = if scheduling {
            Some(cctx.schedule.lock().await)
        } else {
            None
        };
        let (observed, live) = observe::observe(&challenge, &cctx).await?;
        let decision = decide(&challenge, &observed, cctx.ctx.clock.now());
        tracing::debug!(?decision, "Decided");
        let ch = challenge.as_ref();
        match decision {
            Decision::AddFinalizer => act::add_finalizer(ch, &cctx).await,
            Decision::Finalize { remove_shared } => act::finalize(ch, &cctx, remove_shared).await,
            Decision::Done => Ok(Action::await_change()),
            Decision::Fail { reason } => act::fail(ch, &cctx, reason).await,
            Decision::Wait { reason, requeue } => act::wait(ch, &cctx, reason, requeue).await,
            Decision::Present { endpoints, first } => act::present(ch, &cctx, &endpoints, first).await,
            Decision::SelfCheckFailed { reason, requeue } => {
                act::self_check_failed(ch, &cctx, reason, requeue).await
            }
            Decision::Accept { note } => act::accept(ch, &cctx, live, note).await,
            Decision::Poll { state, requeue } => act::poll(ch, &cctx, state, requeue).await,
            Decision::Settle { state, reason } => act::settle(ch, &cctx, state, reason).await,
            Decision::CleanUp { remove_shared } => act::clean_up(ch, &cctx, remove_shared).await,
        }
    }
    .instrument(span)
    .await
}
