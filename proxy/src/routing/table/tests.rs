//! Table tests of [`RouteTable::lookup`]: the Kubernetes documentation's
//! path-matching examples, hosts, precedence, priority, entry points and the
//! default backend. Path rewrites are in `rewrite_tests.rs`.

use std::sync::Arc;

use super::RouteTable;
use crate::routing::{HostMatch, ObjectKey, PathKind, Route, RuleType, Service, Upstream};

pub(super) fn route(id: &str, host: Option<&str>, path: &str, kind: PathKind) -> Route {
    let service = Arc::new(Service::new(
        format!("default/{id}:80"),
        Upstream::Unavailable("test".into()),
    ));
    let host = HostMatch::parse(host).expect("valid host");
    Route::new(id, ObjectKey::new("default", id), host, path, kind, service)
}

pub(super) fn table(routes: Vec<Route>) -> RouteTable {
    RouteTable::from_routes(routes, None)
}

/// The id of the route `path` reaches on entry point `web` without a host.
pub(super) fn hit(table: &RouteTable, host: Option<&str>, path: &str) -> Option<String> {
    table.lookup("web", host, path).map(|m| m.route.id.clone())
}

/// <https://kubernetes.io/docs/concepts/services-networking/ingress/#examples>, row by row.
#[test]
fn kubernetes_docs_path_matching_examples() {
    use PathKind::{Exact, Prefix};
    type Case<'a> = (&'a [(&'a str, PathKind)], &'a str, Option<&'a str>);
    let cases: &[Case<'_>] = &[
        (&[("/", Prefix)], "/anything/at/all", Some("/")),
        (&[("/foo", Exact)], "/foo", Some("/foo")),
        (&[("/foo", Exact)], "/bar", None),
        (&[("/foo", Exact)], "/foo/", None),
        (&[("/foo/", Exact)], "/foo", None),
        (&[("/foo", Prefix)], "/foo", Some("/foo")),
        (&[("/foo", Prefix)], "/foo/", Some("/foo")),
        (&[("/foo/", Prefix)], "/foo", Some("/foo/")),
        (&[("/foo/", Prefix)], "/foo/", Some("/foo/")),
        (&[("/aaa/bb", Prefix)], "/aaa/bbb", None),
        (&[("/aaa/bbb", Prefix)], "/aaa/bbb", Some("/aaa/bbb")),
        (&[("/aaa/bbb/", Prefix)], "/aaa/bbb", Some("/aaa/bbb/")),
        (&[("/aaa/bbb", Prefix)], "/aaa/bbb/", Some("/aaa/bbb")),
        (&[("/aaa/bbb", Prefix)], "/aaa/bbb/ccc", Some("/aaa/bbb")),
        (&[("/aaa/bbb", Prefix)], "/aaa/bbbxyz", None),
        (&[("/", Prefix), ("/aaa", Prefix)], "/aaa/ccc", Some("/aaa")),
        (
            &[("/", Prefix), ("/aaa", Prefix), ("/aaa/bbb", Prefix)],
            "/aaa/bbb",
            Some("/aaa/bbb"),
        ),
        (
            &[("/", Prefix), ("/aaa", Prefix), ("/aaa/bbb", Prefix)],
            "/ccc",
            Some("/"),
        ),
        (&[("/aaa", Prefix)], "/ccc", None),
        (&[("/foo", Prefix), ("/foo", Exact)], "/foo", Some("/foo exact")),
        (&[("/foo", Exact), ("/foo", Prefix)], "/foo", Some("/foo exact")),
    ];
    for (rules, request, expected) in cases {
        let routes = rules
            .iter()
            .map(|(path, kind)| {
                let id = if *kind == Exact && rules.len() > 1 {
                    format!("{path} exact")
                } else {
                    (*path).to_owned()
                };
                route(&id, None, path, *kind)
            })
            .collect();
        let got = hit(&table(routes), None, request);
        assert_eq!(got.as_deref(), *expected, "rules {rules:?}, request {request}");
    }
}

#[test]
fn implementation_specific_is_a_string_prefix() {
    let t = table(vec![route("api", None, "/api", PathKind::ImplementationSpecific)]);
    assert_eq!(hit(&t, None, "/api").as_deref(), Some("api"));
    assert_eq!(hit(&t, None, "/api/v1").as_deref(), Some("api"));
    assert_eq!(hit(&t, None, "/apis").as_deref(), Some("api"));
    assert_eq!(hit(&t, None, "/ap"), None);
}

#[test]
fn traefik_path_rule_types_match_exactly_on_implementation_specific_paths() {
    for rule_type in [RuleType::Path, RuleType::PathStrip] {
        let mut r = route("p", None, "/p", PathKind::ImplementationSpecific);
        r.rule_type = rule_type.clone();
        let t = table(vec![r]);
        assert_eq!(hit(&t, None, "/p").as_deref(), Some("p"), "{rule_type:?}");
        assert_eq!(hit(&t, None, "/p/x"), None, "{rule_type:?}");
    }
}

#[test]
fn longest_match_wins_whatever_the_order() {
    use PathKind::ImplementationSpecific as Is;
    let a = vec![route("short", None, "/a", Is), route("long", None, "/a/b", Is)];
    let mut b = a.clone();
    b.reverse();
    for routes in [a, b] {
        let t = table(routes);
        assert_eq!(hit(&t, None, "/a/b/c").as_deref(), Some("long"));
        assert_eq!(hit(&t, None, "/a/c").as_deref(), Some("short"));
    }
}

#[test]
fn ties_go_to_the_earlier_route() {
    let t = table(vec![
        route("older", None, "/x", PathKind::Prefix),
        route("newer", None, "/x", PathKind::Prefix),
    ]);
    assert_eq!(hit(&t, None, "/x").as_deref(), Some("older"));
}

#[test]
fn hosts_match_exactly_case_insensitively_and_ignore_the_port() {
    let t = table(vec![route("a", Some("a.example.test"), "/", PathKind::Prefix)]);
    for host in [
        "a.example.test",
        "A.Example.Test",
        "a.example.test:8080",
        "a.example.test.",
    ] {
        assert_eq!(hit(&t, Some(host), "/").as_deref(), Some("a"), "{host}");
    }
    assert_eq!(hit(&t, Some("b.example.test"), "/"), None);
    assert_eq!(hit(&t, None, "/"), None);
}

#[test]
fn wildcard_matches_exactly_one_label() {
    let t = table(vec![route("w", Some("*.example.test"), "/", PathKind::Prefix)]);
    assert_eq!(hit(&t, Some("a.example.test"), "/").as_deref(), Some("w"));
    assert_eq!(hit(&t, Some("a.b.example.test"), "/"), None);
    assert_eq!(hit(&t, Some("example.test"), "/"), None);
}

#[test]
fn exact_host_beats_wildcard_beats_any_host() {
    let routes = vec![
        route("any", None, "/", PathKind::Prefix),
        route("wild", Some("*.example.test"), "/", PathKind::Prefix),
        route("exact", Some("a.example.test"), "/", PathKind::Prefix),
    ];
    let t = table(routes);
    assert_eq!(hit(&t, Some("a.example.test"), "/x").as_deref(), Some("exact"));
    assert_eq!(hit(&t, Some("b.example.test"), "/x").as_deref(), Some("wild"));
    assert_eq!(hit(&t, Some("other.test"), "/x").as_deref(), Some("any"));
    assert_eq!(hit(&t, None, "/x").as_deref(), Some("any"));
}

#[test]
fn a_host_without_a_matching_path_falls_through_to_less_specific_hosts() {
    let t = table(vec![
        route("api", Some("a.example.test"), "/api", PathKind::Prefix),
        route("any", None, "/", PathKind::Prefix),
    ]);
    assert_eq!(hit(&t, Some("a.example.test"), "/api/x").as_deref(), Some("api"));
    assert_eq!(hit(&t, Some("a.example.test"), "/web").as_deref(), Some("any"));
}

#[test]
fn priority_overrides_the_computed_order() {
    let mut low = route("low", None, "/", PathKind::Prefix);
    low.priority = Some(10);
    let t = table(vec![route("long", None, "/a/b/c", PathKind::Prefix), low.clone()]);
    assert_eq!(
        hit(&t, None, "/a/b/c").as_deref(),
        Some("low"),
        "a priority beats a longer path"
    );

    let mut exact_host = route("exact", Some("a.example.test"), "/", PathKind::Prefix);
    exact_host.priority = Some(5);
    let t = table(vec![exact_host.clone(), low.clone()]);
    assert_eq!(
        hit(&t, Some("a.example.test"), "/").as_deref(),
        Some("low"),
        "and a more specific host"
    );

    let mut negative = route("negative", None, "/a", PathKind::Prefix);
    negative.priority = Some(-1);
    let t = table(vec![negative, route("root", None, "/", PathKind::Prefix)]);
    assert_eq!(
        hit(&t, None, "/a").as_deref(),
        Some("root"),
        "a negative priority comes after unset ones"
    );

    let mut high = route("high", None, "/", PathKind::Prefix);
    high.priority = Some(20);
    let t = table(vec![low, high]);
    assert_eq!(hit(&t, None, "/x").as_deref(), Some("high"));
}

#[test]
fn entry_points_restrict_a_route() {
    let mut secure = route("secure", None, "/", PathKind::Prefix);
    secure.entry_points = Some(vec!["websecure".into()]);
    let t = table(vec![secure, route("fallback", None, "/", PathKind::Prefix)]);
    assert_eq!(
        t.lookup("websecure", None, "/")
            .map(|m| m.route.id.clone())
            .as_deref(),
        Some("secure")
    );
    assert_eq!(
        t.lookup("web", None, "/").map(|m| m.route.id.clone()).as_deref(),
        Some("fallback")
    );
}

#[test]
fn default_backend_serves_what_matches_nothing() {
    let t = RouteTable::from_routes(
        vec![route("api", None, "/api", PathKind::Prefix)],
        Some(route("default", None, "/", PathKind::Prefix)),
    );
    assert_eq!(hit(&t, None, "/api").as_deref(), Some("api"));
    assert_eq!(hit(&t, Some("x.test"), "/other?q=1").as_deref(), Some("default"));
    assert_eq!(
        t.lookup("web", None, "/other?q=1")
            .map(|m| m.upstream_path)
            .as_deref(),
        Some("/other?q=1")
    );
    assert_eq!(t.default_backend().map(|r| r.id.as_str()), Some("default"));
    assert!(RouteTable::empty().lookup("web", Some("x.test"), "/").is_none());
}

#[test]
fn routes_are_listed_in_precedence_order() {
    let t = table(vec![
        route("any", None, "/", PathKind::Prefix),
        route("exact-short", Some("a.test"), "/", PathKind::Prefix),
        route("wild", Some("*.test"), "/", PathKind::Prefix),
        route("exact-long", Some("a.test"), "/long", PathKind::Prefix),
    ]);
    let ids: Vec<&str> = t.routes().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["exact-long", "exact-short", "wild", "any"]);
}

#[test]
fn lookup_cost_does_not_depend_on_unrelated_rules() {
    // Not a timing: the number of index probes is bounded by the request, so a
    // table of many hosts answers the same as a table of one.
    let mut routes: Vec<Route> = (0..2000)
        .map(|i| {
            route(
                &format!("r{i}"),
                Some(&format!("h{i}.test")),
                "/p",
                PathKind::Prefix,
            )
        })
        .collect();
    routes.push(route("target", Some("target.test"), "/p", PathKind::Prefix));
    let t = table(routes);
    assert_eq!(hit(&t, Some("target.test"), "/p/q").as_deref(), Some("target"));
    assert_eq!(hit(&t, Some("h1999.test"), "/p").as_deref(), Some("r1999"));
    assert_eq!(t.routes().len(), 2001);
}
