//! Signature schemes of requests: which one a key signs with (cert-manager's
//! choice, or the Certificate's `spec.signatureAlgorithm`), its
//! AlgorithmIdentifier, and the signing itself with aws-lc-rs.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair, UnparsedPublicKey, VerificationAlgorithm,
};
use passerelle_crds::v1::certificate::SignatureAlgorithm;

use super::der::{self, Reader, tag};
use super::keys::{EcCurve, KeyKind, PrivateKey};
use super::{Error, Result};

/// A signature algorithm and hash, as a request or certificate names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureScheme {
    /// sha256WithRSAEncryption (RSASSA-PKCS1-v1_5, RFC 8017 §8.2).
    RsaSha256,
    /// sha384WithRSAEncryption.
    RsaSha384,
    /// sha512WithRSAEncryption.
    RsaSha512,
    /// ecdsa-with-SHA256 (RFC 5758 §3.2).
    EcdsaSha256,
    /// ecdsa-with-SHA384.
    EcdsaSha384,
    /// ecdsa-with-SHA512.
    EcdsaSha512,
    /// Ed25519 (RFC 8410 §3).
    Ed25519,
}

impl SignatureScheme {
    /// The scheme a key signs with: `requested` (a Certificate's
    /// `spec.signatureAlgorithm`) when set, else what cert-manager picks for
    /// the key: SHA-512 for RSA keys of 4096 bits or more, SHA-384 from 3072,
    /// SHA-256 below; the curve's own hash for ECDSA.
    pub fn for_key(kind: KeyKind, requested: Option<SignatureAlgorithm>) -> Result<Self> {
        let scheme = match requested {
            None => match kind {
                KeyKind::Rsa { bits } if bits >= 4096 => Self::RsaSha512,
                KeyKind::Rsa { bits } if bits >= 3072 => Self::RsaSha384,
                KeyKind::Rsa { .. } => Self::RsaSha256,
                KeyKind::Ecdsa(EcCurve::P256) => Self::EcdsaSha256,
                KeyKind::Ecdsa(EcCurve::P384) => Self::EcdsaSha384,
                KeyKind::Ecdsa(EcCurve::P521) => Self::EcdsaSha512,
                KeyKind::Ed25519 => Self::Ed25519,
            },
            Some(SignatureAlgorithm::SHA256WithRSA) => Self::RsaSha256,
            Some(SignatureAlgorithm::SHA384WithRSA) => Self::RsaSha384,
            Some(SignatureAlgorithm::SHA512WithRSA) => Self::RsaSha512,
            Some(SignatureAlgorithm::ECDSAWithSHA256) => Self::EcdsaSha256,
            Some(SignatureAlgorithm::ECDSAWithSHA384) => Self::EcdsaSha384,
            Some(SignatureAlgorithm::ECDSAWithSHA512) => Self::EcdsaSha512,
            Some(SignatureAlgorithm::PureEd25519) => Self::Ed25519,
        };
        if scheme.ecdsa_algorithm(kind).is_none() && !scheme.fits(kind) {
            return Err(Error::InvalidSpec {
                field: "spec.signatureAlgorithm",
                message: format!("{scheme:?} cannot sign with a {kind} key"),
            });
        }
        Ok(scheme)
    }

    /// Whether a non-ECDSA scheme fits the key.
    fn fits(self, kind: KeyKind) -> bool {
        matches!(
            (self, kind),
            (
                Self::RsaSha256 | Self::RsaSha384 | Self::RsaSha512,
                KeyKind::Rsa { .. }
            ) | (Self::Ed25519, KeyKind::Ed25519)
        )
    }

