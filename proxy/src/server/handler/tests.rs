//! Table tests of [`super::decide`]: what each request gets before any
//! upstream is involved.

use std::collections::HashMap;
use std::sync::Arc;

use http::{Method, StatusCode};

use super::*;
use crate::routing::{HostMatch, ObjectKey, PathKind, Route, RouteTable, Service};

fn route(id: &str, host: HostMatch, path: &str) -> Route {
    let service = Arc::new(Service::endpoints("ns/web:80", ["10.0.0.1:80".parse().unwrap()]));
    Route::new(
        id,
        ObjectKey::new("ns", "web"),
        host,
        path,
        PathKind::Prefix,
        service,
    )
}

fn ep(name: &str, scheme: &'static str, redirect: Option<Redirect>) -> EntryPointRuntime {
    EntryPointRuntime {
        name: Arc::from(name),
        scheme,
        redirect,
        strict_host: false,
    }
}

fn to(target: &str, permanent: bool) -> Option<Redirect> {
    Some(Redirect {
        target: RedirectTarget::EntryPoint(target.into()),
        permanent,
    })
}

/// What `decide` answers, as a string: `302 https://…`, `forward`, `404`.
fn outcome(
    table: &RouteTable,
    ep: &EntryPointRuntime,
    method: Method,
    host: &str,
    pq: &str,
    client: &str,
) -> String {
    let ports: HashMap<String, (&'static str, u16)> = [
        ("http".to_string(), ("http", 80)),
        ("https".to_string(), ("https", 8443)),
    ]
    .into();
    let regexes = Regexes::default();
    let ctx = RedirectContext {
        entry_points: &ports,
        regexes: &regexes,
    };
    let matched = table.lookup(&ep.name, Some(host), pq);
    let view = RequestView {
        method: &method,
        host: Some(host),
        path_and_query: pq,
        client: client.parse().unwrap(),
    };
    match decide(&ctx, ep, matched.as_ref(), &view) {
        Action::Redirect { status, location } => format!("{} {location}", status.as_u16()),
        Action::Forward => "forward".into(),
        Action::Fail(e) => e.status().as_u16().to_string(),
    }
}

#[test]
fn entry_point_redirect_spares_routed_acme_challenges() {
    let table = RouteTable::from_routes(
        vec![
            route("app", HostMatch::Exact("a.test".into()), "/"),
            route(
                "acme",
                HostMatch::Exact("a.test".into()),
                "/.well-known/acme-challenge/tok",
            ),
        ],
        None,
    );
    let http = ep("http", "http", to("https", false));
    let cases = [
        (Method::GET, "a.test", "/x?y=1", "302 https://a.test:8443/x?y=1"),
        (Method::POST, "a.test:80", "/x", "307 https://a.test:8443/x"),
        (
            Method::GET,
            "a.test",
            "/.well-known/acme-challenge/tok",
            "forward",
        ),
        // Not routed: the redirect applies (and HTTPS answers 404 later).
        (
            Method::GET,
            "b.test",
            "/.well-known/acme-challenge/tok",
            "302 https://b.test:8443/.well-known/acme-challenge/tok",
        ),
        (Method::GET, "b.test", "/", "302 https://b.test:8443/"),
    ];
    for (method, host, pq, want) in cases {
        assert_eq!(
            outcome(&table, &http, method, host, pq, "192.0.2.1"),
            want,
            "{host}{pq}"
        );
    }
    let permanent = ep("http", "http", to("https", true));
    assert_eq!(
        outcome(&table, &permanent, Method::GET, "a.test", "/", "192.0.2.1"),
        "301 https://a.test:8443/"
    );
    assert_eq!(
        outcome(&table, &permanent, Method::PUT, "a.test", "/", "192.0.2.1"),
        "308 https://a.test:8443/"
    );
}

