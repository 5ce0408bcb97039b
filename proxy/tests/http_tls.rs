//! HTTPS entry points: the certificate chosen by SNI (exact, wildcard,
//! default, sniStrict), rotation during a stream of requests without a
//! failure, a bad Secret keeping the last good certificate, HTTP/2 clients,
//! and h2c and https upstreams. Clients trust a CA made at test time.

#[path = "http_support/env.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use hyper_util::rt::{TokioExecutor, TokioIo};
use passerelle_proxy::config::TlsVersion;
use passerelle_proxy::routing::{ObjectKey, Redirect, RedirectTarget, Service, UpstreamProtocol};
use passerelle_proxy::server::{EntryPoint, Options};
use passerelle_proxy::tls::{CertSources, Resolver, generate_default, server_config};
use support::*;

struct Tls {
    ca: Ca,
    sources: CertSources,
    proxy: Proxy,
}

fn secret(name: &str) -> ObjectKey {
    ObjectKey::new("default", name)
}

/// A proxy with a TLS entry point `https` (and `strict`, with sniStrict)
/// serving the Secrets `a` (a.test) and `wild` (*.wild.test), routing every
/// host to `up`.
async fn tls_proxy(routes: Vec<passerelle_proxy::routing::Route>, options: Options) -> Tls {
    init();
    let ca = Ca::new();
    let sources = CertSources::new();
    let fallback = generate_default().unwrap().key;
    let mut eps = Vec::new();
    for (name, strict) in [("https", false), ("strict", true)] {
        let handle = sources.add_entry_point(name);
        let resolver = Arc::new(Resolver::new(handle, fallback.clone(), strict));
        eps.push(EntryPoint {
            tls: Some(server_config(resolver, TlsVersion::Tls12)),
            strict_host: strict,
            ..http_ep(name)
        });
    }
    sources
        .set_secret(secret("a"), Some(ca.issue(&["a.test"], "a.test").bytes()))
        .unwrap();
    sources
        .set_secret(secret("wild"), Some(ca.issue(&["*.wild.test"], "wild").bytes()))
        .unwrap();
    let proxy = start(eps, routes, options).await;
    Tls { ca, sources, proxy }
}

#[tokio::test]
async fn picks_the_certificate_by_sni() {
    let up = backend("up").await;
    let t = tls_proxy(
        vec![route("up", None, "/", service("ns/up:80", &[up.addr]))],
        Options::default(),
    )
    .await;
    let (https, strict) = (t.proxy.addr("https"), t.proxy.addr("strict"));
    let trusted = t.ca.client(&[b"http/1.1"]);

    let s = tls(https, "a.test", trusted.clone()).await.unwrap();
    assert_eq!(served_cn(&s), "a.test");
    let r = tls_get(s, "a.test", "/").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.upstream_header("x-forwarded-proto").as_deref(), Some("https"));
    assert_eq!(r.upstream_header("x-forwarded-port").as_deref(), Some("443"));

    let s = tls(https, "x.wild.test", trusted.clone()).await.unwrap();
    assert_eq!(served_cn(&s), "wild");
    assert_eq!(tls_get(s, "x.wild.test", "/").await.status, 200);

    let s = tls(https, "unknown.test", client_trusting_anything())
        .await
        .unwrap();
    assert_eq!(served_cn(&s), "PASSERELLE DEFAULT CERT");
    assert!(
        tls(https, "unknown.test", trusted.clone()).await.is_err(),
        "the default certificate is not trusted"
    );

    assert!(
        tls(strict, "unknown.test", client_trusting_anything())
            .await
            .is_err(),
        "sniStrict refuses"
    );
    let s = tls(strict, "a.test", trusted.clone()).await.unwrap();
    assert_eq!(tls_get(s, "a.test", "/").await.status, 200);
    let s = tls(strict, "a.test", trusted.clone()).await.unwrap();
    assert_eq!(
        tls_get(s, "b.test", "/").await.status,
        421,
        "Host and SNI must agree there"
    );

    let text = t.proxy.metrics_text();
    assert!(
        text.contains("passerelle_tls_handshakes_total{entrypoint=\"strict\",result=\"failure\"} 1"),
        "{text}"
    );
}

