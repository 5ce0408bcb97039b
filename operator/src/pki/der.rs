//! A tiny DER (ITU-T X.690) reader and writer: just what the private key
//! conversions (PKCS#1, SEC1, PKCS#8) and the PKCS#10 request need, so that no
//! general ASN.1 crate has to be pulled in. Only low-tag-number forms are
//! read (tags 0–30), which covers every structure handled here.

use std::fmt;

/// Universal and context-specific tags used by the structures built here.
pub(crate) mod tag {
    pub(crate) const BOOLEAN: u8 = 0x01;
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const UTF8_STRING: u8 = 0x0c;
    pub(crate) const PRINTABLE_STRING: u8 = 0x13;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;

    /// `[n]` IMPLICIT of a primitive type.
    pub(crate) const fn context(n: u8) -> u8 {
        0x80 | n
    }

    /// `[n]` of a constructed type (or any EXPLICIT tag).
    pub(crate) const fn context_constructed(n: u8) -> u8 {
        0xa0 | n
    }
}

/// Why a DER structure could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DerError(pub(crate) &'static str);

impl fmt::Display for DerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// One tag-length-value element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet.
    pub(crate) tag: u8,
    /// The value octets.
    pub(crate) content: &'a [u8],
    /// The whole encoding, identifier and length included.
    pub(crate) raw: &'a [u8],
}

/// Reads consecutive elements out of a byte string.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reader<'a> {
    input: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `input`.
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self { input }
    }

    /// Whether every element has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// The tag of the next element, without consuming it.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.input.first().copied()
    }

    /// The next element, whatever its tag.
    pub(crate) fn read_any(&mut self) -> Result<Tlv<'a>, DerError> {
        let input = self.input;
        let (&tag, rest) = input.split_first().ok_or(DerError("unexpected end of data"))?;
        if tag & 0x1f == 0x1f {
            return Err(DerError("high tag numbers are not supported"));
        }
        let (&first, rest) = rest.split_first().ok_or(DerError("missing length"))?;
        let (len, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 {
                return Err(DerError("indefinite length is not DER"));
            }
            if n > 4 || rest.len() < n {
                return Err(DerError("invalid length"));
            }
            let len = rest[..n]
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            (len, &rest[n..])
        };
        if rest.len() < len {
            return Err(DerError("length exceeds the data"));
        }
        let header = input.len() - rest.len();
        let tlv = Tlv {
            tag,
            content: &rest[..len],
            raw: &input[..header + len],
        };
        self.input = &rest[len..];
        Ok(tlv)
    }

    /// The content of the next element, which must have tag `tag`.
    pub(crate) fn read(&mut self, tag: u8, what: &'static str) -> Result<&'a [u8], DerError> {
        let tlv = self.read_any()?;
        if tlv.tag != tag {
            return Err(DerError(what));
        }
        Ok(tlv.content)
    }

    /// The content of the next element when it has tag `tag`; nothing, and
    /// nothing consumed, otherwise.
    pub(crate) fn read_optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>, DerError> {
        if self.peek_tag() == Some(tag) {
            self.read_any().map(|tlv| Some(tlv.content))
        } else {
            Ok(None)
        }
    }
}

/// The content of `input`, which must be exactly one element of tag `tag`.
pub(crate) fn read_single<'a>(input: &'a [u8], tag: u8, what: &'static str) -> Result<&'a [u8], DerError> {
    let mut reader = Reader::new(input);
    let content = reader.read(tag, what)?;
    if !reader.is_empty() {
        return Err(DerError("trailing data"));
    }
    Ok(content)
}

/// The bit length of a non-negative INTEGER's content octets (the modulus
/// size of an RSA key).
pub(crate) fn integer_bit_len(content: &[u8]) -> usize {
    let significant = match content.iter().position(|&b| b != 0) {
        Some(i) => &content[i..],
        None => return 0,
    };
    (significant.len() - 1) * 8 + (8 - significant[0].leading_zeros() as usize)
}

/// Encodes one element.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of already encoded elements.
pub(crate) fn sequence(items: &[&[u8]]) -> Vec<u8> {
    tlv(tag::SEQUENCE, &items.concat())
}

/// A SET OF already encoded elements, sorted as DER requires (X.690 §11.6).
pub(crate) fn set_of(mut items: Vec<Vec<u8>>) -> Vec<u8> {
    items.sort();
    tlv(tag::SET, &items.concat())
}

/// The content octets of an OBJECT IDENTIFIER (X.690 §8.19).
pub(crate) fn oid_content(arcs: &[u64]) -> Vec<u8> {
    let mut out = Vec::new();
    let (first, rest) = match arcs {
        [a, b, rest @ ..] => (a * 40 + b, rest),
        [a] => (a * 40, &[][..]),
        [] => return out,
    };
    for arc in std::iter::once(first).chain(rest.iter().copied()) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            groups.push((v & 0x7f) as u8 | 0x80);
            v >>= 7;
        }
        out.extend(groups.iter().rev());
    }
    out
}

/// An OBJECT IDENTIFIER element.
pub(crate) fn oid(arcs: &[u64]) -> Vec<u8> {
    tlv(tag::OID, &oid_content(arcs))
}

/// Parses a dotted OID (`1.3.6.1.4.1.311.20.2.3`), refusing what X.660 does
/// not allow (fewer than two arcs, a first arc above 2, a second arc of 40 or
/// more under 0 and 1).
pub(crate) fn parse_dotted_oid(s: &str) -> Option<Vec<u64>> {
    let arcs = s
        .split('.')
        .map(|a| {
            if a.is_empty() || !a.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                a.parse().ok()
            }
        })
        .collect::<Option<Vec<u64>>>()?;
    match arcs.as_slice() {
        [first, second, ..]
            if *first <= 2
                && (*first == 2 || *second < 40)
                && (*first * 40).checked_add(*second).is_some() =>
        {
            Some(arcs)
        }
        _ => None,
    }
}

