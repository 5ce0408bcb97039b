//! Base64 as Go's `encoding/json` decodes `[]byte` fields (Secret `data`,
//! ConfigMap `binaryData`): `base64.StdEncoding`, padding required, line
//! breaks skipped, trailing bits ignored, and errors reported as
//! `illegal base64 data at input byte N` with Go's offsets.

use thiserror::Error;

/// A decoding failure at a byte offset of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("illegal base64 data at input byte {0}")]
pub(crate) struct CorruptInput(pub(crate) usize);

fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// One quantum from `si` (Go's `decodeQuantum`): the next position and the
/// decoded bytes.
fn quantum(src: &[u8], mut si: usize, out: &mut Vec<u8>) -> Result<usize, CorruptInput> {
    let mut buf = [0u8; 4];
    let mut len = 4;
    let mut j = 0;
    while j < 4 {
        if si == src.len() {
            if j == 0 {
                return Ok(si);
            }
            return Err(CorruptInput(si - j));
        }
        let byte = src[si];
        si += 1;
        if let Some(v) = sextet(byte) {
            buf[j] = v;
            j += 1;
            continue;
        }
        if byte == b'\n' || byte == b'\r' {
            continue;
        }
        if byte != b'=' {
            return Err(CorruptInput(si - 1));
        }
        // Padding: only after two or three characters.
        match j {
            0 | 1 => return Err(CorruptInput(si - 1)),
            2 => {
                while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                    si += 1;
                }
                if si == src.len() {
                    return Err(CorruptInput(src.len()));
                }
                if src[si] != b'=' {
                    return Err(CorruptInput(si - 1));
                }
                si += 1;
            }
            _ => {}
        }
        while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
            si += 1;
        }
        if si < src.len() {
            return Err(CorruptInput(si));
        }
        len = j;
        break;
    }
    let val =
        (u32::from(buf[0]) << 18) | (u32::from(buf[1]) << 12) | (u32::from(buf[2]) << 6) | u32::from(buf[3]);
    let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
    out.extend_from_slice(&bytes[..len - 1]);
    Ok(si)
}

/// Decodes `text` as Go's `base64.StdEncoding.Decode` does.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, CorruptInput> {
    let src = text.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        si = quantum(src, si, &mut out)?;
    }
    Ok(out)
}
