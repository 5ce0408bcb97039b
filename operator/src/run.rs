//! Starting the operator: the admin and solver listeners and the check that
//! cert-manager is not running beside it, in every replica; the
//! controllers in the leader only (or at once without leader election),
//! until the process is told to stop or loses the leader Lease.

use std::sync::Arc;

use kube::Client;
use prometheus_client::registry::Registry;
use tokio::task::JoinSet;

use crate::admin::{self, Readiness};
use crate::config::Config;
use crate::context::Context;
use crate::leader::Elector;
use crate::metrics::Metrics;

/// How the operator stopped, when it did not stop cleanly.
type Stop = Option<std::io::Error>;

/// Runs the operator until SIGTERM or Ctrl-C. Losing the leader Lease
/// returns an error (wrapping [`crate::leader::LostLeadership`]) at once,
/// the controllers stopped: the binary exits non-zero and its Deployment
/// restarts it as a standby.
pub async fn run(client: Client, config: Config) -> std::io::Result<()> {
    let mut registry = Registry::with_prefix("");
    let metrics = Metrics::register(&mut registry);
    let registry = Arc::new(registry);
    let readiness = Readiness::default();
    readiness.set(false, "starting");
    let admin_listener = admin::bind(config.admin_listen).await?;
    let solver_listener = tokio::net::TcpListener::bind(config.http01_solver_listen).await?;
    tracing::info!(
        admin = %admin_listener.local_addr()?,
        solver = %solver_listener.local_addr()?,
        "Listening"
    );
    let mut elector = config
        .leader_election
        .clone()
        .map(|election| Elector::new(client.clone(), election));
    let ctx = Arc::new(Context::new(client, config, metrics));

    // Every replica: admin endpoints, the cert-manager check, the solver.
    let mut always = JoinSet::new();
    always.spawn(admin::serve(admin_listener, registry, readiness.clone()));
    always.spawn(crate::coexistence::watch(ctx.clone(), readiness.clone()));
    always.spawn(crate::challenge::solver::serve(ctx.clone(), solver_listener));

    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut controllers = JoinSet::new();
    let stop: Stop = async {
        if let Some(elector) = elector.as_mut() {
            tokio::select! {
                () = elector.acquire() => {}
                stop = stopped(&mut term, &mut always) => return stop,
            }
        }
        spawn_controllers(&mut controllers, &ctx);
        let lost = async {
            match elector.as_mut() {
                Some(elector) => elector.hold().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            lost = lost => {
                // Stop reconciling before anything else: another replica
                // may already be leading.
                controllers.abort_all();
                tracing::error!(error = %lost, "Lost the leader Lease: stopping at once, exiting");
                Some(std::io::Error::other(lost))
            }
            stop = stopped(&mut term, &mut always) => stop,
            Some(done) = controllers.join_next() => {
                tracing::error!(?done, "A controller stopped, stopping");
                Some(std::io::Error::other("a controller stopped"))
            }
        }
    }
    .await;
    controllers.shutdown().await;
    if stop.is_none()
        && let Some(elector) = elector.as_mut()
    {
        elector.release().await;
    }
    always.shutdown().await;
    stop.map_or(Ok(()), Err)
}

/// Every controller, each a task of `set`.
fn spawn_controllers(set: &mut JoinSet<()>, ctx: &Arc<Context>) {
    set.spawn(crate::issuer::run(ctx.clone()));
    set.spawn(crate::certificate::run(ctx.clone()));
    set.spawn(crate::certificate_request::run(ctx.clone()));
    set.spawn(crate::order::run(ctx.clone()));
    set.spawn(crate::challenge::run(ctx.clone()));
    set.spawn(crate::legacy::run(ctx.clone()));
    set.spawn(crate::ingress_shim::run(ctx.clone()));
}

/// Resolves when the process is told to stop (`None`) or a component every
/// replica runs has stopped (an error).
async fn stopped(term: &mut tokio::signal::unix::Signal, always: &mut JoinSet<()>) -> Stop {
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {
            tracing::info!("Interrupted, stopping");
            None
        }
        _ = term.recv() => {
            tracing::info!("Terminated, stopping");
            None
        }
        Some(done) = always.join_next() => {
            tracing::error!(?done, "A component stopped, stopping");
            Some(std::io::Error::other("a component stopped"))
        }
    }
}
