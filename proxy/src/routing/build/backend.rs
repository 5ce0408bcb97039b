//! Backends: an Ingress's `service: {name, port}` resolved to a [`Service`]
//! through the Service's ports and its EndpointSlices (discovery.k8s.io/v1),
//! or to a DNS name for an ExternalName Service. Only endpoints that are ready
//! and not terminating get new requests
//! (<https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions>).

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Service as KubeService, ServicePort};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::IngressServiceBackend;

use super::Note;
use crate::routing::{ObjectKey, Service, Upstream, UpstreamProtocol};

/// The label an EndpointSlice names its Service with.
const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// How an Ingress names a Service port.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum PortRef {
    Number(i32),
    Name(String),
}

impl std::fmt::Display for PortRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortRef::Number(number) => write!(f, "{number}"),
            PortRef::Name(name) => f.write_str(name),
        }
    }
}

/// Namespace, Service name, port and protocol (as its discriminant:
/// `UpstreamProtocol` is not `Hash`).
type ResolvedKey = (String, String, PortRef, Option<u8>);

/// Services and EndpointSlices indexed for resolution, and the services
/// resolved so far (routes to the same Service port share one `Arc`).
pub(crate) struct Backends<'a> {
    services: HashMap<(&'a str, &'a str), &'a KubeService>,
    slices: HashMap<(&'a str, &'a str), Vec<&'a EndpointSlice>>,
    resolved: HashMap<ResolvedKey, (Arc<Service>, Option<Note>)>,
    /// Problems found on Services and their EndpointSlices, by Service.
    pub(crate) service_notes: Vec<(ObjectKey, Note)>,
}

