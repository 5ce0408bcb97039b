//! The data plane over real sockets: routing by host and path, path
//! rewriting, forwarded headers and hosts, round robin, keep-alive and
//! streaming, against real upstream servers on 127.0.0.1:0. Redirects are in
//! `http_redirects.rs`.

#[path = "http_support/env.rs"]
mod support;

use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Full};
use passerelle_proxy::routing::{IpNet, PathKind, RuleType};
use passerelle_proxy::server::Options;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

#[tokio::test]
async fn routes_by_host_and_path_to_their_upstreams() {
    let (a, b, c) = (backend("a").await, backend("b").await, backend("c").await);
    let routes = vec![
        route("a", Some("a.test"), "/", service("ns/a:80", &[a.addr])),
        route("b", Some("a.test"), "/api", service("ns/b:80", &[b.addr])),
        route("c", Some("*.wild.test"), "/", service("ns/c:80", &[c.addr])),
    ];
    let proxy = start(vec![http_ep("web")], routes, Options::default()).await;
    let web = proxy.addr("web");
    let cases = [
        ("a.test", "/", Some("a")),
        ("A.Test:8080", "/x?q=1", Some("a")),
        ("a.test", "/api", Some("b")),
        ("a.test", "/api/v1", Some("b")),
        ("a.test", "/apis", Some("a")),
        ("x.wild.test", "/", Some("c")),
        ("x.y.wild.test", "/", None),
        ("other.test", "/", None),
    ];
    for (host, path, want) in cases {
        let r = get(web, host, path).await;
        match want {
            Some(name) => {
                assert_eq!(
                    r.header("server"),
                    Some("backend"),
                    "the upstream's own: {host}{path}"
                );
                assert_eq!(r.status, 200, "{host}{path}");
                assert_eq!(r.json()["name"], name, "{host}{path}");
                assert_eq!(
                    r.json()["uri"],
                    path,
                    "the path and query reach the upstream as sent"
                );
            }
            None => {
                assert_eq!(r.status, 404, "{host}{path}");
                assert_eq!(r.body, "404 page not found\n");
                assert_eq!(r.header("server"), Some("passerelle"), "{host}{path}");
            }
        }
    }
}

#[tokio::test]
async fn strips_replaces_and_rewrites_paths() {
    let up = backend("up").await;
    let s = service("ns/up:80", &[up.addr]);
    let mut strip = route("strip", Some("a.test"), "/api", s.clone());
    strip.rule_type = RuleType::PathPrefixStrip;
    let mut replace = route("replace", Some("b.test"), "/old", s.clone());
    replace.rule_type = RuleType::ReplacePath("/new".into());
    let mut rewrite = route("rewrite", Some("c.test"), "/app", s.clone());
    rewrite.rewrite_target = Some("/".into());
    let proxy = start(
        vec![http_ep("web")],
        vec![strip, replace, rewrite],
        Options::default(),
    )
    .await;
    let web = proxy.addr("web");

    let r = get(web, "a.test", "/api/users?id=7").await;
    assert_eq!(r.json()["uri"], "/users?id=7");
    assert_eq!(r.upstream_header("x-forwarded-prefix").as_deref(), Some("/api"));

    let r = get(web, "b.test", "/old/thing").await;
    assert_eq!(r.json()["uri"], "/new");
    assert_eq!(
        r.upstream_header("x-replaced-path").as_deref(),
        Some("/old/thing")
    );

    let r = get(web, "c.test", "/app/page").await;
    assert_eq!(r.json()["uri"], "/page");
}

