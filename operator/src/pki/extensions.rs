//! The X.509 extensions a request carries (RFC 5280 §4.2): subject
//! alternative names, key usage, extended key usage, basic constraints and
//! name constraints, encoded from a Certificate's spec as cert-manager
//! encodes them; and key usages read back into cert-manager's names.

use std::net::IpAddr;

use passerelle_crds::v1::certificate::{CertificateSpec, KeyUsage, NameConstraintItem, NameConstraints};
use x509_parser::extensions::{ExtendedKeyUsage, KeyUsage as ParsedKeyUsage};

use super::der::{self, tag};
use super::names::dotted;
use super::{Error, Result};

/// id-ce-subjectAltName.
const SUBJECT_ALT_NAME: &[u64] = &[2, 5, 29, 17];
/// id-ce-keyUsage.
const KEY_USAGE: &[u64] = &[2, 5, 29, 15];
/// id-ce-extKeyUsage.
const EXT_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
/// id-ce-basicConstraints.
const BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
/// id-ce-nameConstraints.
const NAME_CONSTRAINTS: &[u64] = &[2, 5, 29, 30];

/// An extension: `SEQUENCE { extnID, critical DEFAULT FALSE, extnValue }`.
pub(crate) fn extension(oid: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let critical = if critical { der::boolean_true() } else { Vec::new() };
    der::sequence(&[&der::oid(oid), &critical, &der::octet_string(value)])
}

/// The subjectAltName extension, if the spec asks for any name: DNS names,
/// emails, IP addresses, URIs, then otherNames. Critical when the subject
/// is empty (RFC 5280 §4.2.1.6).
pub(crate) fn subject_alt_names(spec: &CertificateSpec, subject_empty: bool) -> Result<Option<Vec<u8>>> {
    let mut names = Vec::new();
    let ia5 = |field, tag, value: &String| {
        if value.is_ascii() {
            Ok(der::tlv(tag, value.as_bytes()))
        } else {
            Err(Error::InvalidSpec {
                field,
                message: format!("{value:?} is not ASCII (IA5String)"),
            })
        }
    };
    for dns in spec.dns_names.iter().flatten() {
        names.push(ia5("spec.dnsNames", tag::context(2), dns)?);
    }
    for email in spec.email_addresses.iter().flatten() {
        names.push(ia5("spec.emailAddresses", tag::context(1), email)?);
    }
    for ip in spec.ip_addresses.iter().flatten() {
        let parsed: IpAddr = ip.parse().map_err(|_| Error::InvalidSpec {
            field: "spec.ipAddresses",
            message: format!("{ip:?} is not an IP address"),
        })?;
        names.push(der::tlv(tag::context(7), &ip_bytes(parsed)));
    }
    for uri in spec.uris.iter().flatten() {
        names.push(ia5("spec.uris", tag::context(6), uri)?);
    }
    for other in spec.other_names.iter().flatten() {
        let invalid = |message: String| Error::InvalidSpec {
            field: "spec.otherNames",
            message,
        };
        let oid = other.oid.as_deref().unwrap_or_default();
        let arcs = der::parse_dotted_oid(oid).ok_or_else(|| invalid(format!("{oid:?} is not an OID")))?;
        let value = other.utf8_value.as_deref().unwrap_or_default();
        let value = der::tlv(
            tag::context_constructed(0),
            &der::tlv(tag::UTF8_STRING, value.as_bytes()),
        );
        names.push(der::tlv(
            tag::context_constructed(0),
            &[der::oid(&arcs), value].concat(),
        ));
    }
    if names.is_empty() {
        return Ok(None);
    }
    Ok(Some(extension(
        SUBJECT_ALT_NAME,
        subject_empty,
        &der::tlv(tag::SEQUENCE, &names.concat()),
    )))
}

/// An IP address as an iPAddress name holds it: 4 bytes for IPv4 (and
/// IPv4-mapped IPv6, as Go writes them), 16 for IPv6.
fn ip_bytes(ip: IpAddr) -> Vec<u8> {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    }
}

/// The KeyUsage bit of a usage (RFC 5280 §4.2.1.3), if it is one.
fn key_usage_bit(usage: KeyUsage) -> Option<u8> {
    Some(match usage {
        KeyUsage::Signing | KeyUsage::DigitalSignature => 0,
        KeyUsage::ContentCommitment => 1,
        KeyUsage::KeyEncipherment => 2,
        KeyUsage::DataEncipherment => 3,
        KeyUsage::KeyAgreement => 4,
        KeyUsage::CertSign => 5,
        KeyUsage::CrlSign => 6,
        KeyUsage::EncipherOnly => 7,
        KeyUsage::DecipherOnly => 8,
        _ => return None,
    })
}

