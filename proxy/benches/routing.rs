//! Route lookup cost at 10, 1 000 and 10 000 Ingress rules (the issue's
//! benchmark: "a lookup costs the same with 10 routes or 10 000").
//!
//! Each size is a set of Ingresses built into a table with
//! `routing::build`, as the kube provider does: one rule per (host, path),
//! five paths per host, path types mixed (Prefix, Exact,
//! ImplementationSpecific with PathPrefixStrip), every other host a
//! wildcard, and a catch-all. The lookups cycle through requests that hit
//! exact hosts, wildcard hosts, deep paths, strips and misses, the same
//! lengths at every size (numbers are zero-padded). Prints the
//! build time, ns per lookup and the ratio to the 10-rule table.
//!
//! Then the cost of long request paths on the largest table: `/a/a/a/…`
//! of 64 B to 64 KiB on a host with Prefix, Exact and
//! ImplementationSpecific rules. A lookup never probes past the longest
//! rule, so what remains grows linearly with the path (reading it once and
//! copying it for the upstream request): ns per KiB falls as the fixed cost
//! is spread, then stays flat; it would grow with the length if lookups
//! were quadratic.
//!
//! Run: `cargo bench -p passerelle-proxy --bench routing` (optimised), or
//! `cargo test -p passerelle-proxy --bench routing` for a quick unoptimised pass.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointPort, EndpointSlice};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule, IngressServiceBackend,
    IngressSpec, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use passerelle_proxy::routing::{BuildInput, ClassFilter, RouteTable, build};

const SIZES: [usize; 3] = [10, 1_000, 10_000];
const PATHS_PER_HOST: usize = 5;
const ROUNDS: usize = 7;
/// Request path lengths of the long-path case, in bytes.
const LONG_PATHS: [usize; 4] = [64, 1024, 16 * 1024, 64 * 1024];

fn meta(name: String) -> ObjectMeta {
    ObjectMeta {
        namespace: Some("bench".into()),
        name: Some(name),
        ..ObjectMeta::default()
    }
}

fn host_of(index: usize) -> String {
    let host = index / PATHS_PER_HOST;
    if host % 2 == 1 {
        format!("*.h{host:05}.bench.test")
    } else {
        format!("h{host:05}.bench.test")
    }
}

fn path_of(index: usize) -> (String, &'static str) {
    match index % PATHS_PER_HOST {
        0 => ("/".into(), "Prefix"),
        1 => (format!("/api/v{index:05}"), "Prefix"),
        2 => (format!("/static/{index:05}/assets"), "ImplementationSpecific"),
        3 => (format!("/exact/{index:05}"), "Exact"),
        _ => (format!("/deep/a/b/c/{index:05}"), "Prefix"),
    }
}

/// `rules` Ingress rules, one Ingress per host.
fn ingresses(rules: usize) -> Vec<Arc<Ingress>> {
    let backend = IngressBackend {
        service: Some(IngressServiceBackend {
            name: "web".into(),
            port: Some(ServiceBackendPort {
                number: Some(80),
                name: None,
            }),
        }),
        resource: None,
    };
    let mut by_host: BTreeMap<String, Vec<HTTPIngressPath>> = BTreeMap::new();
    for index in 0..rules.saturating_sub(1) {
        let (path, kind) = path_of(index);
        let path = HTTPIngressPath {
            path: Some(path),
            path_type: kind.into(),
            backend: backend.clone(),
        };
        by_host.entry(host_of(index)).or_default().push(path);
    }
    let mut ingresses: Vec<Arc<Ingress>> = by_host
        .into_iter()
        .enumerate()
        .map(|(n, (host, paths))| {
            let mut metadata = meta(format!("ing-{n}"));
            if n % 2 == 0 {
                let annotations = [(
                    "traefik.frontend.rule.type".to_owned(),
                    "PathPrefixStrip".to_owned(),
                )];
                metadata.annotations = Some(annotations.into());
            }
            let rule = IngressRule {
                host: Some(host),
                http: Some(HTTPIngressRuleValue { paths }),
            };
            let spec = IngressSpec {
                rules: Some(vec![rule]),
                ..IngressSpec::default()
            };
            Arc::new(Ingress {
                metadata,
                spec: Some(spec),
                status: None,
            })
        })
        .collect();
    let catch_all = HTTPIngressPath {
        path: Some("/".into()),
        path_type: "Prefix".into(),
        backend,
    };
    let rule = IngressRule {
        host: None,
        http: Some(HTTPIngressRuleValue {
            paths: vec![catch_all],
        }),
    };
    let spec = IngressSpec {
        rules: Some(vec![rule]),
        ..IngressSpec::default()
    };
    ingresses.push(Arc::new(Ingress {
        metadata: meta("catch-all".into()),
        spec: Some(spec),
        status: None,
    }));
    ingresses
}

