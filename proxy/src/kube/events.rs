//! Diagnostics as Kubernetes Events: what the route table builder (or the
//! Secret feeder) found wrong with an Ingress or a Service is logged once
//! and written once as a core/v1 Event on that object, signed by
//! `passerelle-proxy`, so that `kubectl describe ingress` says why a path is
//! not served. A diagnostic that persists across rebuilds is not repeated;
//! one that goes away and comes back is reported again.

use std::collections::HashSet;

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use kube::Client;
use kube::api::{Api, PostParams};

use crate::routing::ObjectKey;

/// The component Events are signed with (`source.component`,
/// `reportingComponent`).
pub(crate) const COMPONENT: &str = passerelle_crds::constants::PROXY_FIELD_MANAGER;

/// One thing to report on an object.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Note {
    /// `Ingress` or `Service`.
    pub(crate) kind: &'static str,
    /// The object.
    pub(crate) object: ObjectKey,
    /// CamelCase Event reason.
    pub(crate) reason: String,
    /// Human message.
    pub(crate) message: String,
    /// Warning (true) or Normal Event.
    pub(crate) warning: bool,
}

/// Remembers the notes of the previous round, so that each is logged and
/// reported once while it lasts.
#[derive(Default)]
pub(crate) struct Once {
    active: HashSet<Note>,
}

impl Once {
    /// The notes of this round that were not active in the previous one
    /// (in the given order); this round's notes become the active set.
    pub(crate) fn fresh(&mut self, notes: &[Note]) -> Vec<Note> {
        let fresh: Vec<Note> = notes
            .iter()
            .filter(|n| !self.active.contains(n))
            .cloned()
            .collect();
        self.active = notes.iter().cloned().collect();
        fresh
    }
}

/// Logs a note at the level its severity calls for.
pub(crate) fn log(note: &Note) {
    if note.warning {
        tracing::warn!(kind = note.kind, object = %note.object, reason = %note.reason, "{}", note.message);
    } else {
        tracing::info!(kind = note.kind, object = %note.object, reason = %note.reason, "{}", note.message);
    }
}

/// Writes core/v1 Events as the proxy.
#[derive(Clone)]
pub(crate) struct Recorder {
    client: Client,
    instance: String,
}

impl Recorder {
    /// A recorder whose Events name `instance` (the pod) as their
    /// reporting instance.
    pub(crate) fn new(client: Client, instance: String) -> Self {
        Self { client, instance }
    }

    /// Writes one Event about `object` (a reference with uid, taken from
    /// the watched object) for `note`.
    pub(crate) async fn publish(&self, object: ObjectReference, note: &Note) -> Result<(), kube::Error> {
        let namespace = object.namespace.clone().unwrap_or_else(|| "default".into());
        let now = Time(Timestamp::now());
        let nanos = Timestamp::now().as_nanosecond();
        let name = format!("{}.{:x}", object.name.as_deref().unwrap_or("object"), nanos);
        let event = Event {
            metadata: ObjectMeta {
                name: Some(name),
                namespace: Some(namespace.clone()),
                ..Default::default()
            },
            involved_object: object,
            reason: Some(note.reason.clone()),
            message: Some(note.message.clone()),
            type_: Some(if note.warning { "Warning" } else { "Normal" }.into()),
            source: Some(EventSource {
                component: Some(COMPONENT.into()),
                host: None,
            }),
            reporting_component: Some(COMPONENT.into()),
            reporting_instance: Some(self.instance.clone()),
            count: Some(1),
            first_timestamp: Some(now.clone()),
            last_timestamp: Some(now),
            ..Default::default()
        };
        let api: Api<Event> = Api::namespaced(self.client.clone(), &namespace);
        api.create(&PostParams::default(), &event).await.map(|_| ())
    }
}

/// The name this process reports as: the pod name from the environment
/// (`POD_NAME`, then `HOSTNAME`), else the component name.
pub(crate) fn instance_name() -> String {
    ["POD_NAME", "HOSTNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| COMPONENT.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(name: &str, reason: &str) -> Note {
        Note {
            kind: "Ingress",
            object: ObjectKey {
                namespace: "default".into(),
                name: name.into(),
            },
            reason: reason.into(),
            message: format!("{name} {reason}"),
            warning: true,
        }
    }

    #[test]
    fn a_lasting_note_is_reported_once_and_again_after_it_went_away() {
        let mut once = Once::default();
        let a = note("a", "Bad");
        let b = note("b", "Bad");
        assert_eq!(once.fresh(std::slice::from_ref(&a)), vec![a.clone()]);
        assert_eq!(once.fresh(&[a.clone(), b.clone()]), vec![b.clone()]);
        assert_eq!(once.fresh(&[a.clone(), b.clone()]), vec![]);
        assert_eq!(once.fresh(std::slice::from_ref(&b)), vec![]);
        assert_eq!(once.fresh(&[a.clone(), b.clone()]), vec![a.clone()]);
    }
}
