//! The names a Certificate asks for beyond its SAN lists: the X.509 subject,
//! `otherName` SANs and the NameConstraints extension of CA certificates.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// X.509 subject attributes (RFC 5280 §4.1.2.6), the common name excepted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct X509Subject {
    /// Organizations (O).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizations: Option<Vec<String>>,
    /// Countries (C).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
    /// Organizational units (OU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizational_units: Option<Vec<String>>,
    /// Cities (L).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localities: Option<Vec<String>>,
    /// States or provinces (ST).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provinces: Option<Vec<String>>,
    /// Street addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_addresses: Option<Vec<String>>,
    /// Postal codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_codes: Option<Vec<String>>,
    /// Serial number attribute of the subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
}

/// An `otherName` subject alternative name with a UTF-8 string value
/// (RFC 5280 §4.2.1.6), e.g. a UPN with OID 1.3.6.1.4.1.311.20.2.3.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OtherName {
    /// The object identifier, as a dotted string (`1.2.840.113556.1.4.221`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    /// The UTF-8 string value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utf8_value: Option<String>,
}

/// The X.509 NameConstraints extension (RFC 5280 §4.2.1.10); only valid on
/// CA certificates.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NameConstraints {
    /// Whether the extension is marked critical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical: Option<bool>,
    /// Names that issued certificates may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permitted: Option<NameConstraintItem>,
    /// Names that issued certificates must not use, whatever `permitted` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<NameConstraintItem>,
}

/// One side (permitted or excluded) of a NameConstraints extension.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NameConstraintItem {
    /// DNS domains.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "dnsDomains")]
    pub dns_domains: Option<Vec<String>>,
    /// IP ranges in CIDR notation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_ranges: Option<Vec<String>>,
    /// Email addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_addresses: Option<Vec<String>>,
    /// URI domains.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "uriDomains")]
    pub uri_domains: Option<Vec<String>>,
}