#[tokio::test]
async fn sets_forwarded_headers_and_host() {
    let up = backend("up").await;
    let s = service("ns/up:80", &[up.addr]);
    let kept = route("kept", Some("a.test"), "/", s.clone());
    let mut replaced = route("replaced", Some("b.test"), "/", s.clone());
    replaced.pass_host_header = false;
    let proxy = start(vec![http_ep("web")], vec![kept, replaced], Options::default()).await;
    let web = proxy.addr("web");

    let req = Request::get("/")
        .header("host", "a.test:8080")
        .header("x-forwarded-for", "203.0.113.9")
        .header("connection", "keep-alive, x-hop")
        .header("x-hop", "secret")
        .header("te", "trailers")
        .header("x-replaced-path", "/admin")
        .header("x-forwarded-prefix", "/admin")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let r = send(web, req).await;
    let h = |name: &str| r.upstream_header(name);
    assert_eq!(h("host").as_deref(), Some("a.test:8080"));
    assert_eq!(h("x-forwarded-for").as_deref(), Some("203.0.113.9, 127.0.0.1"));
    assert_eq!(h("x-real-ip").as_deref(), Some("127.0.0.1"));
    assert_eq!(h("x-forwarded-proto").as_deref(), Some("http"));
    assert_eq!(h("x-forwarded-host").as_deref(), Some("a.test:8080"));
    assert_eq!(h("x-forwarded-port").as_deref(), Some("8080"));
    assert_eq!(h("x-hop"), None, "headers named by Connection are hop-by-hop");
    assert_eq!(h("te"), None, "TE goes to HTTP/2 upstreams only");
    assert_eq!(
        h("x-replaced-path"),
        None,
        "a client's X-Replaced-Path is removed"
    );
    assert_eq!(
        h("x-forwarded-prefix"),
        None,
        "a client's X-Forwarded-Prefix is removed"
    );
    assert_eq!(
        r.header("server"),
        Some("backend"),
        "the upstream's Server header is kept, as Traefik kept it"
    );
    assert_eq!(
        r.header("keep-alive"),
        None,
        "hop-by-hop response headers are dropped"
    );

    let r = get(web, "b.test", "/").await;
    assert_eq!(
        r.upstream_header("host"),
        Some(up.addr.to_string()),
        "preserve-host off: the endpoint's address"
    );
    assert_eq!(r.upstream_header("x-forwarded-host").as_deref(), Some("b.test"));
}

