//! The side effects of ingress-shim's [`Step`](super::decide::Step)s, one
//! function per variant, each with cert-manager's Event on the Ingress
//! (`CreateCertificate`, `UpdateCertificate`, `DeleteCertificate`,
//! `BadConfig`). A create that finds the Certificate, or an update or
//! delete that finds it changed, returns the conflict for the reconciler to
//! look again; a delete that does not find it is done.

use k8s_openapi::api::networking::v1::Ingress;
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, PostParams, Preconditions};
use passerelle_crds::v1::Certificate;

use crate::context::Context;
use crate::error::{Error, Result, is_not_found};
use crate::events::EventType;

/// cert-manager's Event reason for a Certificate created by ingress-shim.
pub const CREATE_CERTIFICATE: &str = "CreateCertificate";
/// cert-manager's Event reason for a Certificate updated by ingress-shim.
pub const UPDATE_CERTIFICATE: &str = "UpdateCertificate";
/// cert-manager's Event reason for a Certificate deleted by ingress-shim.
pub const DELETE_CERTIFICATE: &str = "DeleteCertificate";
/// cert-manager's Event reason for what ingress-shim cannot act on.
pub const BAD_CONFIG: &str = "BadConfig";

fn api(ingress: &Ingress, ctx: &Context) -> Api<Certificate> {
    Api::namespaced(ctx.client.clone(), &ingress.namespace().unwrap_or_default())
}

fn key(ingress: &Ingress, name: &str) -> String {
    format!("{}/{name}", ingress.namespace().unwrap_or_default())
}

/// A Warning Event on the Ingress.
pub async fn warn(ingress: &Ingress, ctx: &Context, message: &str) {
    tracing::warn!(%message, "Ingress annotations cannot be acted on");
    ctx.recorder
        .publish(ingress, EventType::Warning, BAD_CONFIG, message)
        .await;
}

/// Creates a Certificate for a TLS entry.
pub async fn create(ingress: &Ingress, ctx: &Context, cert: &Certificate) -> Result<()> {
    let name = cert.name_any();
    api(ingress, ctx)
        .create(&PostParams::default(), cert)
        .await
        .map_err(|source| Error::Write {
            kind: "Certificate",
            name: key(ingress, &name),
            source,
        })?;
    changed(
        ingress,
        ctx,
        CREATE_CERTIFICATE,
        format!("Successfully created Certificate {name:?}"),
    )
    .await;
    Ok(())
}

/// Replaces a Certificate with what the Ingress now asks for (a 409 if it
/// changed since it was read).
pub async fn update(ingress: &Ingress, ctx: &Context, cert: &Certificate) -> Result<()> {
    let name = cert.name_any();
    api(ingress, ctx)
        .replace(&name, &PostParams::default(), cert)
        .await
        .map_err(|source| Error::Write {
            kind: "Certificate",
            name: key(ingress, &name),
            source,
        })?;
    changed(
        ingress,
        ctx,
        UPDATE_CERTIFICATE,
        format!("Successfully updated Certificate {name:?}"),
    )
    .await;
    Ok(())
}

/// Deletes a Certificate whose TLS entry went, if it is still the one
/// decided on (same uid).
pub async fn delete(ingress: &Ingress, ctx: &Context, name: &str, uid: &str) -> Result<()> {
    let params = DeleteParams {
        preconditions: Some(Preconditions {
            uid: Some(uid.to_string()),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    match api(ingress, ctx).delete(name, &params).await {
        Ok(_) => {}
        Err(e) if is_not_found(&e) => return Ok(()),
        Err(source) => {
            return Err(Error::Delete {
                kind: "Certificate",
                name: key(ingress, name),
                source,
            });
        }
    }
    changed(
        ingress,
        ctx,
        DELETE_CERTIFICATE,
        format!("Successfully deleted unrequired Certificate {name:?}"),
    )
    .await;
    Ok(())
}

/// Logs a change made to a Certificate and reports it as a Normal Event on
/// the Ingress, with cert-manager's reason and message.
async fn changed(ingress: &Ingress, ctx: &Context, reason: &str, message: String) {
    tracing::info!(reason, "{message}");
    ctx.recorder
        .publish(ingress, EventType::Normal, reason, &message)
        .await;
}
