//! One request, from arrival to response: one snapshot of the routing
//! table, the entry point's redirect (except ACME HTTP-01 challenges a route
//! serves), the route's source range, redirect and app-root, then
//! forwarding. What to do is decided by a pure function ([`decide`]); this
//! module then does it.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode, Version};
use hyper::body::Incoming;

use super::body::ResponseBody;
use super::error::ProxyError;
use super::forward::{Outgoing, tunnel};
use super::headers::{self, Forwarded};
use super::observe::Exchange;
use super::redirect::{self, Regexes};
use super::{EntryPointRuntime, Shared};
use crate::routing::{IpNet, Matched, Redirect, RedirectTarget};

/// The path prefix of ACME HTTP-01 challenges (RFC 8555 §8.3).
const ACME_CHALLENGE: &str = "/.well-known/acme-challenge/";

/// One accepted connection, as its requests see it.
pub(crate) struct ConnInfo {
    pub(crate) entry_point: Arc<EntryPointRuntime>,
    pub(crate) peer: SocketAddr,
    pub(crate) sni: Option<Box<str>>,
}

/// What to do with a request.
#[derive(Debug)]
pub(crate) enum Action {
    /// Answer with a redirect.
    Redirect {
        /// 301, 302, 307 or 308.
        status: StatusCode,
        /// Where to.
        location: String,
    },
    /// Forward to the matched route's service.
    Forward,
    /// Answer with this error's status.
    Fail(ProxyError),
}

/// The request as [`decide`] sees it.
pub(crate) struct RequestView<'a> {
    pub(crate) method: &'a Method,
    pub(crate) host: Option<&'a str>,
    pub(crate) path_and_query: &'a str,
    pub(crate) client: IpAddr,
}

/// What redirects need: the entry points' schemes and ports, compiled
/// patterns.
pub(crate) struct RedirectContext<'a> {
    pub(crate) entry_points: &'a HashMap<String, (&'static str, u16)>,
    pub(crate) regexes: &'a Regexes,
}

/// Decides what to do with a request on `ep`, given the route it matched.
/// Order (Traefik 1.x's): the entry point redirect; no route, 404; the
/// source range, 403; the route's redirect; app-root; forward.
pub(crate) fn decide(
    ctx: &RedirectContext<'_>,
    ep: &EntryPointRuntime,
    matched: Option<&Matched<'_>>,
    req: &RequestView<'_>,
) -> Action {
    let path = req.path_and_query.split('?').next().unwrap_or("");
    let acme = matched.is_some() && path.starts_with(ACME_CHALLENGE);
    if let Some(r) = &ep.redirect
        && !acme
        && let Some(action) = redirect_action(ctx, ep, r, req)
    {
        return action;
    }
    let Some(matched) = matched else {
        return Action::Fail(ProxyError::NoRoute);
    };
    let route = matched.route;
    if !route.whitelist.is_empty() && !route.whitelist.iter().any(|net| contains(net, req.client)) {
        return Action::Fail(ProxyError::Forbidden { client: req.client });
    }
    if let Some(r) = &route.redirect
        && let Some(action) = redirect_action(ctx, ep, r, req)
    {
        return action;
    }
    if let Some(root) = &route.app_root
        && let Some(location) = redirect::app_root(req.path_and_query, root)
    {
        return Action::Redirect {
            status: redirect::status(req.method, false),
            location,
        };
    }
    Action::Forward
}

