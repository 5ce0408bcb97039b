//! The Venafi issuer (`spec.venafi`), now CyberArk Certificate Manager:
//! certificates are requested from a policy zone of either a self-hosted
//! instance (`tpp`, formerly Trust Protection Platform) or the SaaS offering
//! (`cloud`, formerly Venafi Cloud).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::{LocalObjectReference, SecretKeySelector};

/// Requests certificates from a CyberArk Certificate Manager (Venafi) policy
/// zone. Exactly one of `tpp` and `cloud` should be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VenafiIssuer {
    /// The policy zone every request is made in, and restricted by.
    pub zone: String,
    /// Settings of a self-hosted instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpp: Option<VenafiTpp>,
    /// Settings of the SaaS offering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<VenafiCloud>,
}

/// Connection to a self-hosted CyberArk Certificate Manager (Venafi TPP).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VenafiTpp {
    /// Base URL of the instance's vedsdk endpoint, e.g.
    /// `https://tpp.example.com/vedsdk`.
    pub url: String,
    /// Secret with the API credentials: an `access-token` entry, or
    /// `username` and `password` entries.
    pub credentials_ref: LocalObjectReference,
    /// Base64-encoded PEM bundle of the CAs trusted to verify the instance's
    /// serving certificate over HTTPS. Unset: the system trust store is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "byte"))]
    pub ca_bundle: Option<String>,
    /// Secret entry holding the PEM bundle of trusted CAs instead. Mutually
    /// exclusive with `caBundle`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_bundle_secret_ref: Option<SecretKeySelector>,
}

/// Connection to CyberArk Certificate Manager SaaS (Venafi Cloud).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VenafiCloud {
    /// Base URL of the API. Defaults to `https://api.venafi.cloud/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Secret entry holding the API token.
    pub api_token_secret_ref: SecretKeySelector,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn venafi_issuer_round_trips_tpp() {
        let manifest = json!({
            "zone": "DevOps\\cert-manager",
            "tpp": {
                "url": "https://tpp.example.com/vedsdk",
                "credentialsRef": { "name": "tpp-secret" },
                "caBundle": "LS0tLS1CRUdJTi0tLS0t",
                "caBundleSecretRef": { "name": "tpp-ca", "key": "ca.crt" },
            },
        });
        let venafi: VenafiIssuer = serde_json::from_value(manifest.clone()).unwrap();
        assert_eq!(venafi.tpp.as_ref().unwrap().credentials_ref.name, "tpp-secret");
        assert_eq!(serde_json::to_value(&venafi).unwrap(), manifest);
    }

    #[test]
    fn venafi_issuer_round_trips_cloud() {
        for manifest in [
            json!({
                "zone": "app\\default",
                "cloud": { "url": "https://api.venafi.eu/", "apiTokenSecretRef": { "name": "vaas", "key": "apikey" } },
            }),
            json!({ "zone": "app\\default", "cloud": { "apiTokenSecretRef": { "name": "vaas" } } }),
        ] {
            let venafi: VenafiIssuer = serde_json::from_value(manifest.clone()).unwrap();
            assert_eq!(serde_json::to_value(&venafi).unwrap(), manifest);
        }
    }

    #[test]
    fn venafi_issuer_requires_zone_and_tpp_credentials() {
        assert!(serde_json::from_value::<VenafiIssuer>(json!({})).is_err());
        let tpp_without_credentials = json!({ "zone": "z", "tpp": { "url": "https://tpp/vedsdk" } });
        assert!(serde_json::from_value::<VenafiIssuer>(tpp_without_credentials).is_err());
    }
}
