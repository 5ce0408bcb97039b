//! Config-file certificates, loaded at start and reloaded when they change.
//!
//! A Secret mounted as a volume is rewritten by the kubelet's atomic writer:
//! it writes a new timestamped directory, points a `..data_tmp` symlink at
//! it and renames that over `..data`, to which `tls.crt` and `tls.key` are
//! symlinks. The files themselves are never written, so watching them sees
//! nothing: the watcher watches their DIRECTORIES (inotify through
//! `notify`), and on any change there re-reads every certificate, applying
//! only those whose bytes changed.
//!
//! A slow poll backs the notifications up: it catches what inotify cannot
//! see (a directory that does not exist yet, network filesystems, a full
//! inotify watch table) and retries watching directories that appeared.
//! Reading a few small files every few seconds costs nothing next to serving
//! an old certificate until a restart.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::Watcher as _;
use tokio::sync::mpsc;

use super::sources::CertSlot;
use super::{CertEntry, CertSource, CertSources, TlsError, parse_pair};
use crate::config::{CertSpec, PemSource};

/// Called as each certificate file is applied (`true`) or refused
/// (`false`), from the watcher's thread: `traefik_config_reloads_total` and
/// `traefik_config_reloads_failure_total` count them at once.
pub type ReloadHook = Arc<dyn Fn(bool) + Send + Sync>;

/// How files are watched.
#[derive(Clone)]
pub struct WatchOptions {
    /// Use inotify (through `notify`) on the certificates' directories.
    pub notify: bool,
    /// Re-read every certificate this often, whatever notifications say.
    pub poll_interval: Duration,
    /// After a notification, wait this long for the rest of a burst (the
    /// kubelet's swap is several operations) before reading.
    pub debounce: Duration,
    /// Told of every certificate applied or refused, the first load included.
    pub on_reload: Option<ReloadHook>,
}

impl std::fmt::Debug for WatchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchOptions")
            .field("notify", &self.notify)
            .field("poll_interval", &self.poll_interval)
            .field("debounce", &self.debounce)
            .field("on_reload", &self.on_reload.is_some())
            .finish()
    }
}

impl Default for WatchOptions {
    fn default() -> WatchOptions {
        WatchOptions {
            notify: true,
            poll_interval: Duration::from_secs(10),
            debounce: Duration::from_millis(20),
            on_reload: None,
        }
    }
}

/// One config-file certificate to keep loaded.
#[derive(Clone, Debug)]
pub struct FileCert {
    /// The entry point it belongs to.
    pub entry_point: String,
    /// Its place in the entry point's config.
    pub slot: CertSlot,
    /// Its files (or inline PEM).
    pub spec: CertSpec,
}

impl FileCert {
    /// How the admin API names its source: the certificate file, or the
    /// config key of inline PEM.
    pub fn label(&self) -> String {
        match (&self.spec.cert, self.slot) {
            (PemSource::File(path), _) => path.display().to_string(),
            (PemSource::Inline(_), CertSlot::Certificate(i)) => {
                format!("inline:entryPoints.{}.tls.certificates[{i}]", self.entry_point)
            }
            (PemSource::Inline(_), CertSlot::Default) => {
                format!("inline:entryPoints.{}.tls.defaultCertificate", self.entry_point)
            }
        }
    }

    fn directories(&self) -> impl Iterator<Item = PathBuf> + '_ {
        [&self.spec.cert, &self.spec.key]
            .into_iter()
            .filter_map(|source| {
                let path = source.path()?;
                let dir = path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                Some(dir.to_path_buf())
            })
    }
}

