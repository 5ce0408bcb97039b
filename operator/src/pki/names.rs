//! The names a request or certificate carries — its subject (RFC 5280
//! §4.1.2.6) and subject alternative names (§4.2.1.6) — read out of
//! x509-parser's view into owned values, and the order-insensitive
//! comparisons cert-manager makes between them and a Certificate's spec.

use std::net::IpAddr;

use passerelle_crds::v1::certificate::{OtherName, X509Subject};
use x509_parser::extensions::{GeneralName, SubjectAlternativeName};
use x509_parser::x509::X509Name;

use super::der::{self, tag};

/// commonName.
pub(crate) const CN: &[u64] = &[2, 5, 4, 3];
/// serialNumber.
pub(crate) const SERIAL_NUMBER: &[u64] = &[2, 5, 4, 5];
/// countryName.
pub(crate) const C: &[u64] = &[2, 5, 4, 6];
/// localityName.
pub(crate) const L: &[u64] = &[2, 5, 4, 7];
/// stateOrProvinceName.
pub(crate) const ST: &[u64] = &[2, 5, 4, 8];
/// streetAddress.
pub(crate) const STREET: &[u64] = &[2, 5, 4, 9];
/// organizationName.
pub(crate) const O: &[u64] = &[2, 5, 4, 10];
/// organizationalUnitName.
pub(crate) const OU: &[u64] = &[2, 5, 4, 11];
/// postalCode.
pub(crate) const POSTAL_CODE: &[u64] = &[2, 5, 4, 17];

/// One attribute of a subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute type, as a dotted OID (`2.5.4.3`).
    pub oid: String,
    /// The value (strings of other types than the usual directory strings
    /// are read as UTF-8, lossily).
    pub value: String,
}

impl Attribute {
    /// An attribute of a type given as arcs.
    pub(crate) fn new(arcs: &[u64], value: impl Into<String>) -> Self {
        Self {
            oid: dotted(arcs),
            value: value.into(),
        }
    }
}

/// The subject and subject alternative names of a request or certificate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    /// The subject's relative distinguished names, in their DER order
    /// (the reverse of the RFC 4514 string).
    pub rdns: Vec<Vec<Attribute>>,
    /// The subject's first commonName, if any.
    pub common_name: Option<String>,
    /// dNSName SANs.
    pub dns_names: Vec<String>,
    /// iPAddress SANs.
    pub ip_addresses: Vec<IpAddr>,
    /// uniformResourceIdentifier SANs.
    pub uris: Vec<String>,
    /// rfc822Name SANs.
    pub email_addresses: Vec<String>,
    /// otherName SANs with a UTF8String value.
    pub other_names: Vec<OtherName>,
}

impl Names {
    /// Reads a subject and the SAN extension of a request or certificate.
    pub(crate) fn read(subject: &X509Name<'_>, sans: Option<&SubjectAlternativeName<'_>>) -> Self {
        let rdns: Vec<Vec<Attribute>> = subject
            .iter()
            .map(|rdn| {
                rdn.iter()
                    .map(|atv| Attribute {
                        oid: atv.attr_type().to_id_string(),
                        value: atv
                            .as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|_| String::from_utf8_lossy(atv.as_slice()).into_owned()),
                    })
                    .collect()
            })
            .collect();
        let mut names = Self {
            rdns,
            ..Self::default()
        };
        names.common_name = names.subject_values(CN).first().map(|s| s.to_string());
        for name in sans.map(|s| s.general_names.as_slice()).unwrap_or_default() {
            match name {
                GeneralName::DNSName(n) => names.dns_names.push(n.to_string()),
                GeneralName::RFC822Name(n) => names.email_addresses.push(n.to_string()),
                GeneralName::URI(n) => names.uris.push(n.to_string()),
                GeneralName::IPAddress(bytes) => {
                    if let Ok(v4) = <[u8; 4]>::try_from(*bytes) {
                        names.ip_addresses.push(IpAddr::from(v4));
                    } else if let Ok(v6) = <[u8; 16]>::try_from(*bytes) {
                        names.ip_addresses.push(IpAddr::from(v6));
                    }
                }
                GeneralName::OtherName(oid, value) => {
                    // value is `[0] EXPLICIT ANY`; cert-manager only writes
                    // UTF8String values (RFC 5280 §4.2.1.6).
                    let utf8 = der::read_single(value, tag::context_constructed(0), "")
                        .and_then(|inner| der::read_single(inner, tag::UTF8_STRING, ""))
                        .ok()
                        .and_then(|v| std::str::from_utf8(v).ok());
                    if let Some(v) = utf8 {
                        names.other_names.push(OtherName {
                            oid: Some(oid.to_id_string()),
                            utf8_value: Some(v.into()),
                        });
                    }
                }
                _ => {}
            }
        }
        names
    }

    /// The values of the subject attributes of a type, in order.
    pub fn subject_values(&self, arcs: &[u64]) -> Vec<&str> {
        let oid = dotted(arcs);
        self.rdns
            .iter()
            .flatten()
            .filter(|a| a.oid == oid)
            .map(|a| a.value.as_str())
            .collect()
    }

    /// The subject as a Certificate's `spec.subject` would ask for it (the
    /// commonName apart), as Go's `pkix.Name.FillFromRDNSequence` reads it.
    pub fn subject(&self) -> X509Subject {
        let list = |arcs| {
            let values: Vec<String> = self.subject_values(arcs).into_iter().map(str::to_owned).collect();
            (!values.is_empty()).then_some(values)
        };
        X509Subject {
            organizations: list(O),
            countries: list(C),
            organizational_units: list(OU),
            localities: list(L),
            provinces: list(ST),
            street_addresses: list(STREET),
            postal_codes: list(POSTAL_CODE),
            serial_number: self.subject_values(SERIAL_NUMBER).first().map(|s| s.to_string()),
        }
    }
}

/// A dotted OID from arcs.
pub(crate) fn dotted(arcs: &[u64]) -> String {
    arcs.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

/// Whether two lists hold the same strings, in any order, duplicates
/// counted (cert-manager's `util.EqualUnsorted`).
pub(crate) fn equal_unsorted<A: AsRef<str>, B: AsRef<str>>(a: &[A], b: &[B]) -> bool {
    let mut a: Vec<&str> = a.iter().map(AsRef::as_ref).collect();
    let mut b: Vec<&str> = b.iter().map(AsRef::as_ref).collect();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// Whether the requested IP addresses (strings of a spec) are the parsed
/// ones, in any order. IPv4-mapped IPv6 addresses equal their IPv4 form, as
/// Go's `net.IP.Equal` has it; an unparsable request never matches.
pub(crate) fn ips_match(parsed: &[IpAddr], requested: &[String]) -> bool {
    let requested: Option<Vec<IpAddr>> = requested.iter().map(|s| s.parse::<IpAddr>().ok()).collect();
    let Some(requested) = requested else {
        return false;
    };
    let canonical = |ips: &[IpAddr]| {
        let mut v: Vec<IpAddr> = ips.iter().map(IpAddr::to_canonical).collect();
        v.sort_unstable();
        v
    };
    canonical(parsed) == canonical(&requested)
}

/// A list field of a spec, empty when unset.
pub(crate) fn list(field: &Option<Vec<String>>) -> &[String] {
    field.as_deref().unwrap_or_default()
}
