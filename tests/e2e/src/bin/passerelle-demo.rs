//! `passerelle-demo`, what `./demo` runs once the workspace is built: the
//! walkthrough on this machine for a person to watch and play with. It
//! starts kube-sim, pebble, the operator, the proxy and an echo backend
//! (`passerelle_e2e::Stack`), applies `deploy/examples/walkthrough` and
//! `deploy/examples/v1`, shows each step of the issuance as it happens, then
//! the Certificates, the describe output and curl through the proxy, and
//! stays up printing how to reach everything until Ctrl-C, when it stops
//! every process it started. Its state lives in one directory, cleaned at
//! each start (with any process a killed earlier run left behind).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use clap::Parser;
use passerelle_e2e::binaries::{Binaries, workspace_root};
use passerelle_e2e::stack::error_chain;
use passerelle_e2e::{Stack, StackOptions};

/// Runs the walkthrough locally: kube-sim, pebble, operator, proxy, backend.
#[derive(Debug, Parser)]
#[command(name = "passerelle-demo", version)]
struct Args {
    /// Directory of the demo's state (kubeconfig, logs, manifests); emptied
    /// at start. Default: target/demo in the clone.
    #[arg(long, env = "DEMO_DIR")]
    dir: Option<PathBuf>,
    /// Domain of the example hosts.
    #[arg(long, env = "DEMO_DOMAIN", default_value = "k8.wildwidewest.test")]
    domain: String,
    /// The proxy's HTTP port (pebble validates HTTP-01 there).
    #[arg(long, env = "DEMO_HTTP_PORT", default_value_t = 8080)]
    http_port: u16,
    /// The proxy's HTTPS port.
    #[arg(long, env = "DEMO_HTTPS_PORT", default_value_t = 8443)]
    https_port: u16,
    /// The proxy's admin port (the walkthrough's `--web.address=:8081`).
    #[arg(long, env = "DEMO_WEB_PORT", default_value_t = 8081)]
    web_port: u16,
    /// Stop after showing the result instead of staying up.
    #[arg(long, env = "DEMO_ONCE")]
    once: bool,
}

/// Seconds since the Unix epoch at which `./demo` started, if it says.
const STARTED_AT_ENV: &str = "DEMO_STARTED_AT";

struct Clock {
    started: Instant,
}

impl Clock {
    fn say(&self, text: &str) {
        println!("\n==> [{:6.1}s] {text}", self.started.elapsed().as_secs_f64());
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let clock = Clock {
        started: Instant::now(),
    };
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| workspace_root().join("target/demo"));
    let pids_file = dir.join("pids");
    stop_leftovers(&pids_file)?;
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("emptying {}", dir.display()))?;
    }
    for (port, flag) in [
        (args.http_port, "--http-port / DEMO_HTTP_PORT"),
        (args.https_port, "--https-port / DEMO_HTTPS_PORT"),
        (args.web_port, "--web-port / DEMO_WEB_PORT"),
    ] {
        std::net::TcpListener::bind(("127.0.0.1", port))
            .with_context(|| format!("port {port} is taken: choose another with {flag}"))?;
    }

    clock.say("Starting kube-sim, pebble + challtestsrv, the echo backend, the operator and the proxy");
    let mut opts = StackOptions::new(Binaries::beside_current_exe()?);
    opts.dir = Some(dir.clone());
    opts.domain = args.domain.clone();
    opts.http_port = args.http_port;
    opts.https_port = args.https_port;
    opts.web_port = args.web_port;
    let stack = Stack::start(opts)
        .await
        .map_err(|e| anyhow::anyhow!(error_chain(&e)))?;
    let mut pids = format!("passerelle-demo {}\n", std::process::id());
    pids.extend(stack.pids().iter().map(|(name, pid)| format!("{name} {pid}\n")));
    std::fs::write(&pids_file, pids).with_context(|| format!("writing {}", pids_file.display()))?;

    let outcome = tokio::select! {
        outcome = show(&stack, &clock) => outcome,
        _ = stopped() => {
            println!("\nStopping before the end.");
            Ok(())
        }
    };
    if let Err(error) = outcome {
        eprintln!(
            "\nThe demo failed: {}\nLogs: {}",
            error_chain(error.as_ref()),
            dir.join("logs").display()
        );
        let _ = std::fs::remove_file(&pids_file);
        drop(stack);
        std::process::exit(1);
    }
    if !args.once {
        play(&stack);
        stopped().await;
        println!("\nStopping.");
        report_memory(&stack);
    }
    drop(stack);
    let _ = std::fs::remove_file(&pids_file);
    println!("Every process the demo started is stopped.");
    Ok(())
}

