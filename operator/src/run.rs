//! Starting the operator: the admin and solver listeners, the check that
//! cert-manager is not running beside it, and every controller, until the
//! process is told to stop.

use std::sync::Arc;

use kube::Client;
use prometheus_client::registry::Registry;

use crate::admin::{self, Readiness};
use crate::config::Config;
use crate::context::Context;
use crate::metrics::Metrics;

/// Runs the operator until SIGTERM or Ctrl-C.
pub async fn run(client: Client, config: Config) -> std::io::Result<()> {
    let mut registry = Registry::with_prefix("");
    let metrics = Metrics::register(&mut registry);
    let registry = Arc::new(registry);
    let readiness = Readiness::default();
    readiness.set(false, "starting");
    let admin_listener = admin::bind(config.admin_listen).await?;
    let solver_listener = tokio::net::TcpListener::bind(config.http01_solver_listen).await?;
    tracing::info!(admin = %config.admin_listen, solver = %config.http01_solver_listen, "Listening");
    let ctx = Arc::new(Context::new(client, config, metrics));

    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(admin::serve(admin_listener, registry, readiness.clone()));
    tasks.spawn(crate::coexistence::watch(ctx.clone(), readiness.clone()));
    tasks.spawn(crate::challenge::solver::serve(ctx.clone(), solver_listener));
    tasks.spawn(crate::issuer::run(ctx.clone()));
    tasks.spawn(crate::certificate::run(ctx.clone()));
    tasks.spawn(crate::certificate_request::run(ctx.clone()));
    tasks.spawn(crate::order::run(ctx.clone()));
    tasks.spawn(crate::challenge::run(ctx.clone()));
    tasks.spawn(crate::legacy::run(ctx.clone()));

    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("Interrupted, stopping"),
        _ = term.recv() => tracing::info!("Terminated, stopping"),
        Some(done) = tasks.join_next() => tracing::error!(?done, "A component stopped, stopping"),
    }
    tasks.shutdown().await;
    Ok(())
}
