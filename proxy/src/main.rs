//! `passerelle-proxy`: the ingress controller that serves Ingress routes over
//! HTTP and HTTPS, a drop-in for Traefik 1.x. This file reads the flags and
//! the config file into the library's `Settings`, sets up logging and the
//! rustls crypto provider, and runs the proxy until SIGTERM.

use anyhow::Context as _;
use clap::Parser as _;
use passerelle_proxy::config::{Args, LogFormat, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (settings, warnings) = Settings::load(&args).context("invalid configuration")?;

    // `-d` (or the file's debug/logLevel) sets the proxy's level; libraries
    // log at info at most. RUST_LOG, when set, replaces both.
    let level = settings.log.level;
    let libraries = level.min(tracing::Level::INFO);
    let directives = format!("{libraries},passerelle_proxy={level}").to_ascii_lowercase();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(directives));
    match settings.log.format {
        LogFormat::Json => tracing_subscriber::fmt().json().with_env_filter(filter).init(),
        // Colours only on a terminal: `kubectl logs` and files get plain text.
        LogFormat::Plain => tracing_subscriber::fmt()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .with_env_filter(filter)
            .init(),
    }
    for warning in &warnings {
        tracing::warn!(file = ?settings.config_file, "{warning}");
    }

    // One crypto provider for the whole process (STYLE: aws-lc-rs only).
    if rustls::crypto::aws_lc_rs::default_provider()
        .install_default()
        .is_err()
    {
        anyhow::bail!("a rustls crypto provider was already installed");
    }
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        entry_points = settings.entry_points.len(),
        kubernetes = settings.kubernetes.is_some(),
        admin = ?settings.admin,
        "Starting passerelle-proxy"
    );
    passerelle_proxy::run::run(settings)
        .await
        .context("passerelle-proxy stopped")?;
    Ok(())
}
