//! Prometheus metrics, with cert-manager's names where it has them so that
//! existing dashboards and alerts keep working.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

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
    /// The labels last recorded per Certificate (namespace, name), so that a
    /// deleted Certificate's series, or those of its former issuer, go away.
    recorded: Arc<Mutex<HashMap<(String, String), CertificateLabels>>>,
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
            recorded: Arc::default(),
        }
    }
}

const READY_VALUES: [&str; 3] = ["True", "False", "Unknown"];

fn ready_labels(labels: &CertificateLabels, condition: &str) -> ReadyLabels {
    ReadyLabels {
        name: labels.name.clone(),
        namespace: labels.namespace.clone(),
        condition: condition.to_string(),
        issuer_name: labels.issuer_name.clone(),
        issuer_kind: labels.issuer_kind.clone(),
        issuer_group: labels.issuer_group.clone(),
    }
}

fn acme_histogram() -> Histogram {
    Histogram::new([0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0])
}

impl Metrics {
    /// Sets a Certificate's gauges: expiration and renewal times (seconds
    /// since the epoch, 0 when unknown) and its Ready status (1 for
    /// `ready`, 0 for the other two values). The series of a former
    /// issuer of the same Certificate are removed.
    pub fn record_certificate(&self, labels: CertificateLabels, expiration: f64, renewal: f64, ready: &str) {
        let key = (labels.namespace.clone(), labels.name.clone());
        let previous = self
            .recorded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, labels.clone());
        if let Some(previous) = previous.filter(|p| *p != labels) {
            self.remove_series(&previous);
        }
        self.expiration.get_or_create(&labels).set(expiration);
        self.renewal.get_or_create(&labels).set(renewal);
        for value in READY_VALUES {
            self.ready
                .get_or_create(&ready_labels(&labels, value))
                .set(if value == ready { 1.0 } else { 0.0 });
        }
    }

    /// Removes the series of every recorded Certificate for which `exists`
    /// (namespace, name) is false: deleted Certificates leave no gauges.
    pub fn forget_certificates_except(&self, exists: impl Fn(&str, &str) -> bool) {
        let gone: Vec<CertificateLabels> = {
            let mut recorded = self
                .recorded
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let gone: Vec<_> = recorded
                .keys()
                .filter(|(ns, name)| !exists(ns, name))
                .cloned()
                .collect();
            gone.iter().filter_map(|key| recorded.remove(key)).collect()
        };
        for labels in gone {
            self.remove_series(&labels);
        }
    }

    fn remove_series(&self, labels: &CertificateLabels) {
        self.expiration.remove(labels);
        self.renewal.remove(labels);
        for value in READY_VALUES {
            self.ready.remove(&ready_labels(labels, value));
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    fn exposition(registry: &Registry) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, registry).unwrap();
        text
    }

    fn labels(name: &str, issuer: &str) -> CertificateLabels {
        CertificateLabels {
            name: name.into(),
            namespace: "default".into(),
            issuer_name: issuer.into(),
            issuer_kind: "Issuer".into(),
            issuer_group: "cert-manager.io".into(),
        }
    }

    #[test]
    fn a_changed_issuer_or_a_deleted_certificate_leaves_no_series() {
        let mut registry = Registry::default();
        let metrics = Metrics::register(&mut registry);
        metrics.record_certificate(labels("a", "old"), 2.0, 1.0, "True");
        metrics.record_certificate(labels("b", "old"), 2.0, 1.0, "False");
        metrics.record_certificate(labels("a", "new"), 3.0, 1.5, "True");
        let text = exposition(&registry);
        assert!(
            !text.contains(r#"name="a",namespace="default",issuer_name="old""#),
            "{text}"
        );
        assert!(
            text.contains(r#"name="a",namespace="default",issuer_name="new""#),
            "{text}"
        );
        assert!(
            text.contains(r#"name="b",namespace="default",issuer_name="old""#),
            "{text}"
        );

        metrics.forget_certificates_except(|_, name| name == "a");
        let text = exposition(&registry);
        assert!(!text.contains(r#"name="b""#), "{text}");
        assert!(text.contains(
            r#"certmanager_certificate_ready_status{name="a",namespace="default",condition="True",issuer_name="new""#
        ));
    }
}
