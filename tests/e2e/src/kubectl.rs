//! kubectl 1.37 bound to one kubeconfig, as a person or a script would run
//! it: `$KUBECTL` when set, else the one `scripts/install-test-tools`
//! installs into `target/tools`. A missing kubectl is an error naming that
//! script, never a reason to skip.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::Error;
use crate::binaries::workspace_root;

/// kubectl with a kubeconfig and a cache directory of its own.
#[derive(Clone, Debug)]
pub struct Kubectl {
    bin: PathBuf,
    kubeconfig: PathBuf,
    cache_dir: PathBuf,
}

/// What one kubectl run printed.
#[derive(Clone, Debug)]
pub struct Output {
    /// Whether it exited with 0.
    pub success: bool,
    /// How it exited.
    pub status: std::process::ExitStatus,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

impl Kubectl {
    /// kubectl using `kubeconfig`, with its discovery cache in `cache_dir`.
    pub fn find(kubeconfig: &Path, cache_dir: &Path) -> Result<Self, Error> {
        let bin = std::env::var_os("KUBECTL")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_root().join("target/tools/venv/bin/kubectl"));
        if !bin.is_file() {
            return Err(Error::FindBinary { binary: "kubectl" });
        }
        Ok(Self {
            bin,
            kubeconfig: kubeconfig.to_path_buf(),
            cache_dir: cache_dir.to_path_buf(),
        })
    }

    /// The kubectl binary.
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// The kubeconfig it uses.
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// The same kubectl with another kubeconfig (another user).
    pub fn with_kubeconfig(&self, kubeconfig: &Path) -> Self {
        Self {
            kubeconfig: kubeconfig.to_path_buf(),
            ..self.clone()
        }
    }

    /// Runs `kubectl ARGS` with `stdin`, waiting on a blocking thread.
    pub async fn run(&self, args: &[&str], stdin: Option<&str>) -> Result<Output, Error> {
        let mut command = Command::new(&self.bin);
        command
            .env("KUBECONFIG", &self.kubeconfig)
            .arg("--cache-dir")
            .arg(&self.cache_dir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let input = stdin.map(str::to_owned);
        let spawned = tokio::task::spawn_blocking(move || {
            let mut child = command.spawn()?;
            if let (Some(mut pipe), Some(input)) = (child.stdin.take(), input) {
                pipe.write_all(input.as_bytes())?;
            }
            child.wait_with_output()
        })
        .await
        .map_err(|join| std::io::Error::other(join.to_string()));
        let output = spawned.and_then(|result| result).map_err(|source| Error::Spawn {
            binary: "kubectl",
            source,
        })?;
        Ok(Output {
            success: output.status.success(),
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }

    /// Runs `kubectl ARGS` and returns its standard output; a non-zero exit
    /// is an error carrying what it printed.
    pub async fn ok(&self, args: &[&str], stdin: Option<&str>) -> Result<String, Error> {
        let output = self.run(args, stdin).await?;
        if output.success {
            return Ok(output.stdout);
        }
        Err(Error::Command {
            command: format!("kubectl {}", args.join(" ")),
            status: output.status,
            output: format!("{}{}", output.stdout, output.stderr),
        })
    }

    /// The command line a person can paste: `KUBECONFIG=… kubectl`.
    pub fn command_line(&self) -> String {
        format!("KUBECONFIG={} {}", self.kubeconfig.display(), self.bin.display())
    }
}
