//! Refusing to run beside cert-manager: while cert-manager's controller
//! still holds its leader Lease (`kube-system/cert-manager-controller`,
//! renewed recently), two controllers would fight over the same objects and
//! double the ACME orders. The operator then reconciles nothing, reports
//! not ready and says why; it resumes once the Lease expires.

use std::sync::atomic::Ordering;
use std::time::Duration;

use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::jiff::Timestamp;
use kube::Api;

use crate::admin::Readiness;
use crate::context::Context;

/// Namespace and name of cert-manager's controller leader Lease.
pub const CERT_MANAGER_LEASE: (&str, &str) = ("kube-system", "cert-manager-controller");

/// Whether `lease` is held: it has a holder and was renewed less than its
/// duration ago.
pub fn is_held(lease: &Lease, now: Timestamp) -> bool {
    let Some(spec) = &lease.spec else { return false };
    if spec.holder_identity.as_deref().is_none_or(str::is_empty) {
        return false;
    }
    let duration = i64::from(spec.lease_duration_seconds.unwrap_or(60));
    match &spec.renew_time {
        Some(renewed) => now.as_second() - renewed.0.as_second() < duration,
        None => false,
    }
}

/// Checks the Lease every 15 s and sets `ctx.active` and readiness.
pub async fn watch(ctx: std::sync::Arc<Context>, readiness: Readiness) {
    let api: Api<Lease> = Api::namespaced(ctx.client.clone(), CERT_MANAGER_LEASE.0);
    let mut was_held = None;
    loop {
        let held = match api.get_opt(CERT_MANAGER_LEASE.1).await {
            Ok(Some(lease)) => is_held(&lease, ctx.clock.now()),
            Ok(None) => false,
            // Cannot read Leases there (RBAC): assume cert-manager is gone,
            // as most installs that remove it also remove its Lease.
            Err(_) => false,
        };
        if was_held != Some(held) {
            if held {
                tracing::warn!(
                    lease = %format!("{}/{}", CERT_MANAGER_LEASE.0, CERT_MANAGER_LEASE.1),
                    "cert-manager's controller holds its leader Lease: reconciling nothing until it is stopped"
                );
                readiness.set(false, "cert-manager's controller is running (its leader Lease kube-system/cert-manager-controller is held)");
            } else {
                tracing::info!("No cert-manager controller running: reconciling");
                readiness.set(true, "");
            }
            ctx.active.store(!held, Ordering::Relaxed);
            was_held = Some(held);
        }
        tokio::time::sleep(Duration::from_secs(15)).await;
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::coordination::v1::LeaseSpec;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;

    use super::*;

    fn lease(holder: Option<&str>, renewed: &str, duration: i32) -> Lease {
        Lease {
            spec: Some(LeaseSpec {
                holder_identity: holder.map(str::to_string),
                renew_time: Some(MicroTime(renewed.parse().unwrap())),
                lease_duration_seconds: Some(duration),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_recently_renewed_lease_is_held() {
        let now: Timestamp = "2026-01-01T00:01:00Z".parse().unwrap();
        assert!(is_held(&lease(Some("cm-1"), "2026-01-01T00:00:30Z", 60), now));
        assert!(
            !is_held(&lease(Some("cm-1"), "2026-01-01T00:00:00Z", 60), now),
            "expired"
        );
        assert!(
            !is_held(&lease(None, "2026-01-01T00:00:59Z", 60), now),
            "no holder"
        );
        assert!(!is_held(&Lease::default(), now));
    }
}
