//! The object store: every object as JSON, a cluster-wide resourceVersion,
//! the bounded history of changes that watches replay, and the watchers
//! themselves. The verbs' semantics (generation, finalizers, garbage
//! collection) live in [`crate::lifecycle`]; this module only keeps state
//! consistent and tells watchers.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::mpsc;

use crate::registry::{Registry, ResourceType};
use crate::status::{ApiError, ApiResult};

/// `(group, plural)`: the key of one resource's objects, whatever version
/// they are served at.
pub type ResourceKey = (String, String);
/// `(namespace, name)`; the namespace is empty for cluster-scoped objects.
pub type ObjectKey = (String, String);

/// The type of a watch event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// `ADDED`
    Added,
    /// `MODIFIED`
    Modified,
    /// `DELETED`
    Deleted,
}

impl EventType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
        }
    }
}

/// One change to one object.
#[derive(Clone, Debug)]
pub struct Event {
    /// The resourceVersion the change produced.
    pub rv: u64,
    /// What happened.
    pub type_: EventType,
    /// The resource.
    pub resource: ResourceKey,
    /// The object's namespace ("" when cluster-scoped).
    pub namespace: String,
    /// The object after the change (before it, for `DELETED`, with the new
    /// resourceVersion).
    pub object: Value,
}

struct Watcher {
    resource: ResourceKey,
    namespace: Option<String>,
    tx: mpsc::UnboundedSender<Arc<Event>>,
}

/// The state behind the store's lock.
pub struct State {
    /// The types served.
    pub registry: Registry,
    rv: u64,
    objects: HashMap<ResourceKey, BTreeMap<ObjectKey, Value>>,
    by_uid: HashMap<String, (ResourceKey, ObjectKey)>,
    dependents: HashMap<String, HashSet<String>>,
    history: VecDeque<Arc<Event>>,
    history_limit: usize,
    /// The resourceVersion below which history has been dropped.
    compacted: u64,
    watchers: Vec<Watcher>,
    /// Work for the garbage collector: uids and namespaces of objects
    /// removed, and uids of objects marked for deletion, since it last ran.
    pending: Pending,
}

/// What changed since the garbage collector last looked.
#[derive(Debug, Default)]
pub struct Pending {
    /// `(uid, namespace, owner uids)` of removed objects.
    pub removed: Vec<(String, String, Vec<String>)>,
    /// uids of objects that carry a `deletionTimestamp`.
    pub deleting: Vec<String>,
}

/// A watch as it starts: the changes history still holds after the
/// requested resourceVersion, and the channel of the next ones.
pub type WatchStart = (Vec<Arc<Event>>, mpsc::UnboundedReceiver<Arc<Event>>);

/// How many changes the store remembers for watches by default.
pub const DEFAULT_HISTORY: usize = 100_000;

impl State {
    /// An empty store serving the built-in kinds.
    pub fn new(history_limit: usize) -> Self {
        Self {
            registry: Registry::new(),
            rv: 1,
            objects: HashMap::new(),
            by_uid: HashMap::new(),
            dependents: HashMap::new(),
            history: VecDeque::new(),
            history_limit: history_limit.max(1),
            compacted: 0,
            watchers: Vec::new(),
            pending: Pending::default(),
        }
    }

    /// The current resourceVersion (that of the latest change).
    pub fn resource_version(&self) -> u64 {
        self.rv
    }

    /// Changes the number of changes kept for watches; dropping history
    /// makes older resourceVersions expire (410 Gone).
    pub fn set_history_limit(&mut self, limit: usize) {
        self.history_limit = limit.max(1);
        self.trim_history();
    }

    /// The object `ns/name` of `rt`.
    pub fn get(&self, rt: &ResourceType, ns: &str, name: &str) -> Option<&Value> {
        self.objects
            .get(&key(rt))?
            .get(&(ns.to_string(), name.to_string()))
    }

