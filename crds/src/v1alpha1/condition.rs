//! The status condition of legacy Issuers, ClusterIssuers and Certificates.
//!
//! cert-manager 0.7 declares `IssuerCondition` and `CertificateCondition` as
//! two Go types of one shape; [`LegacyCondition`] serves both. Unlike the v1
//! condition it has no `observedGeneration`: 0.7 never wrote one, and the
//! legacy CRD does not declare it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::{ConditionStatus, Time};

/// A condition of a legacy Issuer, ClusterIssuer or Certificate. The only
/// type cert-manager 0.7 sets is `Ready`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyCondition {
    /// Type of the condition, currently (`Ready`).
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
}
