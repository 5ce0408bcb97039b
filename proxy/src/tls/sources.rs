//! Where certificates from their two origins meet: Secrets (set by the
//! Kubernetes provider, served on every TLS entry point) and config-file
//! certificates (set by the file watcher, each on its own entry point).
//!
//! Every change rebuilds the affected entry points' [`CertSet`]s and stores
//! them in their handles, so the next handshake sees it. New PEM that does
//! not parse, or whose key does not match, never replaces the last good
//! certificate of its source.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use arc_swap::ArcSwap;

use super::{CertEntry, CertHandle, CertSet, CertSource, LoadedCert, TlsError, parse_pair};
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
}

#[derive(Debug)]
struct SecretCert {
    /// The last data seen, good or bad.
    data: PemPair,
    /// Whether that data was good.
    ok: bool,
    /// The last good certificate.
    good: Option<LoadedCert>,
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
    /// certificate. Bad PEM or a key that does not match the certificate
    /// keeps the Secret's last good certificate serving and returns the
    /// error, for the caller to log and report as an Event. Setting the
    /// same data again changes nothing.
    pub fn set_secret(&self, key: ObjectKey, data: Option<(Vec<u8>, Vec<u8>)>) -> Result<(), TlsError> {
        let mut state = self.lock();
        let result = self.apply_secret(&mut state, key, data);
        if matches!(result, Ok(true)) {
            self.rebuild(&state);
        }
        result.map(|_| ())
    }

    /// Makes the Secret certificates exactly `secrets` (the TLS Secrets of
    /// the served Ingresses that exist): sets each, removes the others, and
    /// rebuilds once. Returns the Secrets whose new data was refused (their
    /// last good certificate keeps serving).
    pub fn sync_secrets(
        &self,
        secrets: impl IntoIterator<Item = (ObjectKey, (Vec<u8>, Vec<u8>))>,
    ) -> Vec<(ObjectKey, TlsError)> {
        let mut state = self.lock();
        let mut changed = false;
        let mut errors = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (key, data) in secrets {
            seen.insert(key.clone());
            match self.apply_secret(&mut state, key.clone(), Some(data)) {
                Ok(c) => changed |= c,
                Err(e) => errors.push((key, e)),
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

    /// Applies one Secret's data; `Ok(true)` when the served set changes.
    fn apply_secret(
        &self,
        state: &mut State,
        key: ObjectKey,
        data: Option<PemPair>,
    ) -> Result<bool, TlsError> {
        let Some(data) = data else {
            return Ok(state.secrets.remove(&key).is_some_and(|old| old.good.is_some()));
        };
        let unchanged = state.secrets.get(&key).filter(|old| old.data == data);
        if let Some(old) = unchanged {
            // Same bytes as last time: nothing to serve anew, and a refusal
            // was counted already; parse again only to return the error.
            return if old.ok {
                Ok(false)
            } else {
                parse_pair(&data.0, &data.1).map(|_| false)
            };
        }
        match parse_pair(&data.0, &data.1) {
            Ok(cert) => {
                tracing::info!(secret = %key, subject = %cert.subject, names = ?cert.names, "Loaded certificate");
                state.secrets.insert(
                    key,
                    SecretCert {
                        data,
                        ok: true,
                        good: Some(cert),
                    },
                );
                self.inner.reloads.fetch_add(1, Ordering::Relaxed);
                Ok(true)
            }
            Err(e) => {
                self.record_failure();
                let good = state.secrets.remove(&key).and_then(|old| old.good);
                state.secrets.insert(
                    key,
                    SecretCert {
                        data,
                        ok: false,
                        good,
                    },
                );
                Err(e)
            }
        }
    }

    /// Rebuilds and stores every entry point's set.
    fn rebuild(&self, state: &MutexGuard<'_, State>) {
        let secrets: Vec<CertEntry> = state
            .secrets
            .iter()
            .filter_map(|(key, secret)| {
                let cert = secret.good.clone()?;
                Some(CertEntry {
                    cert,
                    source: CertSource::Secret(key.clone()),
                })
            })
            .collect();
        for ep in state.entry_points.values() {
            let mut entries = secrets.clone();
            entries.extend(
                ep.files
                    .iter()
                    .filter(|(slot, _)| **slot != CertSlot::Default)
                    .map(|(_, entry)| entry.clone()),
            );
            let default = ep.files.get(&CertSlot::Default).cloned();
            ep.handle
                .store(Arc::new(CertSet::build(entries).with_default(default)));
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
