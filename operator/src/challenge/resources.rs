//! The objects that route a CA's HTTP-01 request to the operator's solver
//! server (RFC 8555 §8.3: `http://<name>/.well-known/acme-challenge/<token>`).
//! An Ingress can only send traffic to a Service of its own namespace, so
//! each namespace with a Challenge in flight gets ONE selector-less Service
//! `passerelle-acme-solver` whose EndpointSlice lists the solver addresses,
//! and each Challenge an Ingress routing its exact path for its name to that
//! Service (or, with the solver's `ingress.name`, a path added to that
//! existing Ingress). No solver pods: any ingress controller routes to the
//! operator itself. Everything here is pure: building and comparing objects.

use std::collections::BTreeMap;
use std::net::IpAddr;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule, IngressServiceBackend,
    IngressSpec, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::{Resource, ResourceExt};
use passerelle_crds::acme::Challenge;
use passerelle_crds::acme::solver::AcmeChallengeSolverHttp01Ingress;
use passerelle_crds::constants::FIELD_MANAGER;
use passerelle_crds::constants::annotations::{
    ACME_HTTP_DOMAIN_LABEL, ACME_HTTP_TOKEN_LABEL, ACME_HTTP01_SOLVER_LABEL, INGRESS_CLASS,
};

use super::addresses::SolverEndpoints;
use crate::order::stable_hash;

/// Name of the solver Service and of its EndpointSlice in each namespace.
pub const SOLVER_SERVICE: &str = "passerelle-acme-solver";
/// Port of the solver Service that the Ingresses route to.
pub const SOLVER_SERVICE_PORT: i32 = 8089;
/// Name of the Service and EndpointSlice port.
pub const PORT_NAME: &str = "http";
/// Prefix of the per-Challenge Ingress names (cert-manager's).
pub const INGRESS_PREFIX: &str = "cm-acme-http-solver-";
/// The label an EndpointSlice names its Service with.
const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// The label saying who manages an EndpointSlice (so the cluster's
/// EndpointSlice controller leaves it alone).
const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";

/// The path the CA fetches for `token` (RFC 8555 §8.3).
pub fn challenge_path(token: &str) -> String {
    format!("/.well-known/acme-challenge/{token}")
}

/// The Ingress host for a challenge's name: none for an IP identifier (RFC
/// 8738), since Ingress hosts are DNS names; the path alone then routes.
pub fn ingress_host(dns_name: &str) -> Option<String> {
    dns_name.parse::<IpAddr>().is_err().then(|| dns_name.to_string())
}

/// The name of a Challenge's own Ingress: stable, so a restart finds it.
pub fn ingress_name(challenge: &Challenge) -> String {
    format!("{INGRESS_PREFIX}{:08x}", stable_hash(&challenge.name_any()))
}

/// The labels of a Challenge's solver objects (cert-manager's keys; the
/// values are hashes, as names and tokens may exceed a label value).
pub fn solver_labels(challenge: &Challenge) -> BTreeMap<String, String> {
    BTreeMap::from([
        (ACME_HTTP01_SOLVER_LABEL.to_string(), "true".to_string()),
        (
            ACME_HTTP_DOMAIN_LABEL.to_string(),
            stable_hash(&challenge.spec.dns_name).to_string(),
        ),
        (
            ACME_HTTP_TOKEN_LABEL.to_string(),
            stable_hash(&challenge.spec.token).to_string(),
        ),
    ])
}

/// The solver Service of a namespace: no selector, its endpoints are the
/// EndpointSlice the operator writes.
pub fn service(namespace: &str, endpoints: &SolverEndpoints) -> Service {
    Service {
        metadata: ObjectMeta {
            name: Some(SOLVER_SERVICE.into()),
            namespace: Some(namespace.into()),
            labels: Some(BTreeMap::from([(
                ACME_HTTP01_SOLVER_LABEL.to_string(),
                "true".to_string(),
            )])),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".into()),
            ports: Some(vec![ServicePort {
                name: Some(PORT_NAME.into()),
                port: SOLVER_SERVICE_PORT,
                target_port: Some(IntOrString::Int(i32::from(endpoints.port))),
                protocol: Some("TCP".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        status: None,
    }
}

/// Whether a Service is the solver Service as [`service`] makes it.
pub fn service_ok(service: &Service) -> bool {
    let ports = service
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_deref())
        .unwrap_or_default();
    ports
        .iter()
        .any(|p| p.port == SOLVER_SERVICE_PORT && p.name.as_deref() == Some(PORT_NAME))
}

/// Whether Kubernetes accepts `ip` in an EndpointSlice: the API server
/// refuses loopback, link-local and link-local multicast addresses (and the
/// unspecified address) in endpoints.
pub fn listable(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.octets()[..3] == [224, 0, 0])
        }
        IpAddr::V6(v6) => {
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_unicast_link_local()
                || v6.segments()[0] == 0xff02)
        }
    }
}

