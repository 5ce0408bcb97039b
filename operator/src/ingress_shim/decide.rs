//! What ingress-shim does for one Ingress, decided from the Ingress, the
//! Certificates of its namespace and the default issuer — no client, no
//! clock. cert-manager's `SyncFnFor`, step by step:
//!
//! no shim annotation, or being deleted → nothing; an issuer that cannot be
//! told, two TLS entries with one secretName, or an invalid field
//! annotation → one Warning Event and no Certificate change; then per
//! `spec.tls` entry (one without hosts or secretName is skipped with a
//! Warning) the Certificate named after the secretName is created, updated
//! if it is this Ingress's and differs, or left alone with a Warning if it
//! is not this Ingress's; last, this Ingress's Certificates whose secretName
//! no TLS entry names any longer are deleted.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{Ingress, IngressTLS};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::{Resource, ResourceExt};
use passerelle_crds::v1::certificate::{CertificatePrivateKey, KeyUsage, PrivateKeyAlgorithm};
use passerelle_crds::v1::{Certificate, CertificateSpec};
use passerelle_crds::validate::FieldError;

use super::annotations::{self, MANAGED};
use crate::config::DefaultIssuer;

/// The label `kubectl apply --prune` (ApplySet) puts on what it applies: not
/// copied, or the Certificates would be pruned as strays
/// (cert-manager#7306).
const APPLYSET_LABEL: &str = "applyset.kubernetes.io/part-of";

/// One step for an Ingress; each variant is one kind of side effect.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// A Warning Event `BadConfig` on the Ingress.
    Warn {
        /// The message.
        message: String,
    },
    /// Create this Certificate.
    Create(Box<Certificate>),
    /// Replace the Certificate of that name by this one (its
    /// resourceVersion is the one the decision was made on).
    Update(Box<Certificate>),
    /// Delete this Ingress's Certificate whose TLS entry went.
    Delete {
        /// Its name.
        name: String,
        /// Its uid (a delete precondition).
        uid: String,
    },
}

/// Decides the steps for `ingress`, given the Certificates of its namespace.
pub fn decide(ingress: &Ingress, certificates: &[Certificate], defaults: &DefaultIssuer) -> Vec<Step> {
    let annotations = ingress.annotations();
    if !annotations::has_shim_annotation(annotations) || being_deleted(ingress) {
        return Vec::new();
    }
    let issuer = match annotations::issuer(defaults, annotations) {
        Ok(issuer) => issuer,
        Err(why) => {
            return vec![warn(format!(
                "Could not determine issuer for ingress due to bad annotations: {why}"
            ))];
        }
    };
    let tls = ingress
        .spec
        .as_ref()
        .and_then(|s| s.tls.clone())
        .unwrap_or_default();
    let duplicates = duplicate_secret_names(&tls);
    if !duplicates.is_empty() {
        return vec![warn(aggregate(&duplicates))];
    }
    let mut fields = CertificateSpec::default();
    if let Err(why) = annotations::translate(annotations, &mut fields) {
        return vec![warn(why)];
    }
    let solver_annotations = annotations::solver_annotations(&ingress.name_any(), annotations);
    let uid = ingress.uid().unwrap_or_default();
    let (mut warnings, mut creates, mut updates) = (Vec::new(), Vec::new(), Vec::new());
    for (i, entry) in tls.iter().enumerate() {
        let errors = tls_entry_errors(i, entry);
        if !errors.is_empty() {
            warnings.push(warn(format!("Skipped a TLS block: {}", aggregate(&errors))));
            continue;
        }
        let secret = entry.secret_name.clone().unwrap_or_default();
        let (dns, ips) = annotations::split_hosts(entry.hosts.as_deref().unwrap_or_default());
        let spec = CertificateSpec {
            dns_names: Some(dns).filter(|d| !d.is_empty()),
            ip_addresses: Some(ips).filter(|i| !i.is_empty()),
            secret_name: secret.clone(),
            issuer_ref: issuer.clone(),
            usages: Some(KeyUsage::DEFAULT.to_vec()),
            ..fields.clone()
        };
        let mut desired = Certificate::new(&secret, spec);
        desired.metadata = ObjectMeta {
            name: Some(secret.clone()),
            namespace: ingress.namespace(),
            labels: labels(ingress),
            annotations: Some(solver_annotations.clone()).filter(|a| !a.is_empty()),
            owner_references: controller_ref(ingress).map(|r| vec![r]),
            ..ObjectMeta::default()
        };
        match certificates.iter().find(|c| c.name_any() == secret) {
            None => creates.push(Step::Create(Box::new(desired))),
            Some(existing) if controller_uid(existing) != Some(uid.as_str()) => {
                warnings.push(warn(format!(
                    "Certificate {secret:?} exists and is not owned by this Ingress: it is left as it is"
                )));
            }
            Some(existing) if needs_update(existing, &desired) => {
                updates.push(Step::Update(Box::new(updated(existing, desired))));
            }
            Some(_) => {}
        }
    }
    let named: Vec<&str> = tls.iter().filter_map(|t| t.secret_name.as_deref()).collect();
    let deletes = certificates
        .iter()
        .filter(|c| controller_uid(c) == Some(uid.as_str()))
        .filter(|c| !named.contains(&c.spec.secret_name.as_str()))
        .map(|c| Step::Delete {
            name: c.name_any(),
            uid: c.uid().unwrap_or_default(),
        });
    warnings
        .into_iter()
        .chain(creates)
        .chain(updates)
        .chain(deletes)
        .collect()
}

