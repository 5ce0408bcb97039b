//! What can stop a conversion: every [`Problem`] found, gathered in one
//! [`Error`] so that a user fixes their manifests in one pass. Messages name
//! the legacy object and the field path, like the API server's.

use std::fmt;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The kind of a legacy Issuer.
pub(super) const ISSUER: &str = "Issuer";
/// The kind of a legacy ClusterIssuer.
pub(super) const CLUSTER_ISSUER: &str = "ClusterIssuer";
/// The kind of a legacy Certificate.
pub(super) const CERTIFICATE: &str = "Certificate";

/// The legacy objects could not be converted; `problems` lists why, in the
/// order they were found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot convert the legacy objects: {}", summary(.problems))]
pub struct Error {
    /// Every problem found, at least one.
    pub problems: Vec<Problem>,
}

/// One reason a set of legacy objects cannot become v1 objects.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A Certificate was given with an issuer it does not reference.
    #[error("{certificate}: spec.issuerRef does not reference {issuer}")]
    ForeignCertificate {
        /// The Certificate.
        certificate: ObjectKey,
        /// The issuer it was given with.
        issuer: ObjectKey,
    },
    /// A Certificate references an issuer kind cert-manager 0.7 did not
    /// have.
    #[error(
        "{certificate}: spec.issuerRef.kind: Unsupported value: {kind:?}: supported values: \"Issuer\", \"ClusterIssuer\""
    )]
    UnsupportedIssuerKind {
        /// The Certificate.
        certificate: ObjectKey,
        /// The kind it names.
        kind: String,
    },
    /// A Certificate references an issuer that is not among the objects
    /// converted.
    #[error("{certificate}: spec.issuerRef: {issuer} not found")]
    MissingIssuer {
        /// The Certificate.
        certificate: ObjectKey,
        /// The issuer it references.
        issuer: ObjectKey,
    },
    /// An entry of `spec.acme.config` names a DNS01 provider its issuer does
    /// not define.
    #[error(
        "{certificate}: spec.acme.config[{index}].dns01.provider: no DNS01 provider {provider:?} in {issuer}"
    )]
    UnknownDnsProvider {
        /// The Certificate.
        certificate: ObjectKey,
        /// The index of the entry in `spec.acme.config`.
        index: usize,
        /// The provider name.
        provider: String,
        /// The issuer.
        issuer: ObjectKey,
    },
    /// A DNS01 provider that a Certificate uses configures no DNS service,
    /// or several.
    #[error(
        "{issuer}: spec.acme.dns01.providers[{index}] ({provider:?}): exactly one DNS service must be configured, found {found}"
    )]
    InvalidDnsProvider {
        /// The issuer.
        issuer: ObjectKey,
        /// The index of the provider in `spec.acme.dns01.providers`.
        index: usize,
        /// The provider name.
        provider: String,
        /// How many DNS services it configures.
        found: usize,
    },
    /// An entry of `spec.acme.config` asks for HTTP01 from an issuer without
    /// `spec.acme.http01`.
    #[error(
        "{certificate}: spec.acme.config[{index}].http01: {issuer} does not enable HTTP01 (spec.acme.http01)"
    )]
    Http01NotEnabled {
        /// The Certificate.
        certificate: ObjectKey,
        /// The index of the entry in `spec.acme.config`.
        index: usize,
        /// The issuer.
        issuer: ObjectKey,
    },
    /// An entry of `spec.acme.config` is not a valid solver configuration.
    #[error("{certificate}: spec.acme.config[{index}]: {reason}")]
    InvalidSolverEntry {
        /// The Certificate.
        certificate: ObjectKey,
        /// The index of the entry in `spec.acme.config`.
        index: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two Certificates of one issuer solve a domain differently. In 0.7
    /// each used its own configuration; the v1 issuer has one solver list,
    /// in which the first matching solver would win for both.
    #[error(
        "{certificate}: spec.acme.config: {domain:?} is solved differently by {other}, one v1 issuer cannot keep both"
    )]
    ConflictingSolvers {
        /// The domain.
        domain: String,
        /// The Certificate whose configuration would be lost.
        certificate: ObjectKey,
        /// The Certificate whose configuration would win (the first by
        /// namespace and name).
        other: ObjectKey,
    },
    /// The same object was given twice.
    #[error("{object}: given more than once")]
    Duplicate {
        /// The object.
        object: ObjectKey,
    },
}

/// A legacy object named in a [`Problem`]: kind, namespace (none for a
/// ClusterIssuer, or for a manifest that has none) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// `Issuer`, `ClusterIssuer` or `Certificate`.
    pub kind: &'static str,
    /// The namespace, when the object has one.
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
}

impl ObjectKey {
    pub(super) fn new(kind: &'static str, namespace: Option<String>, name: &str) -> Self {
        Self {
            kind,
            namespace,
            name: name.to_owned(),
        }
    }

    fn of(kind: &'static str, meta: &ObjectMeta) -> Self {
        Self::new(
            kind,
            meta.namespace.clone(),
            meta.name.as_deref().unwrap_or_default(),
        )
    }

    /// The key of a legacy Issuer.
    pub(super) fn issuer(meta: &ObjectMeta) -> Self {
        Self::of(ISSUER, meta)
    }

    /// The key of a legacy ClusterIssuer, which has no namespace whatever
    /// its metadata says.
    pub(super) fn cluster_issuer(meta: &ObjectMeta) -> Self {
        Self::new(CLUSTER_ISSUER, None, meta.name.as_deref().unwrap_or_default())
    }

    /// The key of a legacy Certificate.
    pub(super) fn certificate(meta: &ObjectMeta) -> Self {
        Self::of(CERTIFICATE, meta)
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(namespace) => write!(f, "{} {namespace}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// The problems' messages, separated by semicolons.
fn summary(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
