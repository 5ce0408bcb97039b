//! The data plane: the entry points' listeners (HTTP, and HTTPS through
//! tokio-rustls with the [`crate::tls`] resolvers), HTTP/1.1 and HTTP/2 on
//! hyper-util's `auto` connection, and per request one snapshot of the
//! routing table, the redirects, source ranges and app-root, then
//! forwarding to the upstreams on a pooled client. [`Server::bind`] binds
//! every entry point; [`Server::serve`] serves until the shutdown signal,
//! then stops accepting and lets in-flight requests finish up to a deadline.

mod access_log;
mod body;
mod connect;
mod error;
mod forward;
mod handler;
mod headers;
mod listener;
mod observe;
mod pool;
mod redirect;
mod request_body;

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

pub use access_log::{AccessLog, AccessLogFormat};
pub use body::ResponseBody;
pub use connect::upstream_tls;
pub use error::ProxyError;
pub(crate) use listener::bind as bind_listener;

use crate::metrics::Metrics;
use crate::routing::{Redirect, TableHandle};
use connect::Connector;
use forward::Upstreams;
use observe::Observer;
use pool::Pool;
use redirect::Regexes;

/// One entry point to serve.
#[derive(Clone, Debug)]
pub struct EntryPoint {
    /// Its name (`http`, `https`, …), as routes and redirects refer to it.
    pub name: String,
    /// Where to listen (port 0: any free port, see [`Server::local_addr`]).
    /// An unspecified IPv6 address (`[::]`) listens dual-stack, IPv4 too,
    /// or on `0.0.0.0` where the host has no IPv6.
    pub address: SocketAddr,
    /// The port clients reach it on, which redirects to it name (a
    /// hostPort or Service port in front of `address`); `None`: the port it
    /// is bound to.
    pub advertised_port: Option<u16>,
    /// A redirect of every request (Traefik's `[entryPoints.NAME.redirect]`).
    pub redirect: Option<Redirect>,
    /// TLS, when this is an HTTPS entry point ([`crate::tls::server_config`]).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Answer 421 when the Host differs from the TLS server name.
    pub strict_host: bool,
}