/// The walkthrough, step by step, with what a person would type and see.
async fn show(stack: &Stack, clock: &Clock) -> anyhow::Result<()> {
    let kubectl = stack.kubectl();
    clock.say("kubectl apply -f deploy/examples/walkthrough/ (the 2018 walkthrough's manifests)");
    print!("{}", stack.apply_example("walkthrough").await?);
    clock.say("kubectl apply -f deploy/examples/v1/ (cert-manager.io/v1 forms, ingress-shim)");
    print!("{}", stack.apply_example("v1").await?);

    clock.say("Waiting for the certificates (HTTP-01 through the proxy to the operator's solver)");
    let wanted = [
        ("default", "traefik-cert"),
        ("walkthrough-v1", "traefik-cert"),
        ("walkthrough-v1", "shop-tls"),
    ];
    stack
        .wait_ready(&wanted, |line| {
            println!("    [{:6.1}s] {line}", clock.started.elapsed().as_secs_f64())
        })
        .await?;
    let host = stack.host("meltingpoc");
    stack.wait_served(&host, "/api/x").await?;
    let served_after = clock.started.elapsed();
    clock.say(&format!("https://{host} is served over its issued certificate"));

    for (title, command) in [
        ("kubectl get certificates -A", vec!["get", "certificates", "-A"]),
        (
            "kubectl describe certificate traefik-cert",
            vec!["describe", "certificate", "traefik-cert"],
        ),
        ("kubectl get ingress -A", vec!["get", "ingress", "-A"]),
    ] {
        clock.say(&format!("$ {title}"));
        print!("{}", kubectl.ok(&command, None).await?);
    }
    for (name, path) in [
        ("meltingpoc", "/api/x"),
        ("meltingpoc", "/other"),
        ("shop", "/hello"),
    ] {
        let args = stack.curl_args(true, &stack.host(name), path);
        clock.say(&format!("$ curl {}", args.join(" ")));
        let output = stack.curl(&args).await?;
        print!("{}{}", output.stdout, output.stderr);
    }
    let mut args = stack.curl_args(false, &host, "/other");
    args.insert(0, "-i".to_string());
    clock.say(&format!(
        "$ curl {}   (the walkthrough's http → https redirect)",
        args.join(" ")
    ));
    let output = stack.curl(&args).await?;
    print!(
        "{}",
        output
            .stdout
            .lines()
            .take(4)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );

    println!();
    println!(
        "HTTPS page served {:.1}s after the stack started to start.",
        served_after.as_secs_f64()
    );
    if let Some(since_demo) = since_demo_started(served_after, clock) {
        println!(
            "HTTPS page served {since_demo:.1}s after ./demo started (tools, build and start included)."
        );
    }
    report_memory(stack);
    Ok(())
}

/// How to reach everything, printed once the demo is up.
fn play(stack: &Stack) {
    let kubectl = stack.kubectl().command_line();
    let ports = stack.ports();
    let mut out = String::new();
    out.push_str("\n==> Up. Try:\n\n");
    out.push_str(&format!("  {kubectl} get certificates,orders,challenges -A\n"));
    out.push_str(&format!("  {kubectl} describe certificate traefik-cert\n"));
    out.push_str(&format!("  {kubectl} get ingress -A\n"));
    for (name, path) in [
        ("meltingpoc", "/api/x"),
        ("meltingpoc-v1", "/api/y"),
        ("shop", "/"),
    ] {
        let args = stack.curl_args(true, &stack.host(name), path);
        out.push_str(&format!("  curl {}\n", args.join(" ")));
    }
    out.push_str(&format!(
        "\n  proxy admin:    http://127.0.0.1:{}/api/routers  /api/certificates  /metrics\n",
        ports.web
    ));
    out.push_str(&format!(
        "  operator admin: http://127.0.0.1:{}/metrics  /healthz\n",
        ports.operator_admin
    ));
    out.push_str(&format!(
        "  logs:           {}\n",
        stack.dir().join("logs").display()
    ));
    out.push_str("\nPress Ctrl-C to stop every process the demo started.\n");
    print!("{out}");
    let _ = std::io::stdout().flush();
}

fn report_memory(stack: &Stack) {
    let (operator, proxy) = stack.peak_rss_kib();
    let mib = |kib: Option<u64>| kib.map_or("?".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!(
        "Peak memory (VmHWM): operator {}, proxy {}.",
        mib(operator),
        mib(proxy)
    );
}

/// Seconds from `./demo`'s start (`DEMO_STARTED_AT`) to `at` after this
/// program's start.
fn since_demo_started(at: Duration, clock: &Clock) -> Option<f64> {
    let started: f64 = std::env::var(STARTED_AT_ENV).ok()?.parse().ok()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs_f64();
    let program_start = now - clock.started.elapsed().as_secs_f64();
    Some(program_start - started + at.as_secs_f64())
}

/// Resolves on Ctrl-C, SIGTERM or SIGHUP.
async fn stopped() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup())) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
        _ = hup.recv() => {}
    }
}

/// Whether process `pid` runs program `name` (the kernel keeps the first
/// 15 bytes of a program's name in `comm`) and has not exited (a zombie,
/// state `Z`, has: it only waits to be reaped).
fn runs(pid: &str, name: &str) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some((comm, rest)) = stat.split_once(" (").and_then(|(_, rest)| rest.rsplit_once(") ")) else {
        return false;
    };
    comm == &name[..name.len().min(15)] && !rest.starts_with('Z')
}

/// Kills what an earlier run that was itself killed (SIGKILL, a closed
/// terminal) left running, from the pids it recorded: only a process that
/// still runs the recorded program. A demo still running is left alone.
fn stop_leftovers(pids_file: &Path) -> anyhow::Result<()> {
    let Ok(text) = std::fs::read_to_string(pids_file) else {
        return Ok(());
    };
    let own = std::process::id().to_string();
    let entries: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(_, pid)| *pid != own)
        .collect();
    if let Some((_, pid)) = entries
        .iter()
        .find(|(name, pid)| *name == "passerelle-demo" && runs(pid, name))
    {
        anyhow::bail!("another demo is running (pid {pid}): stop it first (Ctrl-C in its terminal)");
    }
    for (name, pid) in entries {
        if runs(pid, name) {
            println!("Stopping {name} (pid {pid}) left by an earlier run");
            let _ = std::process::Command::new("kill").args(["-KILL", pid]).status();
            for _ in 0..50 {
                if !runs(pid, name) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
    Ok(())
}
