//! Conversion of legacy `certmanager.k8s.io/v1alpha1` objects (cert-manager
//! 0.7) to the `cert-manager.io/v1` model, as pure functions: the operator
//! keeps a v1 mirror of each legacy object with them, and `passerelle
//! convert` rewrites manifests with them.
//!
//! In v1alpha1 a Certificate says how each of its domains is solved
//! (`spec.acme.config[]`, naming the issuer's DNS01 providers); in v1 the
//! issuer does (`spec.acme.solvers[]`). So the unit of conversion is a legacy
//! issuer together with the legacy Certificates that reference it: it yields
//! one v1 issuer, whose solvers are gathered from those Certificates, and one
//! v1 Certificate per legacy one ([`convert_issuer`],
//! [`convert_cluster_issuer`]). [`convert_all`] does the grouping for a whole
//! set of manifests.
//!
//! The v1 ACME issuer lists, in this order:
//!
//! 1. one solver per `spec.acme.config[]` entry of each referencing
//!    Certificate (Certificates sorted by namespace and name, entries in
//!    order), selected by `dnsNames` = the entry's `domains`. Identical
//!    solvers are listed once; the same configuration for other domains stays
//!    a separate solver, since cert-manager picks a solver by the names its
//!    selector lists;
//! 2. last and without selector (the lowest precedence), the issuer's own
//!    default: an HTTP-01 Ingress solver without class when the legacy issuer
//!    has `http01`, as cert-manager 0.7 solved with it. The legacy DNS01
//!    providers become no default: in 0.7 a provider was only used for the
//!    domains of a Certificate that named it, and a selector-less DNS-01
//!    solver would start answering for every other name too.
//!
//! What one v1 issuer cannot express, or what 0.7 would have refused, is
//! reported as a [`Problem`], every one of them in a single [`Error`]: a
//! Certificate of another issuer, a DNS01 provider the issuer does not
//! define, one domain solved differently by two Certificates (v1 has a
//! single solver list per issuer), and so on.
//!
//! Nothing the operator owns is set here: no ownerReferences, no mirror
//! label, no status. Metadata keeps the name, namespace, labels and
//! annotations, except kubectl's `last-applied-configuration`, which
//! describes the legacy object and would mislead a later `kubectl apply` of
//! the v1 one.

mod certificate;
mod dns01;
mod error;
mod issuer;
mod solvers;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

pub use self::certificate::convert_certificate;
pub use self::error::{Error, ObjectKey, Problem};
use crate::v1::issuer::{ClusterIssuerSpec, IssuerSpec};
use crate::v1::{Certificate, ClusterIssuer, Issuer, IssuerConfig};
use crate::v1alpha1::{LegacyCertificate, LegacyClusterIssuer, LegacyIssuer, LegacyIssuerConfig};

/// The kubectl annotation holding the last applied manifest, left out of the
/// v1 objects: it is the legacy object's.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// A legacy issuer converted with the Certificates that reference it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvertedIssuer<I> {
    /// The v1 Issuer or ClusterIssuer, solvers included.
    pub issuer: I,
    /// The v1 Certificates, in the order the legacy ones were given.
    pub certificates: Vec<Certificate>,
}

/// A whole set of legacy objects converted, each list in its input order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Converted {
    /// One v1 Issuer per legacy Issuer.
    pub issuers: Vec<Issuer>,
    /// One v1 ClusterIssuer per legacy ClusterIssuer.
    pub cluster_issuers: Vec<ClusterIssuer>,
    /// One v1 Certificate per legacy Certificate.
    pub certificates: Vec<Certificate>,
}

/// Converts a legacy Issuer and the legacy Certificates that reference it
/// (same namespace, `issuerRef.kind` unset or `Issuer`). Any other
/// Certificate is reported as [`Problem::ForeignCertificate`].
pub fn convert_issuer<'a>(
    issuer: &LegacyIssuer,
    certificates: impl IntoIterator<Item = &'a LegacyCertificate>,
) -> Result<ConvertedIssuer<Issuer>, Error> {
    let key = ObjectKey::issuer(&issuer.metadata);
    let (config, certificates) = convert_group(&key, issuer.config(), certificates)?;
    let issuer = Issuer {
        metadata: object_meta(&issuer.metadata),
        spec: IssuerSpec { config },
        status: None,
    };
    Ok(ConvertedIssuer { issuer, certificates })
}

