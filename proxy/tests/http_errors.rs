//! What clients get when things go wrong — upstream down 502, no endpoints
//! 503, slow upstream 504, oversized headers 431 — and the retry on another
//! endpoint, graceful shutdown, the access log and the metrics.

#[path = "http_support/env.rs"]
mod support;

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use passerelle_proxy::routing::{Service, Upstream};
use passerelle_proxy::server::{AccessLog, AccessLogFormat, Options};
use support::*;

#[tokio::test]
async fn upstream_failures_map_to_502_503_504() {
    let slow = backend("slow").await;
    let routes = vec![
        route(
            "down",
            Some("down.test"),
            "/",
            service("ns/down:80", &[refused_addr()]),
        ),
        route("none", Some("none.test"), "/", service("ns/none:80", &[])),
        route(
            "gone",
            Some("gone.test"),
            "/",
            Arc::new(Service::new(
                "ns/gone:80",
                Upstream::Unavailable("service ns/gone not found".into()),
            )),
        ),
        route(
            "slow",
            Some("slow.test"),
            "/",
            service("ns/slow:80", &[slow.addr]),
        ),
    ];
    let options = Options {
        response_header_timeout: Some(Duration::from_millis(300)),
        ..Options::default()
    };
    let proxy = start(vec![http_ep("web")], routes, options).await;
    let web = proxy.addr("web");
    let cases = [
        ("down.test", "/", 502, "Bad Gateway\n"),
        ("none.test", "/", 503, "Service Unavailable\n"),
        ("gone.test", "/", 503, "Service Unavailable\n"),
        ("slow.test", "/slow", 504, "Gateway Timeout\n"),
    ];
    for (host, path, status, body) in cases {
        let r = get(web, host, path).await;
        assert_eq!((r.status, r.body.as_str()), (status, body), "{host}");
        assert_eq!(r.header("server"), Some("passerelle"), "the proxy's own answers");
    }
    // The slow upstream is still usable for requests that answer in time.
    assert_eq!(get(web, "slow.test", "/fast").await.status, 200);
}

#[tokio::test]
async fn external_names_are_resolved_when_connecting() {
    let up = backend("up").await;
    let external = Service::new(
        "ns/ext:80",
        Upstream::ExternalName {
            host: "localhost".into(),
            port: up.addr.port(),
        },
    );
    let proxy = start(
        vec![http_ep("web")],
        vec![route("ext", None, "/", Arc::new(external))],
        Options::default(),
    )
    .await;
    let r = get(proxy.addr("web"), "a.test", "/x").await;
    assert_eq!((r.status, r.json()["name"].as_str()), (200, Some("up")));
    assert_eq!(r.upstream_header("host").as_deref(), Some("a.test"));
}

#[tokio::test]
async fn refused_endpoint_is_retried_on_another_and_skipped() {
    let good = backend("good").await;
    let s = service("ns/mixed:80", &[refused_addr(), good.addr]);
    // Down for longer than any test run: the one retry is the only one,
    // however slow the machine.
    let options = Options {
        down_for: Duration::from_secs(3600),
        ..Options::default()
    };
    let proxy = start(vec![http_ep("web")], vec![route("mixed", None, "/", s)], options).await;
    for _ in 0..6 {
        let r = get(proxy.addr("web"), "a.test", "/").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["name"], "good");
    }
    let text = proxy.metrics_text();
    assert!(
        text.contains("traefik_backend_retries_total{backend=\"ns/mixed:80\"} 1\n"),
        "{text}"
    );
}

