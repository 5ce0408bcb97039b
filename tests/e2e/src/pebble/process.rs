//! Child processes of the harness: finding the binaries, reserving free
//! ports, a scratch directory that disappears with the harness, and a child
//! whose output goes to a log file and which is killed when dropped (also
//! while a failing test unwinds), so no pebble outlives its test.

use std::ffi::OsString;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::Error;

/// Where Debian installs the binaries, searched after `PATH`.
const FALLBACK_DIR: &str = "/usr/bin";

/// Finds `binary` in the directories of `path` (a `PATH`-style list), then in
/// `/usr/bin`; a missing binary is an error naming the setup script, never a
/// reason to skip the test.
pub(crate) fn find_binary(binary: &'static str, path: Option<OsString>) -> Result<PathBuf, Error> {
    let mut dirs: Vec<PathBuf> = path
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.push(PathBuf::from(FALLBACK_DIR));
    dirs.into_iter()
        .map(|dir| dir.join(binary))
        .find(|candidate| candidate.is_file())
        .ok_or(Error::FindBinary { binary })
}

/// Reserves `N` distinct free TCP ports on 127.0.0.1 by binding port 0 and
/// releasing the listeners together. Another process may take a port before
/// the child binds it: the caller retries once when that happens.
pub(crate) fn reserve_ports<const N: usize>() -> Result<[u16; N], Error> {
    let listeners = (0..N)
        .map(|_| TcpListener::bind(("127.0.0.1", 0)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Error::ReservePort)?;
    let mut ports = [0; N];
    for (port, listener) in ports.iter_mut().zip(&listeners) {
        *port = listener.local_addr().map_err(Error::ReservePort)?.port();
    }
    Ok(ports)
}

/// A fresh directory under the system temporary directory, removed on drop.
#[derive(Debug)]
pub(crate) struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates a directory whose name is unique to this process and call.
    pub(crate) fn create(prefix: &str) -> Result<Self, Error> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "{prefix}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).map_err(|source| Error::WriteFile {
            path: path.clone(),
            source,
        })?;
        Ok(Self { path })
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `contents` to `name` in the directory and returns its path.
    pub(crate) fn write(&self, name: &str, contents: &[u8]) -> Result<PathBuf, Error> {
        let path = self.path.join(name);
        std::fs::write(&path, contents).map_err(|source| Error::WriteFile {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_dir_all(&self.path) {
            tracing::warn!(path = %self.path.display(), %error, "Cannot remove the scratch directory");
        }
    }
}

/// A running child whose stdout and stderr both go to one log file; killed
/// and reaped on drop.
#[derive(Debug)]
pub(crate) struct Process {
    binary: &'static str,
    child: Child,
    log: PathBuf,
}

impl Process {
    /// Starts `command` (named `binary` in errors) with its output in `log`.
    pub(crate) fn spawn(binary: &'static str, mut command: Command, log: PathBuf) -> Result<Self, Error> {
        let file = File::create(&log).map_err(|source| Error::WriteFile {
            path: log.clone(),
            source,
        })?;
        let stderr = file.try_clone().map_err(|source| Error::WriteFile {
            path: log.clone(),
            source,
        })?;
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::from(file))
            .stderr(Stdio::from(stderr))
            .spawn()
            .map_err(|source| Error::Spawn { binary, source })?;
        tracing::debug!(binary, pid = child.id(), "Started test process");
        Ok(Self { binary, child, log })
    }

    /// The binary's name.
    pub(crate) fn binary(&self) -> &'static str {
        self.binary
    }

    /// The child's process id.
    pub(crate) fn id(&self) -> u32 {
        self.child.id()
    }

    /// The file its output goes to.
    pub(crate) fn log_path(&self) -> &Path {
        &self.log
    }

    /// The exit status if the child has already exited.
    pub(crate) fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// What the child printed so far, headed by its name.
    pub(crate) fn log(&self) -> String {
        let text = std::fs::read(&self.log)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_else(|error| format!("(cannot read {}: {error})", self.log.display()));
        format!("----- {} -----\n{text}", self.binary)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // SIGKILL: neither pebble nor challtestsrv keeps state worth flushing,
        // and waiting reaps the child so no zombie outlives the test.
        if self.exited().is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binary_error_names_the_install_script() {
        let empty = ScratchDir::create("passerelle-find-binary").expect("scratch dir");
        let error = find_binary(
            "passerelle-no-such-binary",
            Some(empty.path().as_os_str().to_owned()),
        )
        .expect_err("the binary does not exist");
        assert!(
            error.to_string().contains("scripts/install-test-tools"),
            "{error}"
        );
    }

    #[test]
    fn finds_binary_in_path() {
        let dir = ScratchDir::create("passerelle-find-binary").expect("scratch dir");
        let path = dir.write("fake-tool", b"").expect("write");
        let found = find_binary("fake-tool", Some(dir.path().as_os_str().to_owned())).expect("found");
        assert_eq!(found, path);
    }

    #[test]
    fn reserved_ports_are_distinct() {
        let ports = reserve_ports::<5>().expect("ports");
        let mut sorted = ports.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 5, "{ports:?}");
    }
}
