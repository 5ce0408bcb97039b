//! The admin listener: `/metrics` (Prometheus text format), `/healthz`
//! (the process is alive) and `/readyz` (ready to reconcile: caches synced,
//! and cert-manager not running beside it).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use http::{Response, StatusCode};
use http_body_util::Full;
use hyper_util::rt::{TokioExecutor, TokioIo};
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;

/// What `/readyz` reports.
#[derive(Clone, Default)]
pub struct Readiness {
    ready: Arc<AtomicBool>,
    reason: Arc<std::sync::Mutex<String>>,
}

impl Readiness {
    /// Marks ready, or not ready with why.
    pub fn set(&self, ready: bool, reason: &str) {
        self.ready.store(ready, Ordering::Relaxed);
        *self.reason.lock().unwrap_or_else(|e| e.into_inner()) = reason.to_string();
    }

    fn get(&self) -> (bool, String) {
        (
            self.ready.load(Ordering::Relaxed),
            self.reason.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        )
    }
}

/// Serves the admin endpoints on `listener` until the process stops.
pub async fn serve(listener: TcpListener, registry: Arc<Registry>, readiness: Readiness) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let registry = registry.clone();
        let readiness = readiness.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                let registry = registry.clone();
                let readiness = readiness.clone();
                async move { Ok::<_, Infallible>(respond(req.uri().path(), &registry, &readiness)) }
            });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn respond(path: &str, registry: &Registry, readiness: &Readiness) -> Response<Full<Bytes>> {
    let (status, content_type, body) = match path {
        "/metrics" => {
            let mut text = String::new();
            match prometheus_client::encoding::text::encode(&mut text, registry) {
                Ok(()) => (
                    StatusCode::OK,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    text,
                ),
                Err(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/plain",
                    "encoding failed\n".into(),
                ),
            }
        }
        "/healthz" | "/livez" => (StatusCode::OK, "text/plain", "ok\n".into()),
        "/readyz" => match readiness.get() {
            (true, _) => (StatusCode::OK, "text/plain", "ok\n".into()),
            (false, why) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "text/plain",
                format!("not ready: {why}\n"),
            ),
        },
        _ => (StatusCode::NOT_FOUND, "text/plain", "not found\n".into()),
    };
    Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, content_type)
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// Binds the admin listener.
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