    /// The objects of `rt`, in a namespace or in all, ordered by namespace
    /// then name.
    pub fn list<'a>(
        &'a self,
        rt: &ResourceType,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.objects
            .get(&key(rt))
            .into_iter()
            .flat_map(|m| m.iter())
            .filter(move |((n, _), _)| ns.is_none_or(|ns| ns == n))
            .map(|(_, v)| v)
    }

    /// The objects of `rt` after `(ns, name)` in list order (for `continue`).
    pub fn list_after<'a>(
        &'a self,
        rt: &ResourceType,
        ns: Option<&'a str>,
        after: ObjectKey,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        use std::ops::Bound;
        self.objects
            .get(&key(rt))
            .into_iter()
            .flat_map(move |m| m.range((Bound::Excluded(after.clone()), Bound::Unbounded)))
            .filter(move |((n, _), _)| ns.is_none_or(|ns| ns == n))
            .map(|(_, v)| v)
    }

    /// How many objects of `rt` exist in `ns` (all when `None`).
    pub fn count(&self, rt: &ResourceType, ns: Option<&str>) -> usize {
        self.list(rt, ns).count()
    }

    /// All objects of a namespace, every resource, as `(resource, name)`.
    pub fn namespace_contents(&self, ns: &str) -> Vec<(ResourceKey, String)> {
        let mut out = Vec::new();
        for (rk, objects) in &self.objects {
            for (n, name) in objects.keys() {
                if n == ns {
                    out.push((rk.clone(), name.clone()));
                }
            }
        }
        out
    }

    /// The object with this uid, if it exists.
    pub fn by_uid(&self, uid: &str) -> Option<(&ResourceKey, &ObjectKey, &Value)> {
        let (rk, ok) = self.by_uid.get(uid)?;
        let v = self.objects.get(rk)?.get(ok)?;
        Some((rk, ok, v))
    }

    /// The uids of the objects whose ownerReferences name `uid`.
    pub fn dependents_of(&self, uid: &str) -> Vec<String> {
        self.dependents
            .get(uid)
            .map(|d| d.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Takes the garbage collector's work list.
    pub fn take_pending(&mut self) -> Pending {
        std::mem::take(&mut self.pending)
    }

    /// Raw access to an object by resource key, for lifecycle code.
    pub fn get_by_key(&self, rk: &ResourceKey, ok: &ObjectKey) -> Option<&Value> {
        self.objects.get(rk)?.get(ok)
    }

    /// Stores `object` (new or replacing) at a new resourceVersion and tells
    /// watchers. Returns the stored object.
    pub fn put(&mut self, rk: &ResourceKey, mut object: Value, type_: EventType) -> Value {
        self.rv += 1;
        let rv = self.rv;
        object["metadata"]["resourceVersion"] = Value::String(rv.to_string());
        let ok = object_key(&object);
        let old = self
            .objects
            .entry(rk.clone())
            .or_default()
            .insert(ok.clone(), object.clone());
        if let Some(old) = &old {
            self.unindex(old);
        }
        self.index(rk, &ok, &object);
        if object["metadata"]["deletionTimestamp"].is_string()
            && let Some(uid) = object["metadata"]["uid"].as_str()
        {
            self.pending.deleting.push(uid.to_string());
        }
        self.emit(Event {
            rv,
            type_,
            resource: rk.clone(),
            namespace: ok.0.clone(),
            object: object.clone(),
        });
        object
    }

    /// Removes an object and tells watchers (`DELETED`, carrying a new
    /// resourceVersion as the real server does). Returns it.
    pub fn remove(&mut self, rk: &ResourceKey, ok: &ObjectKey) -> Option<Value> {
        let mut object = self.objects.get_mut(rk)?.remove(ok)?;
        self.unindex(&object);
        if let Some(uid) = object["metadata"]["uid"].as_str() {
            self.pending
                .removed
                .push((uid.to_string(), ok.0.clone(), owner_uids(&object)));
        }
        self.rv += 1;
        object["metadata"]["resourceVersion"] = Value::String(self.rv.to_string());
        self.emit(Event {
            rv: self.rv,
            type_: EventType::Deleted,
            resource: rk.clone(),
            namespace: ok.0.clone(),
            object: object.clone(),
        });
        Some(object)
    }

    /// Removes every object of a resource without events (its CRD is gone;
    /// watchers of it are closed).
    pub fn drop_resource(&mut self, rk: &ResourceKey) {
        if let Some(objects) = self.objects.remove(rk) {
            for object in objects.values() {
                self.unindex(object);
            }
        }
        self.watchers.retain(|w| &w.resource != rk);
    }

    fn index(&mut self, rk: &ResourceKey, ok: &ObjectKey, object: &Value) {
        let Some(uid) = object["metadata"]["uid"].as_str() else {
            return;
        };
        self.by_uid.insert(uid.to_string(), (rk.clone(), ok.clone()));
        for owner in owner_uids(object) {
            self.dependents.entry(owner).or_default().insert(uid.to_string());
        }
    }

    fn unindex(&mut self, object: &Value) {
        let Some(uid) = object["metadata"]["uid"].as_str() else {
            return;
        };
        self.by_uid.remove(uid);
        for owner in owner_uids(object) {
            if let Some(d) = self.dependents.get_mut(&owner) {
                d.remove(uid);
                if d.is_empty() {
                    self.dependents.remove(&owner);
                }
            }
        }
    }

    fn emit(&mut self, event: Event) {
        let event = Arc::new(event);
        self.watchers.retain(|w| {
            if w.resource != event.resource || w.namespace.as_ref().is_some_and(|n| *n != event.namespace) {
                return !w.tx.is_closed();
            }
            w.tx.send(event.clone()).is_ok()
        });
        self.history.push_back(event);
        self.trim_history();
    }

    fn trim_history(&mut self) {
        while self.history.len() > self.history_limit {
            if let Some(dropped) = self.history.pop_front() {
                self.compacted = dropped.rv;
            }
        }
    }

    /// Starts a watch of `rk` (in `ns`, or all namespaces) from
    /// resourceVersion `since`: the changes after it that history still
    /// holds, and a channel for the next ones. 410 Gone when `since` is
    /// older than the history.
    pub fn watch(&mut self, rk: &ResourceKey, ns: Option<&str>, since: u64) -> ApiResult<WatchStart> {
        if since < self.compacted {
            return Err(ApiError::expired(since, self.compacted + 1));
        }
        let backlog = self
            .history
            .iter()
            .filter(|e| e.rv > since && &e.resource == rk && ns.is_none_or(|n| n == e.namespace))
            .cloned()
            .collect();
        let (tx, rx) = mpsc::unbounded_channel();
        self.watchers.push(Watcher {
            resource: rk.clone(),
            namespace: ns.map(str::to_string),
            tx,
        });
        Ok((backlog, rx))
    }

    /// Number of open watches.
    pub fn watch_count(&self) -> usize {
        self.watchers.iter().filter(|w| !w.tx.is_closed()).count()
    }

    /// Every object, for saving the state.
    pub fn snapshot(&self) -> Vec<(ResourceKey, Value)> {
        let mut out = Vec::new();
        for (rk, objects) in &self.objects {
            out.extend(objects.values().map(|v| (rk.clone(), v.clone())));
        }
        out
    }

    /// Loads objects saved by [`snapshot`](Self::snapshot), without events.
    pub fn restore(&mut self, objects: Vec<(ResourceKey, Value)>, rv: u64) {
        for (rk, object) in objects {
            let ok = object_key(&object);
            self.index(&rk, &ok, &object);
            self.objects.entry(rk).or_default().insert(ok, object);
        }
        self.rv = self.rv.max(rv);
        self.compacted = self.rv;
    }
}

/// The store key of a type.
pub fn key(rt: &ResourceType) -> ResourceKey {
    (rt.group.clone(), rt.plural.clone())
}

/// The `(namespace, name)` of an object.
pub fn object_key(object: &Value) -> ObjectKey {
    (
        object["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        object["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

/// The uids an object's ownerReferences name.
pub fn owner_uids(object: &Value) -> Vec<String> {
    object["metadata"]["ownerReferences"]
        .as_array()
        .map(|refs| {
            refs.iter()
                .filter_map(|r| r["uid"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
