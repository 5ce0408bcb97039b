//! Header rewriting between client and upstream: hop-by-hop headers
//! (RFC 9110 §7.6.1) are dropped in both directions (`TE: trailers` goes
//! on to HTTP/2 upstreams, see [`te_trailers`]), and the request gets the
//! `X-Forwarded-*` and `X-Real-Ip` headers Traefik sets.

use std::net::IpAddr;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// Headers that describe one connection and never cross a proxy.
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
];

/// `X-Forwarded-Prefix`.
pub(crate) const X_FORWARDED_PREFIX: HeaderName = HeaderName::from_static("x-forwarded-prefix");
/// `X-Replaced-Path`.
pub(crate) const X_REPLACED_PATH: HeaderName = HeaderName::from_static("x-replaced-path");
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
const X_FORWARDED_PORT: HeaderName = HeaderName::from_static("x-forwarded-port");
const X_FORWARDED_SERVER: HeaderName = HeaderName::from_static("x-forwarded-server");
const X_REAL_IP: HeaderName = HeaderName::from_static("x-real-ip");

/// The protocol a request upgrades to (`websocket`, …), when it asks for an
/// HTTP/1.1 Upgrade: an `Upgrade` header and `upgrade` among the
/// `Connection` tokens.
pub(crate) fn upgrade_protocol(headers: &HeaderMap) -> Option<HeaderValue> {
    let upgrade = headers.get(header::UPGRADE)?;
    connection_tokens(headers)
        .any(|t| t.eq_ignore_ascii_case("upgrade"))
        .then(|| upgrade.clone())
}

fn connection_tokens(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Whether the client accepts trailers (`TE: trailers`): HTTP/2 upstreams
/// get that one TE value (RFC 9113 §8.2.2), which gRPC requires.
pub(crate) fn te_trailers(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::TE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            let token = t.split(';').next().unwrap_or("").trim();
            token.eq_ignore_ascii_case("trailers")
        })
}

/// Removes the hop-by-hop headers and those the `Connection` header names.
/// With `upgrade`, the request or 101 response keeps `Connection: upgrade`
/// and this `Upgrade` header, which must reach the other side.
pub(crate) fn strip_hop_by_hop(headers: &mut HeaderMap, upgrade: Option<HeaderValue>) {
    let named: Vec<HeaderName> = connection_tokens(headers)
        .filter_map(|t| HeaderName::from_bytes(t.as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
    headers.remove(header::UPGRADE);
    if let Some(protocol) = upgrade {
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, protocol);
    }
}

/// What the upstream is told about the original request.
#[derive(Debug)]
pub(crate) struct Forwarded<'a> {
    /// The client's address.
    pub(crate) client: IpAddr,
    /// `http` or `https`.
    pub(crate) proto: &'static str,
    /// The Host the client asked for, port included.
    pub(crate) host: Option<&'a str>,
    /// The port the client connected to.
    pub(crate) port: u16,
    /// The stripped prefix.
    pub(crate) prefix: Option<&'a str>,
    /// The path before ReplacePath.
    pub(crate) replaced_path: Option<&'a str>,
    /// This proxy's host name, for `X-Forwarded-Server`.
    pub(crate) server: &'a HeaderValue,
}

/// Sets the forwarding headers. `X-Forwarded-For` is appended to (the
/// client's own list is kept, the upstream decides whom to trust); the others
/// are this proxy's own observations and replace whatever the client sent:
/// a client's `X-Forwarded-Prefix` or `X-Replaced-Path` never reaches the
/// upstream, which may trust them to build links or check paths.
pub(crate) fn set_forwarded(headers: &mut HeaderMap, f: &Forwarded<'_>) {
    let client = f.client.to_string();
    let xff = match headers.get(&X_FORWARDED_FOR).and_then(|v| v.to_str().ok()) {
        Some(previous) if !previous.trim().is_empty() => format!("{previous}, {client}"),
        _ => client.clone(),
    };
    insert(headers, X_FORWARDED_FOR, &xff);
    insert(headers, X_REAL_IP, &client);
    headers.insert(X_FORWARDED_PROTO, HeaderValue::from_static(f.proto));
    match f.host {
        Some(host) => insert(headers, X_FORWARDED_HOST, host),
        None => {
            headers.remove(X_FORWARDED_HOST);
        }
    }
    headers.insert(X_FORWARDED_PORT, HeaderValue::from(f.port));
    headers.insert(X_FORWARDED_SERVER, f.server.clone());
    headers.remove(X_FORWARDED_PREFIX);
    if let Some(prefix) = f.prefix {
        insert(headers, X_FORWARDED_PREFIX, prefix);
    }
    headers.remove(X_REPLACED_PATH);
    if let Some(path) = f.replaced_path {
        insert(headers, X_REPLACED_PATH, path);
    }
}

