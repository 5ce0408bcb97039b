//! Key and certificate primitives of the operator, with cert-manager's
//! semantics: private keys ([`keys`]: generate, encode in PKCS#1/SEC1 or
//! PKCS#8, read back, compare with `spec.privateKey`), certification
//! requests ([`csr`]: built from a Certificate's spec, read back and
//! compared with it), and issued certificates ([`x509`]: chains read back,
//! key and names compared with the Secret and the spec).
//!
//! Everything here is pure and synchronous: no I/O, no clock (time comes
//! in as a parameter), no logging — callers log, and never key material.

pub mod csr;
mod der;
mod extensions;
pub mod keys;
mod names;
pub mod pem;
mod signature;
mod subject;
pub mod x509;

use std::fmt;

pub use self::csr::{Csr, ParsedCsr, request_matches_spec};
pub use self::keys::{EcCurve, KeyKind, PrivateKey};
pub use self::names::{Attribute, Names};
pub use self::signature::SignatureScheme;
pub use self::subject::parse_literal_subject;
pub use self::x509::{ParsedCertificate, key_matches, matches_spec, parse_chain, verify_chain};

/// `Result` with the PKI [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a key, request or certificate could not be made or read. None of
/// these is transient: the same input fails the same way.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not valid PEM, or lacks the block looked for.
    #[error("malformed PEM: {0}")]
    DecodePem(String),
    /// A private key's DER is malformed.
    #[error("malformed private key: {0}")]
    ParsePrivateKey(String),
    /// A private key is well-formed but of a kind not handled (another
    /// algorithm or curve, encrypted).
    #[error("unsupported private key: {0}")]
    UnsupportedPrivateKey(String),
    /// aws-lc-rs refused a private key (inconsistent, or an RSA key outside
    /// 2048–8192 bits asked to sign).
    #[error("private key rejected: {0}")]
    RejectPrivateKey(#[source] aws_lc_rs::error::KeyRejected),
    /// An RSA key size aws-lc-rs cannot generate.
    #[error("cannot generate a {0}-bit RSA key: aws-lc-rs generates 2048, 3072, 4096 or 8192-bit keys")]
    UnsupportedRsaKeySize(u32),
    /// Generating a key failed.
    #[error("generating a {kind} key failed")]
    GenerateKey {
        /// The key asked for.
        kind: KeyKind,
        /// Why.
        #[source]
        source: aws_lc_rs::error::Unspecified,
    },
    /// Encoding a key (SEC1, public key) failed.
    #[error("encoding a {kind} key failed")]
    EncodePrivateKey {
        /// The key.
        kind: KeyKind,
        /// Why.
        #[source]
        source: aws_lc_rs::error::Unspecified,
    },
    /// Signing failed.
    #[error("signing with a {kind} key failed")]
    Sign {
        /// The key.
        kind: KeyKind,
        /// Why.
        #[source]
        source: aws_lc_rs::error::Unspecified,
    },
    /// rcgen refused a key.
    #[error("loading the key into rcgen failed")]
    Rcgen(#[source] rcgen::Error),
    /// A Certificate's spec cannot be turned into a key or request.
    #[error("{field}: {message}")]
    InvalidSpec {
        /// The offending field (`spec.ipAddresses`).
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A certification request is malformed or its signature is wrong.
    #[error("invalid certificate signing request: {0}")]
    ParseCsr(String),
    /// A certificate of a chain is malformed.
    #[error("malformed certificate {index} of the chain")]
    ParseCertificate {
        /// Position in the chain, 0 for the leaf.
        index: usize,
        /// Why.
        #[source]
        source: x509_parser::error::X509Error,
    },
    /// A certificate of a chain is not signed by the next one.
    #[error("certificate {index} of the chain is invalid: {message}")]
    VerifyChain {
        /// Position in the chain, 0 for the leaf.
        index: usize,
        /// Why.
        message: &'static str,
    },
}

/// A field of a Certificate's spec that a key, request or certificate does
/// not match. [`Mismatch::field`] is the field path cert-manager reports
/// (`spec.dnsNames`) in its `RequestChanged`, `IncorrectCertificate` and
/// `SecretMismatch` messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mismatch {
    /// `spec.commonName`.
    CommonName,
    /// `spec.dnsNames`.
    DnsNames,
    /// `spec.ipAddresses`.
    IpAddresses,
    /// `spec.uris`.
    Uris,
    /// `spec.emailAddresses`.
    EmailAddresses,
    /// `spec.literalSubject`.
    LiteralSubject,
    /// `spec.subject.serialNumber`.
    SerialNumber,
    /// `spec.subject.organizations`.
    Organizations,
    /// `spec.subject.countries`.
    Countries,
    /// `spec.subject.organizationalUnits`.
    OrganizationalUnits,
    /// `spec.subject.localities`.
    Localities,
    /// `spec.subject.provinces`.
    Provinces,
    /// `spec.subject.streetAddresses`.
    StreetAddresses,
    /// `spec.subject.postalCodes`.
    PostalCodes,
    /// `spec.isCA`.
    IsCa,
    /// `spec.usages`.
    Usages,
    /// `spec.duration`.
    Duration,
    /// `spec.issuerRef`.
    IssuerRef,
    /// `spec.privateKey.algorithm`.
    PrivateKeyAlgorithm,
    /// `spec.privateKey.size`.
    PrivateKeySize,
}

impl Mismatch {
    /// The field path, as cert-manager names it in messages.
    pub fn field(self) -> &'static str {
        match self {
            Self::CommonName => "spec.commonName",
            Self::DnsNames => "spec.dnsNames",
            Self::IpAddresses => "spec.ipAddresses",
            Self::Uris => "spec.uris",
            Self::EmailAddresses => "spec.emailAddresses",
            Self::LiteralSubject => "spec.literalSubject",
            Self::SerialNumber => "spec.subject.serialNumber",
            Self::Organizations => "spec.subject.organizations",
            Self::Countries => "spec.subject.countries",
            Self::OrganizationalUnits => "spec.subject.organizationalUnits",
            Self::Localities => "spec.subject.localities",
            Self::Provinces => "spec.subject.provinces",
            Self::StreetAddresses => "spec.subject.streetAddresses",
            Self::PostalCodes => "spec.subject.postalCodes",
            Self::IsCa => "spec.isCA",
            Self::Usages => "spec.usages",
            Self::Duration => "spec.duration",
            Self::IssuerRef => "spec.issuerRef",
            Self::PrivateKeyAlgorithm => "spec.privateKey.algorithm",
            Self::PrivateKeySize => "spec.privateKey.size",
        }
    }

    /// The fields of a list of mismatches as cert-manager prints them in a
    /// message: `[spec.commonName spec.dnsNames]` (Go's `%v` of a slice).
    pub fn list(mismatches: &[Mismatch]) -> String {
        let fields: Vec<&str> = mismatches.iter().map(|m| m.field()).collect();
        format!("[{}]", fields.join(" "))
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}

#[cfg(test)]
mod tests;
