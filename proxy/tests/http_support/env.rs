//! The in-process world of the data plane tests: a CA made with rcgen at
//! test time ([`tls`]), real upstream servers on 127.0.0.1:0 ([`upstream`]),
//! the proxy's server on 127.0.0.1:0 (here) and clients ([`client`]). No
//! fixed ports, no key files.

#![allow(dead_code, unreachable_pub, unused_imports)]

#[path = "client.rs"]
mod client;
#[path = "tls.rs"]
mod tls;
#[path = "upstream.rs"]
mod upstream;

pub use client::*;
pub use tls::*;
pub use upstream::*;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use passerelle_proxy::metrics::Metrics;
use passerelle_proxy::routing::{HostMatch, ObjectKey, PathKind, Route, RouteTable, Service, TableHandle};
use passerelle_proxy::server::{EntryPoint, Options, Server};
use tokio::sync::oneshot;

pub fn init() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .try_init();
}

/// Fails the test instead of hanging when something never happens.
pub async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .unwrap_or_else(|_| panic!("never happened: {what}"))
}

/// Polls `check` until it holds (or fails the test after a long while).
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    within(what, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
}

// ---------------------------------------------------------------- routes

pub fn service(name: &str, endpoints: &[SocketAddr]) -> Arc<Service> {
    Arc::new(Service::endpoints(name, endpoints.iter().copied()))
}

pub fn route(id: &str, host: Option<&str>, path: &str, service: Arc<Service>) -> Route {
    let host = match host {
        None => HostMatch::Any,
        Some(h) if h.starts_with("*.") => HostMatch::Wildcard(h[2..].to_string()),
        Some(h) => HostMatch::Exact(h.to_string()),
    };
    Route::new(
        id,
        ObjectKey::new("default", id),
        host,
        path,
        PathKind::Prefix,
        service,
    )
}

// ---------------------------------------------------------------- proxy

pub struct Proxy {
    pub addrs: Vec<(String, SocketAddr)>,
    pub table: TableHandle,
    pub registry: Arc<std::sync::Mutex<prometheus_client::registry::Registry>>,
    stop: Option<oneshot::Sender<()>>,
    pub served: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    pub fn addr(&self, name: &str) -> SocketAddr {
        self.addrs.iter().find(|(n, _)| n == name).unwrap().1
    }

    /// Signals shutdown; `served` completes when the server has stopped.
    pub fn shutdown(&mut self) {
        let _ = self.stop.take().map(|s| s.send(()));
    }

    pub fn set_routes(&self, routes: Vec<Route>) {
        self.table.store(Arc::new(RouteTable::from_routes(routes, None)));
    }

    pub fn metrics_text(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry.lock().unwrap()).unwrap();
        text
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(t) = &self.served {
            t.abort();
        }
    }
}

/// A plain HTTP entry point named `name` on any free port.
pub fn http_ep(name: &str) -> EntryPoint {
    EntryPoint {
        name: name.into(),
        address: "127.0.0.1:0".parse().unwrap(),
        advertised_port: None,
        redirect: None,
        tls: None,
        strict_host: false,
    }
}

pub async fn start(entry_points: Vec<EntryPoint>, routes: Vec<Route>, options: Options) -> Proxy {
    init();
    let table: TableHandle = Arc::new(ArcSwap::from_pointee(RouteTable::from_routes(routes, None)));
    let mut registry = prometheus_client::registry::Registry::default();
    let metrics = Metrics::register(&mut registry);
    let server = Server::bind(entry_points, table.clone(), metrics, options)
        .await
        .unwrap();
    let addrs = server.local_addrs().to_vec();
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(server.serve(async move {
        let _ = stopped.await;
    }));
    Proxy {
        addrs,
        table,
        registry: Arc::new(std::sync::Mutex::new(registry)),
        stop: Some(stop),
        served: Some(served),
    }
}
