//! Prometheus metrics of the proxy, under Traefik 1.x's names and labels
//! (`traefik_entrypoint_*`, `traefik_backend_*`, `traefik_config_*`, and
//! Traefik 2's `traefik_tls_certs_not_after`) so that the dashboards and
//! alerts of a Traefik user keep working, plus Passerelle's own
//! `passerelle_tls_handshakes_total`.
//!
//! prometheus-client appends `_total` to counters itself, and a period to
//! HELP texts: the names below are registered without the one and the texts
//! without the other.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Traefik's default histogram buckets, in seconds.
const BUCKETS: [f64; 4] = [0.1, 0.3, 1.2, 5.0];

/// Labels of the entry point request metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EntryPointLabels {
    /// HTTP status code.
    pub code: u16,
    /// HTTP method (`OTHER` for extension methods).
    pub method: Cow<'static, str>,
    /// `http`, `websocket` or `sse`.
    pub protocol: &'static str,
    /// Entry point name.
    pub entrypoint: Arc<str>,
}

/// Labels of `traefik_entrypoint_open_connections`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OpenLabels {
    /// HTTP method.
    pub method: Cow<'static, str>,
    /// `http`, `websocket` or `sse`.
    pub protocol: &'static str,
    /// Entry point name.
    pub entrypoint: Arc<str>,
}

/// Labels of the backend request metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BackendLabels {
    /// The service, `namespace/service:port`.
    pub backend: Arc<str>,
    /// HTTP status code.
    pub code: u16,
    /// HTTP method.
    pub method: Cow<'static, str>,
    /// `http`, `websocket` or `sse`.
    pub protocol: &'static str,
}

/// Labels of `traefik_backend_retries_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RetryLabels {
    /// The service.
    pub backend: Arc<str>,
}

/// Labels of `traefik_tls_certs_not_after`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CertLabels {
    /// Subject common name.
    pub cn: String,
    /// Subject alternative names, comma-separated.
    pub sans: String,
    /// Serial number, hexadecimal.
    pub serial: String,
}

/// Labels of `passerelle_tls_handshakes_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HandshakeLabels {
    /// Entry point name.
    pub entrypoint: Arc<str>,
    /// `success` or `failure`.
    pub result: &'static str,
}

type Hist<L> = Family<L, Histogram, fn() -> Histogram>;

/// The proxy's metrics. Cloning shares them.
#[derive(Clone)]
pub struct Metrics {
    /// `traefik_entrypoint_requests_total`
    pub entrypoint_requests: Family<EntryPointLabels, Counter>,
    /// `traefik_entrypoint_request_duration_seconds`
    pub entrypoint_duration: Hist<EntryPointLabels>,
    /// `traefik_entrypoint_open_connections`: requests in flight, as
    /// Traefik counts them.
    pub entrypoint_open: Family<OpenLabels, Gauge>,
    /// `traefik_backend_requests_total`
    pub backend_requests: Family<BackendLabels, Counter>,
    /// `traefik_backend_request_duration_seconds`
    pub backend_duration: Hist<BackendLabels>,
    /// `traefik_backend_retries_total`
    pub backend_retries: Family<RetryLabels, Counter>,
    /// `traefik_config_reloads_total`
    pub config_reloads: Counter,
    /// `traefik_config_reloads_failure_total`
    pub config_reload_failures: Counter,
    /// `traefik_config_last_reload_success`: Unix time of the last success.
    pub config_last_success: Gauge<f64, AtomicU64>,
    /// `traefik_config_last_reload_failure`: Unix time of the last failure.
    pub config_last_failure: Gauge<f64, AtomicU64>,
    /// `traefik_tls_certs_not_after`: Unix time each certificate expires.
    pub tls_certs_not_after: Family<CertLabels, Gauge<f64, AtomicU64>>,
    /// `passerelle_tls_handshakes_total`
    pub tls_handshakes: Family<HandshakeLabels, Counter>,
}

fn histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

impl Default for Metrics {
    /// Metrics that are not registered anywhere (tests).
    fn default() -> Self {
        Self {
            entrypoint_requests: Family::default(),
            entrypoint_duration: Family::new_with_constructor(histogram),
            entrypoint_open: Family::default(),
            backend_requests: Family::default(),
            backend_duration: Family::new_with_constructor(histogram),
            backend_retries: Family::default(),
            config_reloads: Counter::default(),
            config_reload_failures: Counter::default(),
            config_last_success: Gauge::default(),
            config_last_failure: Gauge::default(),
            tls_certs_not_after: Family::default(),
            tls_handshakes: Family::default(),
        }
    }
}

