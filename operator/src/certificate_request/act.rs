//! The side effects of a CertificateRequest's decisions, one function per
//! [`Decision`](super::decide::Decision) variant: the status (applied
//! under the operator's field manager, only when it changed) with the
//! Event cert-manager records, or the Order.

use std::time::Duration;

use kube::ResourceExt;
use kube::api::{Api, DeleteParams, PostParams};
use kube::runtime::controller::Action;
use passerelle_crds::acme::Order;
use passerelle_crds::constants::{FIELD_MANAGER, reasons};
use passerelle_crds::v1::{CertificateRequest, CertificateRequestStatus};

use super::decide::{APPROVED_MESSAGE, READY_MESSAGE, ready_reason};
use crate::context::Context;
use crate::error::{Error, Result, is_conflict, is_not_found};
use crate::events::EventType;
use crate::reconcile::apply_status;

/// Applies the status; true when it changed.
async fn write(cr: &CertificateRequest, ctx: &Context, status: &CertificateRequestStatus) -> Result<bool> {
    let changed = cr.status.as_ref() != Some(status);
    apply_status(ctx, cr, cr.status.as_ref(), status).await?;
    Ok(changed)
}

/// `Approved=True` by the built-in approver, and its Event.
pub async fn approve(
    cr: &CertificateRequest,
    ctx: &Context,
    status: &CertificateRequestStatus,
) -> Result<Action> {
    if write(cr, ctx, status).await? {
        ctx.recorder
            .publish(
                cr,
                EventType::Normal,
                reasons::CERT_MANAGER_APPROVED,
                APPROVED_MESSAGE,
            )
            .await;
    }
    Ok(Action::await_change())
}

/// `Ready=False` (`Denied`).
pub async fn mark_denied(
    cr: &CertificateRequest,
    ctx: &Context,
    status: &CertificateRequestStatus,
) -> Result<Action> {
    write(cr, ctx, status).await?;
    Ok(Action::await_change())
}

/// `Ready=False` (`Pending`); the Event only when it was not pending
/// already, as cert-manager's reporter does, to spare the API server.
pub async fn pending(
    cr: &CertificateRequest,
    ctx: &Context,
    status: &CertificateRequestStatus,
    reason: &str,
    message: &str,
) -> Result<Action> {
    let was_pending = cr.status.as_ref().and_then(|s| ready_reason(s)) == Some(reasons::PENDING);
    write(cr, ctx, status).await?;
    if !was_pending {
        ctx.recorder.publish(cr, EventType::Normal, reason, message).await;
    }
    tracing::debug!(reason, %message, "CertificateRequest pending");
    // The issuer and Order watches bring the change this waits for; an
    // Order owned by someone else is looked at again later.
    Ok(if reason == "OrderGetError" {
        Action::requeue(Duration::from_secs(60))
    } else {
        Action::await_change()
    })
}

/// `Ready=False` (`Failed`), `failureTime`, and a Warning Event.
pub async fn fail(
    cr: &CertificateRequest,
    ctx: &Context,
    status: &CertificateRequestStatus,
    reason: &str,
    message: &str,
) -> Result<Action> {
    tracing::warn!(reason, %message, "CertificateRequest failed");
    if write(cr, ctx, status).await? {
        ctx.recorder
            .publish(cr, EventType::Warning, reason, message)
            .await;
    }
    Ok(Action::await_change())
}

/// Creates the Order (an Order that exists already is this step done).
pub async fn create_order(cr: &CertificateRequest, ctx: &Context, order: &Order) -> Result<Action> {
    let namespace = cr.namespace().unwrap_or_default();
    let api: Api<Order> = Api::namespaced(ctx.client.clone(), &namespace);
    let name = order.name_any();
    let params = PostParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..PostParams::default()
    };
    match api.create(&params, order).await {
        Ok(_) => {
            tracing::info!(order = %name, "Created Order");
            let message = format!("Created Order resource {namespace}/{name}");
            ctx.recorder
                .publish(cr, EventType::Normal, reasons::ORDER_CREATED, &message)
                .await;
        }
        Err(e) if is_conflict(&e) => {}
        Err(source) => {
            return Err(Error::Write {
                kind: "Order",
                name: format!("{namespace}/{name}"),
                source,
            });
        }
    }
    Ok(Action::await_change())
}

/// Deletes an Order whose certificate is not for the request's key, or
/// that an earlier request of the same name left behind.
pub async fn delete_order(cr: &CertificateRequest, ctx: &Context, name: &str) -> Result<Action> {
    let namespace = cr.namespace().unwrap_or_default();
    tracing::warn!(order = %name, "Deleting an Order that cannot serve this request");
    let api: Api<Order> = Api::namespaced(ctx.client.clone(), &namespace);
    match api.delete(name, &DeleteParams::default()).await {
        Ok(_) => Ok(Action::await_change()),
        Err(e) if is_not_found(&e) => Ok(Action::await_change()),
        Err(source) => Err(Error::Delete {
            kind: "Order",
            name: format!("{namespace}/{name}"),
            source,
        }),
    }
}

/// `Ready=True` (`Issued`) with the certificate, and its Event.
pub async fn issued(
    cr: &CertificateRequest,
    ctx: &Context,
    status: &CertificateRequestStatus,
) -> Result<Action> {
    if write(cr, ctx, status).await? {
        tracing::info!("Certificate issued");
        ctx.recorder
            .publish(cr, EventType::Normal, reasons::CERTIFICATE_ISSUED, READY_MESSAGE)
            .await;
    }
    Ok(Action::await_change())
}
