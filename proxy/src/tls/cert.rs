//! One certificate ready to serve: the chain and signing key rustls needs,
//! and the facts SNI selection and the admin API read from it (names,
//! subject, validity, serial). Built from PEM by [`parse_pair`], or generated
//! once at start by [`generate_default`].

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, DnsName, PrivateKeyDer};
use rustls::sign::CertifiedKey;
use x509_parser::extensions::GeneralName;

use super::TlsError;

/// The subject of the certificate served when nothing else fits, as
/// Traefik's `TRAEFIK DEFAULT CERT`.
pub(crate) const DEFAULT_CERT_CN: &str = "PASSERELLE DEFAULT CERT";

/// A parsed certificate chain with its signing key.
///
/// `Debug` prints the certificate's facts, never key material.
#[derive(Clone)]
pub struct LoadedCert {
    /// The chain and signing key, as rustls serves them.
    pub key: Arc<CertifiedKey>,
    /// The names this certificate serves, lower-cased and without a trailing
    /// dot: its DNS subjectAltNames, or its common name when it has none.
    /// Wildcards keep their `*.` prefix.
    pub names: Vec<String>,
    /// The DNS subjectAltNames as written in the certificate.
    pub sans: Vec<String>,
    /// The subject, in RFC 4514 form (`CN=example.test`).
    pub subject: String,
    /// The serial number, hex with colons.
    pub serial: String,
    /// notBefore, in seconds since the Unix epoch.
    pub not_before: i64,
    /// notAfter, in seconds since the Unix epoch.
    pub not_after: i64,
}

impl std::fmt::Debug for LoadedCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedCert")
            .field("subject", &self.subject)
            .field("names", &self.names)
            .field("serial", &self.serial)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl LoadedCert {
    /// The end-entity certificate, DER-encoded.
    pub fn der(&self) -> &[u8] {
        self.key.cert.first().map(|c| c.as_ref()).unwrap_or_default()
    }
}

/// The crypto provider every certificate and server config uses: aws-lc-rs,
/// whatever default the process may have installed.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: std::sync::OnceLock<Arc<CryptoProvider>> = std::sync::OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .clone()
}

/// Parses a PEM certificate chain (leaf first, as in a `kubernetes.io/tls`
/// Secret's `tls.crt`) and its PEM private key (PKCS#8, PKCS#1 or SEC1).
///
/// Refuses a key that does not match the leaf certificate, so a
/// half-rotated Secret is never served.
pub fn parse_pair(cert_pem: &[u8], key_pem: &[u8]) -> Result<LoadedCert, TlsError> {
    let chain = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| TlsError::InvalidPem {
            what: "certificate",
            source,
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate);
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|source| match source {
        rustls::pki_types::pem::Error::NoItemsFound => TlsError::NoPrivateKey,
        source => TlsError::InvalidPem { what: "key", source },
    })?;
    // Parse the certificate before the key check, so that a malformed
    // certificate is reported as such rather than as a key mismatch.
    let facts = CertFacts::read(&chain[0])?;
    let signing_key = provider()
        .key_provider
        .load_private_key(key)
        .map_err(TlsError::UnsupportedKey)?;
    let certified = CertifiedKey::new(chain, signing_key);
    match certified.keys_match() {
        // A key whose public half the provider cannot compute cannot be
        // checked; rustls's own `CertifiedKey::from_der` accepts it too.
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
        Err(_) => return Err(TlsError::KeyMismatch),
    }
    Ok(facts.into_loaded(Arc::new(certified)))
}

/// Generates the self-signed certificate served when an entry point has no
/// default certificate configured and a client's SNI matches nothing.
///
/// It names no host, so it never wins an SNI match; clients see it only
/// for unknown names, as with Traefik's generated default.
pub fn generate_default() -> Result<LoadedCert, TlsError> {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(TlsError::Generate)?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, DEFAULT_CERT_CN);
    let key_pair = rcgen::KeyPair::generate().map_err(TlsError::Generate)?;
    let cert = params.self_signed(&key_pair).map_err(TlsError::Generate)?;
    parse_pair(cert.pem().as_bytes(), key_pair.serialize_pem().as_bytes())
}

/// What is read from the end-entity certificate.
struct CertFacts {
    names: Vec<String>,
    sans: Vec<String>,
    subject: String,
    serial: String,
    not_before: i64,
    not_after: i64,
}

impl CertFacts {
    fn read(der: &CertificateDer<'_>) -> Result<CertFacts, TlsError> {
        let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).map_err(|e| {
            TlsError::InvalidCertificate(match e {
                x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => e,
                x509_parser::nom::Err::Incomplete(_) => x509_parser::error::X509Error::InvalidCertificate,
            })
        })?;
        let sans: Vec<String> = match cert.subject_alternative_name() {
            Ok(Some(ext)) => ext
                .value
                .general_names
                .iter()
                .filter_map(|name| match name {
                    GeneralName::DNSName(dns) => Some(dns.to_string()),
                    _ => None,
                })
                .collect(),
            Ok(None) => Vec::new(),
            Err(e) => return Err(TlsError::InvalidCertificate(e)),
        };
        let mut names: Vec<String> = sans.iter().filter_map(|n| normalize_name(n)).collect();
        if sans.is_empty() {
            // RFC 6125 §6.4.4: the CN is only a fallback for certificates
            // without DNS subjectAltNames.
            let cn = cert
                .subject()
                .iter_common_name()
                .next()
                .and_then(|cn| cn.as_str().ok());
            names.extend(cn.and_then(normalize_name));
        }
        names.sort();
        names.dedup();
        Ok(CertFacts {
            names,
            sans,
            subject: cert.subject().to_string(),
            serial: cert.raw_serial_as_string(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
        })
    }

    fn into_loaded(self, key: Arc<CertifiedKey>) -> LoadedCert {
        LoadedCert {
            key,
            names: self.names,
            sans: self.sans,
            subject: self.subject,
            serial: self.serial,
            not_before: self.not_before,
            not_after: self.not_after,
        }
    }
}

/// Lower-cases a certificate name and drops a trailing dot; `None` when it
/// is not a DNS name (or `*.` + a DNS name) a client could send as SNI.
pub(crate) fn normalize_name(name: &str) -> Option<String> {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    let base = name.strip_prefix("*.").unwrap_or(&name);
    if base.contains('*') {
        return None;
    }
    DnsName::try_from(base).ok()?;
    Some(name)
}
