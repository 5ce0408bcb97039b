//! Ingress status: `status.loadBalancer.ingress` names where the proxy can
//! be reached (`--publish-address`, or `--publish-service`'s load balancer
//! status or cluster IP) on every Ingress it serves, and never on others.
//! Written by server-side apply under the proxy's field manager, only when
//! it differs; an Ingress that stops being served loses the status only if
//! the proxy's field manager owns it (another controller's status is never
//! touched).

use std::collections::HashSet;
use std::net::IpAddr;

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::{Ingress, IngressLoadBalancerIngress};
use kube::Client;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use crate::config::PublishStatus;
use crate::routing::ObjectKey;

/// The field manager the status is written under.
pub(crate) const FIELD_MANAGER: &str = passerelle_crds::constants::PROXY_FIELD_MANAGER;

/// One status write.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StatusChange {
    /// Publish these addresses on a served Ingress.
    Set(ObjectKey, Vec<IngressLoadBalancerIngress>),
    /// Remove the proxy's addresses from an Ingress it no longer serves.
    Clear(ObjectKey),
}

impl StatusChange {
    /// The Ingress written.
    pub(crate) fn ingress(&self) -> &ObjectKey {
        match self {
            Self::Set(key, _) | Self::Clear(key) => key,
        }
    }
}

/// What to publish on served Ingresses: the fixed IP and host name when
/// set, else the published Service's addresses; `None` when nothing is
/// configured or the Service is not (yet) found.
pub(crate) fn wanted(
    publish: &PublishStatus,
    service: Option<&Service>,
) -> Option<Vec<IngressLoadBalancerIngress>> {
    let fixed: Vec<String> = publish
        .ip
        .map(|ip| ip.to_string())
        .into_iter()
        .chain(publish.hostname.clone())
        .collect();
    if !fixed.is_empty() {
        return Some(entries_of(&fixed));
    }
    publish.service.as_ref()?;
    service.map(entries_of_service)
}

/// The status entries for a list of addresses (an IP or a host name each).
pub(crate) fn entries_of(addresses: &[String]) -> Vec<IngressLoadBalancerIngress> {
    addresses
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .map(|a| {
            if a.parse::<IpAddr>().is_ok() {
                IngressLoadBalancerIngress {
                    ip: Some(a.to_string()),
                    ..Default::default()
                }
            } else {
                IngressLoadBalancerIngress {
                    hostname: Some(a.to_string()),
                    ..Default::default()
                }
            }
        })
        .collect()
}

/// The status entries a published Service stands for: its load balancer
/// ingress, else its external IPs, else its cluster IPs (none for a
/// headless Service).
pub(crate) fn entries_of_service(service: &Service) -> Vec<IngressLoadBalancerIngress> {
    let balanced: Vec<IngressLoadBalancerIngress> = service
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_ref())
        .map(|list| {
            list.iter()
                .filter(|i| i.ip.is_some() || i.hostname.is_some())
                .map(|i| IngressLoadBalancerIngress {
                    ip: i.ip.clone(),
                    hostname: i.hostname.clone(),
                    ..Default::default()
                })
                .collect()
        })
        .unwrap_or_default();
    if !balanced.is_empty() {
        return balanced;
    }
    let spec = service.spec.as_ref();
    let external = spec.and_then(|s| s.external_ips.clone()).unwrap_or_default();
    if !external.is_empty() {
        return entries_of(&external);
    }
    let mut cluster = spec.and_then(|s| s.cluster_ips.clone()).unwrap_or_default();
    if cluster.is_empty() {
        cluster.extend(spec.and_then(|s| s.cluster_ip.clone()));
    }
    cluster.retain(|ip| ip.parse::<IpAddr>().is_ok());
    entries_of(&cluster)
}

/// Whether the proxy's field manager owns `status.loadBalancer` of this
/// Ingress (it wrote it).
fn owned(ingress: &Ingress) -> bool {
    ingress.metadata.managed_fields.iter().flatten().any(|entry| {
        entry.manager.as_deref() == Some(FIELD_MANAGER)
            && entry.subresource.as_deref() == Some("status")
            && entry
                .fields_v1
                .as_ref()
                .and_then(|f| f.0.get("f:status"))
                .and_then(|s| s.get("f:loadBalancer"))
                .is_some()
    })
}

fn key_of(ingress: &Ingress) -> ObjectKey {
    ObjectKey {
        namespace: ingress.metadata.namespace.clone().unwrap_or_default(),
        name: ingress.metadata.name.clone().unwrap_or_default(),
    }
}

/// The status writes that bring the observed Ingresses to what is wanted:
/// `entries` on every served one (when known: `None` leaves served
/// Ingresses alone, e.g. while the published Service is not found), and
/// removal from unserved ones whose status the proxy owns. Sorted by
/// Ingress for a deterministic order.
pub(crate) fn decide<'a>(
    ingresses: impl IntoIterator<Item = &'a Ingress>,
    served: &HashSet<ObjectKey>,
    entries: Option<&[IngressLoadBalancerIngress]>,
) -> Vec<StatusChange> {
    let mut changes = Vec::new();
    for ingress in ingresses {
        let key = key_of(ingress);
        let current = ingress
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|lb| lb.ingress.clone())
            .unwrap_or_default();
        if served.contains(&key) {
            if let Some(entries) = entries
                && !entries.is_empty()
                && (current.as_slice() != entries || !owned(ingress))
            {
                changes.push(StatusChange::Set(key, entries.to_vec()));
            }
        } else if owned(ingress) {
            changes.push(StatusChange::Clear(key));
        }
    }
    changes.sort_by(|a, b| a.ingress().cmp(b.ingress()));
    changes
}

/// Performs one status write by server-side apply on the status
/// subresource. Clearing applies an empty status: the fields the proxy
/// owned are removed, anyone else's are kept.
pub(crate) async fn apply(client: &Client, change: &StatusChange) -> Result<(), kube::Error> {
    let key = change.ingress();
    let api: Api<Ingress> = Api::namespaced(client.clone(), &key.namespace);
    let mut body = json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": key.name, "namespace": key.namespace},
    });
    if let StatusChange::Set(_, entries) = change {
        body["status"] = json!({"loadBalancer": {"ingress": entries}});
    }
    let params = PatchParams::apply(FIELD_MANAGER).force();
    api.patch_status(&key.name, &params, &Patch::Apply(&body))
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests;
