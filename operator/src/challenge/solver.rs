//! The HTTP-01 solver server: answers the CA's
//! `GET /.well-known/acme-challenge/<token>` (RFC 8555 §8.3) with the key
//! authorization of the presented Challenge of that token, for the name in
//! the `Host` header. It serves from a reflector over Challenges, so every
//! replica serves every Challenge without any coordination; a route reaches
//! whichever replica the solver EndpointSlice sends it to. Anything else is
//! a 404. Key authorizations are never logged.

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use kube::Api;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use passerelle_crds::acme::Challenge;
use passerelle_crds::acme::challenge::AcmeChallengeType;
use tokio::net::TcpListener;

use crate::context::Context;

/// The path prefix of HTTP-01 requests (RFC 8555 §8.3).
const PREFIX: &str = "/.well-known/acme-challenge/";

/// Serves HTTP-01 key authorizations on `listener` until the process stops,
/// from a watch of the Challenges of `--namespace` (or all namespaces).
pub async fn serve(ctx: Arc<Context>, listener: TcpListener) {
    let api: Api<Challenge> = match ctx.config.namespace.as_deref() {
        Some(ns) => Api::namespaced(ctx.client.clone(), ns),
        None => Api::all(ctx.client.clone()),
    };
    let (reader, writer) = reflector::store();
    let watch = reflector::reflector(writer, watcher(api, watcher::Config::default()).default_backoff()).for_each(
        |event| async move {
            if let Err(error) = event {
                tracing::warn!(error = %crate::reconcile::error_chain(&error), "Watching Challenges for the solver failed, retrying");
            }
        },
    );
    tokio::join!(watch, serve_store(listener, reader));
}

/// Serves the Challenges of `store` on `listener`, until the process stops.
pub async fn serve_store(listener: TcpListener, store: Store<Challenge>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: pause, keep serving.
                tracing::warn!(%error, "Accepting a solver connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let store = store.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let store = store.clone();
                async move { Ok::<_, Infallible>(handle(&store, &request)) }
            });
            if let Err(error) = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%peer, %error, "Solver connection ended with an error");
            }
        });
    }
}

fn handle(store: &Store<Challenge>, request: &http::Request<Incoming>) -> http::Response<Full<Bytes>> {
    let host = request
        .headers()
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let found = match *request.method() {
        http::Method::GET | http::Method::HEAD => answer(&store.state(), host, request.uri().path()),
        _ => None,
    };
    let response = http::Response::builder().header(http::header::CACHE_CONTROL, "no-store");
    let response = match found {
        Some((name, key)) => {
            tracing::debug!(challenge = %name, "Served an HTTP-01 key authorization");
            response
                .status(http::StatusCode::OK)
                .header(http::header::CONTENT_TYPE, "text/plain")
                .body(Full::from(key))
        }
        None => response
            .status(http::StatusCode::NOT_FOUND)
            .body(Full::from("404 page not found\n")),
    };
    response.unwrap_or_else(|_| http::Response::new(Full::default()))
}

/// The Challenge (`namespace/name`) and key authorization answering `path`
/// for `host`: an HTTP-01 Challenge, presented or processing, whose token is
/// the path's last segment and whose name is the host (without port,
/// case-insensitively).
pub fn answer(challenges: &[Arc<Challenge>], host: Option<&str>, path: &str) -> Option<(String, String)> {
    let token = path
        .strip_prefix(PREFIX)
        .filter(|t| !t.is_empty() && !t.contains('/'))?;
    let host = host_name(host?);
    challenges
        .iter()
        .filter(|c| c.spec.type_ == AcmeChallengeType::Http01 && c.spec.token == token)
        .filter(|c| {
            let status = c.status.as_ref();
            status.and_then(|s| s.presented).unwrap_or(false)
                || status.and_then(|s| s.processing).unwrap_or(false)
        })
        .find(|c| same_name(&c.spec.dns_name, host))
        .map(|c| {
            let namespace = c.metadata.namespace.clone().unwrap_or_default();
            (
                format!("{namespace}/{}", c.metadata.name.clone().unwrap_or_default()),
                c.spec.key.clone(),
            )
        })
}

/// The name of a `Host` header: without its port (validators send
/// `name:port` for ports other than 80), without IPv6 brackets, without a
/// trailing dot.
fn host_name(host: &str) -> &str {
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => match host.rsplit_once(':') {
            Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        },
    };
    name.strip_suffix('.').unwrap_or(name)
}

/// Whether a Challenge's name is `host`: DNS names case-insensitively (RFC
/// 4343), IP addresses by value.
fn same_name(dns_name: &str, host: &str) -> bool {
    match (dns_name.parse::<IpAddr>(), host.parse::<IpAddr>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => dns_name.trim_end_matches('.').eq_ignore_ascii_case(host),
    }
}