#[tokio::test]
async fn rotation_during_a_request_stream_has_no_failure_and_bad_pem_keeps_the_last_good() {
    let up = backend("up").await;
    let t = tls_proxy(
        vec![route("up", None, "/", service("ns/up:80", &[up.addr]))],
        Options::default(),
    )
    .await;
    let https = t.proxy.addr("https");
    let trusted = t.ca.client(&[b"http/1.1"]);
    let before = t.ca.issue(&["a.test"], "a.test before");
    let after = t.ca.issue(&["a.test"], "a.test after");
    t.sources.set_secret(secret("a"), Some(before.bytes())).unwrap();

    // A client making a new TLS connection per request, without pause.
    let done = Arc::new(AtomicBool::new(false));
    let seen_after = Arc::new(AtomicUsize::new(0));
    let count = Arc::new(AtomicUsize::new(0));
    let stream = {
        let (done, seen_after, count, trusted) =
            (done.clone(), seen_after.clone(), count.clone(), trusted.clone());
        tokio::spawn(async move {
            let mut cns = Vec::new();
            while !done.load(Ordering::SeqCst) {
                let s = tls(https, "a.test", trusted.clone())
                    .await
                    .expect("handshake never fails");
                let cn = served_cn(&s);
                assert_eq!(tls_get(s, "a.test", "/").await.status, 200, "request never fails");
                if cn == "a.test after" {
                    seen_after.fetch_add(1, Ordering::SeqCst);
                }
                cns.push(cn);
                count.fetch_add(1, Ordering::SeqCst);
            }
            cns
        })
    };
    eventually("requests with the first certificate", || {
        count.load(Ordering::SeqCst) >= 10
    })
    .await;
    t.sources.set_secret(secret("a"), Some(after.bytes())).unwrap();
    eventually("requests with the new certificate", || {
        seen_after.load(Ordering::SeqCst) >= 10
    })
    .await;

    // Bad PEM, then a key that does not match: both refused, "after" stays.
    let mismatched = (after.cert.clone().into_bytes(), before.key.clone().into_bytes());
    assert!(
        t.sources
            .set_secret(secret("a"), Some((b"not pem".to_vec(), b"nope".to_vec())))
            .is_err()
    );
    assert!(t.sources.set_secret(secret("a"), Some(mismatched)).is_err());
    let mark = count.load(Ordering::SeqCst);
    eventually("requests after the bad updates", || {
        count.load(Ordering::SeqCst) >= mark + 10
    })
    .await;
    done.store(true, Ordering::SeqCst);
    let cns = within("the stream ends", stream).await.unwrap();

    let switched = cns.iter().position(|cn| cn == "a.test after").unwrap();
    assert!(switched >= 10);
    assert!(cns[..switched].iter().all(|cn| cn == "a.test before"), "{cns:?}");
    assert!(cns[switched..].iter().all(|cn| cn == "a.test after"), "{cns:?}");
}

#[tokio::test]
async fn http2_clients_are_forwarded_as_http11() {
    let up = backend("up").await;
    let t = tls_proxy(
        vec![route("up", None, "/", service("ns/up:80", &[up.addr]))],
        Options::default(),
    )
    .await;
    let s = tls(t.proxy.addr("https"), "a.test", t.ca.client(&[b"h2"]))
        .await
        .unwrap();
    assert_eq!(s.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut sender, conn) = hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(s))
        .await
        .unwrap();
    tokio::spawn(conn);
    for path in ["/one", "/two"] {
        let req = Request::get(format!("https://a.test{path}"))
            .header("cookie", "a=1")
            .header("cookie", "b=2")
            .body(Full::new(Bytes::new()))
            .unwrap();
        let r = read(sender.send_request(req).await.unwrap()).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("server"), Some("backend"));
        let json = r.json();
        assert_eq!(json["version"], "HTTP/1.1");
        assert_eq!(json["uri"], path);
        assert_eq!(json["headers"]["host"], "a.test");
        assert_eq!(json["headers"]["cookie"], "a=1; b=2");
    }
}

