//! Where certificates from their two origins meet: Secrets (set by the
//! Kubernetes provider, served on every TLS entry point, each for the hosts
//! of the Ingresses naming it) and config-file certificates (set by the file
//! watcher, each on its own entry point), plus the certificate generated at
//! start, for the admin API.
//!
//! Every change rebuilds the affected entry points' [`CertSet`]s and stores
//! them in their handles, so the next handshake sees it. New PEM that does
//! not parse, or whose key does not match, never replaces the last good
//! certificate of its source.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use arc_swap::ArcSwap;

use super::{CertEntry, CertHandle, CertSet, CertSource, HostScope, LoadedCert, TlsError, parse_pair};
use crate::routing::ObjectKey;

/// A Secret's `tls.crt` and `tls.key`.
type PemPair = (Vec<u8>, Vec<u8>);

/// Which certificate of an entry point's config a file certificate fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CertSlot {
    /// `certificates[i]`.
    Certificate(usize),
    /// `defaultCertificate`.
    Default,
}

/// How many certificate changes were applied and refused since start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReloadStats {
    /// New certificates stored (Secret or file).
    pub reloads: u64,
    /// New PEM refused (bad PEM, mismatched key, unreadable file).
    pub failures: u64,
}

/// The certificate sources of every TLS entry point. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct CertSources {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    state: Mutex<State>,
    reloads: AtomicU64,
    failures: AtomicU64,
    generation: AtomicU64,
    changed: tokio::sync::watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct State {
    secrets: BTreeMap<ObjectKey, SecretCert>,
    entry_points: BTreeMap<String, EntryPointCerts>,
    generated: Option<LoadedCert>,
}

#[derive(Debug)]
struct SecretCert {
    /// The last data seen, good or bad.
    data: PemPair,
    /// Whether that data was good.
    ok: bool,
    /// The last good certificate.
    good: Option<LoadedCert>,
    /// The hosts it may serve (`None`: every name of the certificate).
    scope: Option<HostScope>,
}

/// What applying one Secret did: whether the served set changed, and why
/// new data was refused.
struct Applied {
    changed: bool,
    refused: Option<TlsError>,
}

#[derive(Debug)]
struct EntryPointCerts {
    handle: CertHandle,
    files: BTreeMap<CertSlot, CertEntry>,
}

impl CertSources {
    /// No entry point, no certificate.
    pub fn new() -> CertSources {
        CertSources::default()
    }

    /// Registers a TLS entry point and returns its handle, which every
    /// change to its certificates is stored in. Registering a name twice
    /// returns the same handle.
    pub fn add_entry_point(&self, name: &str) -> CertHandle {
        let mut state = self.lock();
        let handle = match state.entry_points.get(name) {
            Some(existing) => existing.handle.clone(),
            None => {
                let handle: CertHandle = Arc::new(ArcSwap::from_pointee(CertSet::default()));
                let certs = EntryPointCerts {
                    handle: handle.clone(),
                    files: BTreeMap::new(),
                };
                state.entry_points.insert(name.to_owned(), certs);
                handle
            }
        };
        self.rebuild(&state);
        handle
    }

    /// The handle of a registered entry point.
    pub fn handle(&self, entry_point: &str) -> Option<CertHandle> {
        self.lock()
            .entry_points
            .get(entry_point)
            .map(|ep| ep.handle.clone())
    }

    /// Every entry point's current set, by name (for the admin API).
    pub fn snapshots(&self) -> Vec<(String, Arc<CertSet>)> {
        self.lock()
            .entry_points
            .iter()
            .map(|(name, ep)| (name.clone(), ep.handle.load_full()))
            .collect()
    }

    /// Sets (`Some((tls.crt, tls.key))`) or removes (`None`) a Secret's
    /// certificate, served for **every** name it holds (no [`HostScope`]):
    /// for callers that vouch for the certificate's names. The Kubernetes
    /// provider uses [`CertSources::sync_secrets`], which limits each Secret
    /// to its Ingresses' hosts. Bad PEM or a key that does not match the
    /// certificate keeps the Secret's last good certificate serving and
    /// returns the error, for the caller to log and report as an Event.
    /// Setting the same data again changes nothing.
    pub fn set_secret(&self, key: ObjectKey, data: Option<(Vec<u8>, Vec<u8>)>) -> Result<(), TlsError> {
        let mut state = self.lock();
        let applied = self.apply_secret(&mut state, key, None, data);
        if applied.changed {
            self.rebuild(&state);
        }
        applied.refused.map_or(Ok(()), Err)
    }

