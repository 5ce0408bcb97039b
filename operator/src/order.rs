//! The Order controller: one ACME order (RFC 8555 §7.4) per Order object,
//! created by the CertificateRequest controller. Each step is written into
//! the Order's status before the next ACME request (order URL, then its
//! authorizations, then one Challenge object per pending authorization,
//! then the finalize, then the certificate chain), so a restart resumes the
//! same order on the CA instead of placing a new one and spending the CA's
//! rate limits.

pub mod account;
pub mod act;
pub mod decide;
#[cfg(test)]
mod fixtures;
pub mod observe;
pub mod solvers;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use kube::runtime::controller::{Action, Config as ControllerConfig, Controller};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use passerelle_crds::acme::{Challenge, Order};
use tracing::Instrument;

use self::decide::{Decision, decide};
use crate::context::Context;
use crate::error::Result;
use crate::reconcile::error_policy;

/// Longest Kubernetes object name (a DNS subdomain, RFC 1123).
const MAX_NAME: usize = 253;

/// Runs the Order controller until the process stops.
pub async fn run(ctx: Arc<Context>) {
    let (orders, challenges) = match ctx.config.namespace.as_deref() {
        Some(ns) => (
            Api::<Order>::namespaced(ctx.client.clone(), ns),
            Api::<Challenge>::namespaced(ctx.client.clone(), ns),
        ),
        None => (
            Api::<Order>::all(ctx.client.clone()),
            Api::<Challenge>::all(ctx.client.clone()),
        ),
    };
    let config = ControllerConfig::default().concurrency(ctx.config.max_concurrent_reconciles);
    Controller::new(orders, watcher::Config::default())
        .owns(challenges, watcher::Config::default())
        .with_config(config)
        .run(reconcile, error_policy, ctx)
        .for_each(|result| async move {
            if let Err(error) = result {
                tracing::debug!(error = %crate::reconcile::error_chain(&error), "Order controller event");
            }
        })
        .await;
}

/// Reconciles one Order: observe (API and CA reads), decide (pure), act
/// (one kind of side effect), then requeue as the decision computed.
pub async fn reconcile(order: Arc<Order>, ctx: Arc<Context>) -> Result<Action> {
    let span = tracing::info_span!(
        "reconcile",
        kind = "Order",
        namespace = %order.namespace().unwrap_or_default(),
        name = %order.name_any()
    );
    async move {
        if !ctx.is_active() {
            return Ok(Action::requeue(Duration::from_secs(15)));
        }
        let labels = crate::metrics::ControllerLabels {
            controller: "orders".into(),
        };
        ctx.metrics.syncs.get_or_create(&labels).inc();
        let (observed, live) = observe::observe(&order, &ctx).await?;
        let decision = decide(&order, &observed, ctx.clock.now());
        tracing::debug!(?decision, "Decided");
        match decision {
            Decision::Done => Ok(Action::await_change()),
            Decision::DeleteChallenges { names } => act::delete_challenges(&order, &ctx, &names).await,
            Decision::Wait { reason, requeue } => act::wait(&order, &ctx, reason, requeue).await,
            Decision::Fail {
                state,
                reason,
                event_reason,
            } => act::fail(&order, &ctx, state, reason, event_reason).await,
            Decision::CreateOrder {
                identifiers,
                profile,
                unsupported,
            } => act::create_order(&order, &ctx, live, &identifiers, profile.as_deref(), &unsupported).await,
            Decision::FetchAuthorizations => act::fetch_authorizations(&order, &ctx, live).await,
            Decision::CreateChallenges { challenges } => {
                act::create_challenges(&order, &ctx, challenges).await
            }
            Decision::Poll { state, requeue } => act::poll(&order, &ctx, state, requeue).await,
            Decision::Finalize { csr_der } => act::finalize(&order, &ctx, live, &csr_der).await,
            Decision::Download => act::download(&order, &ctx, live).await,
        }
    }
    .instrument(span)
    .await
}

/// FNV-1a (32 bits) of `s`: a stable, short hash for object names and label
/// values (cert-manager hashes with FNV too), identical across restarts and
/// replicas.
pub fn stable_hash(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The name of the Challenge of the authorization at `authorization_url`
/// in the Order `order_name`: `<order-name>-<hash of the URL>`, the Order's
/// name shortened if the whole would exceed a Kubernetes name.
pub fn challenge_name(order_name: &str, authorization_url: &str) -> String {
    let suffix = format!("-{}", stable_hash(authorization_url));
    let mut prefix = order_name.to_string();
    let keep = MAX_NAME - suffix.len();
    if prefix.len() > keep {
        prefix.truncate(keep);
        // A name must end with an alphanumeric character before the suffix's
        // dash; trimming dots and dashes keeps it a valid DNS subdomain.
        while prefix.ends_with(['-', '.']) {
            prefix.pop();
        }
    }
    format!("{prefix}{suffix}")
}
