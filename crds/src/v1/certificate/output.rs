//! What a Certificate writes into its Secret beyond `tls.crt` and `tls.key`:
//! keystores, additional output formats, and the labels and annotations of
//! its secretTemplate.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// Labels and annotations copied onto the Certificate's Secret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSecretTemplate {
    /// Annotations to copy; they cannot override the operator's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Labels to copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
}

/// Keystores to store in the Certificate's Secret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateKeystores {
    /// A JKS keystore (`keystore.jks`, `truststore.jks`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jks: Option<JksKeystore>,
    /// A PKCS#12 keystore (`keystore.p12`, `truststore.p12`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkcs12: Option<Pkcs12Keystore>,
}

/// JKS keystore options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JksKeystore {
    /// Whether to write the keystore.
    pub create: bool,
    /// Alias of the key in the keystore; `certificate` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// A Secret key holding the keystore password; exclusive with `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_secret_ref: Option<SecretKeySelector>,
    /// The keystore password, literally; exclusive with `passwordSecretRef`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// PKCS#12 keystore options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Pkcs12Keystore {
    /// Whether to write the keystore.
    pub create: bool,
    /// A Secret key holding the keystore password; exclusive with `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_secret_ref: Option<SecretKeySelector>,
    /// The keystore password, literally; exclusive with `passwordSecretRef`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Encryption and MAC algorithms of the keystore; `LegacyRC2` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Pkcs12Profile>,
}

/// Algorithms of a PKCS#12 keystore.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Pkcs12Profile {
    /// RC2: deprecated, refused by OpenSSL 3 and Java 20 by default.
    LegacyRC2,
    /// DES: less secure, most compatible.
    LegacyDES,
    /// Modern algorithms.
    Modern2023,
}

/// An additional output format of the key and chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalOutputFormat {
    /// The format to write.
    #[serde(rename = "type")]
    pub type_: AdditionalOutputFormatType,
}

/// Additional output formats of the key and chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AdditionalOutputFormatType {
    /// `key.der`: the private key in DER.
    #[serde(rename = "DER")]
    Der,
    /// `tls-combined.pem`: key then chain in one PEM file.
    CombinedPEM,
}
