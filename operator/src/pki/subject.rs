//! The subject a request asks for (RFC 5280 §4.1.2.6), as cert-manager
//! builds it: from `spec.literalSubject`, an RFC 4514 string written
//! last-RDN-first, or else from `spec.subject` and `spec.commonName` in the
//! order of Go's `pkix.Name.ToRDNSequence` (C, ST, L, street, postal code,
//! O, OU, CN, serialNumber; the values of one attribute in one RDN).

use passerelle_crds::v1::certificate::CertificateSpec;

use super::der;
use super::names::{Attribute, C, CN, L, O, OU, POSTAL_CODE, SERIAL_NUMBER, ST, STREET, dotted};
use super::{Error, Result};

/// domainComponent (RFC 4519 §2.4).
const DC: &[u64] = &[0, 9, 2342, 19200300, 100, 1, 25];
/// uid (RFC 4519 §2.39).
const UID: &[u64] = &[0, 9, 2342, 19200300, 100, 1, 1];

/// The subject's RDNs (in DER order) that a Certificate asks for.
pub(crate) fn rdns_for_spec(spec: &CertificateSpec) -> Result<Vec<Vec<Attribute>>> {
    if let Some(literal) = spec.literal_subject.as_deref().filter(|s| !s.is_empty()) {
        return parse_literal_subject(literal).map_err(|message| Error::InvalidSpec {
            field: "spec.literalSubject",
            message,
        });
    }
    let subject = spec.subject.clone().unwrap_or_default();
    let single = |v: &Option<String>| v.iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>();
    let attributes: [(&[u64], Vec<String>); 9] = [
        (C, subject.countries.unwrap_or_default()),
        (ST, subject.provinces.unwrap_or_default()),
        (L, subject.localities.unwrap_or_default()),
        (STREET, subject.street_addresses.unwrap_or_default()),
        (POSTAL_CODE, subject.postal_codes.unwrap_or_default()),
        (O, subject.organizations.unwrap_or_default()),
        (OU, subject.organizational_units.unwrap_or_default()),
        (CN, single(&spec.common_name)),
        (SERIAL_NUMBER, single(&subject.serial_number)),
    ];
    Ok(attributes
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(arcs, values)| values.into_iter().map(|v| Attribute::new(arcs, v)).collect())
        .collect())
}

/// Encodes RDNs as a DER Name, values typed as Go types them.
pub(crate) fn encode_name(rdns: &[Vec<Attribute>]) -> Result<Vec<u8>> {
    let mut encoded = Vec::with_capacity(rdns.len());
    for rdn in rdns {
        let mut set = Vec::with_capacity(rdn.len());
        for attribute in rdn {
            let arcs = der::parse_dotted_oid(&attribute.oid).ok_or_else(|| Error::InvalidSpec {
                field: "spec.literalSubject",
                message: format!("{} is not an OID", attribute.oid),
            })?;
            set.push(der::sequence(&[
                &der::oid(&arcs),
                &der::directory_string(&attribute.value),
            ]));
        }
        encoded.push(der::set_of(set));
    }
    let parts: Vec<&[u8]> = encoded.iter().map(Vec::as_slice).collect();
    Ok(der::sequence(&parts))
}

/// Parses an RFC 4514 distinguished name into RDNs in DER order (the
/// string's last RDN first), as cert-manager reads `spec.literalSubject`.
/// Attribute types are cert-manager's keywords (C, O, OU, CN,
/// SERIALNUMBER, L, ST, STREET, POSTALCODE, DC, UID; any case) or dotted
/// OIDs; values may be quoted and use `\` escapes (`\,` or `\2C`).
/// Hex-encoded BER values (`#04…`) are refused.
pub fn parse_literal_subject(input: &str) -> Result<Vec<Vec<Attribute>>, String> {
    let mut rdns = Vec::new();
    let mut rdn = Vec::new();
    let mut chars = input.trim().chars().peekable();
    if chars.peek().is_none() {
        return Ok(rdns);
    }
    loop {
        let mut name = String::new();
        loop {
            match chars.next() {
                Some('=') => break,
                Some(c) => name.push(c),
                None => return Err(format!("attribute {:?} has no value", name.trim())),
            }
        }
        let oid = attribute_type(name.trim())?;
        let (value, separator) = parse_value(&mut chars)?;
        rdn.push(Attribute { oid, value });
        match separator {
            Some('+') => {}
            Some(_) => rdns.push(std::mem::take(&mut rdn)),
            None => {
                rdns.push(rdn);
                break;
            }
        }
    }
    rdns.reverse();
    Ok(rdns)
}

/// The OID of an attribute type keyword or dotted OID.
fn attribute_type(name: &str) -> Result<String, String> {
    let arcs = match name.to_ascii_uppercase().as_str() {
        "C" => C,
        "O" => O,
        "OU" => OU,
        "CN" => CN,
        "SERIALNUMBER" => SERIAL_NUMBER,
        "L" => L,
        "ST" => ST,
        "STREET" => STREET,
        "POSTALCODE" => POSTAL_CODE,
        "DC" => DC,
        "UID" => UID,
        upper => {
            let oid = upper.strip_prefix("OID.").unwrap_or(upper);
            return der::parse_dotted_oid(oid)
                .map(|arcs| dotted(&arcs))
                .ok_or_else(|| format!("unknown attribute type {name:?}"));
        }
    };
    Ok(dotted(arcs))
}

/// Reads one attribute value up to an unescaped `,`, `;` or `+` (returned)
/// or the end, trimming unescaped surrounding spaces.
fn parse_value(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Result<(String, Option<char>), String> {
    while chars.next_if_eq(&' ').is_some() {}
    if chars.peek() == Some(&'#') {
        return Err("hex-encoded attribute values are not supported".into());
    }
    let quoted = chars.next_if_eq(&'"').is_some();
    let mut bytes = Vec::new();
    // Length of the value up to its last character that is not an
    // unescaped space: trailing spaces are not part of it (RFC 4514 §3).
    let mut kept = 0;
    let mut closed = false;
    let separator = loop {
        let Some(c) = chars.next() else {
            break None;
        };
        match c {
            '\\' => {
                let escaped = chars.next().ok_or("value ends with a lone backslash")?;
                if escaped.is_ascii_hexdigit() {
                    let low = chars
                        .next()
                        .filter(char::is_ascii_hexdigit)
                        .ok_or("invalid hex escape")?;
                    let byte =
                        u8::from_str_radix(&format!("{escaped}{low}"), 16).map_err(|e| e.to_string())?;
                    bytes.push(byte);
                } else if "\"+,;<>\\= #".contains(escaped) {
                    push_char(&mut bytes, escaped);
                } else {
                    return Err(format!("invalid escape \\{escaped}"));
                }
                kept = bytes.len();
            }
            '"' if quoted && !closed => closed = true,
            ',' | ';' | '+' if !quoted || closed => break Some(c),
            ' ' if !quoted || closed => push_char(&mut bytes, c),
            _ if closed => return Err(format!("unexpected {c:?} after a quoted value")),
            _ => {
                push_char(&mut bytes, c);
                kept = bytes.len();
            }
        }
    };
    if quoted && !closed {
        return Err("unterminated quoted value".into());
    }
    bytes.truncate(kept);
    let value = String::from_utf8(bytes).map_err(|_| "escaped bytes are not UTF-8".to_string())?;
    if value.is_empty() && !quoted {
        return Err("empty attribute value".into());
    }
    Ok((value, separator))
}

fn push_char(bytes: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}
