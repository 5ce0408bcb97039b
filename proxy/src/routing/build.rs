//! [`build`]: from the observed Ingresses, IngressClasses, Services and
//! EndpointSlices to a [`RouteTable`], the list of Ingresses served (for their
//! status), the TLS Secrets they reference, and diagnostics for what could
//! not be served as written. Pure and deterministic: the same objects give
//! the same output whatever their order, so the kube provider can rebuild on
//! every change and swap the result in.

mod annotations;
mod backend;
mod class;
mod io;

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use k8s_openapi::api::networking::v1::{HTTPIngressPath, Ingress, IngressBackend, IngressSpec};

use self::annotations::Options;
use self::backend::Backends;
use self::io::Note;
pub use self::io::{BuildInput, BuildOutput, ClassFilter, Diagnostic, TlsRef};
use super::RouteTable;
use super::types::{HostMatch, ObjectKey, PathKind, Route, RuleType, Service};

/// Builds the routing state from `input`. Ingresses are taken oldest first
/// (creation time, then namespace/name), which decides ties between their
/// routes and which `spec.defaultBackend` is used.
pub fn build(input: &BuildInput<'_>) -> BuildOutput {
    let class = input
        .class_filter
        .ingress_class
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let mut ingresses: Vec<&Ingress> = input
        .ingresses
        .iter()
        .map(AsRef::as_ref)
        .filter(|ingress| class::is_served(ingress, input.ingress_classes, class))
        .collect();
    ingresses.sort_by_cached_key(|ingress| {
        let created = ingress.metadata.creation_timestamp.as_ref().map(|time| time.0);
        (created.is_none(), created, key_of(ingress))
    });

    let mut builder = Builder {
        entry_points: input.entry_points,
        backends: Backends::new(input.services, input.endpoint_slices),
        routes: Vec::new(),
        default_backend: None,
        claimed: HashSet::new(),
        output: BuildOutput::default(),
        diagnostics: Vec::new(),
    };
    for ingress in ingresses {
        builder.ingress(ingress);
    }
    let Builder {
        backends,
        routes,
        default_backend,
        mut output,
        mut diagnostics,
        ..
    } = builder;
    diagnostics.extend(
        backends
            .service_notes
            .into_iter()
            .map(|(service, note)| note.on(&service, "Service")),
    );
    let mut seen = HashSet::new();
    diagnostics.retain(|diagnostic| seen.insert(diagnostic.clone()));
    output.diagnostics = diagnostics;
    output.served.sort();
    output.table = RouteTable::from_routes(routes, default_backend.map(|(_, route)| route));
    output
}

fn key_of(ingress: &Ingress) -> ObjectKey {
    ObjectKey::new(
        ingress.metadata.namespace.clone().unwrap_or_default(),
        ingress.metadata.name.clone().unwrap_or_default(),
    )
}

/// What makes two routes the same route: host, path, path type, entry
/// points and priority.
type Claim = (HostMatch, String, PathKind, Option<Vec<String>>, Option<i64>);

