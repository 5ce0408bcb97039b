//! The walkthrough's whole system on one machine, every process real:
//! kube-sim (the API server, loopback endpoints allowed, optionally with
//! RBAC), pebble and pebble-challtestsrv (every name → 127.0.0.1), the
//! operator, the proxy (the walkthrough's `traefik.toml`, its `http` entry
//! point on pebble's `httpPort`, the certificate read from the files of
//! Secret `traefik-cert`), an echo backend,
//! and a [`SecretVolume`] playing the kubelet for the proxy's `/ssl` mount.
//! The CRDs of `deploy/crds/` are applied with kubectl; the examples of
//! `deploy/examples/` are rendered for this run and applied on request.
//! Used by the end-to-end tests and by `./demo`; everything stops with the
//! value.

mod launch;
mod ops;
pub mod rbac;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine as _;

pub use self::launch::Ports;
use self::launch::{OperatorArgs, create_dir, local, wait_until};
use self::rbac::Accounts;
use crate::binaries::{Binaries, workspace_root};
use crate::client::{Fetched, TlsClient, http_get, probe};
use crate::examples::{example_dir, render_dir};
use crate::kubectl::Kubectl;
use crate::kubelet::SecretVolume;
use crate::pebble::process::{Process, ScratchDir};
use crate::{Error, Pebble, PebbleOptions};

pub use self::ops::error_chain;

/// The namespace of the programs (their ServiceAccounts without RBAC).
const SYSTEM_NAMESPACE: &str = "passerelle";

/// How to start the stack.
#[derive(Clone, Debug)]
pub struct StackOptions {
    /// The programs to run.
    pub binaries: Binaries,
    /// Where kubeconfigs, logs, rendered manifests and the mounted Secret go;
    /// `None`: a temporary directory removed with the stack.
    pub dir: Option<PathBuf>,
    /// The domain of the examples' hosts (`meltingpoc.DOMAIN`).
    pub domain: String,
    /// The proxy's HTTP entry point (pebble validates there); 0: a free port.
    pub http_port: u16,
    /// The proxy's HTTPS entry point; 0: a free port.
    pub https_port: u16,
    /// The proxy's admin listener; 0: a free port.
    pub web_port: u16,
    /// Run kube-sim with `--authorization rbac`, the operator and the proxy
    /// with the ServiceAccounts of `deploy/manifests/passerelle.yaml`.
    pub rbac: bool,
    /// `RUST_LOG` of the operator and the proxy.
    pub log_filter: String,
}

impl StackOptions {
    /// Free ports, a temporary directory, no RBAC, domain
    /// `k8.wildwidewest.test`.
    pub fn new(binaries: Binaries) -> Self {
        Self {
            binaries,
            dir: None,
            domain: "k8.wildwidewest.test".to_string(),
            http_port: 0,
            https_port: 0,
            web_port: 0,
            rbac: false,
            log_filter: "info".to_string(),
        }
    }
}

/// The running stack. Fields drop in order: the programs stop before the
/// API server and the CA, the directory goes last.
pub struct Stack {
    proxy: Process,
    operator: Process,
    echo: Process,
    volume: SecretVolume,
    pebble: Pebble,
    kube_sim: Process,
    client: kube::Client,
    kubectl: Kubectl,
    tls: TlsClient,
    ports: Ports,
    domain: String,
    dir: PathBuf,
    roots_path: PathBuf,
    roots_pem: String,
    accounts: Option<Accounts>,
    _scratch: Option<ScratchDir>,
}

