//! The Issuer and ClusterIssuer controllers: the ACME account behind each
//! issuer (key in `spec.acme.privateKeySecretRef`, registration, email
//! changes, a CA that forgot the account), and a Ready condition that says
//! exactly what Passerelle cannot do yet (other issuer types, DNS-01-only
//! issuers, ACME v1 servers).

mod act;
pub mod decide;
pub mod observe;
#[cfg(test)]
mod tests;

use std::fmt::Debug;
use std::sync::Arc;

use futures::StreamExt;
use kube::api::Api;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Resource, ResourceExt};
use passerelle_crds::acme::Order;
use passerelle_crds::v1::{ClusterIssuer, Issuer, IssuerConfig, IssuerStatus};
use serde::Serialize;
use serde::de::DeserializeOwned;

use self::decide::Decision;
use crate::context::Context;
use crate::error::Result;
use crate::reconcile::error_policy;

/// What the controller needs from an Issuer or a ClusterIssuer.
pub trait IssuerObject:
    Resource<DynamicType = ()> + Clone + DeserializeOwned + Serialize + Debug + Send + Sync + 'static
{
    /// The issuer configuration.
    fn config(&self) -> &IssuerConfig;
    /// The status.
    fn status(&self) -> Option<&IssuerStatus>;
    /// The namespace of its Secrets.
    fn secret_namespace(&self, ctx: &Context) -> String;
    /// Where its Orders live (`None`: every namespace).
    fn orders_namespace(&self) -> Option<String>;
}

impl IssuerObject for Issuer {
    fn config(&self) -> &IssuerConfig {
        &self.spec.config
    }
    fn status(&self) -> Option<&IssuerStatus> {
        self.status.as_ref()
    }
    fn secret_namespace(&self, _: &Context) -> String {
        self.namespace().unwrap_or_default()
    }
    fn orders_namespace(&self) -> Option<String> {
        self.namespace()
    }
}

impl IssuerObject for ClusterIssuer {
    fn config(&self) -> &IssuerConfig {
        &self.spec.config
    }
    fn status(&self) -> Option<&IssuerStatus> {
        self.status.as_ref()
    }
    fn secret_namespace(&self, ctx: &Context) -> String {
        ctx.config.cluster_resource_namespace.clone()
    }
    fn orders_namespace(&self) -> Option<String> {
        None
    }
}

/// Reconciles one issuer: observe → decide → act.
pub async fn reconcile<I: IssuerObject>(issuer: Arc<I>, ctx: Arc<Context>) -> Result<Action> {
    use tracing::Instrument as _;
    let span = tracing::info_span!(
        "reconcile",
        kind = %I::kind(&()),
        namespace = issuer.namespace().unwrap_or_default(),
        name = %issuer.name_any()
    );
    reconcile_inner(issuer, ctx).instrument(span).await
}

async fn reconcile_inner<I: IssuerObject>(issuer: Arc<I>, ctx: Arc<Context>) -> Result<Action> {
    if !ctx.is_active() {
        return Ok(Action::requeue(std::time::Duration::from_secs(15)));
    }
    let controller = I::plural(&()).to_string();
    ctx.metrics
        .syncs
        .get_or_create(&crate::metrics::ControllerLabels { controller })
        .inc();
    let issuer = issuer.as_ref();
    let namespace = issuer.secret_namespace(&ctx);
    // Configuration problems need no API reads.
    if let Some((reason, message)) = decide::spec_problem(issuer.config()) {
        return act::not_ready(issuer, &ctx, reason, &message).await;
    }
    let acme = issuer.config().acme.clone().unwrap_or_default();
    let observed = observe::observe(
        &ctx,
        &acme,
        &namespace,
        &issuer.name_any(),
        &I::kind(&()),
        issuer.orders_namespace().as_deref(),
    )
    .await?;
    let decision = decide::decide(
        issuer.config(),
        issuer.status(),
        issuer.meta().generation,
        &observed,
    );
    match decision {
        Decision::NotReady { reason, message } => act::not_ready(issuer, &ctx, reason, &message).await,
        Decision::GenerateKey => act::generate_key(issuer, &ctx, &acme, &namespace).await,
        Decision::AddP256Key { found } => act::add_p256_key(issuer, &ctx, &acme, &namespace, &found).await,
        Decision::Register { key } => act::register(issuer, &ctx, &acme, &key).await,
        Decision::RegisterWithEab { key_id, hmac } => {
            act::register_with_eab(issuer, &ctx, &acme, &namespace, &key_id, &hmac).await
        }
        Decision::UpToDate { requeue } => Ok(Action::requeue(requeue)),
    }
}

fn lost_account_issuer(order: &Order, kind: &str) -> Option<(String, Option<String>)> {
    let lost = order
        .status
        .as_ref()?
        .reason
        .as_deref()?
        .contains("accountDoesNotExist");
    (lost && order.spec.issuer_ref.kind.as_deref().unwrap_or("Issuer") == kind)
        .then(|| (order.spec.issuer_ref.name.clone(), order.namespace()))
}

/// Runs the Issuer and ClusterIssuer controllers until the process stops.
pub async fn run(ctx: Arc<Context>) {
    let orders = |ctx: &Context| -> Api<Order> {
        match &ctx.config.namespace {
            Some(ns) => Api::namespaced(ctx.client.clone(), ns),
            None => Api::all(ctx.client.clone()),
        }
    };
    let issuers: Api<Issuer> = match &ctx.config.namespace {
        Some(ns) => Api::namespaced(ctx.client.clone(), ns),
        None => Api::all(ctx.client.clone()),
    };
    let concurrency = ctx.config.max_concurrent_reconciles;
    let namespaced = Controller::new(issuers, watcher::Config::default())
        .with_config(kube::runtime::controller::Config::default().concurrency(concurrency))
        .watches(orders(&ctx), watcher::Config::default(), |order: Order| {
            lost_account_issuer(&order, "Issuer")
                .and_then(|(name, ns)| ns.map(|ns| ObjectRef::<Issuer>::new(&name).within(&ns)))
        })
        .run(reconcile::<Issuer>, error_policy::<Issuer>, ctx.clone())
        .for_each(|_| futures::future::ready(()));
    let cluster = Controller::new(
        Api::<ClusterIssuer>::all(ctx.client.clone()),
        watcher::Config::default(),
    )
    .with_config(kube::runtime::controller::Config::default().concurrency(concurrency))
    .watches(orders(&ctx), watcher::Config::default(), |order: Order| {
        lost_account_issuer(&order, "ClusterIssuer").map(|(name, _)| ObjectRef::<ClusterIssuer>::new(&name))
    })
    .run(
        reconcile::<ClusterIssuer>,
        error_policy::<ClusterIssuer>,
        ctx.clone(),
    )
    .for_each(|_| futures::future::ready(()));
    futures::join!(namespaced, cluster);
}
