//! `passerelle-operator`: reconciles cert-manager's API through ACME into
//! `kubernetes.io/tls` Secrets. This file maps flags (each with an
//! environment fallback) onto the library's `Config` and starts it.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use passerelle_operator::config::{Config, DefaultIssuer, LeaderElection};

/// Reconciles cert-manager.io Issuers, Certificates and friends through ACME.
#[derive(Debug, Parser)]
#[command(name = "passerelle-operator", version)]
struct Args {
    /// Kubeconfig file; in a cluster the pod's service account is used.
    #[arg(long, env = "KUBECONFIG")]
    kubeconfig: Option<PathBuf>,
    /// Watch only this namespace (default: all).
    #[arg(long, env = "PASSERELLE_NAMESPACE")]
    namespace: Option<String>,
    /// Namespace of the Secrets of ClusterIssuers (default: the pod's own
    /// namespace, from POD_NAMESPACE, else `passerelle`).
    #[arg(long, env = "PASSERELLE_CLUSTER_RESOURCE_NAMESPACE")]
    cluster_resource_namespace: Option<String>,
    /// Where the HTTP-01 solver listens.
    #[arg(long, env = "PASSERELLE_HTTP01_SOLVER_LISTEN", default_value = "0.0.0.0:8089")]
    http01_solver_listen: SocketAddr,
    /// The address the HTTP-01 solver is reached at (outside a cluster and
    /// in tests); in a cluster the operator's pod addresses are used.
    #[arg(long, env = "PASSERELLE_HTTP01_SOLVER_ADDRESS")]
    http01_solver_address: Option<SocketAddr>,
    /// Check each HTTP-01 challenge URL the way the CA will before asking
    /// the CA to validate it.
    #[arg(long, env = "PASSERELLE_HTTP01_SELF_CHECK", default_value_t = true, action = clap::ArgAction::Set)]
    http01_self_check: bool,
    /// Port the self-check connects to instead of 80 (tests, non-standard
    /// entry points).
    #[arg(long, env = "PASSERELLE_HTTP01_SELF_CHECK_PORT")]
    http01_self_check_port: Option<u16>,
    /// Address the self-check connects to instead of resolving the domain.
    #[arg(long, env = "PASSERELLE_HTTP01_SELF_CHECK_ADDRESS")]
    http01_self_check_address: Option<IpAddr>,
    /// At most this many Challenges presented at once (cert-manager: 60).
    #[arg(long, env = "PASSERELLE_MAX_CONCURRENT_CHALLENGES", default_value_t = 60)]
    max_concurrent_challenges: usize,
    /// Timeout of one ACME request, e.g. `30s`.
    #[arg(long, env = "PASSERELLE_ACME_REQUEST_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    acme_request_timeout: Duration,
    /// Where /metrics, /healthz and /readyz are served.
    #[arg(long, env = "PASSERELLE_ADMIN_LISTEN", default_value = "0.0.0.0:9402")]
    admin_listen: SocketAddr,
    /// Reconciles run at once per controller.
    #[arg(long, env = "PASSERELLE_MAX_CONCURRENT_RECONCILES", default_value_t = 5)]
    max_concurrent_reconciles: u16,
    /// First wait after a failed issuance (cert-manager: 1h).
    #[arg(long, env = "PASSERELLE_ISSUANCE_BACKOFF_BASE", default_value = "1h", value_parser = parse_duration)]
    issuance_backoff_base: Duration,
    /// Longest wait after failed issuances (cert-manager: 32h).
    #[arg(long, env = "PASSERELLE_ISSUANCE_BACKOFF_MAX", default_value = "32h", value_parser = parse_duration)]
    issuance_backoff_max: Duration,
    /// Give each certificate Secret an ownerReference to its Certificate
    /// (deleting the Certificate then deletes the Secret).
    #[arg(long, env = "PASSERELLE_ENABLE_CERTIFICATE_OWNER_REF")]
    enable_certificate_owner_ref: bool,
    /// ingress-shim: issuer for Ingresses annotated `kubernetes.io/tls-acme: "true"`.
    #[arg(long, env = "PASSERELLE_DEFAULT_ISSUER_NAME")]
    default_issuer_name: Option<String>,
    /// ingress-shim: kind of the default issuer.
    #[arg(long, env = "PASSERELLE_DEFAULT_ISSUER_KIND", default_value = "Issuer")]
    default_issuer_kind: String,
    /// ingress-shim: group of the default issuer, and of issuers named by
    /// `cert-manager.io/issuer` without `cert-manager.io/issuer-group`.
    #[arg(
        long,
        env = "PASSERELLE_DEFAULT_ISSUER_GROUP",
        default_value = "cert-manager.io"
    )]
    default_issuer_group: String,
    /// Run the controllers only while holding the leader Lease, so that
    /// several replicas can run (all of them serve HTTP-01 challenges).
    #[arg(long, env = "PASSERELLE_LEADER_ELECT", default_value_t = true, action = clap::ArgAction::Set)]
    leader_elect: bool,
    /// Namespace of the leader Lease `passerelle-operator` (default: the
    /// cluster resource namespace).
    #[arg(long, env = "PASSERELLE_LEADER_ELECTION_NAMESPACE")]
    leader_election_namespace: Option<String>,
    /// How long the leader Lease holds without renewal: a standby replica
    /// takes over after it.
    #[arg(long, env = "PASSERELLE_LEADER_ELECTION_LEASE_DURATION", default_value = "60s", value_parser = parse_duration)]
    leader_election_lease_duration: Duration,
    /// How long the leader retries renewing before it gives up and exits.
    #[arg(long, env = "PASSERELLE_LEADER_ELECTION_RENEW_DEADLINE", default_value = "40s", value_parser = parse_duration)]
    leader_election_renew_deadline: Duration,
    /// The wait between attempts to acquire or renew the leader Lease.
    #[arg(long, env = "PASSERELLE_LEADER_ELECTION_RETRY_PERIOD", default_value = "15s", value_parser = parse_duration)]
    leader_election_retry_period: Duration,
    /// Log format.
    #[arg(long, env = "PASSERELLE_LOG_FORMAT", value_parser = ["plain", "json"], default_value = "plain")]
    log_format: String,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    passerelle_crds::defaults::parse_duration(s)
        .ok_or_else(|| format!("invalid duration {s:?} (use Go syntax: 30s, 5m, 1h)"))
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
    rustls::crypto::aws_lc_rs::default_provider()
        .install_default()
        .map_err(|_| anyhow::anyhow!("a rustls crypto provider was already installed"))?;
    let cluster_resource_namespace = args
        .cluster_resource_namespace
        .or_else(|| std::env::var("POD_NAMESPACE").ok())
        .unwrap_or_else(|| "passerelle".into());
    let leader_election = match args.leader_elect {
        true => {
            let namespace = args
                .leader_election_namespace
                .unwrap_or_else(|| cluster_resource_namespace.clone());
            let election = LeaderElection {
                lease_duration: args.leader_election_lease_duration,
                renew_deadline: args.leader_election_renew_deadline,
                retry_period: args.leader_election_retry_period,
                ..LeaderElection::new(namespace, passerelle_operator::leader::identity())
            };
            election.validate().map_err(anyhow::Error::msg)?;
            Some(election)
        }
        false => None,
    };
    let config = Config {
        namespace: args.namespace,
        cluster_resource_namespace,
        http01_solver_listen: args.http01_solver_listen,
        http01_solver_address: args.http01_solver_address,
        http01_self_check: args.http01_self_check,
        http01_self_check_port: args.http01_self_check_port,
        http01_self_check_address: args.http01_self_check_address,
        max_concurrent_challenges: args.max_concurrent_challenges,
        acme_request_timeout: args.acme_request_timeout,
        admin_listen: args.admin_listen,
        max_concurrent_reconciles: args.max_concurrent_reconciles,
        issuance_backoff_base: args.issuance_backoff_base,
        issuance_backoff_max: args.issuance_backoff_max,
        enable_certificate_owner_ref: args.enable_certificate_owner_ref,
        default_issuer: DefaultIssuer {
            name: args.default_issuer_name.filter(|n| !n.is_empty()),
            kind: args.default_issuer_kind,
            group: args.default_issuer_group,
        },
        leader_election,
    };
    let client = match &args.kubeconfig {
        Some(path) => {
            let kubeconfig = kube::config::Kubeconfig::read_from(path)
                .with_context(|| format!("reading kubeconfig {}", path.display()))?;
            let options = kube::config::KubeConfigOptions::default();
            kube::Client::try_from(kube::Config::from_custom_kubeconfig(kubeconfig, &options).await?)?
        }
        None => kube::Client::try_default()
            .await
            .context("connecting to the Kubernetes API")?,
    };
    passerelle_operator::run::run(client, config)
        .await
        .context("running the operator")
}
