//! The Certificate controller: keeps each Certificate's Secret holding a
//! valid certificate for its spec, issued through a CertificateRequest and
//! renewed before it expires, with cert-manager's status, Events, Secret
//! layout and object model (temporary key Secret, one CertificateRequest
//! per revision, revision history) so that its tooling keeps working.
//!
//! Watches: Certificates; the CertificateRequests they own; the Secrets
//! labelled `controller.cert-manager.io/fao=true` (and no other Secret, so
//! memory does not grow with the cluster's Secrets), mapped to their
//! Certificate by the `cert-manager.io/certificate-name` annotation or, for
//! the temporary key Secrets, their owner. Decisions are made on objects
//! read directly from the API (the caches only list what to clean up), so
//! a watch event that arrives before a cache update cannot stall a step.

pub mod act;
pub mod decide;
pub mod observe;
pub mod secret;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Secret;
use kube::api::Api;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Resource, ResourceExt};
use passerelle_crds::constants::{annotations as keys, conditions};
use passerelle_crds::defaults;
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::{Certificate, CertificateRequest, CertificateStatus};
use tracing::Instrument;

use self::decide::Decision;
use crate::context::Context;
use crate::error::{Error, Result, is_conflict};
use crate::metrics::{CertificateLabels, ControllerLabels};

/// What the Certificate reconciler shares: the context and the caches it
/// lists leftovers from.
pub struct Shared {
    /// The operator's context.
    pub ctx: Arc<Context>,
    /// Secrets labelled `controller.cert-manager.io/fao=true`.
    pub secrets: Store<Secret>,
    /// CertificateRequests.
    pub requests: Store<CertificateRequest>,
}

/// Reconciles one Certificate: observe → decide → act.
pub async fn reconcile(cert: Arc<Certificate>, shared: Arc<Shared>) -> Result<Action> {
    let span = tracing::info_span!(
        "reconcile",
        kind = "Certificate",
        namespace = %cert.namespace().unwrap_or_default(),
        name = %cert.name_any()
    );
    reconcile_inner(cert, shared).instrument(span).await
}

async fn reconcile_inner(cert: Arc<Certificate>, shared: Arc<Shared>) -> Result<Action> {
    let ctx = shared.ctx.as_ref();
    if !ctx.is_active() {
        return Ok(Action::requeue(Duration::from_secs(15)));
    }
    ctx.metrics
        .syncs
        .get_or_create(&ControllerLabels {
            controller: "certificates".into(),
        })
        .inc();
    let observed = observe::observe(&cert, ctx, &shared.secrets, &shared.requests).await?;
    let now = ctx.clock.now();
    let decision = decide::decide(&cert, &observed, now);
    record_metrics(
        ctx,
        &cert,
        status_of(&decision).unwrap_or(&cert.status.clone().unwrap_or_default()),
    );
    tracing::debug!(?decision, "Decided");
    let cert = cert.as_ref();
    // After a step, the watch brings the change it made; looking again
    // after at most the first backoff (or at renewal, if sooner) covers a
    // step that changed nothing and so brings no event.
    let until_renewal = decide::renewal(cert, &observed).map(|at| {
        Duration::from_secs(
            u64::try_from(at.as_second() - now.as_second())
                .unwrap_or(0)
                .max(1),
        )
    });
    let base = ctx.config.issuance_backoff_base;
    let look_again = Action::requeue(until_renewal.map_or(base, |d| d.min(base)));
    let step = |()| look_again.clone();
    let result = match decision {
        Decision::Invalid { status, message } => act::invalid(cert, ctx, &status, &message)
            .await
            .map(|_| Action::await_change()),
        Decision::UpdateStatus { status, requeue_at } => act::update_status(cert, ctx, &status)
            .await
            .map(|()| requeue_at.map_or_else(|| step(()), |at| act::requeue_at_time(at, now))),
        Decision::StartIssuing {
            status,
            reason,
            message,
        } => act::start_issuing(cert, ctx, &status, reason, &message)
            .await
            .map(step),
        Decision::BackOff { until } => Ok(act::requeue_at_time(until, now)),
        Decision::UpdateSecret { adopt } => act::update_secret(cert, ctx, &observed, adopt).await.map(step),
        Decision::Prune {
            key_secrets,
            requests,
        } => act::prune(cert, ctx, &key_secrets, &requests).await.map(step),
        Decision::UpToDate { renew_at } => Ok(act::requeue_at_time(renew_at, now)),
        Decision::ChooseKeySecretName { status } => {
            act::choose_key_secret_name(cert, ctx, &status).await.map(step)
        }
        Decision::CreateKeySecret { name, reuse_current } => {
            act::create_key_secret(cert, ctx, &observed, &name, reuse_current)
                .await
                .inspect(|()| crate::crashpoint::reached("key-secret-created"))
                .map(step)
        }
        Decision::DeleteKeySecret { name } => act::delete_key_secret(cert, ctx, &name).await.map(step),
        Decision::CreateRequest {
            name,
            revision,
            key_secret,
        } => act::create_request(cert, ctx, &observed, &name, revision, &key_secret, now)
            .await
            .inspect(|()| crate::crashpoint::reached("certificate-request-created"))
            .map(step),
        Decision::DeleteRequest { name } => act::delete_request(cert, ctx, &name).await.map(step),
        Decision::WaitForRequest { .. } => Ok(step(())),
        Decision::FailIssuance {
            status,
            reason,
            message,
        } => act::fail_issuance(cert, ctx, &status, &reason, &message)
            .await
            .map(step),
        Decision::WriteSecret { .. } => act::write_secret(cert, ctx, &observed).await.map(step),
        Decision::CompleteIssuance { status, revision } => {
            act::complete_issuance(cert, ctx, &status, revision)
                .await
                .map(step)
        }
    };
    match result {
        // The decision was made on an object that changed meanwhile; the
        // watch brings the new one.
        Err(Error::Write { source, .. }) if is_conflict(&source) => {
            tracing::debug!("Certificate changed while reconciling, retrying");
            Ok(Action::requeue(Duration::from_secs(1)))
        }
        other => other,
    }
}

