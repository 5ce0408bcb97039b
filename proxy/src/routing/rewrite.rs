//! What the request path becomes once a route is chosen: Traefik 1.x's
//! `PathPrefixStrip`/`PathStrip` (strip the matched prefix, send it in
//! `X-Forwarded-Prefix`), `ReplacePath` and `rewrite-target` (send the
//! original in `X-Replaced-Path`); and the normalisation of the request path
//! that matching and forwarding both use.

use std::borrow::Cow;

use super::types::{Matched, Route, RuleType};

/// Splits `path?query` into the path and the query with its `?` (empty when
/// there is none), so the query is handed on untouched.
pub(crate) fn split_query(path_and_query: &str) -> (&str, &str) {
    match path_and_query.find('?') {
        Some(at) => path_and_query.split_at(at),
        None => (path_and_query, ""),
    }
}

/// The path that is matched and forwarded: percent-encoded unreserved
/// characters decoded and dot segments removed (RFC 3986 §6.2.2.2 and §5.2.4),
/// so that `/%61dmin` or `/public/../admin` cannot reach a route other than
/// the one `/admin` reaches while the upstream reads them as `/admin`. An empty
/// path is `/`. Borrows when the path is already normal.
pub(crate) fn normalize_path(path: &str) -> Cow<'_, str> {
    if path.is_empty() {
        return Cow::Borrowed("/");
    }
    let needs_work = path.contains('%') || path.contains("/.") || !path.starts_with('/');
    if !needs_work {
        return Cow::Borrowed(path);
    }
    let decoded = decode_unreserved(path);
    let mut out = remove_dot_segments(&decoded);
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    Cow::Owned(out)
}

fn decode_unreserved(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = path.get(i + 1..i + 3)
            && let Ok(value) = u8::from_str_radix(hex, 16)
            && (value.is_ascii_alphanumeric() || matches!(value, b'-' | b'.' | b'_' | b'~'))
        {
            out.push(char::from(value));
            i += 3;
            continue;
        }
        let ch = path[i..].chars().next().unwrap_or_default();
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    out
}

/// RFC 3986 §5.2.4, on a path only.
fn remove_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let trailing_slash = path.ends_with("/.") || path.ends_with("/..") || path == "." || path == "..";
    for segment in path.split('/').skip(usize::from(path.starts_with('/'))) {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    if trailing_slash || out.is_empty() {
        out.push('/');
    }
    out
}

/// The [`Matched`] for `route`, which matched the first `matched` bytes of
/// `path` (normalised, no query); `query` is `?…` or empty.
pub(crate) fn apply<'a>(
    route: &'a std::sync::Arc<Route>,
    path: &str,
    query: &str,
    matched: usize,
) -> Matched<'a> {
    let (prefix, rest) = path.split_at(matched.min(path.len()));
    let strip = matches!(route.rule_type, RuleType::PathPrefixStrip | RuleType::PathStrip);
    // The element-wise prefix `/` matches zero bytes: nothing to strip or announce.
    let forwarded_prefix = (strip && !prefix.is_empty()).then(|| prefix.to_owned());
    let (upstream, replaced_path) = if let RuleType::ReplacePath(replacement) = &route.rule_type {
        (with_leading_slash(replacement), Some(path.to_owned()))
    } else if let Some(target) = &route.rewrite_target {
        // Traefik 1.x: `ReplacePathRegex: ^{path}(.*) {target without trailing /}$1`.
        let mut upstream = target.trim_end_matches('/').to_owned();
        upstream.push_str(rest);
        (with_leading_slash(&upstream), Some(path.to_owned()))
    } else if strip {
        (with_leading_slash(rest), None)
    } else {
        (path.to_owned(), None)
    };
    let mut upstream_path = upstream;
    upstream_path.push_str(query);
    Matched {
        route,
        upstream_path,
        forwarded_prefix,
        replaced_path,
    }
}

fn with_leading_slash(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_query_keeps_the_question_mark() {
        assert_eq!(split_query("/a?b=1"), ("/a", "?b=1"));
        assert_eq!(split_query("/a"), ("/a", ""));
        assert_eq!(split_query("/a?"), ("/a", "?"));
    }

    #[test]
    fn normalize_path_decodes_unreserved_and_removes_dot_segments() {
        for (input, expected) in [
            ("/plain/path", "/plain/path"),
            ("", "/"),
            ("/%61dmin", "/admin"),
            ("/a%2Fb", "/a%2Fb"),
            ("/a%zz", "/a%zz"),
            ("/public/../admin", "/admin"),
            ("/a/./b/", "/a/b/"),
            ("/a/b/..", "/a/"),
            ("/../../x", "/x"),
            ("/%2e%2e/admin", "/admin"),
            ("/caf%C3%A9", "/caf%C3%A9"),
            ("/.well-known/acme-challenge/t", "/.well-known/acme-challenge/t"),
            ("relative", "/relative"),
        ] {
            assert_eq!(normalize_path(input), expected, "{input}");
        }
    }
}