/// The ExtendedKeyUsage OID of a usage (RFC 5280 §4.2.1.12), if it is one.
fn ext_key_usage_oid(usage: KeyUsage) -> Option<&'static [u64]> {
    Some(match usage {
        KeyUsage::Any => &[2, 5, 29, 37, 0],
        KeyUsage::ServerAuth => &[1, 3, 6, 1, 5, 5, 7, 3, 1],
        KeyUsage::ClientAuth => &[1, 3, 6, 1, 5, 5, 7, 3, 2],
        KeyUsage::CodeSigning => &[1, 3, 6, 1, 5, 5, 7, 3, 3],
        KeyUsage::EmailProtection | KeyUsage::Smime => &[1, 3, 6, 1, 5, 5, 7, 3, 4],
        KeyUsage::IpsecEndSystem => &[1, 3, 6, 1, 5, 5, 7, 3, 5],
        KeyUsage::IpsecTunnel => &[1, 3, 6, 1, 5, 5, 7, 3, 6],
        KeyUsage::IpsecUser => &[1, 3, 6, 1, 5, 5, 7, 3, 7],
        KeyUsage::Timestamping => &[1, 3, 6, 1, 5, 5, 7, 3, 8],
        KeyUsage::OcspSigning => &[1, 3, 6, 1, 5, 5, 7, 3, 9],
        KeyUsage::MicrosoftSgc => &[1, 3, 6, 1, 4, 1, 311, 10, 3, 3],
        KeyUsage::NetscapeSgc => &[2, 16, 840, 1, 113730, 4, 1],
        _ => return None,
    })
}

/// The usages a request encodes: `spec.usages`, or `digital signature` and
/// `key encipherment` when empty, plus `cert sign` for a CA — as
/// cert-manager's `KeyUsagesForCertificateOrCertificateRequest`.
pub(crate) fn requested_usages(spec: &CertificateSpec) -> Vec<KeyUsage> {
    let mut usages = match spec.usages.as_deref() {
        Some(u) if !u.is_empty() => u.to_vec(),
        _ => KeyUsage::DEFAULT.to_vec(),
    };
    if spec.is_ca == Some(true) {
        usages.push(KeyUsage::CertSign);
    }
    usages
}

/// The keyUsage extension (critical, as Go writes it) and, when any
/// extended usage is asked for, the extKeyUsage extension.
pub(crate) fn usages(usages: &[KeyUsage]) -> Vec<Vec<u8>> {
    let bits = usages
        .iter()
        .filter_map(|&u| key_usage_bit(u))
        .fold(0u16, |acc, bit| acc | 1 << bit);
    let mut out = Vec::new();
    if bits != 0 {
        // Bit 0 is the most significant bit of the first octet; trailing
        // zero bits are dropped and counted as unused (X.690 §11.2.2).
        let highest = 15 - bits.leading_zeros() as usize;
        let octets = [(bits as u8).reverse_bits(), ((bits >> 8) as u8).reverse_bits()];
        let len = highest / 8 + 1;
        let unused = (len * 8 - highest - 1) as u8;
        let bit_string = der::tlv(tag::BIT_STRING, &[&[unused][..], &octets[..len]].concat());
        out.push(extension(KEY_USAGE, true, &bit_string));
    }
    let mut ekus: Vec<&[u64]> = Vec::new();
    for oid in usages.iter().filter_map(|&u| ext_key_usage_oid(u)) {
        if !ekus.contains(&oid) {
            ekus.push(oid);
        }
    }
    if !ekus.is_empty() {
        let oids: Vec<Vec<u8>> = ekus.iter().map(|arcs| der::oid(arcs)).collect();
        out.push(extension(
            EXT_KEY_USAGE,
            false,
            &der::tlv(tag::SEQUENCE, &oids.concat()),
        ));
    }
    out
}

/// The basicConstraints extension of a CA request: critical, cA TRUE, no
/// path length (RFC 5280 §4.2.1.9).
pub(crate) fn basic_constraints_ca() -> Vec<u8> {
    extension(BASIC_CONSTRAINTS, true, &der::sequence(&[&der::boolean_true()]))
}

