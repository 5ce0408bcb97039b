//! The operator's configuration, as the library takes it (the binary maps
//! its flags onto it; library code never sees clap).

use std::net::SocketAddr;
use std::time::Duration;

/// Everything the controllers need to know about how they run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Watch one namespace, or all when `None`.
    pub namespace: Option<String>,
    /// Where ClusterIssuer Secrets (ACME account keys) live.
    pub cluster_resource_namespace: String,
    /// Where the HTTP-01 solver listens.
    pub http01_solver_listen: SocketAddr,
    /// The address the solver is reached at, when given (outside a cluster
    /// and in tests); otherwise the operator's pod IPs are used.
    pub http01_solver_address: Option<SocketAddr>,
    /// Whether to check a challenge URL before telling the CA to validate.
    pub http01_self_check: bool,
    /// The port the self-check connects to instead of 80 (tests).
    pub http01_self_check_port: Option<u16>,
    /// The address the self-check connects to instead of resolving the
    /// domain (tests).
    pub http01_self_check_address: Option<std::net::IpAddr>,
    /// At most this many Challenges presented at once.
    pub max_concurrent_challenges: usize,
    /// Timeout of one ACME request.
    pub acme_request_timeout: Duration,
    /// Where `/metrics`, `/healthz` and `/readyz` are served.
    pub admin_listen: SocketAddr,
    /// Reconciles run at once per controller.
    pub max_concurrent_reconciles: u16,
    /// The first backoff after a failed issuance (cert-manager: 1h).
    pub issuance_backoff_base: Duration,
    /// The longest backoff after failed issuances (cert-manager: 32h).
    pub issuance_backoff_max: Duration,
    /// Give Secrets an ownerReference to their Certificate.
    pub enable_certificate_owner_ref: bool,
    /// The Issuer used by ingress-shim for `kubernetes.io/tls-acme`.
    pub default_issuer: Option<DefaultIssuer>,
}

/// ingress-shim's default issuer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultIssuer {
    /// Name.
    pub name: String,
    /// Kind (`Issuer` or `ClusterIssuer`).
    pub kind: String,
    /// Group.
    pub group: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            namespace: None,
            cluster_resource_namespace: "passerelle".into(),
            http01_solver_listen: SocketAddr::from(([0, 0, 0, 0], 8089)),
            http01_solver_address: None,
            http01_self_check: true,
            http01_self_check_port: None,
            http01_self_check_address: None,
            max_concurrent_challenges: 60,
            acme_request_timeout: Duration::from_secs(30),
            admin_listen: SocketAddr::from(([0, 0, 0, 0], 9402)),
            max_concurrent_reconciles: 5,
            issuance_backoff_base: Duration::from_secs(3600),
            issuance_backoff_max: Duration::from_secs(32 * 3600),
            enable_certificate_owner_ref: false,
            default_issuer: None,
        }
    }
}