struct Builder<'a> {
    /// The configured entry points' names, when known.
    entry_points: Option<&'a [String]>,
    backends: Backends<'a>,
    routes: Vec<Route>,
    default_backend: Option<(ObjectKey, Route)>,
    /// Host, path, path type, entry points and priority of the routes so far:
    /// a later Ingress claiming the same is shadowed.
    claimed: HashSet<Claim>,
    output: BuildOutput,
    diagnostics: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn ingress(&mut self, ingress: &Ingress) {
        let key = key_of(ingress);
        let (options, notes) = annotations::parse(ingress.metadata.annotations.as_ref(), self.entry_points);
        self.diagnostics
            .extend(notes.into_iter().map(|note| note.on(&key, "Ingress")));
        let Some(options) = options else { return };
        self.output.served.push(key.clone());
        let Some(spec) = ingress.spec.as_ref() else { return };

        let mut tls_hosts = BTreeSet::new();
        let mut tls_all = false;
        for entry in spec.tls.iter().flatten() {
            let hosts: Vec<String> = entry
                .hosts
                .iter()
                .flatten()
                .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect();
            tls_all |= hosts.is_empty();
            tls_hosts.extend(hosts.iter().cloned());
            if let Some(secret) = entry.secret_name.as_deref().filter(|s| !s.is_empty()) {
                let secret = ObjectKey::new(key.namespace.clone(), secret);
                // An entry without hosts covers the hosts of the Ingress's
                // rules (the Ingress spec's `IngressTLS.hosts`); the Secret
                // serves no other name.
                let hosts = if hosts.is_empty() { rule_hosts(spec) } else { hosts };
                if hosts.is_empty() {
                    let message = format!(
                        "spec.tls entry for Secret {secret} lists no hosts and no rule of the Ingress has one: \
                         its certificate is served for no name (list the hosts in spec.tls)"
                    );
                    self.diagnostics
                        .push(Note::warning("TLSSecretWithoutHosts", message).on(&key, "Ingress"));
                }
                self.output.tls.push(TlsRef {
                    ingress: key.clone(),
                    secret,
                    hosts,
                });
            }
        }
        let tls_for = |host: &HostMatch| match host {
            HostMatch::Exact(name) => tls_all || tls_hosts.contains(name),
            HostMatch::Wildcard(suffix) => tls_all || tls_hosts.contains(&format!("*.{suffix}")),
            HostMatch::Any => tls_all,
        };

        for (rule_index, rule) in spec.rules.iter().flatten().enumerate() {
            let host = match HostMatch::parse(rule.host.as_deref()) {
                Ok(host) => host,
                Err(error) => {
                    let note = Note::error(
                        "InvalidHost",
                        format!("rule {rule_index}: {error}: rule not served"),
                    );
                    self.diagnostics.push(note.on(&key, "Ingress"));
                    continue;
                }
            };
            let Some(http) = rule.http.as_ref() else { continue };
            for (path_index, path) in http.paths.iter().enumerate() {
                let id = format!("{key}/{rule_index}/{path_index}");
                match self.path_route(&key, id, &host, path, &options) {
                    Ok(mut route) => {
                        route.tls = tls_for(&host);
                        self.add(route);
                    }
                    Err(note) => self.diagnostics.push(note.on(&key, "Ingress")),
                }
            }
        }
        if let Some(backend) = spec.default_backend.as_ref() {
            self.default(&key, backend, &options, tls_all);
        }
    }

    /// The route of one Ingress path, or why it is not served.
    fn path_route(
        &mut self,
        ingress: &ObjectKey,
        id: String,
        host: &HostMatch,
        path: &HTTPIngressPath,
        options: &Options,
    ) -> Result<Route, Note> {
        let written = path.path.as_deref().unwrap_or_default();
        let kind = match path.path_type.as_str() {
            "Exact" => PathKind::Exact,
            "Prefix" => PathKind::Prefix,
            "ImplementationSpecific" => PathKind::ImplementationSpecific,
            other => return Err(invalid_path(&id, format!("unknown pathType {other:?}"))),
        };
        let written = match (written, kind) {
            ("", PathKind::ImplementationSpecific) => "/",
            ("", _) => {
                return Err(invalid_path(
                    &id,
                    "path is required for Exact and Prefix".to_owned(),
                ));
            }
            (written, _) if !written.starts_with('/') => {
                return Err(invalid_path(
                    &id,
                    format!("path {written:?} does not start with /"),
                ));
            }
            (written, _) => written,
        };
        let service = self.service(ingress, &path.backend, options)?;
        let mut route = Route::new(id, ingress.clone(), host.clone(), written, kind, service);
        apply_options(&mut route, options);
        if options.replace_path {
            // Traefik 1.x's `ReplacePath:{path}` rule: no path matcher.
            route.rule_type = RuleType::ReplacePath(written.to_owned());
            route.path = "/".to_owned();
            route.path_kind = PathKind::Prefix;
        }
        route.app_root = options.app_root.clone().filter(|_| written == "/");
        Ok(route)
    }

    fn service(
        &mut self,
        ingress: &ObjectKey,
        backend: &IngressBackend,
        options: &Options,
    ) -> Result<Arc<Service>, Note> {
        let Some(service) = backend.service.as_ref() else {
            let what = if backend.resource.is_some() {
                "a resource backend"
            } else {
                "no service"
            };
            return Err(Note::error(
                "InvalidBackend",
                format!("backend has {what}, which is not supported"),
            ));
        };
        let (service, note) = self
            .backends
            .resolve(&ingress.namespace, service, options.protocol)?;
        if let Some(note) = note {
            self.diagnostics.push(note.on(ingress, "Ingress"));
        }
        Ok(service)
    }

    fn add(&mut self, route: Route) {
        let claim = (
            route.host.clone(),
            route.path.clone(),
            route.path_kind,
            route.entry_points.clone(),
            route.priority,
        );
        if !self.claimed.insert(claim) {
            let owner = self
                .routes
                .iter()
                .find(|r| r.host == route.host && r.path == route.path);
            let owner = owner.map_or_else(String::new, |r| format!(" by Ingress {}", r.ingress));
            let host = match &route.host {
                HostMatch::Exact(name) => name.clone(),
                HostMatch::Wildcard(suffix) => format!("*.{suffix}"),
                HostMatch::Any => "any host".to_owned(),
            };
            let message = format!("{host} path {} is already served{owner}: not used", route.path);
            self.diagnostics
                .push(Note::warning("PathConflict", message).on(&route.ingress, "Ingress"));
        }
        self.routes.push(route);
    }

    fn default(&mut self, key: &ObjectKey, backend: &IngressBackend, options: &Options, tls: bool) {
        if let Some((owner, _)) = &self.default_backend {
            let message = format!("the default backend of Ingress {owner} (older) is used: this one is not");
            self.diagnostics
                .push(Note::warning("DefaultBackendConflict", message).on(key, "Ingress"));
            return;
        }
        match self.service(key, backend, options) {
            Ok(service) => {
                let id = format!("{key}/default");
                let mut route = Route::new(id, key.clone(), HostMatch::Any, "/", PathKind::Prefix, service);
                apply_options(&mut route, options);
                route.rule_type = RuleType::PathPrefix;
                route.rewrite_target = None;
                route.tls = tls;
                self.default_backend = Some((key.clone(), route));
            }
            Err(note) => self.diagnostics.push(note.on(key, "Ingress")),
        }
    }
}

