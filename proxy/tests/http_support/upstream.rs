//! Real upstream servers on 127.0.0.1:0: hyper answering with what they
//! received as JSON (plain or TLS), a WebSocket echo, and an address where
//! nothing listens.

#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc};

/// A running upstream.
pub struct Backend {
    pub addr: SocketAddr,
    /// Requests received.
    pub hits: Arc<AtomicUsize>,
    /// Connections accepted.
    pub conns: Arc<AtomicUsize>,
    /// Released by the test to let `/hold` requests answer.
    pub release: Arc<Notify>,
}

/// An upstream named `name` answering every request with what it received,
/// as JSON. `/slow` never answers in time; `/hold` answers once released;
/// `/echo` streams the request body back as it arrives; `/chunks` sends
/// one chunk, then the rest once released.
pub async fn backend(name: &str) -> Backend {
    backend_with(name, None).await
}

/// The same upstream behind TLS with this certificate.
pub async fn backend_with(name: &str, tls: Option<Arc<rustls::ServerConfig>>) -> Backend {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let b = Backend {
        addr,
        hits: Arc::default(),
        conns: Arc::default(),
        release: Arc::new(Notify::new()),
    };
    let (name, hits, conns, release) = (
        name.to_string(),
        b.hits.clone(),
        b.conns.clone(),
        b.release.clone(),
    );
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let conn_id = conns.fetch_add(1, Ordering::SeqCst);
            let (name, hits, release, tls) = (name.clone(), hits.clone(), release.clone(), tls.clone());
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| {
                    hits.fetch_add(1, Ordering::SeqCst);
                    answer(name.clone(), conn_id, release.clone(), req)
                });
                let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                match tls {
                    None => {
                        let _ = builder.serve_connection(TokioIo::new(tcp), svc).await;
                    }
                    Some(config) => {
                        let Ok(tls) = tokio_rustls::TlsAcceptor::from(config).accept(tcp).await else {
                            return;
                        };
                        let _ = builder.serve_connection(TokioIo::new(tls), svc).await;
                    }
                }
            });
        }
    });
    b
}

type AnyBody = http_body_util::combinators::BoxBody<Bytes, hyper::Error>;

async fn answer(
    name: String,
    conn: usize,
    release: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<AnyBody>, Infallible> {
    let path = req.uri().path().to_string();
    match path.as_str() {
        "/slow" => tokio::time::sleep(Duration::from_secs(60)).await,
        "/hold" => release.notified().await,
        "/echo" => return Ok(Response::new(req.into_body().boxed())),
        "/chunks" => {
            let (tx, rx) = mpsc::channel(2);
            tokio::spawn(async move {
                let _ = tx.send(Bytes::from_static(b"first;")).await;
                release.notified().await;
                let _ = tx.send(Bytes::from_static(b"second")).await;
            });
            return Ok(Response::new(
                ChannelBody(rx).map_err(|never| match never {}).boxed(),
            ));
        }
        _ => {}
    }
    let mut headers = serde_json::Map::new();
    for (k, v) in req.headers() {
        let v = v.to_str().unwrap_or("").to_string();
        headers
            .entry(k.as_str())
            .and_modify(|e| *e = serde_json::Value::String(format!("{}, {v}", e.as_str().unwrap())))
            .or_insert(serde_json::Value::String(v));
    }
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes().len()).unwrap_or(0);
    let json = serde_json::json!({
        "name": name,
        "conn": conn,
        "method": parts.method.as_str(),
        "uri": parts.uri.to_string(),
        "version": format!("{:?}", parts.version),
        "headers": headers,
        "body": body,
    });
    let mut r = Response::new(
        Full::new(Bytes::from(json.to_string()))
            .map_err(|never| match never {})
            .boxed(),
    );
    r.headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    r.headers_mut().insert("server", "backend".parse().unwrap());
    r.headers_mut().insert("keep-alive", "timeout=5".parse().unwrap());
    Ok(r)
}

/// A WebSocket echo upstream.
pub async fn ws_backend() -> SocketAddr {
    use futures::{SinkExt, StreamExt};
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                while let Some(Ok(msg)) = ws.next().await {
                    if msg.is_text() || msg.is_binary() {
                        let _ = ws.send(msg).await;
                    }
                }
            });
        }
    });
    addr
}

/// An address where nothing listens (connections are refused).
pub fn refused_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// A body fed chunk by chunk from a channel.
pub struct ChannelBody(pub mpsc::Receiver<Bytes>);

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|c| c.map(|b| Ok(Frame::data(b))))
    }
}
