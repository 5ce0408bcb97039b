//! Table tests of the Traefik 1.x annotations: every one Passerelle
//! implements, under each of its key spellings, and the ones it refuses
//! (access control: the Ingress is not served) or ignores (a warning).

use super::fixtures::ingress;
use super::tests::{World, reasons};
use crate::routing::{IpNet, Redirect, RedirectTarget, Route, RuleType, UpstreamProtocol};

/// The three spellings of an annotation: `ingress.kubernetes.io/NAME`,
/// `traefik.ingress.kubernetes.io/NAME` (any case), and a legacy label.
fn spellings(name: &str, legacy: Option<&str>) -> Vec<String> {
    let mut keys = vec![
        format!("ingress.kubernetes.io/{name}"),
        format!("Traefik.Ingress.Kubernetes.io/{name}"),
    ];
    keys.extend(legacy.map(|legacy| format!("traefik.{legacy}")));
    keys
}

/// The route of an Ingress with path `/app` (and `/`) carrying `annotations`.
fn route_with(annotations: &[(&str, &str)]) -> Route {
    let mut fixture = ingress("i");
    for (key, value) in annotations {
        fixture = fixture.annotation(key, value);
    }
    let fixture = fixture.path(None, "/app", "ImplementationSpecific", "web", "80");
    let output = World::with(vec![fixture.build()]).build();
    assert_eq!(reasons(&output, "default/i"), [], "{annotations:?}");
    output
        .table
        .routes()
        .first()
        .map(|route| Route::clone(route))
        .expect("one route")
}

/// Diagnostics of an Ingress carrying `annotations`, and whether it is served.
fn refused(annotations: &[(&str, &str)]) -> (Vec<(String, bool)>, bool) {
    let mut fixture = ingress("i")
        .path(None, "/", "Prefix", "web", "80")
        .default_backend("web", "80");
    for (key, value) in annotations {
        fixture = fixture.annotation(key, value);
    }
    let output = World::with(vec![fixture.build()]).build();
    let served = !output.served.is_empty();
    assert_eq!(served, !output.table.routes().is_empty(), "{annotations:?}");
    assert_eq!(
        served,
        output.table.default_backend().is_some(),
        "{annotations:?}"
    );
    (reasons(&output, "default/i"), served)
}

#[test]
fn rule_type_under_every_spelling() {
    let cases = [
        ("Path", RuleType::Path),
        ("PathPrefix", RuleType::PathPrefix),
        ("PathStrip", RuleType::PathStrip),
        ("PathPrefixStrip", RuleType::PathPrefixStrip),
        ("pathprefixstrip", RuleType::PathPrefixStrip),
    ];
    for key in spellings("rule-type", Some("frontend.rule.type"))
        .into_iter()
        .chain(["Traefik.frontend.rule.type".into()])
    {
        for (value, expected) in &cases {
            assert_eq!(
                &route_with(&[(&key, value)]).rule_type,
                expected,
                "{key}: {value}"
            );
        }
    }
    assert_eq!(route_with(&[]).rule_type, RuleType::PathPrefix, "the default");
}

#[test]
fn rule_type_replace_path_matches_every_path_and_replaces_it() {
    let route = route_with(&[("traefik.ingress.kubernetes.io/rule-type", "ReplacePath")]);
    assert_eq!(route.rule_type, RuleType::ReplacePath("/app".into()));
    assert_eq!(route.path, "/");
}

#[test]
fn invalid_rule_type_is_not_served() {
    let (diagnostics, served) = refused(&[("ingress.kubernetes.io/rule-type", "PathRegexp")]);
    assert_eq!(diagnostics, [("InvalidAnnotation".to_owned(), false)]);
    assert!(!served);
    let (diagnostics, served) = refused(&[
        ("ingress.kubernetes.io/rule-type", "ReplacePath"),
        ("ingress.kubernetes.io/rewrite-target", "/x"),
    ]);
    assert_eq!(diagnostics, [("InvalidAnnotation".to_owned(), false)]);
    assert!(!served);
}

#[test]
fn rewrite_target_and_app_root() {
    for key in spellings("rewrite-target", None) {
        assert_eq!(
            route_with(&[(&key, "/v2/")]).rewrite_target.as_deref(),
            Some("/v2/"),
            "{key}"
        );
    }
    for key in spellings("app-root", None) {
        let mut fixture = ingress("i").annotation(&key, "/home");
        fixture = fixture
            .path(None, "/", "Prefix", "web", "80")
            .path(None, "/api", "Prefix", "web", "80");
        let output = World::with(vec![fixture.build()]).build();
        let app_root = |path| {
            output
                .table
                .lookup("web", None, path)
                .expect("route")
                .route
                .app_root
                .clone()
        };
        assert_eq!(app_root("/").as_deref(), Some("/home"), "{key}: on the / path");
        assert_eq!(app_root("/api"), None, "{key}: only on the / path");
    }
    let (diagnostics, served) = refused(&[("ingress.kubernetes.io/app-root", "home")]);
    assert_eq!(
        (diagnostics, served),
        (vec![("InvalidAnnotation".to_owned(), true)], true)
    );
}