/// A BOOLEAN TRUE.
pub(crate) fn boolean_true() -> Vec<u8> {
    tlv(tag::BOOLEAN, &[0xff])
}

/// A BIT STRING of whole octets.
pub(crate) fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(bytes.len() + 1);
    content.push(0);
    content.extend_from_slice(bytes);
    tlv(tag::BIT_STRING, &content)
}

/// An OCTET STRING.
pub(crate) fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, bytes)
}

/// The small INTEGER `0` (the version of PKCS#8 and PKCS#10 structures).
pub(crate) const INTEGER_ZERO: [u8; 3] = [tag::INTEGER, 1, 0];

/// A NULL.
pub(crate) const NULL: [u8; 2] = [tag::NULL, 0];

/// A directory string as Go's `encoding/asn1` writes it, which is what
/// cert-manager's requests contain: a PrintableString when every character
/// allows it (X.680 §41.4, without `*` and `&`), a UTF8String otherwise.
pub(crate) fn directory_string(value: &str) -> Vec<u8> {
    let printable = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    let tag = if printable {
        tag::PRINTABLE_STRING
    } else {
        tag::UTF8_STRING
    };
    tlv(tag, value.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_well_known_oids() {
        // rsaEncryption, prime256v1, secp521r1, id-Ed25519 as every
        // certificate carries them.
        assert_eq!(oid(&[1, 2, 840, 113549, 1, 1, 1]), hex("06092a864886f70d010101"));
        assert_eq!(oid(&[1, 2, 840, 10045, 3, 1, 7]), hex("06082a8648ce3d030107"));
        assert_eq!(oid(&[1, 3, 132, 0, 35]), hex("06052b81040023"));
        assert_eq!(oid(&[1, 3, 101, 112]), hex("06032b6570"));
        assert_eq!(oid(&[2, 5, 29, 37, 0]), hex("0604551d2500"));
    }

    #[test]
    fn parses_dotted_oids_and_refuses_invalid_ones() {
        assert_eq!(
            parse_dotted_oid("1.3.6.1.4.1.311.20.2.3"),
            Some(vec![1, 3, 6, 1, 4, 1, 311, 20, 2, 3])
        );
        assert_eq!(parse_dotted_oid("2.999.1"), Some(vec![2, 999, 1]));
        for bad in ["", "1", "3.1", "1.40", "1..2", "1.2.", "a.b", "1.-2", "1.+2"] {
            assert_eq!(parse_dotted_oid(bad), None, "{bad}");
        }
    }

    #[test]
    fn writes_short_and_long_lengths() {
        assert_eq!(tlv(0x04, &[1, 2]), vec![0x04, 2, 1, 2]);
        let long = tlv(0x04, &[0u8; 200]);
        assert_eq!(&long[..3], &[0x04, 0x81, 200]);
        let longer = tlv(0x04, &[0u8; 0x1234]);
        assert_eq!(&longer[..4], &[0x04, 0x82, 0x12, 0x34]);
    }

    #[test]
    fn reads_back_what_it_writes() {
        let inner = octet_string(&[0u8; 300]);
        let outer = sequence(&[&INTEGER_ZERO, &inner, &NULL]);
        let content = read_single(&outer, tag::SEQUENCE, "sequence").unwrap();
        let mut r = Reader::new(content);
        assert_eq!(r.read(tag::INTEGER, "version").unwrap(), &[0]);
        assert_eq!(r.read_optional(tag::BOOLEAN).unwrap(), None);
        let tlv = r.read_any().unwrap();
        assert_eq!(
            (tlv.tag, tlv.content.len(), tlv.raw),
            (tag::OCTET_STRING, 300, inner.as_slice())
        );
        assert_eq!(r.read_optional(tag::NULL).unwrap(), Some(&[][..]));
        assert!(r.is_empty());
    }

    #[test]
    fn refuses_malformed_input_without_panicking() {
        for bad in [
            &[][..],
            &[0x30],
            &[0x30, 0x80, 0, 0],
            &[0x30, 0x85, 1, 1, 1, 1, 1],
            &[0x30, 0x82, 0x01],
            &[0x30, 5, 1, 2],
            &[0x1f, 1, 0],
        ] {
            assert!(Reader::new(bad).read_any().is_err(), "{bad:?}");
        }
        assert_eq!(
            read_single(&[0x02, 1, 0, 0], tag::INTEGER, "x"),
            Err(DerError("trailing data"))
        );
        assert_eq!(read_single(&[0x02, 1, 0], tag::SEQUENCE, "x"), Err(DerError("x")));
    }

    #[test]
    fn measures_integer_bit_length() {
        assert_eq!(integer_bit_len(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(integer_bit_len(&[0x01]), 1);
        assert_eq!(integer_bit_len(&[0x00]), 0);
        assert_eq!(integer_bit_len(&[]), 0);
    }

    #[test]
    fn chooses_string_types_as_go_does() {
        assert_eq!(directory_string("Example Inc.")[0], tag::PRINTABLE_STRING);
        assert_eq!(directory_string("a*b")[0], tag::UTF8_STRING);
        assert_eq!(directory_string("Zürich")[0], tag::UTF8_STRING);
    }

    #[test]
    fn sorts_set_members() {
        assert_eq!(set_of(vec![vec![2], vec![1]]), vec![tag::SET, 2, 1, 2]);
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