/// The redirect `r` asks for, or `None` when it does not apply: a target
/// entry point that does not exist, or that the request already arrived on
/// (Traefik 1.x skipped those, rather than redirecting in a loop), or a
/// regex that does not match.
fn redirect_action(
    ctx: &RedirectContext<'_>,
    ep: &EntryPointRuntime,
    r: &Redirect,
    req: &RequestView<'_>,
) -> Option<Action> {
    let host = req.host.unwrap_or("");
    let location = match &r.target {
        RedirectTarget::EntryPoint(name) if name.as_str() == &*ep.name => return None,
        RedirectTarget::EntryPoint(name) => {
            let Some(target) = ctx.entry_points.get(name.as_str()) else {
                tracing::warn!(entry_point = %name, "Ignored a redirect to an unknown entry point");
                return None;
            };
            if host.is_empty() {
                return Some(Action::Fail(ProxyError::BadRequest("no host to redirect to")));
            }
            redirect::to_entry_point(target.0, target.1, host, req.path_and_query)
        }
        RedirectTarget::Regex { regex, replacement } => {
            let url = redirect::request_url(ep.scheme, host, req.path_and_query);
            redirect::by_regex(&*ctx.regexes.get(regex)?, replacement, &url)?
        }
    };
    Some(Action::Redirect {
        status: redirect::status(req.method, r.permanent),
        location,
    })
}

