//! Routing: the table built from Ingresses, Services and EndpointSlices, and
//! its lookup. [`build`] turns the observed Kubernetes objects into a
//! [`RouteTable`] (pure and deterministic); the request path asks the table
//! for the route of each request with [`RouteTable::lookup`], which probes
//! hash maps instead of scanning rules, so its cost does not grow with the
//! number of Ingresses.

mod build;
mod host;
mod paths;
mod rewrite;
mod route;
mod table;
mod types;

pub use build::{BuildInput, BuildOutput, ClassFilter, Diagnostic, TlsRef, build};
pub use route::InvalidHost;
pub use table::RouteTable;
pub use types::*;

/// The published routing table: the kube provider stores a new snapshot, each
/// request loads one (`handle.load()`) and keeps it for the whole request.
pub type TableHandle = std::sync::Arc<arc_swap::ArcSwap<RouteTable>>;
