//! Host names as the table compares them: the request's `Host` (or `:authority`)
//! without its port, lower-cased, without a trailing dot; and the suffix a
//! wildcard rule (`*.example.com`) is indexed under.

use std::borrow::Cow;

/// The request host as the table's keys are written: port removed (`name:8080`
/// and `[::1]:8080` match `name` and `::1`), ASCII lower-cased, trailing dot
/// removed. Borrows when nothing has to change, which is the common case.
pub(crate) fn normalize(host: &str) -> Cow<'_, str> {
    let host = strip_port(host);
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    }
}

/// `name:port` → `name`; `[v6]:port` and `[v6]` → `v6`; a bare IPv6 address
/// (several colons, no brackets) is kept whole.
fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split_once(']').map_or(rest, |(addr, _)| addr);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The key a host is looked up under among wildcard rules: everything after
/// its first label (`a.example.com` → `example.com`). A wildcard matches
/// exactly one label, so `a.b.example.com` gives `b.example.com` and does not
/// match `*.example.com`, as the Ingress spec says.
pub(crate) fn wildcard_suffix(host: &str) -> Option<&str> {
    let (first, rest) = host.split_once('.')?;
    (!first.is_empty() && !rest.is_empty()).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_drops_port_case_and_trailing_dot() {
        for (input, expected) in [
            ("example.test", "example.test"),
            ("Example.TEST", "example.test"),
            ("example.test:8080", "example.test"),
            ("example.test.", "example.test"),
            ("example.test.:443", "example.test"),
            ("[::1]:8080", "::1"),
            ("[::1]", "::1"),
            ("::1", "::1"),
            ("127.0.0.1:80", "127.0.0.1"),
        ] {
            assert_eq!(normalize(input), expected, "{input}");
        }
    }

    #[test]
    fn wildcard_suffix_removes_exactly_one_label() {
        assert_eq!(wildcard_suffix("a.example.test"), Some("example.test"));
        assert_eq!(wildcard_suffix("a.b.example.test"), Some("b.example.test"));
        assert_eq!(wildcard_suffix("localhost"), None);
        assert_eq!(wildcard_suffix(".example.test"), None);
    }
}