impl Stack {
    /// Starts everything and waits until each program serves. The examples
    /// are rendered (into `manifests/`) but not applied.
    pub async fn start(opts: StackOptions) -> Result<Self, Error> {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let (dir, scratch) = match &opts.dir {
            Some(dir) => (create_dir(dir.clone())?, None),
            None => {
                let scratch = ScratchDir::create("passerelle-stack")?;
                (scratch.path().to_path_buf(), Some(scratch))
            }
        };
        let logs = create_dir(dir.join("logs"))?;
        let ports = Ports::choose(opts.http_port, opts.https_port, opts.web_port)?;
        let accounts = if opts.rbac {
            Some(Accounts::from_manifest(&rbac::install_manifest())?)
        } else {
            None
        };

        let kubeconfig = dir.join("kubeconfig");
        let (mut kube_sim, admin) = launch::kube_sim(
            &opts.binaries.kube_sim,
            &logs,
            &kubeconfig,
            ports.kube_sim,
            accounts.as_ref(),
        )
        .await?;
        let client = launch::client(&admin, &kubeconfig, &mut kube_sim).await?;
        let kubectl = Kubectl::find(&kubeconfig, &dir.join("kubectl-cache"))?;
        kubectl
            .ok(
                &[
                    "apply",
                    "-f",
                    &workspace_root().join("deploy/crds").display().to_string(),
                ],
                None,
            )
            .await?;
        let (operator_config, proxy_config, namespace) = match &accounts {
            Some(accounts) => {
                let manifest = rbac::install_manifest();
                kubectl
                    .ok(&["apply", "-f", &manifest.display().to_string()], None)
                    .await?;
                let operator = write(
                    &dir,
                    "kubeconfig-operator",
                    &rbac::with_token(&admin, &accounts.operator.token, &kubeconfig)?,
                )?;
                let proxy = write(
                    &dir,
                    "kubeconfig-proxy",
                    &rbac::with_token(&admin, &accounts.proxy.token, &kubeconfig)?,
                )?;
                (operator, proxy, accounts.operator.namespace.clone())
            }
            None => {
                kubectl
                    .ok(&["create", "namespace", SYSTEM_NAMESPACE], None)
                    .await?;
                (
                    kubeconfig.clone(),
                    kubeconfig.clone(),
                    SYSTEM_NAMESPACE.to_string(),
                )
            }
        };

        let pebble = Pebble::start(PebbleOptions::new(ports.http)).await?;
        let roots_pem = pebble.issuing_roots_pem().await?;
        let roots_path = write(&dir, "pebble-roots.pem", &roots_pem)?;
        let values = values(&pebble, &opts.domain, ports, &dir.join("ssl"));
        for example in ["walkthrough", "v1"] {
            render_dir(
                &example_dir(example),
                &dir.join("manifests").join(example),
                &values,
            )?;
        }

        let mut echo = launch::echo(&opts.binaries.echo, ports.backend, &logs)?;
        let volume = SecretVolume::mount(client.clone(), "default", "traefik-cert", &dir.join("ssl"))?;
        let mut operator = launch::operator(
            &OperatorArgs {
                binary: &opts.binaries.operator,
                kubeconfig: &operator_config,
                namespace: &namespace,
                ports,
                solver_ip: launch::solver_ip(),
                log_filter: &opts.log_filter,
            },
            &logs,
        )?;
        let configfile = dir.join("manifests/walkthrough/traefik.toml");
        let mut proxy = launch::proxy(
            &opts.binaries.proxy,
            &proxy_config,
            &configfile,
            ports,
            &opts.log_filter,
            &logs,
        )?;
        wait_until(&mut echo, || probing(local(ports.backend), "/ready")).await?;
        wait_until(&mut operator, || probing(local(ports.operator_admin), "/healthz")).await?;
        wait_until(&mut proxy, || probing(local(ports.web), "/ping")).await?;
        tracing::info!(dir = %dir.display(), "The stack is up");
        Ok(Self {
            proxy,
            operator,
            echo,
            volume,
            pebble,
            kube_sim,
            client,
            kubectl,
            tls: TlsClient::new(&roots_pem)?,
            ports,
            domain: opts.domain,
            dir,
            roots_path,
            roots_pem,
            accounts,
            _scratch: scratch,
        })
    }

    /// The cluster admin's kube client.
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// kubectl as the cluster admin.
    pub fn kubectl(&self) -> &Kubectl {
        &self.kubectl
    }

    /// The ports in use.
    pub fn ports(&self) -> Ports {
        self.ports
    }

    /// The stack's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The CA pebble started with.
    pub fn pebble(&self) -> &Pebble {
        &self.pebble
    }

    /// The Secret volume the proxy's certificate files come from.
    pub fn volume(&mut self) -> &mut SecretVolume {
        &mut self.volume
    }

    /// The ServiceAccounts in use under RBAC.
    pub fn accounts(&self) -> Option<&Accounts> {
        self.accounts.as_ref()
    }

