//! The webhook provider of DNS-01: an out-of-tree solver served by an
//! aggregated API server, to which cert-manager POSTs `ChallengePayload`
//! objects to present and clean up records.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An external DNS-01 solver behind a webhook API server.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerDns01ProviderWebhook {
    /// API group the webhook serves `ChallengePayload` under; the GroupName
    /// of the webhook's implementation.
    pub group_name: String,
    /// Name of the solver within the webhook, e.g. `cloudflare`.
    pub solver_name: String,
    /// Arbitrary configuration passed to the webhook with each challenge,
    /// as documented by the webhook. Not for secrets: reference a Secret
    /// from here instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::preserve_unknown_value")]
    pub config: Option<serde_json::Value>,
}
