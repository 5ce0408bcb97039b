//! The CertificateRequest controller: approves requests as cert-manager's
//! built-in approver does, and signs those of ACME issuers through an Order
//! (`acme.cert-manager.io/v1`), copying the Order's chain into the request.
//! Requests whose issuer is missing or not ready stay Pending, with
//! cert-manager's messages; issuer types Passerelle does not run fail with
//! a message saying so; requests for issuers of other API groups are left
//! to their own controllers.
//!
//! Watches: CertificateRequests, the Orders they own, and Issuers and
//! ClusterIssuers (a change of an issuer looks again at the pending
//! requests that name it).

pub mod act;
pub mod decide;
pub mod observe;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use kube::ResourceExt;
use kube::api::Api;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use passerelle_crds::acme::Order;
use passerelle_crds::v1::{CertificateRequest, ClusterIssuer, Issuer};
use tracing::Instrument;

use self::decide::Decision;
use crate::certificate::scoped;
use crate::context::Context;
use crate::error::Result;
use crate::metrics::ControllerLabels;
use crate::reconcile::error_policy;

/// Reconciles one CertificateRequest: observe → decide → act.
pub async fn reconcile(cr: Arc<CertificateRequest>, ctx: Arc<Context>) -> Result<Action> {
    let span = tracing::info_span!(
        "reconcile",
        kind = "CertificateRequest",
        namespace = %cr.namespace().unwrap_or_default(),
        name = %cr.name_any()
    );
    reconcile_inner(cr, ctx).instrument(span).await
}

async fn reconcile_inner(cr: Arc<CertificateRequest>, ctx: Arc<Context>) -> Result<Action> {
    if !ctx.is_active() {
        return Ok(Action::requeue(Duration::from_secs(15)));
    }
    let ctx = ctx.as_ref();
    let cr = cr.as_ref();
    ctx.metrics
        .syncs
        .get_or_create(&ControllerLabels {
            controller: "certificaterequests".into(),
        })
        .inc();
    let now = ctx.clock.now();
    // Approval and final states need no reads.
    let quick = decide::decide(cr, &skip_observed(), now);
    if matches!(
        quick,
        Decision::Skip | Decision::Approve { .. } | Decision::MarkDenied { .. }
    ) {
        return run_decision(cr, ctx, quick).await;
    }
    let observed = observe::observe(cr, ctx).await?;
    let decision = decide::decide(cr, &observed, now);
    tracing::debug!(?decision, "Decided");
    run_decision(cr, ctx, decision).await
}

/// Observed facts that let `decide` take the steps needing no reads.
fn skip_observed() -> observe::Observed {
    observe::Observed {
        issuer: observe::IssuerLookup::NotFound {
            message: String::new(),
        },
        csr: Err(String::new()),
        order: None,
    }
}

async fn run_decision(cr: &CertificateRequest, ctx: &Context, decision: Decision) -> Result<Action> {
    match decision {
        Decision::Skip => Ok(Action::await_change()),
        Decision::Approve { status } => act::approve(cr, ctx, &status).await,
        Decision::MarkDenied { status } => act::mark_denied(cr, ctx, &status).await,
        Decision::Pending {
            status,
            reason,
            message,
        } => act::pending(cr, ctx, &status, reason, &message).await,
        Decision::Fail {
            status,
            reason,
            message,
        } => act::fail(cr, ctx, &status, reason, &message).await,
        Decision::CreateOrder { order } => act::create_order(cr, ctx, &order).await,
        Decision::DeleteOrder { name } => act::delete_order(cr, ctx, &name).await,
        Decision::Issued { status } => act::issued(cr, ctx, &status).await,
    }
}

/// Runs the CertificateRequest controller until the process stops.
pub async fn run(ctx: Arc<Context>) {
    let controller = Controller::new(scoped::<CertificateRequest>(&ctx), watcher::Config::default())
        .with_config(
            kube::runtime::controller::Config::default().concurrency(ctx.config.max_concurrent_reconciles),
        )
        .owns(scoped::<Order>(&ctx), watcher::Config::default());
    let (namespaced, cluster) = (controller.store(), controller.store());
    controller
        .watches(
            scoped::<Issuer>(&ctx),
            watcher::Config::default(),
            move |issuer: Issuer| {
                let requests = namespaced.state();
                observe::requests_of_issuer(
                    requests.iter().map(AsRef::as_ref),
                    "Issuer",
                    &issuer.name_any(),
                    issuer.namespace().as_deref(),
                )
            },
        )
        .watches(
            Api::<ClusterIssuer>::all(ctx.client.clone()),
            watcher::Config::default(),
            move |issuer: ClusterIssuer| {
                let requests = cluster.state();
                observe::requests_of_issuer(
                    requests.iter().map(AsRef::as_ref),
                    "ClusterIssuer",
                    &issuer.name_any(),
                    None,
                )
            },
        )
        .run(reconcile, error_policy::<CertificateRequest>, ctx)
        .for_each(|_| futures::future::ready(()))
        .await;
}
