//! Starting the programs of the stack as processes, each with its output in
//! `logs/NAME.log`, and waiting until each serves: kube-sim (its kubeconfig
//! written and the API answering), the operator (`/healthz` on its admin
//! port), the proxy (`/ping` on `--web.address`) and the echo backend.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};

use super::rbac::Accounts;
use crate::Error;
use crate::pebble::process::{Process, reserve_ports};

/// How often readiness is checked before giving up, and the pause between
/// checks (debug builds start slowly on a busy machine).
const READY_ATTEMPTS: u32 = 600;
const READY_INTERVAL: Duration = Duration::from_millis(100);

/// The local ports of one stack.
#[derive(Clone, Copy, Debug)]
pub struct Ports {
    /// The proxy's `http` entry point, also pebble's `httpPort`.
    pub http: u16,
    /// The proxy's `https` entry point.
    pub https: u16,
    /// The proxy's admin listener (`--web.address`).
    pub web: u16,
    /// The operator's admin listener (`/healthz`, `/metrics`).
    pub operator_admin: u16,
    /// The operator's HTTP-01 solver.
    pub solver: u16,
    /// The echo backend.
    pub backend: u16,
    /// kube-sim.
    pub kube_sim: u16,
}

impl Ports {
    /// The given ports, free ones where `0`.
    pub(crate) fn choose(http: u16, https: u16, web: u16) -> Result<Self, Error> {
        let free = reserve_ports::<7>()?;
        let or_free = |port: u16, index: usize| if port == 0 { free[index] } else { port };
        Ok(Self {
            http: or_free(http, 0),
            https: or_free(https, 1),
            web: or_free(web, 2),
            operator_admin: free[3],
            solver: free[4],
            backend: free[5],
            kube_sim: free[6],
        })
    }
}

/// `127.0.0.1:port`.
pub(crate) fn local(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Starts kube-sim with loopback endpoints allowed and, with `accounts`,
/// TLS, tokens and RBAC; returns it with the admin's kubeconfig.
pub(crate) async fn kube_sim(
    binary: &Path,
    logs: &Path,
    kubeconfig: &Path,
    port: u16,
    accounts: Option<&Accounts>,
) -> Result<(Process, String), Error> {
    let mut command = Command::new(binary);
    command
        .arg("--listen")
        .arg(local(port).to_string())
        .arg("--kubeconfig-out")
        .arg(kubeconfig)
        .arg("--allow-loopback-endpoints");
    if let Some(accounts) = accounts {
        // kubectl sends tokens over TLS only.
        command.args([
            "--tls",
            "--authorization",
            "rbac",
            "--token",
            &accounts.admin_token,
        ]);
        for account in [&accounts.operator, &accounts.proxy] {
            command.args(["--token-user", &account.token_user()]);
        }
    }
    let mut process = Process::spawn("kube-sim", command, logs.join("kube-sim.log"))?;
    let mut text = String::new();
    wait_until(&mut process, || {
        let read = std::fs::read_to_string(kubeconfig).unwrap_or_default();
        let found = !read.is_empty();
        if found {
            text = read;
        }
        async move {
            if found {
                Ok(())
            } else {
                Err("no kubeconfig written yet".to_string())
            }
        }
    })
    .await?;
    Ok((process, text))
}

/// A kube client for `kubeconfig`, once the API answers.
pub(crate) async fn client(
    kubeconfig: &str,
    path: &Path,
    process: &mut Process,
) -> Result<kube::Client, Error> {
    let invalid = |message: String| Error::Kubeconfig {
        path: path.to_path_buf(),
        message,
    };
    let parsed = Kubeconfig::from_yaml(kubeconfig).map_err(|e| invalid(e.to_string()))?;
    let config = kube::Config::from_custom_kubeconfig(parsed, &KubeConfigOptions::default())
        .await
        .map_err(|e| invalid(e.to_string()))?;
    let client = kube::Client::try_from(config).map_err(|source| Error::Kube {
        action: "building a client".to_string(),
        source,
    })?;
    wait_until(process, || {
        let client = client.clone();
        async move {
            client
                .apiserver_version()
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
    })
    .await?;
    Ok(client)
}

/// The address the operator's HTTP-01 solver listens on and is published
/// at in its EndpointSlice: the operator refuses to list a loopback address
/// there (a real API server refuses them), so one of this machine's own
/// IPv4 addresses — the source address of its default route, else any
/// local address of its interfaces — and 127.0.0.1 only when it has none,
/// with which the operator reports that Ingress routes cannot reach its
/// solver.
pub(crate) fn solver_ip() -> IpAddr {
    let routed = std::net::UdpSocket::bind(("0.0.0.0", 0))
        .and_then(|socket| {
            // Connecting a UDP socket sends nothing: it only picks a route.
            socket.connect(("192.0.2.1", 9))?;
            socket.local_addr()
        })
        .map(|addr| addr.ip())
        .ok()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    let fib = std::fs::read_to_string("/proc/net/fib_trie").unwrap_or_default();
    routed
        .or_else(|| local_addresses(&fib).into_iter().find(|ip| !ip.is_loopback()))
        .unwrap_or(IpAddr::from([127, 0, 0, 1]))
}

/// The addresses `/proc/net/fib_trie` marks `/32 host LOCAL`: this
/// machine's own IPv4 addresses.
fn local_addresses(fib_trie: &str) -> Vec<IpAddr> {
    let lines: Vec<&str> = fib_trie.lines().map(str::trim).collect();
    lines
        .windows(2)
        .filter(|pair| pair[1] == "/32 host LOCAL")
        .filter_map(|pair| pair[0].strip_prefix("|-- ")?.parse().ok())
        .collect()
}

/// What the operator is started with.
pub(crate) struct OperatorArgs<'a> {
    pub(crate) binary: &'a Path,
    pub(crate) kubeconfig: &'a Path,
    pub(crate) namespace: &'a str,
    pub(crate) ports: Ports,
    pub(crate) solver_ip: IpAddr,
    pub(crate) log_filter: &'a str,
}

/// The operator: its solver on `solver_ip` (see [`solver_ip`]) and its
/// self-check sent where pebble validates, the proxy's HTTP entry point.
pub(crate) fn operator(args: &OperatorArgs<'_>, logs: &Path) -> Result<Process, Error> {
    let solver = SocketAddr::new(args.solver_ip, args.ports.solver).to_string();
    let mut command = Command::new(args.binary);
    command
        .arg("--kubeconfig")
        .arg(args.kubeconfig)
        .args(["--cluster-resource-namespace", args.namespace])
        .args([
            "--http01-solver-listen",
            &solver,
            "--http01-solver-address",
            &solver,
        ])
        .args(["--http01-self-check-port", &args.ports.http.to_string()])
        .args(["--http01-self-check-address", "127.0.0.1"])
        .args(["--admin-listen", &local(args.ports.operator_admin).to_string()])
        .env("RUST_LOG", args.log_filter)
        .env("POD_NAMESPACE", args.namespace)
        .env("POD_NAME", "passerelle-operator-0");
    Process::spawn("passerelle-operator", command, logs.join("operator.log"))
}

/// The proxy with the walkthrough's Traefik flags; its entry points' addresses
/// come from the rendered `traefik.toml`, so that the http→https redirect
/// names the port https really listens on (`--entrypoint-address` would move
/// only where it binds).
pub(crate) fn proxy(
    binary: &Path,
    kubeconfig: &Path,
    configfile: &Path,
    ports: Ports,
    log_filter: &str,
    logs: &Path,
) -> Result<Process, Error> {
    let mut command = Command::new(binary);
    command
        .args(["--web", &format!("--web.address={}", local(ports.web))])
        .arg("--kubernetes")
        .arg(format!("--configfile={}", configfile.display()))
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["--publish-address", "127.0.0.1"])
        .env("RUST_LOG", log_filter);
    Process::spawn("passerelle-proxy", command, logs.join("proxy.log"))
}

