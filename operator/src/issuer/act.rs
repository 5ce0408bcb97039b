//! The side effects of an issuer decision: one function per decision, each
//! doing one kind of thing (write the status, create or extend the account
//! Secret, register the ACME account).

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, Patch, PatchParams, PostParams};
use kube::runtime::controller::Action;
use passerelle_crds::acme::{AcmeIssuer, AcmeIssuerStatus};
use passerelle_crds::constants::{conditions as types, reasons};
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::IssuerStatus;

use super::IssuerObject;
use super::decide::P256_KEY;
use crate::acme::{generate_account_key, key_hash};
use crate::conditions::{self, Set};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::events::EventType;
use crate::reconcile::{apply_status, error_chain};

fn status_with(
    issuer: &impl IssuerObject,
    ctx: &Context,
    status: ConditionStatus,
    reason: &str,
    message: &str,
    acme: Option<AcmeIssuerStatus>,
) -> IssuerStatus {
    let mut current = issuer.status().cloned().unwrap_or_default();
    let mut list = current.conditions.take().unwrap_or_default();
    conditions::merge(
        &mut list,
        Set {
            type_: types::READY,
            status,
            reason,
            message: message.to_string(),
        },
        issuer.meta().generation,
        ctx.clock.now(),
    );
    IssuerStatus {
        conditions: Some(list),
        acme: acme.or(current.acme),
    }
}

/// Writes Ready=False with `reason` and `message`, with a Warning Event
/// when that is news.
pub(super) async fn not_ready(
    issuer: &impl IssuerObject,
    ctx: &Context,
    reason: &'static str,
    message: &str,
) -> Result<Action> {
    let status = status_with(issuer, ctx, ConditionStatus::False, reason, message, None);
    let changed = !conditions::same(
        &issuer.status().and_then(|s| s.conditions.clone()),
        &status.conditions,
    );
    apply_status(ctx, issuer, issuer.status(), &status).await?;
    if changed {
        ctx.recorder
            .publish(issuer, EventType::Warning, reason, message)
            .await;
        tracing::info!(reason, message, "Issuer is not ready");
    }
    Ok(Action::requeue(std::time::Duration::from_secs(300)))
}

fn pem_key(der: &[u8]) -> ByteString {
    ByteString(crate::pki::pem::encode("PRIVATE KEY", der).into_bytes())
}

/// Creates the account Secret with a new ECDSA P-256 key.
pub(super) async fn generate_key(
    issuer: &impl IssuerObject,
    ctx: &Context,
    acme: &AcmeIssuer,
    namespace: &str,
) -> Result<Action> {
    let key = generate_account_key()?;
    let name = acme.private_key_secret_ref.name.clone();
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(namespace.to_string()),
            ..Default::default()
        },
        type_: Some("Opaque".into()),
        data: Some(BTreeMap::from([(
            super::observe::account_key_name(acme).to_string(),
            pem_key(&key),
        )])),
        ..Default::default()
    };
    let api: Api<Secret> = Api::namespaced(ctx.client.clone(), namespace);
    match api.create(&PostParams::default(), &secret).await {
        Ok(_) => {
            tracing::info!(secret = %format!("{namespace}/{name}"), "Generated an ACME account key");
            ctx.recorder
                .publish(
                    issuer,
                    EventType::Normal,
                    "GeneratedKey",
                    &format!("Generated a new ECDSA P-256 ACME account key in Secret {name}"),
                )
                .await;
        }
        Err(e) if crate::error::is_conflict(&e) => {}
        Err(source) => {
            return Err(Error::Write {
                kind: "Secret",
                name: format!("{namespace}/{name}"),
                source,
            });
        }
    }
    Ok(Action::requeue(std::time::Duration::ZERO))
}

