//! The objects an issuance creates before the CA is asked: the temporary
//! Secret holding the next private key, and the CertificateRequest of the
//! next revision (the CSR, cert-manager's annotations, owned by the
//! Certificate); and their removal when they no longer serve.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use kube::api::Api;
use passerelle_crds::constants::{annotations as keys, conditions, reasons};
use passerelle_crds::defaults;
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::certificate::PrivateKeyEncoding;
use passerelle_crds::v1::{Certificate, CertificateRequest, CertificateRequestSpec};

use super::status::fail_issuance;
use super::{create, delete};
use crate::certificate::observe::{Contents, NextKey, Observed};
use crate::certificate::secret::{self, NEXT_PRIVATE_KEY_LABEL, TLS_KEY};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::events::EventType;
use crate::pki::{self, PrivateKey};

/// Annotation prefixes not copied from a Certificate to its requests
/// (cert-manager's default `--copied-annotation-prefixes` exclusions).
const NOT_COPIED: [&str; 4] = [
    "kubectl.kubernetes.io/",
    "fluxcd.io/",
    "argocd.argoproj.io/",
    "cert-manager.io/",
];

/// Creates the temporary Secret holding the next private key (PKCS#8),
/// owned by the Certificate and labelled so that the operator caches it.
pub async fn create_key_secret(
    cert: &Certificate,
    ctx: &Context,
    observed: &Observed,
    name: &str,
    reuse: bool,
) -> Result<()> {
    let reused = match (&observed.secret, reuse) {
        (Some(facts), true) => match &facts.contents {
            Contents::Valid(pair) => Some(pair.key.clone()),
            _ => None,
        },
        _ => None,
    };
    let key = match reused {
        Some(key) => key,
        None => {
            let spec = cert.spec.clone();
            // RSA generation takes long enough to stall the runtime.
            tokio::task::spawn_blocking(move || PrivateKey::generate_for(&spec))
                .await
                .map_err(|_| Error::Missing {
                    kind: "Secret",
                    name: format!("{name} (key generation was cancelled)"),
                })?
                .map_err(|source| Error::Pki {
                    operation: "generating the private key",
                    source,
                })?
        }
    };
    let pem = key
        .to_pem(PrivateKeyEncoding::Pkcs8)
        .map_err(|source| Error::Pki {
            operation: "encoding the private key",
            source,
        })?;
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            namespace: cert.namespace(),
            labels: Some(BTreeMap::from([
                (keys::FAO_LABEL.to_string(), "true".to_string()),
                (NEXT_PRIVATE_KEY_LABEL.to_string(), "true".to_string()),
            ])),
            annotations: Some(BTreeMap::from([(
                keys::CERTIFICATE_NAME.to_string(),
                cert.name_any(),
            )])),
            owner_references: Some(vec![secret::owner_reference(cert, true)]),
            ..ObjectMeta::default()
        },
        type_: Some("Opaque".into()),
        data: Some(BTreeMap::from([(
            TLS_KEY.to_string(),
            ByteString(pem.into_bytes()),
        )])),
        ..Secret::default()
    };
    let api: Api<Secret> = Api::namespaced(ctx.client.clone(), &cert.namespace().unwrap_or_default());
    create(&api, &secret, name, "Secret").await?;
    let message = format!("Stored new private key in temporary Secret resource {name:?}");
    ctx.recorder
        .publish(cert, EventType::Normal, reasons::GENERATED, &message)
        .await;
    Ok(())
}

/// Deletes a temporary key Secret that cannot serve.
pub async fn delete_key_secret(cert: &Certificate, ctx: &Context, name: &str) -> Result<()> {
    let api: Api<Secret> = Api::namespaced(ctx.client.clone(), &cert.namespace().unwrap_or_default());
    delete(&api, name, "Secret").await?;
    Ok(())
}

