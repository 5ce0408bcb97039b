//! What every controller shares: status written by server-side apply under
//! one field manager and only when it changed, requeue times computed with
//! exponential backoff and jitter, and the error policy.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use kube::api::{Patch, PatchParams};
use kube::runtime::controller::Action;
use kube::{Resource, ResourceExt};
use passerelle_crds::constants::FIELD_MANAGER;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::context::Context;
use crate::error::{Error, Result};

/// The Api of a namespaced `K` in the object's namespace.
pub fn api_for<K>(ctx: &Context, obj: &K) -> kube::Api<K>
where
    K: Resource<DynamicType = (), Scope = kube::core::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Debug,
{
    kube::Api::namespaced(ctx.client.clone(), &obj.namespace().unwrap_or_default())
}

/// `namespace/name` of an object, for errors and logs.
pub fn key<K: Resource>(obj: &K) -> String {
    match obj.namespace() {
        Some(ns) => format!("{ns}/{}", obj.name_any()),
        None => obj.name_any(),
    }
}

/// Writes `status` with server-side apply under the operator's field
/// manager (forced: the operator owns the status it writes), unless it is
/// what the object already has. Works for namespaced and cluster-scoped
/// kinds alike.
pub async fn apply_status<K, S>(ctx: &Context, obj: &K, current: Option<&S>, status: &S) -> Result<()>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug,
    S: Serialize + PartialEq,
{
    if current == Some(status) {
        return Ok(());
    }
    let patch = json!({
        "apiVersion": K::api_version(&()),
        "kind": K::kind(&()),
        "status": status,
    });
    let name = obj.name_any();
    let write_error = |source| Error::Write {
        kind: kind_of::<K>(),
        name: key(obj),
        source,
    };
    let request = kube::core::Request::new(K::url_path(&(), obj.namespace().as_deref()))
        .patch_subresource(
            "status",
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&patch),
        )
        .map_err(|e| write_error(kube::Error::BuildRequest(e)))?;
    ctx.client.request::<K>(request).await.map_err(write_error)?;
    Ok(())
}

/// The kind of `K` as a static string, for errors.
pub fn kind_of<K: Resource<DynamicType = ()>>() -> &'static str {
    match K::kind(&()).as_ref() {
        "Certificate" => "Certificate",
        "CertificateRequest" => "CertificateRequest",
        "Issuer" => "Issuer",
        "ClusterIssuer" => "ClusterIssuer",
        "Order" => "Order",
        "Challenge" => "Challenge",
        "Secret" => "Secret",
        "Ingress" => "Ingress",
        "Service" => "Service",
        "EndpointSlice" => "EndpointSlice",
        _ => "object",
    }
}

/// `base · 2^(attempt − 1)`, capped at `max`, with up to 10 % jitter taken
/// off so that many objects failing together do not retry together.
pub fn backoff(base: Duration, max: Duration, attempt: u32, jitter_seed: u64) -> Duration {
    let exp = base.saturating_mul(
        1u32.checked_shl(attempt.saturating_sub(1).min(31))
            .unwrap_or(u32::MAX),
    );
    let capped = exp.min(max);
    let jitter = capped.mul_f64((jitter_seed % 1000) as f64 / 10_000.0);
    capped.saturating_sub(jitter)
}

/// A cheap per-object seed for jitter.
pub fn seed<K: Resource>(obj: &K) -> u64 {
    obj.uid()
        .unwrap_or_default()
        .bytes()
        .fold(0u64, |acc, b| acc.wrapping_mul(31).wrapping_add(b as u64))
}

/// The error policy of every controller: retry transient failures soon
/// (after the CA's `Retry-After` when it sent one), others later; a
/// reconcile never blocks waiting.
pub fn error_policy<K: Resource<DynamicType = ()>>(obj: Arc<K>, error: &Error, ctx: Arc<Context>) -> Action {
    let controller = K::plural(&()).to_string();
    ctx.metrics
        .failures
        .get_or_create(&crate::metrics::FailureLabels {
            controller,
            error: error.metric_label().into(),
        })
        .inc();
    if error.is_transient() {
        tracing::warn!(object = %key(obj.as_ref()), error = %error_chain(error), "Reconcile failed, will retry");
    } else {
        tracing::error!(object = %key(obj.as_ref()), error = %error_chain(error), "Reconcile failed");
    }
    let after = match error.retry_after() {
        Some(after) => after,
        None if error.is_transient() => backoff(
            Duration::from_secs(1),
            Duration::from_secs(60),
            3,
            seed(obj.as_ref()),
        ),
        None => Duration::from_secs(300),
    };
    Action::requeue(after)
}

/// An error with its sources, on one line.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        // Errors that print their source in their own message (as
        // `thiserror`'s `{source}` does) would otherwise say it twice.
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer: {0}")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("inner problem")]
    struct Inner;

    #[derive(Debug, thiserror::Error)]
    #[error("quiet outer")]
    struct QuietOuter(#[source] Inner);

    #[test]
    fn error_chains_say_each_cause_once() {
        assert_eq!(error_chain(&Outer(Inner)), "outer: inner problem");
        assert_eq!(error_chain(&QuietOuter(Inner)), "quiet outer: inner problem");
    }

    #[test]
    fn backoff_doubles_from_the_base_and_is_capped() {
        let h = Duration::from_secs(3600);
        let max = Duration::from_secs(32 * 3600);
        assert_eq!(backoff(h, max, 1, 0), h);
        assert_eq!(backoff(h, max, 2, 0), 2 * h);
        assert_eq!(backoff(h, max, 6, 0), max);
        assert_eq!(backoff(h, max, 60, 0), max);
    }

    #[test]
    fn jitter_only_shortens_by_at_most_ten_percent() {
        let d = backoff(Duration::from_secs(100), Duration::from_secs(1000), 1, 999);
        assert!(
            d <= Duration::from_secs(100) && d >= Duration::from_secs(90),
            "{d:?}"
        );
    }
}