    /// The file holding the roots issued certificates chain to (`curl --cacert`).
    pub fn roots_path(&self) -> &Path {
        &self.roots_path
    }

    /// The roots issued certificates chain to, PEM.
    pub fn roots_pem(&self) -> &str {
        &self.roots_pem
    }

    /// `NAME.DOMAIN`.
    pub fn host(&self, name: &str) -> String {
        format!("{name}.{}", self.domain)
    }

    /// The proxy's HTTPS entry point.
    pub fn https_addr(&self) -> SocketAddr {
        local(self.ports.https)
    }

    /// `https://HOST:PORT/PATH` as a person types it.
    pub fn https_url(&self, host: &str, path: &str) -> String {
        format!("https://{host}:{}{path}", self.ports.https)
    }

    /// `GET https://HOST/PATH` through the proxy, trusting pebble's roots,
    /// on a new connection.
    pub async fn https(&self, host: &str, path: &str) -> Result<Fetched, Error> {
        self.tls.get(self.https_addr(), host, path).await
    }

    /// `GET http://HOST/PATH` through the proxy's HTTP entry point.
    pub async fn http(&self, host: &str, path: &str) -> Result<Fetched, Error> {
        http_get(local(self.ports.http), host, path).await
    }

    /// Peak resident memory (VmHWM) of the operator and the proxy, KiB.
    pub fn peak_rss_kib(&self) -> (Option<u64>, Option<u64>) {
        (peak_rss(self.operator.id()), peak_rss(self.proxy.id()))
    }

    /// Every process the stack started, by program name.
    pub fn pids(&self) -> Vec<(&'static str, u32)> {
        let [pebble, challtestsrv] = self.pebble.pids();
        let mut pids: Vec<(&'static str, u32)> = [&self.kube_sim, &self.operator, &self.proxy, &self.echo]
            .into_iter()
            .map(|p| (p.binary(), p.id()))
            .collect();
        pids.extend([("pebble", pebble), ("pebble-challtestsrv", challtestsrv)]);
        pids
    }

    /// The log files of the programs, by name.
    pub fn log_files(&self) -> Vec<(&'static str, PathBuf)> {
        [&self.kube_sim, &self.operator, &self.proxy, &self.echo]
            .into_iter()
            .map(|p| (p.binary(), p.log_path().to_path_buf()))
            .collect()
    }

    /// Everything the programs printed, for a failing test.
    pub fn logs(&self) -> String {
        let programs = [&self.kube_sim, &self.operator, &self.proxy, &self.echo];
        let mut text: Vec<String> = programs.iter().map(|p| p.log()).collect();
        text.push(self.pebble.logs());
        text.join("\n")
    }
}

impl std::fmt::Debug for Stack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stack")
            .field("dir", &self.dir)
            .field("ports", &self.ports)
            .finish_non_exhaustive()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("stack in {}:\n{}", self.dir.display(), self.logs());
        }
    }
}

/// The placeholders of the examples for this run.
fn values(pebble: &Pebble, domain: &str, ports: Ports, ssl: &Path) -> BTreeMap<String, String> {
    let ca = base64::engine::general_purpose::STANDARD.encode(pebble.listener_ca_pem());
    [
        ("ACME_SERVER", pebble.directory_url()),
        ("ACME_CA_BUNDLE", ca),
        ("DOMAIN", domain.to_string()),
        ("BACKEND_ADDRESS", "127.0.0.1".to_string()),
        ("BACKEND_PORT", ports.backend.to_string()),
        ("SSL_DIR", ssl.display().to_string()),
        ("HTTP_ADDRESS", local(ports.http).to_string()),
        ("HTTPS_ADDRESS", local(ports.https).to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// [`probe`] with its error on one line, for [`wait_until`].
async fn probing(addr: SocketAddr, path: &str) -> Result<(), String> {
    probe(addr, path).await.map_err(|e| error_chain(&e))
}

/// Writes `dir/name` and returns its path.
fn write(dir: &Path, name: &str, contents: &str) -> Result<PathBuf, Error> {
    let path = dir.join(name);
    std::fs::write(&path, contents).map_err(|source| Error::WriteFile {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// A process's peak resident set size (`VmHWM` in `/proc/PID/status`), KiB.
pub fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}
