//! The admin listener (`--web` on `--web.address`, Traefik's flags):
//! `GET /ping` answers `OK` as Traefik's did; `/healthz` says the process
//! is alive and `/readyz` that the first full configuration is built; a JSON
//! API shows what is served (`/api`, `/api/entrypoints`, `/api/routers`,
//! `/api/services`, `/api/certificates`), its keys in camelCase as in the
//! Kubernetes API; `/metrics` is the Prometheus exposition. Every answer
//! reads the current snapshots; nothing here blocks the request path.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use arc_swap::ArcSwap;
use bytes::Bytes;
use http::{Method, Response, StatusCode};
use http_body_util::Full;
use hyper_util::rt::{TokioExecutor, TokioIo};
use prometheus_client::registry::Registry;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::routing::{Redirect, RouteTable};
use crate::tls::{CertEntry, CertInfo, CertSource, CertSources};

/// Whether the first full configuration is built (what `/readyz` says).
#[derive(Clone, Default)]
pub struct Readiness {
    ready: Arc<AtomicBool>,
    reason: Arc<std::sync::Mutex<String>>,
    draining: Arc<AtomicBool>,
}

impl Readiness {
    /// Marks ready, or not ready with why. Once [`Readiness::drain`] was
    /// called, it stays not ready.
    pub fn set(&self, ready: bool, reason: &str) {
        let mut why = self.reason.lock().unwrap_or_else(|e| e.into_inner());
        if ready && self.draining.load(Ordering::Acquire) {
            return;
        }
        self.ready.store(ready, Ordering::Release);
        *why = reason.to_string();
    }

    /// Marks not ready for good: the proxy is shutting down, and no late
    /// `set(true)` (a provider finishing its first build) undoes that.
    pub fn drain(&self, reason: &str) {
        let mut why = self.reason.lock().unwrap_or_else(|e| e.into_inner());
        self.draining.store(true, Ordering::Release);
        self.ready.store(false, Ordering::Release);
        *why = reason.to_string();
    }

    /// Whether ready.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    fn why(&self) -> String {
        self.reason.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// One entry point as the API shows it.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryPointInfo {
    /// Its name (`http`, `https`).
    pub name: String,
    /// The address it listens on.
    pub address: SocketAddr,
    /// Whether it terminates TLS.
    pub tls: bool,
    /// Its redirect, if it redirects everything.
    pub redirect: Option<Redirect>,
}

/// Everything the admin listener reads.
#[derive(Clone)]
pub struct AdminState {
    /// Readiness.
    pub readiness: Readiness,
    /// The metrics registry.
    pub registry: Arc<Registry>,
    /// The current route table.
    pub table: Arc<ArcSwap<RouteTable>>,
    /// The entry points.
    pub entry_points: Vec<EntryPointInfo>,
    /// The certificate sets of the TLS entry points.
    pub certificates: CertSources,
}

/// Serves the admin endpoints on `listener` until `shutdown` resolves.
pub async fn serve(listener: TcpListener, state: AdminState, shutdown: impl Future<Output = ()>) {
    let state = Arc::new(state);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    tracing::debug!(%error, "Admin accept failed");
                    continue;
                }
            },
        };
        let state = state.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                let response = respond(req.method(), req.uri().path(), &state);
                async move { Ok::<_, Infallible>(response) }
            });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The answer to one admin request.
