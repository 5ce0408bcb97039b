//! Writing a Certificate's status: whole, by server-side apply under the
//! operator's field manager, only when it changed, never from a stale
//! object; and the status steps of an issuance (start, key name, failure,
//! completion) with the Events cert-manager records for them.

use std::collections::BTreeSet;

use kube::api::{Api, Patch, PatchParams};
use kube::{Resource, ResourceExt};
use passerelle_crds::constants::{FIELD_MANAGER, reasons};
use passerelle_crds::v1::{Certificate, CertificateStatus};
use serde_json::json;

use super::request::random_suffix;
use super::wants_keystores;
use crate::certificate::decide::{same_status, unsupported_keystores};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::events::EventType;
use crate::reconcile::key;

/// Writes the status (see [`write_status`]) and, when it changed, records
/// `reason` as an Event of `type_`.
pub async fn status_with_event(
    cert: &Certificate,
    ctx: &Context,
    status: &CertificateStatus,
    event: Option<(EventType, &str, &str)>,
) -> Result<bool> {
    let changed = write_status(cert, ctx, status).await?;
    if changed && let Some((type_, reason, message)) = event {
        ctx.recorder.publish(cert, type_, reason, message).await;
    }
    Ok(changed)
}

/// Writes a Certificate's whole status by server-side apply under the
/// operator's field manager, only when it changed, with the
/// resourceVersion the decision was made on as a precondition (a decision
/// made on a stale object must not land). A condition the new status drops
/// is first removed with a merge patch of the conditions list: apply only
/// removes what this manager owns, and `cmctl renew` sets `Issuing`
/// under its own manager.
pub async fn write_status(cert: &Certificate, ctx: &Context, status: &CertificateStatus) -> Result<bool> {
    let current = cert.status.clone().unwrap_or_default();
    if same_status(&current, status) {
        return Ok(false);
    }
    let api: Api<Certificate> = crate::reconcile::api_for(ctx, cert);
    let failed = |source| Error::Write {
        kind: "Certificate",
        name: key(cert),
        source,
    };
    let mut resource_version = cert.resource_version();
    let keep: BTreeSet<&str> = status
        .conditions
        .iter()
        .flatten()
        .map(|c| c.type_.as_str())
        .collect();
    let existing = current.conditions.clone().unwrap_or_default();
    if existing.iter().any(|c| !keep.contains(c.type_.as_str())) {
        let remaining: Vec<_> = existing
            .into_iter()
            .filter(|c| keep.contains(c.type_.as_str()))
            .collect();
        let patch = json!({
            "metadata": {"resourceVersion": resource_version},
            "status": {"conditions": remaining},
        });
        let params = PatchParams {
            field_manager: Some(FIELD_MANAGER.into()),
            ..PatchParams::default()
        };
        let patched = api
            .patch_status(&cert.name_any(), &params, &Patch::Merge(&patch))
            .await
            .map_err(failed)?;
        resource_version = patched.resource_version();
    }
    let body = json!({
        "apiVersion": Certificate::api_version(&()),
        "kind": Certificate::kind(&()),
        "metadata": {"name": cert.name_any(), "resourceVersion": resource_version},
        "status": status,
    });
    api.patch_status(
        &cert.name_any(),
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(&body),
    )
    .await
    .map_err(failed)?;
    Ok(true)
}

/// `Ready=False` (`BadConfig`) and a Warning Event; nothing more until the
/// spec changes.
pub async fn invalid(
    cert: &Certificate,
    ctx: &Context,
    status: &CertificateStatus,
    message: &str,
) -> Result<()> {
    tracing::warn!(%message, "Certificate spec is invalid");
    status_with_event(
        cert,
        ctx,
        status,
        Some((EventType::Warning, reasons::BAD_CONFIG, message)),
    )
    .await?;
    Ok(())
}

/// Writes the status.
pub async fn update_status(cert: &Certificate, ctx: &Context, status: &CertificateStatus) -> Result<()> {
    write_status(cert, ctx, status).await?;
    Ok(())
}

/// `Issuing=True` and the `Issuing` Event.
pub async fn start_issuing(
    cert: &Certificate,
    ctx: &Context,
    status: &CertificateStatus,
    reason: &str,
    message: &str,
) -> Result<()> {
    tracing::info!(reason, %message, "Issuing certificate");
    status_with_event(
        cert,
        ctx,
        status,
        Some((EventType::Normal, reasons::ISSUING, message)),
    )
    .await?;
    if wants_keystores(cert) {
        ctx.recorder
            .publish(
                cert,
                EventType::Warning,
                reasons::NOT_SUPPORTED,
                unsupported_keystores(),
            )
            .await;
    }
    Ok(())
}

/// Persists a fresh name for the next key Secret: `<name>-<5 random
/// lowercase alphanumerics>`, as Kubernetes' `generateName` makes them.
pub async fn choose_key_secret_name(
    cert: &Certificate,
    ctx: &Context,
    status: &CertificateStatus,
) -> Result<()> {
    let mut status = status.clone();
    let base: String = format!("{}-", cert.name_any()).chars().take(58).collect();
    status.next_private_key_secret_name = Some(format!("{base}{}", random_suffix()));
    write_status(cert, ctx, &status).await?;
    Ok(())
}

/// `Issuing=False` with the failure, and a Warning Event; the next attempt
/// is scheduled by the backoff.
pub async fn fail_issuance(
    cert: &Certificate,
    ctx: &Context,
    status: &CertificateStatus,
    reason: &str,
    message: &str,
) -> Result<()> {
    tracing::warn!(reason, %message, "Issuance failed");
    status_with_event(cert, ctx, status, Some((EventType::Warning, reason, message))).await?;
    Ok(())
}

/// Records the issued revision; Event `Issuing` "The certificate has been
/// successfully issued", as cert-manager's issuing controller records it.
pub async fn complete_issuance(
    cert: &Certificate,
    ctx: &Context,
    status: &CertificateStatus,
    revision: i64,
) -> Result<()> {
    tracing::info!(revision, "Certificate issued");
    let event = (
        EventType::Normal,
        reasons::ISSUING,
        "The certificate has been successfully issued",
    );
    status_with_event(cert, ctx, status, Some(event)).await?;
    if wants_keystores(cert) {
        ctx.recorder
            .publish(
                cert,
                EventType::Warning,
                reasons::NOT_SUPPORTED,
                unsupported_keystores(),
            )
            .await;
    }
    Ok(())
}