/// The nameConstraints extension (RFC 5280 §4.2.1.10), if it constrains
/// anything.
pub(crate) fn name_constraints(constraints: &NameConstraints) -> Result<Option<Vec<u8>>> {
    let permitted = subtrees(constraints.permitted.as_ref())?;
    let excluded = subtrees(constraints.excluded.as_ref())?;
    if permitted.is_empty() && excluded.is_empty() {
        return Ok(None);
    }
    let mut value = Vec::new();
    if !permitted.is_empty() {
        value.extend(der::tlv(tag::context_constructed(0), &permitted));
    }
    if !excluded.is_empty() {
        value.extend(der::tlv(tag::context_constructed(1), &excluded));
    }
    let critical = constraints.critical.unwrap_or(false);
    Ok(Some(extension(
        NAME_CONSTRAINTS,
        critical,
        &der::tlv(tag::SEQUENCE, &value),
    )))
}

/// The content of a GeneralSubtrees: one `GeneralSubtree { base }` per
/// DNS domain, IP range, email and URI domain, in Go's order.
fn subtrees(item: Option<&NameConstraintItem>) -> Result<Vec<u8>> {
    let Some(item) = item else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut push = |tag, bytes: &[u8]| out.extend(der::sequence(&[&der::tlv(tag, bytes)]));
    for dns in item.dns_domains.iter().flatten() {
        push(tag::context(2), dns.as_bytes());
    }
    for range in item.ip_ranges.iter().flatten() {
        push(tag::context(7), &cidr_bytes(range)?);
    }
    for email in item.email_addresses.iter().flatten() {
        push(tag::context(1), email.as_bytes());
    }
    for uri in item.uri_domains.iter().flatten() {
        push(tag::context(6), uri.as_bytes());
    }
    Ok(out)
}

/// A CIDR range as an iPAddress constraint: network address then mask.
fn cidr_bytes(range: &str) -> Result<Vec<u8>> {
    let invalid = || Error::InvalidSpec {
        field: "spec.nameConstraints",
        message: format!("{range:?} is not a CIDR range"),
    };
    let (addr, prefix) = range.split_once('/').ok_or_else(invalid)?;
    let addr: IpAddr = addr.parse().map_err(|_| invalid())?;
    let prefix: usize = prefix.parse().map_err(|_| invalid())?;
    let addr = match addr {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    };
    if prefix > addr.len() * 8 {
        return Err(invalid());
    }
    let mask: Vec<u8> = (0..addr.len())
        .map(|i| {
            let bits = prefix.saturating_sub(i * 8).min(8);
            if bits == 0 { 0 } else { 0xffu8 << (8 - bits) }
        })
        .collect();
    let network: Vec<u8> = addr.iter().zip(&mask).map(|(a, m)| a & m).collect();
    Ok([network, mask].concat())
}

/// The usages of parsed keyUsage and extKeyUsage extensions, in
/// cert-manager's names, sorted (`signing` reads back as `digital
/// signature`, `s/mime` as `email protection`).
pub(crate) fn read_usages(
    key_usage: Option<&ParsedKeyUsage>,
    ext: Option<&ExtendedKeyUsage<'_>>,
) -> Vec<KeyUsage> {
    const BITS: [KeyUsage; 9] = [
        KeyUsage::DigitalSignature,
        KeyUsage::ContentCommitment,
        KeyUsage::KeyEncipherment,
        KeyUsage::DataEncipherment,
        KeyUsage::KeyAgreement,
        KeyUsage::CertSign,
        KeyUsage::CrlSign,
        KeyUsage::EncipherOnly,
        KeyUsage::DecipherOnly,
    ];
    let mut usages: Vec<KeyUsage> = key_usage
        .map(|ku| {
            BITS.iter()
                .enumerate()
                .filter(|(i, _)| ku.flags & (1 << i) != 0)
                .map(|(_, &u)| u)
                .collect()
        })
        .unwrap_or_default();
    if let Some(ext) = ext {
        let flags = [
            (ext.any, KeyUsage::Any),
            (ext.server_auth, KeyUsage::ServerAuth),
            (ext.client_auth, KeyUsage::ClientAuth),
            (ext.code_signing, KeyUsage::CodeSigning),
            (ext.email_protection, KeyUsage::EmailProtection),
            (ext.time_stamping, KeyUsage::Timestamping),
            (ext.ocsp_signing, KeyUsage::OcspSigning),
        ];
        usages.extend(flags.iter().filter(|(set, _)| *set).map(|&(_, u)| u));
        let others = [
            KeyUsage::IpsecEndSystem,
            KeyUsage::IpsecTunnel,
            KeyUsage::IpsecUser,
            KeyUsage::MicrosoftSgc,
            KeyUsage::NetscapeSgc,
        ];
        for oid in &ext.other {
            let id = oid.to_id_string();
            usages.extend(
                others
                    .iter()
                    .filter(|&&u| ext_key_usage_oid(u).is_some_and(|arcs| dotted(arcs) == id)),
            );
        }
    }
    usages.sort();
    usages.dedup();
    usages
}