/// The solver addresses an EndpointSlice cannot list (see [`listable`]).
pub fn unlistable(endpoints: &SolverEndpoints) -> Vec<IpAddr> {
    endpoints.ips.iter().filter(|ip| !listable(ip)).copied().collect()
}

/// The address type and addresses an EndpointSlice holds: IPv4 when the
/// solver has any listable IPv4 address (one slice has one address
/// family).
fn family(endpoints: &SolverEndpoints) -> (&'static str, Vec<String>) {
    let ips: Vec<&IpAddr> = endpoints.ips.iter().filter(|ip| listable(ip)).collect();
    let v4: Vec<String> = ips
        .iter()
        .filter(|ip| ip.is_ipv4())
        .map(ToString::to_string)
        .collect();
    if v4.is_empty() && !ips.is_empty() {
        ("IPv6", ips.iter().map(ToString::to_string).collect())
    } else {
        ("IPv4", v4)
    }
}

/// The EndpointSlice of the solver Service: one ready endpoint per solver
/// address, port `http` = the solver's port.
pub fn endpoint_slice(namespace: &str, endpoints: &SolverEndpoints) -> EndpointSlice {
    let (address_type, addresses) = family(endpoints);
    EndpointSlice {
        metadata: ObjectMeta {
            name: Some(SOLVER_SERVICE.into()),
            namespace: Some(namespace.into()),
            labels: Some(BTreeMap::from([
                (SERVICE_NAME_LABEL.to_string(), SOLVER_SERVICE.to_string()),
                (MANAGED_BY_LABEL.to_string(), FIELD_MANAGER.to_string()),
                (ACME_HTTP01_SOLVER_LABEL.to_string(), "true".to_string()),
            ])),
            ..Default::default()
        },
        address_type: address_type.into(),
        endpoints: Some(
            addresses
                .into_iter()
                .map(|a| Endpoint {
                    addresses: vec![a],
                    conditions: Some(EndpointConditions {
                        ready: Some(true),
                        serving: Some(true),
                        terminating: Some(false),
                    }),
                    ..Default::default()
                })
                .collect(),
        ),
        ports: Some(vec![EndpointPort {
            name: Some(PORT_NAME.into()),
            port: Some(i32::from(endpoints.port)),
            protocol: Some("TCP".into()),
            ..Default::default()
        }]),
    }
}

/// Whether an EndpointSlice lists exactly the solver addresses and port.
pub fn endpoints_ok(slice: &EndpointSlice, endpoints: &SolverEndpoints) -> bool {
    let (address_type, mut wanted) = family(endpoints);
    let mut found: Vec<String> = slice
        .endpoints
        .iter()
        .flatten()
        .flat_map(|e| e.addresses.iter().cloned())
        .collect();
    wanted.sort();
    found.sort();
    let port_ok = slice
        .ports
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|p| p.name.as_deref() == Some(PORT_NAME) && p.port == Some(i32::from(endpoints.port)));
    slice.address_type == address_type && found == wanted && port_ok
}

/// The path routing a challenge to the solver Service.
fn solver_path(token: &str) -> HTTPIngressPath {
    HTTPIngressPath {
        path: Some(challenge_path(token)),
        path_type: "Exact".into(),
        backend: IngressBackend {
            service: Some(IngressServiceBackend {
                name: SOLVER_SERVICE.into(),
                port: Some(ServiceBackendPort {
                    number: Some(SOLVER_SERVICE_PORT),
                    name: None,
                }),
            }),
            resource: None,
        },
    }
}

