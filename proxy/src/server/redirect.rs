//! Redirects, as Traefik 1.x answers them: an entry point's or a route's
//! redirect to another entry point (its scheme and port, same host, path and
//! query), `redirect-regex` on the full URL, and `app-root` for `/`. GET gets
//! 302 (301 when permanent), other methods 307 (308), so that they are
//! repeated with their body (RFC 9110 §15.4).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use http::{Method, StatusCode};
use regex::Regex;

/// The redirect status for `method`.
pub(crate) fn status(method: &Method, permanent: bool) -> StatusCode {
    match (method == Method::GET, permanent) {
        (true, false) => StatusCode::FOUND,
        (true, true) => StatusCode::MOVED_PERMANENTLY,
        (false, false) => StatusCode::TEMPORARY_REDIRECT,
        (false, true) => StatusCode::PERMANENT_REDIRECT,
    }
}

/// The host of a Host header or authority, without its port
/// (`[::1]:8080` → `[::1]`, `a.test:80` → `a.test`).
pub(crate) fn host_without_port(host: &str) -> &str {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(end) => &host[..=end],
            None => host,
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The Location of a redirect to an entry point: its scheme and port (left
/// out when it is the scheme's default), the request's host, path and query.
pub(crate) fn to_entry_point(scheme: &str, port: u16, host: &str, path_and_query: &str) -> String {
    let host = host_without_port(host);
    let default = matches!((scheme, port), ("http", 80) | ("https", 443));
    if default {
        format!("{scheme}://{host}{path_and_query}")
    } else {
        format!("{scheme}://{host}:{port}{path_and_query}")
    }
}

/// The request's full URL, which `redirect-regex` is matched against.
pub(crate) fn request_url(scheme: &str, host: &str, path_and_query: &str) -> String {
    format!("{scheme}://{host}{path_and_query}")
}

/// Applies `redirect-regex` to `url`: the new URL, or `None` when the
/// pattern does not match or changes nothing (the request is then served, as
/// Traefik does).
pub(crate) fn by_regex(regex: &Regex, replacement: &str, url: &str) -> Option<String> {
    if !regex.is_match(url) {
        return None;
    }
    let new = regex.replace(url, replacement);
    (new != url).then(|| new.into_owned())
}

/// `app-root`: where a request for `/` goes, keeping the query.
pub(crate) fn app_root(path_and_query: &str, root: &str) -> Option<String> {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    if path != "/" || root.is_empty() || root == "/" {
        return None;
    }
    let root = if root.starts_with('/') {
        root.to_owned()
    } else {
        format!("/{root}")
    };
    Some(match query {
        Some(q) => format!("{root}?{q}"),
        None => root,
    })
}

/// Compiled `redirect-regex` patterns, so that each is compiled once and not
/// on every request. A pattern that does not compile is remembered as such.
#[derive(Default)]
pub(crate) struct Regexes {
    cache: Mutex<HashMap<String, Option<Arc<Regex>>>>,
}

impl Regexes {
    /// The compiled pattern, or `None` when it is invalid.
    pub(crate) fn get(&self, pattern: &str) -> Option<Arc<Regex>> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache.get(pattern) {
            return found.clone();
        }
        if cache.len() > 4096 {
            cache.clear();
        }
        let compiled = match Regex::new(pattern) {
            Ok(r) => Some(Arc::new(r)),
            Err(error) => {
                tracing::warn!(pattern, %error, "Ignored a redirect-regex that does not compile");
                None
            }
        };
        cache.insert(pattern.to_owned(), compiled.clone());
        compiled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_by_method_and_permanence() {
        assert_eq!(status(&Method::GET, false), 302);
        assert_eq!(status(&Method::GET, true), 301);
        assert_eq!(status(&Method::POST, false), 307);
        assert_eq!(status(&Method::PUT, true), 308);
        assert_eq!(status(&Method::HEAD, false), 307);
    }

    #[test]
    fn entry_point_location_keeps_host_path_and_query() {
        let cases = [
            ("https", 443, "a.test", "/x?y=1", "https://a.test/x?y=1"),
            ("https", 443, "a.test:80", "/", "https://a.test/"),
            ("https", 8443, "a.test:8080", "/p", "https://a.test:8443/p"),
            ("http", 80, "A.test", "/", "http://A.test/"),
            ("https", 443, "[::1]:80", "/", "https://[::1]/"),
            ("https", 9443, "[::1]", "/", "https://[::1]:9443/"),
        ];
        for (scheme, port, host, pq, want) in cases {
            assert_eq!(to_entry_point(scheme, port, host, pq), want);
        }
    }

    #[test]
    fn regex_redirects_only_when_it_matches_and_changes() {
        let r = Regex::new(r"^http://localhost/(.*)").unwrap();
        let url = request_url("http", "localhost", "/foo?a=b");
        assert_eq!(
            by_regex(&r, "http://mydomain/$1", &url).as_deref(),
            Some("http://mydomain/foo?a=b")
        );
        assert_eq!(by_regex(&r, "http://mydomain/$1", "http://other/x"), None);
        let same = Regex::new("^(.*)$").unwrap();
        assert_eq!(by_regex(&same, "$1", &url), None);
    }

    #[test]
    fn app_root_applies_to_slash_only() {
        assert_eq!(app_root("/", "/app").as_deref(), Some("/app"));
        assert_eq!(app_root("/?q=1", "app").as_deref(), Some("/app?q=1"));
        assert_eq!(app_root("/other", "/app"), None);
        assert_eq!(app_root("/", "/"), None);
    }

    #[test]
    fn invalid_patterns_are_cached_as_invalid() {
        let regexes = Regexes::default();
        assert!(regexes.get("^(a").is_none());
        assert!(regexes.get("^a$").unwrap().is_match("a"));
        assert!(Arc::ptr_eq(
            &regexes.get("^a$").unwrap(),
            &regexes.get("^a$").unwrap()
        ));
    }
}
