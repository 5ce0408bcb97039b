//! PKCS#10 certification requests (RFC 2986) as cert-manager makes them
//! from a Certificate: the subject, the names and usages as extensions, the
//! signature by the Certificate's private key; read back to check a
//! CertificateRequest against its Certificate.
//!
//! Requests are encoded here rather than with rcgen, whose subject keeps one
//! value per attribute type: cert-manager puts all organizations (or all
//! `DC=` of a literal subject) in the request, and so must Passerelle.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crds::defaults;
use passerelle_crds::v1::certificate::{CertificateSpec, KeyUsage};
use passerelle_crds::v1::certificate_request::CertificateRequestSpec;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

use super::der::{self, tag};
use super::keys::PrivateKey;
use super::names::{self, CN, Names, equal_unsorted, ips_match, list};
use super::signature::{self, SignatureScheme, VerifyError};
use super::{Error, Mismatch, Result, extensions, pem, subject};

/// extensionRequest (PKCS #9, RFC 2985 §5.4.2).
const EXTENSION_REQUEST: &[u64] = &[1, 2, 840, 113549, 1, 9, 14];

/// A certification request, DER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Csr {
    der: Vec<u8>,
}

impl Csr {
    /// Builds and signs the request for a Certificate, as cert-manager's
    /// `GenerateCSR`: subject from `literalSubject` or `subject` +
    /// `commonName`; DNS, email, IP, URI and otherName SANs; key usages
    /// unless `encodeUsagesInRequest` is false; basic constraints when
    /// `isCA`; name constraints when set. Signed with `spec.signatureAlgorithm`
    /// or the key's usual scheme.
    pub fn build(spec: &CertificateSpec, key: &PrivateKey) -> Result<Self> {
        let scheme = SignatureScheme::for_key(key.kind(), spec.signature_algorithm)?;
        let rdns = subject::rdns_for_spec(spec)?;
        let has_common_name = rdns.iter().flatten().any(|a| a.oid == names::dotted(CN));
        let mut exts = Vec::new();
        let sans = extensions::subject_alt_names(spec, rdns.is_empty())?;
        if !has_common_name && sans.is_none() {
            return Err(Error::InvalidSpec {
                field: "spec",
                message: "at least one of commonName (from the commonName field or from a literalSubject), \
                          dnsNames, emailAddresses, ipAddresses, otherNames, or uris must be set"
                    .into(),
            });
        }
        exts.extend(sans);
        if spec.encode_usages_in_request != Some(false) {
            exts.extend(extensions::usages(&extensions::requested_usages(spec)));
        }
        if spec.is_ca == Some(true) {
            exts.push(extensions::basic_constraints_ca());
        }
        if let Some(constraints) = &spec.name_constraints {
            exts.extend(extensions::name_constraints(constraints)?);
        }
        let attributes = if exts.is_empty() {
            Vec::new()
        } else {
            let extensions = der::tlv(tag::SEQUENCE, &exts.concat());
            der::sequence(&[&der::oid(EXTENSION_REQUEST), &der::set_of(vec![extensions])])
        };
        let info = der::sequence(&[
            &der::INTEGER_ZERO,
            &subject::encode_name(&rdns)?,
            &key.public_key_der()?,
            &der::tlv(tag::context_constructed(0), &attributes),
        ]);
        let signature = scheme.sign(key, &info)?;
        let der = der::sequence(&[
            &info,
            &scheme.algorithm_identifier(),
            &der::bit_string(&signature),
        ]);
        Ok(Self { der })
    }

    /// A request from its DER (not checked until [`Csr::parse`]).
    pub fn from_der(der: Vec<u8>) -> Self {
        Self { der }
    }

    /// Reads the first `CERTIFICATE REQUEST` block of a PEM text.
    pub fn from_pem(text: &str) -> Result<Self> {
        pem::decode(text)?
            .into_iter()
            .find(|b| b.label == "CERTIFICATE REQUEST" || b.label == "NEW CERTIFICATE REQUEST")
            .map(|b| Self { der: b.der })
            .ok_or_else(|| Error::DecodePem("no CERTIFICATE REQUEST block".into()))
    }

    /// Reads a CertificateRequest's `spec.request`: base64 of the PEM.
    pub fn from_request_field(request: &str) -> Result<Self> {
        let pem = STANDARD
            .decode(request.trim())
            .map_err(|e| Error::DecodePem(format!("spec.request is not base64: {e}")))?;
        let pem =
            String::from_utf8(pem).map_err(|_| Error::DecodePem("spec.request is not PEM text".into()))?;
        Self::from_pem(&pem)
    }

    /// The DER, as ACME's finalize takes it (RFC 8555 §7.4).
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The PEM.
    pub fn to_pem(&self) -> String {
        pem::encode("CERTIFICATE REQUEST", &self.der)
    }

    /// What a CertificateRequest's `spec.request` holds: base64 of the PEM
    /// (the field is `[]byte` in cert-manager's API).
    pub fn to_request_field(&self) -> String {
        STANDARD.encode(self.to_pem())
    }

