//! The CA issuer: signs certificates with a CA key pair kept in a Secret of
//! the issuer's namespace (`spec.ca` of an Issuer or ClusterIssuer). It is
//! how internal PKIs managed by cert-manager are built.
//!
//! The optional lists are copied into the X.509 extensions of every issued
//! certificate: CRL distribution points and Authority Information Access
//! (OCSP responders and CA issuers, RFC 5280 sections 4.2.1.13 and 4.2.2.1).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Signs certificates with the CA certificate and private key stored in a
/// `kubernetes.io/tls` Secret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaIssuer {
    /// Name of the Secret holding the signing CA's `tls.crt` and `tls.key`.
    pub secret_name: String,
    /// URLs of the CRLs to name in the CRL Distribution Points extension of
    /// issued certificates. Unset: the extension is left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub crl_distribution_points: Option<Vec<String>>,
    /// URLs of OCSP responders to list in the Authority Information Access
    /// extension of issued certificates, e.g. `http://ocsp.example.com`.
    /// Unset: no OCSP server is listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub ocsp_servers: Option<Vec<String>>,
    /// URLs where the issuing CA's certificate can be downloaded, listed as
    /// "CA Issuers" in the Authority Information Access extension (RFC 5280
    /// section 4.2.2.1), e.g. `http://ca.example.com/ca.crt`.
    #[serde(
        rename = "issuingCertificateURLs",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub issuing_certificate_urls: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ca_issuer_round_trips_every_field() {
        let manifest = json!({
            "secretName": "ca-key-pair",
            "crlDistributionPoints": ["http://crl.example.com/ca.crl"],
            "ocspServers": ["http://ocsp.example.com"],
            "issuingCertificateURLs": ["http://ca.example.com/ca.crt"],
        });
        let ca: CaIssuer = serde_json::from_value(manifest.clone()).unwrap();
        assert_eq!(ca.secret_name, "ca-key-pair");
        assert_eq!(
            ca.issuing_certificate_urls.as_deref(),
            Some(&["http://ca.example.com/ca.crt".to_owned()][..])
        );
        assert_eq!(serde_json::to_value(&ca).unwrap(), manifest);
    }

    #[test]
    fn ca_issuer_keeps_empty_lists_and_omits_unset_ones() {
        let manifest = json!({ "secretName": "ca", "ocspServers": [] });
        let ca: CaIssuer = serde_json::from_value(manifest.clone()).unwrap();
        assert_eq!(ca.ocsp_servers, Some(vec![]));
        assert_eq!(ca.crl_distribution_points, None);
        assert_eq!(serde_json::to_value(&ca).unwrap(), manifest);
    }

    #[test]
    fn ca_issuer_requires_secret_name() {
        assert!(serde_json::from_value::<CaIssuer>(json!({})).is_err());
    }
}