/// The running watcher; dropping it stops watching.
#[derive(Debug)]
pub struct FileWatcher {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FileWatcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Loads every certificate now (a missing file is a warning: its entry
/// point serves its default certificate until the file appears), then
/// watches them in a task. Must be called within a Tokio runtime.
pub fn watch(
    certs: Vec<FileCert>,
    sources: CertSources,
    options: WatchOptions,
) -> Result<FileWatcher, TlsError> {
    let mut tracked: Vec<Tracked> = certs.into_iter().map(Tracked::new).collect();
    reload(&mut tracked, &sources, options.on_reload.as_ref());

    let (tx, rx) = mpsc::unbounded_channel();
    let directories: BTreeSet<PathBuf> = tracked.iter().flat_map(|t| t.cert.directories()).collect();
    let watcher = if options.notify && !directories.is_empty() {
        let events = tx.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // Our own reads show up as access events; only changes matter.
            if event.is_ok_and(|e| !is_read(&e.kind)) {
                let _ = events.send(());
            }
        })
        .map_err(TlsError::Watch)?;
        Some(watcher)
    } else {
        None
    };
    let mut state = WatchState {
        watcher,
        directories,
        watched: BTreeSet::new(),
        _tx: tx,
    };
    state.watch_new_directories();
    let task = tokio::spawn(run(tracked, sources, options, state, rx));
    Ok(FileWatcher { task })
}

fn is_read(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    matches!(kind, EventKind::Access(access) if *access != AccessKind::Close(AccessMode::Write))
}

struct WatchState {
    watcher: Option<notify::RecommendedWatcher>,
    directories: BTreeSet<PathBuf>,
    watched: BTreeSet<PathBuf>,
    /// Keeps the channel open when nothing else sends.
    _tx: mpsc::UnboundedSender<()>,
}

impl WatchState {
    /// Watches the directories not watched yet (they may appear later).
    fn watch_new_directories(&mut self) {
        let Some(watcher) = &mut self.watcher else {
            return;
        };
        for dir in self
            .directories
            .difference(&self.watched)
            .cloned()
            .collect::<Vec<_>>()
        {
            match watcher.watch(&dir, notify::RecursiveMode::NonRecursive) {
                Ok(()) => {
                    tracing::debug!(directory = %dir.display(), "Watching certificate directory");
                    self.watched.insert(dir);
                }
                Err(error) => {
                    tracing::debug!(directory = %dir.display(), %error, "Cannot watch certificate directory yet");
                }
            }
        }
    }
}

async fn run(
    mut tracked: Vec<Tracked>,
    sources: CertSources,
    options: WatchOptions,
    mut state: WatchState,
    mut rx: mpsc::UnboundedReceiver<()>,
) {
    let mut poll = tokio::time::interval(options.poll_interval);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    poll.tick().await;
    loop {
        tokio::select! {
            Some(()) = rx.recv() => {
                tokio::time::sleep(options.debounce).await;
                while rx.try_recv().is_ok() {}
            }
            _ = poll.tick() => state.watch_new_directories(),
        }
        let sources = sources.clone();
        let hook = options.on_reload.clone();
        let pass = tokio::task::spawn_blocking(move || {
            reload(&mut tracked, &sources, hook.as_ref());
            tracked
        });
        match pass.await {
            Ok(back) => tracked = back,
            Err(error) => {
                tracing::error!(%error, "Certificate reload failed; certificate files are no longer watched");
                return;
            }
        }
    }
}

/// A certificate, the bytes last read for it and its current problem.
struct Tracked {
    cert: FileCert,
    /// The bytes last read (served when they parsed).
    last: Option<(Vec<u8>, Vec<u8>)>,
    /// Whether a certificate was ever loaded from these files.
    loaded: bool,
    /// The problem last logged, so a lasting one is logged once.
    problem: Option<String>,
}

impl Tracked {
    fn new(cert: FileCert) -> Tracked {
        Tracked {
            cert,
            last: None,
            loaded: false,
            problem: None,
        }
    }

    /// Logs `problem` unless it is the one logged last.
    fn report(&mut self, problem: String, message: &str) {
        if self.problem.as_ref() != Some(&problem) {
            let label = self.cert.label();
            tracing::warn!(entry_point = %self.cert.entry_point, certificate = %label, problem, "{message}");
            self.problem = Some(problem);
        }
    }
}

/// What keeps serving while a certificate file cannot be used: the last
/// good certificate, or, when none was ever loaded, the entry point's
/// default (configured or generated).
fn still_serving(loaded: bool) -> &'static str {
    if loaded {
        "the last good certificate keeps serving"
    } else {
        "the entry point's default certificate is served until a good one appears"
    }
}

