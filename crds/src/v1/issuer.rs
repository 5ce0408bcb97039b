//! Issuer and ClusterIssuer: where certificates come from. Both kinds carry the
//! same [`IssuerConfig`] (exactly one issuer type: ACME, CA, Vault, SelfSigned
//! or Venafi) and the same [`IssuerStatus`]; they differ only in scope.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ca::CaIssuer;
use super::selfsigned::SelfSignedIssuer;
use super::vault::VaultIssuer;
use super::venafi::VenafiIssuer;
use crate::acme::{AcmeIssuer, AcmeIssuerStatus};
use crate::meta::Condition;

/// The configuration of an issuer: exactly one of its fields must be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssuerConfig {
    /// ACME configures this issuer to communicate with a RFC8555 (ACME) server
    /// to obtain signed x509 certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<AcmeIssuer>,
    /// CA configures this issuer to sign certificates using a signing CA
    /// keypair stored in a Secret resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<CaIssuer>,
    /// Vault configures this issuer to sign certificates using a HashiCorp
    /// Vault PKI backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<VaultIssuer>,
    /// SelfSigned configures this issuer to 'self sign' certificates using the
    /// private key used to create the CertificateRequest object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_signed: Option<SelfSignedIssuer>,
    /// Venafi configures this issuer to sign certificates using a CyberArk
    /// Certificate Manager (Venafi) Self-Hosted or SaaS policy zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venafi: Option<VenafiIssuer>,
}

/// The issuer types an [`IssuerConfig`] can name, for messages and dispatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssuerType {
    /// `spec.acme`
    Acme,
    /// `spec.ca`
    Ca,
    /// `spec.vault`
    Vault,
    /// `spec.selfSigned`
    SelfSigned,
    /// `spec.venafi`
    Venafi,
}

impl IssuerType {
    /// The field that configures this type, as in `spec.<field>`.
    pub fn field(self) -> &'static str {
        match self {
            Self::Acme => "acme",
            Self::Ca => "ca",
            Self::Vault => "vault",
            Self::SelfSigned => "selfSigned",
            Self::Venafi => "venafi",
        }
    }
}

impl IssuerConfig {
    /// The issuer types that are configured, in field order. A valid issuer
    /// has exactly one.
    pub fn types(&self) -> Vec<IssuerType> {
        [
            (self.acme.is_some(), IssuerType::Acme),
            (self.ca.is_some(), IssuerType::Ca),
            (self.vault.is_some(), IssuerType::Vault),
            (self.self_signed.is_some(), IssuerType::SelfSigned),
            (self.venafi.is_some(), IssuerType::Venafi),
        ]
        .into_iter()
        .filter_map(|(set, t)| set.then_some(t))
        .collect()
    }
}

/// Desired state of an [`Issuer`]: a namespaced issuer, usable by
/// Certificates of its own namespace.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "cert-manager.io",
    version = "v1",
    kind = "Issuer",
    namespaced,
    status = "IssuerStatus",
    shortname = "iss",
    category = "cert-manager",
    derive = "PartialEq",
    derive = "Default",
    doc = "An Issuer represents a certificate issuing authority which can be referenced as part of `issuerRef` fields. It is scoped to a single namespace and can therefore only be referenced by resources within the same namespace.",
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type == "Ready")].status"#
    ),
    printcolumn(
        name = "Status",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type == "Ready")].message"#,
        priority = 1
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC."
    )
)]
pub struct IssuerSpec {
    /// The issuer configuration (exactly one issuer type).
    #[serde(flatten)]
    pub config: IssuerConfig,
}

/// Desired state of a [`ClusterIssuer`]: a cluster-scoped issuer, usable by
/// Certificates of every namespace. Its Secrets live in the operator's
/// cluster resource namespace.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "cert-manager.io",
    version = "v1",
    kind = "ClusterIssuer",
    status = "IssuerStatus",
    shortname = "ciss",
    category = "cert-manager",
    derive = "PartialEq",
    derive = "Default",
    doc = "A ClusterIssuer represents a certificate issuing authority which can be referenced as part of `issuerRef` fields. It is similar to an Issuer, however it is cluster-scoped and therefore can be referenced by resources that exist in *any* namespace, not just the same namespace as the referent.",
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type == "Ready")].status"#
    ),
    printcolumn(
        name = "Status",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type == "Ready")].message"#,
        priority = 1
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC."
    )
)]
pub struct ClusterIssuerSpec {
    /// The issuer configuration (exactly one issuer type).
    #[serde(flatten)]
    pub config: IssuerConfig,
}

/// Status of an Issuer or ClusterIssuer, set by the operator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssuerStatus {
    /// List of status conditions to indicate the status of a CertificateRequest.
    /// Known condition types are `Ready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Option<Vec<Condition>>,
    /// ACME specific status options. This field should only be set if the
    /// Issuer is configured to use an ACME server to issue certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<AcmeIssuerStatus>,
}

impl Issuer {
    /// The issuer configuration.
    pub fn config(&self) -> &IssuerConfig {
        &self.spec.config
    }
}

impl ClusterIssuer {
    /// The issuer configuration.
    pub fn config(&self) -> &IssuerConfig {
        &self.spec.config
    }
}