/// Converts a legacy ClusterIssuer and the legacy Certificates, of any
/// namespace, that reference it (`issuerRef.kind: ClusterIssuer`). Any other
/// Certificate is reported as [`Problem::ForeignCertificate`].
pub fn convert_cluster_issuer<'a>(
    issuer: &LegacyClusterIssuer,
    certificates: impl IntoIterator<Item = &'a LegacyCertificate>,
) -> Result<ConvertedIssuer<ClusterIssuer>, Error> {
    let key = ObjectKey::cluster_issuer(&issuer.metadata);
    let (config, certificates) = convert_group(&key, issuer.config(), certificates)?;
    let issuer = ClusterIssuer {
        // A namespace written on a cluster-scoped object means nothing.
        metadata: ObjectMeta {
            namespace: None,
            ..object_meta(&issuer.metadata)
        },
        spec: ClusterIssuerSpec { config },
        status: None,
    };
    Ok(ConvertedIssuer { issuer, certificates })
}

/// Converts a whole set of legacy objects, as `passerelle convert` reads them
/// from manifests: each Certificate goes with the issuer it references (an
/// Issuer of its own namespace, or a ClusterIssuer). Namespaces are compared
/// as written, so a manifest without one only matches another without one.
///
/// Every problem of every group is reported, as well as Certificates whose
/// issuer is not in the input and objects given twice.
pub fn convert_all(
    issuers: &[LegacyIssuer],
    cluster_issuers: &[LegacyClusterIssuer],
    certificates: &[LegacyCertificate],
) -> Result<Converted, Error> {
    let mut problems = Vec::new();
    let issuer_keys: Vec<_> = issuers.iter().map(|i| ObjectKey::issuer(&i.metadata)).collect();
    let cluster_keys: Vec<_> = cluster_issuers
        .iter()
        .map(|i| ObjectKey::cluster_issuer(&i.metadata))
        .collect();
    let certificate_keys: Vec<_> = certificates
        .iter()
        .map(|c| ObjectKey::certificate(&c.metadata))
        .collect();
    for keys in [&issuer_keys, &cluster_keys, &certificate_keys] {
        report_duplicates(keys, &mut problems);
    }

    let mut of_issuer: Vec<Vec<&LegacyCertificate>> = vec![Vec::new(); issuers.len()];
    let mut of_cluster_issuer: Vec<Vec<&LegacyCertificate>> = vec![Vec::new(); cluster_issuers.len()];
    for (certificate, key) in certificates.iter().zip(&certificate_keys) {
        let reference = &certificate.spec.issuer_ref;
        let (keys, groups, wanted) = match issuer_kind(certificate) {
            Some(IssuerKind::Issuer) => (
                &issuer_keys,
                &mut of_issuer,
                ObjectKey::new(error::ISSUER, key.namespace.clone(), &reference.name),
            ),
            Some(IssuerKind::ClusterIssuer) => (
                &cluster_keys,
                &mut of_cluster_issuer,
                ObjectKey::new(error::CLUSTER_ISSUER, None, &reference.name),
            ),
            None => {
                problems.push(Problem::UnsupportedIssuerKind {
                    certificate: key.clone(),
                    kind: reference.kind.clone().unwrap_or_default(),
                });
                continue;
            }
        };
        match keys.iter().position(|k| *k == wanted) {
            Some(index) => groups[index].push(certificate),
            None => problems.push(Problem::MissingIssuer {
                certificate: key.clone(),
                issuer: wanted,
            }),
        }
    }

    let mut converted = Converted::default();
    for (issuer, group) in issuers.iter().zip(of_issuer) {
        match convert_issuer(issuer, group) {
            Ok(c) => converted.issuers.push(c.issuer),
            Err(e) => problems.extend(e.problems),
        }
    }
    for (issuer, group) in cluster_issuers.iter().zip(of_cluster_issuer) {
        match convert_cluster_issuer(issuer, group) {
            Ok(c) => converted.cluster_issuers.push(c.issuer),
            Err(e) => problems.extend(e.problems),
        }
    }
    if !problems.is_empty() {
        return Err(Error { problems });
    }
    converted.certificates = certificates.iter().map(convert_certificate).collect();
    Ok(converted)
}

