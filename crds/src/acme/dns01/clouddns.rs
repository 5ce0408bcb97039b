//! The Google Cloud DNS provider of DNS-01.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// Google Cloud DNS: the project, and optionally the credentials and the
/// managed zone to use.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerDns01ProviderCloudDns {
    /// Secret entry holding a service account's JSON key; ambient
    /// credentials (e.g. Workload Identity) are used when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_secret_ref: Option<SecretKeySelector>,
    /// The Google Cloud project hosting the zones.
    pub project: String,
    /// Name of the managed zone to write the record in; chosen
    /// automatically when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_zone_name: Option<String>,
}
