//! The side effects of a Certificate's decisions, one function per
//! [`Decision`](super::decide::Decision) variant, each writing one kind of
//! object: the status ([`status`]), the temporary key Secret and the
//! CertificateRequests ([`request`]), the Secret (here). Writes are
//! idempotent (a create that finds the object is not an error, a delete
//! that does not find it neither; status and Secrets are applied), so a
//! step repeated after a restart is harmless. When to look again is
//! decided by the reconciler, not here.

pub mod request;
pub mod status;

use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::Action;
use passerelle_crds::constants::FIELD_MANAGER;
use passerelle_crds::defaults;
use passerelle_crds::v1::{Certificate, CertificateRequest};
use serde_json::json;

pub use self::request::{create_key_secret, create_request, delete_key_secret, delete_request};
pub use self::status::{
    choose_key_secret_name, complete_issuance, fail_issuance, invalid, start_issuing, update_status,
    write_status,
};
use super::observe::{Contents, NextKey, Observed, RequestState};
use super::secret::{self, Content, TLS_KEY};
use crate::context::Context;
use crate::error::{Error, Result, is_conflict, is_not_found};
use crate::pki;

/// Applies the Secret again from its own key and certificate: labels,
/// annotations, owner reference, additional outputs. Adopting a Secret
/// written before cert-manager labelled its Secrets is this same write.
pub async fn update_secret(
    cert: &Certificate,
    ctx: &Context,
    observed: &Observed,
    adopt: bool,
) -> Result<()> {
    let Some(facts) = &observed.secret else {
        return Ok(());
    };
    let Contents::Valid(pair) = &facts.contents else {
        return Ok(());
    };
    let data = &facts.data.0;
    let content = Content {
        key_pem: data.get(TLS_KEY).cloned().unwrap_or_default(),
        chain_pem: data.get(secret::TLS_CRT).cloned().unwrap_or_default(),
        ca_pem: data.get(secret::CA_CRT).cloned(),
    };
    let body = secret::build(
        cert,
        &content,
        Some(&pair.leaf),
        facts.type_.as_deref(),
        observed.settings.owner_ref,
    );
    apply_secret(cert, ctx, &body).await?;
    if adopt {
        tracing::info!(secret = %cert.spec.secret_name, "Adopted the existing Secret, its certificate matches the spec");
    }
    Ok(())
}

/// Deletes leftover temporary key Secrets and old CertificateRequests.
pub async fn prune(
    cert: &Certificate,
    ctx: &Context,
    key_secrets: &[String],
    requests: &[String],
) -> Result<()> {
    let namespace = cert.namespace().unwrap_or_default();
    let secrets: Api<Secret> = Api::namespaced(ctx.client.clone(), &namespace);
    for name in key_secrets {
        delete(&secrets, name, "Secret").await?;
    }
    let crs: Api<CertificateRequest> = Api::namespaced(ctx.client.clone(), &namespace);
    for name in requests {
        tracing::info!(request = %name, "Deleting CertificateRequest beyond revisionHistoryLimit");
        delete(&crs, name, "CertificateRequest").await?;
    }
    Ok(())
}

/// Writes the signed chain and the next key (in `spec.privateKey.encoding`)
/// into the Certificate's Secret.
pub async fn write_secret(cert: &Certificate, ctx: &Context, observed: &Observed) -> Result<()> {
    let (NextKey::Present { key, .. }, Some(request)) = (&observed.next_key, &observed.next_request) else {
        return Ok(());
    };
    let RequestState::Issued { chain_pem, ca_pem } = &request.state else {
        return Ok(());
    };
    let encoding = defaults::private_key(&cert.spec).encoding;
    let key_pem = key.to_pem(encoding).map_err(|source| Error::Pki {
        operation: "encoding the private key",
        source,
    })?;
    let leaf = std::str::from_utf8(chain_pem)
        .ok()
        .and_then(|text| pki::parse_chain(text).ok())
        .and_then(|chain| chain.into_iter().next());
    let content = Content {
        key_pem: key_pem.into_bytes(),
        chain_pem: chain_pem.clone(),
        ca_pem: ca_pem.clone(),
    };
    let existing_type = observed.secret.as_ref().and_then(|s| s.type_.clone());
    let body = secret::build(
        cert,
        &content,
        leaf.as_ref(),
        existing_type.as_deref(),
        observed.settings.owner_ref,
    );
    apply_secret(cert, ctx, &body).await?;
    tracing::info!(secret = %cert.spec.secret_name, request = %request.name, "Wrote the signed certificate to the Secret");
    Ok(())
}

/// Requeue at a time (at least one second from now).
pub fn requeue_at_time(at: Timestamp, now: Timestamp) -> Action {
    let secs = at.as_second().saturating_sub(now.as_second()).max(1);
    Action::requeue(Duration::from_secs(u64::try_from(secs).unwrap_or(1)))
}

/// Whether the spec asks for keystores, which are not written yet.
fn wants_keystores(cert: &Certificate) -> bool {
    cert.spec.keystores.as_ref().is_some_and(|k| {
        k.jks.as_ref().is_some_and(|j| j.create) || k.pkcs12.as_ref().is_some_and(|p| p.create)
    })
}

/// Applies a Certificate's Secret under the operator's field manager.
async fn apply_secret(cert: &Certificate, ctx: &Context, body: &Secret) -> Result<()> {
    let api: Api<Secret> = Api::namespaced(ctx.client.clone(), &cert.namespace().unwrap_or_default());
    let mut value = serde_json::to_value(body).map_err(|e| Error::InvalidSpec {
        message: e.to_string(),
    })?;
    value["apiVersion"] = json!("v1");
    value["kind"] = json!("Secret");
    api.patch(
        &cert.spec.secret_name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(&value),
    )
    .await
    .map_err(|source| Error::Write {
        kind: "Secret",
        name: format!(
            "{}/{}",
            cert.namespace().unwrap_or_default(),
            cert.spec.secret_name
        ),
        source,
    })?;
    Ok(())
}

/// Creates an object; one that exists already is fine (the step ran).
async fn create<K>(api: &Api<K>, obj: &K, name: &str, kind: &'static str) -> Result<()>
where
    K: Clone + serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match api
        .create(
            &PostParams {
                field_manager: Some(FIELD_MANAGER.into()),
                ..PostParams::default()
            },
            obj,
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if is_conflict(&e) => Ok(()),
        Err(source) => Err(Error::Write {
            kind,
            name: name.to_string(),
            source,
        }),
    }
}

/// Deletes an object; one that is gone already is fine.
async fn delete<K>(api: &Api<K>, name: &str, kind: &'static str) -> Result<()>
where
    K: Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match api.delete(name, &DeleteParams::default()).await {
        Ok(_) => Ok(()),
        Err(e) if is_not_found(&e) => Ok(()),
        Err(source) => Err(Error::Delete {
            kind,
            name: name.to_string(),
            source,
        }),
    }
}
