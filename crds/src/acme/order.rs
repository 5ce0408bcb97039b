//! The Order kind (`acme.cert-manager.io/v1`): one ACME order (RFC 8555
//! section 7.4) placed for a CertificateRequest. The spec is the request as
//! it will be finalized; the status persists what the ACME server answered
//! (order and finalize URLs, authorizations and their challenges, the issued
//! chain), so that a restarted controller resumes the order instead of
//! placing a new one.
//!
//! [`State`] is shared with the Challenge kind: it is the status of an ACME
//! object as RFC 8555 section 7.1.6 names it.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::{IssuerReference, Time};

/// Desired state of an [`Order`]: the CSR to finalize the order with and the
/// identifiers it must cover, which must match the CSR's.
// The printer columns repeat `type_ = "string"`, which clippy mistakes for
// a duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "acme.cert-manager.io",
    version = "v1",
    kind = "Order",
    namespaced,
    status = "OrderStatus",
    category = "cert-manager",
    category = "cert-manager-acme",
    derive = "PartialEq",
    derive = "Default",
    doc = "Order is a type to represent an Order with an ACME server",
    printcolumn(name = "State", type_ = "string", json_path = ".status.state"),
    printcolumn(
        name = "Issuer",
        type_ = "string",
        json_path = ".spec.issuerRef.name",
        priority = 1
    ),
    printcolumn(name = "Reason", type_ = "string", json_path = ".status.reason", priority = 1),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC."
    )
)]
#[serde(rename_all = "camelCase")]
pub struct OrderSpec {
    /// The DER-encoded CSR, base64 in JSON, sent to the order's finalize URL.
    #[schemars(extend("format" = "byte"))]
    pub request: String,
    /// The ACME Issuer or ClusterIssuer whose account places the order. A
    /// missing issuer is retried; a non-ACME one fails the order.
    pub issuer_ref: IssuerReference,
    /// The CSR's common name; if set, it is also one of `dnsNames` or
    /// `ipAddresses`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    /// DNS identifiers to authorize, as in the CSR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub dns_names: Option<Vec<String>>,
    /// IP identifiers to authorize (RFC 8738), as in the CSR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub ip_addresses: Option<Vec<String>>,
    /// Requested validity (a Go duration such as `2160h`), sent as the
    /// order's `notAfter` when the issuer enables the duration feature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Certificate profile to request, among those the server's directory
    /// advertises (the ACME profiles extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// Observed state of an [`Order`], as last fetched from the ACME server.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatus {
    /// URL of the order on the ACME server; set once, when the order is
    /// created, and never changed afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// URL to which the CSR is posted once every authorization is valid.
    #[serde(rename = "finalizeURL", default, skip_serializing_if = "Option::is_none")]
    pub finalize_url: Option<String>,
    /// The issued PEM certificate chain (base64 in JSON), set once the order
    /// is `valid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "byte"))]
    pub certificate: Option<String>,
    /// State of the order; `valid`, `invalid`, `expired` and `errored` are
    /// final.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
    /// Why the order is in its current state, for humans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The authorizations the server requires, one per identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub authorizations: Option<Vec<AcmeAuthorization>>,
    /// When the order failed; drives back-off and garbage collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_time: Option<Time>,
}

/// An authorization of an order, as returned by the ACME server (RFC 8555
/// section 7.1.4).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeAuthorization {
    /// URL of the authorization.
    pub url: String,
    /// The DNS name being authorized, without any `*.` prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// True when the authorization is for a wildcard name: `*.example.com`
    /// is authorized with identifier `example.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wildcard: Option<bool>,
    /// State of the authorization when first fetched. An authorization that
    /// is already `valid` (reused by the server) needs no Challenge; unset
    /// with an identifier set, `pending` is assumed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_state: Option<State>,
    /// The challenges the server offers; one is picked and solved through a
    /// Challenge object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub challenges: Option<Vec<AcmeChallenge>>,
}

/// A challenge offered by the ACME server for an authorization (RFC 8555
/// section 8).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcmeChallenge {
    /// URL of the challenge on the ACME server.
    pub url: String,
    /// The server's token, from which the key authorization is computed.
    pub token: String,
    /// The challenge type exactly as the server sent it (`http-01`,
    /// `dns-01`, `tls-alpn-01`, ...); only `http-01` and `dns-01` are solved.
    #[serde(rename = "type")]
    pub type_: String,
}

/// Status of an ACME order, authorization or challenge (RFC 8555 section
/// 7.1.6), plus cert-manager's own `errored`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Done: the order is finalized and its certificate can be fetched.
    Valid,
    /// Every authorization is valid; the order can be finalized.
    Ready,
    /// Authorizations are still to be completed.
    Pending,
    /// The server is validating or issuing.
    Processing,
    /// The server rejected a validation or the order.
    Invalid,
    /// The order or one of its authorizations expired.
    Expired,
    /// cert-manager gave up on the object for an internal reason, e.g. a
    /// validation failure of its own.
    Errored,
}

impl State {
    /// The wire form, e.g. `valid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Ready => "ready",
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Invalid => "invalid",
            Self::Expired => "expired",
            Self::Errored => "errored",
        }
    }

    /// Whether no further transition can happen: `valid`, `invalid`,
    /// `expired` or `errored`.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Valid | Self::Invalid | Self::Expired | Self::Errored)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
