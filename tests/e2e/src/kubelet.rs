//! The part of the kubelet the walkthrough relies on and kube-sim lacks: a
//! Secret volume. The walkthrough's DaemonSet mounts Secret `traefik-cert` at
//! `/ssl` and Traefik reads `/ssl/tls.crt`; on renewal the kubelet rewrites
//! the files the way its `AtomicWriter` does (kubernetes
//! `pkg/volume/util/atomic_writer.go`): the data goes into a fresh
//! timestamped directory `..2006_01_02_15_04_05.NNN`, a symlink `..data_tmp`
//! to it is renamed over `..data` (one atomic step), each key is a symlink
//! `KEY -> ..data/KEY`, and the old directory is removed. A reader sees the
//! old files or the new ones, never a mix — provided it watches the
//! directory, not the file.

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use futures::StreamExt as _;
use k8s_openapi::api::core::v1::Secret;
use kube::api::Api;
use kube::runtime::{WatchStreamExt as _, watcher};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::Error;

const DATA_DIR: &str = "..data";
const DATA_DIR_TMP: &str = "..data_tmp";

/// Writes `files` into `dir` as the kubelet's AtomicWriter does. Returns
/// `false`, writing nothing, when the directory already holds exactly them.
pub fn write_atomically(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<bool, Error> {
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::WriteFile { path, source }
    };
    std::fs::create_dir_all(dir).map_err(write_error(dir))?;
    let data_link = dir.join(DATA_DIR);
    let old = std::fs::read_link(&data_link).ok();
    if let Some(old) = &old
        && current(&dir.join(old)) == *files
    {
        return Ok(false);
    }
    let stamped = dir.join(timestamped_name(SystemTime::now()));
    std::fs::create_dir(&stamped).map_err(write_error(&stamped))?;
    for (key, contents) in files {
        let path = stamped.join(key);
        std::fs::write(&path, contents).map_err(write_error(&path))?;
    }
    let tmp = dir.join(DATA_DIR_TMP);
    let _ = std::fs::remove_file(&tmp);
    let target = stamped.file_name().map(PathBuf::from).unwrap_or_default();
    symlink(&target, &tmp).map_err(write_error(&tmp))?;
    std::fs::rename(&tmp, &data_link).map_err(write_error(&data_link))?;
    for key in files.keys() {
        let visible = dir.join(key);
        if std::fs::symlink_metadata(&visible).is_err() {
            symlink(Path::new(DATA_DIR).join(key), &visible).map_err(write_error(&visible))?;
        }
    }
    remove_stale_keys(dir, files)?;
    if let Some(old) = old {
        let old = dir.join(old);
        std::fs::remove_dir_all(&old).map_err(write_error(&old))?;
    }
    Ok(true)
}

/// The files of a data directory, as written.
fn current(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            Some((name, std::fs::read(entry.path()).ok()?))
        })
        .collect()
}

/// Removes the user-visible symlinks of keys no longer in the payload.
fn remove_stale_keys(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::ReadFile {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("..") && !files.contains_key(&name) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|source| Error::WriteFile { path, source })?;
        }
    }
    Ok(())
}

/// `..2006_01_02_15_04_05.NNNNNNNNN` (UTC), the kubelet's layout, with the
/// nanoseconds standing in for the random suffix of `os.MkdirTemp`.
fn timestamped_name(now: SystemTime) -> String {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "..{year:04}_{month:02}_{day:02}_{:02}_{:02}_{:02}.{:09}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_nanos()
    )
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's
/// `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A Secret mounted as a directory, kept in sync by a watch, as the kubelet
/// keeps a pod's Secret volume. The directory exists from the start, as a
/// mount point does; the Secret may not exist yet (the walkthrough's is
/// created by the issuance itself, as with an `optional: true` volume): the
/// directory then stays empty until it does. Deleting the Secret leaves the
/// files, as it does in a running pod. Stops with the value.
#[derive(Debug)]
pub struct SecretVolume {
    dir: PathBuf,
    writes: watch::Receiver<u64>,
    task: JoinHandle<()>,
}

