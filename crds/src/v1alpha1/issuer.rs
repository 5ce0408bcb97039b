//! The legacy Issuer and ClusterIssuer (`certmanager.k8s.io/v1alpha1`): where
//! legacy Certificates get signed. Both kinds carry the same
//! [`LegacyIssuerConfig`] (one issuer type: ACME, CA, Vault, SelfSigned or
//! Venafi) and the same [`LegacyIssuerStatus`]; they differ only in scope.
//! Shapes follow cert-manager 0.7's `types_issuer.go`.
//!
//! Neither CRD has short names or categories: the v1 kinds own `iss`, `ciss`
//! and the `cert-manager` category, and kubectl resolves a short name to a
//! single group, so legacy issuers are listed by their full resource names
//! (`issuers.certmanager.k8s.io`). cert-manager 0.7 declared no printer
//! columns and no status subresource for these kinds; Passerelle adds the v1
//! columns (Ready, Status, Age), meaningful once the mirrored v1 status is
//! copied back, and the status subresource that copy goes through. Neither
//! changes what a manifest contains.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    LegacyAcmeIssuer, LegacyAcmeIssuerStatus, LegacyCondition, LegacyVaultIssuer, LegacyVenafiIssuer,
};

/// The configuration of a legacy issuer: exactly one of its fields should be
/// set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyIssuerConfig {
    /// An ACME issuer (Let's Encrypt and the like).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<LegacyAcmeIssuer>,
    /// A CA issuer: certificates signed by a key pair kept in a Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<LegacyCaIssuer>,
    /// A HashiCorp Vault PKI issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<LegacyVaultIssuer>,
    /// A self-signing issuer; `selfSigned: {}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_signed: Option<LegacySelfSignedIssuer>,
    /// A Venafi TPP or Venafi Cloud issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venafi: Option<LegacyVenafiIssuer>,
}

/// A CA issuer: signs certificates with the key pair of a Secret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyCaIssuer {
    /// SecretName is the name of the `kubernetes.io/tls` Secret holding the
    /// signing CA's certificate and private key.
    pub secret_name: String,
}

/// A self-signing issuer: each certificate is signed by its own private key.
/// It has no options and serializes as `{}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacySelfSignedIssuer {}

/// Desired state of a [`LegacyIssuer`]: a namespaced issuer, usable by the
/// Certificates of its own namespace.
// Each `printcolumn(...)` repeats `type_ = ...`, which clippy mistakes for a
// duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "certmanager.k8s.io",
    version = "v1alpha1",
    kind = "Issuer",
    root = "LegacyIssuer",
    namespaced,
    status = "LegacyIssuerStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A legacy (cert-manager 0.7, `certmanager.k8s.io/v1alpha1`) Issuer: a certificate issuing authority that Certificates of the same namespace reference in `spec.issuerRef`.",
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type=="Ready")].status"#
    ),
    printcolumn(
        name = "Status",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type=="Ready")].message"#,
        priority = 1
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC."
    )
)]
pub struct LegacyIssuerSpec {
    /// The issuer configuration (one issuer type).
    #[serde(flatten)]
    pub config: LegacyIssuerConfig,
}

/// Desired state of a [`LegacyClusterIssuer`]: a cluster-scoped issuer,
/// usable by the Certificates of every namespace.
// Each `printcolumn(...)` repeats `type_ = ...`, which clippy mistakes for a
// duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "certmanager.k8s.io",
    version = "v1alpha1",
    kind = "ClusterIssuer",
    root = "LegacyClusterIssuer",
    status = "LegacyIssuerStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A legacy (cert-manager 0.7, `certmanager.k8s.io/v1alpha1`) ClusterIssuer: a cluster-scoped certificate issuing authority that Certificates of any namespace can reference in `spec.issuerRef` with `kind: ClusterIssuer`.",
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type=="Ready")].status"#
    ),
    printcolumn(
        name = "Status",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type=="Ready")].message"#,
        priority = 1
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC."
    )
)]
pub struct LegacyClusterIssuerSpec {
    /// The issuer configuration (one issuer type).
    #[serde(flatten)]
    pub config: LegacyIssuerConfig,
}

/// Observed state of a legacy Issuer or ClusterIssuer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyIssuerStatus {
    /// Conditions of the issuer, merged by `type`; cert-manager 0.7 sets
    /// `Ready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Option<Vec<LegacyCondition>>,
    /// ACME account status, set for ACME issuers only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<LegacyAcmeIssuerStatus>,
}

impl LegacyIssuer {
    /// The issuer configuration.
    pub fn config(&self) -> &LegacyIssuerConfig {
        &self.spec.config
    }
}

impl LegacyClusterIssuer {
    /// The issuer configuration.
    pub fn config(&self) -> &LegacyIssuerConfig {
        &self.spec.config
    }
}
