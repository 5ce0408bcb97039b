//! The Challenge kind (`acme.cert-manager.io/v1`): one ACME challenge (RFC
//! 8555 section 8) that cert-manager presents for an authorization of an
//! Order, with the solver chosen for it. The spec is fixed when the Order
//! controller creates the object; the status records whether the solver has
//! presented the record or file and what the ACME server decided.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::order::State;
use super::solver::AcmeChallengeSolver;
use crate::meta::IssuerReference;

/// Desired state of a [`Challenge`]: which ACME challenge to complete, with
/// which key authorization, and how.
// The printer columns repeat `type_ = "string"`, which clippy mistakes for
// a duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "acme.cert-manager.io",
    version = "v1",
    kind = "Challenge",
    namespaced,
    status = "ChallengeStatus",
    category = "cert-manager",
    category = "cert-manager-acme",
    derive = "PartialEq",
    derive = "Default",
    doc = "Challenge is a type to represent a Challenge request with an ACME server",
    printcolumn(name = "State", type_ = "string", json_path = ".status.state"),
    printcolumn(name = "Domain", type_ = "string", json_path = ".spec.dnsName"),
    printcolumn(name = "Reason", type_ = "string", json_path = ".status.reason", priority = 1),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC."
    )
)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeSpec {
    /// URL of the challenge on the ACME server, polled for its status.
    pub url: String,
    /// URL of the authorization this challenge belongs to.
    #[serde(rename = "authorizationURL")]
    pub authorization_url: String,
    /// The identifier being validated. For a wildcard name it is the name
    /// without `*.`: `example.com` for `*.example.com`.
    pub dns_name: String,
    /// True when the challenge validates a wildcard name such as
    /// `*.example.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wildcard: Option<bool>,
    /// The kind of challenge: `HTTP-01` or `DNS-01`.
    #[serde(rename = "type")]
    pub type_: AcmeChallengeType,
    /// The token sent by the ACME server, as is.
    pub token: String,
    /// The key authorization to present (RFC 8555 section 8.1):
    /// `<token>.<account key JWK thumbprint>` served as is for HTTP-01, its
    /// base64url SHA-256 digest as the TXT record for DNS-01.
    pub key: String,
    /// The solver configuration, taken from the issuer, used to present this
    /// challenge.
    pub solver: AcmeChallengeSolver,
    /// The ACME Issuer or ClusterIssuer whose account owns the challenge. A
    /// missing issuer is retried; a non-ACME one fails the challenge.
    pub issuer_ref: IssuerReference,
}

/// Observed state of a [`Challenge`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeStatus {
    /// Whether the challenge is being worked on. Only the scheduler sets it
    /// to true; the challenge controller sets it back to false once the
    /// challenge is final or timed out, and then stops acting on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing: Option<bool>,
    /// True while the solver has the key authorization in place (TXT record
    /// or HTTP resource). It says nothing about the self check passing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presented: Option<bool>,
    /// Why the challenge is in its current state, for humans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// State of the challenge as last reported by the ACME server; unset
    /// while unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
}

/// The challenge types cert-manager can solve, as spelled in a Challenge's
/// `spec.type` (the ACME server spells them `http-01` and `dns-01`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum AcmeChallengeType {
    /// HTTP-01 (RFC 8555 section 8.3): a file served under
    /// `/.well-known/acme-challenge/`. The default only so that specs can be
    /// built field by field.
    #[default]
    #[serde(rename = "HTTP-01")]
    Http01,
    /// DNS-01 (RFC 8555 section 8.4): a TXT record at `_acme-challenge.<name>`.
    #[serde(rename = "DNS-01")]
    Dns01,
}

impl AcmeChallengeType {
    /// The form used in a Challenge's `spec.type`: `HTTP-01` or `DNS-01`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http01 => "HTTP-01",
            Self::Dns01 => "DNS-01",
        }
    }

    /// The form used by the ACME server in a challenge object's `type`:
    /// `http-01` or `dns-01`.
    pub fn acme_name(self) -> &'static str {
        match self {
            Self::Http01 => "http-01",
            Self::Dns01 => "dns-01",
        }
    }
}

impl std::fmt::Display for AcmeChallengeType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
