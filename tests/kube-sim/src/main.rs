//! The `kube-sim` binary: serves the in-memory API server for the demo and
//! for tests that run it as a process.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use kube_sim::{Auth, Config, FaultRule, Faults, KubeSim};

/// A Kubernetes-compatible API server held in memory.
#[derive(Debug, Parser)]
#[command(name = "kube-sim", version)]
struct Args {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, env = "KUBE_SIM_LISTEN", default_value = "127.0.0.1:6443")]
    listen: SocketAddr,
    /// Write a kubeconfig for kubectl and kube-rs to this file.
    #[arg(long, env = "KUBE_SIM_KUBECONFIG_OUT")]
    kubeconfig_out: Option<PathBuf>,
    /// Load the store from this file at start and save it on shutdown.
    #[arg(long, env = "KUBE_SIM_STATE_FILE")]
    state_file: Option<PathBuf>,
    /// Require this bearer token (the cluster admin's); without it every
    /// request is the admin's.
    #[arg(long, env = "KUBE_SIM_TOKEN")]
    token: Option<String>,
    /// Another token and the user it stands for, as TOKEN=USER (e.g.
    /// `t1=system:serviceaccount:passerelle:operator`). Repeatable.
    #[arg(long = "token-user", value_parser = parse_token_user)]
    token_users: Vec<(String, String)>,
    /// Authorization mode: `rbac` checks every request against the stored
    /// Roles and bindings (the admin token is in system:masters).
    #[arg(long, env = "KUBE_SIM_AUTHORIZATION", value_parser = ["always-allow", "rbac"], default_value = "always-allow")]
    authorization: String,
    /// Serve HTTPS with a self-signed CA (written into the kubeconfig).
    #[arg(long, env = "KUBE_SIM_TLS")]
    tls: bool,
    /// Number of changes kept for watches; older resourceVersions get 410.
    #[arg(long, env = "KUBE_SIM_HISTORY", default_value_t = 100_000)]
    history: usize,
    /// Inject failures: VERB:RESOURCE:CODE:RATE (empty verb or resource for
    /// all; CODE 500, 429 or 409; RATE 0.0-1.0). Repeatable.
    #[arg(long = "fault", value_parser = parse_fault)]
    faults: Vec<FaultRule>,
    /// Latency added to every API request, in milliseconds.
    #[arg(long, env = "KUBE_SIM_LATENCY_MS", default_value_t = 0)]
    latency_ms: u64,
    /// Cut watch streams after this many seconds (0: never).
    #[arg(long, env = "KUBE_SIM_WATCH_CUT_SECONDS", default_value_t = 0)]
    watch_cut_seconds: u64,
    /// Accept loopback addresses (127.0.0.0/8, ::1) in EndpointSlices, which
    /// a real API server refuses, so that Services can route to processes
    /// listening on loopback (the demo, local runs).
    #[arg(long, env = "KUBE_SIM_ALLOW_LOOPBACK_ENDPOINTS")]
    allow_loopback_endpoints: bool,
    /// Log format.
    #[arg(long, env = "KUBE_SIM_LOG_FORMAT", value_parser = ["plain", "json"], default_value = "plain")]
    log_format: String,
}

fn parse_token_user(s: &str) -> Result<(String, String), String> {
    let (token, user) = s.split_once('=').ok_or("expected TOKEN=USER")?;
    Ok((token.to_string(), user.to_string()))
}

fn parse_fault(s: &str) -> Result<FaultRule, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let [verb, resource, code, rate] = parts.as_slice() else {
        return Err("expected VERB:RESOURCE:CODE:RATE".into());
    };
    Ok(FaultRule {
        verb: verb.to_string(),
        resource: resource.to_string(),
        code: code.parse().map_err(|_| "CODE must be a number")?,
        rate: rate.parse().map_err(|_| "RATE must be a number")?,
        retry_after: 1,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    if args.log_format == "json" {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        // Colours only on a terminal: `kubectl logs` and files get plain text.
        let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
        tracing_subscriber::fmt()
            .with_ansi(ansi)
            .with_env_filter(filter)
            .init();
    }
    let config = Config {
        listen: args.listen,
        tls: args.tls,
        auth: Auth {
            admin_token: args.token,
            token_users: args.token_users,
            rbac: args.authorization == "rbac",
        },
        history: args.history,
        state_file: args.state_file,
        allow_loopback_endpoints: args.allow_loopback_endpoints,
        faults: Faults {
            rules: args.faults,
            latency_ms: args.latency_ms,
            watch_cut_seconds: args.watch_cut_seconds,
            history: None,
        },
    };
    let sim = KubeSim::start(config).await.context("starting kube-sim")?;
    if let Some(path) = &args.kubeconfig_out {
        std::fs::write(path, sim.kubeconfig()).with_context(|| format!("writing {}", path.display()))?;
    }
    println!("{}", sim.url());
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("Shutting down");
    sim.stop().await.context("stopping kube-sim")?;
    Ok(())
}