fn insert(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn strips_hop_by_hop_and_connection_named_headers() {
        let mut h = map(&[
            ("connection", "keep-alive, x-secret"),
            ("keep-alive", "timeout=5"),
            ("x-secret", "1"),
            ("transfer-encoding", "chunked"),
            ("te", "trailers"),
            ("upgrade", "websocket"),
            ("proxy-authorization", "Basic x"),
            ("accept", "*/*"),
        ]);
        strip_hop_by_hop(&mut h, None);
        let names: Vec<&str> = h.keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["accept"]);
    }

    #[test]
    fn te_trailers_is_recognised_among_te_values() {
        assert!(te_trailers(&map(&[("te", "trailers")])));
        assert!(te_trailers(&map(&[("te", "gzip, Trailers")])));
        assert!(te_trailers(&map(&[("te", "deflate"), ("te", "trailers;q=1")])));
        assert!(!te_trailers(&map(&[("te", "gzip")])));
        assert!(!te_trailers(&map(&[])));
    }

    #[test]
    fn keeps_the_upgrade_it_forwards() {
        let mut h = map(&[("connection", "keep-alive, Upgrade"), ("upgrade", "websocket")]);
        let up = upgrade_protocol(&h);
        assert_eq!(up.as_ref().unwrap(), "websocket");
        strip_hop_by_hop(&mut h, up);
        assert_eq!(h["connection"], "upgrade");
        assert_eq!(h["upgrade"], "websocket");
        assert_eq!(upgrade_protocol(&map(&[("upgrade", "websocket")])), None);
    }

    #[test]
    fn sets_forwarded_headers() {
        let mut h = map(&[
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-proto", "ftp"),
            ("x-forwarded-prefix", "/spoofed"),
            ("x-replaced-path", "/spoofed"),
        ]);
        let server = HeaderValue::from_static("proxy-1");
        set_forwarded(
            &mut h,
            &Forwarded {
                client: [192, 0, 2, 1].into(),
                proto: "https",
                host: Some("a.test:8443"),
                port: 8443,
                prefix: Some("/api"),
                replaced_path: None,
                server: &server,
            },
        );
        assert_eq!(h["x-forwarded-for"], "203.0.113.7, 192.0.2.1");
        assert_eq!(h["x-real-ip"], "192.0.2.1");
        assert_eq!(h["x-forwarded-proto"], "https");
        assert_eq!(h["x-forwarded-host"], "a.test:8443");
        assert_eq!(h["x-forwarded-port"], "8443");
        assert_eq!(h["x-forwarded-prefix"], "/api");
        assert_eq!(h["x-forwarded-server"], "proxy-1");
        assert!(
            !h.contains_key("x-replaced-path"),
            "a client's X-Replaced-Path is removed"
        );

        let mut h = HeaderMap::new();
        let f = Forwarded {
            client: "2001:db8::1".parse().unwrap(),
            proto: "http",
            host: None,
            port: 80,
            prefix: None,
            replaced_path: Some("/old"),
            server: &server,
        };
        set_forwarded(&mut h, &f);
        assert_eq!(h["x-forwarded-for"], "2001:db8::1");
        assert_eq!(h["x-replaced-path"], "/old");
        assert!(!h.contains_key("x-forwarded-prefix"));
    }
}
