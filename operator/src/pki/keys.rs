//! Private keys as cert-manager makes, encodes and checks them: RSA, ECDSA
//! on P-256/P-384/P-521 and Ed25519, generated with aws-lc-rs, written as
//! PKCS#1 (RFC 8017 Appendix A.1.2), SEC1 (RFC 5915) or PKCS#8 (RFC 5958)
//! PEM, read back from any of these, and compared with a Certificate's
//! `spec.privateKey`.
//!
//! A key is held as PKCS#8 whatever it came from. RSA keys outside
//! aws-lc-rs's 2048–8192 bits are still read (so that a Secret holding a
//! 1024-bit key is reported as the wrong size rather than as garbage), but
//! cannot sign.

use std::fmt;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};
use passerelle_crds::defaults;
use passerelle_crds::v1::certificate::{CertificateSpec, PrivateKeyAlgorithm};

use super::der;
use super::signature::SignatureScheme;
use super::{Error, Mismatch, Result};

mod encoding;

/// A NIST curve of an ECDSA key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EcCurve {
    /// P-256 (prime256v1).
    P256,
    /// P-384 (secp384r1).
    P384,
    /// P-521 (secp521r1).
    P521,
}

impl EcCurve {
    /// The key size cert-manager gives the curve (`spec.privateKey.size`).
    pub fn bits(self) -> i64 {
        match self {
            Self::P256 => 256,
            Self::P384 => 384,
            Self::P521 => 521,
        }
    }

    /// The named curve OID (RFC 5480 §2.1.1.1).
    fn oid(self) -> &'static [u64] {
        match self {
            Self::P256 => &[1, 2, 840, 10045, 3, 1, 7],
            Self::P384 => &[1, 3, 132, 0, 34],
            Self::P521 => &[1, 3, 132, 0, 35],
        }
    }

    /// The curve named by an OID's content octets.
    fn from_oid(content: &[u8]) -> Option<Self> {
        [Self::P256, Self::P384, Self::P521]
            .into_iter()
            .find(|c| der::oid_content(c.oid()) == content)
    }

    /// An aws-lc-rs algorithm on this curve, to load and export keys (the
    /// hash does not matter there).
    fn algorithm(self) -> &'static signature::EcdsaSigningAlgorithm {
        match self {
            Self::P256 => &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            Self::P384 => &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
            Self::P521 => &signature::ECDSA_P521_SHA512_ASN1_SIGNING,
        }
    }
}

/// What a private key is: algorithm and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// RSA with a modulus of `bits` bits.
    Rsa {
        /// Modulus size.
        bits: u32,
    },
    /// ECDSA on a NIST curve.
    Ecdsa(EcCurve),
    /// Ed25519.
    Ed25519,
}

impl KeyKind {
    /// The key a Certificate asks for (`spec.privateKey` with cert-manager's
    /// defaults: RSA 2048, ECDSA P-256), refusing sizes cert-manager's
    /// webhook refuses: RSA outside 2048–8192, ECDSA other than 256, 384,
    /// 521.
    pub fn for_spec(spec: &CertificateSpec) -> Result<Self> {
        let settings = defaults::private_key(spec);
        let invalid = |message: String| Error::InvalidSpec {
            field: "spec.privateKey.size",
            message,
        };
        match settings.algorithm {
            PrivateKeyAlgorithm::Rsa => match settings.size {
                0 => Ok(Self::Rsa { bits: 2048 }),
                size @ 2048..=8192 => Ok(Self::Rsa { bits: size as u32 }),
                size => Err(invalid(format!(
                    "RSA keys must have 2048 to 8192 bits, not {size}"
                ))),
            },
            PrivateKeyAlgorithm::Ecdsa => match settings.size {
                0 | 256 => Ok(Self::Ecdsa(EcCurve::P256)),
                384 => Ok(Self::Ecdsa(EcCurve::P384)),
                521 => Ok(Self::Ecdsa(EcCurve::P521)),
                size => Err(invalid(format!(
                    "ECDSA keys must have 256, 384 or 521 bits, not {size}"
                ))),
            },
            PrivateKeyAlgorithm::Ed25519 => Ok(Self::Ed25519),
        }
    }

    /// The algorithm, as `spec.privateKey.algorithm` names it.
    pub fn algorithm(self) -> PrivateKeyAlgorithm {
        match self {
            Self::Rsa { .. } => PrivateKeyAlgorithm::Rsa,
            Self::Ecdsa(_) => PrivateKeyAlgorithm::Ecdsa,
            Self::Ed25519 => PrivateKeyAlgorithm::Ed25519,
        }
    }

    /// The size, as `spec.privateKey.size` gives it (0 for Ed25519).
    pub fn size(self) -> i64 {
        match self {
            Self::Rsa { bits } => i64::from(bits),
            Self::Ecdsa(curve) => curve.bits(),
            Self::Ed25519 => 0,
        }
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rsa { bits } => write!(f, "RSA {bits}"),
            Self::Ecdsa(curve) => write!(f, "ECDSA P-{}", curve.bits()),
            Self::Ed25519 => f.write_str("Ed25519"),
        }
    }
}

