//! `echo-backend`: the demo's backend service, answering every request with
//! the path it received (see `passerelle_e2e::echo`).

use std::net::SocketAddr;

use anyhow::Context as _;
use clap::Parser;

/// Answers every HTTP request with the path and query it received.
#[derive(Debug, Parser)]
#[command(name = "echo-backend", version)]
struct Args {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, env = "ECHO_BACKEND_LISTEN", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let (addr, server) = passerelle_e2e::echo::start(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    tracing::info!(%addr, "Echo backend is serving");
    println!("{addr}");
    tokio::select! {
        _ = server => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