impl Metrics {
    /// Registers every metric in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let m = Self::default();
        let r = registry;
        r.register(
            "traefik_entrypoint_requests",
            "How many HTTP requests processed on an entrypoint, partitioned by status code, protocol, and method",
            m.entrypoint_requests.clone(),
        );
        r.register(
            "traefik_entrypoint_request_duration_seconds",
            "How long it took to process the request on an entrypoint, partitioned by status code, protocol, and method",
            m.entrypoint_duration.clone(),
        );
        r.register(
            "traefik_entrypoint_open_connections",
            "How many open connections exist on an entrypoint, partitioned by method and protocol",
            m.entrypoint_open.clone(),
        );
        r.register(
            "traefik_backend_requests",
            "How many HTTP requests processed on a backend, partitioned by status code, protocol, and method",
            m.backend_requests.clone(),
        );
        r.register(
            "traefik_backend_request_duration_seconds",
            "How long it took to process the request on a backend, partitioned by status code, protocol, and method",
            m.backend_duration.clone(),
        );
        r.register(
            "traefik_backend_retries",
            "How many request retries happened on a backend",
            m.backend_retries.clone(),
        );
        r.register(
            "traefik_config_reloads",
            "Config reloads",
            m.config_reloads.clone(),
        );
        r.register(
            "traefik_config_reloads_failure",
            "Config failure reloads",
            m.config_reload_failures.clone(),
        );
        r.register(
            "traefik_config_last_reload_success",
            "Last config reload success",
            m.config_last_success.clone(),
        );
        r.register(
            "traefik_config_last_reload_failure",
            "Last config reload failure",
            m.config_last_failure.clone(),
        );
        r.register(
            "traefik_tls_certs_not_after",
            "Certificate expiration timestamp",
            m.tls_certs_not_after.clone(),
        );
        r.register(
            "passerelle_tls_handshakes",
            "TLS handshakes on an entry point, by result",
            m.tls_handshakes.clone(),
        );
        m
    }

    /// Records a configuration reload (routing table or certificate set) at
    /// `unix_time` seconds.
    pub fn config_reloaded(&self, success: bool, unix_time: f64) {
        if success {
            self.config_reloads.inc();
            self.config_last_success.set(unix_time);
        } else {
            self.config_reload_failures.inc();
            self.config_last_failure.set(unix_time);
        }
    }

    /// Replaces the certificate expiry gauges by these certificates.
    pub fn set_certificates(&self, certs: impl IntoIterator<Item = (CertLabels, f64)>) {
        self.tls_certs_not_after.clear();
        for (labels, not_after) in certs {
            self.tls_certs_not_after.get_or_create(&labels).set(not_after);
        }
    }

    /// Counts one TLS handshake on `entrypoint`.
    pub fn tls_handshake(&self, entrypoint: &Arc<str>, success: bool) {
        let result = if success { "success" } else { "failure" };
        self.tls_handshakes
            .get_or_create(&HandshakeLabels {
                entrypoint: entrypoint.clone(),
                result,
            })
            .inc();
    }
}

/// The method label: the standard methods by name, anything else `OTHER`
/// (a client must not be able to grow the label set at will).
pub(crate) fn method_label(method: &http::Method) -> Cow<'static, str> {
    use http::Method;
    let name = match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "OTHER",
    };
    Cow::Borrowed(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use prometheus_client::encoding::text::encode;

    #[test]
    fn exposes_traefik_names() {
        let mut registry = Registry::default();
        let m = Metrics::register(&mut registry);
        let ep: Arc<str> = Arc::from("web");
        let labels = EntryPointLabels {
            code: 200,
            method: method_label(&http::Method::GET),
            protocol: "http",
            entrypoint: ep.clone(),
        };
        m.entrypoint_requests.get_or_create(&labels).inc();
        m.entrypoint_duration.get_or_create(&labels).observe(0.01);
        m.entrypoint_open
            .get_or_create(&OpenLabels {
                method: "GET".into(),
                protocol: "http",
                entrypoint: ep.clone(),
            })
            .inc();
        let backend = BackendLabels {
            backend: Arc::from("default/web:80"),
            code: 502,
            method: "GET".into(),
            protocol: "http",
        };
        m.backend_requests.get_or_create(&backend).inc();
        m.backend_duration.get_or_create(&backend).observe(0.2);
        m.config_reloaded(true, 1.0);
        m.config_reloaded(false, 2.0);
        m.set_certificates([(
            CertLabels {
                cn: "a.test".into(),
                sans: "a.test".into(),
                serial: "01".into(),
            },
            1.7e9,
        )]);
        m.tls_handshake(&ep, true);
        let mut text = String::new();
        encode(&mut text, &registry).unwrap();
        assert!(
            !text.contains(".."),
            "a HELP text ends with a double period:\n{text}"
        );
        for name in [
            "traefik_entrypoint_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",entrypoint=\"web\"} 1",
            "traefik_entrypoint_request_duration_seconds_bucket{le=\"0.1\",code=\"200\"",
            "traefik_entrypoint_open_connections{method=\"GET\",protocol=\"http\",entrypoint=\"web\"} 1",
            "traefik_backend_requests_total{backend=\"default/web:80\",code=\"502\"",
            "traefik_backend_request_duration_seconds_count{",
            "traefik_config_reloads_total 1",
            "traefik_config_reloads_failure_total 1",
            "traefik_config_last_reload_failure 2.0",
            "traefik_tls_certs_not_after{cn=\"a.test\",sans=\"a.test\",serial=\"01\"}",
            "passerelle_tls_handshakes_total{entrypoint=\"web\",result=\"success\"} 1",
        ] {
            assert!(text.contains(name), "missing {name} in:\n{text}");
        }
    }

    #[test]
    fn extension_methods_share_one_label() {
        let m = http::Method::from_bytes(b"PURGE").unwrap();
        assert_eq!(method_label(&m), "OTHER");
        assert_eq!(method_label(&http::Method::DELETE), "DELETE");
    }
}
