//! Starting the proxy from its [`Settings`]: TLS for the entry points (the
//! generated default certificate, config-file certificates watched), the
//! entry points bound, the admin listener, the Kubernetes provider feeding
//! the route table and the Secret certificates, and the certificate expiry
//! metrics; then serving until SIGTERM or Ctrl-C, and a graceful shutdown.
//! [`Proxy::start`] binds everything (tests read the bound addresses);
//! [`Proxy::serve`] runs until the shutdown future completes. The data
//! plane's timeouts and upstream TLS come from the settings through
//! [`server_options`] and [`upstream_tls`].

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::admin::{self, AdminState, EntryPointInfo, Readiness};
use crate::config::{AccessLogFormat, KubeSettings, PemSource, Settings, Timeouts, UpstreamTlsConfig};
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
    /// A `rootCAs` certificate could not be read or holds no certificate.
    #[error("cannot use the rootCAs certificate {source_name}: {message}")]
    RootCa {
        /// The file, or `inline PEM`.
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// The TLS client configuration for `https` upstreams failed.
    #[error("cannot set up TLS towards https upstreams")]
    UpstreamTls(#[source] rustls::Error),
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
    /// Woken when a certificate file is refused.
    refused: Arc<Notify>,
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
        let mut registry = Registry::default();
        let metrics = Metrics::register(&mut registry);
        // Certificate files count as configuration reloads as they are
        // applied; a refusal wakes the metrics task, which counts it.
        let refused = Arc::new(Notify::new());
        let watch = WatchOptions {
            on_reload: Some({
                let (metrics, refused) = (metrics.clone(), refused.clone());
                Arc::new(move |applied: bool| {
                    if applied {
                        metrics.config_reloaded(true, crate::kube::unix_now());
                    } else {
                        refused.notify_one();
                    }
                })
            }),
            ..WatchOptions::default()
        };
        let tls = tls::start(&settings.entry_points, watch).map_err(RunError::Tls)?;
        let table: TableHandle = Arc::new(ArcSwap::from_pointee(RouteTable::empty()));
        let entry_points = settings
            .entry_points
            .iter()
            .map(|ep| server::EntryPoint {
                name: ep.name.clone(),
                address: ep.address,
                advertised_port: settings.advertised_ports.get(&ep.name).copied(),
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
            upstream_tls: upstream_tls(&settings.upstream_tls)?,
            ..server_options(&settings.timeouts)
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
                let listener =
                    server::bind_listener(address).map_err(|source| RunError::Admin { address, source })?;
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
            refused,
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
            refused,
        } = self;
        let mut tasks = JoinSet::new();
        if let Some((listener, state)) = admin {
            tasks.spawn(admin::serve(listener, state, std::future::pending()));
        }
        tasks.spawn(certificate_metrics(
            tls.sources().clone(),
            metrics.clone(),
            refused,
            CERTIFICATE_METRICS_TICK,
        ));
        if let Some((client, settings)) = kube {
            let targets = Targets {
                table,
                certs: tls.sources().clone(),
                readiness: readiness.clone(),
                metrics,
            };
            let names = server
                .local_addrs()
                .iter()
                .map(|(name, _)| name.clone())
                .collect();
            tasks.spawn(crate::kube::run(
                client,
                settings,
                Some(names),
                default_entry_points,
                targets,
            ));
        }
        let draining = readiness.clone();
        server
            .serve(async move {
                shutdown.await;
                // For good: the provider may still finish its first build.
                draining.drain("shutting down");
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

/// The data plane's options for Traefik 1.x's `[respondingTimeouts]` and
/// `[forwardingTimeouts]`: a timeout left out keeps Passerelle's default,
/// zero is no limit (as in Traefik). `idleTimeout` bounds the wait for an
/// HTTP/1.1 connection's next request head and its reading; `readTimeout`,
/// when shorter, bounds that too (Go's `ReadTimeout` covered the headers).
pub fn server_options(timeouts: &Timeouts) -> server::Options {
    let defaults = server::Options::default();
    let limit = |configured: Option<Duration>, default: Option<Duration>| match configured {
        None => default,
        Some(Duration::ZERO) => None,
        Some(limit) => Some(limit),
    };
    let read = limit(timeouts.read, defaults.read_timeout);
    let idle = limit(timeouts.idle, defaults.header_read_timeout);
    server::Options {
        connect_timeout: limit(timeouts.dial, defaults.connect_timeout),
        response_header_timeout: limit(timeouts.response_header, defaults.response_header_timeout),
        header_read_timeout: match (idle, read) {
            (Some(idle), Some(read)) => Some(idle.min(read)),
            (idle, read) => idle.or(read),
        },
        read_timeout: read,
        write_timeout: limit(timeouts.write, defaults.write_timeout),
        ..defaults
    }
}

/// The TLS client configuration towards `https` upstreams: `None` (the
/// system's roots) unless the file sets `rootCAs` (trusted instead of the
/// system's, as Traefik 1.x did) or `insecureSkipVerify`.
pub fn upstream_tls(config: &UpstreamTlsConfig) -> Result<Option<Arc<rustls::ClientConfig>>, RunError> {
    if config.insecure_skip_verify {
        tracing::warn!("insecureSkipVerify: the certificates of https upstreams are not verified");
        return server::upstream_tls(None, true)
            .map(Some)
            .map_err(RunError::UpstreamTls);
    }
    if config.root_cas.is_empty() {
        return Ok(None);
    }
    let mut roots = rustls::RootCertStore::empty();
    for source in &config.root_cas {
        let source_name = match source {
            PemSource::File(path) => path.display().to_string(),
            PemSource::Inline(_) => "(inline PEM)".to_owned(),
        };
        let error = |message: String| RunError::RootCa {
            source_name: source_name.clone(),
            message,
        };
        let pem = match source {
            PemSource::File(path) => std::fs::read(path).map_err(|e| error(e.to_string()))?,
            PemSource::Inline(pem) => pem.clone().into_bytes(),
        };
        use rustls::pki_types::{CertificateDer, pem::PemObject as _};
        let certs = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| error(e.to_string()))?;
        if certs.is_empty() {
            return Err(error("no CERTIFICATE block".to_owned()));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| error(e.to_string()))?;
        }
    }
    server::upstream_tls(Some(roots), false)
        .map(Some)
        .map_err(RunError::UpstreamTls)
}

/// How often the certificate metrics catch up with refused Secrets.
const CERTIFICATE_METRICS_TICK: Duration = Duration::from_secs(10);

/// Keeps `traefik_tls_certs_not_after` in line with the certificate sets,
/// and counts refused certificates as failed reloads: a file's as soon as
/// the watcher refuses it (`refused` wakes this task), a Secret's at the
/// next change or `tick`.
async fn certificate_metrics(
    sources: tls::CertSources,
    metrics: Metrics,
    refused: Arc<Notify>,
    tick: Duration,
) {
    let mut changed = sources.subscribe();
    // From zero: a certificate file refused at start counts too.
    let mut failures = 0;
    let mut tick = tokio::time::interval(tick);
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
        let now = sources.stats().failures;
        for _ in failures..now {
            metrics.config_reloaded(false, crate::kube::unix_now());
        }
        failures = failures.max(now);
        tokio::select! {
            changed = changed.changed() => if changed.is_err() { return },
            _ = refused.notified() => {}
            _ = tick.tick() => {}
        }
    }
}

#[cfg(test)]
mod tests;
