//! Sending one request upstream: pick an endpoint, take a pooled connection
//! or open one, send, wait for the response headers within the timeout,
//! which starts once the request body has been sent whole (Go's
//! `ResponseHeaderTimeout`: an upload as slow as the client is not the
//! upstream's delay). A connection that fails before anything was sent
//! (refused, connect timeout, TLS handshake) marks the endpoint down and the
//! request goes once to another endpoint; a pooled connection that turns out
//! closed before sending is replaced without counting as that retry. Bodies
//! stream through.

use std::future::Future;
use std::time::Duration;

use http::header::{self, HeaderValue};
use http::{Request, Response, Uri, Version};
use hyper::body::Incoming;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::Phase;
use super::connect::{Connector, Key, Proto, Sender, Target};
use super::error::ProxyError;
use super::pool::Pool;
use super::request_body::{RequestBody, is_read_timeout};
use crate::routing::Service;

/// Forwarding to upstreams: the pool, the connector and the timeouts.
pub(crate) struct Upstreams {
    pub(crate) pool: Pool,
    pub(crate) connector: Connector,
    /// From the end of the request body to the response headers.
    pub(crate) response_timeout: Option<Duration>,
    /// How long the client may take to send the request body.
    pub(crate) read_timeout: Option<Duration>,
}

/// What the request carries to the upstream besides its headers.
pub(crate) struct Outgoing {
    /// The path and query to send (after strip/replace/rewrite).
    pub(crate) path_and_query: String,
    /// Whether the client's Host is sent (else the endpoint's address).
    pub(crate) pass_host: bool,
    /// Whether the client sent `TE: trailers`, which HTTP/2 upstreams get
    /// (gRPC requires it, RFC 9113 §8.2.2).
    pub(crate) te_trailers: bool,
    /// When the request arrived (its headers were read).
    pub(crate) start: Instant,
}

impl Upstreams {
    /// Sends `req` to one of `service`'s endpoints; `on_retry` is called when
    /// the request goes to a second endpoint. The response comes with the
    /// endpoint that sent it.
    pub(crate) async fn send(
        &self,
        service: &Service,
        req: Request<Incoming>,
        out: &Outgoing,
        on_retry: impl FnOnce(),
    ) -> Result<(Response<Incoming>, Target), ProxyError> {
        let deadline = self.read_timeout.map(|t| out.start + t);
        let (parts, body) = req.into_parts();
        let (body, sent) = RequestBody::new(body, deadline);
        let mut req = Request::from_parts(parts, body);
        let (first, mut second) = self.pool.pick(service)?;
        let proto = Proto::from(service.protocol);
        let mut key = Key { target: first, proto };
        let mut on_retry = Some(on_retry);
        loop {
            let (mut sender, fresh) = match self.pool.checkout(&key) {
                Some(sender) => (sender, false),
                None => match self.connector.connect(&key).await {
                    Ok(Sender::H2(h2)) => {
                        self.pool.share(key.clone(), h2.clone());
                        (Sender::H2(h2), true)
                    }
                    Ok(sender) => (sender, true),
                    Err(error) => {
                        if !error.is_retryable() {
                            return Err(error);
                        }
                        self.pool.mark_down(&key.target);
                        match second.take() {
                            Some(next) => {
                                tracing::debug!(upstream = %key.target, %error, "Retrying on another endpoint");
                                if let Some(f) = on_retry.take() {
                                    f();
                                }
                                key.target = next;
                                continue;
                            }
                            None => return Err(error),
                        }
                    }
                },
            };
            prepare(&mut req, &sender, &key, out)?;
            let answered = match &mut sender {
                Sender::H1(h1) => {
                    response_within(self.response_timeout, sent.clone(), h1.try_send_request(req)).await
                }
                Sender::H2(h2) => {
                    response_within(self.response_timeout, sent.clone(), h2.try_send_request(req)).await
                }
            };
            match answered {
                Err(timeout) => {
                    return Err(ProxyError::ResponseTimeout {
                        upstream: key.target.to_string(),
                        timeout,
                    });
                }
                Ok(Ok(response)) => {
                    let target = key.target.clone();
                    if let Sender::H1(h1) = sender
                        && response.status() != http::StatusCode::SWITCHING_PROTOCOLS
                    {
                        self.pool.release(key, h1);
                    }
                    return Ok((response, target));
                }
                Ok(Err(mut error)) => match error.take_message() {
                    Some(back) if !fresh => {
                        tracing::debug!(upstream = %key.target, "Pooled connection closed; opening another");
                        req = back;
                    }
                    _ => {
                        let source = error.into_error();
                        if is_read_timeout(&source)
                            && let Some(timeout) = self.read_timeout
                        {
                            return Err(ProxyError::RequestTimeout { timeout });
                        }
                        return Err(ProxyError::Upstream {
                            upstream: key.target.to_string(),
                            source,
                        });
                    }
                },
            }
        }
    }
}

