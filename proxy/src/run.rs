//! Starting the proxy from its [`Settings`]: TLS for the entry points (the
//! generated default certificate, config-file certificates watched), the
//! entry points bound, the admin listener, the Kubernetes provider feeding
//! the route table and the Secret certificates, and the certificate expiry
//! metrics; then serving until SIGTERM or Ctrl-C, and a graceful shutdown.
//! [`Proxy::start`] binds everything (tests read the bound addresses);
//! [`Proxy::serve`] runs until the shutdown future completes.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::admin::{self, AdminState, EntryPointInfo, Readiness};
use crate::config::{AccessLogFormat, KubeSettings, Settings};
use crate::kube::Targets;
use crate::metrics::{CertLabels, Metrics};
use crate::routing::{RouteTable, TableHandle};
use crate::server::{self, Server};
use crate::tls::{self, TlsRuntime, files::WatchOptions};

/// Why the proxy could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// TLS could not be set up (default certificate, certificate files).
    #[error("cannot set up TLS")]
    Tls(#[source] tls::TlsError),
    /// An entry point could not be bound.
    #[error("cannot start the entry points")]
    Server(#[source] server::ServerError),
    /// The admin listener could not be bound.
    #[error("cannot listen on {address} for the admin API")]
    Admin {
        /// The address.
        address: SocketAddr,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
    /// No Kubernetes client could be configured.
    #[error("cannot configure the Kubernetes client")]
    Kube(#[source] ::kube::Error),
    /// The signal handlers could not be installed.
    #[error("cannot install the signal handlers")]
    Signal(#[source] std::io::Error),
}

/// The proxy, bound and ready to serve.
pub struct Proxy {
    server: Server,
    tls: TlsRuntime,
    table: TableHandle,
    metrics: Metrics,
    readiness: Readiness,
    admin: Option<(TcpListener, AdminState)>,
    kube: Option<(::kube::Client, KubeSettings)>,
    default_entry_points: Option<Vec<String>>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("server", &self.server)
            .field("admin", &self.admin_addr())
            .finish_non_exhaustive()
    }
}

impl Proxy {
    /// Sets up TLS, binds the entry points and the admin listener, and
    /// configures the Kubernetes client; serves nothing yet.
    pub async fn start(settings: Settings) -> Result<Proxy, RunError> {
        let tls = tls::start(&settings.entry_points, WatchOptions::default()).map_err(RunError::Tls)?;
        let mut registry = Registry::default();
        let metrics = Metrics::register(&mut registry);
        let table: TableHandle = Arc::new(ArcSwap::from_pointee(RouteTable::empty()));
        let entry_points = settings
            .entry_points
            .iter()
            .map(|ep| server::EntryPoint {
                name: ep.name.clone(),
                address: ep.address,
                redirect: ep.redirect.clone(),
                tls: tls.server_config(&ep.name),
                strict_host: false,
            })
            .collect();
        let access_log = settings.log.access_log.map(|format| {
            Arc::new(server::AccessLog::stdout(match format {
                AccessLogFormat::Common => server::AccessLogFormat::Common,
                AccessLogFormat::Json => server::AccessLogFormat::Json,
            }))
        });
        let options = server::Options {
            shutdown_timeout: settings.shutdown_timeout,
            access_log,
            ..server::Options::default()
        };
        let server = Server::bind(entry_points, table.clone(), metrics.clone(), options)
            .await
            .map_err(RunError::Server)?;
        let readiness = Readiness::default();
        match &settings.kubernetes {
            Some(_) => readiness.set(false, "starting the Kubernetes provider"),
            None => readiness.set(true, "ready"),
        }
        let admin = match settings.admin {
            Some(address) => {
                let listener = TcpListener::bind(address)
                    .await
                    .map_err(|source| RunError::Admin { address, source })?;
                let state = AdminState {
                    readiness: readiness.clone(),
                    registry: Arc::new(registry),
                    table: table.clone(),
                    entry_points: server
                        .local_addrs()
                        .iter()
                        .map(|(name, address)| {
                            let config = settings.entry_points.iter().find(|ep| &ep.name == name);
                            EntryPointInfo {
                                name: name.clone(),
                                address: *address,
                                tls: config.is_some_and(|ep| ep.tls.is_some()),
                                redirect: config.and_then(|ep| ep.redirect.clone()),
                            }
                        })
                        .collect(),
                    certificates: tls.sources().clone(),
                };
                let bound = listener.local_addr().unwrap_or(address);
                tracing::info!(address = %bound, "Admin API listening");
                Some((listener, state))
            }
            None => None,
        };
        let kube = match settings.kubernetes {
            Some(kube) => Some((crate::kube::client(&kube).await.map_err(RunError::Kube)?, kube)),
            None => None,
        };
        // Routes naming no entry point go to every one, unless
        // `defaultEntryPoints` leaves some out.
        let mut all: Vec<&String> = settings.entry_points.iter().map(|ep| &ep.name).collect();
        let mut defaults: Vec<&String> = settings.default_entry_points.iter().collect();
        all.sort();
        defaults.sort();
        let default_entry_points = (all != defaults).then(|| settings.default_entry_points.clone());
        Ok(Proxy {
            default_entry_points,
            server,
            tls,
            table,
            metrics,
            readiness,
            admin,
            kube,
        })
    }

    /// The address an entry point is bound to.
    pub fn entry_point_addr(&self, name: &str) -> Option<SocketAddr> {
        self.server.local_addr(name)
    }

    /// The admin listener's address, when enabled.
    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.admin.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    /// Serves until `shutdown` completes, then drains the entry points
    /// (in-flight requests finish up to the shutdown timeout) and stops
    /// everything else.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send) {
        let Proxy {
            server,
            tls,
            table,
            metrics,
            readiness,
            admin,
            kube,
            default_entry_points,
        } = self;
        let mut tasks = JoinSet::new();
        if let Some((listener, state)) = admin {
            tasks.spawn(admin::serve(listener, state, std::future::pending()));
        }
        tasks.spawn(certificate_metrics(tls.sources().clone(), metrics.clone()));
        if let Some((client, settings)) = kube {
            let targets = Targets {
                table,
                certs: tls.sources().clone(),
                readiness: readiness.clone(),
                metrics,
            };
            tasks.spawn(crate::kube::run(client, settings, default_entry_points, targets));
        }
        let draining = readiness.clone();
        server
            .serve(async move {
                shutdown.await;
                draining.set(false, "shutting down");
            })
            .await;
        tasks.shutdown().await;
        drop(tls);
    }
}

/// Runs the proxy until SIGTERM or Ctrl-C.
pub async fn run(settings: Settings) -> Result<(), RunError> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(RunError::Signal)?;
    let proxy = Proxy::start(settings).await?;
    proxy
        .serve(async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => tracing::info!("Interrupted, stopping"),
                _ = term.recv() => tracing::info!("Terminated, stopping"),
            }
        })
        .await;
    Ok(())
}

/// Keeps `traefik_tls_certs_not_after` in line with the certificate sets,
/// and counts refused certificate files as failed reloads.
async fn certificate_metrics(sources: tls::CertSources, metrics: Metrics) {
    let mut changed = sources.subscribe();
    let mut failures = sources.stats().failures;
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    loop {
        let mut certs = std::collections::BTreeMap::new();
        for (_, set) in sources.snapshots() {
            for info in set.describe() {
                let cn = info
                    .subject
                    .split(',')
                    .find_map(|part| part.trim().strip_prefix("CN="))
                    .unwrap_or_default()
                    .to_string();
                let labels = CertLabels {
                    cn,
                    sans: info.sans.join(","),
                    serial: info.serial.clone(),
                };
                certs.insert(
                    (labels.serial.clone(), labels.cn.clone()),
                    (labels, info.not_after as f64),
                );
            }
        }
        metrics.set_certificates(certs.into_values());
        let stats = sources.stats();
        if stats.failures > failures {
            metrics.config_reloaded(false, crate::kube::unix_now());
            failures = stats.failures;
        }
        tokio::select! {
            changed = changed.changed() => if changed.is_err() { return },
            _ = tick.tick() => {}
        }
    }
}