/// Limits and timeouts of the data plane. The defaults follow Traefik 1.x
/// where it has one and nginx otherwise. A timeout of `None` is no limit.
#[derive(Clone, Debug)]
pub struct Options {
    /// Connecting to an upstream, TCP and TLS together (Traefik's
    /// `dialTimeout`): 504 beyond, and the request is retried once on
    /// another endpoint.
    pub connect_timeout: Option<Duration>,
    /// From the end of the request body to the upstream's response headers
    /// (Traefik's `responseHeaderTimeout`, Go's `ResponseHeaderTimeout`):
    /// 504 beyond.
    pub response_header_timeout: Option<Duration>,
    /// How long an idle upstream connection is kept.
    pub idle_timeout: Duration,
    /// Idle connections kept per endpoint.
    pub max_idle_per_endpoint: usize,
    /// How long an endpoint that refused a connection is skipped.
    pub down_for: Duration,
    /// Largest request head (request line and headers) accepted, in bytes
    /// (431 beyond); at least 8 KiB.
    pub max_header_bytes: usize,
    /// Most request headers accepted (431 beyond), over HTTP/1.1.
    pub max_headers: usize,
    /// HTTP/1.1: how long a client connection may wait for its next request
    /// and take to send that request's headers (Traefik's `idleTimeout`);
    /// the connection is closed beyond it.
    pub header_read_timeout: Option<Duration>,
    /// How long a client may take to send a request body, from the end of
    /// its headers (Traefik's `readTimeout`): 408 when nothing was
    /// answered yet, else the exchange is cut off.
    pub read_timeout: Option<Duration>,
    /// How long the proxy may take to answer a request, from the end of its
    /// headers to the end of the response body (Traefik's `writeTimeout`):
    /// the connection (HTTP/2: the stream) is closed beyond it.
    pub write_timeout: Option<Duration>,
    /// How long a client has to complete the TLS handshake.
    pub tls_handshake_timeout: Duration,
    /// How long in-flight requests may take to finish after the shutdown
    /// signal.
    pub shutdown_timeout: Duration,
    /// TLS towards `https` upstreams; `None`: the system's roots.
    pub upstream_tls: Option<Arc<rustls::ClientConfig>>,
    /// The access log, if any.
    pub access_log: Option<Arc<AccessLog>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            connect_timeout: Some(Duration::from_secs(10)),
            response_header_timeout: Some(Duration::from_secs(60)),
            idle_timeout: Duration::from_secs(90),
            max_idle_per_endpoint: 200,
            down_for: Duration::from_secs(5),
            max_header_bytes: 64 * 1024,
            max_headers: 128,
            header_read_timeout: Some(Duration::from_secs(30)),
            read_timeout: None,
            write_timeout: None,
            tls_handshake_timeout: Duration::from_secs(10),
            shutdown_timeout: Duration::from_secs(10),
            upstream_tls: None,
            access_log: None,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// An entry point's address could not be bound.
    #[error("binding entry point {entry_point} to {address} failed")]
    Bind {
        /// The entry point.
        entry_point: String,
        /// The address.
        address: SocketAddr,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
    /// An entry point redirects to an entry point that does not exist.
    #[error("entry point {entry_point} redirects to unknown entry point {target}")]
    UnknownRedirectTarget {
        /// The redirecting entry point.
        entry_point: String,
        /// The missing target.
        target: String,
    },
    /// The TLS client configuration for `https` upstreams failed.
    #[error("building the upstream TLS configuration failed")]
    UpstreamTls(#[source] rustls::Error),
}

/// Where a server is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    /// Accepting and serving.
    Running,
    /// No new connections; in-flight requests finish.
    Draining,
    /// The deadline passed: everything closes.
    Stopped,
}

/// An entry point as its requests see it.
#[derive(Debug)]
pub(crate) struct EntryPointRuntime {
    pub(crate) name: Arc<str>,
    pub(crate) scheme: &'static str,
    pub(crate) redirect: Option<Redirect>,
    pub(crate) strict_host: bool,
}

/// What every request of every entry point shares.
pub(crate) struct Shared {
    pub(crate) table: TableHandle,
    pub(crate) observer: Arc<Observer>,
    pub(crate) upstreams: Upstreams,
    /// Entry point name → scheme and advertised port, for redirects.
    pub(crate) entry_points: HashMap<String, (&'static str, u16)>,
    pub(crate) regexes: Regexes,
    pub(crate) server_name: HeaderValue,
    pub(crate) phase: watch::Receiver<Phase>,
    /// Held by every connection and tunnel: shutdown waits until all are
    /// dropped.
    pub(crate) done: mpsc::Sender<()>,
}

/// The bound entry points, ready to serve.
pub struct Server {
    listeners: Vec<(
        TcpListener,
        Arc<EntryPointRuntime>,
        Option<Arc<rustls::ServerConfig>>,
    )>,
    addrs: Vec<(String, SocketAddr)>,
    shared: Arc<Shared>,
    options: Options,
    phase: watch::Sender<Phase>,
    done: mpsc::Receiver<()>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addrs", &self.addrs)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Binds every entry point. Requests are routed by the table in `table`
    /// at the time each arrives.
    pub async fn bind(
        entry_points: Vec<EntryPoint>,
        table: TableHandle,
        metrics: Metrics,
        options: Options,
    ) -> Result<Server, ServerError> {
        let mut listeners = Vec::new();
        let mut addrs = Vec::new();
        let mut ports = HashMap::new();
        for ep in &entry_points {
            let bind_error = |source| ServerError::Bind {
                entry_point: ep.name.clone(),
                address: ep.address,
                source,
            };
            let listener = listener::bind(ep.address).map_err(bind_error)?;
            let local = listener.local_addr().map_err(bind_error)?;
            let scheme = if ep.tls.is_some() { "https" } else { "http" };
            let advertised = ep.advertised_port.unwrap_or(local.port());
            ports.insert(ep.name.clone(), (scheme, advertised));
            addrs.push((ep.name.clone(), local));
            let runtime = EntryPointRuntime {
                name: Arc::from(ep.name.as_str()),
                scheme,
                redirect: ep.redirect.clone(),
                strict_host: ep.strict_host,
            };
            listeners.push((listener, Arc::new(runtime), ep.tls.clone()));
            tracing::info!(entry_point = %ep.name, address = %local, tls = ep.tls.is_some(), "Listening");
        }
        for ep in &entry_points {
            if let Some(Redirect {
                target: crate::routing::RedirectTarget::EntryPoint(target),
                ..
            }) = &ep.redirect
                && !ports.contains_key(target)
            {
                return Err(ServerError::UnknownRedirectTarget {
                    entry_point: ep.name.clone(),
                    target: target.clone(),
                });
            }
        }
        let upstream_tls = match &options.upstream_tls {
            Some(c) => c.clone(),
            None => connect::default_upstream_tls().map_err(ServerError::UpstreamTls)?,
        };
        let upstreams = Upstreams {
            pool: Pool::new(
                options.idle_timeout,
                options.max_idle_per_endpoint,
                options.down_for,
            ),
            connector: Connector {
                timeout: options.connect_timeout,
                tls: tokio_rustls::TlsConnector::from(connect::with_alpn(&upstream_tls)),
            },
            response_timeout: options.response_header_timeout,
            read_timeout: options.read_timeout,
        };
        let (phase_tx, phase_rx) = watch::channel(Phase::Running);
        let (done_tx, done_rx) = mpsc::channel(1);
        let server_name = std::env::var("HOSTNAME")
            .ok()
            .and_then(|h| HeaderValue::from_str(&h).ok())
            .unwrap_or_else(|| HeaderValue::from_static("passerelle"));
        let shared = Shared {
            table,
            observer: Arc::new(Observer::new(metrics, options.access_log.clone())),
            upstreams,
            entry_points: ports,
            regexes: Regexes::default(),
            server_name,
            phase: phase_rx,
            done: done_tx,
        };
        Ok(Server {
            listeners,
            addrs,
            shared: Arc::new(shared),
            options,
            phase: phase_tx,
            done: done_rx,
        })
    }

