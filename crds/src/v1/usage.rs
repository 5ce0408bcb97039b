//! X.509 key usages and extended key usages, as cert-manager names them
//! (RFC 5280 §4.2.1.3 and §4.2.1.12).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A key usage or extended key usage that a Certificate or
/// CertificateRequest asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub enum KeyUsage {
    /// `signing`
    #[serde(rename = "signing")]
    Signing,
    /// `digital signature`
    #[serde(rename = "digital signature")]
    DigitalSignature,
    /// `content commitment`
    #[serde(rename = "content commitment")]
    ContentCommitment,
    /// `key encipherment`
    #[serde(rename = "key encipherment")]
    KeyEncipherment,
    /// `key agreement`
    #[serde(rename = "key agreement")]
    KeyAgreement,
    /// `data encipherment`
    #[serde(rename = "data encipherment")]
    DataEncipherment,
    /// `cert sign`
    #[serde(rename = "cert sign")]
    CertSign,
    /// `crl sign`
    #[serde(rename = "crl sign")]
    CrlSign,
    /// `encipher only`
    #[serde(rename = "encipher only")]
    EncipherOnly,
    /// `decipher only`
    #[serde(rename = "decipher only")]
    DecipherOnly,
    /// `any`
    #[serde(rename = "any")]
    Any,
    /// `server auth`
    #[serde(rename = "server auth")]
    ServerAuth,
    /// `client auth`
    #[serde(rename = "client auth")]
    ClientAuth,
    /// `code signing`
    #[serde(rename = "code signing")]
    CodeSigning,
    /// `email protection`
    #[serde(rename = "email protection")]
    EmailProtection,
    /// `s/mime`
    #[serde(rename = "s/mime")]
    Smime,
    /// `ipsec end system`
    #[serde(rename = "ipsec end system")]
    IpsecEndSystem,
    /// `ipsec tunnel`
    #[serde(rename = "ipsec tunnel")]
    IpsecTunnel,
    /// `ipsec user`
    #[serde(rename = "ipsec user")]
    IpsecUser,
    /// `timestamping`
    #[serde(rename = "timestamping")]
    Timestamping,
    /// `ocsp signing`
    #[serde(rename = "ocsp signing")]
    OcspSigning,
    /// `microsoft sgc`
    #[serde(rename = "microsoft sgc")]
    MicrosoftSgc,
    /// `netscape sgc`
    #[serde(rename = "netscape sgc")]
    NetscapeSgc,
}

impl KeyUsage {
    /// The usages of a certificate that asks for none: `digital signature`
    /// and `key encipherment`.
    pub const DEFAULT: [KeyUsage; 2] = [KeyUsage::DigitalSignature, KeyUsage::KeyEncipherment];
}
