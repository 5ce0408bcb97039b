//! The per-host path index: hash maps keyed by rule path, probed with the
//! request path's candidate prefixes, so that finding the best route costs a
//! handful of probes whatever the number of rules (the issue: "a lookup costs
//! the same with 10 routes or 10 000").
//!
//! Three ways to match, after the Ingress spec
//! (<https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types>)
//! and Traefik 1.x:
//! - exact: byte-equal (`pathType: Exact`; Traefik's `Path`/`PathStrip` rule
//!   types on `ImplementationSpecific` paths);
//! - element-wise prefix (`pathType: Prefix`): the rule path, trailing `/`
//!   ignored, equals the request path or is followed in it by `/`;
//! - string prefix (`ImplementationSpecific`, Traefik's `PathPrefix`).

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;

use super::types::{PathKind, Route, RuleType};

/// How a route's path is compared with the request path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum MatchMode {
    /// Traefik's string prefix (lowest on a tie of length).
    StringPrefix,
    /// The Ingress spec's element-wise prefix.
    Segment,
    /// Byte-equal: beats a prefix of the same length ("Exact beats Prefix").
    Exact,
}

impl MatchMode {
    /// The mode of a route: its `pathType`, except that on
    /// `ImplementationSpecific` paths Traefik's `Path` and `PathStrip` rule
    /// types match exactly, as Traefik 1.x's `Path:` matcher did.
    pub(crate) fn of(route: &Route) -> MatchMode {
        match route.path_kind {
            PathKind::Exact => MatchMode::Exact,
            PathKind::Prefix => MatchMode::Segment,
            PathKind::ImplementationSpecific => match route.rule_type {
                RuleType::Path | RuleType::PathStrip => MatchMode::Exact,
                _ => MatchMode::StringPrefix,
            },
        }
    }

    /// The key the route is indexed under: the element-wise prefix drops its
    /// trailing slashes (`/foo/` is `/foo`; `/` is the empty key).
    fn key(self, path: &str) -> &str {
        match self {
            MatchMode::Segment => path.trim_end_matches('/'),
            MatchMode::Exact | MatchMode::StringPrefix => path,
        }
    }

    /// How long a match with this key counts as for "the longest match wins":
    /// the bytes of request path it covers (the root prefix counts as 1, like
    /// a string prefix `/`).
    fn length(self, key: &str) -> usize {
        match self {
            MatchMode::Segment => key.len().max(1),
            MatchMode::Exact | MatchMode::StringPrefix => key.len(),
        }
    }
}

/// The order of routes: higher `priority` first (unset counts as 0, as in
/// Traefik 1.x where it overrides the computed order), then the longest
/// match, then Exact over Prefix, then the earlier route (`build` lists the
/// older Ingress first).
pub(crate) type Rank = (i64, usize, MatchMode, Reverse<u32>);

/// The sort key of a route, best first once reversed; `index` is its position
/// in the table.
pub(crate) fn static_rank(route: &Route, index: u32) -> Rank {
    let mode = MatchMode::of(route);
    let key = mode.key(&route.path);
    (
        route.priority.unwrap_or(0),
        mode.length(key),
        mode,
        Reverse(index),
    )
}

/// One match found by [`PathIndex::best`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    /// The route's index in the table.
    pub(crate) index: u32,
    /// How many bytes of the request path the rule covers (what a strip
    /// removes).
    pub(crate) matched: usize,
    /// Its rank among other hits.
    pub(crate) rank: Rank,
}

/// The path index of one host (or of the wildcard suffix, or of "any host").
///
/// Besides the maps, it records the key lengths worth probing, so that a
/// lookup never probes past the longest rule: the cost of a request path is
/// bounded by the rules, not by the path (a 64 KiB path `/a/a/a/…` costs
/// what a short one does).
#[derive(Debug, Default)]
pub(crate) struct PathIndex {
    exact: HashMap<Box<str>, Vec<u32>>,
    segment: HashMap<Box<str>, Vec<u32>>,
    string: HashMap<Box<str>, Vec<u32>>,
    /// The longest key of `exact`: a longer path matches none.
    exact_max: usize,
    /// The distinct non-empty key lengths of `segment`, ascending: the only
    /// element boundaries worth probing.
    segment_lengths: Vec<usize>,
    /// The distinct key lengths of `string`, ascending: the only prefix
    /// lengths worth probing.
    string_lengths: Vec<usize>,
}