/// The Ingress as its Certificates' controller, as apimachinery's
/// `NewControllerRef` makes it (blocking the owner's foreground deletion).
fn controller_ref(ingress: &Ingress) -> Option<OwnerReference> {
    let mut reference = ingress.controller_owner_ref(&())?;
    reference.block_owner_deletion = Some(true);
    Some(reference)
}

fn warn(message: String) -> Step {
    Step::Warn { message }
}

/// Being deleted, or deleted in the foreground (its dependents first): no
/// Certificate is made that the deletion would then have to wait for.
fn being_deleted(ingress: &Ingress) -> bool {
    ingress.metadata.deletion_timestamp.is_some()
        || ingress.finalizers().iter().any(|f| f == "foregroundDeletion")
}

/// The uid of an object's controller (its ownerReference with
/// `controller: true`).
fn controller_uid(cert: &Certificate) -> Option<&str> {
    cert.owner_references()
        .iter()
        .find(|r| r.controller == Some(true))
        .map(|r| r.uid.as_str())
}

/// The Ingress's labels, less ApplySet's.
fn labels(ingress: &Ingress) -> Option<BTreeMap<String, String>> {
    let mut labels = ingress.labels().clone();
    labels.remove(APPLYSET_LABEL);
    Some(labels).filter(|l| !l.is_empty())
}

/// One Certificate per secretName: a secretName in two TLS entries is an
/// error (cert-manager's `checkForDuplicateSecretNames`).
fn duplicate_secret_names(tls: &[IngressTLS]) -> Vec<FieldError> {
    let mut first: Vec<(&str, usize)> = Vec::new();
    let mut errors = Vec::new();
    for (i, entry) in tls.iter().enumerate() {
        let name = entry.secret_name.as_deref().unwrap_or_default();
        match first.iter().find(|(n, _)| *n == name) {
            Some((_, j)) => {
                if !errors.iter().any(|e: &(usize, _)| e.0 == *j) {
                    errors.push((*j, i));
                }
            }
            None => first.push((name, i)),
        }
    }
    errors
        .into_iter()
        .map(|(j, i)| {
            let name = tls[j].secret_name.as_deref().unwrap_or_default();
            FieldError::invalid(
                format!("spec.tls[{j}].secretName"),
                format!("{name:?}"),
                format!(
                    "this secret name must only appear in a single TLS entry but is also used in spec.tls[{i}].secretName"
                ),
            )
        })
        .collect()
}

/// What makes a TLS entry unusable: no hosts, no secretName.
fn tls_entry_errors(i: usize, entry: &IngressTLS) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if entry.hosts.as_ref().is_none_or(Vec::is_empty) {
        errors.push(FieldError::required(format!("spec.tls[{i}].hosts"), ""));
    }
    if entry.secret_name.as_deref().is_none_or(str::is_empty) {
        errors.push(FieldError::required(format!("spec.tls[{i}].secretName"), ""));
    }
    errors
}

/// Field errors as apimachinery's aggregate prints them: one alone, more
/// within brackets.
fn aggregate(errors: &[FieldError]) -> String {
    let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
    match all.as_slice() {
        [one] => one.clone(),
        _ => format!("[{}]", all.join(", ")),
    }
}

/// Whether the Certificate differs from what ingress-shim wants in what
/// ingress-shim sets: labels, its solver annotations, and its spec fields.
/// What others add (status, other annotations, fields the shim never sets)
/// does not count.
fn needs_update(existing: &Certificate, desired: &Certificate) -> bool {
    let managed = |c: &Certificate| -> BTreeMap<String, String> {
        c.annotations()
            .iter()
            .filter(|(k, _)| MANAGED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    existing.labels() != desired.labels()
        || managed(existing) != managed(desired)
        || shim_fields(&existing.spec) != shim_fields(&desired.spec)
}

/// The spec fields ingress-shim sets, an empty private key as none, and an
/// Ed25519 key's size ignored (it has none).
fn shim_fields(spec: &CertificateSpec) -> CertificateSpec {
    let private_key = spec
        .private_key
        .clone()
        .map(|mut k| {
            if k.algorithm == Some(PrivateKeyAlgorithm::Ed25519) {
                k.size = None;
            }
            k
        })
        .filter(|k| *k != CertificatePrivateKey::default());
    CertificateSpec {
        common_name: spec.common_name.clone(),
        email_addresses: spec.email_addresses.clone(),
        dns_names: spec.dns_names.clone(),
        ip_addresses: spec.ip_addresses.clone(),
        secret_name: spec.secret_name.clone(),
        issuer_ref: spec.issuer_ref.clone(),
        usages: spec.usages.clone(),
        duration: spec.duration.clone(),
        renew_before: spec.renew_before.clone(),
        revision_history_limit: spec.revision_history_limit,
        private_key,
        ..CertificateSpec::default()
    }
}

/// The existing Certificate with ingress-shim's spec and labels, and its
/// solver annotations merged over the others (those it no longer asks for
/// removed). As cert-manager's update, the whole spec is replaced.
fn updated(existing: &Certificate, desired: Certificate) -> Certificate {
    let mut out = existing.clone();
    out.spec = desired.spec;
    out.metadata.labels = desired.metadata.labels;
    let mut merged = existing.annotations().clone();
    merged.retain(|k, _| !MANAGED.contains(&k.as_str()));
    merged.extend(desired.metadata.annotations.unwrap_or_default());
    out.metadata.annotations = Some(merged).filter(|a| !a.is_empty());
    out
}
