//! Redirects over real sockets: Traefik's codes and `Location`s, the ACME
//! exception, a route's redirect to the entry point it is served on, and
//! the advertised port of the target entry point, down to the proxy started
//! from flags and a config file as the binary starts it.

#[path = "http_support/env.rs"]
mod support;

use bytes::Bytes;
use clap::Parser as _;
use http::Request;
use http_body_util::Full;
use passerelle_proxy::config::{Args, FileConfig, Settings};
use passerelle_proxy::routing::{Redirect, RedirectTarget};
use passerelle_proxy::server::{EntryPoint, Options};
use support::*;

#[tokio::test]
async fn redirects_with_traefik_codes_and_locations() {
    let up = backend("up").await;
    let s = service("ns/up:80", &[up.addr]);
    let acme = route(
        "acme",
        Some("a.test"),
        "/.well-known/acme-challenge/token",
        s.clone(),
    );
    let mut rooted = route("rooted", Some("r.test"), "/", s.clone());
    rooted.app_root = Some("/app".into());
    let mut regex = route("regex", Some("x.test"), "/", s.clone());
    regex.redirect = Some(Redirect {
        target: RedirectTarget::Regex {
            regex: "^http://x.test/(.*)$".into(),
            replacement: "http://y.test/$1".into(),
        },
        permanent: false,
    });
    let mut http = http_ep("http");
    http.redirect = Some(Redirect {
        target: RedirectTarget::EntryPoint("web".into()),
        permanent: false,
    });
    let mut perm = http_ep("perm");
    perm.redirect = Some(Redirect {
        target: RedirectTarget::EntryPoint("web".into()),
        permanent: true,
    });
    let proxy = start(
        vec![http, perm, http_ep("web")],
        vec![acme, rooted, regex],
        Options::default(),
    )
    .await;
    let web_port = proxy.addr("web").port();

    let redirect = |method: &str, ep: &str, host: &str, path: &str| {
        let (method, host, path) = (method.to_string(), host.to_string(), path.to_string());
        let addr = proxy.addr(ep);
        async move {
            let req = Request::builder()
                .method(method.as_str())
                .uri(path)
                .header("host", host);
            let r = send(addr, req.body(Full::new(Bytes::new())).unwrap()).await;
            (r.status, r.header("location").unwrap_or("").to_string())
        }
    };
    let loc = |path: &str| format!("http://a.test:{web_port}{path}");
    assert_eq!(
        redirect("GET", "http", "a.test", "/x?y=1").await,
        (302, loc("/x?y=1"))
    );
    assert_eq!(
        redirect("POST", "http", "a.test:80", "/x").await,
        (307, loc("/x"))
    );
    assert_eq!(redirect("GET", "perm", "a.test", "/").await, (301, loc("/")));
    assert_eq!(redirect("DELETE", "perm", "a.test", "/").await, (308, loc("/")));
    assert_eq!(
        redirect("GET", "web", "r.test", "/?q=1").await,
        (302, "/app?q=1".to_string())
    );
    assert_eq!(
        redirect("GET", "web", "x.test", "/p?q").await,
        (302, "http://y.test/p?q".to_string())
    );

    // ACME HTTP-01 challenges a route serves pass the global redirect.
    let r = get(proxy.addr("http"), "a.test", "/.well-known/acme-challenge/token").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["uri"], "/.well-known/acme-challenge/token");
    let r = get(proxy.addr("http"), "b.test", "/.well-known/acme-challenge/token").await;
    assert_eq!(
        r.status, 302,
        "a challenge no route serves is redirected like the rest"
    );
}