#[tokio::test]
async fn source_ranges_refuse_other_clients() {
    let up = backend("up").await;
    let s = service("ns/up:80", &[up.addr]);
    let mut inside = route("inside", Some("in.test"), "/", s.clone());
    inside.whitelist = vec![IpNet {
        addr: [127, 0, 0, 0].into(),
        prefix: 8,
    }];
    let mut outside = route("outside", Some("out.test"), "/", s.clone());
    outside.whitelist = vec![IpNet {
        addr: [10, 0, 0, 0].into(),
        prefix: 8,
    }];
    let proxy = start(vec![http_ep("web")], vec![inside, outside], Options::default()).await;
    assert_eq!(get(proxy.addr("web"), "in.test", "/").await.status, 200);
    assert_eq!(get(proxy.addr("web"), "out.test", "/").await.status, 403);
    assert_eq!(up.hits.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn round_robin_over_endpoints_on_kept_alive_connections() {
    let (a, b) = (backend("a").await, backend("b").await);
    let s = service("ns/ab:80", &[a.addr, b.addr]);
    let proxy = start(
        vec![http_ep("web")],
        vec![route("ab", None, "/", s)],
        Options::default(),
    )
    .await;
    let mut names = Vec::new();
    let mut client = h1::<Full<Bytes>>(proxy.addr("web")).await;
    for _ in 0..6 {
        let req = Request::get("/")
            .header("host", "any.test")
            .body(Full::new(Bytes::new()))
            .unwrap();
        let r = read(client.send_request(req).await.unwrap()).await;
        names.push(r.json()["name"].as_str().unwrap().to_string());
    }
    assert_eq!(names, ["a", "b", "a", "b", "a", "b"]);
    // Each upstream connection was reused: one per endpoint.
    assert_eq!(a.conns.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(b.conns.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn streams_bodies_both_ways_chunk_by_chunk() {
    let up = backend("up").await;
    let proxy = start(
        vec![http_ep("web")],
        vec![route("up", None, "/", service("ns/up:80", &[up.addr]))],
        Options::default(),
    )
    .await;
    let web = proxy.addr("web");

    // The request body is echoed back as it arrives: each chunk must come
    // back before the next is sent, so neither direction can be buffered whole.
    let (tx, rx) = mpsc::channel::<Bytes>(1);
    let mut client = h1::<ChannelBody>(web).await;
    let req = Request::post("/echo")
        .header("host", "a.test")
        .body(ChannelBody(rx))
        .unwrap();
    let mut body = within("echo response headers", async {
        tx.send(Bytes::from_static(b"one")).await.unwrap();
        client.send_request(req).await.unwrap()
    })
    .await
    .into_body();
    for chunk in ["one", "two", "three"] {
        if chunk != "one" {
            tx.send(Bytes::from(chunk)).await.unwrap();
        }
        let frame = within(chunk, body.frame()).await.unwrap().unwrap();
        assert_eq!(frame.into_data().unwrap(), chunk);
    }
    drop(tx);
    assert!(within("end of echo", body.frame()).await.is_none());

    // A response whose second chunk waits for the client to read the first.
    let r = within("chunks headers", async {
        let req = Request::get("/chunks")
            .header("host", "a.test")
            .body(Full::new(Bytes::new()))
            .unwrap();
        h1::<Full<Bytes>>(web).await.send_request(req).await.unwrap()
    })
    .await;
    let mut body = r.into_body();
    let first = within("first chunk", body.frame()).await.unwrap().unwrap();
    assert_eq!(first.into_data().unwrap(), "first;");
    up.release.notify_one();
    let rest = within("rest", body.collect()).await.unwrap().to_bytes();
    assert_eq!(rest, "second");
}

#[tokio::test]
async fn exact_paths_and_large_bodies() {
    let up = backend("up").await;
    let mut exact = route("exact", None, "/only", service("ns/up:80", &[up.addr]));
    exact.path_kind = PathKind::Exact;
    let proxy = start(vec![http_ep("web")], vec![exact], Options::default()).await;
    let web = proxy.addr("web");
    assert_eq!(get(web, "a.test", "/only").await.status, 200);
    assert_eq!(get(web, "a.test", "/only/").await.status, 404);
    let big = Bytes::from(vec![b'x'; 4 * 1024 * 1024]);
    let req = Request::post("/only")
        .header("host", "a.test")
        .body(Full::new(big))
        .unwrap();
    assert_eq!(send(web, req).await.json()["body"], 4 * 1024 * 1024);
}

/// Sends `raw` on a new connection and reads the whole answer (the request
/// says `Connection: close`).
async fn raw_exchange(addr: std::net::SocketAddr, raw: &str) -> String {
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(raw.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    within("the whole answer", tcp.read_to_end(&mut answer))
        .await
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn an_absolute_form_target_is_the_host_routed_and_forwarded() {
    let (open, admin) = (backend("open").await, backend("admin").await);
    let routes = vec![
        route(
            "open",
            Some("open.test"),
            "/",
            service("ns/open:80", &[open.addr]),
        ),
        route(
            "admin",
            Some("admin.test"),
            "/",
            service("ns/admin:80", &[admin.addr]),
        ),
    ];
    let proxy = start(vec![http_ep("web")], routes, Options::default()).await;
    let answer = raw_exchange(
        proxy.addr("web"),
        "GET http://open.test/x HTTP/1.1\r\nHost: admin.test\r\nConnection: close\r\n\r\n",
    )
    .await;
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{answer}");
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"));
    assert_eq!(json["name"], "open", "routed by the request target");
    assert_eq!(
        json["headers"]["host"], "open.test",
        "the upstream sees the host it was routed by (RFC 9112 §3.2.2)"
    );
    assert_eq!(json["uri"], "/x");
    assert_eq!(admin.hits.load(std::sync::atomic::Ordering::SeqCst), 0);
}
