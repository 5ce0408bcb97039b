//! Table tests of [`build`]: class selection, the walkthrough's Ingress,
//! precedence between Ingresses, default backends, TLS, malformed objects.
//! Annotations and backends have their own files (`annotation_tests.rs`,
//! `backend_tests.rs`), which share [`World`].

use std::sync::Arc;

use k8s_openapi::api::core::v1::Service as KubeService;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use passerelle_crds::constants::{INGRESS_CONTROLLER, TRAEFIK_INGRESS_CONTROLLER};

use super::fixtures::{READY, class, ingress, service, slice};
use super::{BuildInput, BuildOutput, ClassFilter, build};
use crate::routing::{ObjectKey, RuleType, Upstream};

/// The objects of one test.
#[derive(Default)]
pub(super) struct World {
    pub(super) ingresses: Vec<Arc<Ingress>>,
    pub(super) classes: Vec<Arc<IngressClass>>,
    pub(super) services: Vec<Arc<KubeService>>,
    pub(super) slices: Vec<Arc<EndpointSlice>>,
    pub(super) class: Option<String>,
    /// The configured entry points, when the test gives them.
    pub(super) entry_points: Option<Vec<String>>,
}

impl World {
    /// Ingresses reaching `web:80`, which has one ready endpoint 10.0.0.1:8080.
    pub(super) fn with(ingresses: Vec<Arc<Ingress>>) -> World {
        World {
            ingresses,
            services: vec![Arc::new(service("web", &[("http", 80)]))],
            slices: vec![slice("web-1", "web", ("http", 8080), &[("10.0.0.1", READY)])],
            ..World::default()
        }
    }

    pub(super) fn build(&self) -> BuildOutput {
        let filter = ClassFilter {
            ingress_class: self.class.clone(),
        };
        build(&BuildInput {
            ingresses: &self.ingresses,
            ingress_classes: &self.classes,
            services: &self.services,
            endpoint_slices: &self.slices,
            class_filter: &filter,
            entry_points: self.entry_points.as_deref(),
        })
    }
}

/// `(reason, warning)` of each diagnostic on `object`.
pub(super) fn reasons(output: &BuildOutput, object: &str) -> Vec<(String, bool)> {
    output
        .diagnostics
        .iter()
        .filter(|d| d.object.to_string() == object)
        .map(|d| (d.reason.clone(), d.warning))
        .collect()
}

fn ids(output: &BuildOutput) -> Vec<String> {
    output.table.routes().iter().map(|r| r.id.clone()).collect()
}

#[test]
fn walkthrough_ingress_is_served_with_path_prefix_strip_and_its_tls_secret() {
    let ing = ingress("inky-jaguar-api-gateway-chart")
        .annotation("kubernetes.io/ingress.class", "Traefik")
        .annotation("Traefik.frontend.rule.type", "PathPrefixStrip")
        .path(
            Some("meltingpoc.example.test"),
            "/",
            "ImplementationSpecific",
            "web",
            "http",
        )
        .path(
            Some("meltingpoc.example.test"),
            "/api",
            "ImplementationSpecific",
            "web",
            "http",
        )
        .tls("meltingpoc-tls", &[])
        .build();
    let output = World::with(vec![ing]).build();
    let key = ObjectKey::new("default", "inky-jaguar-api-gateway-chart");
    assert_eq!(output.served, std::slice::from_ref(&key));
    assert_eq!(output.diagnostics, []);
    assert_eq!(output.tls.len(), 1);
    assert_eq!(output.tls[0].secret, ObjectKey::new("default", "meltingpoc-tls"));
    assert_eq!(output.tls[0].ingress, key);

    let root = output
        .table
        .lookup("https", Some("MeltingPOC.example.test:443"), "/users?id=1")
        .expect("route");
    assert_eq!(root.route.rule_type, RuleType::PathPrefixStrip);
    assert_eq!(root.upstream_path, "/users?id=1", "path / strips nothing");
    assert!(root.route.tls);
    assert_eq!(
        root.route.service.upstream,
        Upstream::Endpoints(vec!["10.0.0.1:8080".parse().expect("addr")])
    );
    assert_eq!(root.route.service.name, "default/web:http");

    let api = output
        .table
        .lookup("https", Some("meltingpoc.example.test"), "/api/users")
        .expect("route");
    assert_eq!(api.upstream_path, "/users");
    assert_eq!(api.forwarded_prefix.as_deref(), Some("/api"));
}