#[tokio::test]
async fn the_response_timeout_starts_once_the_request_body_is_sent() {
    let up = backend("up").await;
    let options = Options {
        response_header_timeout: Some(Duration::from_millis(200)),
        ..Options::default()
    };
    let proxy = start(
        vec![http_ep("web")],
        vec![route("up", None, "/", service("ns/up:80", &[up.addr]))],
        options,
    )
    .await;
    // An upload slower than the response timeout: the upstream answers once
    // it has the whole body, which is no delay of its own.
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(1);
    let mut client = h1::<ChannelBody>(proxy.addr("web")).await;
    let req = Request::post("/upload")
        .header("host", "a.test")
        .body(ChannelBody(rx))
        .unwrap();
    let upload = tokio::spawn(async move {
        tx.send(Bytes::from_static(b"first;")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(600)).await;
        tx.send(Bytes::from_static(b"second")).await.unwrap();
    });
    let r = read(within("the response", client.send_request(req)).await.unwrap()).await;
    upload.await.unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["body"], 12);
}

#[tokio::test]
async fn read_and_write_timeouts_cut_slow_clients_and_slow_answers() {
    let up = backend("up").await;
    let options = Options {
        read_timeout: Some(Duration::from_millis(100)),
        write_timeout: Some(Duration::from_millis(1500)),
        ..Options::default()
    };
    let proxy = start(
        vec![http_ep("web")],
        vec![route("up", None, "/", service("ns/up:80", &[up.addr]))],
        options,
    )
    .await;
    let web = proxy.addr("web");

    // A body that never ends: 408 once the read timeout passes.
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(1);
    tx.send(Bytes::from_static(b"never finished")).await.unwrap();
    let mut client = h1::<ChannelBody>(web).await;
    let req = Request::post("/upload")
        .header("host", "a.test")
        .body(ChannelBody(rx))
        .unwrap();
    let r = read(within("the 408", client.send_request(req)).await.unwrap()).await;
    assert_eq!((r.status, r.body.as_str()), (408, "Request Timeout\n"));
    drop(tx);

    // An answer that never comes: the connection is closed.
    let req = Request::get("/hold")
        .header("host", "a.test")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let held = within("the close", h1::<Full<Bytes>>(web).await.send_request(req)).await;
    assert!(held.is_err(), "{held:?}");

    // What answers in time is served.
    assert_eq!(get(web, "a.test", "/fast").await.status, 200);
}

#[tokio::test]
async fn oversized_or_too_many_headers_get_431() {
    let up = backend("up").await;
    let options = Options {
        max_header_bytes: 16 * 1024,
        max_headers: 50,
        ..Options::default()
    };
    let proxy = start(
        vec![http_ep("web")],
        vec![route("up", None, "/", service("ns/up:80", &[up.addr]))],
        options,
    )
    .await;
    let web = proxy.addr("web");

    let req = |extra: &dyn Fn(http::request::Builder) -> http::request::Builder| {
        extra(Request::get("/").header("host", "a.test"))
            .body(Full::new(Bytes::new()))
            .unwrap()
    };
    let big = "x".repeat(20 * 1024);
    assert_eq!(
        send(web, req(&|b| b.header("x-big", big.as_str()))).await.status,
        431
    );
    let many = |b: http::request::Builder| (0..60).fold(b, |b, i| b.header(format!("x-h{i}"), "v"));
    assert_eq!(send(web, req(&many)).await.status, 431);
    let fits = "x".repeat(8 * 1024);
    assert_eq!(
        send(web, req(&|b| b.header("x-fits", fits.as_str())))
            .await
            .status,
        200
    );
    assert_eq!(
        up.hits.load(Ordering::SeqCst),
        1,
        "refused requests never reach the upstream"
    );
}