    /// The aws-lc-rs ECDSA algorithm for this scheme and key, when both are
    /// ECDSA and aws-lc-rs has the pair (P-256 and P-384 only with their own
    /// hash, P-521 with any SHA-2).
    fn ecdsa_algorithm(self, kind: KeyKind) -> Option<&'static signature::EcdsaSigningAlgorithm> {
        match (kind, self) {
            (KeyKind::Ecdsa(EcCurve::P256), Self::EcdsaSha256) => {
                Some(&signature::ECDSA_P256_SHA256_ASN1_SIGNING)
            }
            (KeyKind::Ecdsa(EcCurve::P384), Self::EcdsaSha384) => {
                Some(&signature::ECDSA_P384_SHA384_ASN1_SIGNING)
            }
            (KeyKind::Ecdsa(EcCurve::P521), Self::EcdsaSha256) => {
                Some(&signature::ECDSA_P521_SHA256_ASN1_SIGNING)
            }
            (KeyKind::Ecdsa(EcCurve::P521), Self::EcdsaSha384) => {
                Some(&signature::ECDSA_P521_SHA384_ASN1_SIGNING)
            }
            (KeyKind::Ecdsa(EcCurve::P521), Self::EcdsaSha512) => {
                Some(&signature::ECDSA_P521_SHA512_ASN1_SIGNING)
            }
            _ => None,
        }
    }

    /// The AlgorithmIdentifier, DER: with NULL parameters for RSA (RFC 8017
    /// Appendix A.2.4), without for ECDSA (RFC 5758 §3.2) and Ed25519
    /// (RFC 8410 §3).
    pub(crate) fn algorithm_identifier(self) -> Vec<u8> {
        let arcs: &[u64] = match self {
            Self::RsaSha256 => &[1, 2, 840, 113549, 1, 1, 11],
            Self::RsaSha384 => &[1, 2, 840, 113549, 1, 1, 12],
            Self::RsaSha512 => &[1, 2, 840, 113549, 1, 1, 13],
            Self::EcdsaSha256 => &[1, 2, 840, 10045, 4, 3, 2],
            Self::EcdsaSha384 => &[1, 2, 840, 10045, 4, 3, 3],
            Self::EcdsaSha512 => &[1, 2, 840, 10045, 4, 3, 4],
            Self::Ed25519 => &[1, 3, 101, 112],
        };
        match self {
            Self::RsaSha256 | Self::RsaSha384 | Self::RsaSha512 => {
                der::sequence(&[&der::oid(arcs), &der::NULL])
            }
            _ => der::sequence(&[&der::oid(arcs)]),
        }
    }

    /// Signs `message` with `key` (ECDSA signatures in their ASN.1 form, as
    /// X.509 carries them).
    pub(crate) fn sign(self, key: &PrivateKey, message: &[u8]) -> Result<Vec<u8>> {
        let kind = key.kind();
        let failed = |source| Error::Sign { kind, source };
        let pkcs8 = key.pkcs8_der();
        if let Some(alg) = self.ecdsa_algorithm(kind) {
            let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8).map_err(Error::RejectPrivateKey)?;
            let sig = pair.sign(&SystemRandom::new(), message).map_err(failed)?;
            return Ok(sig.as_ref().to_vec());
        }
        let padding: &'static dyn signature::RsaEncoding = match (self, kind) {
            (Self::RsaSha256, KeyKind::Rsa { .. }) => &signature::RSA_PKCS1_SHA256,
            (Self::RsaSha384, KeyKind::Rsa { .. }) => &signature::RSA_PKCS1_SHA384,
            (Self::RsaSha512, KeyKind::Rsa { .. }) => &signature::RSA_PKCS1_SHA512,
            (Self::Ed25519, KeyKind::Ed25519) => {
                let pair =
                    Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).map_err(Error::RejectPrivateKey)?;
                return Ok(pair.sign(message).as_ref().to_vec());
            }
            _ => {
                return Err(Error::InvalidSpec {
                    field: "spec.signatureAlgorithm",
                    message: format!("{self:?} cannot sign with a {kind} key"),
                });
            }
        };
        let pair = RsaKeyPair::from_pkcs8(pkcs8).map_err(Error::RejectPrivateKey)?;
        let mut sig = vec![0; pair.public_modulus_len()];
        pair.sign(padding, &SystemRandom::new(), message, &mut sig)
            .map_err(failed)?;
        Ok(sig)
    }
}

/// Why a signature was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VerifyError {
    /// The signature algorithm or the signer's key is not one handled here.
    Unsupported,
    /// The signature does not verify.
    Invalid,
}

