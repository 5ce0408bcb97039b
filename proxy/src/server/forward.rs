//! Sending one request upstream: pick an endpoint, take a pooled connection
//! or open one, send, wait for the response headers within the timeout.
//! A connection that fails before anything was sent (refused, connect
//! timeout, TLS handshake) marks the endpoint down and the request goes once
//! to another endpoint; a pooled connection that turns out closed before
//! sending is replaced without counting as that retry. Bodies stream through.

use std::time::Duration;

use http::header::{self, HeaderValue};
use http::{Request, Response, Uri, Version};
use hyper::body::Incoming;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio::sync::{mpsc, watch};

use super::Phase;
use super::connect::{Connector, Key, Proto, Sender, Target};
use super::error::ProxyError;
use super::pool::Pool;
use crate::routing::Service;

/// Forwarding to upstreams: the pool, the connector and the timeouts.
pub(crate) struct Upstreams {
    pub(crate) pool: Pool,
    pub(crate) connector: Connector,
    pub(crate) response_timeout: Duration,
}

/// What the request carries to the upstream besides its headers.
pub(crate) struct Outgoing {
    /// The path and query to send (after strip/replace/rewrite).
    pub(crate) path_and_query: String,
    /// Whether the client's Host is sent (else the endpoint's address).
    pub(crate) pass_host: bool,
}

impl Upstreams {
    /// Sends `req` to one of `service`'s endpoints; `on_retry` is called when
    /// the request goes to a second endpoint. The response comes with the
    /// endpoint that sent it.
    pub(crate) async fn send(
        &self,
        service: &Service,
        mut req: Request<Incoming>,
        out: &Outgoing,
        on_retry: impl FnOnce(),
    ) -> Result<(Response<Incoming>, Target), ProxyError> {
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
            let sent = match &mut sender {
                Sender::H1(h1) => tokio::time::timeout(self.response_timeout, h1.try_send_request(req)).await,
                Sender::H2(h2) => tokio::time::timeout(self.response_timeout, h2.try_send_request(req)).await,
            };
            match sent {
                Err(_) => {
                    return Err(ProxyError::ResponseTimeout {
                        upstream: key.target.to_string(),
                        timeout: self.response_timeout,
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
                        return Err(ProxyError::Upstream {
                            upstream: key.target.to_string(),
                            source: error.into_error(),
                        });
                    }
                },
            }
        }
    }
}

/// Adapts the request to the connection it goes on: HTTP/1.1 takes the
/// path in origin form and a Host header; HTTP/2 takes an absolute URI
/// whose authority is that host, and no connection-specific header.
fn prepare(
    req: &mut Request<Incoming>,
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