#[test]
fn routes_are_checked_in_traefik_order() {
    let mut listed = route("listed", HostMatch::Exact("w.test".into()), "/");
    listed.whitelist = vec![IpNet {
        addr: [10, 1, 0, 0].into(),
        prefix: 16,
    }];
    listed.redirect = to("https", false);
    let mut root = route("root", HostMatch::Exact("r.test".into()), "/");
    root.app_root = Some("/app".into());
    let mut regex = route("regex", HostMatch::Exact("x.test".into()), "/");
    regex.redirect = Some(Redirect {
        target: RedirectTarget::Regex {
            regex: "^http://x.test/old/(.*)".into(),
            replacement: "http://x.test/new/$1".into(),
        },
        permanent: true,
    });
    let table = RouteTable::from_routes(vec![listed, root, regex], None);
    let http = ep("http", "http", None);
    let cases = [
        ("nowhere.test", "/", "192.0.2.1", "404"),
        ("w.test", "/", "192.0.2.1", "403"),
        ("w.test", "/p", "10.1.2.3", "302 https://w.test:8443/p"),
        ("w.test", "/p", "::ffff:10.1.2.3", "302 https://w.test:8443/p"),
        ("r.test", "/?a=1", "192.0.2.1", "302 /app?a=1"),
        ("r.test", "/other", "192.0.2.1", "forward"),
        ("x.test", "/old/a?b", "192.0.2.1", "301 http://x.test/new/a?b"),
        ("x.test", "/current", "192.0.2.1", "forward"),
    ];
    for (host, pq, client, want) in cases {
        assert_eq!(
            outcome(&table, &http, Method::GET, host, pq, client),
            want,
            "{host}{pq} from {client}"
        );
    }
}

#[test]
fn a_redirect_to_the_entry_point_the_request_arrived_on_is_skipped() {
    let mut r = route("r", HostMatch::Exact("a.test".into()), "/");
    r.redirect = to("https", false);
    let table = RouteTable::from_routes(vec![r], None);
    let on = |ep: &EntryPointRuntime| outcome(&table, ep, Method::GET, "a.test", "/p?q", "192.0.2.1");
    assert_eq!(on(&ep("http", "http", None)), "302 https://a.test:8443/p?q");
    assert_eq!(
        on(&ep("https", "https", None)),
        "forward",
        "redirect-entry-point: https on https would loop"
    );
    assert_eq!(
        on(&ep("https", "https", to("https", true))),
        "forward",
        "nor does an entry point redirect to itself"
    );
}

#[test]
fn redirect_to_unknown_entry_point_is_ignored() {
    let mut r = route("r", HostMatch::Any, "/");
    r.redirect = to("nope", false);
    let table = RouteTable::from_routes(vec![r], None);
    assert_eq!(
        outcome(
            &table,
            &ep("http", "http", None),
            Method::GET,
            "a.test",
            "/",
            "192.0.2.1"
        ),
        "forward"
    );
}

#[test]
fn source_ranges() {
    let net = |s: &str, prefix| IpNet {
        addr: s.parse().unwrap(),
        prefix,
    };
    let cases = [
        (net("10.0.0.0", 8), "10.255.0.1", true),
        (net("10.0.0.0", 8), "11.0.0.1", false),
        (net("192.0.2.7", 32), "192.0.2.7", true),
        (net("0.0.0.0", 0), "203.0.113.1", true),
        (net("2001:db8::", 32), "2001:db8:1::1", true),
        (net("2001:db8::", 32), "2001:db9::1", false),
        (net("10.0.0.0", 8), "::ffff:10.0.0.1", true),
        (net("2001:db8::", 32), "10.0.0.1", false),
    ];
    for (net, ip, want) in cases {
        assert_eq!(contains(&net, ip.parse().unwrap()), want, "{net:?} {ip}");
    }
}

#[test]
fn cookies_are_joined_for_http1() {
    let mut h = http::HeaderMap::new();
    h.append(header::COOKIE, HeaderValue::from_static("a=1"));
    h.append(header::COOKIE, HeaderValue::from_static("b=2"));
    join_cookies(&mut h);
    assert_eq!(h.get_all(header::COOKIE).iter().collect::<Vec<_>>(), ["a=1; b=2"]);
    assert_eq!(StatusCode::OK, 200);
}