#[test]
fn redirects() {
    let entry_point = |permanent| {
        Some(Redirect {
            target: RedirectTarget::EntryPoint("https".into()),
            permanent,
        })
    };
    for key in spellings("redirect-entry-point", Some("frontend.redirect.entryPoint")) {
        assert_eq!(
            route_with(&[(&key, "https")]).redirect,
            entry_point(false),
            "{key}"
        );
    }
    for key in spellings("redirect-permanent", Some("frontend.redirect.permanent")) {
        let route = route_with(&[
            ("ingress.kubernetes.io/redirect-entry-point", "https"),
            (&key, "true"),
        ]);
        assert_eq!(route.redirect, entry_point(true), "{key}");
    }
    let regex = Some(Redirect {
        target: RedirectTarget::Regex {
            regex: "^http://(.*)".into(),
            replacement: "https://$1".into(),
        },
        permanent: false,
    });
    let regex_keys = spellings("redirect-regex", Some("frontend.redirect.regex"));
    let replacement_keys = spellings("redirect-replacement", Some("frontend.redirect.replacement"));
    for (regex_key, replacement_key) in regex_keys.iter().zip(&replacement_keys) {
        let route = route_with(&[(regex_key, "^http://(.*)"), (replacement_key, "https://$1")]);
        assert_eq!(route.redirect, regex, "{regex_key}");
    }
    let route = route_with(&[
        ("ingress.kubernetes.io/redirect-entry-point", "https"),
        ("ingress.kubernetes.io/redirect-regex", "^http://(.*)"),
        ("ingress.kubernetes.io/redirect-replacement", "https://$1"),
    ]);
    assert_eq!(
        route.redirect,
        entry_point(false),
        "the entry point wins, as in Traefik 1.7"
    );

    let (diagnostics, served) = refused(&[
        ("ingress.kubernetes.io/redirect-regex", "^(unclosed"),
        ("ingress.kubernetes.io/redirect-replacement", "x"),
    ]);
    assert_eq!(
        (diagnostics, served),
        (vec![("InvalidAnnotation".to_owned(), false)], false)
    );
    let (diagnostics, served) = refused(&[("ingress.kubernetes.io/redirect-regex", "^(.*)")]);
    assert_eq!(
        (diagnostics, served),
        (vec![("InvalidAnnotation".to_owned(), true)], true)
    );
    let (diagnostics, _) = refused(&[
        ("ingress.kubernetes.io/redirect-entry-point", "https"),
        ("ingress.kubernetes.io/redirect-permanent", "yes"),
    ]);
    assert_eq!(diagnostics, [("InvalidAnnotation".to_owned(), true)]);
}

#[test]
fn preserve_host() {
    for key in spellings("preserve-host", Some("frontend.passHostHeader")) {
        assert!(!route_with(&[(&key, "false")]).pass_host_header, "{key}");
        assert!(route_with(&[(&key, "true")]).pass_host_header, "{key}");
    }
    assert!(route_with(&[]).pass_host_header, "the default");
    let (diagnostics, served) = refused(&[("ingress.kubernetes.io/preserve-host", "nope")]);
    assert_eq!(
        (diagnostics, served),
        (vec![("InvalidAnnotation".to_owned(), true)], true)
    );
}

#[test]
fn priority() {
    for key in spellings("priority", Some("frontend.priority")) {
        assert_eq!(route_with(&[(&key, "42")]).priority, Some(42), "{key}");
        assert_eq!(route_with(&[(&key, "-3")]).priority, Some(-3), "{key}");
    }
    let (diagnostics, served) = refused(&[("ingress.kubernetes.io/priority", "high")]);
    assert_eq!(
        (diagnostics, served),
        (vec![("InvalidAnnotation".to_owned(), true)], true)
    );
}

#[test]
fn frontend_entry_points() {
    for key in spellings("frontend-entry-points", Some("frontend.entryPoints")) {
        let route = route_with(&[(&key, "http, https,")]);
        assert_eq!(
            route.entry_points,
            Some(vec!["http".to_owned(), "https".to_owned()]),
            "{key}"
        );
    }
    let output = World::with(vec![
        ingress("i")
            .annotation("ingress.kubernetes.io/frontend-entry-points", "https")
            .path(None, "/", "Prefix", "web", "80")
            .build(),
    ])
    .build();
    assert!(output.table.lookup("https", None, "/").is_some());
    assert!(output.table.lookup("http", None, "/").is_none());
}

