//! The Kubernetes provider: it watches Ingresses, IngressClasses, Services,
//! EndpointSlices and TLS Secrets ([`watch`]), rebuilds the route table on
//! every change ([`crate::routing::build`]) and swaps it in, hands the TLS
//! Secrets of served Ingresses to the certificate set ([`secrets`]), and
//! has a separate task publish Ingress status ([`status`]) and report what
//! could not be served as Events ([`events`]). The table swap and the
//! certificate hand-over never wait on the API server: if it becomes
//! unreachable, the last configuration keeps serving.

mod act;
mod events;
mod secrets;
mod status;
mod watch;

use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::admin::Readiness;
use crate::config::KubeSettings;
use crate::metrics::Metrics;
use crate::routing::{BuildInput, ClassFilter, Diagnostic, Route, RouteTable, TableHandle};
use crate::tls::{CertSources, HostScope};

/// How long a change waits for the ones that follow it (a `kubectl apply`
/// of several objects, a rollout's EndpointSlice updates) before the table
/// is rebuilt: short against the 100 ms a Secret change may take to reach
/// handshakes.
const DEBOUNCE: Duration = Duration::from_millis(15);

/// What the provider keeps up to date.
#[derive(Clone)]
pub struct Targets {
    /// The route table every entry point reads.
    pub table: TableHandle,
    /// Where Secret certificates go.
    pub certs: CertSources,
    /// Marked ready once the first full configuration is built.
    pub readiness: Readiness,
    /// `traefik_config_reloads_total` and friends.
    pub metrics: Metrics,
}

/// Runs the provider until the returned future is dropped (the caller
/// aborts its task at shutdown). Routes that name no entry point are served
/// on `default_entry_points` (Traefik's `defaultEntryPoints`), or on every
/// entry point when `None`. With the names of the configured `entry_points`,
/// a `frontend-entry-points` annotation naming another is reported as an
/// Event on its Ingress.
pub async fn run(
    client: Client,
    settings: KubeSettings,
    entry_points: Option<Vec<String>>,
    default_entry_points: Option<Vec<String>>,
    targets: Targets,
) {
    let changed = Arc::new(Notify::new());
    let mut tasks = JoinSet::new();
    let scope = watch::Scope {
        namespaces: &settings.namespaces,
        label_selector: settings.label_selector.as_deref(),
        published: settings.publish.service.as_ref(),
    };
    let stores = watch::Stores::start(&client, &scope, &changed, &mut tasks);
    let (desired, receiver) = tokio::sync::watch::channel(Arc::new(act::Desired::default()));
    let recorder = events::Recorder::new(client.clone(), events::instance_name());
    tasks.spawn(act::run(client, stores.clone(), recorder, receiver));

    targets.readiness.set(
        false,
        "waiting for the first list of Ingresses, Services, EndpointSlices and Secrets",
    );
    stores.ready().await;
    let class_filter = ClassFilter {
        ingress_class: settings.ingress_class.clone(),
    };
    let mut feeder = secrets::Feeder::default();
    let mut first = true;
    loop {
        let snapshot = stores.snapshot();
        let output = crate::routing::build(&BuildInput {
            ingresses: &snapshot.ingresses,
            ingress_classes: &snapshot.classes,
            services: &snapshot.services,
            endpoint_slices: &snapshot.slices,
            class_filter: &class_filter,
            entry_points: entry_points.as_deref(),
        });
        let table = match &default_entry_points {
            Some(names) => on_entry_points(&output.table, names),
            None => output.table,
        };
        let routes = table.routes().len();
        targets.table.store(Arc::new(table));
        targets.metrics.config_reloaded(true, unix_now());

        let mut notes: Vec<events::Note> = output.diagnostics.iter().map(note_of).collect();
        notes.extend(feeder.sync(&output.tls, &snapshot.secrets, |handed| {
            // Each Secret serves only the hosts of the Ingresses naming it.
            let secrets = handed
                .into_iter()
                .map(|(key, hosts, pair)| (key, HostScope::new(hosts), pair));
            let refused = targets.certs.sync_secrets(secrets);
            refused
                .into_iter()
                .map(|(key, error)| (key, crate::config::error_chain(&error)))
                .collect()
        }));
        if first {
            // Only the first build marks ready: at shutdown, readiness is
            // withdrawn and must stay so.
            tracing::info!(
                routes,
                served = output.served.len(),
                "Configuration built from the cluster, ready"
            );
            targets.readiness.set(true, "ready");
            first = false;
        } else {
            tracing::debug!(routes, served = output.served.len(), "Configuration rebuilt");
        }
        let entries = status::wanted(&settings.publish, snapshot.published.as_deref());
        desired.send_replace(Arc::new(act::Desired {
            ingresses: snapshot.ingresses,
            served: output.served.into_iter().collect(),
            entries,
            notes,
        }));

        changed.notified().await;
        tokio::time::sleep(DEBOUNCE).await;
    }
}

/// The table with every route that names no entry point restricted to
/// `names`.
fn on_entry_points(table: &RouteTable, names: &[String]) -> RouteTable {
    let restrict = |route: &Arc<Route>| {
        let mut route = Route::clone(route);
        route.entry_points.get_or_insert_with(|| names.to_vec());
        route
    };
    RouteTable::from_routes(
        table.routes().iter().map(restrict).collect(),
        table.default_backend().map(restrict),
    )
}

/// A route-table diagnostic as an Event note: a Warning either way (the
/// object is served degraded, or partly not at all).
fn note_of(diagnostic: &Diagnostic) -> events::Note {
    events::Note {
        kind: diagnostic.kind,
        object: diagnostic.object.clone(),
        reason: diagnostic.reason.clone(),
        message: diagnostic.message.clone(),
        warning: true,
    }
}

/// Seconds since the Unix epoch, for the reload metrics.
pub(crate) fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A client from `--kubeconfig` when given, else the usual inference
/// (in-cluster service account, then `$KUBECONFIG` / `~/.kube/config`).
pub async fn client(settings: &KubeSettings) -> Result<Client, kube::Error> {
    let config = match &settings.kubeconfig {
        Some(path) => {
            let kubeconfig =
                kube::config::Kubeconfig::read_from(path).map_err(kube::Error::InferKubeconfig)?;
            kube::Config::from_custom_kubeconfig(kubeconfig, &kube::config::KubeConfigOptions::default())
                .await
                .map_err(kube::Error::InferKubeconfig)?
        }
        None => kube::Config::infer().await.map_err(kube::Error::InferConfig)?,
    };
    Client::try_from(config)
}

#[cfg(test)]
mod tests;
