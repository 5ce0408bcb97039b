//! The Azure DNS provider of DNS-01, authenticated by a service principal
//! or by a managed identity (Workload Identity or the instance's Managed
//! Service Identity), for public or private zones.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// Azure DNS. Set `clientID`, `clientSecretSecretRef` and `tenantID`
/// together for a service principal, or `managedIdentity` alone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerDns01ProviderAzureDns {
    /// Client ID of the service principal.
    #[serde(default, rename = "clientID", skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Secret entry holding the service principal's password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret_secret_ref: Option<SecretKeySelector>,
    /// ID of the Azure subscription holding the zone.
    #[serde(rename = "subscriptionID")]
    pub subscription_id: String,
    /// Tenant of the service principal.
    #[serde(default, rename = "tenantID", skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// Resource group holding the zone.
    pub resource_group_name: String,
    /// Name of the DNS zone to update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_zone_name: Option<String>,
    /// The Azure cloud; `AzurePublicCloud` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<AzureDnsEnvironment>,
    /// Authenticate with a managed identity; exclusive with the service
    /// principal fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_identity: Option<AzureManagedIdentity>,
    /// Whether the zone is public or private (Azure Private DNS, experimental
    /// in cert-manager); `AzurePublicZone` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_type: Option<AzureDnsZoneType>,
}

/// A managed identity: Workload Identity when `AZURE_FEDERATED_TOKEN_FILE`
/// is set in the controller, else the Managed Service Identity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AzureManagedIdentity {
    /// Client ID of the identity; exclusive with `resourceID`.
    #[serde(default, rename = "clientID", skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Resource ID of the identity; exclusive with `clientID`, and not
    /// usable with the Managed Service Identity.
    #[serde(default, rename = "resourceID", skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Tenant of the identity; exclusive with `resourceID`.
    #[serde(default, rename = "tenantID", skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
}

/// The Azure cloud hosting the zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AzureDnsEnvironment {
    /// Azure's global public cloud.
    AzurePublicCloud,
    /// Azure China (21Vianet).
    AzureChinaCloud,
    /// The former Azure Germany cloud.
    AzureGermanCloud,
    /// Azure US Government.
    #[serde(rename = "AzureUSGovernmentCloud")]
    AzureUsGovernmentCloud,
}

/// The kind of Azure DNS zone to update.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AzureDnsZoneType {
    /// A public Azure DNS zone.
    AzurePublicZone,
    /// An Azure Private DNS zone.
    AzurePrivateZone,
}
