//! The one injection seam of the controllers: the API client, the
//! configuration, the Event recorder, metrics, the ACME layer and the clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use kube::Client;

use crate::acme::Acme;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::events::Recorder;
use crate::metrics::Metrics;

/// What every reconcile gets.
pub struct Context {
    /// The Kubernetes client.
    pub client: Client,
    /// How the operator runs.
    pub config: Config,
    /// Writes Events.
    pub recorder: Recorder,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// ACME accounts and calls.
    pub acme: Acme,
    /// The time.
    pub clock: SharedClock,
    /// Whether reconciles may act (false while cert-manager still holds its
    /// leader Lease). A replica that is not the leader runs no controller
    /// at all (see [`crate::leader`]).
    pub active: Arc<AtomicBool>,
}

impl Context {
    /// A context with the system clock.
    pub fn new(client: Client, config: Config, metrics: Metrics) -> Self {
        let acme = Acme::with_metrics(config.acme_request_timeout, metrics.clone());
        Self {
            recorder: Recorder::new(client.clone(), "passerelle-operator"),
            client,
            config,
            metrics,
            acme,
            clock: Arc::new(crate::clock::SystemClock),
            active: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Whether reconciles may act now.
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }
}