#[tokio::test]
async fn speaks_h2c_and_https_to_upstreams_that_ask() {
    init();
    let upstream_ca = Ca::new();
    let pem = upstream_ca.issue(&["127.0.0.1"], "upstream");
    let chain = rustls::pki_types::pem::PemObject::pem_slice_iter(pem.cert.as_bytes())
        .map(|c| c.unwrap())
        .collect();
    let key = rustls::pki_types::pem::PemObject::from_pem_slice(pem.key.as_bytes()).unwrap();
    let mut server = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let secure = backend_with("secure", Some(Arc::new(server))).await;
    let plain = backend("plain").await;

    let with = |name: &str, addr, protocol| {
        let mut s = Service::endpoints(name, [addr]);
        s.protocol = protocol;
        Arc::new(s)
    };
    let routes = vec![
        route(
            "h2c",
            Some("h2c.test"),
            "/",
            with("ns/h2c:80", plain.addr, UpstreamProtocol::H2c),
        ),
        route(
            "tls",
            Some("tls.test"),
            "/",
            with("ns/tls:443", secure.addr, UpstreamProtocol::Https),
        ),
    ];
    let options = Options {
        upstream_tls: Some(upstream_ca.client(&[])),
        ..Options::default()
    };
    let proxy = start(vec![http_ep("web")], routes, options).await;
    let web = proxy.addr("web");
    for _ in 0..3 {
        let r = get(web, "h2c.test", "/x?y").await;
        assert_eq!((r.status, r.json()["version"].as_str()), (200, Some("HTTP/2.0")));
        assert_eq!(r.json()["uri"], "http://h2c.test/x?y");
        let r = get(web, "tls.test", "/z").await;
        assert_eq!((r.status, r.json()["version"].as_str()), (200, Some("HTTP/2.0")));
        assert_eq!(r.json()["uri"], "https://tls.test/z");
    }
    assert_eq!(
        plain.conns.load(Ordering::SeqCst),
        1,
        "one shared HTTP/2 connection"
    );
    assert_eq!(
        secure.conns.load(Ordering::SeqCst),
        1,
        "one shared HTTP/2 connection"
    );

    // gRPC's `TE: trailers` reaches HTTP/2 upstreams (and only them).
    let with_te = |host: &str| {
        Request::get("/grpc")
            .header("host", host)
            .header("te", "trailers")
            .body(Full::new(Bytes::new()))
            .unwrap()
    };
    let r = send(web, with_te("h2c.test")).await;
    assert_eq!(r.upstream_header("te").as_deref(), Some("trailers"));
    let r = send(web, with_te("tls.test")).await;
    assert_eq!(r.upstream_header("te").as_deref(), Some("trailers"));

    // An upstream whose certificate the proxy does not trust: 502.
    let untrusted = Options {
        upstream_tls: Some(Ca::new().client(&[])),
        ..Options::default()
    };
    let routes = vec![route(
        "tls",
        None,
        "/",
        with("ns/tls:443", secure.addr, UpstreamProtocol::Https),
    )];
    let proxy = start(vec![http_ep("web")], routes, untrusted).await;
    assert_eq!(get(proxy.addr("web"), "tls.test", "/").await.status, 502);
}

#[tokio::test]
async fn http_entry_point_redirects_to_https_and_that_serves() {
    init();
    let up = backend("up").await;
    let ca = Ca::new();
    let sources = CertSources::new();
    let resolver = Resolver::new(
        sources.add_entry_point("https"),
        generate_default().unwrap().key,
        false,
    );
    sources
        .set_secret(secret("a"), Some(ca.issue(&["a.test"], "a.test").bytes()))
        .unwrap();
    let mut http = http_ep("http");
    http.redirect = Some(Redirect {
        target: RedirectTarget::EntryPoint("https".into()),
        permanent: false,
    });
    let https = EntryPoint {
        tls: Some(server_config(Arc::new(resolver), TlsVersion::Tls12)),
        ..http_ep("https")
    };
    let routes = vec![route("up", Some("a.test"), "/", service("ns/up:80", &[up.addr]))];
    let proxy = start(vec![http, https], routes, Options::default()).await;

    let r = get(proxy.addr("http"), "a.test", "/path?q=1").await;
    let location = format!("https://a.test:{}/path?q=1", proxy.addr("https").port());
    assert_eq!((r.status, r.header("location")), (302, Some(location.as_str())));
    let s = tls(proxy.addr("https"), "a.test", ca.client(&[b"http/1.1"]))
        .await
        .unwrap();
    let r = tls_get(s, "a.test", "/path?q=1").await;
    assert_eq!((r.status, r.json()["uri"].as_str()), (200, Some("/path?q=1")));
}