/// The echo backend on its port.
pub(crate) fn echo(binary: &Path, port: u16, logs: &Path) -> Result<Process, Error> {
    let mut command = Command::new(binary);
    command.arg("--listen").arg(local(port).to_string());
    Process::spawn("echo-backend", command, logs.join("echo-backend.log"))
}

/// Polls `check` until it succeeds, failing early if `process` exits.
pub(crate) async fn wait_until<F, Fut>(process: &mut Process, mut check: F) -> Result<(), Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let mut last = String::new();
    for _ in 0..READY_ATTEMPTS {
        if let Some(status) = process.exited() {
            return Err(Error::Exited {
                binary: process.binary(),
                status,
                logs: process.log(),
            });
        }
        match check().await {
            Ok(()) => return Ok(()),
            Err(not_ready) => last = not_ready,
        }
        tokio::time::sleep(READY_INTERVAL).await;
    }
    Err(Error::WaitReady {
        binary: process.binary(),
        attempts: READY_ATTEMPTS,
        last,
        logs: process.log(),
    })
}

/// Creates `dir` and returns it.
pub(crate) fn create_dir(dir: PathBuf) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(&dir).map_err(|source| Error::WriteFile {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_addresses_are_the_host_entries_of_the_fib_trie() {
        let fib = "Main:\n  +-- 0.0.0.0/0 3 0 5\n     +-- 127.0.0.0/8 2 0 2\n           |-- 127.0.0.1\n              \
            /32 host LOCAL\n        |-- 127.255.255.255\n           /32 link BROADCAST\n           \
            |-- 192.0.2.0\n              /24 link UNICAST\n           |-- 192.0.2.2\n              /32 host LOCAL\n";
        let found = local_addresses(fib);
        assert_eq!(
            found,
            vec![IpAddr::from([127, 0, 0, 1]), IpAddr::from([192, 0, 2, 2])]
        );
        assert!(!solver_ip().is_unspecified());
    }
}