#[tokio::test]
async fn a_route_redirecting_to_an_entry_point_serves_on_that_one() {
    let up = backend("up").await;
    let mut r = route("up", Some("a.test"), "/", service("ns/up:80", &[up.addr]));
    // `redirect-entry-point: secure` on a route served on both entry points.
    r.redirect = Some(Redirect {
        target: RedirectTarget::EntryPoint("secure".into()),
        permanent: false,
    });
    let proxy = start(
        vec![http_ep("plain"), http_ep("secure")],
        vec![r],
        Options::default(),
    )
    .await;
    let secure_port = proxy.addr("secure").port();
    let r = get(proxy.addr("plain"), "a.test", "/p").await;
    let location = format!("http://a.test:{secure_port}/p");
    assert_eq!((r.status, r.header("location")), (302, Some(location.as_str())));
    let r = get(proxy.addr("secure"), "a.test", "/p").await;
    assert_eq!(r.status, 200, "no redirect loop on the target entry point");
    assert_eq!(r.json()["uri"], "/p");
}

#[tokio::test]
async fn redirects_name_the_advertised_port_not_the_bound_one() {
    let mut plain = http_ep("plain");
    plain.redirect = Some(Redirect {
        target: RedirectTarget::EntryPoint("default".into()),
        permanent: false,
    });
    let mut other = http_ep("other");
    other.redirect = Some(Redirect {
        target: RedirectTarget::EntryPoint("mapped".into()),
        permanent: false,
    });
    // Bound to any free port, reached by clients on 80 and 8080.
    let default = EntryPoint {
        advertised_port: Some(80),
        ..http_ep("default")
    };
    let mapped = EntryPoint {
        advertised_port: Some(8080),
        ..http_ep("mapped")
    };
    let proxy = start(
        vec![plain, other, default, mapped],
        Vec::new(),
        Options::default(),
    )
    .await;
    let r = get(proxy.addr("plain"), "a.test:81", "/x?y").await;
    assert_eq!(
        r.header("location"),
        Some("http://a.test/x?y"),
        "the scheme's default: no port"
    );
    let r = get(proxy.addr("other"), "a.test", "/x").await;
    assert_eq!(r.header("location"), Some("http://a.test:8080/x"));
}

/// The proxy as the binary runs it, from flags and a config file, without
/// the Kubernetes provider.
async fn run_proxy(flags: &[&str], config: Option<&str>) -> passerelle_proxy::run::Proxy {
    init();
    let args =
        Args::try_parse_from(std::iter::once("passerelle-proxy").chain(flags.iter().copied())).unwrap();
    let file = config.map(|text| FileConfig::parse(text, "traefik.toml").unwrap().0);
    let settings = Settings::resolve(&args, file.as_ref()).unwrap();
    passerelle_proxy::run::Proxy::start(settings).await.unwrap()
}

#[tokio::test]
async fn entrypoint_address_moves_the_listener_but_not_the_redirect_port() {
    // The Helm chart's shape: the file says :443, the container binds
    // elsewhere, the node's port 443 maps to it.
    let config = "[entryPoints.http]\naddress = \":80\"\n[entryPoints.http.redirect]\nentryPoint = \"https\"\n\
                  [entryPoints.https]\naddress = \":443\"\n[entryPoints.https.tls]\n";
    let proxy = run_proxy(
        &[
            "--entrypoint-address=http=127.0.0.1:0",
            "--entrypoint-address=https=127.0.0.1:0",
        ],
        Some(config),
    )
    .await;
    let http = proxy.entry_point_addr("http").unwrap();
    let served = tokio::spawn(proxy.serve(std::future::pending()));
    let r = get(http, "a.test", "/x?y=1").await;
    assert_eq!(
        (r.status, r.header("location")),
        (302, Some("https://a.test/x?y=1"))
    );
    served.abort();

    // Entry points that only flags define advertise where they are bound.
    let proxy = run_proxy(
        &[
            "--entryPoints=Name:http Address:127.0.0.1:0 Redirect.EntryPoint:https",
            "--entryPoints=Name:https Address:127.0.0.1:0 TLS",
        ],
        None,
    )
    .await;
    let (http, https) = (
        proxy.entry_point_addr("http").unwrap(),
        proxy.entry_point_addr("https").unwrap(),
    );
    let served = tokio::spawn(proxy.serve(std::future::pending()));
    let r = get(http, "a.test", "/x").await;
    let location = format!("https://a.test:{}/x", https.port());
    assert_eq!(r.header("location"), Some(location.as_str()));
    served.abort();
}