/// (annotation, ingressClassName, class option) → served, with IngressClasses
/// `passerelle` (ours), `traefik-v2` (Traefik's controller) and `nginx`.
#[test]
fn class_selection_matrix() {
    type Case<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, bool);
    let cases: &[Case<'_>] = &[
        (None, None, None, true),
        (None, None, Some("traefik"), false),
        (Some("traefik"), None, None, true),
        (Some("Traefik"), None, None, true),
        (Some("TRAEFIK"), None, Some(""), true),
        (Some("nginx"), None, None, false),
        (Some("internal"), None, None, false),
        (Some("internal"), None, Some("internal"), true),
        (Some("Internal"), None, Some("internal"), true),
        (Some("traefik"), None, Some("internal"), false),
        (Some(""), None, None, true),
        (None, Some("passerelle"), None, true),
        (None, Some("Passerelle"), None, true),
        (None, Some("traefik-v2"), None, true),
        (None, Some("nginx"), None, false),
        (None, Some("missing"), None, false),
        (None, Some("passerelle"), Some("passerelle"), true),
        (None, Some("passerelle"), Some("other"), false),
        (None, Some("nginx"), Some("nginx"), false),
        (Some("traefik"), Some("nginx"), None, true),
        (Some("nginx"), Some("passerelle"), None, false),
    ];
    for &(annotation, class_name, option, served) in cases {
        let mut fixture = ingress("i").path(None, "/", "Prefix", "web", "80");
        if let Some(annotation) = annotation {
            fixture = fixture.annotation("kubernetes.io/ingress.class", annotation);
        }
        if let Some(class_name) = class_name {
            fixture = fixture.class_name(class_name);
        }
        let mut world = World::with(vec![fixture.build()]);
        world.classes = vec![
            class("passerelle", INGRESS_CONTROLLER),
            class("traefik-v2", TRAEFIK_INGRESS_CONTROLLER),
            class("nginx", "k8s.io/ingress-nginx"),
        ];
        world.class = option.map(str::to_owned);
        let output = world.build();
        assert_eq!(
            !output.served.is_empty(),
            served,
            "{annotation:?} {class_name:?} {option:?}"
        );
        assert_eq!(
            !output.table.routes().is_empty(),
            served,
            "{annotation:?} {class_name:?} {option:?}"
        );
        assert_eq!(output.diagnostics, [], "other classes are never touched");
    }
}

#[test]
fn the_older_ingress_wins_a_tie_whatever_the_input_order() {
    let older = ingress("zz-older")
        .created(1)
        .path(Some("a.test"), "/x", "Prefix", "web", "80")
        .build();
    let newer = ingress("aa-newer")
        .created(2)
        .path(Some("a.test"), "/x", "Prefix", "web", "80")
        .build();
    for ingresses in [
        vec![older.clone(), newer.clone()],
        vec![newer.clone(), older.clone()],
    ] {
        let output = World::with(ingresses).build();
        let matched = output.table.lookup("web", Some("a.test"), "/x").expect("route");
        assert_eq!(matched.route.ingress.name, "zz-older");
        assert_eq!(
            reasons(&output, "default/aa-newer"),
            [("PathConflict".to_owned(), true)]
        );
        assert_eq!(output.served.len(), 2);
    }
}

#[test]
fn same_age_ties_go_to_namespace_then_name() {
    let b = ingress("b").path(None, "/x", "Prefix", "web", "80").build();
    let a = ingress("a").path(None, "/x", "Prefix", "web", "80").build();
    let output = World::with(vec![b, a]).build();
    assert_eq!(
        output
            .table
            .lookup("web", None, "/x")
            .expect("route")
            .route
            .ingress
            .name,
        "a"
    );
}

#[test]
fn build_is_deterministic() {
    let ingresses: Vec<_> = (0..20)
        .map(|i| {
            ingress(&format!("i{i}"))
                .created(i % 3)
                .annotation("ingress.kubernetes.io/unknown-thing", "x")
                .path(
                    Some(&format!("h{}.test", i % 4)),
                    &format!("/p{}", i % 5),
                    "Prefix",
                    "web",
                    "80",
                )
                .build()
        })
        .collect();
    let mut reversed = ingresses.clone();
    reversed.reverse();
    let (a, b) = (World::with(ingresses).build(), World::with(reversed).build());
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(a.diagnostics, b.diagnostics);
    assert_eq!(a.served, b.served);
}

#[test]
fn default_backend_serves_unmatched_requests_and_the_oldest_wins() {
    let older = ingress("older").created(1).default_backend("web", "80").build();
    let newer = ingress("newer")
        .created(2)
        .default_backend("web", "80")
        .path(None, "/api", "Prefix", "web", "80");
    let output = World::with(vec![newer.build(), older]).build();
    let fallback = output
        .table
        .lookup("web", Some("any.test"), "/other")
        .expect("default backend");
    assert_eq!(fallback.route.id, "default/older/default");
    assert_eq!(
        output
            .table
            .lookup("web", None, "/api")
            .expect("route")
            .route
            .ingress
            .name,
        "newer"
    );
    assert_eq!(
        reasons(&output, "default/newer"),
        [("DefaultBackendConflict".to_owned(), true)]
    );
}