/// Whether `ip` is in `net` (IPv4-mapped IPv6 addresses count as IPv4).
pub(crate) fn contains(net: &IpNet, ip: IpAddr) -> bool {
    match (net.addr, ip.to_canonical()) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let bits = u32::from(net.prefix.min(32));
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let bits = u32::from(net.prefix.min(128));
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// The host the request is for: the absolute URI's authority (HTTP/2, or an
/// HTTP/1.1 absolute-form target), else the Host header.
fn request_host(req: &Request<Incoming>) -> Option<String> {
    if let Some(a) = req.uri().authority() {
        return Some(a.as_str().to_owned());
    }
    req.headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
}

fn local(status: StatusCode, body: &'static str) -> Response<ResponseBody> {
    let mut r = Response::new(ResponseBody::full(body));
    *r.status_mut() = status;
    if !body.is_empty() {
        let ct = HeaderValue::from_static("text/plain; charset=utf-8");
        r.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    r
}

/// Serves one request.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    conn: Arc<ConnInfo>,
    req: Request<Incoming>,
) -> Response<ResponseBody> {
    let ep = &conn.entry_point;
    let host = request_host(&req);
    let mut exchange = Exchange::begin(&shared.observer, &ep.name, &req, conn.peer, host.as_deref());
    let mut response = match respond(&shared, &conn, req, host, &mut exchange).await {
        Ok(response) => response,
        Err(error) => {
            let status = error.status();
            if status.is_server_error() {
                tracing::warn!(entry_point = %ep.name, error = %error_chain(&error), "Request failed");
            } else {
                tracing::debug!(entry_point = %ep.name, error = %error, "Request refused");
            }
            local(status, error.body())
        }
    };
    // The upstream's own Server header is kept, as Traefik kept it.
    if !response.headers().contains_key(header::SERVER) {
        response
            .headers_mut()
            .insert(header::SERVER, HeaderValue::from_static("passerelle"));
    }
    exchange.status(response.status().as_u16());
    response.map(|body| body.observed(exchange))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

async fn respond(
    shared: &Shared,
    conn: &ConnInfo,
    mut req: Request<Incoming>,
    host: Option<String>,
    exchange: &mut Exchange,
) -> Result<Response<ResponseBody>, ProxyError> {
    let start = tokio::time::Instant::now();
    let ep = &conn.entry_point;
    if ep.strict_host
        && let (Some(sni), Some(host)) = (&conn.sni, &host)
        && !redirect::host_without_port(host).eq_ignore_ascii_case(sni)
    {
        return Err(ProxyError::Misdirected {
            host: host.clone(),
            sni: sni.to_string(),
        });
    }
    let table = shared.table.load_full();
    let path_and_query = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let matched = table.lookup(&ep.name, host.as_deref(), path_and_query);
    let view = RequestView {
        method: req.method(),
        host: host.as_deref(),
        path_and_query,
        client: conn.peer.ip().to_canonical(),
    };
    let ctx = RedirectContext {
        entry_points: &shared.entry_points,
        regexes: &shared.regexes,
    };
    match decide(&ctx, ep, matched.as_ref(), &view) {
        Action::Redirect { status, location } => {
            let mut r = local(status, "");
            let location = HeaderValue::try_from(location)
                .map_err(|_| ProxyError::BadRequest("redirect location is not a valid header"))?;
            r.headers_mut().insert(header::LOCATION, location);
            return Ok(r);
        }
        Action::Fail(error) => return Err(error),
        Action::Forward => {}
    }
    // Forward: everything needed is copied out of the snapshot.
    let Some(matched) = matched else {
        return Err(ProxyError::NoRoute);
    };
    let route = matched.route.clone();
    let out = Outgoing {
        path_and_query: matched.upstream_path,
        pass_host: route.pass_host_header,
        te_trailers: headers::te_trailers(req.headers()),
        start,
    };
    exchange.routed(&route.id, &route.service.name);

    let authority = req.uri().authority().is_some();
    let upgrade = headers::upgrade_protocol(req.headers());
    let client_upgrade = upgrade.as_ref().map(|_| hyper::upgrade::on(&mut req));
    let h2_client = req.version() == Version::HTTP_2;
    {
        let h = req.headers_mut();
        headers::strip_hop_by_hop(h, upgrade);
        // hyper's server already answered `100-continue` when the body is read.
        h.remove(header::EXPECT);
        if h2_client {
            join_cookies(h);
        }
        // The host routed on is the host forwarded: an absolute-form target
        // or HTTP/2 `:authority` replaces the Host header (RFC 9112 §3.2.2,
        // RFC 9113 §8.3.1), so a request routed as `open.test` cannot reach
        // the upstream as `Host: admin.test`.
        if let Some(host) = &host
            && (authority || !h.contains_key(header::HOST))
            && let Ok(v) = HeaderValue::from_str(host)
        {
            h.insert(header::HOST, v);
        }
        let port = host
            .as_deref()
            .and_then(|h| h.rsplit_once(':'))
            .and_then(|(_, p)| p.parse().ok())
            .unwrap_or(if ep.scheme == "https" { 443 } else { 80 });
        headers::set_forwarded(
            h,
            &Forwarded {
                client: conn.peer.ip().to_canonical(),
                proto: ep.scheme,
                host: host.as_deref(),
                port,
                prefix: matched.forwarded_prefix.as_deref(),
                replaced_path: matched.replaced_path.as_deref(),
                server: &shared.server_name,
            },
        );
    }
    drop(table);

    exchange.forwarding(&route.service.name);
    let sent = shared
        .upstreams
        .send(&route.service, req, &out, || exchange.retried())
        .await;
    let (mut response, target) = sent?;
    let scheme = if route.service.protocol == crate::routing::UpstreamProtocol::Https {
        "https"
    } else {
        "http"
    };
    exchange.answered_by(|| format!("{scheme}://{target}"));
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        let protocol = response.headers().get(header::UPGRADE).cloned();
        headers::strip_hop_by_hop(response.headers_mut(), protocol);
        if let Some(client) = client_upgrade {
            let upstream = hyper::upgrade::on(&mut response);
            tunnel(
                client,
                upstream,
                target.to_string(),
                shared.phase.clone(),
                shared.done.clone(),
            );
        }
    } else {
        headers::strip_hop_by_hop(response.headers_mut(), None);
    }
    Ok(response.map(ResponseBody::stream))
}

/// HTTP/2 may split `cookie` into several fields; HTTP/1.1 needs one,
/// joined with `; ` (RFC 9113 §8.2.3).
fn join_cookies(h: &mut http::HeaderMap) {
    if h.get_all(header::COOKIE).iter().nth(1).is_none() {
        return;
    }
    let joined: Vec<&[u8]> = h
        .get_all(header::COOKIE)
        .iter()
        .map(HeaderValue::as_bytes)
        .collect();
    if let Ok(v) = HeaderValue::from_bytes(&joined.join(&b"; "[..])) {
        h.insert(header::COOKIE, v);
    }
}

#[cfg(test)]
mod tests;
