//! A legacy Certificate as a v1 Certificate. It does not depend on the
//! issuer: how its domains are solved moves to the issuer's solvers.

use super::object_meta;
use crate::meta::IssuerReference;
use crate::v1::Certificate;
use crate::v1::certificate::{
    CertificatePrivateKey, CertificateSpec, PrivateKeyAlgorithm, PrivateKeyEncoding, X509Subject,
};
use crate::v1alpha1::{LegacyCertificate, LegacyCertificateSpec, LegacyKeyAlgorithm, LegacyKeyEncoding};

/// Converts a legacy Certificate, field by field: `organization` becomes
/// `subject.organizations`; `keyAlgorithm`, `keySize` and `keyEncoding`
/// become `privateKey`; `issuerRef` keeps its name and kind, and no group
/// (`cert-manager.io`, the default). `spec.acme` has no v1 counterpart on
/// the Certificate: [`convert_issuer`](super::convert_issuer) turns it into
/// the issuer's solvers.
///
/// cert-manager 0.7 put the common name among the certificate's DNS names;
/// v1 only requests the names listed (and Let's Encrypt refuses a common
/// name that is not one of them), so a common name missing from `dnsNames`
/// is added to it, first.
pub fn convert_certificate(legacy: &LegacyCertificate) -> Certificate {
    let spec = &legacy.spec;
    Certificate {
        metadata: object_meta(&legacy.metadata),
        spec: CertificateSpec {
            subject: spec.organization.as_ref().map(|organizations| X509Subject {
                organizations: Some(organizations.clone()),
                ..X509Subject::default()
            }),
            common_name: spec.common_name.clone(),
            duration: spec.duration.clone(),
            renew_before: spec.renew_before.clone(),
            dns_names: dns_names(spec),
            ip_addresses: spec.ip_addresses.clone(),
            secret_name: spec.secret_name.clone(),
            issuer_ref: IssuerReference {
                name: spec.issuer_ref.name.clone(),
                kind: spec.issuer_ref.kind.clone(),
                group: None,
            },
            is_ca: spec.is_ca,
            private_key: private_key(spec),
            ..CertificateSpec::default()
        },
        status: None,
    }
}

/// `dnsNames`, with the common name first when it is set and not listed.
fn dns_names(spec: &LegacyCertificateSpec) -> Option<Vec<String>> {
    let common_name = spec.common_name.as_deref().filter(|cn| !cn.is_empty());
    match (common_name, &spec.dns_names) {
        (Some(cn), Some(names)) if !names.iter().any(|name| name == cn) => Some(
            std::iter::once(cn.to_owned())
                .chain(names.iter().cloned())
                .collect(),
        ),
        (Some(cn), None) => Some(vec![cn.to_owned()]),
        (_, names) => names.clone(),
    }
}

/// The key options, unset when none is.
fn private_key(spec: &LegacyCertificateSpec) -> Option<CertificatePrivateKey> {
    if spec.key_algorithm.is_none() && spec.key_size.is_none() && spec.key_encoding.is_none() {
        return None;
    }
    Some(CertificatePrivateKey {
        algorithm: spec.key_algorithm.map(|algorithm| match algorithm {
            LegacyKeyAlgorithm::Rsa => PrivateKeyAlgorithm::Rsa,
            LegacyKeyAlgorithm::Ecdsa => PrivateKeyAlgorithm::Ecdsa,
        }),
        size: spec.key_size,
        encoding: spec.key_encoding.map(|encoding| match encoding {
            LegacyKeyEncoding::Pkcs1 => PrivateKeyEncoding::Pkcs1,
            LegacyKeyEncoding::Pkcs8 => PrivateKeyEncoding::Pkcs8,
        }),
        rotation_policy: None,
    })
}
