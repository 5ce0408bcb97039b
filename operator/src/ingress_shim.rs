//! ingress-shim: Certificates for annotated Ingresses, as cert-manager's
//! controller of that name makes them. An Ingress annotated
//! `cert-manager.io/issuer`, `cert-manager.io/cluster-issuer` or
//! `kubernetes.io/tls-acme: "true"` (with the default issuer) gets one
//! Certificate per `spec.tls` entry, named after its secretName, for its
//! hosts, controlled by the Ingress (so deleting the Ingress deletes them),
//! kept in sync with the Ingress and its field annotations, and deleted
//! when its entry goes. A Certificate of that name that is not the
//! Ingress's is left alone.
//!
//! Watches: Ingresses, and the Certificates they control (a Certificate
//! deleted or edited by hand is put back). Observe (the Certificates of the
//! Ingress's namespace, read from the API) → decide ([`decide::decide`],
//! pure) → act ([`act`]).

pub mod act;
pub mod annotations;
pub mod decide;
pub mod overrides;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::networking::v1::Ingress;
use kube::ResourceExt;
use kube::api::{Api, ListParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use passerelle_crds::v1::Certificate;
use tracing::Instrument;

use self::decide::Step;
use crate::context::Context;
use crate::error::{Error, Result, is_conflict};
use crate::metrics::ControllerLabels;

/// On a Certificate (and so its CertificateRequest and Order): the Ingress
/// the HTTP-01 solver adds its path to instead of creating its own
/// (cert-manager's `acme.cert-manager.io/http01-override-ingress-name`).
pub const OVERRIDE_INGRESS_NAME: &str = "acme.cert-manager.io/http01-override-ingress-name";
/// On a Certificate: the class annotation of its HTTP-01 solver Ingresses
/// (cert-manager's `acme.cert-manager.io/http01-override-ingress-class`).
pub const OVERRIDE_INGRESS_CLASS: &str = "acme.cert-manager.io/http01-override-ingress-class";
/// On a Certificate: the `ingressClassName` of its HTTP-01 solver Ingresses
/// (cert-manager's
/// `acme.cert-manager.io/http01-override-ingress-ingressclassname`).
pub const OVERRIDE_INGRESS_CLASS_NAME: &str = "acme.cert-manager.io/http01-override-ingress-ingressclassname";

/// Reconciles one Ingress: observe → decide → act.
pub async fn reconcile(ingress: Arc<Ingress>, ctx: Arc<Context>) -> Result<Action> {
    let span = tracing::info_span!(
        "reconcile",
        kind = "Ingress",
        namespace = %ingress.namespace().unwrap_or_default(),
        name = %ingress.name_any()
    );
    reconcile_inner(&ingress, &ctx).instrument(span).await
}

async fn reconcile_inner(ingress: &Ingress, ctx: &Context) -> Result<Action> {
    if !ctx.is_active() {
        return Ok(Action::requeue(Duration::from_secs(15)));
    }
    if !annotations::has_shim_annotation(ingress.annotations()) {
        // The common case (most Ingresses ask for nothing): no API call.
        return Ok(Action::await_change());
    }
    ctx.metrics
        .syncs
        .get_or_create(&ControllerLabels {
            controller: "ingress-shim".into(),
        })
        .inc();
    let namespace = ingress.namespace().unwrap_or_default();
    let certificates = Api::<Certificate>::namespaced(ctx.client.clone(), &namespace)
        .list(&ListParams::default())
        .await
        .map_err(|source| Error::List {
            kind: "Certificate",
            source,
        })?
        .items;
    let steps = decide::decide(ingress, &certificates, &ctx.config.default_issuer);
    if steps.is_empty() {
        tracing::debug!("Certificates up to date");
    }
    for step in steps {
        let result = match &step {
            Step::Warn { message } => {
                act::warn(ingress, ctx, message).await;
                Ok(())
            }
            Step::Create(cert) => act::create(ingress, ctx, cert).await,
            Step::Update(cert) => act::update(ingress, ctx, cert).await,
            Step::Delete { name, uid } => act::delete(ingress, ctx, name, uid).await,
        };
        match result {
            // Decided on a Certificate that changed meanwhile (or was made
            // by someone else in between): look again.
            Err(Error::Write { source, .. } | Error::Delete { source, .. }) if is_conflict(&source) => {
                tracing::debug!("Certificate changed while reconciling, retrying");
                return Ok(Action::requeue(Duration::from_secs(1)));
            }
            other => other?,
        }
    }
    // The watches bring every change that matters: the Ingress's, and its
    // Certificates'.
    Ok(Action::await_change())
}

/// Runs ingress-shim until the process stops.
pub async fn run(ctx: Arc<Context>) {
    let ingresses: Api<Ingress> = crate::certificate::scoped(&ctx);
    let certificates: Api<Certificate> = crate::certificate::scoped(&ctx);
    let concurrency = ctx.config.max_concurrent_reconciles;
    Controller::new(ingresses, watcher::Config::default())
        .with_config(kube::runtime::controller::Config::default().concurrency(concurrency))
        .owns(certificates, watcher::Config::default())
        .run(reconcile, crate::reconcile::error_policy, ctx)
        .for_each(|_| futures::future::ready(()))
        .await;
}