/// Adds a P-256 key beside the user's RSA key, which is never overwritten.
pub(super) async fn add_p256_key(
    issuer: &impl IssuerObject,
    ctx: &Context,
    acme: &AcmeIssuer,
    namespace: &str,
    found: &str,
) -> Result<Action> {
    let key = generate_account_key()?;
    let name = &acme.private_key_secret_ref.name;
    let patch = serde_json::json!({"data": {P256_KEY: pem_key(&key)}});
    Api::<Secret>::namespaced(ctx.client.clone(), namespace)
        .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .map_err(|source| Error::Write {
            kind: "Secret",
            name: format!("{namespace}/{name}"),
            source,
        })?;
    let message = format!(
        "The ACME account key in Secret {name} is {found}; Passerelle signs ACME requests with ECDSA P-256 only, so it \
         stored a new P-256 key beside it (data key {P256_KEY}) and registers a new ACME account with it. The {found} key \
         is kept unchanged."
    );
    tracing::warn!(secret = %format!("{namespace}/{name}"), found, "ACME account key is not P-256: added a P-256 key beside it");
    ctx.recorder
        .publish(issuer, EventType::Warning, "AccountKeyNotSupported", &message)
        .await;
    Ok(Action::requeue(std::time::Duration::ZERO))
}

async fn registered(
    issuer: &impl IssuerObject,
    ctx: &Context,
    acme: &AcmeIssuer,
    uri: String,
    key: &[u8],
) -> Result<Action> {
    let account = AcmeIssuerStatus {
        uri: Some(uri.clone()),
        last_registered_email: acme.email.clone().filter(|e| !e.is_empty()),
        last_private_key_hash: Some(key_hash(key)),
    };
    let message = "The ACME account was registered with the ACME server";
    let status = status_with(
        issuer,
        ctx,
        ConditionStatus::True,
        reasons::ACME_ACCOUNT_REGISTERED,
        message,
        Some(account),
    );
    let was_ready =
        crate::conditions::is_true(&issuer.status().and_then(|s| s.conditions.clone()), types::READY);
    apply_status(ctx, issuer, issuer.status(), &status).await?;
    if !was_ready {
        tracing::info!(account = %uri, "Registered the ACME account");
        ctx.recorder
            .publish(
                issuer,
                EventType::Normal,
                reasons::ACME_ACCOUNT_REGISTERED,
                message,
            )
            .await;
    }
    Ok(Action::requeue(super::decide::RECHECK))
}

async fn failed(issuer: &impl IssuerObject, ctx: &Context, error: Error) -> Result<Action> {
    let message = format!("Failed to register ACME account: {}", error_chain(&error));
    let status = status_with(
        issuer,
        ctx,
        ConditionStatus::False,
        reasons::ERR_REGISTER_ACME_ACCOUNT,
        &message,
        None,
    );
    apply_status(ctx, issuer, issuer.status(), &status).await?;
    ctx.recorder
        .publish(
            issuer,
            EventType::Warning,
            reasons::ERR_REGISTER_ACME_ACCOUNT,
            &message,
        )
        .await;
    Err(error)
}

/// Registers (or finds) the account of `key`.
pub(super) async fn register(
    issuer: &impl IssuerObject,
    ctx: &Context,
    acme: &AcmeIssuer,
    key: &[u8],
) -> Result<Action> {
    ctx.acme.forget(&acme.server, key);
    match ctx.acme.register(acme, key).await {
        Ok((_, uri)) => registered(issuer, ctx, acme, uri, key).await,
        Err(e) => failed(issuer, ctx, e).await,
    }
}

/// Creates the account with External Account Binding and stores its new
/// key.
pub(super) async fn register_with_eab(
    issuer: &impl IssuerObject,
    ctx: &Context,
    acme: &AcmeIssuer,
    namespace: &str,
    key_id: &str,
    hmac: &[u8],
) -> Result<Action> {
    let (_, uri, key) = match ctx.acme.register_with_eab(acme, key_id, hmac).await {
        Ok(v) => v,
        Err(e) => return failed(issuer, ctx, e).await,
    };
    let name = acme.private_key_secret_ref.name.clone();
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(namespace.to_string()),
            ..Default::default()
        },
        type_: Some("Opaque".into()),
        data: Some(BTreeMap::from([(
            super::observe::account_key_name(acme).to_string(),
            pem_key(&key),
        )])),
        ..Default::default()
    };
    Api::<Secret>::namespaced(ctx.client.clone(), namespace)
        .create(&PostParams::default(), &secret)
        .await
        .map_err(|source| Error::Write {
            kind: "Secret",
            name: format!("{namespace}/{name}"),
            source,
        })?;
    registered(issuer, ctx, acme, uri, &key).await
}
