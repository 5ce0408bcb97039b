//! Where the CA's HTTP-01 requests must end up: the addresses of the
//! operator's solver server, listed in each solver EndpointSlice. Every
//! replica serves every Challenge, so every replica's address is listed.
//!
//! How they are found, in order:
//! 1. `--http01-solver-address` (outside a cluster, and in tests): that
//!    address and its port;
//! 2. in a cluster, the Deployment passes `POD_NAME` and `POD_NAMESPACE`
//!    (downward API `metadata.name` / `metadata.namespace`): the operator
//!    reads its own Pod, takes its labels (less the per-revision
//!    `pod-template-hash`), and lists the Running Pods of its namespace with
//!    those labels — every replica — and their `status.podIPs` (RBAC: get and
//!    list Pods in its own namespace);
//! 3. else `POD_IP` (downward API `status.podIP`): this replica only.
//!
//! The port is the solver's listen port (`--http01-solver-listen`).

use std::net::IpAddr;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};

use crate::context::Context;
use crate::error::{Error, Result};

/// Labels that differ between revisions of the same Deployment or
/// DaemonSet, left out when looking for the other replicas.
const REVISION_LABELS: [&str; 3] = [
    "pod-template-hash",
    "controller-revision-hash",
    "pod-template-generation",
];

/// The solver addresses and port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolverEndpoints {
    /// Addresses, sorted, without duplicates.
    pub ips: Vec<IpAddr>,
    /// Port.
    pub port: u16,
}

/// The solver's addresses: `Ok(Err(why))` when they cannot be told.
pub async fn solver_endpoints(ctx: &Context) -> Result<Result<SolverEndpoints, String>> {
    if let Some(address) = ctx.config.http01_solver_address {
        return Ok(Ok(SolverEndpoints {
            ips: vec![address.ip()],
            port: address.port(),
        }));
    }
    let port = ctx.config.http01_solver_listen.port();
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut ips = match (env("POD_NAMESPACE"), env("POD_NAME")) {
        (Some(namespace), Some(name)) => replica_ips(ctx, &namespace, &name).await?,
        _ => Vec::new(),
    };
    if ips.is_empty() {
        ips.extend(env("POD_IP").and_then(|ip| ip.parse::<IpAddr>().ok()));
    }
    ips.sort();
    ips.dedup();
    if ips.is_empty() {
        return Ok(Err(
            "Cannot tell where the HTTP-01 solver is reached: set --http01-solver-address, or POD_NAME, POD_NAMESPACE and POD_IP from the downward API".into(),
        ));
    }
    Ok(Ok(SolverEndpoints { ips, port }))
}

/// The IPs of the Running Pods that share this Pod's labels.
async fn replica_ips(ctx: &Context, namespace: &str, name: &str) -> Result<Vec<IpAddr>> {
    let pods: Api<Pod> = Api::namespaced(ctx.client.clone(), namespace);
    let me = pods.get_opt(name).await.map_err(|source| Error::Get {
        kind: "Pod",
        name: format!("{namespace}/{name}"),
        source,
    })?;
    let Some(me) = me else { return Ok(Vec::new()) };
    let selector = replica_selector(me.metadata.labels.as_ref());
    let mut out = pod_ips(&me);
    if let Some(selector) = selector {
        let list = pods
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|source| Error::List { kind: "Pod", source })?;
        out.extend(
            list.items
                .iter()
                .filter(|p| p.metadata.deletion_timestamp.is_none())
                .flat_map(pod_ips),
        );
    }
    Ok(out)
}

/// The label selector of this Pod's replicas (`None` without labels).
pub fn replica_selector(labels: Option<&std::collections::BTreeMap<String, String>>) -> Option<String> {
    let parts: Vec<String> = labels?
        .iter()
        .filter(|(k, _)| !REVISION_LABELS.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    (!parts.is_empty()).then(|| parts.join(","))
}

/// The IPs of a Running Pod.
fn pod_ips(pod: &Pod) -> Vec<IpAddr> {
    let Some(status) = pod
        .status
        .as_ref()
        .filter(|s| s.phase.as_deref() == Some("Running"))
    else {
        return Vec::new();
    };
    let mut ips: Vec<IpAddr> = status
        .pod_ips
        .iter()
        .flatten()
        .filter_map(|p| p.ip.parse().ok())
        .collect();
    ips.extend(status.pod_ip.as_deref().and_then(|ip| ip.parse::<IpAddr>().ok()));
    ips
}
