//! Table tests of what the request path becomes: strips, replacements,
//! rewrite targets, queries, and the normalised path.

use super::tests::{hit, route, table};
use crate::routing::{PathKind, RuleType};

/// (rule type, rule path, kind, request) → (upstream path, X-Forwarded-Prefix, X-Replaced-Path).
#[test]
fn path_rewrites() {
    use PathKind::{Exact, ImplementationSpecific as Is, Prefix};
    type Case<'a> = (
        RuleType,
        Option<&'a str>,
        &'a str,
        PathKind,
        &'a str,
        (&'a str, Option<&'a str>, Option<&'a str>),
    );
    let cases: Vec<Case<'_>> = vec![
        (
            RuleType::PathPrefix,
            None,
            "/api",
            Is,
            "/api/v1?x=1",
            ("/api/v1?x=1", None, None),
        ),
        (
            RuleType::Path,
            None,
            "/api",
            Is,
            "/api?x=1",
            ("/api?x=1", None, None),
        ),
        (
            RuleType::PathPrefixStrip,
            None,
            "/api",
            Is,
            "/api/v1?x=1",
            ("/v1?x=1", Some("/api"), None),
        ),
        (
            RuleType::PathPrefixStrip,
            None,
            "/api",
            Is,
            "/api",
            ("/", Some("/api"), None),
        ),
        (
            RuleType::PathPrefixStrip,
            None,
            "/api/",
            Is,
            "/api/v1",
            ("/v1", Some("/api/"), None),
        ),
        (
            RuleType::PathPrefixStrip,
            None,
            "/api",
            Is,
            "/apiv1",
            ("/v1", Some("/api"), None),
        ),
        (
            RuleType::PathPrefixStrip,
            None,
            "/",
            Is,
            "/v1/x?y",
            ("/v1/x?y", Some("/"), None),
        ),
        (
            RuleType::PathPrefixStrip,
            None,
            "/api/",
            Prefix,
            "/api/v1",
            ("/v1", Some("/api"), None),
        ),
        (
            RuleType::PathPrefixStrip,
            None,
            "/api",
            Prefix,
            "/api",
            ("/", Some("/api"), None),
        ),
        (
            RuleType::PathPrefixStrip,
            None,
            "/api",
            Exact,
            "/api",
            ("/", Some("/api"), None),
        ),
        (
            RuleType::PathStrip,
            None,
            "/api",
            Is,
            "/api?q",
            ("/?q", Some("/api"), None),
        ),
        (
            RuleType::ReplacePath("/new".into()),
            None,
            "/",
            Is,
            "/old/x?q",
            ("/new?q", None, Some("/old/x")),
        ),
        (
            RuleType::PathPrefix,
            Some("/app/"),
            "/api",
            Is,
            "/api/v1?q",
            ("/app/v1?q", None, Some("/api/v1")),
        ),
        (
            RuleType::PathPrefix,
            Some("/app"),
            "/api",
            Is,
            "/api",
            ("/app", None, Some("/api")),
        ),
        (
            RuleType::PathPrefix,
            Some("/"),
            "/api",
            Is,
            "/api/v1",
            ("/v1", None, Some("/api/v1")),
        ),
        (
            RuleType::PathPrefix,
            Some("/"),
            "/api",
            Is,
            "/api",
            ("/", None, Some("/api")),
        ),
        (
            RuleType::PathPrefix,
            None,
            "/api",
            Is,
            "/api/%761/../v2",
            ("/api/v2", None, None),
        ),
    ];
    for (rule_type, rewrite_target, path, kind, request, expected) in cases {
        let mut r = route("r", None, path, kind);
        r.rule_type = rule_type.clone();
        r.rewrite_target = rewrite_target.map(str::to_owned);
        let t = table(vec![r]);
        let m = t
            .lookup("web", None, request)
            .unwrap_or_else(|| panic!("{request} matches {path}"));
        let got = (
            m.upstream_path.as_str(),
            m.forwarded_prefix.as_deref(),
            m.replaced_path.as_deref(),
        );
        assert_eq!(
            got, expected,
            "{rule_type:?} {rewrite_target:?} {path} {kind:?} {request}"
        );
    }
}

#[test]
fn encoded_or_dotted_paths_cannot_dodge_a_more_specific_route() {
    let t = table(vec![
        route("admin", None, "/admin", PathKind::Prefix),
        route("public", None, "/", PathKind::Prefix),
    ]);
    for request in ["/%61dmin/x", "/public/../admin/x", "/./admin"] {
        assert_eq!(hit(&t, None, request).as_deref(), Some("admin"), "{request}");
    }
}
