//! PEM, the textual encoding of keys, requests and certificates in Secrets
//! and CertificateRequests (RFC 7468): `-----BEGIN LABEL-----`, base64 of the
//! DER, `-----END LABEL-----`. Text around the blocks is ignored, as Go's
//! `encoding/pem` ignores it; RFC 1421 headers (encrypted keys) are refused.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{Error, Result};

/// Line length of the base64 text (RFC 7468 §2).
const LINE: usize = 64;

/// One decoded PEM block.
#[derive(Clone, PartialEq, Eq)]
pub struct Block {
    /// The label (`CERTIFICATE`, `PRIVATE KEY`, …).
    pub label: String,
    /// The DER the block carries.
    pub der: Vec<u8>,
}

impl std::fmt::Debug for Block {
    // Blocks may hold private keys: show their shape, never their bytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Block")
            .field("label", &self.label)
            .field("len", &self.der.len())
            .finish()
    }
}

/// Encodes DER as one PEM block, 64 characters a line, ending in a newline.
pub fn encode(label: &str, der: &[u8]) -> String {
    let text = STANDARD.encode(der);
    let mut out = String::with_capacity(text.len() + text.len() / LINE + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    // Base64 output is ASCII, so every chunk is valid UTF-8.
    for line in text.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// Decodes every PEM block of `input`, in order. Input without any block,
/// a block without its end line, with another label at its end, with
/// headers, or with invalid base64 is an error.
pub fn decode(input: &str) -> Result<Vec<Block>> {
    let mut blocks = Vec::new();
    let mut lines = input.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut text = String::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            if line.starts_with("-----") {
                return Err(Error::DecodePem(format!("block {label} ends with {line}")));
            }
            if line.contains(':') {
                return Err(Error::DecodePem(format!(
                    "block {label} has headers (encrypted PEM is not supported)"
                )));
            }
            text.push_str(line);
        }
        if !closed {
            return Err(Error::DecodePem(format!("block {label} has no end line")));
        }
        let der = STANDARD
            .decode(text.as_bytes())
            .map_err(|e| Error::DecodePem(format!("block {label}: {e}")))?;
        blocks.push(Block {
            label: label.to_owned(),
            der,
        });
    }
    if blocks.is_empty() {
        return Err(Error::DecodePem("no PEM block found".into()));
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_wraps_at_64_columns() {
        let der: Vec<u8> = (0..=255).collect();
        let pem = encode("CERTIFICATE", &der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(pem.ends_with("-----END CERTIFICATE-----\n"));
        let blocks = decode(&pem).unwrap();
        assert_eq!(
            blocks,
            vec![Block {
                label: "CERTIFICATE".into(),
                der
            }]
        );
    }

    #[test]
    fn decodes_several_blocks_between_text_and_crlf() {
        let text = format!(
            "subject=CN foo\r\n{}garbage between\n{}",
            encode("CERTIFICATE", b"one").replace('\n', "\r\n"),
            encode("RSA PRIVATE KEY", b"two")
        );
        let blocks = decode(&text).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            (blocks[0].label.as_str(), blocks[0].der.as_slice()),
            ("CERTIFICATE", &b"one"[..])
        );
        assert_eq!(
            (blocks[1].label.as_str(), blocks[1].der.as_slice()),
            ("RSA PRIVATE KEY", &b"two"[..])
        );
    }

    #[test]
    fn refuses_malformed_pem() {
        let encrypted =
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        for bad in [
            "",
            "not pem at all",
            "-----BEGIN CERTIFICATE-----\nAAAA\n",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
            encrypted,
        ] {
            assert!(matches!(decode(bad), Err(Error::DecodePem(_))), "{bad:?}");
        }
    }

    #[test]
    fn debug_never_shows_the_bytes() {
        let block = Block {
            label: "PRIVATE KEY".into(),
            der: vec![0xde, 0xad],
        };
        assert_eq!(format!("{block:?}"), r#"Block { label: "PRIVATE KEY", len: 2 }"#);
    }
}
