//! The SelfSigned issuer (`spec.selfSigned`): each certificate is signed by
//! its own private key, the one the CertificateRequest was made with. It is
//! mostly used to bootstrap the root of a CA issuer.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Signs each certificate with the private key of its own request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SelfSignedIssuer {
    /// URLs of the CRLs to name in the CRL Distribution Points extension of
    /// issued certificates (RFC 5280 section 4.2.1.13). Unset: the extension
    /// is left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub crl_distribution_points: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn self_signed_issuer_round_trips() {
        for manifest in [
            json!({}),
            json!({ "crlDistributionPoints": [] }),
            json!({ "crlDistributionPoints": ["http://crl.example.com/root.crl"] }),
        ] {
            let issuer: SelfSignedIssuer = serde_json::from_value(manifest.clone()).unwrap();
            assert_eq!(serde_json::to_value(&issuer).unwrap(), manifest);
        }
    }
}