    /// Parses the request and checks its signature (RFC 2986 §3: by the
    /// key it carries).
    pub fn parse(&self) -> Result<ParsedCsr> {
        let malformed =
            |e: x509_parser::nom::Err<x509_parser::error::X509Error>| Error::ParseCsr(e.to_string());
        let (rest, csr) = X509CertificationRequest::from_der(&self.der).map_err(malformed)?;
        if !rest.is_empty() {
            return Err(Error::ParseCsr("trailing data after the request".into()));
        }
        let info = &csr.certification_request_info;
        signature::verify(
            info.subject_pki.raw,
            csr.signature_algorithm.algorithm.as_bytes(),
            &csr.signature_value.data,
            info.raw,
        )
        .map_err(|e| match e {
            VerifyError::Unsupported => Error::ParseCsr("unsupported signature algorithm".into()),
            VerifyError::Invalid => Error::ParseCsr("the signature does not verify".into()),
        })?;
        let (mut sans, mut key_usage, mut ext_key_usage, mut is_ca) = (None, None, None, false);
        for ext in csr.requested_extensions().into_iter().flatten() {
            match ext {
                ParsedExtension::SubjectAlternativeName(s) => sans = Some(s),
                ParsedExtension::KeyUsage(k) => key_usage = Some(k),
                ParsedExtension::ExtendedKeyUsage(e) => ext_key_usage = Some(e),
                ParsedExtension::BasicConstraints(b) => is_ca = b.ca,
                _ => {}
            }
        }
        Ok(ParsedCsr {
            names: Names::read(&info.subject, sans),
            usages: extensions::read_usages(key_usage, ext_key_usage),
            is_ca,
            public_key_der: info.subject_pki.raw.to_vec(),
        })
    }
}

/// What a request asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedCsr {
    /// Subject and SANs.
    pub names: Names,
    /// Key usages and extended key usages, in cert-manager's names, sorted.
    pub usages: Vec<KeyUsage>,
    /// Whether basic constraints ask for a CA.
    pub is_ca: bool,
    /// The requester's public key, SubjectPublicKeyInfo DER.
    pub public_key_der: Vec<u8>,
}

/// Which fields of a Certificate's spec a CertificateRequest does not match,
/// as cert-manager's `RequestMatchesSpec` tells (reason `RequestChanged`):
/// the request's names and subject, then its `isCA`, `usages`, `duration`
/// and `issuerRef`. Names and subject lists compare in any order.
pub fn request_matches_spec(
    request: &CertificateRequestSpec,
    spec: &CertificateSpec,
) -> Result<Vec<Mismatch>> {
    let csr = Csr::from_request_field(&request.request)?.parse()?;
    let mut mismatches = names_mismatches(&csr.names, spec)?;
    if request.is_ca.unwrap_or(false) != spec.is_ca.unwrap_or(false) {
        mismatches.push(Mismatch::IsCa);
    }
    let sorted = |u: &Option<Vec<KeyUsage>>| {
        let mut u = u.clone().unwrap_or_default();
        u.sort();
        u
    };
    if sorted(&request.usages) != sorted(&spec.usages) {
        mismatches.push(Mismatch::Usages);
    }
    if let (Some(requested), Some(wanted)) = (&request.duration, &spec.duration) {
        let parse = |d: &str| defaults::parse_duration(d).ok_or_else(|| d.to_owned());
        if parse(requested) != parse(wanted) {
            mismatches.push(Mismatch::Duration);
        }
    }
    if request.issuer_ref != spec.issuer_ref {
        mismatches.push(Mismatch::IssuerRef);
    }
    Ok(mismatches)
}

/// The name and subject mismatches between a request and a spec.
fn names_mismatches(csr: &Names, spec: &CertificateSpec) -> Result<Vec<Mismatch>> {
    let mut out = Vec::new();
    if !ips_match(&csr.ip_addresses, list(&spec.ip_addresses)) {
        out.push(Mismatch::IpAddresses);
    }
    if !equal_unsorted(&csr.uris, list(&spec.uris)) {
        out.push(Mismatch::Uris);
    }
    if !equal_unsorted(&csr.email_addresses, list(&spec.email_addresses)) {
        out.push(Mismatch::EmailAddresses);
    }
    if !equal_unsorted(&csr.dns_names, list(&spec.dns_names)) {
        out.push(Mismatch::DnsNames);
    }
    if let Some(literal) = spec.literal_subject.as_deref().filter(|s| !s.is_empty()) {
        let wanted = subject::parse_literal_subject(literal).map_err(|message| Error::InvalidSpec {
            field: "spec.literalSubject",
            message,
        })?;
        // Multi-valued RDNs are SETs: their order in DER is not the string's.
        let sorted = |rdns: &[Vec<names::Attribute>]| -> Vec<Vec<(String, String)>> {
            rdns.iter()
                .map(|rdn| {
                    let mut v: Vec<_> = rdn.iter().map(|a| (a.oid.clone(), a.value.clone())).collect();
                    v.sort();
                    v
                })
                .collect()
        };
        if sorted(&wanted) != sorted(&csr.rdns) {
            out.push(Mismatch::LiteralSubject);
        }
        return Ok(out);
    }
    if csr.common_name.as_deref().unwrap_or_default() != spec.common_name.as_deref().unwrap_or_default() {
        out.push(Mismatch::CommonName);
    }
    let got = csr.subject();
    let wanted = spec.subject.clone().unwrap_or_default();
    let pairs = [
        (got.organizations, wanted.organizations, Mismatch::Organizations),
        (got.countries, wanted.countries, Mismatch::Countries),
        (
            got.organizational_units,
            wanted.organizational_units,
            Mismatch::OrganizationalUnits,
        ),
        (got.localities, wanted.localities, Mismatch::Localities),
        (got.provinces, wanted.provinces, Mismatch::Provinces),
        (
            got.street_addresses,
            wanted.street_addresses,
            Mismatch::StreetAddresses,
        ),
        (got.postal_codes, wanted.postal_codes, Mismatch::PostalCodes),
    ];
    if got.serial_number.unwrap_or_default() != wanted.serial_number.unwrap_or_default() {
        out.push(Mismatch::SerialNumber);
    }
    for (got, wanted, mismatch) in pairs {
        if !equal_unsorted(list(&got), list(&wanted)) {
            out.push(mismatch);
        }
    }
    Ok(out)
}