/// The status a decision writes, if it writes one.
fn status_of(decision: &Decision) -> Option<&CertificateStatus> {
    match decision {
        Decision::Invalid { status, .. }
        | Decision::UpdateStatus { status, .. }
        | Decision::StartIssuing { status, .. }
        | Decision::ChooseKeySecretName { status }
        | Decision::FailIssuance { status, .. }
        | Decision::CompleteIssuance { status, .. } => Some(status),
        _ => None,
    }
}

/// Sets cert-manager's per-Certificate gauges from the status.
fn record_metrics(ctx: &Context, cert: &Certificate, status: &CertificateStatus) {
    let issuer = defaults::issuer_ref(&cert.spec.issuer_ref);
    let labels = CertificateLabels {
        name: cert.name_any(),
        namespace: cert.namespace().unwrap_or_default(),
        issuer_name: issuer.name.clone(),
        issuer_kind: issuer.kind.clone().unwrap_or_default(),
        issuer_group: issuer.group.clone().unwrap_or_default(),
    };
    let seconds =
        |t: &Option<passerelle_crds::meta::Time>| t.as_ref().map_or(0.0, |t| t.0.as_second() as f64);
    let ready = crate::conditions::get(&status.conditions, conditions::READY)
        .map_or(ConditionStatus::Unknown, |c| c.status);
    ctx.metrics.record_certificate(
        labels,
        seconds(&status.not_after),
        seconds(&status.renewal_time),
        &ready.to_string(),
    );
}

/// An Api of `K` in the watched namespace, or in all.
pub(crate) fn scoped<K>(ctx: &Context) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    match &ctx.config.namespace {
        Some(ns) => Api::namespaced(ctx.client.clone(), ns),
        None => Api::all(ctx.client.clone()),
    }
}

/// Runs the Certificate controller until the process stops.
pub async fn run(ctx: Arc<Context>) {
    let managed = watcher::Config::default().labels(&format!("{}=true", keys::FAO_LABEL));
    let (secrets, secrets_writer) = reflector::store();
    let secrets_cache =
        reflector::reflector(secrets_writer, watcher(scoped::<Secret>(&ctx), managed.clone()))
            .default_backoff()
            .for_each(|_| futures::future::ready(()));
    let (requests, requests_writer) = reflector::store();
    let requests_cache = reflector::reflector(
        requests_writer,
        watcher(scoped::<CertificateRequest>(&ctx), watcher::Config::default()),
    )
    .default_backoff()
    .for_each(|_| futures::future::ready(()));
    let concurrency = ctx.config.max_concurrent_reconciles;
    let shared = Arc::new(Shared {
        ctx: ctx.clone(),
        secrets,
        requests,
    });
    let controller = Controller::new(scoped::<Certificate>(&ctx), watcher::Config::default());
    let forget_deleted = forget_deleted_metrics(ctx.clone(), controller.store());
    let controller = controller
        .with_config(kube::runtime::controller::Config::default().concurrency(concurrency))
        .owns(scoped::<CertificateRequest>(&ctx), watcher::Config::default())
        .watches(scoped::<Secret>(&ctx), managed, |s: Secret| {
            observe::certificate_of_secret(&s)
        })
        .run(
            reconcile,
            |cert, error, shared: Arc<Shared>| {
                crate::reconcile::error_policy(cert, error, shared.ctx.clone())
            },
            shared,
        )
        .for_each(|_| futures::future::ready(()));
    futures::join!(controller, secrets_cache, requests_cache, forget_deleted);
}

/// Every minute, removes the gauges of Certificates that no longer exist
/// (the controller is not called for a deleted object).
async fn forget_deleted_metrics(ctx: Arc<Context>, certificates: reflector::Store<Certificate>) {
    if certificates.wait_until_ready().await.is_err() {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        ctx.metrics.forget_certificates_except(|namespace, name| {
            certificates
                .get(&reflector::ObjectRef::new(name).within(namespace))
                .is_some()
        });
    }
}
