//! The v1 status copied back onto legacy objects (`certmanager.k8s.io`
//! conditions have no `observedGeneration`), and the conditions that say
//! why a legacy object cannot be mirrored.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::runtime::controller::Action;
use passerelle_crds::meta::{Condition, ConditionStatus};
use passerelle_crds::v1::{CertificateStatus, IssuerStatus};
use passerelle_crds::v1alpha1::{
    LegacyAcmeIssuerStatus, LegacyCertificate, LegacyCertificateStatus, LegacyCondition, LegacyIssuerStatus,
};

use super::RECHECK;
use crate::context::Context;
use crate::error::Result;
use crate::events::EventType;
use crate::reconcile::apply_status;

fn legacy_conditions(conditions: &Option<Vec<Condition>>) -> Option<Vec<LegacyCondition>> {
    conditions.as_ref().map(|list| {
        list.iter()
            .map(|c| LegacyCondition {
                type_: c.type_.clone(),
                status: c.status,
                last_transition_time: c.last_transition_time.clone(),
                reason: c.reason.clone(),
                message: c.message.clone(),
            })
            .collect()
    })
}

fn ready_false(
    reason: &str,
    message: &str,
    now: Time,
    previous: &Option<Vec<LegacyCondition>>,
) -> Vec<LegacyCondition> {
    let since = previous
        .as_ref()
        .and_then(|l| {
            l.iter()
                .find(|c| c.type_ == "Ready" && c.status == ConditionStatus::False)
        })
        .and_then(|c| c.last_transition_time.clone())
        .unwrap_or(now);
    vec![LegacyCondition {
        type_: "Ready".into(),
        status: ConditionStatus::False,
        last_transition_time: Some(since),
        reason: Some(reason.into()),
        message: Some(message.into()),
    }]
}

/// Copies a v1 issuer's status onto its legacy issuer.
pub(super) async fn copy_issuer<L>(ctx: &Context, legacy: &L, v1: Option<&IssuerStatus>) -> Result<()>
where
    L: LegacyIssuerObject,
{
    let status = LegacyIssuerStatus {
        conditions: v1.and_then(|s| legacy_conditions(&s.conditions)),
        acme: v1
            .and_then(|s| s.acme.as_ref())
            .map(|a| LegacyAcmeIssuerStatus { uri: a.uri.clone() }),
    };
    apply_status(ctx, legacy, legacy.legacy_status(), &status).await
}

/// Marks a legacy issuer not ready.
pub(super) async fn issuer_failed<L: LegacyIssuerObject>(
    ctx: &Context,
    legacy: &L,
    reason: &str,
    message: &str,
) -> Result<Action> {
    let now = Time(crate::clock::to_second(ctx.clock.now()));
    let previous = legacy.legacy_status().and_then(|s| s.conditions.clone());
    let status = LegacyIssuerStatus {
        conditions: Some(ready_false(reason, message, now, &previous)),
        acme: legacy.legacy_status().and_then(|s| s.acme.clone()),
    };
    if legacy.legacy_status() != Some(&status) {
        ctx.recorder
            .publish(legacy, EventType::Warning, reason, message)
            .await;
    }
    apply_status(ctx, legacy, legacy.legacy_status(), &status).await?;
    Ok(Action::requeue(RECHECK))
}

/// Copies a v1 Certificate's status onto its legacy Certificate.
pub(super) async fn copy_certificate(
    ctx: &Context,
    legacy: &LegacyCertificate,
    v1: Option<&CertificateStatus>,
) -> Result<()> {
    let status = LegacyCertificateStatus {
        conditions: v1.and_then(|s| legacy_conditions(&s.conditions)),
        last_failure_time: v1.and_then(|s| s.last_failure_time.clone()),
        not_after: v1.and_then(|s| s.not_after.clone()),
    };
    apply_status(ctx, legacy, legacy.status.as_ref(), &status).await
}

/// Marks a legacy Certificate not ready.
pub(super) async fn certificate_failed(
    ctx: &Context,
    legacy: &LegacyCertificate,
    reason: &str,
    message: &str,
) -> Result<Action> {
    let now = Time(crate::clock::to_second(ctx.clock.now()));
    let previous = legacy.status.as_ref().and_then(|s| s.conditions.clone());
    let status = LegacyCertificateStatus {
        conditions: Some(ready_false(reason, message, now, &previous)),
        last_failure_time: legacy.status.as_ref().and_then(|s| s.last_failure_time.clone()),
        not_after: legacy.status.as_ref().and_then(|s| s.not_after.clone()),
    };
    apply_status(ctx, legacy, legacy.status.as_ref(), &status).await?;
    Ok(Action::requeue(RECHECK))
}

/// A legacy Issuer or ClusterIssuer.
pub(super) trait LegacyIssuerObject:
    kube::Resource<DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug
{
    fn legacy_status(&self) -> Option<&LegacyIssuerStatus>;
}

impl LegacyIssuerObject for passerelle_crds::v1alpha1::LegacyIssuer {
    fn legacy_status(&self) -> Option<&LegacyIssuerStatus> {
        self.status.as_ref()
    }
}

impl LegacyIssuerObject for passerelle_crds::v1alpha1::LegacyClusterIssuer {
    fn legacy_status(&self) -> Option<&LegacyIssuerStatus> {
        self.status.as_ref()
    }
}
