//! The provider's writes to the API server, off the rebuild path: Events
//! for new notes and Ingress status. It always works from the latest
//! rebuild's outcome; what fails (the API server is down, a conflict) is
//! retried with backoff, and a note that could not be written as an Event
//! stays pending without being logged again.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::networking::v1::{Ingress, IngressLoadBalancerIngress};
use kube::Client;
use tokio::sync::watch;
use tokio::time::Instant;

use super::events::{self, Note, Once, Recorder};
use super::status::{self, StatusChange};
use super::watch::Stores;
use crate::routing::ObjectKey;

/// The first retry delay after a failed write.
const RETRY_MIN: Duration = Duration::from_millis(500);
/// The longest retry delay.
const RETRY_MAX: Duration = Duration::from_secs(30);

/// What one rebuild wants written.
#[derive(Debug, Default)]
pub(crate) struct Desired {
    /// Every watched Ingress, as cached (status and the proxy's managed
    /// fields).
    pub(crate) ingresses: Vec<Arc<Ingress>>,
    /// The Ingresses served.
    pub(crate) served: HashSet<ObjectKey>,
    /// The status entries for served Ingresses, when known.
    pub(crate) entries: Option<Vec<IngressLoadBalancerIngress>>,
    /// Everything to report.
    pub(crate) notes: Vec<Note>,
}

/// Writes what the latest [`Desired`] asks for until the sender is dropped.
pub(crate) async fn run(
    client: Client,
    stores: Stores,
    recorder: Recorder,
    mut desired: watch::Receiver<Arc<Desired>>,
) {
    let mut once = Once::default();
    let mut pending: Vec<Note> = Vec::new();
    let mut delay = RETRY_MIN;
    let mut retry: Option<Instant> = None;
    loop {
        tokio::select! {
            changed = desired.changed() => if changed.is_err() { return },
            () = sleep_until(retry) => {}
        }
        let current = desired.borrow_and_update().clone();
        for note in once.fresh(&current.notes) {
            events::log(&note);
            pending.push(note);
        }
        // A note that went away before its Event was written is dropped.
        pending.retain(|n| current.notes.contains(n));
        let mut failed = false;
        let mut still = Vec::new();
        for note in pending.drain(..) {
            let Some(reference) = stores.reference(note.kind, &note.object) else {
                continue;
            };
            if let Err(error) = recorder.publish(reference, &note).await {
                tracing::warn!(object = %note.object, reason = %note.reason, %error, "Could not record an Event");
                failed = true;
                still.push(note);
            }
        }
        pending = still;
        let changes = status::decide(
            current.ingresses.iter().map(AsRef::as_ref),
            &current.served,
            current.entries.as_deref(),
        );
        for change in &changes {
            match status::apply(&client, change).await {
                Ok(()) => match change {
                    StatusChange::Set(key, _) => tracing::info!(ingress = %key, "Published Ingress status"),
                    StatusChange::Clear(key) => tracing::info!(ingress = %key, "Removed Ingress status"),
                },
                Err(error) => {
                    tracing::warn!(ingress = %change.ingress(), %error, "Could not write Ingress status");
                    failed = true;
                }
            }
        }
        if failed {
            retry = Some(Instant::now() + delay);
            delay = (delay * 2).min(RETRY_MAX);
        } else {
            retry = None;
            delay = RETRY_MIN;
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
