//! The operator's error type: one variant per failed operation, keeping its
//! source, with what drives retries ([`Error::is_transient`]) and a stable
//! label for metrics ([`Error::metric_label`]).

use std::time::Duration;

/// `Result` with the operator's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can fail in a reconcile.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading an object from the API failed.
    #[error("reading {kind} {name}")]
    Get {
        /// Kind.
        kind: &'static str,
        /// `namespace/name`.
        name: String,
        /// Why.
        #[source]
        source: kube::Error,
    },
    /// Listing objects failed.
    #[error("listing {kind}")]
    List {
        /// Kind.
        kind: &'static str,
        /// Why.
        #[source]
        source: kube::Error,
    },
    /// Writing an object (create, apply, patch) failed.
    #[error("writing {kind} {name}")]
    Write {
        /// Kind.
        kind: &'static str,
        /// `namespace/name`.
        name: String,
        /// Why.
        #[source]
        source: kube::Error,
    },
    /// Deleting an object failed.
    #[error("deleting {kind} {name}")]
    Delete {
        /// Kind.
        kind: &'static str,
        /// `namespace/name`.
        name: String,
        /// Why.
        #[source]
        source: kube::Error,
    },
    /// An ACME request failed.
    #[error("ACME {operation} failed: {source}")]
    Acme {
        /// What was asked (`new-order`, `finalize`, …).
        operation: &'static str,
        /// Why.
        #[source]
        source: instant_acme::Error,
        /// The CA's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// An ACME request took longer than `--acme-request-timeout`.
    #[error("ACME {operation} timed out")]
    AcmeTimeout {
        /// What was asked.
        operation: &'static str,
    },
    /// Building the ACME HTTP client failed.
    #[error("configuring the ACME client")]
    AcmeClient(#[source] crate::acme::http::ClientError),
    /// Keys, CSRs or certificates could not be made or read.
    #[error("{operation}")]
    Pki {
        /// What was done.
        operation: &'static str,
        /// Why.
        #[source]
        source: crate::pki::Error,
    },
    /// The object's spec is invalid or unsupported; retrying cannot help
    /// until it changes.
    #[error("{message}")]
    InvalidSpec {
        /// What is wrong, for the condition and the Event.
        message: String,
    },
    /// An object the reconcile needs does not exist (yet).
    #[error("{kind} {name} not found")]
    Missing {
        /// Kind.
        kind: &'static str,
        /// `namespace/name`.
        name: String,
    },
}

impl Error {
    /// Whether retrying the same thing may succeed (network, 5xx, conflicts,
    /// rate limits, timeouts) rather than needing a change of spec.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Get { source, .. }
            | Self::List { source, .. }
            | Self::Write { source, .. }
            | Self::Delete { source, .. } => {
                !matches!(source, kube::Error::Api(s) if s.code == 422 || s.code == 400 || s.code == 403)
            }
            Self::Acme { source, .. } => acme_transient(source),
            Self::AcmeTimeout { .. } | Self::Missing { .. } => true,
            Self::AcmeClient(_) | Self::Pki { .. } | Self::InvalidSpec { .. } => false,
        }
    }

    /// How long to wait before retrying, when the failure says.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Acme { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// A stable snake_case name for metrics.
    pub fn metric_label(&self) -> &'static str {
        match self {
            Self::Get { .. } => "get",
            Self::List { .. } => "list",
            Self::Write { .. } => "write",
            Self::Delete { .. } => "delete",
            Self::Acme { .. } => "acme",
            Self::AcmeTimeout { .. } => "acme_timeout",
            Self::AcmeClient(_) => "acme_client",
            Self::Pki { .. } => "pki",
            Self::InvalidSpec { .. } => "invalid_spec",
            Self::Missing { .. } => "missing",
        }
    }

    /// The ACME problem type (`urn:ietf:params:acme:error:rateLimited`), when
    /// the CA answered with one (RFC 8555 §6.7).
    pub fn acme_problem(&self) -> Option<&instant_acme::Problem> {
        match self {
            Self::Acme {
                source: instant_acme::Error::Api(p),
                ..
            } => Some(p),
            _ => None,
        }
    }
}

/// Whether an ACME failure is worth retrying as is: transport errors,
/// `badNonce` beyond instant-acme's own retries, `rateLimited`,
/// `serverInternal`, and 5xx — not `rejectedIdentifier`, `unauthorized`,
/// `malformed`…
fn acme_transient(e: &instant_acme::Error) -> bool {
    match e {
        instant_acme::Error::Api(p) => {
            let kind = p.r#type.as_deref().unwrap_or_default();
            kind.ends_with(":badNonce")
                || kind.ends_with(":rateLimited")
                || kind.ends_with(":serverInternal")
                || p.status.is_some_and(|s| s >= 500)
        }
        instant_acme::Error::Hyper(_) | instant_acme::Error::Other(_) | instant_acme::Error::Timeout(_) => {
            true
        }
        _ => false,
    }
}

/// A kube error that is a 404.
pub fn is_not_found(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 404)
}

/// A kube error that is a 409.
pub fn is_conflict(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 409)
}