#[test]
fn whitelist_source_range() {
    let expected = ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"].map(|net| IpNet::parse(net).expect("net"));
    let legacy = ["frontend.whitelistSourceRange", "frontend.whiteList.sourceRange"];
    let keys = spellings("whitelist-source-range", None)
        .into_iter()
        .chain(legacy.map(|l| format!("traefik.{l}")));
    for key in keys {
        let route = route_with(&[(&key, "10.0.0.0/8, 192.0.2.7,2001:db8::/32")]);
        assert_eq!(route.whitelist, expected, "{key}");
    }
    let (diagnostics, served) =
        refused(&[("ingress.kubernetes.io/whitelist-source-range", "10.0.0.0/8, lan")]);
    assert_eq!(
        (diagnostics, served),
        (vec![("InvalidAnnotation".to_owned(), false)], false),
        "fails closed"
    );
}

#[test]
fn protocol() {
    for key in spellings("protocol", Some("protocol")) {
        assert_eq!(
            route_with(&[(&key, "https")]).service.protocol,
            UpstreamProtocol::Https,
            "{key}"
        );
        assert_eq!(
            route_with(&[(&key, "H2C")]).service.protocol,
            UpstreamProtocol::H2c,
            "{key}"
        );
        assert_eq!(
            route_with(&[(&key, "http")]).service.protocol,
            UpstreamProtocol::Http,
            "{key}"
        );
    }
    assert_eq!(
        route_with(&[]).service.protocol,
        UpstreamProtocol::Http,
        "the default for port 80"
    );
    let (diagnostics, served) = refused(&[("ingress.kubernetes.io/protocol", "grpc")]);
    assert_eq!(
        (diagnostics, served),
        (vec![("InvalidAnnotation".to_owned(), true)], true)
    );
}

#[test]
fn access_control_annotations_fail_closed() {
    for key in [
        "ingress.kubernetes.io/auth-type",
        "ingress.kubernetes.io/auth-secret",
        "traefik.ingress.kubernetes.io/auth-url",
        "ingress.kubernetes.io/auth-tls-secret",
        "ingress.kubernetes.io/auth-tls-insecure",
        "ingress.kubernetes.io/auth-response-headers",
        "Ingress.Kubernetes.IO/Auth-Type",
        "traefik.frontend.auth.basic",
        "traefik.frontend.auth.forward.address",
        "ingress.kubernetes.io/whitelist-ipstrategy",
        "ingress.kubernetes.io/whitelist-ipstrategy-depth",
        "traefik.ingress.kubernetes.io/router.middlewares",
    ] {
        let (diagnostics, served) = refused(&[(key, "x")]);
        assert_eq!(
            diagnostics,
            [("AccessControlUnsupported".to_owned(), false)],
            "{key}"
        );
        assert!(!served, "{key} must never be served unprotected");
    }
}

#[test]
fn unsupported_annotations_are_reported_and_ignored() {
    for key in [
        "ingress.kubernetes.io/ssl-redirect",
        "traefik.ingress.kubernetes.io/custom-request-headers",
        "ingress.kubernetes.io/service-weights",
        "traefik.frontend.headers.customResponseHeaders",
        "traefik.ingress.kubernetes.io/router.entrypoints",
    ] {
        let (diagnostics, served) = refused(&[(key, "x")]);
        assert_eq!(diagnostics, [("UnsupportedAnnotation".to_owned(), true)], "{key}");
        assert!(served, "{key}");
    }
}

#[test]
fn other_annotations_are_none_of_our_business() {
    let route = route_with(&[
        ("nginx.ingress.kubernetes.io/auth-type", "basic"),
        ("cert-manager.io/cluster-issuer", "letsencrypt"),
        ("kubernetes.io/tls-acme", "true"),
        ("kubectl.kubernetes.io/last-applied-configuration", "{}"),
    ]);
    assert_eq!(route.rule_type, RuleType::PathPrefix);
}

#[test]
fn ingress_prefix_wins_over_the_traefik_prefix_and_legacy_labels() {
    let annotations = [
        ("traefik.frontend.rule.type", "PathStrip"),
        ("traefik.ingress.kubernetes.io/rule-type", "Path"),
        ("ingress.kubernetes.io/rule-type", "PathPrefixStrip"),
    ];
    let mut fixture = ingress("i");
    for (key, value) in annotations {
        fixture = fixture.annotation(key, value);
    }
    let output = World::with(vec![fixture.path(None, "/a", "Prefix", "web", "80").build()]).build();
    assert_eq!(output.table.routes()[0].rule_type, RuleType::PathPrefixStrip);
    let conflicts = reasons(&output, "default/i");
    assert_eq!(
        conflicts,
        [
            ("ConflictingAnnotation".to_owned(), true),
            ("ConflictingAnnotation".to_owned(), true)
        ]
    );
}