/// A private key, held as PKCS#8 DER. Its `Debug` shows the kind only.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey {
    kind: KeyKind,
    pkcs8: Vec<u8>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Generates a key. RSA keys can be 2048, 3072, 4096 or 8192 bits (what
    /// aws-lc-rs generates); another size is an error naming it.
    pub fn generate(kind: KeyKind) -> Result<Self> {
        let failed = |source| Error::GenerateKey { kind, source };
        let pkcs8 = match kind {
            KeyKind::Rsa { bits } => {
                let size = match bits {
                    2048 => KeySize::Rsa2048,
                    3072 => KeySize::Rsa3072,
                    4096 => KeySize::Rsa4096,
                    8192 => KeySize::Rsa8192,
                    _ => return Err(Error::UnsupportedRsaKeySize(bits)),
                };
                let pair = RsaKeyPair::generate(size).map_err(failed)?;
                pair.as_der().map_err(failed)?.as_ref().to_vec()
            }
            KeyKind::Ecdsa(curve) => {
                let pair = EcdsaKeyPair::generate(curve.algorithm()).map_err(failed)?;
                pair.to_pkcs8v1().map_err(failed)?.as_ref().to_vec()
            }
            // PKCS#8 v1, without the public key: what Go's x509 writes.
            KeyKind::Ed25519 => Ed25519KeyPair::generate()
                .and_then(|pair| pair.to_pkcs8v1())
                .map_err(failed)?
                .as_ref()
                .to_vec(),
        };
        Ok(Self { kind, pkcs8 })
    }

    /// Generates the key a Certificate asks for.
    pub fn generate_for(spec: &CertificateSpec) -> Result<Self> {
        Self::generate(KeyKind::for_spec(spec)?)
    }

    /// Has aws-lc-rs load the key, which checks its consistency; RSA keys
    /// of sizes aws-lc-rs refuses are let through (see the module doc).
    fn check(&self) -> Result<()> {
        match self.kind {
            KeyKind::Rsa { bits } if !(2048..=8192).contains(&bits) => Ok(()),
            KeyKind::Rsa { .. } => RsaKeyPair::from_pkcs8(&self.pkcs8).map(drop),
            KeyKind::Ecdsa(curve) => EcdsaKeyPair::from_pkcs8(curve.algorithm(), &self.pkcs8).map(drop),
            KeyKind::Ed25519 => Ed25519KeyPair::from_pkcs8_maybe_unchecked(&self.pkcs8).map(drop),
        }
        .map_err(Error::RejectPrivateKey)
    }

    /// What the key is.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The key as PKCS#8 DER.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// Which of `spec.privateKey.algorithm` and `spec.privateKey.size` the
    /// key does not match, as cert-manager's `PrivateKeyMatchesSpec` tells
    /// (an unset or zero size means 2048 for RSA and 256 for ECDSA; Ed25519
    /// has no size). A non-empty answer means re-issuing with a new key.
    pub fn matches_spec(&self, spec: &CertificateSpec) -> Vec<Mismatch> {
        let settings = defaults::private_key(spec);
        let wanted = |default| if settings.size > 0 { settings.size } else { default };
        let size_ok = match (settings.algorithm, self.kind) {
            (PrivateKeyAlgorithm::Rsa, KeyKind::Rsa { bits }) => i64::from(bits) == wanted(2048),
            (PrivateKeyAlgorithm::Ecdsa, KeyKind::Ecdsa(curve)) => curve.bits() == wanted(256),
            (PrivateKeyAlgorithm::Ed25519, KeyKind::Ed25519) => true,
            _ => return vec![Mismatch::PrivateKeyAlgorithm],
        };
        if size_ok {
            Vec::new()
        } else {
            vec![Mismatch::PrivateKeySize]
        }
    }

    /// The key as an rcgen key pair, signing with the scheme cert-manager
    /// would pick for it (to sign certificates with rcgen, in tests or for
    /// a self-signed issuer).
    pub fn to_rcgen(&self) -> Result<rcgen::KeyPair> {
        let alg = match SignatureScheme::for_key(self.kind, None)? {
            SignatureScheme::RsaSha256 => &rcgen::PKCS_RSA_SHA256,
            SignatureScheme::RsaSha384 => &rcgen::PKCS_RSA_SHA384,
            SignatureScheme::RsaSha512 => &rcgen::PKCS_RSA_SHA512,
            SignatureScheme::EcdsaSha256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            SignatureScheme::EcdsaSha384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            SignatureScheme::EcdsaSha512 => &rcgen::PKCS_ECDSA_P521_SHA512,
            SignatureScheme::Ed25519 => &rcgen::PKCS_ED25519,
        };
        let der = rustls::pki_types::PrivatePkcs8KeyDer::from(self.pkcs8.as_slice());
        rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der, alg).map_err(Error::Rcgen)
    }
}