#[test]
fn malformed_paths_and_rules_are_skipped_and_reported() {
    use k8s_openapi::api::networking::v1::{HTTPIngressPath, IngressBackend};
    let resource_backend = HTTPIngressPath {
        path: Some("/bucket".into()),
        path_type: "Prefix".into(),
        backend: IngressBackend {
            resource: Some(Default::default()),
            service: None,
        },
    };
    let ing = ingress("i")
        .path(Some("*.*.bad.test"), "/", "Prefix", "web", "80")
        .path(Some("good.test"), "/ok", "Prefix", "web", "80")
        .path(Some("good.test"), "", "Prefix", "web", "80")
        .path(
            Some("good.test"),
            "relative",
            "ImplementationSpecific",
            "web",
            "80",
        )
        .path(Some("good.test"), "/weird", "Regex", "web", "80")
        .raw_path(Some("good.test"), resource_backend)
        .build();
    let output = World::with(vec![ing]).build();
    assert_eq!(ids(&output), ["default/i/1/0"]);
    let mut got = reasons(&output, "default/i");
    got.sort();
    let expected = [
        "InvalidBackend",
        "InvalidHost",
        "InvalidPath",
        "InvalidPath",
        "InvalidPath",
    ];
    assert_eq!(got, expected.map(|r| (r.to_owned(), false)));
    assert_eq!(
        output.served,
        [ObjectKey::new("default", "i")],
        "the rest of it is served"
    );
}

#[test]
fn empty_implementation_specific_path_matches_everything() {
    let output = World::with(vec![
        ingress("i")
            .path(None, "", "ImplementationSpecific", "web", "80")
            .build(),
    ])
    .build();
    assert_eq!(
        output
            .table
            .lookup("web", None, "/anything")
            .expect("route")
            .route
            .path,
        "/"
    );
}

#[test]
fn tls_marks_listed_hosts_and_lists_secrets() {
    let ing = ingress("i")
        .path(Some("a.test"), "/", "Prefix", "web", "80")
        .path(Some("b.test"), "/", "Prefix", "web", "80")
        .path(Some("x.wild.test"), "/", "Prefix", "web", "80")
        .path(Some("*.wild.test"), "/", "Prefix", "web", "80")
        .tls("a-tls", &["A.test"])
        .tls("wild-tls", &["*.wild.test"])
        .tls("", &["b.test"])
        .build();
    let output = World::with(vec![ing]).build();
    let tls = |host: &str| {
        output
            .table
            .lookup("web", Some(host), "/")
            .expect("route")
            .route
            .tls
    };
    assert!(tls("a.test"));
    assert!(tls("b.test"), "listed by an entry without a Secret");
    assert!(tls("y.wild.test"));
    assert!(!tls("x.wild.test"), "exact host not listed");
    let secrets: Vec<_> = output
        .tls
        .iter()
        .map(|t| (t.secret.name.as_str(), t.hosts.clone()))
        .collect();
    assert_eq!(
        secrets,
        [
            ("a-tls", vec!["a.test".to_owned()]),
            ("wild-tls", vec!["*.wild.test".to_owned()])
        ]
    );
}

#[test]
fn a_tls_entry_without_hosts_covers_the_hosts_of_the_ingress_rules() {
    let ing = ingress("i")
        .path(Some("B.test"), "/", "Prefix", "web", "80")
        .path(Some("*.wild.test"), "/", "Prefix", "web", "80")
        .path(None, "/", "Prefix", "web", "80")
        .path(Some("a.test"), "/", "Prefix", "web", "80")
        .tls("all-tls", &[])
        .tls("listed-tls", &["listed.test."])
        .build();
    let bare = ingress("bare")
        .path(None, "/bare", "Prefix", "web", "80")
        .tls("bare-tls", &[])
        .build();
    let output = World::with(vec![ing, bare]).build();
    let secrets: Vec<_> = output
        .tls
        .iter()
        .map(|t| (t.ingress.name.as_str(), t.secret.name.as_str(), t.hosts.clone()))
        .collect();
    let hosts = |list: &[&str]| list.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        secrets,
        [
            ("bare", "bare-tls", hosts(&[])),
            ("i", "all-tls", hosts(&["*.wild.test", "a.test", "b.test"])),
            ("i", "listed-tls", hosts(&["listed.test"])),
        ]
    );
    // A Secret that can serve no name is reported.
    assert_eq!(
        reasons(&output, "default/bare"),
        [("TLSSecretWithoutHosts".to_owned(), true)]
    );
    assert_eq!(reasons(&output, "default/i"), []);
}