#[tokio::test]
async fn shutdown_finishes_in_flight_requests_and_stops_accepting() {
    let up = backend("up").await;
    let options = Options {
        shutdown_timeout: Duration::from_secs(30),
        ..Options::default()
    };
    let mut proxy = start(
        vec![http_ep("web")],
        vec![route("up", None, "/", service("ns/up:80", &[up.addr]))],
        options,
    )
    .await;
    let web = proxy.addr("web");
    let in_flight = tokio::spawn(async move { get(web, "a.test", "/hold").await });
    eventually("the upstream has the request", || {
        up.hits.load(Ordering::SeqCst) == 1
    })
    .await;

    proxy.shutdown();
    within("no new connections", async {
        while tokio::net::TcpStream::connect(web).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    let served = proxy.served.take().unwrap();
    assert!(
        !served.is_finished(),
        "the server waits for the request in flight"
    );

    up.release.notify_one();
    let r = within("the in-flight response", in_flight).await.unwrap();
    assert_eq!(r.status, 200);
    within("the server stops", served).await.unwrap();
}

#[tokio::test]
async fn shutdown_deadline_closes_what_remains() {
    let up = backend("up").await;
    let options = Options {
        shutdown_timeout: Duration::from_millis(100),
        ..Options::default()
    };
    let mut proxy = start(
        vec![http_ep("web")],
        vec![route("up", None, "/", service("ns/up:80", &[up.addr]))],
        options,
    )
    .await;
    let web = proxy.addr("web");
    let in_flight = tokio::spawn(async move {
        let req = Request::get("/hold")
            .header("host", "a.test")
            .body(Full::new(Bytes::new()))
            .unwrap();
        h1::<Full<Bytes>>(web).await.send_request(req).await
    });
    eventually("the upstream has the request", || {
        up.hits.load(Ordering::SeqCst) == 1
    })
    .await;
    proxy.shutdown();
    within("the server stops at the deadline", proxy.served.take().unwrap())
        .await
        .unwrap();
    assert!(
        within("the client sees the close", in_flight)
            .await
            .unwrap()
            .is_err()
    );
}

/// A writer tests can read back.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test]
async fn writes_access_log_lines_and_traefik_metrics() {
    let up = backend("up").await;
    let log = Buffer::default();
    let options = Options {
        access_log: Some(Arc::new(AccessLog::to_writer(
            AccessLogFormat::Common,
            Box::new(log.clone()),
        ))),
        ..Options::default()
    };
    let proxy = start(
        vec![http_ep("web")],
        vec![route("up", Some("a.test"), "/", service("ns/up:80", &[up.addr]))],
        options,
    )
    .await;
    let web = proxy.addr("web");
    let req = Request::get("/page?x=1")
        .header("host", "a.test")
        .header("user-agent", "test-agent/1")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let r = send(web, req).await;
    assert_eq!(r.status, 200);
    assert_eq!(get(web, "nowhere.test", "/").await.status, 404);

    eventually("two access log lines", || log.text().lines().count() == 2).await;
    let text = log.text();
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().find(|l| l.contains("/page")).unwrap();
    assert!(first.starts_with("127.0.0.1 - - ["), "{first}");
    let size = r.body.len();
    let backend_url = format!("\"http://{}\"", up.addr);
    assert!(
        first.contains(&format!(
            "\"GET /page?x=1 HTTP/1.1\" 200 {size} \"-\" \"test-agent/1\""
        )),
        "{first}"
    );
    assert!(first.contains(&format!("\"up\" {backend_url} ")), "{first}");
    assert!(first.ends_with("ms"), "{first}");
    let second = lines
        .iter()
        .find(|l| l.contains("\"GET / HTTP/1.1\" 404 19"))
        .unwrap();
    assert!(second.contains("\"-\" \"-\" "), "{second}");

    let text = proxy.metrics_text();
    for want in [
        "traefik_entrypoint_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",entrypoint=\"web\"} 1",
        "traefik_entrypoint_requests_total{code=\"404\",method=\"GET\",protocol=\"http\",entrypoint=\"web\"} 1",
        "traefik_backend_requests_total{backend=\"ns/up:80\",code=\"200\",method=\"GET\",protocol=\"http\"} 1",
        "traefik_entrypoint_open_connections{method=\"GET\",protocol=\"http\",entrypoint=\"web\"} 0",
        "traefik_entrypoint_request_duration_seconds_count{code=\"200\",method=\"GET\",protocol=\"http\",entrypoint=\"web\"} 1",
    ] {
        assert!(text.contains(want), "missing {want} in\n{text}");
    }
}