    /// Makes the Secret certificates exactly `secrets` (the TLS Secrets of
    /// the served Ingresses that exist, each with the hosts it may serve):
    /// sets each, removes the others, and rebuilds once. Returns the Secrets
    /// whose new data was refused (their last good certificate keeps
    /// serving, for the new hosts).
    pub fn sync_secrets(
        &self,
        secrets: impl IntoIterator<Item = (ObjectKey, HostScope, (Vec<u8>, Vec<u8>))>,
    ) -> Vec<(ObjectKey, TlsError)> {
        let mut state = self.lock();
        let mut changed = false;
        let mut errors = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (key, scope, data) in secrets {
            seen.insert(key.clone());
            let applied = self.apply_secret(&mut state, key.clone(), Some(scope), Some(data));
            changed |= applied.changed;
            if let Some(error) = applied.refused {
                errors.push((key, error));
            }
        }
        let before = state.secrets.len();
        state.secrets.retain(|key, _| seen.contains(key));
        changed |= state.secrets.len() != before;
        if changed {
            self.rebuild(&state);
        }
        errors
    }

    /// Records the certificate generated at start, which entry points
    /// without a configured default serve for unknown names (for the admin
    /// API; it is never picked by SNI).
    pub fn set_generated(&self, cert: LoadedCert) {
        self.lock().generated = Some(cert);
    }

    /// The certificate generated at start, once recorded.
    pub fn generated(&self) -> Option<LoadedCert> {
        self.lock().generated.clone()
    }

    /// Changes since start.
    pub fn stats(&self) -> ReloadStats {
        ReloadStats {
            reloads: self.inner.reloads.load(Ordering::Relaxed),
            failures: self.inner.failures.load(Ordering::Relaxed),
        }
    }

    /// A receiver that sees a new generation number after each rebuild (to
    /// refresh certificate metrics, for instance).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    /// Sets or clears a config-file certificate of an entry point.
    pub(crate) fn set_file(&self, entry_point: &str, slot: CertSlot, entry: Option<CertEntry>) {
        let mut state = self.lock();
        let Some(ep) = state.entry_points.get_mut(entry_point) else {
            return;
        };
        match entry {
            Some(entry) => {
                tracing::info!(
                    entry_point,
                    source = ?entry.source,
                    subject = %entry.cert.subject,
                    names = ?entry.cert.names,
                    "Loaded certificate"
                );
                ep.files.insert(slot, entry);
                self.inner.reloads.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                ep.files.remove(&slot);
            }
        }
        self.rebuild(&state);
    }

    /// Counts a refused certificate change.
    pub(crate) fn record_failure(&self) {
        self.inner.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Applies one Secret's data and scope.
    fn apply_secret(
        &self,
        state: &mut State,
        key: ObjectKey,
        scope: Option<HostScope>,
        data: Option<PemPair>,
    ) -> Applied {
        let Some(data) = data else {
            let changed = state.secrets.remove(&key).is_some_and(|old| old.good.is_some());
            return Applied {
                changed,
                refused: None,
            };
        };
        if let Some(old) = state.secrets.get_mut(&key).filter(|old| old.data == data) {
            // Same bytes as last time: nothing to serve anew unless the
            // hosts changed, and a refusal was counted already; parse again
            // only to return the error.
            let changed = old.scope != scope && old.good.is_some();
            old.scope = scope;
            let refused = if old.ok {
                None
            } else {
                parse_pair(&data.0, &data.1).err()
            };
            return Applied { changed, refused };
        }
        match parse_pair(&data.0, &data.1) {
            Ok(cert) => {
                tracing::info!(secret = %key, subject = %cert.subject, names = ?cert.names, "Loaded certificate");
                let secret = SecretCert {
                    data,
                    ok: true,
                    good: Some(cert),
                    scope,
                };
                state.secrets.insert(key, secret);
                self.inner.reloads.fetch_add(1, Ordering::Relaxed);
                Applied {
                    changed: true,
                    refused: None,
                }
            }
            Err(e) => {
                self.record_failure();
                let old = state.secrets.remove(&key);
                let changed = old
                    .as_ref()
                    .is_some_and(|old| old.good.is_some() && old.scope != scope);
                let secret = SecretCert {
                    data,
                    ok: false,
                    good: old.and_then(|old| old.good),
                    scope,
                };
                state.secrets.insert(key, secret);
                Applied {
                    changed,
                    refused: Some(e),
                }
            }
        }
    }

    /// Rebuilds and stores every entry point's set.
    fn rebuild(&self, state: &MutexGuard<'_, State>) {
        let secrets: Vec<(CertEntry, Option<HostScope>)> = state
            .secrets
            .iter()
            .filter_map(|(key, secret)| {
                let entry = CertEntry {
                    cert: secret.good.clone()?,
                    source: CertSource::Secret(key.clone()),
                };
                Some((entry, secret.scope.clone()))
            })
            .collect();
        for ep in state.entry_points.values() {
            let mut entries = secrets.clone();
            entries.extend(
                ep.files
                    .iter()
                    .filter(|(slot, _)| **slot != CertSlot::Default)
                    .map(|(_, entry)| (entry.clone(), None)),
            );
            let default = ep.files.get(&CertSlot::Default).cloned();
            ep.handle
                .store(Arc::new(CertSet::build_scoped(entries).with_default(default)));
        }
        let generation = self.inner.generation.fetch_add(1, Ordering::Relaxed) + 1;
        self.inner.changed.send_replace(generation);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data (every
        // mutation is a single insert/remove), so poisoning is ignored.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
