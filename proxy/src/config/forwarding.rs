//! How the data plane talks to clients and upstreams, as Traefik 1.x's
//! config file set it: `[respondingTimeouts]`, `[forwardingTimeouts]`, and
//! the verification of `https` upstreams (`insecureSkipVerify`, `rootCAs`).

use std::time::Duration;

use super::PemSource;

/// Traefik 1.x's `[respondingTimeouts]` (towards clients) and
/// `[forwardingTimeouts]` (towards upstreams). `None` keeps Passerelle's
/// default; zero means no limit, as in Traefik.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timeouts {
    /// `readTimeout`: the whole request, headers and body.
    pub read: Option<Duration>,
    /// `writeTimeout`: from the end of the request headers to the end of
    /// the response.
    pub write: Option<Duration>,
    /// `idleTimeout`: a kept-alive connection waiting for its next request.
    pub idle: Option<Duration>,
    /// `dialTimeout`: connecting to an upstream (TCP and TLS).
    pub dial: Option<Duration>,
    /// `responseHeaderTimeout`: from the end of the request body to the
    /// upstream's response headers.
    pub response_header: Option<Duration>,
}

/// How `https` upstreams are verified: Traefik 1.x's top-level
/// `insecureSkipVerify` and `rootCAs`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpstreamTlsConfig {
    /// Accept any certificate (`insecureSkipVerify = true`).
    pub insecure_skip_verify: bool,
    /// The CAs trusted instead of the system's (`rootCAs`), each a file or
    /// inline PEM; empty: the system's roots.
    pub root_cas: Vec<PemSource>,
}