impl<'a> Backends<'a> {
    /// Indexes `services` and `slices` by namespace and (Service) name.
    pub(crate) fn new(services: &'a [Arc<KubeService>], slices: &'a [Arc<EndpointSlice>]) -> Backends<'a> {
        let mut by_name = HashMap::new();
        for service in services {
            if let (Some(ns), Some(name)) = (&service.metadata.namespace, &service.metadata.name) {
                by_name.insert((ns.as_str(), name.as_str()), service.as_ref());
            }
        }
        let mut by_service: HashMap<_, Vec<&EndpointSlice>> = HashMap::new();
        for slice in slices {
            let owner = slice
                .metadata
                .labels
                .as_ref()
                .and_then(|labels| labels.get(SERVICE_NAME_LABEL));
            if let (Some(ns), Some(owner)) = (&slice.metadata.namespace, owner) {
                by_service
                    .entry((ns.as_str(), owner.as_str()))
                    .or_default()
                    .push(slice.as_ref());
            }
        }
        Backends {
            services: by_name,
            slices: by_service,
            resolved: HashMap::new(),
            service_notes: Vec::new(),
        }
    }

    /// The service behind `backend` in `namespace`, spoken to with
    /// `protocol` (the Ingress's `protocol` annotation) or the port's default.
    /// Notes are about the Ingress (a missing Service or port: it answers 503).
    pub(crate) fn resolve(
        &mut self,
        namespace: &str,
        backend: &IngressServiceBackend,
        protocol: Option<UpstreamProtocol>,
    ) -> Result<(Arc<Service>, Option<Note>), Note> {
        let port = backend.port.as_ref();
        let port = match (port.and_then(|p| p.number), port.and_then(|p| p.name.as_deref())) {
            (Some(number), _) => PortRef::Number(number),
            (None, Some(name)) if !name.is_empty() => PortRef::Name(name.to_owned()),
            _ => {
                return Err(Note::error(
                    "InvalidBackend",
                    format!(
                        "backend service {} has no port number or name: path not served",
                        backend.name
                    ),
                ));
            }
        };
        let key = (
            namespace.to_owned(),
            backend.name.clone(),
            port.clone(),
            protocol.map(|p| p as u8),
        );
        if let Some(resolved) = self.resolved.get(&key) {
            return Ok(resolved.clone());
        }
        let name = format!("{namespace}/{}:{port}", backend.name);
        let (upstream, default_protocol, note) = self.upstream(namespace, &backend.name, &port);
        let service = Arc::new(Service {
            name,
            upstream,
            protocol: protocol.unwrap_or(default_protocol),
        });
        self.resolved.insert(key, (service.clone(), note.clone()));
        Ok((service, note))
    }

    fn upstream(
        &mut self,
        namespace: &str,
        name: &str,
        port: &PortRef,
    ) -> (Upstream, UpstreamProtocol, Option<Note>) {
        let unavailable = |why: String| Upstream::Unavailable(why);
        let Some(service) = self.services.get(&(namespace, name)).copied() else {
            let why = format!("Service {namespace}/{name} not found");
            let note = Note::warning("ServiceNotFound", format!("{why}: requests get 503"));
            return (unavailable(why), UpstreamProtocol::Http, Some(note));
        };
        let spec = service.spec.as_ref();
        let ports = spec.and_then(|spec| spec.ports.as_deref()).unwrap_or_default();
        let service_port = ports.iter().find(|candidate| match port {
            PortRef::Number(number) => candidate.port == *number,
            PortRef::Name(wanted) => candidate.name.as_deref() == Some(wanted.as_str()),
        });
        let protocol = service_port.map_or(UpstreamProtocol::Http, default_protocol);
        if spec.and_then(|spec| spec.type_.as_deref()) == Some("ExternalName") {
            let host = spec
                .and_then(|spec| spec.external_name.as_deref())
                .unwrap_or_default();
            let number = service_port.map(|p| p.port).or(match port {
                PortRef::Number(number) => Some(*number),
                PortRef::Name(_) => None,
            });
            return match (host.is_empty(), number.and_then(|n| u16::try_from(n).ok())) {
                (false, Some(port)) => (
                    Upstream::ExternalName {
                        host: host.trim_end_matches('.').to_owned(),
                        port,
                    },
                    protocol,
                    None,
                ),
                (true, _) => {
                    let why = format!("ExternalName Service {namespace}/{name} has no externalName");
                    self.service_notes.push((
                        ObjectKey::new(namespace, name),
                        Note::error("InvalidService", why.clone()),
                    ));
                    (unavailable(why), protocol, None)
                }
                (false, None) => port_not_found(namespace, name, port, protocol),
            };
        }
        let Some(service_port) = service_port else {
            return port_not_found(namespace, name, port, protocol);
        };
        let endpoints = self.endpoints(namespace, name, service_port);
        if endpoints.is_empty() {
            let why = format!("no ready endpoints for Service {namespace}/{name} port {port}");
            return (unavailable(why), protocol, None);
        }
        (Upstream::Endpoints(endpoints), protocol, None)
    }

    /// The ready, non-terminating endpoints of the Service's EndpointSlices
    /// for the slice port named like `service_port`, sorted and deduplicated
    /// (an endpoint may sit in two slices while they are rebalanced).
    fn endpoints(&mut self, namespace: &str, name: &str, service_port: &ServicePort) -> Vec<SocketAddr> {
        let port_name = service_port.name.as_deref().unwrap_or_default();
        let mut found = BTreeSet::new();
        for slice in self.slices.get(&(namespace, name)).into_iter().flatten() {
            let Some(port) = slice
                .ports
                .iter()
                .flatten()
                .find(|p| p.name.as_deref().unwrap_or_default() == port_name)
                .and_then(|p| p.port)
                .and_then(|p| u16::try_from(p).ok())
            else {
                continue;
            };
            if !matches!(slice.address_type.as_str(), "IPv4" | "IPv6") {
                let slice_name = slice.metadata.name.as_deref().unwrap_or_default();
                let why = format!(
                    "EndpointSlice {slice_name} has address type {}, which is not supported: its endpoints are not used",
                    slice.address_type
                );
                self.service_notes.push((
                    ObjectKey::new(namespace, name),
                    Note::warning("UnsupportedEndpoints", why),
                ));
                continue;
            }
            for endpoint in slice.endpoints.iter().flatten() {
                let conditions = endpoint.conditions.as_ref();
                let serving = conditions.and_then(|c| c.serving);
                // `ready` unset means ready; it implies serving and not terminating.
                let ready = conditions
                    .and_then(|c| c.ready)
                    .unwrap_or(serving.unwrap_or(true));
                let terminating = conditions.and_then(|c| c.terminating).unwrap_or(false);
                if !ready || terminating {
                    continue;
                }
                // All addresses of an endpoint are fungible: use the first.
                if let Some(ip) = endpoint.addresses.first().and_then(|a| a.parse::<IpAddr>().ok()) {
                    found.insert(SocketAddr::new(ip, port));
                }
            }
        }
        found.into_iter().collect()
    }
}

fn port_not_found(
    namespace: &str,
    name: &str,
    port: &PortRef,
    protocol: UpstreamProtocol,
) -> (Upstream, UpstreamProtocol, Option<Note>) {
    let why = format!("Service {namespace}/{name} has no port {port}");
    let note = Note::warning("ServicePortNotFound", format!("{why}: requests get 503"));
    (Upstream::Unavailable(why), protocol, Some(note))
}

/// Traefik 1.x: port 443 or a port name starting with `https` means HTTPS;
/// the port's `appProtocol` (`https`, `kubernetes.io/h2c`) is read too.
fn default_protocol(port: &ServicePort) -> UpstreamProtocol {
    match port
        .app_protocol
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("kubernetes.io/h2c" | "h2c") => return UpstreamProtocol::H2c,
        Some("https" | "kubernetes.io/https") => return UpstreamProtocol::Https,
        _ => {}
    }
    if port.port == 443 || port.name.as_deref().is_some_and(|name| name.starts_with("https")) {
        UpstreamProtocol::Https
    } else {
        UpstreamProtocol::Http
    }
}