pub(crate) fn respond(method: &Method, path: &str, state: &AdminState) -> Response<Full<Bytes>> {
    if method != Method::GET && method != Method::HEAD {
        return text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    let path = path.strip_suffix('/').filter(|p| !p.is_empty()).unwrap_or(path);
    match path {
        "/ping" => text(StatusCode::OK, "OK"),
        "/healthz" | "/livez" => text(StatusCode::OK, "ok\n"),
        "/readyz" => match state.readiness.is_ready() {
            true => text(StatusCode::OK, "ok\n"),
            false => text(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("not ready: {}\n", state.readiness.why()),
            ),
        },
        "/metrics" => {
            let mut body = String::new();
            match prometheus_client::encoding::text::encode(&mut body, &state.registry) {
                Ok(()) => reply(
                    StatusCode::OK,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    body,
                ),
                Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "encoding failed\n"),
            }
        }
        "/api" => api_json(overview(state)),
        "/api/entrypoints" => api_json(json!(state.entry_points)),
        "/api/routers" => api_json(routers(&state.table.load())),
        "/api/services" => api_json(services(&state.table.load())),
        "/api/certificates" => api_json(certificates(state)),
        _ => text(StatusCode::NOT_FOUND, "404 page not found\n"),
    }
}

fn overview(state: &AdminState) -> Value {
    let table = state.table.load();
    json!({
        "version": env!("CARGO_PKG_VERSION"),
        "ready": state.readiness.is_ready(),
        "entryPoints": state.entry_points.len(),
        "routers": table.routes().len() + usize::from(table.default_backend().is_some()),
        "services": services(&table).as_array().map_or(0, Vec::len),
        "certificates": certificates(state).as_array().map_or(0, Vec::len),
    })
}

/// Each route with its service named (the service itself is under
/// `/api/services`); the default backend last, flagged.
fn routers(table: &RouteTable) -> Value {
    let view = |route: &crate::routing::Route, default: bool| {
        let mut value = serde_json::to_value(route).unwrap_or(Value::Null);
        if let Some(object) = value.as_object_mut() {
            object.insert("service".into(), json!(route.service.name));
            object.insert("defaultBackend".into(), json!(default));
        }
        value
    };
    let mut list: Vec<Value> = table.routes().iter().map(|r| view(r, false)).collect();
    list.extend(table.default_backend().map(|r| view(r, true)));
    Value::Array(list)
}

/// The distinct services the routes forward to, by name.
fn services(table: &RouteTable) -> Value {
    let mut by_name = BTreeMap::new();
    for route in table.routes().iter().chain(table.default_backend()) {
        by_name
            .entry(route.service.name.clone())
            .or_insert_with(|| serde_json::to_value(&*route.service).unwrap_or(Value::Null));
    }
    Value::Array(by_name.into_values().collect())
}

/// Every certificate with the names SNI picks it for and the entry points
/// serving it (a Secret's certificate is in every TLS entry point's set),
/// the defaults included: the configured ones, and the generated one for
/// the entry points without a configured default.
fn certificates(state: &AdminState) -> Value {
    let mut by_cert: BTreeMap<String, (Value, Vec<String>)> = BTreeMap::new();
    let mut add = |info: &CertInfo, entry_point: &str| {
        let value = serde_json::to_value(info).unwrap_or(Value::Null);
        let key = value.to_string();
        by_cert
            .entry(key)
            .or_insert_with(|| (value, Vec::new()))
            .1
            .push(entry_point.to_owned());
    };
    let generated = state.certificates.generated().map(|cert| {
        let entry = CertEntry {
            cert,
            source: CertSource::Generated,
        };
        CertInfo::new(&entry, Vec::new(), true)
    });
    for (entry_point, set) in state.certificates.snapshots() {
        for info in set.describe() {
            add(&info, &entry_point);
        }
        if let Some(generated) = generated.as_ref().filter(|_| set.default_entry().is_none()) {
            add(generated, &entry_point);
        }
    }
    let list = by_cert
        .into_values()
        .map(|(mut value, entry_points)| {
            if let Some(object) = value.as_object_mut() {
                object.insert("entryPoints".into(), json!(entry_points));
            }
            value
        })
        .collect();
    Value::Array(list)
}

fn api_json(value: Value) -> Response<Full<Bytes>> {
    let body = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "null".into());
    reply(StatusCode::OK, "application/json", body)
}

fn text(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    reply(status, "text/plain; charset=utf-8", body.to_string())
}

fn reply(status: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, content_type)
        .header(http::header::SERVER, "passerelle")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

#[cfg(test)]
mod tests;