/// What a lookup cost: hash-map probes and the bytes of keys hashed for
/// them. Bounded by the rules of the index, whatever the request path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Work {
    /// Hash-map probes.
    pub(crate) probes: usize,
    /// Bytes of request path hashed by those probes.
    pub(crate) bytes: usize,
}

impl PathIndex {
    /// Adds a route. Routes must be added in table order, so that each key's
    /// list is best first.
    pub(crate) fn insert(&mut self, route: &Route, index: u32) {
        let mode = MatchMode::of(route);
        let key = mode.key(&route.path);
        let map = match mode {
            MatchMode::Exact => {
                self.exact_max = self.exact_max.max(key.len());
                &mut self.exact
            }
            MatchMode::Segment => {
                // The root (empty key) is probed always: no length to record.
                if !key.is_empty() {
                    insert_sorted(&mut self.segment_lengths, key.len());
                }
                &mut self.segment
            }
            MatchMode::StringPrefix => {
                insert_sorted(&mut self.string_lengths, key.len());
                &mut self.string
            }
        };
        map.entry(key.into()).or_default().push(index);
    }

    /// The best route for `path` (no query) among those `allowed` (the entry
    /// point filter).
    pub(crate) fn best(
        &self,
        path: &str,
        routes: &[Arc<Route>],
        allowed: &impl Fn(&Route) -> bool,
    ) -> Option<Hit> {
        self.best_counted(path, routes, allowed, &mut Work::default())
    }

    /// [`PathIndex::best`], adding what the lookup cost to `work`.
    ///
    /// Every probe is of a key length some rule has: the exact map only
    /// when the path is no longer than its longest key, the element-wise
    /// map at the recorded lengths where the path has an element boundary
    /// (a `/` or its end), the string-prefix map at the recorded lengths.
    pub(crate) fn best_counted(
        &self,
        path: &str,
        routes: &[Arc<Route>],
        allowed: &impl Fn(&Route) -> bool,
        work: &mut Work,
    ) -> Option<Hit> {
        let mut best: Option<Hit> = None;
        let mut consider = |map: &HashMap<Box<str>, Vec<u32>>, mode: MatchMode, matched: usize| {
            let Some(key) = path.get(..matched) else { return };
            work.probes += 1;
            work.bytes += key.len();
            let Some(ids) = map.get(key) else { return };
            // Each list is in table order: the first allowed route is the best
            // of this key.
            if let Some(&index) = ids.iter().find(|&&i| allowed(&routes[i as usize])) {
                let route = &routes[index as usize];
                let rank = (
                    route.priority.unwrap_or(0),
                    mode.length(key),
                    mode,
                    Reverse(index),
                );
                if best.is_none_or(|b| rank > b.rank) {
                    best = Some(Hit { index, matched, rank });
                }
            }
        };
        if !self.exact.is_empty() && path.len() <= self.exact_max {
            consider(&self.exact, MatchMode::Exact, path.len());
        }
        if !self.segment.is_empty() {
            consider(&self.segment, MatchMode::Segment, 0);
            // A key (never ending in `/`) matches when the path continues
            // with `/` after it or ends there.
            let bytes = path.as_bytes();
            for &len in self.segment_lengths.iter().take_while(|&&len| len <= path.len()) {
                if len == path.len() || bytes[len] == b'/' {
                    consider(&self.segment, MatchMode::Segment, len);
                }
            }
        }
        for &len in self.string_lengths.iter().take_while(|&&len| len <= path.len()) {
            consider(&self.string, MatchMode::StringPrefix, len);
        }
        best
    }
}

/// Adds `len` to the ascending, duplicate-free `lengths`.
fn insert_sorted(lengths: &mut Vec<usize>, len: usize) {
    if let Err(at) = lengths.binary_search(&len) {
        lengths.insert(at, len);
    }
}

#[cfg(test)]
mod tests;