/// Waits for `response` with no limit while the request body is being
/// sent (`sent` turns `true`, or closes when the body is dropped unsent),
/// then for `timeout` at most. The error is the timeout that passed.
async fn response_within<T>(
    timeout: Option<Duration>,
    mut sent: watch::Receiver<bool>,
    response: impl Future<Output = T>,
) -> Result<T, Duration> {
    tokio::pin!(response);
    tokio::select! {
        biased;
        answered = &mut response => return Ok(answered),
        _ = sent.wait_for(|sent| *sent) => {}
    }
    match timeout {
        Some(timeout) => tokio::time::timeout(timeout, response).await.map_err(|_| timeout),
        None => Ok(response.await),
    }
}

/// Adapts the request to the connection it goes on: HTTP/1.1 takes the
/// path in origin form and a Host header; HTTP/2 takes an absolute URI
/// whose authority is that host, no connection-specific header, and
/// `TE: trailers` when the client sent it.
fn prepare(
    req: &mut Request<RequestBody>,
    sender: &Sender,
    key: &Key,
    out: &Outgoing,
) -> Result<(), ProxyError> {
    let host = if out.pass_host {
        req.headers().get(header::HOST).cloned()
    } else {
        None
    };
    let host = match host {
        Some(h) => h,
        None => HeaderValue::from_str(&key.target.to_string())
            .map_err(|_| ProxyError::BadRequest("upstream address is not a valid host"))?,
    };
    let uri = match sender {
        Sender::H1(_) => {
            *req.version_mut() = Version::HTTP_11;
            req.headers_mut().insert(header::HOST, host);
            Uri::try_from(out.path_and_query.as_str())
        }
        Sender::H2(_) => {
            *req.version_mut() = Version::HTTP_2;
            let headers = req.headers_mut();
            headers.remove(header::HOST);
            headers.remove(header::CONNECTION);
            headers.remove(header::UPGRADE);
            if out.te_trailers {
                headers.insert(header::TE, HeaderValue::from_static("trailers"));
            }
            let scheme = if key.proto == Proto::Https {
                "https"
            } else {
                "http"
            };
            let authority = host
                .to_str()
                .map_err(|_| ProxyError::BadRequest("invalid Host header"))?;
            Uri::try_from(format!("{scheme}://{authority}{}", out.path_and_query))
        }
    };
    *req.uri_mut() = uri.map_err(|_| ProxyError::BadRequest("invalid request target"))?;
    Ok(())
}

/// Joins the client's and the upstream's upgraded connections once both
/// sides have switched protocols, and copies bytes both ways until one
/// closes or the server's shutdown deadline passes. `done` is held until
/// then, so that a graceful shutdown waits for the tunnel.
pub(crate) fn tunnel(
    client: OnUpgrade,
    upstream: OnUpgrade,
    target: String,
    mut phase: watch::Receiver<Phase>,
    done: mpsc::Sender<()>,
) {
    tokio::spawn(async move {
        let _done = done;
        let joined = async {
            let (client, upstream) = tokio::try_join!(client, upstream)?;
            let mut client = TokioIo::new(client);
            let mut upstream = TokioIo::new(upstream);
            tokio::io::copy_bidirectional(&mut client, &mut upstream)
                .await
                .map_err(hyper_io)
        };
        tokio::select! {
            result = joined => match result {
                Ok((up, down)) => tracing::debug!(upstream = %target, up, down, "Upgraded connection closed"),
                Err(error) => tracing::debug!(upstream = %target, %error, "Upgraded connection failed"),
            },
            _ = phase.wait_for(|p| *p == Phase::Stopped) => {
                tracing::debug!(upstream = %target, "Closed an upgraded connection at shutdown");
            }
        }
    });
}

/// Upgrade and copy errors in one type, for the log line.
#[derive(Debug, thiserror::Error)]
enum TunnelError {
    #[error(transparent)]
    Upgrade(#[from] hyper::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

fn hyper_io(e: std::io::Error) -> TunnelError {
    TunnelError::Io(e)
}
