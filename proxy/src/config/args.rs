//! The command line: Traefik 1.x's flags as the walkthrough's DaemonSet
//! passes them (`-d --web --web.address=:8081 --kubernetes
//! --configfile=/config/traefik.toml`) and Passerelle's own, each with a
//! `PASSERELLE_PROXY_*` environment fallback.

use std::path::PathBuf;
use std::time::Duration;

use super::address::parse_duration;

/// `passerelle-proxy`'s command line.
#[derive(Clone, Debug, Default, PartialEq, Eq, clap::Parser)]
#[command(
    name = "passerelle-proxy",
    version,
    about = "Serves Ingress routes over HTTP and HTTPS; a drop-in for Traefik 1.x"
)]
pub struct Args {
    /// Log at debug level (Traefik's `-d`).
    #[arg(short = 'd', long, env = "PASSERELLE_PROXY_DEBUG")]
    pub debug: bool,

    /// Enable the Kubernetes Ingress provider.
    #[arg(long, env = "PASSERELLE_PROXY_KUBERNETES")]
    pub kubernetes: bool,

    /// Enable the admin listener (ping, health, API, metrics).
    #[arg(long, env = "PASSERELLE_PROXY_WEB")]
    pub web: bool,

    /// The admin listener's address (default `:8080`); implies `--web`.
    #[arg(
        long = "web.address",
        value_name = "ADDR",
        env = "PASSERELLE_PROXY_WEB_ADDRESS"
    )]
    pub web_address: Option<String>,

    /// The Traefik 1.x TOML config file.
    #[arg(short = 'c', long, value_name = "PATH", env = "PASSERELLE_PROXY_CONFIGFILE")]
    pub configfile: Option<PathBuf>,

    /// Serve only Ingresses of this class (wins over the file's
    /// `[kubernetes] ingressClass`).
    #[arg(long, value_name = "CLASS", env = "PASSERELLE_PROXY_INGRESS_CLASS")]
    pub ingress_class: Option<String>,

    /// Watch only these namespaces (comma-separated; all when empty).
    #[arg(
        long,
        value_name = "NS,...",
        value_delimiter = ',',
        env = "PASSERELLE_PROXY_NAMESPACES"
    )]
    pub namespaces: Vec<String>,

    /// Watch only objects matching this label selector.
    #[arg(long, value_name = "SELECTOR", env = "PASSERELLE_PROXY_LABEL_SELECTOR")]
    pub label_selector: Option<String>,

    /// The IP or hostname to publish in served Ingresses' status.
    #[arg(long, value_name = "ADDR", env = "PASSERELLE_PROXY_PUBLISH_ADDRESS")]
    pub publish_address: Option<String>,

    /// The `namespace/name` Service whose address is published in served
    /// Ingresses' status.
    #[arg(long, value_name = "NS/NAME", env = "PASSERELLE_PROXY_PUBLISH_SERVICE")]
    pub publish_service: Option<String>,

    /// A kubeconfig file (default: in-cluster, then `$KUBECONFIG`).
    #[arg(long, value_name = "PATH", env = "PASSERELLE_PROXY_KUBECONFIG")]
    pub kubeconfig: Option<PathBuf>,

    /// Log format (default `plain`, or the file's `[traefikLog] format`).
    #[arg(long, value_enum, value_name = "FORMAT", env = "PASSERELLE_PROXY_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,

    /// Log every request (`--access-log`, or `--access-log=json`).
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "common",
        env = "PASSERELLE_PROXY_ACCESS_LOG"
    )]
    pub access_log: Option<AccessLogFormat>,

    /// Override an entry point's address: `NAME=ADDR` (repeatable).
    #[arg(
        long,
        value_name = "NAME=ADDR",
        value_delimiter = ',',
        env = "PASSERELLE_PROXY_ENTRYPOINT_ADDRESS"
    )]
    pub entrypoint_address: Vec<String>,

    /// How long in-flight requests may finish after SIGTERM (default `10s`,
    /// or the file's `[lifeCycle] graceTimeOut`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, env = "PASSERELLE_PROXY_SHUTDOWN_TIMEOUT")]
    pub shutdown_timeout: Option<Duration>,
}

/// The format of the proxy's own logs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines (Traefik's `common`).
    #[default]
    #[value(alias = "common")]
    Plain,
    /// One JSON object per line.
    Json,
}

/// The format of access log lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessLogFormat {
    /// The Common Log Format, as Traefik's `common`.
    #[default]
    #[value(alias = "plain")]
    Common,
    /// One JSON object per request.
    Json,
}
