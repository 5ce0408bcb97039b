//! The legacy Certificate (`certmanager.k8s.io/v1alpha1`): the certificate to
//! keep in a Secret and, for ACME issuers, how each of its domains is solved
//! (`spec.acme.config[]`). Shapes follow cert-manager 0.7's
//! `types_certificate.go` and `types_order.go`, plus `keyEncoding`, which
//! later 0.x releases added to the same API version.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::LegacyCondition;
use crate::meta::Time;

/// Desired state of a [`LegacyCertificate`].
///
/// The CRD deliberately has no short names and no categories, although
/// cert-manager 0.7 gave it `cert` and `certs`: the v1 Certificate owns those
/// short names (and the `cert-manager` category), and kubectl resolves a short
/// name to a single group, so shared short names would hide one of the two
/// APIs from `kubectl get cert`, and the category would mix legacy objects
/// into `kubectl get cert-manager`. Legacy objects are listed by their full
/// resource name, `certificates.certmanager.k8s.io`.
/// The status subresource, which 0.7 did not enable, lets the operator copy
/// the mirrored v1 status back without touching the spec.
// Each `printcolumn(...)` repeats `type_ = ...`, which clippy mistakes for a
// duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "certmanager.k8s.io",
    version = "v1alpha1",
    kind = "Certificate",
    root = "LegacyCertificate",
    namespaced,
    status = "LegacyCertificateStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A legacy (cert-manager 0.7, `certmanager.k8s.io/v1alpha1`) Certificate: an X.509 certificate to keep, signed and up to date, in the Secret named by `spec.secretName`.",
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type=="Ready")].status"#
    ),
    printcolumn(name = "Secret", type_ = "string", json_path = ".spec.secretName"),
    printcolumn(
        name = "Issuer",
        type_ = "string",
        json_path = ".spec.issuerRef.name",
        priority = 1
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
#[serde(rename_all = "camelCase")]
pub struct LegacyCertificateSpec {
    /// CommonName is a common name to be used on the Certificate. If unset,
    /// the first entry of `dnsNames` is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    /// Organization is the organization to be used on the Certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Vec<String>>,
    /// Certificate default Duration, in Go duration syntax (`2160h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Certificate renew before expiration duration, in Go duration syntax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_before: Option<String>,
    /// DNSNames is a list of subject alt names to be used on the Certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_names: Option<Vec<String>>,
    /// IPAddresses is a list of IP addresses to be used on the Certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_addresses: Option<Vec<String>>,
    /// SecretName is the name of the secret resource to store this secret in.
    pub secret_name: String,
    /// IssuerRef is a reference to the issuer for this certificate. If the
    /// `kind` field is not set, or set to `Issuer`, an Issuer resource with the
    /// given name in the same namespace as the Certificate will be used. If
    /// the `kind` field is set to `ClusterIssuer`, a ClusterIssuer with the
    /// provided name will be used.
    pub issuer_ref: LegacyObjectReference,
    /// IsCA will mark this Certificate as valid for signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "isCA")]
    pub is_ca: Option<bool>,
    /// ACME contains configuration specific to ACME Certificates: how each
    /// domain name of this Certificate is solved (HTTP01 or DNS01).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<LegacyAcmeCertificateConfig>,
    /// KeySize is the key bit size of the private key: 2048 to 8192 for RSA
    /// (the default), one of 256, 384 or 521 for ECDSA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_size: Option<i64>,
    /// KeyAlgorithm is the private key algorithm. If set without `keySize`,
    /// 2048 bits are used for `rsa` and 256 for `ecdsa`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_algorithm: Option<LegacyKeyAlgorithm>,
    /// KeyEncoding is the PKCS standard the private key is encoded in;
    /// `pkcs1` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_encoding: Option<LegacyKeyEncoding>,
}

/// A reference to an Issuer or ClusterIssuer by name and kind. The legacy API
/// has no `group`: external issuers came later.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyObjectReference {
    /// Name of the issuer being referred to.
    pub name: String,
    /// Kind of the issuer being referred to: `Issuer` (the default) or
    /// `ClusterIssuer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// The private key algorithm of a legacy Certificate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LegacyKeyAlgorithm {
    /// RSA (the default).
    #[default]
    Rsa,
    /// ECDSA.
    Ecdsa,
}

/// The encoding of a legacy Certificate's private key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LegacyKeyEncoding {
    /// PKCS#1 (the default).
    #[default]
    Pkcs1,
    /// PKCS#8.
    Pkcs8,
}

/// The ACME part of a legacy Certificate: which solver each domain uses.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyAcmeCertificateConfig {
    /// One entry per group of domains solved the same way. Every domain of the
    /// Certificate must appear in one entry.
    pub config: Vec<LegacyDomainSolverConfig>,
}

/// The solver configuration for a set of domains. Exactly one of `http01`
/// and `dns01` should be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDomainSolverConfig {
    /// Domains is the list of domains that this solver configuration applies to.
    pub domains: Vec<String>,
    /// HTTP01 contains HTTP01 challenge solving configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http01: Option<LegacyHttp01SolverConfig>,
    /// DNS01 contains DNS01 challenge solving configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns01: Option<LegacyDns01SolverConfig>,
}

/// How to solve HTTP01 challenges for a set of domains. At most one of
/// `ingress` and `ingressClass` may be set; with neither, solver Ingresses
/// are created without an ingress class.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyHttp01SolverConfig {
    /// Ingress is the name of an existing Ingress resource that will be edited
    /// to route the ACME HTTP01 `well-known` challenge path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<String>,
    /// IngressClass is the ingress class of the Ingress resources created to
    /// solve HTTP01 challenges (the walkthrough's `traefik`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_class: Option<String>,
}

/// How to solve DNS01 challenges for a set of domains.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyDns01SolverConfig {
    /// Provider is the name of the DNS01 provider to use, as configured in
    /// the referenced issuer's `spec.acme.dns01.providers[].name`.
    pub provider: String,
}

/// Observed state of a [`LegacyCertificate`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyCertificateStatus {
    /// Conditions of the Certificate, merged by `type`; cert-manager 0.7 sets
    /// `Ready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Option<Vec<LegacyCondition>>,
    /// When the last issuance attempt failed, used to back off retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure_time: Option<Time>,
    /// The expiration time of the certificate stored in the secret named by
    /// this resource in `spec.secretName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<Time>,
}
