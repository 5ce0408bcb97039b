//! Issued X.509 certificates (RFC 5280) read back from a Secret's
//! `tls.crt` or a CertificateRequest's `status.certificate`: validity,
//! names, CA flag and public key of each certificate of a chain (leaf
//! first), and the checks that decide re-issuance — does the key in the
//! Secret belong to the certificate, does the certificate carry the names
//! the Certificate asks for, is the chain signed link by link.

use std::collections::BTreeSet;

use k8s_openapi::jiff::Timestamp;
use passerelle_crds::v1::certificate::{CertificateSpec, KeyUsage};
use x509_parser::certificate::X509Certificate;
use x509_parser::error::X509Error;
use x509_parser::prelude::FromDer;

use super::keys::PrivateKey;
use super::names::{Names, equal_unsorted, ips_match, list};
use super::signature::{self, VerifyError, spki_parts};
use super::{Error, Mismatch, Result, extensions, pem};

/// One certificate of a chain.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedCertificate {
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// Start of validity.
    pub not_before: Timestamp,
    /// End of validity.
    pub not_after: Timestamp,
    /// Serial number, lowercase hex without separators.
    pub serial: String,
    /// Subject, RFC 4514 string.
    pub subject: String,
    /// Issuer, RFC 4514 string.
    pub issuer: String,
    /// Subject and SANs.
    pub names: Names,
    /// Whether basic constraints say CA.
    pub is_ca: bool,
    /// Key usages and extended key usages, in cert-manager's names, sorted.
    pub usages: Vec<KeyUsage>,
    /// The subject's public key, SubjectPublicKeyInfo DER.
    pub public_key_der: Vec<u8>,
}

impl ParsedCertificate {
    /// Parses one DER certificate; trailing bytes are an error.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        Self::parse_at(der, 0)
    }

    fn parse_at(der: &[u8], index: usize) -> Result<Self> {
        let failed = |source| Error::ParseCertificate { index, source };
        let cert = parse_x509(der).map_err(failed)?;
        let time = |t: x509_parser::time::ASN1Time| {
            Timestamp::from_second(t.timestamp()).map_err(|_| failed(X509Error::InvalidDate))
        };
        let validity = cert.validity();
        let sans = cert.subject_alternative_name().map_err(failed)?;
        let key_usage = cert.key_usage().map_err(failed)?;
        let ext_key_usage = cert.extended_key_usage().map_err(failed)?;
        let basic_constraints = cert.basic_constraints().map_err(failed)?;
        Ok(Self {
            der: der.to_vec(),
            not_before: time(validity.not_before)?,
            not_after: time(validity.not_after)?,
            serial: cert.raw_serial().iter().map(|b| format!("{b:02x}")).collect(),
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            names: Names::read(cert.subject(), sans.map(|s| s.value)),
            is_ca: basic_constraints.is_some_and(|b| b.value.ca),
            usages: extensions::read_usages(key_usage.map(|k| k.value), ext_key_usage.map(|e| e.value)),
            public_key_der: cert.public_key().raw.to_vec(),
        })
    }

    /// Whether `now` lies within the validity period (both ends included,
    /// RFC 5280 §4.1.2.5).
    pub fn is_valid_at(&self, now: Timestamp) -> bool {
        self.not_before <= now && now <= self.not_after
    }
}

/// Parses a PEM chain, leaf first. Anything other than `CERTIFICATE`
/// blocks, an empty text or a malformed certificate is an error.
pub fn parse_chain(text: &str) -> Result<Vec<ParsedCertificate>> {
    pem::decode(text)?
        .iter()
        .enumerate()
        .map(|(index, block)| {
            if block.label != "CERTIFICATE" {
                return Err(Error::DecodePem(format!(
                    "unexpected {} block in a certificate chain",
                    block.label
                )));
            }
            ParsedCertificate::parse_at(&block.der, index)
        })
        .collect()
}

/// Whether `key` is the private key of `cert`: same algorithm, curve and
/// public key bits (cert-manager's `PublicKeysEqual`; reason
/// `InvalidKeyPair` when not). A key whose public half cannot be computed
/// matches nothing.
pub fn key_matches(cert: &ParsedCertificate, key: &PrivateKey) -> bool {
    let Ok(public) = key.public_key_der() else {
        return false;
    };
    match (spki_parts(&cert.public_key_der), spki_parts(&public)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Which names a certificate lacks or has beyond what a Certificate asks
/// for, as cert-manager's `SecretDataAltNamesMatchSpec` tells: the common
/// name and DNS names compare loosely (a CA may move a name between them),
/// IP addresses, URIs and emails exactly, all in any order. The subject's
/// other attributes are not compared: ACME CAs drop them, and comparing
/// would re-issue forever.
pub fn matches_spec(cert: &ParsedCertificate, spec: &CertificateSpec) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let spec_cn = spec.common_name.as_deref().filter(|s| !s.is_empty());
    let cert_cn = cert.names.common_name.as_deref().filter(|s| !s.is_empty());
    let expected: BTreeSet<&str> = list(&spec.dns_names)
        .iter()
        .map(String::as_str)
        .chain(spec_cn)
        .collect();
    let actual: BTreeSet<&str> = cert
        .names
        .dns_names
        .iter()
        .map(String::as_str)
        .chain(cert_cn)
        .collect();
    if expected != actual {
        if spec_cn.is_some_and(|cn| !actual.contains(cn)) || cert_cn.is_some_and(|cn| !expected.contains(cn))
        {
            out.push(Mismatch::CommonName);
        }
        let all_in = |names: &[String], set: &BTreeSet<&str>| names.iter().all(|n| set.contains(n.as_str()));
        if !all_in(list(&spec.dns_names), &actual) || !all_in(&cert.names.dns_names, &expected) {
            out.push(Mismatch::DnsNames);
        }
    }
    if !ips_match(&cert.names.ip_addresses, list(&spec.ip_addresses)) {
        out.push(Mismatch::IpAddresses);
    }
    if !equal_unsorted(&cert.names.uris, list(&spec.uris)) {
        out.push(Mismatch::Uris);
    }
    if !equal_unsorted(&cert.names.email_addresses, list(&spec.email_addresses)) {
        out.push(Mismatch::EmailAddresses);
    }
    out
}

/// Checks that each certificate of a chain is signed by the next one (the
/// last may be signed by a root that is not included). A one-certificate
/// chain is accepted as is.
pub fn verify_chain(chain: &[ParsedCertificate]) -> Result<()> {
    for (index, pair) in chain.windows(2).enumerate() {
        let failed = |source| Error::ParseCertificate { index, source };
        let cert = parse_x509(&pair[0].der).map_err(failed)?;
        signature::verify(
            &pair[1].public_key_der,
            cert.signature_algorithm.algorithm.as_bytes(),
            &cert.signature_value.data,
            cert.tbs_certificate.as_ref(),
        )
        .map_err(|e| Error::VerifyChain {
            index,
            message: match e {
                VerifyError::Unsupported => "its signature algorithm is not supported",
                VerifyError::Invalid => "it is not signed by the next certificate",
            },
        })?;
    }
    Ok(())
}

fn parse_x509(der: &[u8]) -> Result<X509Certificate<'_>, X509Error> {
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        Ok(_) => Err(X509Error::InvalidCertificate),
        Err(x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e)) => Err(e),
        Err(x509_parser::nom::Err::Incomplete(_)) => Err(X509Error::InvalidCertificate),
    }
}
