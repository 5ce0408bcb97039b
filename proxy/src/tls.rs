//! TLS: certificates from Secrets and from the config file, chosen by SNI.
//!
//! A PEM pair becomes a [`LoadedCert`] ([`parse_pair`]); the certificates an
//! entry point may serve form a [`CertSet`], a pure snapshot indexed by the
//! certificates' own names and published through a [`CertHandle`]
//! (`arc-swap`), so a handshake takes one snapshot and never waits on a
//! lock. [`Resolver`] is the rustls `ResolvesServerCert` over that snapshot;
//! [`CertSources`] is where Secret certificates (from the Kubernetes
//! provider) and file certificates (watched by [`files`]) meet, keeping the
//! last good certificate when new PEM does not parse.

mod cert;
pub mod files;
mod resolver;
mod set;
mod setup;
mod sources;

pub use cert::{LoadedCert, generate_default, parse_pair};
pub use resolver::{CertHandle, Resolver, server_config};
pub use set::{CertEntry, CertInfo, CertSet, CertSource, HostScope};
pub use setup::{TlsRuntime, start};
pub use sources::{CertSlot, CertSources, ReloadStats};

#[cfg(test)]
mod tests;

/// Why a certificate could not be loaded or served.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate PEM holds no `CERTIFICATE` block.
    #[error("no certificate found in the certificate PEM")]
    NoCertificate,
    /// The key PEM holds no private key.
    #[error("no private key found in the key PEM")]
    NoPrivateKey,
    /// A PEM block could not be decoded.
    #[error("invalid PEM in the {what}")]
    InvalidPem {
        /// `certificate` or `key`.
        what: &'static str,
        /// The decoding error.
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    /// The end-entity certificate is not valid X.509.
    #[error("invalid certificate")]
    InvalidCertificate(#[source] x509_parser::error::X509Error),
    /// The private key is of a kind the crypto provider cannot sign with.
    #[error("unsupported private key")]
    UnsupportedKey(#[source] rustls::Error),
    /// The private key does not belong to the certificate.
    #[error("the private key does not match the certificate")]
    KeyMismatch,
    /// A certificate or key file could not be read.
    #[error("cannot read {path}")]
    ReadFile {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The default certificate could not be generated.
    #[error("cannot generate the default certificate")]
    Generate(#[source] rcgen::Error),
    /// The certificate files could not be watched.
    #[error("cannot watch the certificate files")]
    Watch(#[source] notify::Error),
}

impl TlsError {
    /// A stable snake_case name for metrics and Event reasons.
    pub fn metric_label(&self) -> &'static str {
        match self {
            TlsError::NoCertificate => "no_certificate",
            TlsError::NoPrivateKey => "no_private_key",
            TlsError::InvalidPem { .. } => "invalid_pem",
            TlsError::InvalidCertificate(_) => "invalid_certificate",
            TlsError::UnsupportedKey(_) => "unsupported_key",
            TlsError::KeyMismatch => "key_mismatch",
            TlsError::ReadFile { .. } => "read_file",
            TlsError::Generate(_) => "generate",
            TlsError::Watch(_) => "watch",
        }
    }
}