impl SecretVolume {
    /// Mounts Secret `namespace/name` at `dir`, creating the directory.
    pub fn mount(client: kube::Client, namespace: &str, name: &str, dir: &Path) -> Result<Self, Error> {
        std::fs::create_dir_all(dir).map_err(|source| Error::WriteFile {
            path: dir.to_path_buf(),
            source,
        })?;
        let api: Api<Secret> = Api::namespaced(client, namespace);
        let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
        let (sender, writes) = watch::channel(0);
        let target = dir.to_path_buf();
        let secret = format!("{namespace}/{name}");
        let task = tokio::spawn(async move {
            let mut stream = watcher(api, config).default_backoff().applied_objects().boxed();
            while let Some(event) = stream.next().await {
                let payload = match event {
                    Ok(object) => payload(&object),
                    Err(error) => {
                        tracing::warn!(%secret, %error, "Watching the mounted Secret failed, retrying");
                        continue;
                    }
                };
                match write_atomically(&target, &payload) {
                    Ok(true) => {
                        tracing::info!(%secret, dir = %target.display(), "Wrote the Secret's files");
                        sender.send_modify(|count| *count += 1);
                    }
                    Ok(false) => {}
                    Err(error) => tracing::warn!(%secret, %error, "Cannot write the Secret's files"),
                }
            }
        });
        Ok(Self {
            dir: dir.to_path_buf(),
            writes,
            task,
        })
    }

    /// The mount directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many times the files were (re)written so far.
    pub fn writes(&self) -> u64 {
        *self.writes.borrow()
    }

    /// Waits until the files were written more than `seen` times.
    pub async fn written_after(&mut self, seen: u64) -> u64 {
        match self.writes.wait_for(|count| *count > seen).await {
            Ok(count) => *count,
            Err(_) => seen,
        }
    }
}

impl Drop for SecretVolume {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The files a Secret volume holds: one per data key.
fn payload(secret: &Secret) -> BTreeMap<String, Vec<u8>> {
    secret
        .data
        .iter()
        .flatten()
        .map(|(key, value)| (key.clone(), value.0.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pebble::process::ScratchDir;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn writes_keys_as_links_into_a_data_dir_swapped_atomically() {
        let scratch = ScratchDir::create("passerelle-kubelet").expect("scratch");
        let dir = scratch.path();
        assert!(write_atomically(dir, &files(&[("tls.crt", "one"), ("tls.key", "k1")])).unwrap());
        assert_eq!(
            std::fs::read_link(dir.join("tls.crt")).unwrap(),
            Path::new("..data/tls.crt")
        );
        let first = std::fs::read_link(dir.join(DATA_DIR)).unwrap();
        assert!(first.to_string_lossy().starts_with("..20"), "{first:?}");
        assert_eq!(std::fs::read_to_string(dir.join("tls.crt")).unwrap(), "one");

        assert!(write_atomically(dir, &files(&[("tls.crt", "two"), ("ca.crt", "ca")])).unwrap());
        let second = std::fs::read_link(dir.join(DATA_DIR)).unwrap();
        assert_ne!(first, second);
        assert!(!dir.join(&first).exists(), "the old data directory is removed");
        assert_eq!(std::fs::read_to_string(dir.join("tls.crt")).unwrap(), "two");
        assert_eq!(std::fs::read_to_string(dir.join("ca.crt")).unwrap(), "ca");
        assert!(
            std::fs::symlink_metadata(dir.join("tls.key")).is_err(),
            "a removed key goes"
        );
        assert!(!dir.join(DATA_DIR_TMP).exists());
    }

    #[test]
    fn the_same_payload_is_not_rewritten() {
        let scratch = ScratchDir::create("passerelle-kubelet").expect("scratch");
        let payload = files(&[("tls.crt", "one")]);
        assert!(write_atomically(scratch.path(), &payload).unwrap());
        let first = std::fs::read_link(scratch.path().join(DATA_DIR)).unwrap();
        assert!(!write_atomically(scratch.path(), &payload).unwrap());
        assert_eq!(std::fs::read_link(scratch.path().join(DATA_DIR)).unwrap(), first);
    }

    #[test]
    fn timestamps_use_the_kubelets_layout() {
        let at = UNIX_EPOCH + std::time::Duration::new(1_709_251_199, 5);
        assert_eq!(timestamped_name(at), "..2024_02_29_23_59_59.000000005");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }
}
