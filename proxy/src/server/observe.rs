//! What is recorded about each request: Traefik's entry point and backend
//! metrics and the access log line. An [`Exchange`] starts when the request
//! arrives and ends when its response body has been sent (or the client
//! went away: status 499, as Traefik logs it), whichever path the request
//! took.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

use http::Request;
use http::header;

use super::access_log::{AccessEntry, AccessLog};
use crate::metrics::{BackendLabels, EntryPointLabels, Metrics, OpenLabels, RetryLabels, method_label};

/// Where exchanges are recorded.
pub(crate) struct Observer {
    pub(crate) metrics: Metrics,
    pub(crate) access_log: Option<Arc<AccessLog>>,
    count: AtomicU64,
}

impl Observer {
    pub(crate) fn new(metrics: Metrics, access_log: Option<Arc<AccessLog>>) -> Self {
        Self {
            metrics,
            access_log,
            count: AtomicU64::new(0),
        }
    }
}

/// One request in flight.
pub(crate) struct Exchange {
    observer: Arc<Observer>,
    entrypoint: Arc<str>,
    method: Cow<'static, str>,
    protocol: &'static str,
    start: Instant,
    status: Option<u16>,
    backend: Option<(Arc<str>, Instant)>,
    access: Option<Box<AccessEntry>>,
    bytes: u64,
}

/// Traefik's protocol label: `websocket`, `sse` or `http`.
fn protocol<B>(req: &Request<B>) -> &'static str {
    let h = req.headers();
    let has = |name: header::HeaderName, value: &str| {
        h.get_all(name)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().contains(value)))
    };
    if has(header::UPGRADE, "websocket") {
        "websocket"
    } else if has(header::ACCEPT, "text/event-stream") {
        "sse"
    } else {
        "http"
    }
}

impl Exchange {
    /// Starts recording `req`, received on `entrypoint` from `client`.
    pub(crate) fn begin<B>(
        observer: &Arc<Observer>,
        entrypoint: &Arc<str>,
        req: &Request<B>,
        client: SocketAddr,
        host: Option<&str>,
    ) -> Self {
        let method = method_label(req.method());
        let protocol = protocol(req);
        observer
            .metrics
            .entrypoint_open
            .get_or_create(&OpenLabels {
                method: method.clone(),
                protocol,
                entrypoint: entrypoint.clone(),
            })
            .inc();
        let access = observer.access_log.as_ref().map(|_| {
            let text = |name: header::HeaderName| {
                req.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            Box::new(AccessEntry {
                client,
                start: SystemTime::now(),
                method: req.method().to_string(),
                uri: req
                    .uri()
                    .path_and_query()
                    .map_or_else(|| req.uri().to_string(), |pq| pq.to_string()),
                version: req.version(),
                host: host.map(str::to_owned),
                referer: text(header::REFERER),
                user_agent: text(header::USER_AGENT),
                entrypoint: entrypoint.to_string(),
                frontend: None,
                backend: None,
                backend_url: None,
                status: 0,
                size: 0,
                duration: Default::default(),
                count: 0,
            })
        });
        Self {
            observer: observer.clone(),
            entrypoint: entrypoint.clone(),
            method,
            protocol,
            start: Instant::now(),
            status: None,
            backend: None,
            access,
            bytes: 0,
        }
    }

    /// The route that serves the request.
    pub(crate) fn routed(&mut self, route_id: &str, service: &str) {
        if let Some(a) = &mut self.access {
            a.frontend = Some(route_id.to_owned());
            a.backend = Some(service.to_owned());
        }
    }

    /// The request is being forwarded to `service`.
    pub(crate) fn forwarding(&mut self, service: &str) {
        self.backend = Some((Arc::from(service), Instant::now()));
    }

    /// The request goes to a second endpoint.
    pub(crate) fn retried(&self) {
        if let Some((backend, _)) = &self.backend {
            self.observer
                .metrics
                .backend_retries
                .get_or_create(&RetryLabels {
                    backend: backend.clone(),
                })
                .inc();
        }
    }

    /// The upstream that answered.
    pub(crate) fn answered_by(&mut self, url: impl FnOnce() -> String) {
        if let Some(a) = &mut self.access {
            a.backend_url = Some(url());
        }
    }

    /// The response status.
    pub(crate) fn status(&mut self, status: u16) {
        self.status = Some(status);
    }

    /// The response body's length, once sent.
    pub(crate) fn body_bytes(&mut self, bytes: u64) {
        self.bytes = bytes;
    }
}

impl Drop for Exchange {
    fn drop(&mut self) {
        // The client closed the connection before the response started.
        let code = self.status.unwrap_or(499);
        let m = &self.observer.metrics;
        let elapsed = self.start.elapsed();
        m.entrypoint_open
            .get_or_create(&OpenLabels {
                method: self.method.clone(),
                protocol: self.protocol,
                entrypoint: self.entrypoint.clone(),
            })
            .dec();
        let labels = EntryPointLabels {
            code,
            method: self.method.clone(),
            protocol: self.protocol,
            entrypoint: self.entrypoint.clone(),
        };
        m.entrypoint_requests.get_or_create(&labels).inc();
        m.entrypoint_duration
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
        if let Some((backend, since)) = self.backend.take() {
            let labels = BackendLabels {
                backend,
                code,
                method: self.method.clone(),
                protocol: self.protocol,
            };
            m.backend_requests.get_or_create(&labels).inc();
            m.backend_duration
                .get_or_create(&labels)
                .observe(since.elapsed().as_secs_f64());
        }
        if let (Some(log), Some(mut entry)) = (&self.observer.access_log, self.access.take()) {
            entry.status = code;
            entry.size = self.bytes;
            entry.duration = elapsed;
            entry.count = self.observer.count.fetch_add(1, Ordering::Relaxed) + 1;
            log.write(&entry);
        }
    }
}
