//! The caches the provider builds from: kube-runtime reflectors over
//! Ingresses (networking v1, with `--label-selector`), IngressClasses,
//! Services, EndpointSlices and Secrets of type `kubernetes.io/tls` (a
//! field selector: no other Secret is ever cached), one per watched
//! namespace (all namespaces when none is given), plus the published
//! Service when `--publish-service` is set. Every change pokes one
//! [`Notify`]; a watch that fails retries with backoff and its cache keeps
//! the last objects seen, so an unreachable API server leaves the last
//! configuration in place.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ObjectReference, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use kube::api::Api;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::routing::ObjectKey;

/// The annotation `kubectl apply` leaves, which for a Secret holds the key
/// itself: dropped from the cache.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// What to watch.
pub(crate) struct Scope<'a> {
    /// Namespaces; all when empty.
    pub(crate) namespaces: &'a [String],
    /// Label selector on Ingresses.
    pub(crate) label_selector: Option<&'a str>,
    /// The Service whose addresses are published, if any.
    pub(crate) published: Option<&'a ObjectKey>,
}

/// The caches, one reader per watched namespace and kind.
#[derive(Clone)]
pub(crate) struct Stores {
    ingresses: Vec<Store<Ingress>>,
    classes: Store<IngressClass>,
    services: Vec<Store<Service>>,
    slices: Vec<Store<EndpointSlice>>,
    secrets: Vec<Store<Secret>>,
    published: Option<(ObjectKey, Store<Service>)>,
}

/// One consistent-enough view of the caches for a rebuild.
pub(crate) struct Snapshot {
    /// Ingresses.
    pub(crate) ingresses: Vec<Arc<Ingress>>,
    /// IngressClasses.
    pub(crate) classes: Vec<Arc<IngressClass>>,
    /// Services.
    pub(crate) services: Vec<Arc<Service>>,
    /// EndpointSlices.
    pub(crate) slices: Vec<Arc<EndpointSlice>>,
    /// TLS Secrets by namespace/name.
    pub(crate) secrets: BTreeMap<ObjectKey, Arc<Secret>>,
    /// The published Service, when set and found.
    pub(crate) published: Option<Arc<Service>>,
}

impl Stores {
    /// Starts the reflectors as tasks in `tasks`; each change pokes
    /// `changed`.
    pub(crate) fn start(
        client: &Client,
        scope: &Scope<'_>,
        changed: &Arc<Notify>,
        tasks: &mut JoinSet<()>,
    ) -> Self {
        let mut namespaces: Vec<Option<&str>> = scope.namespaces.iter().map(|n| Some(n.as_str())).collect();
        namespaces.sort();
        namespaces.dedup();
        if namespaces.is_empty() {
            namespaces.push(None);
        }
        let ingress_config = match scope.label_selector {
            Some(selector) if !selector.is_empty() => watcher::Config::default().labels(selector),
            _ => watcher::Config::default(),
        };
        let secret_config = watcher::Config::default().fields("type=kubernetes.io/tls");
        Stores {
            ingresses: namespaces
                .iter()
                .map(|ns| {
                    reflect(
                        api(client, *ns),
                        ingress_config.clone(),
                        slim_ingress,
                        changed,
                        tasks,
                    )
                })
                .collect(),
            classes: reflect(
                Api::all(client.clone()),
                watcher::Config::default(),
                slim,
                changed,
                tasks,
            ),
            services: namespaces
                .iter()
                .map(|ns| reflect(api(client, *ns), watcher::Config::default(), slim, changed, tasks))
                .collect(),
            slices: namespaces
                .iter()
                .map(|ns| reflect(api(client, *ns), watcher::Config::default(), slim, changed, tasks))
                .collect(),
            secrets: namespaces
                .iter()
                .map(|ns| {
                    reflect(
                        api(client, *ns),
                        secret_config.clone(),
                        slim_secret,
                        changed,
                        tasks,
                    )
                })
                .collect(),
            published: scope.published.map(|key| {
                let config = watcher::Config::default().fields(&format!("metadata.name={}", key.name));
                let api = Api::namespaced(client.clone(), &key.namespace);
                (key.clone(), reflect(api, config, slim, changed, tasks))
            }),
        }
    }

    /// Waits until every cache has had its first full list.
    pub(crate) async fn ready(&self) {
        // A dropped writer means its task ended; the caller sees that.
        let _ = self.classes.wait_until_ready().await;
        for s in &self.ingresses {
            let _ = s.wait_until_ready().await;
        }
        for s in &self.services {
            let _ = s.wait_until_ready().await;
        }
        for s in &self.slices {
            let _ = s.wait_until_ready().await;
        }
        for s in &self.secrets {
            let _ = s.wait_until_ready().await;
        }
        if let Some((_, s)) = &self.published {
            let _ = s.wait_until_ready().await;
        }
    }

