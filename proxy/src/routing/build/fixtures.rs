//! Test builders on the real Kubernetes types: Ingresses, IngressClasses,
//! Services and EndpointSlices as the provider's caches hold them.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressClass, IngressClassSpec,
    IngressRule, IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;

fn meta(namespace: &str, name: &str) -> ObjectMeta {
    ObjectMeta {
        namespace: Some(namespace.into()),
        name: Some(name.into()),
        ..ObjectMeta::default()
    }
}

/// A backend port: a number, or a name when `port` does not parse.
pub(crate) fn backend(service: &str, port: &str) -> IngressBackend {
    let port = match port.parse::<i32>() {
        Ok(number) => ServiceBackendPort {
            number: Some(number),
            name: None,
        },
        Err(_) => ServiceBackendPort {
            number: None,
            name: Some(port.into()),
        },
    };
    IngressBackend {
        service: Some(IngressServiceBackend {
            name: service.into(),
            port: Some(port),
        }),
        resource: None,
    }
}

/// An Ingress under construction.
pub(crate) struct IngressFixture(Ingress);

/// An Ingress `name` in namespace `default`, created at `created` seconds.
pub(crate) fn ingress(name: &str) -> IngressFixture {
    IngressFixture(Ingress {
        metadata: meta("default", name),
        spec: Some(IngressSpec::default()),
        status: None,
    })
    .created(0)
}

impl IngressFixture {
    pub(crate) fn namespace(mut self, namespace: &str) -> Self {
        self.0.metadata.namespace = Some(namespace.into());
        self
    }

    pub(crate) fn created(mut self, seconds: i64) -> Self {
        let time = Timestamp::from_second(1_700_000_000 + seconds).expect("valid time");
        self.0.metadata.creation_timestamp = Some(Time(time));
        self
    }

    pub(crate) fn annotation(mut self, key: &str, value: &str) -> Self {
        self.0
            .metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
    }

    pub(crate) fn class_name(mut self, class: &str) -> Self {
        self.spec().ingress_class_name = Some(class.into());
        self
    }

    fn spec(&mut self) -> &mut IngressSpec {
        self.0.spec.get_or_insert_with(IngressSpec::default)
    }

    /// A path on `host` (a new rule unless the last rule has that host) to
    /// `service:port`.
    pub(crate) fn path(self, host: Option<&str>, path: &str, kind: &str, service: &str, port: &str) -> Self {
        let path = HTTPIngressPath {
            path: (!path.is_empty()).then(|| path.into()),
            path_type: kind.into(),
            backend: backend(service, port),
        };
        self.raw_path(host, path)
    }

    pub(crate) fn raw_path(mut self, host: Option<&str>, path: HTTPIngressPath) -> Self {
        let rules = self.spec().rules.get_or_insert_with(Vec::new);
        let host = host.map(str::to_owned);
        match rules.last_mut() {
            Some(rule) if rule.host == host => {
                rule.http
                    .get_or_insert_with(HTTPIngressRuleValue::default)
                    .paths
                    .push(path);
            }
            _ => rules.push(IngressRule {
                host,
                http: Some(HTTPIngressRuleValue { paths: vec![path] }),
            }),
        }
        self
    }

    pub(crate) fn tls(mut self, secret: &str, hosts: &[&str]) -> Self {
        let entry = IngressTLS {
            secret_name: (!secret.is_empty()).then(|| secret.into()),
            hosts: (!hosts.is_empty()).then(|| hosts.iter().map(|h| (*h).to_owned()).collect()),
        };
        self.spec().tls.get_or_insert_with(Vec::new).push(entry);
        self
    }

    pub(crate) fn default_backend(mut self, service: &str, port: &str) -> Self {
        self.spec().default_backend = Some(backend(service, port));
        self
    }

    pub(crate) fn build(self) -> Arc<Ingress> {
        Arc::new(self.0)
    }
}

/// An IngressClass.
pub(crate) fn class(name: &str, controller: &str) -> Arc<IngressClass> {
    Arc::new(IngressClass {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        spec: Some(IngressClassSpec {
            controller: Some(controller.into()),
            parameters: None,
        }),
    })
}

/// A ClusterIP Service in `default` with `(name, port)` ports (`""`: unnamed).
pub(crate) fn service(name: &str, ports: &[(&str, i32)]) -> Service {
    Service {
        metadata: meta("default", name),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".into()),
            ports: Some(
                ports
                    .iter()
                    .map(|(port_name, port)| ServicePort {
                        name: (!port_name.is_empty()).then(|| (*port_name).into()),
                        port: *port,
                        ..ServicePort::default()
                    })
                    .collect(),
            ),
            ..ServiceSpec::default()
        }),
        status: None,
    }
}

/// An endpoint's conditions: ready, serving, terminating (`None`: unset).
pub(crate) type Conditions = (Option<bool>, Option<bool>, Option<bool>);

/// A ready endpoint.
pub(crate) const READY: Conditions = (Some(true), Some(true), Some(false));

/// An EndpointSlice of Service `service` with one port and endpoints.
pub(crate) fn slice(
    name: &str,
    service: &str,
    port: (&str, i32),
    endpoints: &[(&str, Conditions)],
) -> Arc<EndpointSlice> {
    let mut metadata = meta("default", name);
    metadata.labels = Some(BTreeMap::from([(
        "kubernetes.io/service-name".to_owned(),
        service.to_owned(),
    )]));
    let address_type = if endpoints.iter().any(|(ip, _)| ip.contains(':')) {
        "IPv6"
    } else {
        "IPv4"
    };
    Arc::new(EndpointSlice {
        metadata,
        address_type: address_type.into(),
        ports: Some(vec![EndpointPort {
            name: (!port.0.is_empty()).then(|| port.0.into()),
            port: Some(port.1),
            ..EndpointPort::default()
        }]),
        endpoints: Some(
            endpoints
                .iter()
                .map(|(ip, (ready, serving, terminating))| Endpoint {
                    addresses: vec![(*ip).into()],
                    conditions: Some(EndpointConditions {
                        ready: *ready,
                        serving: *serving,
                        terminating: *terminating,
                    }),
                    ..Endpoint::default()
                })
                .collect(),
        ),
    })
}