/// The issuer kinds a legacy `issuerRef.kind` can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IssuerKind {
    Issuer,
    ClusterIssuer,
}

/// The kind of issuer `certificate` references; `None` for a kind
/// cert-manager 0.7 did not know. Unset and empty mean `Issuer`, as Go's
/// zero value did.
fn issuer_kind(certificate: &LegacyCertificate) -> Option<IssuerKind> {
    match certificate.spec.issuer_ref.kind.as_deref() {
        None | Some("" | "Issuer") => Some(IssuerKind::Issuer),
        Some("ClusterIssuer") => Some(IssuerKind::ClusterIssuer),
        Some(_) => None,
    }
}

/// Whether `certificate` references the issuer `issuer`.
fn references(issuer: &ObjectKey, certificate: &LegacyCertificate) -> bool {
    let name_matches = certificate.spec.issuer_ref.name == issuer.name;
    match issuer_kind(certificate) {
        Some(IssuerKind::Issuer) => {
            issuer.kind == error::ISSUER && name_matches && certificate.metadata.namespace == issuer.namespace
        }
        Some(IssuerKind::ClusterIssuer) => issuer.kind == error::CLUSTER_ISSUER && name_matches,
        None => false,
    }
}

/// Converts one issuer's configuration and Certificates, reporting
/// Certificates that reference another issuer and every problem of the
/// others.
fn convert_group<'a>(
    issuer: &ObjectKey,
    config: &LegacyIssuerConfig,
    certificates: impl IntoIterator<Item = &'a LegacyCertificate>,
) -> Result<(IssuerConfig, Vec<Certificate>), Error> {
    let certificates: Vec<&LegacyCertificate> = certificates.into_iter().collect();
    let mut problems = Vec::new();
    let mut own = Vec::with_capacity(certificates.len());
    for certificate in &certificates {
        if references(issuer, certificate) {
            own.push(*certificate);
        } else {
            problems.push(Problem::ForeignCertificate {
                certificate: ObjectKey::certificate(&certificate.metadata),
                issuer: issuer.clone(),
            });
        }
    }
    let config = issuer::convert_config(issuer, config, &own, &mut problems);
    if !problems.is_empty() {
        return Err(Error { problems });
    }
    let certificates = certificates.into_iter().map(convert_certificate).collect();
    Ok((config, certificates))
}

/// Reports every key that appears more than once, once.
fn report_duplicates(keys: &[ObjectKey], problems: &mut Vec<Problem>) {
    for (index, key) in keys.iter().enumerate() {
        let first = keys.iter().position(|k| k == key) == Some(index);
        if first && keys[index + 1..].contains(key) {
            problems.push(Problem::Duplicate { object: key.clone() });
        }
    }
}

/// The metadata a v1 object takes from its legacy counterpart: name,
/// namespace, labels and annotations (without kubectl's last applied
/// configuration). Server-set fields, ownerReferences and finalizers belong
/// to the legacy object.
fn object_meta(legacy: &ObjectMeta) -> ObjectMeta {
    let annotations = legacy.annotations.as_ref().and_then(|annotations| {
        let kept: BTreeMap<String, String> = annotations
            .iter()
            .filter(|(key, _)| *key != LAST_APPLIED)
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        (!kept.is_empty() || annotations.is_empty()).then_some(kept)
    });
    ObjectMeta {
        name: legacy.name.clone(),
        namespace: legacy.namespace.clone(),
        labels: legacy.labels.clone(),
        annotations,
        ..ObjectMeta::default()
    }
}
