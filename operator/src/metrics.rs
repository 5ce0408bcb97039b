//! Prometheus metrics, with cert-manager's names where it has them so that
//! existing dashboards and alerts keep working.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Labels of a Certificate metric.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CertificateLabels {
    /// Certificate name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Issuer name.
    pub issuer_name: String,
    /// Issuer kind.
    pub issuer_kind: String,
    /// Issuer group.
    pub issuer_group: String,
}

/// Labels of `certmanager_certificate_ready_status`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReadyLabels {
    /// Certificate name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// `True`, `False` or `Unknown`.
    pub condition: String,
    /// Issuer name.
    pub issuer_name: String,
    /// Issuer kind.
    pub issuer_kind: String,
    /// Issuer group.
    pub issuer_group: String,
}

/// Labels of the ACME client metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AcmeLabels {
    /// The operation (`new-order`, `finalize`, …).
    pub action: String,
    /// HTTP status, or `error`.
    pub status: String,
}

/// Labels of the controller sync counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ControllerLabels {
    /// The controller (`certificates`, `orders`, …).
    pub controller: String,
}

/// Labels of reconcile failures.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FailureLabels {
    /// The controller.
    pub controller: String,
    /// [`crate::error::Error::metric_label`].
    pub error: String,
}

/// The operator's metrics.
#[derive(Clone)]
pub struct Metrics {
    /// `certmanager_certificate_expiration_timestamp_seconds`
    pub expiration: Family<CertificateLabels, Gauge<f64, AtomicU64>>,
    /// `certmanager_certificate_renewal_timestamp_seconds`
    pub renewal: Family<CertificateLabels, Gauge<f64, AtomicU64>>,
    /// `certmanager_certificate_ready_status`
    pub ready: Family<ReadyLabels, Gauge<f64, AtomicU64>>,
    /// `certmanager_http_acme_client_request_count`
    ///
    /// cert-manager exports it without the OpenMetrics `_total` suffix that
    /// prometheus-client gives counters, so it is a monotonic gauge here:
    /// dashboards and alerts query it by that exact name.
    pub acme_requests: Family<AcmeLabels, Gauge>,
    /// `certmanager_http_acme_client_request_duration_seconds`
    pub acme_duration: Family<AcmeLabels, Histogram, fn() -> Histogram>,
    /// `certmanager_controller_sync_call_count`
    /// (a monotonic gauge, for the same reason).
    pub syncs: Family<ControllerLabels, Gauge>,
    /// `passerelle_reconcile_errors_total`
    pub failures: Family<FailureLabels, Counter>,
}

impl Default for Metrics {
    /// Metrics that are not registered anywhere (tests).
    fn default() -> Self {
        Self {
            expiration: Family::default(),
            renewal: Family::default(),
            ready: Family::default(),
            acme_requests: Family::default(),
            acme_duration: Family::new_with_constructor(acme_histogram),
            syncs: Family::default(),
            failures: Family::default(),
        }
    }
}

fn acme_histogram() -> Histogram {
    Histogram::new([0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0])
}

impl Metrics {
    /// Registers every metric.
    pub fn register(registry: &mut Registry) -> Self {
        let m = Self::default();
        registry.register(
            "certmanager_certificate_expiration_timestamp_seconds",
            "The date after which the certificate expires, in seconds since the Unix epoch",
            m.expiration.clone(),
        );
        registry.register(
            "certmanager_certificate_renewal_timestamp_seconds",
            "The date after which the certificate will be renewed, in seconds since the Unix epoch",
            m.renewal.clone(),
        );
        registry.register(
            "certmanager_certificate_ready_status",
            "The ready status of the certificate",
            m.ready.clone(),
        );
        registry.register(
            "certmanager_http_acme_client_request_count",
            "The number of requests made by the ACME client",
            m.acme_requests.clone(),
        );
        registry.register(
            "certmanager_http_acme_client_request_duration_seconds",
            "The HTTP request latencies in seconds for the ACME client",
            m.acme_duration.clone(),
        );
        registry.register(
            "certmanager_controller_sync_call_count",
            "The number of sync() calls made by a controller",
            m.syncs.clone(),
        );
        registry.register(
            "passerelle_reconcile_errors",
            "Reconciles that failed, by controller and error",
            m.failures.clone(),
        );
        m
    }
}
