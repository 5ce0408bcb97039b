//! `cert-manager.io/v1`: Issuer, ClusterIssuer, Certificate and
//! CertificateRequest, with the configuration of every issuer type.

pub mod ca;
pub mod certificate;
pub mod certificate_request;
pub mod issuer;
pub mod selfsigned;
pub mod usage;
pub mod vault;
pub mod venafi;

pub use certificate::{Certificate, CertificateSpec, CertificateStatus};
pub use certificate_request::{CertificateRequest, CertificateRequestSpec, CertificateRequestStatus};
pub use issuer::{ClusterIssuer, Issuer, IssuerConfig, IssuerStatus};
