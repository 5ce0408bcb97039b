//! Kubernetes Events on the objects the operator reconciles, written as
//! core/v1 Events the way client-go's recorder writes them (cert-manager
//! uses it), so that `kubectl describe certificate` tells the whole story.
//! A repeated Event (same object, type, reason and message) is counted on
//! the existing one instead of piling up new ones.

use std::collections::HashMap;
use std::sync::Mutex;

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, Patch, PatchParams, PostParams};
use kube::{Client, Resource, ResourceExt};
use serde_json::json;

/// The type of an Event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// Something went as expected.
    Normal,
    /// Something needs attention.
    Warning,
}

impl EventType {
    fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "Normal",
            Self::Warning => "Warning",
        }
    }
}

/// An Event's identity: object uid, type, reason and message.
type EventKey = (String, String, String, String);
/// Where an Event was recorded: namespace, name and count so far.
type Recorded = (String, String, i32);

/// How many distinct Events are remembered for counting repeats.
const REMEMBERED: usize = 10_000;

/// Writes Events for one component.
pub struct Recorder {
    client: Client,
    component: String,
    seen: Mutex<HashMap<EventKey, Recorded>>,
}

impl Recorder {
    /// A recorder that signs its Events as `component`.
    pub fn new(client: Client, component: impl Into<String>) -> Self {
        Self {
            client,
            component: component.into(),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Records an Event on `object`. Failures are logged, not returned: an
    /// Event that cannot be written must not fail a reconcile.
    pub async fn publish<K>(&self, object: &K, type_: EventType, reason: &str, message: &str)
    where
        K: Resource<DynamicType = ()>,
    {
        let uid = object.uid().unwrap_or_default();
        let namespace = object.namespace().unwrap_or_else(|| "default".to_string());
        let key = (
            uid.clone(),
            type_.as_str().to_string(),
            reason.to_string(),
            message.to_string(),
        );
        let now = Time(crate::clock::to_second(Timestamp::now()));
        let api: Api<Event> = Api::namespaced(self.client.clone(), &namespace);
        let previous = self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        if let Some((ns, name, count)) = previous.filter(|(ns, _, _)| *ns == namespace) {
            let patch = json!({"count": count + 1, "lastTimestamp": now});
            if api
                .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .is_ok()
            {
                self.seen
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(key, (ns, name, count + 1));
                return;
            }
        }
        let name = format!("{}.{:x}", object.name_any(), Timestamp::now().as_nanosecond());
        let event = Event {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(namespace.clone()),
                ..Default::default()
            },
            involved_object: object.object_ref(&()),
            reason: Some(reason.to_string()),
            message: Some(message.to_string()),
            type_: Some(type_.as_str().to_string()),
            source: Some(k8s_openapi::api::core::v1::EventSource {
                component: Some(self.component.clone()),
                host: None,
            }),
            reporting_component: Some(self.component.clone()),
            reporting_instance: Some(self.component.clone()),
            count: Some(1),
            first_timestamp: Some(now.clone()),
            last_timestamp: Some(now),
            event_time: None::<MicroTime>,
            ..Default::default()
        };
        match api.create(&PostParams::default(), &event).await {
            Ok(_) => {
                let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
                if seen.len() >= REMEMBERED {
                    seen.clear();
                }
                seen.insert(key, (namespace, name, 1));
            }
            Err(error) => tracing::warn!(%error, reason, "Could not record an Event"),
        }
    }
}