    /// The current content of every cache.
    pub(crate) fn snapshot(&self) -> Snapshot {
        let secrets = self
            .secrets
            .iter()
            .flat_map(|s| s.state())
            .map(|secret| (key_of(secret.as_ref()), secret))
            .collect();
        Snapshot {
            ingresses: sorted(self.ingresses.iter().flat_map(|s| s.state())),
            classes: sorted(self.classes.state()),
            services: sorted(self.services.iter().flat_map(|s| s.state())),
            slices: sorted(self.slices.iter().flat_map(|s| s.state())),
            secrets,
            published: self
                .published
                .as_ref()
                .and_then(|(key, store)| store.get(&ObjectRef::new(&key.name).within(&key.namespace))),
        }
    }

    /// A reference (with uid) to the watched `kind` object `key`, for an
    /// Event; `None` when it is not (or no longer) in the cache.
    pub(crate) fn reference(&self, kind: &str, key: &ObjectKey) -> Option<ObjectReference> {
        match kind {
            "Ingress" => find(&self.ingresses, key),
            "Service" => find(&self.services, key),
            _ => None,
        }
    }
}

fn find<K>(stores: &[Store<K>], key: &ObjectKey) -> Option<ObjectReference>
where
    K: Resource<DynamicType = ()> + Clone + 'static,
{
    let reference = ObjectRef::new(&key.name).within(&key.namespace);
    stores
        .iter()
        .find_map(|s| s.get(&reference))
        .map(|object| object.object_ref(&()))
}

/// The namespace/name of an object.
pub(crate) fn key_of<K: Resource>(object: &K) -> ObjectKey {
    ObjectKey {
        namespace: object.meta().namespace.clone().unwrap_or_default(),
        name: object.meta().name.clone().unwrap_or_default(),
    }
}

/// Sorted by namespace/name, so that a rebuild sees the same order every
/// time whatever the caches' hash order.
fn sorted<K: Resource>(objects: impl IntoIterator<Item = Arc<K>>) -> Vec<Arc<K>> {
    let mut objects: Vec<Arc<K>> = objects.into_iter().collect();
    objects.sort_by_cached_key(|o| key_of(o.as_ref()));
    objects
}

fn api<K>(client: &Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
{
    match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

/// Starts one reflector task and returns its cache.
fn reflect<K>(
    api: Api<K>,
    config: watcher::Config,
    slim: fn(&mut K),
    changed: &Arc<Notify>,
    tasks: &mut JoinSet<()>,
) -> Store<K>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
{
    let (reader, writer) = reflector::store();
    let changed = changed.clone();
    let kind = K::kind(&()).to_string();
    tasks.spawn(async move {
        let stream = watcher(api, config)
            .default_backoff()
            .modify(slim)
            .reflect(writer);
        let mut stream = std::pin::pin!(stream);
        let mut failing = false;
        while let Some(event) = stream.next().await {
            match event {
                Ok(watcher::Event::Init | watcher::Event::InitApply(_)) => {}
                Ok(_) => {
                    if failing {
                        tracing::info!(%kind, "Watch resumed");
                        failing = false;
                    }
                    changed.notify_one();
                }
                Err(error) => {
                    // Logged once per outage; the watcher retries with backoff.
                    if !failing {
                        tracing::warn!(%kind, %error, "Watch failed, serving the last configuration");
                        failing = true;
                    } else {
                        tracing::debug!(%kind, %error, "Watch still failing");
                    }
                }
            }
        }
    });
    reader
}

/// Drops what no rebuild reads: managed fields and kubectl's copy of the
/// object.
fn slim<K: Resource>(object: &mut K) {
    let meta = object.meta_mut();
    meta.managed_fields = None;
    if let Some(annotations) = meta.annotations.as_mut() {
        annotations.remove(LAST_APPLIED);
    }
}

/// An Ingress keeps only the proxy's own managed-fields entries: they tell
/// whether the proxy wrote its status.
fn slim_ingress(ingress: &mut Ingress) {
    if let Some(annotations) = ingress.metadata.annotations.as_mut() {
        annotations.remove(LAST_APPLIED);
    }
    if let Some(fields) = ingress.metadata.managed_fields.as_mut() {
        fields.retain(|f| f.manager.as_deref() == Some(super::status::FIELD_MANAGER));
    }
}

/// A TLS Secret keeps only `tls.crt` and `tls.key`.
fn slim_secret(secret: &mut Secret) {
    slim(secret);
    secret.metadata.annotations = None;
    if let Some(data) = secret.data.as_mut() {
        data.retain(|k, _| k == "tls.crt" || k == "tls.key");
    }
    secret.string_data = None;
}
