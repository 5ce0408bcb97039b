//! What can go wrong while serving one request, and the one place where each
//! failure becomes an HTTP status (as Traefik and nginx answer them: no route
//! 404, refused or broken upstream 502, no endpoints 503, upstream timeout 504,
//! a request body slower than the read timeout 408).

use std::net::IpAddr;
use std::time::Duration;

use http::StatusCode;

/// A request that could not be forwarded.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// No route matches the host and path on this entry point.
    #[error("no route matches the request")]
    NoRoute,
    /// The client address is outside the route's `whitelist-source-range`.
    #[error("client {client} is not in the route's source range")]
    Forbidden {
        /// The client address.
        client: IpAddr,
    },
    /// The Host header names a host other than the TLS server name, on an
    /// entry point that refuses that (RFC 9110 §15.5.20).
    #[error("host {host} does not match the TLS server name {sni}")]
    Misdirected {
        /// The request's host.
        host: String,
        /// The TLS server name.
        sni: String,
    },
    /// The request cannot be forwarded as written.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The service has nowhere to send the request.
    #[error("service {service} has no ready endpoints: {reason}")]
    NoEndpoints {
        /// The service.
        service: String,
        /// Why.
        reason: String,
    },
    /// Resolving an ExternalName failed.
    #[error("resolving {host} failed")]
    Resolve {
        /// The DNS name.
        host: String,
        /// The resolver's error.
        #[source]
        source: std::io::Error,
    },
    /// Connecting to the upstream failed (refused, unreachable, reset).
    #[error("connecting to {upstream} failed")]
    Connect {
        /// The upstream address.
        upstream: String,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
    /// Connecting to the upstream took longer than the connect timeout.
    #[error("connecting to {upstream} timed out after {timeout:?}")]
    ConnectTimeout {
        /// The upstream address.
        upstream: String,
        /// The timeout.
        timeout: Duration,
    },
    /// The TLS or HTTP/2 handshake with the upstream failed.
    #[error("handshake with {upstream} failed")]
    Handshake {
        /// The upstream address.
        upstream: String,
        /// The TLS or HTTP error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The upstream sent no response headers within the timeout.
    #[error("{upstream} sent no response within {timeout:?}")]
    ResponseTimeout {
        /// The upstream address.
        upstream: String,
        /// The timeout.
        timeout: Duration,
    },
    /// The client did not send its request body within the read timeout.
    #[error("the client did not send the request body within {timeout:?}")]
    RequestTimeout {
        /// The timeout.
        timeout: Duration,
    },
    /// The exchange with the upstream failed after the request was sent.
    #[error("exchange with {upstream} failed")]
    Upstream {
        /// The upstream address.
        upstream: String,
        /// hyper's error.
        #[source]
        source: hyper::Error,
    },
}

impl ProxyError {
    /// The status the client gets: the one mapping from failures to HTTP.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NoRoute => StatusCode::NOT_FOUND,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::Misdirected { .. } => StatusCode::MISDIRECTED_REQUEST,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::NoEndpoints { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Resolve { .. } | Self::Connect { .. } | Self::Handshake { .. } | Self::Upstream { .. } => {
                StatusCode::BAD_GATEWAY
            }
            Self::ConnectTimeout { .. } | Self::ResponseTimeout { .. } => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    /// Whether nothing of the request reached the upstream, so that it may
    /// be sent to another endpoint.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Connect { .. }
                | Self::ConnectTimeout { .. }
                | Self::Handshake { .. }
                | Self::Resolve { .. }
        )
    }

    /// A stable snake_case name, for logs.
    pub fn label(&self) -> &'static str {
        match self {
            Self::NoRoute => "no_route",
            Self::Forbidden { .. } => "forbidden",
            Self::Misdirected { .. } => "misdirected",
            Self::BadRequest(_) => "bad_request",
            Self::NoEndpoints { .. } => "no_endpoints",
            Self::Resolve { .. } => "resolve",
            Self::Connect { .. } => "connect",
            Self::ConnectTimeout { .. } => "connect_timeout",
            Self::Handshake { .. } => "handshake",
            Self::ResponseTimeout { .. } => "response_timeout",
            Self::RequestTimeout { .. } => "request_timeout",
            Self::Upstream { .. } => "upstream",
        }
    }

    /// The body the client gets, as Go's `net/http` (and so Traefik) writes it.
    pub(crate) fn body(&self) -> &'static str {
        match self.status() {
            StatusCode::NOT_FOUND => "404 page not found\n",
            StatusCode::FORBIDDEN => "Forbidden\n",
            StatusCode::MISDIRECTED_REQUEST => "Misdirected Request\n",
            StatusCode::BAD_REQUEST => "Bad Request\n",
            StatusCode::REQUEST_TIMEOUT => "Request Timeout\n",
            StatusCode::SERVICE_UNAVAILABLE => "Service Unavailable\n",
            StatusCode::GATEWAY_TIMEOUT => "Gateway Timeout\n",
            _ => "Bad Gateway\n",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io(kind: std::io::ErrorKind) -> std::io::Error {
        std::io::Error::from(kind)
    }

    #[test]
    fn each_failure_maps_to_its_status() {
        let t = Duration::from_secs(1);
        let up = || "10.0.0.1:80".to_string();
        let cases: Vec<(ProxyError, u16, bool)> = vec![
            (ProxyError::NoRoute, 404, false),
            (
                ProxyError::Forbidden {
                    client: [10, 0, 0, 9].into(),
                },
                403,
                false,
            ),
            (
                ProxyError::Misdirected {
                    host: "a.test".into(),
                    sni: "b.test".into(),
                },
                421,
                false,
            ),
            (ProxyError::BadRequest("no host"), 400, false),
            (
                ProxyError::NoEndpoints {
                    service: "ns/s:80".into(),
                    reason: "none ready".into(),
                },
                503,
                false,
            ),
            (
                ProxyError::Resolve {
                    host: "x.test".into(),
                    source: io(std::io::ErrorKind::NotFound),
                },
                502,
                true,
            ),
            (
                ProxyError::Connect {
                    upstream: up(),
                    source: io(std::io::ErrorKind::ConnectionRefused),
                },
                502,
                true,
            ),
            (
                ProxyError::ConnectTimeout {
                    upstream: up(),
                    timeout: t,
                },
                504,
                true,
            ),
            (
                ProxyError::Handshake {
                    upstream: up(),
                    source: "bad certificate".into(),
                },
                502,
                true,
            ),
            (
                ProxyError::ResponseTimeout {
                    upstream: up(),
                    timeout: t,
                },
                504,
                false,
            ),
            (ProxyError::RequestTimeout { timeout: t }, 408, false),
        ];
        for (error, status, retryable) in cases {
            assert_eq!(error.status().as_u16(), status, "{error}");
            assert_eq!(error.is_retryable(), retryable, "{error}");
            assert!(error.body().ends_with('\n'));
        }
    }
}
