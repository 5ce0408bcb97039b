//! Starting kube-sim in-process for a test, with a kube-rs client and a
//! kubectl 1.37 bound to it.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::Command;

use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube_sim::{Config, KubeSim};

/// A running kube-sim with what a test needs to talk to it.
pub struct Harness {
    pub sim: KubeSim,
    pub client: Client,
    dir: tempdir::Dir,
}

mod tempdir {
    use std::path::{Path, PathBuf};

    /// A directory removed on drop.
    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new(prefix: &str) -> Self {
            let path = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&path).expect("temp dir");
            Self(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// kubectl 1.37: `$KUBECTL`, else the one `./test` installs. Fails the test
/// with the setup command when it is missing or another version.
pub fn kubectl_path() -> PathBuf {
    let path = std::env::var_os("KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/tools/venv/bin/kubectl"));
    let version = Command::new(&path).args(["version", "--client"]).output();
    match version {
        Ok(out) if String::from_utf8_lossy(&out.stdout).contains("v1.37") => path,
        _ => panic!(
            "kubectl 1.37 is needed at {} (or $KUBECTL): run `scripts/install-test-tools` (the README's `./test` does)",
            path.display()
        ),
    }
}

/// A kube-rs client for a kubeconfig.
pub async fn client_for(kubeconfig: &str) -> Client {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let kc = Kubeconfig::from_yaml(kubeconfig).expect("kubeconfig parses");
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("kube config");
    Client::try_from(config).expect("kube client")
}

impl Harness {
    /// kube-sim with default settings.
    pub async fn start() -> Self {
        Self::with(Config::default()).await
    }

    /// kube-sim with `config`.
    pub async fn with(config: Config) -> Self {
        let sim = KubeSim::start(config).await.expect("kube-sim starts");
        let client = client_for(&sim.kubeconfig()).await;
        let dir = tempdir::Dir::new("kube-sim-test");
        std::fs::write(dir.path().join("kubeconfig"), sim.kubeconfig()).expect("write kubeconfig");
        Self { sim, client, dir }
    }

    /// A working directory for this test.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs kubectl with this kube-sim's kubeconfig and a cache directory of
    /// its own; returns (success, stdout, stderr).
    pub fn kubectl(&self, args: &[&str]) -> (bool, String, String) {
        self.kubectl_with(&self.dir.path().join("kubeconfig"), args, None)
    }

    /// Runs kubectl with `stdin`.
    pub fn kubectl_stdin(&self, args: &[&str], stdin: &str) -> (bool, String, String) {
        self.kubectl_with(&self.dir.path().join("kubeconfig"), args, Some(stdin))
    }

    /// Runs kubectl with another kubeconfig.
    pub fn kubectl_with(
        &self,
        kubeconfig: &Path,
        args: &[&str],
        stdin: Option<&str>,
    ) -> (bool, String, String) {
        use std::io::Write as _;
        let mut cmd = Command::new(kubectl_path());
        cmd.arg("--kubeconfig")
            .arg(kubeconfig)
            .arg("--cache-dir")
            .arg(self.dir.path().join("kubectl-cache"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("kubectl runs");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())
                .expect("write stdin");
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().expect("kubectl finishes");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs kubectl and fails the test when it fails; returns stdout.
    pub fn kubectl_ok(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.kubectl(args);
        assert!(ok, "kubectl {args:?} failed:\n{err}\n{out}");
        out
    }

    /// `kubectl apply -f deploy/crds/` and waits for the CRDs to be
    /// established.
    pub fn install_crds(&self) {
        let crds = repo().join("deploy/crds");
        self.kubectl_ok(&["apply", "-f", crds.to_str().expect("utf-8 path")]);
        self.kubectl_ok(&[
            "wait",
            "--for=condition=Established",
            "--timeout=30s",
            "crd",
            "--all",
        ]);
    }
}