    /// The address an entry point is bound to.
    pub fn local_addr(&self, entry_point: &str) -> Option<SocketAddr> {
        self.addrs
            .iter()
            .find(|(name, _)| name == entry_point)
            .map(|(_, a)| *a)
    }

    /// Every entry point's bound address.
    pub fn local_addrs(&self) -> &[(String, SocketAddr)] {
        &self.addrs
    }

    /// Serves until `shutdown` completes, then stops accepting, lets
    /// in-flight requests (and upgraded connections) finish for up to
    /// [`Options::shutdown_timeout`], and closes what remains.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send) {
        let Server {
            listeners,
            shared,
            options,
            phase,
            mut done,
            ..
        } = self;
        let builder = Arc::new(listener::builder(&options));
        for (tcp, ep, tls) in listeners {
            let accept = listener::Accept {
                shared: shared.clone(),
                entry_point: ep,
                tls: tls.map(tokio_rustls::TlsAcceptor::from),
                builder: builder.clone(),
                handshake_timeout: options.tls_handshake_timeout,
                write_timeout: options.write_timeout,
            };
            tokio::spawn(accept.run(tcp));
        }
        let pool = shared.upstreams.pool.clone();
        let mut sweeper_phase = shared.phase.clone();
        drop(shared);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(15));
            loop {
                tokio::select! {
                    _ = tick.tick() => pool.sweep(),
                    _ = sweeper_phase.wait_for(|p| *p != Phase::Running) => return,
                }
            }
        });
        shutdown.await;
        tracing::info!(deadline = ?options.shutdown_timeout, "Shutting down: no new connections");
        let _ = phase.send(Phase::Draining);
        // Every connection and tunnel holds a sender; `recv` returns `None`
        // when the last one is gone.
        match tokio::time::timeout(options.shutdown_timeout, done.recv()).await {
            Ok(_) => tracing::info!("Every connection finished"),
            Err(_) => {
                tracing::warn!("Shutdown deadline passed; closing the remaining connections");
                let _ = phase.send(Phase::Stopped);
                let _ = done.recv().await;
            }
        }
    }
}

/// Binds `entry_points` and serves them until `shutdown` (see
/// [`Server::serve`]).
pub async fn run(
    entry_points: Vec<EntryPoint>,
    table: TableHandle,
    metrics: Metrics,
    options: Options,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServerError> {
    Server::bind(entry_points, table, metrics, options)
        .await?
        .serve(shutdown)
        .await;
    Ok(())
}