fn backends() -> (Vec<Arc<Service>>, Vec<Arc<EndpointSlice>>) {
    let port = ServicePort {
        name: Some("http".into()),
        port: 80,
        ..ServicePort::default()
    };
    let spec = ServiceSpec {
        ports: Some(vec![port]),
        ..ServiceSpec::default()
    };
    let service = Service {
        metadata: meta("web".into()),
        spec: Some(spec),
        status: None,
    };
    let mut metadata = meta("web-1".into());
    metadata.labels = Some([("kubernetes.io/service-name".to_owned(), "web".to_owned())].into());
    let slice = EndpointSlice {
        metadata,
        address_type: "IPv4".into(),
        endpoints: Some(vec![Endpoint {
            addresses: vec!["10.0.0.1".into()],
            ..Endpoint::default()
        }]),
        ports: Some(vec![EndpointPort {
            name: Some("http".into()),
            port: Some(8080),
            ..EndpointPort::default()
        }]),
    };
    (vec![Arc::new(service)], vec![Arc::new(slice)])
}

/// Requests touching every kind of rule of a table of `rules` rules, and misses.
fn requests(rules: usize) -> Vec<(String, String)> {
    let mut requests = Vec::new();
    let hosts = rules.saturating_sub(1).div_ceil(PATHS_PER_HOST).max(1);
    for step in 0..64 {
        let index = (step * 7919) % rules.saturating_sub(1).max(1);
        let host = host_of(index).replace('*', "www");
        let (path, _) = path_of(index);
        requests.push((host.clone(), format!("{path}/x/y?q={step}")));
        requests.push((host.to_ascii_uppercase() + ":443", path));
        requests.push((
            format!("h{:05}.bench.test", (step * 31) % hosts),
            "/nothing/here".into(),
        ));
        requests.push(("unknown.example.test".into(), format!("/api/v{index:05}")));
    }
    requests
}

/// Requests for `/a/a/a/…` paths of each of [`LONG_PATHS`] on the host of
/// rule 0 (`h00000.bench.test`, whose rules are a Prefix `/`, a Prefix, an
/// ImplementationSpecific and an Exact path, and a deep Prefix).
fn long_requests() -> Vec<Vec<(String, String)>> {
    LONG_PATHS
        .iter()
        .map(|&len| vec![("h00000.bench.test".to_owned(), "/a".repeat(len / 2))])
        .collect()
}

/// Nanoseconds per lookup over `requests`, for about 100 ms.
fn measure(table: &RouteTable, requests: &[(String, String)]) -> f64 {
    let mut lookups = 0u64;
    let mut found = 0u64;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(100) {
        for (host, path) in requests {
            if black_box(table.lookup("websecure", Some(black_box(host)), black_box(path))).is_some() {
                found += 1;
            }
            lookups += 1;
        }
    }
    assert!(found > 0, "the requests hit routes");
    start.elapsed().as_nanos() as f64 / lookups as f64
}

/// A table size: rules, build time, the table, its requests.
type Sized = (usize, Duration, RouteTable, Vec<(String, String)>);

fn main() {
    let (services, slices) = backends();
    let filter = ClassFilter::default();
    let tables: Vec<Sized> = SIZES
        .iter()
        .map(|&rules| {
            let ingresses = ingresses(rules);
            let start = Instant::now();
            let output = build(&BuildInput {
                ingresses: &ingresses,
                ingress_classes: &[],
                services: &services,
                endpoint_slices: &slices,
                class_filter: &filter,
                entry_points: None,
            });
            let built = start.elapsed();
            assert_eq!(output.table.routes().len(), rules, "one route per rule");
            assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics.first());
            (rules, built, output.table, requests(rules))
        })
        .collect();
    // Rounds alternate between sizes and the best round counts, so that
    // another process's burst of CPU does not land on one size only.
    let mut best = vec![f64::INFINITY; tables.len()];
    for _ in 0..ROUNDS {
        for (slot, (_, _, table, requests)) in best.iter_mut().zip(&tables) {
            *slot = slot.min(measure(table, requests));
        }
    }
    println!(
        "{:>8} {:>12} {:>12} {:>8}",
        "rules", "build ms", "ns/lookup", "ratio"
    );
    for ((rules, built, _, _), ns) in tables.iter().zip(&best) {
        let ratio = ns / best[0];
        println!(
            "{rules:>8} {:>12.2} {ns:>12.1} {ratio:>8.2}",
            built.as_secs_f64() * 1e3
        );
    }

    let Some((rules, _, table, _)) = tables.last() else {
        return;
    };
    let long = long_requests();
    let mut best = vec![f64::INFINITY; long.len()];
    for _ in 0..ROUNDS {
        for (slot, requests) in best.iter_mut().zip(&long) {
            *slot = slot.min(measure(table, requests));
        }
    }
    println!("\nlong paths, {rules} rules");
    println!("{:>8} {:>12} {:>12}", "bytes", "ns/lookup", "ns/KiB");
    for (len, ns) in LONG_PATHS.iter().zip(&best) {
        let per_kib = ns * 1024.0 / *len as f64;
        println!("{len:>8} {ns:>12.1} {per_kib:>12.1}");
    }
}
