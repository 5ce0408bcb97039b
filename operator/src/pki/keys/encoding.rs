//! The encodings of a private key: PKCS#8 PrivateKeyInfo (RFC 5958),
//! PKCS#1 RSAPrivateKey (RFC 8017 Appendix A.1.2) and SEC1 ECPrivateKey
//! (RFC 5915), DER or PEM, both ways; and the public key (SubjectPublicKeyInfo,
//! RFC 5280 §4.1.2.7) they hold. PKCS#1 is unwrapped from and wrapped into
//! PKCS#8 by hand, SEC1 is converted by aws-lc-rs.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};
use passerelle_crds::v1::certificate::PrivateKeyEncoding;

use super::{EcCurve, KeyKind, PrivateKey};
use crate::pki::der::{self, Reader, tag};
use crate::pki::{Error, Result, pem};

/// rsaEncryption (RFC 8017 Appendix A.1).
const RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
/// id-ecPublicKey (RFC 5480 §2.1.1).
const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
/// id-Ed25519 (RFC 8410 §3).
const ED25519: &[u64] = &[1, 3, 101, 112];

impl PrivateKey {
    /// Reads the first private key of a PEM text: `PRIVATE KEY` (PKCS#8),
    /// `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1); other blocks,
    /// such as the `EC PARAMETERS` OpenSSL writes first, are skipped.
    pub fn from_pem(text: &str) -> Result<Self> {
        let blocks = pem::decode(text)?;
        let block = blocks
            .iter()
            .find(|b| b.label.ends_with("PRIVATE KEY"))
            .ok_or_else(|| Error::DecodePem("no PRIVATE KEY block".into()))?;
        match block.label.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8_der(&block.der),
            "RSA PRIVATE KEY" => Self::from_pkcs1_der(&block.der),
            "EC PRIVATE KEY" => Self::from_sec1_der(&block.der),
            other => Err(Error::UnsupportedPrivateKey(format!(
                "{other} blocks are not supported"
            ))),
        }
    }

    /// Reads a PKCS#8 PrivateKeyInfo.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        let info =
            der::read_single(der, tag::SEQUENCE, "PrivateKeyInfo is not a SEQUENCE").map_err(parse_error)?;
        let mut fields = Reader::new(info);
        let (algorithm, private_key) = (|| {
            fields.read(tag::INTEGER, "PrivateKeyInfo has no version")?;
            let algorithm = fields.read(tag::SEQUENCE, "PrivateKeyInfo has no algorithm")?;
            let private_key = fields.read(tag::OCTET_STRING, "PrivateKeyInfo has no privateKey")?;
            Ok((algorithm, private_key))
        })()
        .map_err(parse_error)?;
        let mut algorithm = Reader::new(algorithm);
        let oid = algorithm
            .read(tag::OID, "algorithm has no OID")
            .map_err(parse_error)?;
        let kind = if oid == der::oid_content(RSA_ENCRYPTION) {
            KeyKind::Rsa {
                bits: rsa_bits(private_key)?,
            }
        } else if oid == der::oid_content(EC_PUBLIC_KEY) {
            let curve = algorithm
                .read(tag::OID, "EC key has no named curve")
                .map_err(parse_error)?;
            KeyKind::Ecdsa(EcCurve::from_oid(curve).ok_or_else(unsupported_curve)?)
        } else if oid == der::oid_content(ED25519) {
            KeyKind::Ed25519
        } else {
            return Err(Error::UnsupportedPrivateKey(
                "key algorithm is not RSA, ECDSA or Ed25519".into(),
            ));
        };
        let key = Self {
            kind,
            pkcs8: der.to_vec(),
        };
        key.check()?;
        Ok(key)
    }

    /// Reads a PKCS#1 RSAPrivateKey.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        let bits = rsa_bits(der)?;
        let algorithm = der::sequence(&[&der::oid(RSA_ENCRYPTION), &der::NULL]);
        let pkcs8 = der::sequence(&[&der::INTEGER_ZERO, &algorithm, &der::octet_string(der)]);
        let key = Self {
            kind: KeyKind::Rsa { bits },
            pkcs8,
        };
        key.check()?;
        Ok(key)
    }

    /// Reads a SEC1 ECPrivateKey, which must name its curve.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self> {
        let curve = (|| {
            let mut fields = Reader::new(der::read_single(
                der,
                tag::SEQUENCE,
                "ECPrivateKey is not a SEQUENCE",
            )?);
            fields.read(tag::INTEGER, "ECPrivateKey has no version")?;
            fields.read(tag::OCTET_STRING, "ECPrivateKey has no privateKey")?;
            let parameters = fields.read(
                tag::context_constructed(0),
                "ECPrivateKey does not name its curve",
            )?;
            der::read_single(
                parameters,
                tag::OID,
                "ECPrivateKey parameters are not a named curve",
            )
        })()
        .map_err(parse_error)?;
        let curve = EcCurve::from_oid(curve).ok_or_else(unsupported_curve)?;
        let pair =
            EcdsaKeyPair::from_private_key_der(curve.algorithm(), der).map_err(Error::RejectPrivateKey)?;
        let kind = KeyKind::Ecdsa(curve);
        let pkcs8 = pair
            .to_pkcs8v1()
            .map_err(|source| Error::EncodePrivateKey { kind, source })?;
        Ok(Self {
            kind,
            pkcs8: pkcs8.as_ref().to_vec(),
        })
    }

    /// The key as DER in `encoding`: PKCS#1 is RSAPrivateKey for RSA and
    /// ECPrivateKey (SEC1, with its curve and public key) for ECDSA; Ed25519
    /// has no such form and stays PKCS#8, as cert-manager writes it.
    pub fn to_der(&self, encoding: PrivateKeyEncoding) -> Result<Vec<u8>> {
        match (encoding, self.kind) {
            (PrivateKeyEncoding::Pkcs8, _) | (PrivateKeyEncoding::Pkcs1, KeyKind::Ed25519) => {
                Ok(self.pkcs8.clone())
            }
            (PrivateKeyEncoding::Pkcs1, KeyKind::Rsa { .. }) => Ok(self.pkcs1()?.to_vec()),
            (PrivateKeyEncoding::Pkcs1, KeyKind::Ecdsa(curve)) => {
                let pair = EcdsaKeyPair::from_pkcs8(curve.algorithm(), &self.pkcs8)
                    .map_err(Error::RejectPrivateKey)?;
                let sec1 = pair.private_key().as_der().map_err(|e| self.encode_failed(e))?;
                Ok(sec1.as_ref().to_vec())
            }
        }
    }

    /// The key as PEM in `encoding` (see [`PrivateKey::to_der`]).
    pub fn to_pem(&self, encoding: PrivateKeyEncoding) -> Result<String> {
        let label = match (encoding, self.kind) {
            (PrivateKeyEncoding::Pkcs1, KeyKind::Rsa { .. }) => "RSA PRIVATE KEY",
            (PrivateKeyEncoding::Pkcs1, KeyKind::Ecdsa(_)) => "EC PRIVATE KEY",
            _ => "PRIVATE KEY",
        };
        Ok(pem::encode(label, &self.to_der(encoding)?))
    }

    /// The public key as a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), DER.
    pub fn public_key_der(&self) -> Result<Vec<u8>> {
        match self.kind {
            KeyKind::Rsa { .. } => {
                // RSAPublicKey ::= SEQUENCE { modulus, publicExponent }, the
                // first two integers after the version (RFC 8017 A.1.1).
                let mut fields = Reader::new(
                    der::read_single(self.pkcs1()?, tag::SEQUENCE, "RSAPrivateKey is not a SEQUENCE")
                        .map_err(parse_error)?,
                );
                let (n, e) = (|| {
                    fields.read(tag::INTEGER, "RSAPrivateKey has no version")?;
                    Ok((fields.read_any()?.raw, fields.read_any()?.raw))
                })()
                .map_err(parse_error)?;
                let algorithm = der::sequence(&[&der::oid(RSA_ENCRYPTION), &der::NULL]);
                Ok(der::sequence(&[
                    &algorithm,
                    &der::bit_string(&der::sequence(&[n, e])),
                ]))
            }
            KeyKind::Ecdsa(curve) => {
                let pair = EcdsaKeyPair::from_pkcs8(curve.algorithm(), &self.pkcs8)
                    .map_err(Error::RejectPrivateKey)?;
                let spki = pair.public_key().as_der().map_err(|e| self.encode_failed(e))?;
                Ok(spki.as_ref().to_vec())
            }
            KeyKind::Ed25519 => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&self.pkcs8)
                    .map_err(Error::RejectPrivateKey)?;
                let spki = pair.public_key().as_der().map_err(|e| self.encode_failed(e))?;
                Ok(spki.as_ref().to_vec())
            }
        }
    }

    fn encode_failed(&self, source: aws_lc_rs::error::Unspecified) -> Error {
        Error::EncodePrivateKey {
            kind: self.kind,
            source,
        }
    }

    /// The RSAPrivateKey inside the PKCS#8 of an RSA key.
    fn pkcs1(&self) -> Result<&[u8]> {
        let info = der::read_single(&self.pkcs8, tag::SEQUENCE, "PrivateKeyInfo is not a SEQUENCE")
            .map_err(parse_error)?;
        let mut fields = Reader::new(info);
        fields
            .read(tag::INTEGER, "PrivateKeyInfo has no version")
            .map_err(parse_error)?;
        fields
            .read(tag::SEQUENCE, "PrivateKeyInfo has no algorithm")
            .map_err(parse_error)?;
        fields
            .read(tag::OCTET_STRING, "PrivateKeyInfo has no privateKey")
            .map_err(parse_error)
    }
}

/// The modulus size of a PKCS#1 RSAPrivateKey.
fn rsa_bits(pkcs1: &[u8]) -> Result<u32> {
    let mut fields = Reader::new(
        der::read_single(pkcs1, tag::SEQUENCE, "RSAPrivateKey is not a SEQUENCE").map_err(parse_error)?,
    );
    fields
        .read(tag::INTEGER, "RSAPrivateKey has no version")
        .map_err(parse_error)?;
    let modulus = fields
        .read(tag::INTEGER, "RSAPrivateKey has no modulus")
        .map_err(parse_error)?;
    u32::try_from(der::integer_bit_len(modulus))
        .map_err(|_| Error::ParsePrivateKey("RSA modulus is too large".into()))
}

fn parse_error(e: der::DerError) -> Error {
    Error::ParsePrivateKey(e.to_string())
}

fn unsupported_curve() -> Error {
    Error::UnsupportedPrivateKey("ECDSA keys must be on P-256, P-384 or P-521".into())
}
