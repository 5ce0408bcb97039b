//! The cost of a path lookup: bounded by the rules of the host, never by
//! the request path. Counted in probes and bytes hashed, not timed.

use std::sync::Arc;

use super::{PathIndex, Work};
use crate::routing::{HostMatch, ObjectKey, PathKind, Route, RuleType, Service, Upstream};

/// The index of `rules` (path, path type, rule type), with its routes.
fn index(rules: &[(&str, PathKind, RuleType)]) -> (PathIndex, Vec<Arc<Route>>) {
    let service = Arc::new(Service::new("default/web:80", Upstream::Endpoints(Vec::new())));
    let routes: Vec<Arc<Route>> = rules
        .iter()
        .enumerate()
        .map(|(i, (path, kind, rule_type))| {
            let ingress = ObjectKey::new("default", format!("i{i}"));
            let mut route = Route::new(
                format!("r{i}"),
                ingress,
                HostMatch::Any,
                *path,
                *kind,
                service.clone(),
            );
            route.rule_type = rule_type.clone();
            Arc::new(route)
        })
        .collect();
    let mut paths = PathIndex::default();
    for (i, route) in routes.iter().enumerate() {
        paths.insert(route, u32::try_from(i).expect("few routes"));
    }
    (paths, routes)
}

/// The matched route's path and what the lookup cost.
fn lookup(paths: &PathIndex, routes: &[Arc<Route>], path: &str) -> (Option<String>, Work) {
    let mut work = Work::default();
    let hit = paths.best_counted(path, routes, &|_: &Route| true, &mut work);
    (hit.map(|hit| routes[hit.index as usize].path.clone()), work)
}

#[test]
fn a_64_kib_path_costs_what_a_short_one_does() {
    let long = "/a".repeat(32 * 1024);
    assert_eq!(long.len(), 64 * 1024);
    type Rules<'a> = &'a [(&'a str, PathKind, RuleType)];
    let cases: [(Rules<'_>, Option<&str>); 4] = [
        // The review's case: one Prefix rule, a path of 32 768 elements.
        (&[("/a", PathKind::Prefix, RuleType::PathPrefix)], Some("/a")),
        // An Exact rule cannot match a longer path: not even probed.
        (&[("/a/a", PathKind::Exact, RuleType::PathPrefix)], None),
        (
            &[("/a/a/a", PathKind::ImplementationSpecific, RuleType::PathPrefix)],
            Some("/a/a/a"),
        ),
        (
            &[
                ("/", PathKind::Prefix, RuleType::PathPrefix),
                ("/a", PathKind::Prefix, RuleType::PathPrefix),
                ("/a/a/a/a", PathKind::Prefix, RuleType::PathPrefix),
                ("/a/a", PathKind::Exact, RuleType::PathPrefix),
                ("/a/a/a", PathKind::ImplementationSpecific, RuleType::PathPrefix),
                ("/a/a/a/a/a", PathKind::ImplementationSpecific, RuleType::Path),
            ],
            Some("/a/a/a/a"),
        ),
    ];
    for (rules, expected) in cases {
        let (paths, routes) = index(rules);
        let longest_rule = rules.iter().map(|(path, ..)| path.len()).max().unwrap_or(0);
        let (long_hit, long_work) = lookup(&paths, &routes, &long);
        assert_eq!(long_hit.as_deref(), expected, "{rules:?}");
        // A path just longer than every rule, of the same shape, costs the same.
        let short = &long[..longest_rule + 2];
        let (short_hit, short_work) = lookup(&paths, &routes, short);
        assert_eq!(short_hit.as_deref(), expected, "{rules:?}");
        assert_eq!(long_work, short_work, "{rules:?}");
        // At most one probe per rule and the root, each hashing no more
        // than the longest rule.
        assert!(long_work.probes <= rules.len() + 1, "{rules:?}: {long_work:?}");
        assert!(
            long_work.bytes <= rules.len() * longest_rule,
            "{rules:?}: {long_work:?}"
        );
    }
}

#[test]
fn long_paths_still_match_by_the_usual_rules() {
    let (paths, routes) = index(&[
        ("/a/", PathKind::Prefix, RuleType::PathPrefix),
        ("/a/b", PathKind::Exact, RuleType::PathPrefix),
        ("/a/bc", PathKind::ImplementationSpecific, RuleType::PathPrefix),
    ]);
    let tail = "/x".repeat(1000);
    for (path, expected) in [
        ("/a".to_owned(), Some("/a/")),
        ("/a/".to_owned(), Some("/a/")),
        (format!("/a{tail}"), Some("/a/")),
        ("/a/b".to_owned(), Some("/a/b")),
        (format!("/a/b{tail}"), Some("/a/")),
        (format!("/a/bcd{tail}"), Some("/a/bc")),
        (format!("/ab{tail}"), None),
        ("/".to_owned(), None),
    ] {
        let (hit, _) = lookup(&paths, &routes, &path);
        assert_eq!(hit.as_deref(), expected, "{}", &path[..path.len().min(12)]);
    }
}
