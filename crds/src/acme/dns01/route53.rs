//! The AWS Route 53 provider of DNS-01, with its ways of getting AWS
//! credentials: static keys, an assumed role, or a projected ServiceAccount
//! token exchanged through `AssumeRoleWithWebIdentity`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// AWS Route 53. Without explicit credentials the AWS SDK's default chain
/// is used (environment, shared credentials file, instance metadata).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeIssuerDns01ProviderRoute53 {
    /// Authenticate with a bound ServiceAccount token instead of keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Route53Auth>,
    /// The access key ID, inline. Exclusive with `accessKeyIDSecretRef`.
    #[serde(default, rename = "accessKeyID", skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// Secret entry holding the access key ID. Exclusive with
    /// `accessKeyID`.
    #[serde(
        default,
        rename = "accessKeyIDSecretRef",
        skip_serializing_if = "Option::is_none"
    )]
    pub access_key_id_secret_ref: Option<SecretKeySelector>,
    /// Secret entry holding the secret access key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_access_key_secret_ref: Option<SecretKeySelector>,
    /// ARN of an IAM role to assume with whichever credentials were found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The hosted zone to update, which skips the lookup by name
    /// (`route53:ListHostedZonesByName`).
    #[serde(default, rename = "hostedZoneID", skip_serializing_if = "Option::is_none")]
    pub hosted_zone_id: Option<String>,
    /// AWS region, used only to pick the credential scope and partition
    /// (Route 53 itself is global). Defaults to `AWS_REGION` or
    /// `AWS_DEFAULT_REGION` of the controller; ignored when IRSA or EKS Pod
    /// Identity set `AWS_REGION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// Alternative authentication to Route 53.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Route53Auth {
    /// Exchange a bound ServiceAccount token for AWS credentials with
    /// `AssumeRoleWithWebIdentity`.
    pub kubernetes: Route53KubernetesAuth,
}

/// Route 53 authentication with a bound Kubernetes ServiceAccount token.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Route53KubernetesAuth {
    /// The ServiceAccount to request the token for; cert-manager needs RBAC
    /// permission to create tokens for it.
    pub service_account_ref: ServiceAccountRef,
}

/// A ServiceAccount cert-manager requests a short-lived (10 minute) token
/// for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountRef {
    /// Name of the ServiceAccount.
    pub name: String,
    /// Extra audiences of the token; `sts.amazonaws.com` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub audiences: Option<Vec<String>>,
}