/// The hosts of an Ingress's rules, as `spec.tls` hosts are written
/// (`a.example.com`, `*.example.com`), sorted; rules without a host or with
/// an invalid one add none.
fn rule_hosts(spec: &IngressSpec) -> Vec<String> {
    let hosts: BTreeSet<String> = spec
        .rules
        .iter()
        .flatten()
        .filter_map(|rule| match HostMatch::parse(rule.host.as_deref()) {
            Ok(HostMatch::Exact(name)) => Some(name),
            Ok(HostMatch::Wildcard(suffix)) => Some(format!("*.{suffix}")),
            Ok(HostMatch::Any) | Err(_) => None,
        })
        .collect();
    hosts.into_iter().collect()
}

fn apply_options(route: &mut Route, options: &Options) {
    route.rule_type = options.rule_type.clone();
    route.priority = options.priority;
    route.entry_points = options.entry_points.clone();
    route.rewrite_target = options.rewrite_target.clone();
    route.app_root = options.app_root.clone();
    route.redirect = options.redirect.clone();
    route.pass_host_header = options.pass_host_header;
    route.whitelist = options.whitelist.clone();
}

fn invalid_path(id: &str, why: String) -> Note {
    Note::error("InvalidPath", format!("path {id}: {why}: not served"))
}

#[cfg(test)]
mod annotation_report_tests;
#[cfg(test)]
mod annotation_tests;
#[cfg(test)]
mod backend_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
