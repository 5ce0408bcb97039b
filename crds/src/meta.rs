//! Types shared by every kind of cert-manager's API (`cert-manager.io`'s
//! `meta/v1` package): references to issuers and Secrets, condition status.
//!
//! Field names, optionality and descriptions follow cert-manager v1.21, so a
//! manifest written for cert-manager deserializes into these types and
//! serializes back unchanged.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The status of a condition: `True`, `False` or `Unknown`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum ConditionStatus {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// The controller cannot tell (yet).
    #[default]
    Unknown,
}

impl ConditionStatus {
    /// The wire form, `True`, `False` or `Unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::True => "True",
            Self::False => "False",
            Self::Unknown => "Unknown",
        }
    }
}

impl std::fmt::Display for ConditionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference to an object in the same namespace as the referent. If the
/// referent is a cluster-scoped resource (e.g., a ClusterIssuer), the reference
/// instead refers to the resource with the given name in the configured
/// 'cluster resource namespace', which is set as a flag on the controller
/// component (and defaults to the namespace that cert-manager runs in).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LocalObjectReference {
    /// Name of the resource being referred to.
    /// More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names
    pub name: String,
}

/// IssuerReference is a reference to a certificate issuer object with a given
/// name, kind and group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IssuerReference {
    /// Name of the issuer being referred to.
    pub name: String,
    /// Kind of the issuer being referred to.
    /// Defaults to 'Issuer'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Group of the issuer being referred to.
    /// Defaults to 'cert-manager.io'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// A reference to a specific 'key' within a Secret resource.
/// In some instances, `key` is a required field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SecretKeySelector {
    /// Name of the resource being referred to.
    /// More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names
    pub name: String,
    /// The key of the entry in the Secret resource's `data` field to be used.
    /// Some instances of this field may be defaulted, in others it may be
    /// required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// A Kubernetes timestamp (RFC 3339, UTC), as `metav1.Time` serializes.
pub type Time = k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// A condition of an Issuer, ClusterIssuer or Certificate.
///
/// cert-manager defines `IssuerCondition` and `CertificateCondition` as two Go
/// types of the same shape; one Rust type serves both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// Type of the condition, known values are `Ready` and (Certificates
    /// only) `Issuing`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Status of the condition, one of (`True`, `False`, `Unknown`).
    pub status: ConditionStatus,
    /// LastTransitionTime is the timestamp corresponding to the last status
    /// change of this condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// Reason is a brief machine readable explanation for the condition's last
    /// transition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Message is a human readable description of the details of the last
    /// transition, complementing reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// If set, this represents the .metadata.generation that the condition was
    /// set based upon. A condition whose observedGeneration is lower than the
    /// object's generation is out of date with respect to its current spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

/// An integer or a string, kept exactly as written (`x-kubernetes-int-or-string`):
/// a resource quantity such as `1` or `"500m"` round-trips unchanged, where
/// k8s-openapi's `Quantity` would turn `1` into `"1"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    /// An integer, as written.
    Int(i64),
    /// A string, as written.
    String(String),
}

impl JsonSchema for IntOrString {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IntOrString".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "x-kubernetes-int-or-string": true })
    }
}

impl std::fmt::Display for IntOrString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Int(i) => write!(f, "{i}"),
            Self::String(s) => f.write_str(s),
        }
    }
}