/// Reads every certificate and applies those whose bytes changed.
fn reload(tracked: &mut [Tracked], sources: &CertSources, hook: Option<&ReloadHook>) {
    for t in tracked {
        let mut attempts = 0;
        let loaded = loop {
            let data = match read(&t.cert.spec) {
                Ok(data) => data,
                Err(TlsError::ReadFile { path, source }) if source.kind() == std::io::ErrorKind::NotFound => {
                    let problem = format!("{} does not exist", path.display());
                    match t.loaded {
                        false => t.report(
                            problem,
                            "Certificate file does not exist yet; serving the default certificate until it appears",
                        ),
                        true => t.report(problem, "Certificate file is gone; the last good certificate keeps serving"),
                    }
                    break None;
                }
                Err(error) => {
                    let message = format!("Cannot read certificate; {}", still_serving(t.loaded));
                    t.report(chain(&error), &message);
                    break None;
                }
            };
            if t.last.as_ref() == Some(&data) {
                break None;
            }
            match parse_pair(&data.0, &data.1) {
                Ok(cert) => break Some((data, cert)),
                // The kubelet may have swapped `..data` between our two
                // reads: read again while the bytes keep changing.
                Err(_) if attempts < 3 && read(&t.cert.spec).is_ok_and(|again| again != data) => {
                    attempts += 1
                }
                Err(error) => {
                    // New bytes each time: always worth a line.
                    t.problem = None;
                    let message = format!("Refused new certificate; {}", still_serving(t.loaded));
                    t.report(chain(&error), &message);
                    sources.record_failure();
                    if let Some(hook) = hook {
                        hook(false);
                    }
                    t.last = Some(data);
                    break None;
                }
            }
        };
        if let Some((data, cert)) = loaded {
            t.last = Some(data);
            t.loaded = true;
            t.problem = None;
            let entry = CertEntry {
                cert,
                source: CertSource::File(t.cert.label()),
            };
            sources.set_file(&t.cert.entry_point, t.cert.slot, Some(entry));
            if let Some(hook) = hook {
                hook(true);
            }
        }
    }
}

/// The certificate and key bytes.
fn read(spec: &CertSpec) -> Result<(Vec<u8>, Vec<u8>), TlsError> {
    Ok((read_source(&spec.cert)?, read_source(&spec.key)?))
}

fn read_source(source: &PemSource) -> Result<Vec<u8>, TlsError> {
    match source {
        PemSource::Inline(pem) => Ok(pem.as_bytes().to_vec()),
        PemSource::File(path) => std::fs::read(path).map_err(|source| TlsError::ReadFile {
            path: path.clone(),
            source,
        }),
    }
}

fn chain(error: &dyn std::error::Error) -> String {
    crate::config::error_chain(error)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::tls::CertSlot;

    #[test]
    fn a_file_never_loaded_falls_back_to_the_default_certificate() {
        assert!(still_serving(false).contains("default certificate"));
        assert!(!still_serving(false).contains("last good"));
        assert!(still_serving(true).contains("last good"));
    }

    #[tokio::test]
    async fn the_reload_hook_hears_of_each_file_applied_or_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["a.test".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        std::fs::write(dir.path().join("good.crt"), cert.pem()).unwrap();
        std::fs::write(dir.path().join("good.key"), key.serialize_pem()).unwrap();
        std::fs::write(dir.path().join("bad.crt"), "not PEM").unwrap();
        let spec = |name: &str| CertSpec {
            cert: PemSource::File(dir.path().join(format!("{name}.crt"))),
            key: PemSource::File(dir.path().join("good.key")),
        };
        let sources = CertSources::new();
        sources.add_entry_point("https");
        let heard = Arc::new(Mutex::new(Vec::new()));
        let options = WatchOptions {
            notify: false,
            on_reload: Some({
                let heard = heard.clone();
                Arc::new(move |applied| heard.lock().unwrap().push(applied))
            }),
            ..WatchOptions::default()
        };
        let certs = ["good", "bad"]
            .iter()
            .enumerate()
            .map(|(i, name)| FileCert {
                entry_point: "https".into(),
                slot: CertSlot::Certificate(i),
                spec: spec(name),
            })
            .collect();
        let _watcher = watch(certs, sources, options).unwrap();
        assert_eq!(*heard.lock().unwrap(), [true, false]);
    }
}
