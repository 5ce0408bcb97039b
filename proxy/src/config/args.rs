//! The command line: Traefik 1.x's flags as the walkthrough's DaemonSet
//! passes them (`-d --web --web.address=:8081 --kubernetes
//! --configfile=/config/traefik.toml`), the other Traefik 1.x flags common in
//! DaemonSets (`--logLevel`, `--kubernetes.ingressClass`,
//! `--kubernetes.namespaces`, `--kubernetes.labelselector`, `--accesslog`,
//! `--entryPoints`, `--defaultEntryPoints`) and Passerelle's own, each with a
//! `PASSERELLE_PROXY_*` environment fallback.

use std::path::PathBuf;
use std::time::Duration;

use super::address::parse_duration;
use super::file::log_level;

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

    /// The proxy's log level: DEBUG, INFO, WARN or ERROR (Traefik's
    /// `--logLevel`; `-d` wins).
    #[arg(
        long = "logLevel",
        aliases = ["loglevel", "log-level"],
        value_name = "LEVEL",
        value_parser = parse_log_level,
        env = "PASSERELLE_PROXY_LOG_LEVEL"
    )]
    pub log_level: Option<tracing::Level>,

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
    /// `[kubernetes] ingressClass`; Traefik's `--kubernetes.ingressClass`).
    #[arg(
        long,
        aliases = ["kubernetes.ingressClass", "kubernetes.ingressclass"],
        value_name = "CLASS",
        env = "PASSERELLE_PROXY_INGRESS_CLASS"
    )]
    pub ingress_class: Option<String>,

    /// Watch only these namespaces (comma-separated; all when empty;
    /// Traefik's `--kubernetes.namespaces`).
    #[arg(
        long,
        alias = "kubernetes.namespaces",
        value_name = "NS,...",
        value_delimiter = ',',
        env = "PASSERELLE_PROXY_NAMESPACES"
    )]
    pub namespaces: Vec<String>,

    /// Watch only objects matching this label selector (Traefik's
    /// `--kubernetes.labelselector`).
    #[arg(
        long,
        aliases = ["kubernetes.labelselector", "kubernetes.labelSelector"],
        value_name = "SELECTOR",
        env = "PASSERELLE_PROXY_LABEL_SELECTOR"
    )]
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

    /// Log every request (`--access-log`, or `--access-log=json`; Traefik's
    /// `--accesslog`).
    #[arg(
        long,
        aliases = ["accesslog", "accessLog"],
        value_enum,
        value_name = "FORMAT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "common",
        env = "PASSERELLE_PROXY_ACCESS_LOG"
    )]
    pub access_log: Option<AccessLogFormat>,

    /// An entry point in Traefik 1.x's syntax (repeatable): `Name:http
    /// Address::80 Redirect.EntryPoint:https`, `Name:https Address::443 TLS`
    /// or `TLS:/ssl/tls.crt,/ssl/tls.key`. It replaces the file's entry point
    /// of that name.
    #[arg(
        long = "entryPoints",
        aliases = ["entrypoints"],
        value_name = "DEFINITION",
        env = "PASSERELLE_PROXY_ENTRYPOINTS"
    )]
    pub entry_points: Vec<String>,

    /// Entry points of routes that name none (Traefik's
    /// `--defaultEntryPoints`; wins over the file's).
    #[arg(
        long = "defaultEntryPoints",
        aliases = ["defaultentrypoints"],
        value_name = "NAME,...",
        value_delimiter = ',',
        env = "PASSERELLE_PROXY_DEFAULT_ENTRYPOINTS"
    )]
    pub default_entry_points: Vec<String>,

    /// Move where an entry point listens: `NAME=ADDR` (repeatable). Its
    /// redirects keep naming the port of its configured address.
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

/// `--logLevel`'s value, as the file's `logLevel`.
fn parse_log_level(text: &str) -> Result<tracing::Level, String> {
    log_level(text).ok_or_else(|| format!("`{text}` is not DEBUG, INFO, WARN, ERROR, FATAL or PANIC"))
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
    #[value(alias = "plain", alias = "true")]
    Common,
    /// One JSON object per request.
    Json,
}