/// Verifies `signature` over `message` by the key of `spki` (a
/// SubjectPublicKeyInfo, DER) with the signature algorithm whose OID content
/// is `algorithm`: RSASSA-PKCS1-v1_5 with SHA-2, ECDSA with SHA-2 on P-256,
/// P-384 and P-521, Ed25519 — what ACME CAs and cert-manager use.
pub(crate) fn verify(
    spki: &[u8],
    algorithm: &[u8],
    signature: &[u8],
    message: &[u8],
) -> Result<(), VerifyError> {
    let SpkiParts {
        algorithm: key_algorithm,
        curve,
        key,
    } = spki_parts(spki).ok_or(VerifyError::Unsupported)?;
    let is = |arcs: &[u64]| algorithm == der::oid_content(arcs);
    let rsa = key_algorithm == der::oid_content(&[1, 2, 840, 113549, 1, 1, 1]);
    let ec = key_algorithm == der::oid_content(&[1, 2, 840, 10045, 2, 1]);
    let curve_is = |arcs: &[u64]| curve.is_some_and(|c| c == der::oid_content(arcs));
    let (p256, p384, p521) = (
        curve_is(&[1, 2, 840, 10045, 3, 1, 7]),
        curve_is(&[1, 3, 132, 0, 34]),
        curve_is(&[1, 3, 132, 0, 35]),
    );
    let alg: &'static dyn VerificationAlgorithm = if rsa && is(&[1, 2, 840, 113549, 1, 1, 11]) {
        &signature::RSA_PKCS1_2048_8192_SHA256
    } else if rsa && is(&[1, 2, 840, 113549, 1, 1, 12]) {
        &signature::RSA_PKCS1_2048_8192_SHA384
    } else if rsa && is(&[1, 2, 840, 113549, 1, 1, 13]) {
        &signature::RSA_PKCS1_2048_8192_SHA512
    } else if ec && is(&[1, 2, 840, 10045, 4, 3, 2]) {
        match (p256, p384, p521) {
            (true, _, _) => &signature::ECDSA_P256_SHA256_ASN1,
            (_, true, _) => &signature::ECDSA_P384_SHA256_ASN1,
            (_, _, true) => &signature::ECDSA_P521_SHA256_ASN1,
            _ => return Err(VerifyError::Unsupported),
        }
    } else if ec && is(&[1, 2, 840, 10045, 4, 3, 3]) {
        match (p256, p384, p521) {
            (true, _, _) => &signature::ECDSA_P256_SHA384_ASN1,
            (_, true, _) => &signature::ECDSA_P384_SHA384_ASN1,
            (_, _, true) => &signature::ECDSA_P521_SHA384_ASN1,
            _ => return Err(VerifyError::Unsupported),
        }
    } else if ec && is(&[1, 2, 840, 10045, 4, 3, 4]) {
        match (p256, p384, p521) {
            (true, _, _) => &signature::ECDSA_P256_SHA512_ASN1,
            (_, true, _) => &signature::ECDSA_P384_SHA512_ASN1,
            (_, _, true) => &signature::ECDSA_P521_SHA512_ASN1,
            _ => return Err(VerifyError::Unsupported),
        }
    } else if is(&[1, 3, 101, 112]) && key_algorithm == der::oid_content(&[1, 3, 101, 112]) {
        &signature::ED25519
    } else {
        return Err(VerifyError::Unsupported);
    };
    UnparsedPublicKey::new(alg, key)
        .verify(message, signature)
        .map_err(|_| VerifyError::Invalid)
}

/// The parts of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) that identify a
/// key, as content octets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SpkiParts<'a> {
    /// The key algorithm OID.
    pub(crate) algorithm: &'a [u8],
    /// The named curve OID of an EC key.
    pub(crate) curve: Option<&'a [u8]>,
    /// The key bits.
    pub(crate) key: &'a [u8],
}

/// Splits a SubjectPublicKeyInfo into its [`SpkiParts`].
pub(crate) fn spki_parts(spki: &[u8]) -> Option<SpkiParts<'_>> {
    let mut fields = Reader::new(der::read_single(spki, tag::SEQUENCE, "").ok()?);
    let mut algorithm = Reader::new(fields.read(tag::SEQUENCE, "").ok()?);
    let oid = algorithm.read(tag::OID, "").ok()?;
    let curve = algorithm.read_optional(tag::OID).ok()?;
    let bits = fields.read(tag::BIT_STRING, "").ok()?;
    // Keys are whole octets: the unused-bits count must be 0.
    match bits.split_first() {
        Some((0, key)) => Some(SpkiParts {
            algorithm: oid,
            curve,
            key,
        }),
        _ => None,
    }
}
