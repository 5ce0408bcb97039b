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
    /// ingress-shim's defaults: the issuer of Ingresses annotated
    /// `kubernetes.io/tls-acme: "true"`, and the kind and group of the
    /// others.
    pub default_issuer: DefaultIssuer,
    /// Leader election; `None` reconciles at once, alone (one replica,
    /// tests).
    pub leader_election: Option<LeaderElection>,
}

/// ingress-shim's defaults (cert-manager's `--default-issuer-*` flags).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultIssuer {
    /// The issuer of Ingresses annotated `kubernetes.io/tls-acme: "true"`
    /// that name none; without it they get a Warning Event.
    pub name: Option<String>,
    /// The kind given to that issuer (`Issuer` or `ClusterIssuer`).
    pub kind: String,
    /// The group given to every issuer ingress-shim references, unless the
    /// Ingress says otherwise.
    pub group: String,
}

impl Default for DefaultIssuer {
    fn default() -> Self {
        Self {
            name: None,
            kind: passerelle_crds::defaults::DEFAULT_ISSUER_KIND.into(),
            group: passerelle_crds::defaults::DEFAULT_ISSUER_GROUP.into(),
        }
    }
}

/// How replicas elect the one that reconciles, over a
/// `coordination.k8s.io/v1` Lease (client-go's rules, cert-manager's
/// durations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderElection {
    /// Namespace of the Lease.
    pub namespace: String,
    /// Name of the Lease.
    pub name: String,
    /// This replica's identity in the Lease (`holderIdentity`): unique per
    /// process.
    pub identity: String,
    /// How long a Lease holds without renewal; a standby replica takes
    /// over after it (cert-manager: 60 s).
    pub lease_duration: Duration,
    /// How long the leader keeps trying to renew before giving up
    /// (cert-manager: 40 s).
    pub renew_deadline: Duration,
    /// The wait between attempts to acquire or renew (cert-manager: 15 s).
    pub retry_period: Duration,
}

impl LeaderElection {
    /// cert-manager's durations for the Lease `passerelle-operator` in
    /// `namespace`.
    pub fn new(namespace: impl Into<String>, identity: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            name: "passerelle-operator".into(),
            identity: identity.into(),
            lease_duration: Duration::from_secs(60),
            renew_deadline: Duration::from_secs(40),
            retry_period: Duration::from_secs(15),
        }
    }

    /// client-go's checks: the Lease outlives the renew deadline, which
    /// outlives 1.2 retry periods (the jitter), and none is zero.
    pub fn validate(&self) -> Result<(), String> {
        if self.retry_period.is_zero() {
            return Err("the leader election retry period must be positive".into());
        }
        if self.lease_duration <= self.renew_deadline {
            return Err(format!(
                "the leader election lease duration ({:?}) must be greater than the renew deadline ({:?})",
                self.lease_duration, self.renew_deadline
            ));
        }
        if self.renew_deadline <= self.retry_period.mul_f64(crate::leader::JITTER_FACTOR) {
            return Err(format!(
                "the leader election renew deadline ({:?}) must be greater than {} times the retry period ({:?})",
                self.renew_deadline,
                crate::leader::JITTER_FACTOR,
                self.retry_period
            ));
        }
        Ok(())
    }
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
            default_issuer: DefaultIssuer::default(),
            leader_election: None,
        }
    }
}
