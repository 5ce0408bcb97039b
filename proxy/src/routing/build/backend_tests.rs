//! Table tests of backend resolution: Service ports by number and name,
//! EndpointSlice conditions, ExternalName Services, missing backends.

use std::sync::Arc;

use super::fixtures::{READY, ingress, service, slice};
use super::tests::{World, reasons};
use crate::routing::{Upstream, UpstreamProtocol};

#[test]
fn backend_port_by_number_or_name() {
    let services = vec![Arc::new(service("multi", &[("http", 80), ("admin", 9000)]))];
    let slices = vec![
        slice("multi-a", "multi", ("http", 8080), &[("10.0.0.1", READY)]),
        slice("multi-b", "multi", ("admin", 9090), &[("10.0.0.2", READY)]),
    ];
    let ing = ingress("i")
        .path(None, "/by-number", "Prefix", "multi", "80")
        .path(None, "/by-name", "Prefix", "multi", "admin")
        .build();
    let world = World {
        ingresses: vec![ing],
        services,
        slices,
        ..World::default()
    };
    let output = world.build();
    let upstream = |path| {
        output
            .table
            .lookup("web", None, path)
            .map(|m| m.route.service.upstream.clone())
    };
    assert_eq!(
        upstream("/by-number"),
        Some(Upstream::Endpoints(vec!["10.0.0.1:8080".parse().expect("addr")]))
    );
    assert_eq!(
        upstream("/by-name"),
        Some(Upstream::Endpoints(vec!["10.0.0.2:9090".parse().expect("addr")]))
    );
}

#[test]
fn only_ready_non_terminating_endpoints_get_requests() {
    let endpoints = [
        ("10.0.0.3", READY),
        ("10.0.0.1", (None, None, None)),
        ("10.0.0.2", (Some(false), Some(true), Some(true))),
        ("10.0.0.4", (Some(false), Some(false), None)),
        ("10.0.0.5", (None, Some(true), Some(true))),
        ("10.0.0.6", (None, Some(false), None)),
    ];
    let mut world = World::with(vec![
        ingress("i").path(None, "/", "Prefix", "web", "http").build(),
    ]);
    world.slices = vec![
        slice("web-1", "web", ("http", 8080), &endpoints),
        slice("web-2", "web", ("http", 8080), &[("10.0.0.3", READY)]),
        slice("web-3", "web", ("other", 7000), &[("10.0.0.9", READY)]),
        slice("api-1", "api", ("http", 8080), &[("10.0.0.8", READY)]),
    ];
    let output = world.build();
    let route = &output.table.routes()[0];
    let expected = ["10.0.0.1:8080", "10.0.0.3:8080"]
        .map(|a| a.parse().expect("addr"))
        .to_vec();
    assert_eq!(route.service.upstream, Upstream::Endpoints(expected));
}

#[test]
fn ipv6_endpoints() {
    let mut world = World::with(vec![
        ingress("i").path(None, "/", "Prefix", "web", "http").build(),
    ]);
    world.slices = vec![slice("web-1", "web", ("http", 8080), &[("fd00::1", READY)])];
    let output = world.build();
    let expected = Upstream::Endpoints(vec!["[fd00::1]:8080".parse().expect("addr")]);
    assert_eq!(output.table.routes()[0].service.upstream, expected);
}

#[test]
fn unavailable_backends_answer_503_and_say_why() {
    let ing = ingress("i")
        .path(None, "/no-service", "Prefix", "missing", "80")
        .path(None, "/no-port", "Prefix", "web", "8081")
        .path(None, "/no-endpoints", "Prefix", "empty", "80")
        .build();
    let mut world = World::with(vec![ing]);
    world.services.push(Arc::new(service("empty", &[("", 80)])));
    let output = world.build();
    for path in ["/no-service", "/no-port", "/no-endpoints"] {
        let matched = output.table.lookup("web", None, path).expect("the route exists");
        assert!(
            matches!(matched.route.service.upstream, Upstream::Unavailable(_)),
            "{path}"
        );
    }
    assert_eq!(
        reasons(&output, "default/i"),
        [
            ("ServiceNotFound".to_owned(), true),
            ("ServicePortNotFound".to_owned(), true)
        ]
    );
}

#[test]
fn external_name_services_resolve_to_their_dns_name() {
    let mut external = service("ext", &[("https", 443)]);
    let spec = external.spec.as_mut().expect("spec");
    spec.type_ = Some("ExternalName".into());
    spec.external_name = Some("api.example.test.".into());
    let mut portless = service("ext2", &[]);
    let spec = portless.spec.as_mut().expect("spec");
    spec.type_ = Some("ExternalName".into());
    spec.external_name = Some("other.example.test".into());
    let mut broken = service("ext3", &[("", 80)]);
    broken.spec.as_mut().expect("spec").type_ = Some("ExternalName".into());
    let ing = ingress("i")
        .path(None, "/a", "Prefix", "ext", "https")
        .path(None, "/b", "Prefix", "ext2", "8080")
        .path(None, "/c", "Prefix", "ext3", "80")
        .build();
    let world = World {
        ingresses: vec![ing],
        services: vec![Arc::new(external), Arc::new(portless), Arc::new(broken)],
        ..World::default()
    };
    let output = world.build();
    let service = |path| {
        output
            .table
            .lookup("web", None, path)
            .expect("route")
            .route
            .service
            .clone()
    };
    assert_eq!(
        service("/a").upstream,
        Upstream::ExternalName {
            host: "api.example.test".into(),
            port: 443
        }
    );
    assert_eq!(
        service("/a").protocol,
        UpstreamProtocol::Https,
        "port 443 / name https means HTTPS"
    );
    assert_eq!(
        service("/b").upstream,
        Upstream::ExternalName {
            host: "other.example.test".into(),
            port: 8080
        }
    );
    assert!(matches!(service("/c").upstream, Upstream::Unavailable(_)));
    assert_eq!(
        reasons(&output, "default/ext3"),
        [("InvalidService".to_owned(), false)]
    );
    assert_eq!(
        output
            .diagnostics
            .iter()
            .find(|d| d.object.name == "ext3")
            .map(|d| d.kind),
        Some("Service")
    );
}

#[test]
fn backends_are_looked_up_in_the_ingress_namespace_only() {
    let output = World::with(vec![
        ingress("i")
            .namespace("other")
            .path(None, "/", "Prefix", "web", "80")
            .build(),
    ])
    .build();
    let route = &output.table.routes()[0];
    assert!(
        matches!(route.service.upstream, Upstream::Unavailable(_)),
        "default/web is not other/web"
    );
    assert_eq!(route.service.name, "other/web:80");
    assert_eq!(
        reasons(&output, "other/i"),
        [("ServiceNotFound".to_owned(), true)]
    );
}
