//! The data a routing table is made of: routes, their matchers, the
//! Traefik 1.x behaviours attached to them and the services they forward to.
//! Everything here is plain data, built by `routing::build` (or `RouteTable::from_routes`) and read by the
//! request path without locks.
//!
//! The admin API shows these types as JSON in one style, Kubernetes': keys
//! (field names, and the member of a one-of such as `{"entryPoint": …}`)
//! in camelCase; values spelt as users write them in Ingresses and
//! annotations (`ImplementationSpecific`, `PathPrefixStrip`, `h2c`).

use std::net::SocketAddr;
use std::sync::Arc;

/// A namespaced Kubernetes object, as routes and diagnostics refer to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectKey {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// How a route matches the request's host.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "kind", content = "value")]
pub enum HostMatch {
    /// No host in the rule: every host.
    Any,
    /// One host, lower-cased.
    Exact(String),
    /// `*.example.com`: the suffix `example.com`, lower-cased; matches
    /// exactly one more label.
    Wildcard(String),
}

/// The Ingress `pathType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum PathKind {
    /// Byte-equal.
    Exact,
    /// Element-wise prefix.
    Prefix,
    /// Traefik 1.x: a string prefix.
    ImplementationSpecific,
}

/// Traefik 1.x's `frontend.rule.type`: how the matched path is handed on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum RuleType {
    /// Matched as written; path unchanged.
    Path,
    /// Matched as a prefix; path unchanged (the default).
    PathPrefix,
    /// Matched exactly; the whole path is stripped (upstream sees `/`).
    PathStrip,
    /// Matched as a prefix; the prefix is stripped and sent in
    /// `X-Forwarded-Prefix`.
    PathPrefixStrip,
    /// The path is replaced by this one (the original in
    /// `X-Replaced-Path`). Shown as `{"replacePath": "/new"}`.
    #[serde(rename = "replacePath")]
    ReplacePath(String),
}

/// Where a redirect sends the client.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RedirectTarget {
    /// To another entry point (its scheme and port), keeping host, path and query.
    EntryPoint(String),
    /// A regular expression on the full URL and its replacement (`$1`…).
    Regex {
        /// The pattern, as written.
        regex: String,
        /// The replacement.
        replacement: String,
    },
}

/// A redirect attached to a route or an entry point.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Redirect {
    /// Where to.
    pub target: RedirectTarget,
    /// 301/308 when true, 302/307 when false.
    pub permanent: bool,
}

/// The protocol spoken to the upstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UpstreamProtocol {
    /// HTTP/1.1 over TCP.
    #[default]
    Http,
    /// HTTP/1.1 or HTTP/2 over TLS.
    Https,
    /// HTTP/2 over cleartext TCP.
    H2c,
}

/// What a service resolves to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Upstream {
    /// Ready endpoints (EndpointSlice `ready`/`serving` and not terminating).
    Endpoints(Vec<SocketAddr>),
    /// An ExternalName Service: this DNS name and port.
    ExternalName {
        /// The DNS name.
        host: String,
        /// The port.
        port: u16,
    },
    /// Nothing to send to: 503.
    Unavailable(String),
}

/// A backend: one Service port, resolved.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// `namespace/service:port`, as shown in the admin API and metrics.
    pub name: String,
    /// Where requests go.
    pub upstream: Upstream,
    /// How to speak to it.
    pub protocol: UpstreamProtocol,
}

/// An IPv4 or IPv6 network, for `whitelist-source-range`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpNet {
    /// The network address.
    pub addr: std::net::IpAddr,
    /// The prefix length.
    pub prefix: u8,
}

/// One route: an Ingress path (or default backend) with its behaviours.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// Stable identifier: `namespace/ingress/rule/path` (or `.../default`).
    pub id: String,
    /// The Ingress it comes from.
    pub ingress: ObjectKey,
    /// Host matcher.
    pub host: HostMatch,
    /// The path as written in the Ingress (`/` for a default backend).
    pub path: String,
    /// How the path matches.
    pub path_kind: PathKind,
    /// How the path is handed on.
    pub rule_type: RuleType,
    /// `priority` annotation: overrides the computed order when set.
    pub priority: Option<i64>,
    /// `frontend-entry-points`: the entry points it is served on (all when
    /// `None`).
    pub entry_points: Option<Vec<String>>,
    /// `rewrite-target`: the matched prefix is replaced by this.
    pub rewrite_target: Option<String>,
    /// `app-root`: a request for `/` is redirected here.
    pub app_root: Option<String>,
    /// `redirect-entry-point` / `redirect-regex`.
    pub redirect: Option<Redirect>,
    /// `preserve-host` / `passHostHeader` (default true).
    pub pass_host_header: bool,
    /// `whitelist-source-range`: clients outside get 403 (everyone when empty).
    pub whitelist: Vec<IpNet>,
    /// Whether the Ingress lists this route's host under `spec.tls`.
    pub tls: bool,
    /// The backend.
    pub service: Arc<Service>,
}

/// The result of a lookup: the route and what the request path becomes.
#[derive(Clone, Debug)]
pub struct Matched<'a> {
    /// The route.
    pub route: &'a Arc<Route>,
    /// The path and query to send upstream (after strip/replace/rewrite).
    pub upstream_path: String,
    /// `X-Forwarded-Prefix` to set (PathPrefixStrip, PathStrip).
    pub forwarded_prefix: Option<String>,
    /// `X-Replaced-Path` to set (ReplacePath).
    pub replaced_path: Option<String>,
}
