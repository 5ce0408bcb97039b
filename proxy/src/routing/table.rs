//! The route table: every route of the served Ingresses, indexed by host
//! (exact names, wildcard suffixes, and "any host") and, per host, by path
//! (see [`super::paths`]), and the lookup the request path makes once per
//! request on an immutable snapshot.

use std::collections::HashMap;
use std::sync::Arc;

use super::host;
use super::paths::{Hit, PathIndex, static_rank};
use super::rewrite;
use super::types::{HostMatch, Matched, Route};

/// An immutable, indexed set of routes. Build it with [`RouteTable::from_routes`]
/// (or [`super::build`] from Kubernetes objects); publish it behind an `Arc`
/// and swap it whole.
#[derive(Debug, Default)]
pub struct RouteTable {
    /// In precedence order: exact hosts, wildcard hosts, any host; per host
    /// priority, longest path, Exact before Prefix, then input order.
    routes: Vec<Arc<Route>>,
    default_backend: Option<Arc<Route>>,
    exact_hosts: HashMap<Box<str>, PathIndex>,
    wildcard_hosts: HashMap<Box<str>, PathIndex>,
    any_host: PathIndex,
}

/// Host tiers, best first: "exact host beats wildcard beats none".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Any,
    Wildcard,
    Exact,
}

fn tier(host: &HostMatch) -> Tier {
    match host {
        HostMatch::Exact(_) => Tier::Exact,
        HostMatch::Wildcard(_) => Tier::Wildcard,
        HostMatch::Any => Tier::Any,
    }
}

impl RouteTable {
    /// A table with no route: every lookup misses (404).
    pub fn empty() -> RouteTable {
        RouteTable::default()
    }

    /// Sorts and indexes `routes`. Among routes that tie (same priority, same
    /// match length, same path type) the one earlier in `routes` wins, so give
    /// them oldest Ingress first ([`super::build`] does). Host names in
    /// `HostMatch` must be lower-case (the constructors make them so).
    /// `default_backend` answers what no route matches.
    ///
    /// How a route's path matches: `PathKind::Exact` byte-equal;
    /// `PathKind::Prefix` element-wise; `PathKind::ImplementationSpecific` as a
    /// string prefix, or exactly when the rule type is `Path` or `PathStrip`
    /// (Traefik 1.x's `Path:` matcher).
    pub fn from_routes(routes: Vec<Route>, default_backend: Option<Route>) -> RouteTable {
        let mut routes: Vec<Arc<Route>> = routes.into_iter().map(Arc::new).collect();
        // Input position breaks ties (the sort is stable).
        routes.sort_by_cached_key(|route| {
            let host = match &route.host {
                HostMatch::Exact(name) | HostMatch::Wildcard(name) => name.clone(),
                HostMatch::Any => String::new(),
            };
            let (priority, length, mode, _) = static_rank(route, 0);
            (
                std::cmp::Reverse(tier(&route.host)),
                host,
                std::cmp::Reverse((priority, length, mode)),
            )
        });
        let mut table = RouteTable {
            default_backend: default_backend.map(Arc::new),
            ..RouteTable::default()
        };
        for (index, route) in routes.iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let paths = match &route.host {
                HostMatch::Exact(name) => table.exact_hosts.entry(name.as_str().into()).or_default(),
                HostMatch::Wildcard(suffix) => {
                    table.wildcard_hosts.entry(suffix.as_str().into()).or_default()
                }
                HostMatch::Any => &mut table.any_host,
            };
            paths.insert(route, index);
        }
        table.routes = routes;
        table
    }

    /// Every route, in precedence order (for the admin API).
    pub fn routes(&self) -> &[Arc<Route>] {
        &self.routes
    }

    /// The route serving what no other route matches, if any.
    pub fn default_backend(&self) -> Option<&Arc<Route>> {
        self.default_backend.as_ref()
    }

    /// The route for a request received on `entry_point` for `host` (the
    /// `Host` header or `:authority`, port allowed, any case; `None` when the
    /// request has none) and `path_and_query`, with the path and query to send
    /// upstream. `None` means 404.
    ///
    /// The path is normalised first: percent-encoded unreserved characters
    /// decoded and dot segments removed (RFC 3986 §6.2.2.2, §5.2.4), so
    /// `/%61dmin` and `/x/../admin` reach the route `/admin` reaches; that
    /// path is also what goes upstream. The query is kept as sent. Exact host
    /// beats wildcard beats any host, unless a `priority` says otherwise;
    /// within a host the longest match wins, Exact before Prefix, then the
    /// older Ingress.
    pub fn lookup(&self, entry_point: &str, host: Option<&str>, path_and_query: &str) -> Option<Matched<'_>> {
        let (path, query) = rewrite::split_query(path_and_query);
        let path = rewrite::normalize_path(path);
        let allowed = |route: &Route| {
            route
                .entry_points
                .as_ref()
                .is_none_or(|names| names.iter().any(|name| name == entry_point))
        };
        let mut best: Option<(Tier, Hit)> = None;
        let mut consider = |tier: Tier, index: Option<&PathIndex>| {
            let Some(hit) = index.and_then(|paths| paths.best(&path, &self.routes, &allowed)) else {
                return;
            };
            let better = match best {
                None => true,
                Some((best_tier, best_hit)) => {
                    (hit.rank.0, tier, hit.rank) > (best_hit.rank.0, best_tier, best_hit.rank)
                }
            };
            if better {
                best = Some((tier, hit));
            }
        };
        if let Some(host) = host.map(host::normalize) {
            consider(Tier::Exact, self.exact_hosts.get(host.as_ref()));
            if let Some(suffix) = host::wildcard_suffix(&host) {
                consider(Tier::Wildcard, self.wildcard_hosts.get(suffix));
            }
        }
        consider(Tier::Any, Some(&self.any_host));
        match best {
            Some((_, hit)) => Some(rewrite::apply(
                &self.routes[hit.index as usize],
                &path,
                query,
                hit.matched,
            )),
            None => {
                let route = self.default_backend.as_ref().filter(|route| allowed(route))?;
                Some(rewrite::apply(route, &path, query, 0))
            }
        }
    }
}

#[cfg(test)]
mod rewrite_tests;
#[cfg(test)]
mod tests;