/// A Challenge's own Ingress, of the solver's class, with its template's
/// labels and annotations merged over the operator's, owned by the
/// Challenge.
pub fn own_ingress(challenge: &Challenge, solver: &AcmeChallengeSolverHttp01Ingress) -> Ingress {
    let template = solver.ingress_template.as_ref().and_then(|t| t.metadata.as_ref());
    let mut labels = solver_labels(challenge);
    labels.extend(template.and_then(|m| m.labels.clone()).unwrap_or_default());
    let mut annotations = BTreeMap::new();
    if let Some(class) = solver.class.as_deref().filter(|c| !c.is_empty()) {
        annotations.insert(INGRESS_CLASS.to_string(), class.to_string());
    }
    annotations.extend(template.and_then(|m| m.annotations.clone()).unwrap_or_default());
    Ingress {
        metadata: ObjectMeta {
            name: Some(ingress_name(challenge)),
            namespace: challenge.namespace(),
            labels: Some(labels),
            annotations: Some(annotations).filter(|a| !a.is_empty()),
            owner_references: challenge.controller_owner_ref(&()).map(|o| vec![o]),
            ..Default::default()
        },
        spec: Some(IngressSpec {
            ingress_class_name: solver.ingress_class_name.clone().filter(|c| !c.is_empty()),
            rules: Some(vec![IngressRule {
                host: ingress_host(&challenge.spec.dns_name),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![solver_path(&challenge.spec.token)],
                }),
            }]),
            ..Default::default()
        }),
        status: None,
    }
}

fn is_solver_path(path: &HTTPIngressPath, token: &str) -> bool {
    path.path.as_deref() == Some(challenge_path(token).as_str())
        && path
            .backend
            .service
            .as_ref()
            .is_some_and(|s| s.name == SOLVER_SERVICE)
}

/// Whether `ingress` routes the challenge's path for its name to the solver.
pub fn routes(ingress: &Ingress, dns_name: &str, token: &str) -> bool {
    let host = ingress_host(dns_name);
    let rules = ingress
        .spec
        .as_ref()
        .and_then(|s| s.rules.as_deref())
        .unwrap_or_default();
    rules.iter().filter(|r| r.host == host).any(|r| {
        r.http.as_ref().is_some_and(|h| {
            h.paths
                .iter()
                .any(|p| is_solver_path(p, token) && p.path_type == "Exact")
        })
    })
}

/// Adds the challenge's path to an existing Ingress (the solver's
/// `ingress.name`): to the rule of its host, or in a new rule. Returns
/// whether anything changed.
pub fn add_path(ingress: &mut Ingress, dns_name: &str, token: &str) -> bool {
    if routes(ingress, dns_name, token) {
        return false;
    }
    let host = ingress_host(dns_name);
    let rules = ingress
        .spec
        .get_or_insert_with(Default::default)
        .rules
        .get_or_insert_with(Vec::new);
    match rules.iter_mut().find(|r| r.host == host && r.http.is_some()) {
        Some(rule) => rule
            .http
            .get_or_insert_with(Default::default)
            .paths
            .push(solver_path(token)),
        None => rules.push(IngressRule {
            host,
            http: Some(HTTPIngressRuleValue {
                paths: vec![solver_path(token)],
            }),
        }),
    }
    true
}

/// Removes what [`add_path`] added: the challenge's path, and its rule if
/// nothing else is left in it. Returns whether anything changed.
pub fn remove_path(ingress: &mut Ingress, dns_name: &str, token: &str) -> bool {
    let host = ingress_host(dns_name);
    let Some(rules) = ingress.spec.as_mut().and_then(|s| s.rules.as_mut()) else {
        return false;
    };
    let mut changed = false;
    for rule in rules.iter_mut().filter(|r| r.host == host) {
        if let Some(http) = rule.http.as_mut() {
            let before = http.paths.len();
            http.paths.retain(|p| !is_solver_path(p, token));
            changed |= http.paths.len() != before;
        }
    }
    if changed {
        rules.retain(|r| r.host != host || r.http.as_ref().is_none_or(|h| !h.paths.is_empty()));
    }
    changed
}