/// Creates the CertificateRequest of the next revision: the CSR made from
/// the next key, cert-manager's annotations, owned by the Certificate. A
/// CSR that cannot be made fails the issuance with the reason.
pub async fn create_request(
    cert: &Certificate,
    ctx: &Context,
    observed: &Observed,
    name: &str,
    revision: i64,
    key_secret: &str,
    now: Timestamp,
) -> Result<()> {
    let NextKey::Present { key, .. } = &observed.next_key else {
        return Ok(());
    };
    let csr = match pki::Csr::build(&cert.spec, key) {
        Ok(csr) => csr,
        Err(e) => return fail_to_request(cert, ctx, now, &e).await,
    };
    let mut annotations: BTreeMap<String, String> = cert
        .annotations()
        .iter()
        .filter(|(k, _)| !NOT_COPIED.iter().any(|p| k.starts_with(p)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let issuer = defaults::issuer_ref(&cert.spec.issuer_ref);
    annotations.extend([
        (keys::CERTIFICATE_NAME.to_string(), cert.name_any()),
        (keys::CERTIFICATE_REVISION.to_string(), revision.to_string()),
        (keys::PRIVATE_KEY_SECRET_NAME.to_string(), key_secret.to_string()),
        (keys::ISSUER_NAME.to_string(), issuer.name.clone()),
        (keys::ISSUER_KIND.to_string(), issuer.kind.unwrap_or_default()),
        (keys::ISSUER_GROUP.to_string(), issuer.group.unwrap_or_default()),
    ]);
    let mut request = CertificateRequest::new(
        name,
        CertificateRequestSpec {
            request: csr.to_request_field(),
            issuer_ref: cert.spec.issuer_ref.clone(),
            duration: Some(
                cert.spec
                    .duration
                    .clone()
                    .unwrap_or_else(|| defaults::format_duration(defaults::duration(&cert.spec))),
            ),
            usages: cert.spec.usages.clone(),
            is_ca: cert.spec.is_ca,
            ..CertificateRequestSpec::default()
        },
    );
    request.metadata.namespace = cert.namespace();
    request.metadata.labels = Some(cert.labels().clone()).filter(|l| !l.is_empty());
    request.metadata.annotations = Some(annotations);
    request.metadata.owner_references = Some(vec![secret::owner_reference(cert, true)]);
    let api: Api<CertificateRequest> =
        Api::namespaced(ctx.client.clone(), &cert.namespace().unwrap_or_default());
    create(&api, &request, name, "CertificateRequest").await?;
    tracing::info!(request = %name, revision, "Created CertificateRequest");
    let message = format!("Created new CertificateRequest resource {name:?}");
    ctx.recorder
        .publish(cert, EventType::Normal, reasons::REQUESTED, &message)
        .await;
    Ok(())
}

/// The CSR could not be made from the spec: the issuance fails (and backs
/// off) with the reason, rather than retrying silently.
async fn fail_to_request(
    cert: &Certificate,
    ctx: &Context,
    now: Timestamp,
    error: &pki::Error,
) -> Result<()> {
    let message = format!(
        "The certificate request has failed to complete and will be retried: Failed to create the certificate signing request: {}",
        crate::reconcile::error_chain(error)
    );
    let mut status = cert.status.clone().unwrap_or_default();
    let list = status.conditions.get_or_insert_with(Vec::new);
    let set = crate::conditions::Set {
        type_: conditions::ISSUING,
        status: ConditionStatus::False,
        reason: reasons::FAILED,
        message: message.clone(),
    };
    crate::conditions::merge(list, set, cert.metadata.generation, now);
    status.last_failure_time = Some(Time(crate::clock::to_second(now)));
    status.failed_issuance_attempts = Some(status.failed_issuance_attempts.unwrap_or(0) + 1);
    fail_issuance(cert, ctx, &status, reasons::FAILED, &message).await
}

/// Deletes a CertificateRequest that no longer serves this issuance.
pub async fn delete_request(cert: &Certificate, ctx: &Context, name: &str) -> Result<()> {
    let api: Api<CertificateRequest> =
        Api::namespaced(ctx.client.clone(), &cert.namespace().unwrap_or_default());
    tracing::info!(request = %name, "Deleting CertificateRequest that does not serve the current issuance");
    delete(&api, name, "CertificateRequest").await?;
    Ok(())
}

/// Five random lowercase alphanumerics.
pub(super) fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut bytes = [0u8; 5];
    // Falls back to the clock only if the system RNG fails, which makes
    // names predictable but still unique enough for a retry.
    if aws_lc_rs::rand::fill(&mut bytes).is_err() {
        let nanos = Timestamp::now().as_nanosecond();
        bytes = nanos.to_le_bytes()[..5].try_into().unwrap_or([0; 5]);
    }
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}
