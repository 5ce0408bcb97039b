//! How a Certificate's private key is made, encoded and rotated, and the
//! signature algorithm it asks for.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Private key options of a Certificate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificatePrivateKey {
    /// `Always` (the default since cert-manager 1.18) makes a new key at each
    /// issuance; `Never` reuses the key in the Secret when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_policy: Option<PrivateKeyRotationPolicy>,
    /// PEM encoding of the key: `PKCS1` (the default) or `PKCS8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<PrivateKeyEncoding>,
    /// Key algorithm: `RSA` (the default), `ECDSA` or `Ed25519`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<PrivateKeyAlgorithm>,
    /// Key size in bits: RSA 2048 (default), 4096 or 8192; ECDSA 256
    /// (default), 384 or 521; ignored for Ed25519.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
}

/// When a re-issuance makes a new private key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PrivateKeyRotationPolicy {
    /// Reuse the key already in the Secret.
    Never,
    /// Make a new key at every issuance.
    Always,
}

/// PEM encoding of a private key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PrivateKeyEncoding {
    /// PKCS#1 (`BEGIN RSA PRIVATE KEY`, `BEGIN EC PRIVATE KEY` for ECDSA).
    #[serde(rename = "PKCS1")]
    Pkcs1,
    /// PKCS#8 (`BEGIN PRIVATE KEY`).
    #[serde(rename = "PKCS8")]
    Pkcs8,
}

/// Private key algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PrivateKeyAlgorithm {
    /// RSA.
    #[serde(rename = "RSA")]
    Rsa,
    /// ECDSA on a NIST curve.
    #[serde(rename = "ECDSA")]
    Ecdsa,
    /// Ed25519 (Let's Encrypt does not accept it).
    Ed25519,
}

/// Signature algorithm a Certificate asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SignatureAlgorithm {
    /// RSA keys.
    SHA256WithRSA,
    /// RSA keys.
    SHA384WithRSA,
    /// RSA keys.
    SHA512WithRSA,
    /// ECDSA keys.
    ECDSAWithSHA256,
    /// ECDSA keys.
    ECDSAWithSHA384,
    /// ECDSA keys.
    ECDSAWithSHA512,
    /// Ed25519 keys.
    PureEd25519,
}
