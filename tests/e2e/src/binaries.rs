//! The workspace's programs that the end-to-end tests and the demo run as
//! processes: kube-sim, the operator, the proxy and the echo backend. The
//! demo finds them beside itself (`target/release/`); a test asks cargo to
//! build them first, in the profile the test itself was built with, because
//! cargo builds the binaries of the tested package only.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;

/// Where each program is.
#[derive(Clone, Debug)]
pub struct Binaries {
    /// `kube-sim`.
    pub kube_sim: PathBuf,
    /// `passerelle-operator`.
    pub operator: PathBuf,
    /// `passerelle-proxy`.
    pub proxy: PathBuf,
    /// `echo-backend` (this crate's).
    pub echo: PathBuf,
}

/// The packages and binaries a test builds: (package, binary).
const PROGRAMS: [(&str, &str); 3] = [
    ("kube-sim", "kube-sim"),
    ("passerelle-operator", "passerelle-operator"),
    ("passerelle-proxy", "passerelle-proxy"),
];

impl Binaries {
    /// The programs in `dir` (e.g. `target/release`), each checked to exist.
    pub fn in_dir(dir: &Path) -> Result<Self, Error> {
        let find = |name: &'static str| {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(Error::InvalidOptions(format!(
                    "{} does not exist: build the workspace first (`cargo build --release`)",
                    path.display()
                )))
            }
        };
        Ok(Self {
            kube_sim: find("kube-sim")?,
            operator: find("passerelle-operator")?,
            proxy: find("passerelle-proxy")?,
            echo: find("echo-backend")?,
        })
    }

    /// The programs beside the running executable (how the demo finds them).
    pub fn beside_current_exe() -> Result<Self, Error> {
        let exe = std::env::current_exe().map_err(|source| Error::ReadFile {
            path: PathBuf::from("/proc/self/exe"),
            source,
        })?;
        Self::in_dir(exe.parent().unwrap_or(Path::new(".")))
    }

    /// For a test of this crate: runs `cargo build` for kube-sim, the
    /// operator and the proxy in the profile of the running test executable
    /// (`target/<profile>/deps/NAME-HASH`), a no-op when they are up to
    /// date, and takes `echo` from `CARGO_BIN_EXE_echo-backend`.
    pub fn build_for_test(echo: &Path) -> Result<Self, Error> {
        let exe = std::env::current_exe().map_err(|source| Error::ReadFile {
            path: PathBuf::from("/proc/self/exe"),
            source,
        })?;
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .ok_or_else(|| Error::InvalidOptions(format!("unexpected test path {}", exe.display())))?;
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command.current_dir(workspace_root()).arg("build").arg("--bins");
        for (package, _) in PROGRAMS {
            command.args(["-p", package]);
        }
        if profile_dir.file_name().is_some_and(|name| name == "release") {
            command.arg("--release");
        }
        let output = command.output().map_err(|source| Error::Spawn {
            binary: "cargo",
            source,
        })?;
        if !output.status.success() {
            return Err(Error::Command {
                command: format!("{command:?}"),
                status: output.status,
                output: String::from_utf8_lossy(&output.stderr).into_owned(),
            });
        }
        let [kube_sim, operator, proxy] = PROGRAMS.map(|(_, binary)| profile_dir.join(binary));
        Ok(Self {
            kube_sim,
            operator,
            proxy,
            echo: echo.to_path_buf(),
        })
    }
}

/// The workspace's root directory (this crate is `tests/e2e`).
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}
