//! kube-sim: a Kubernetes-compatible API server held in memory, for the
//! tests and the local demo. Its whole value is fidelity: wherever a
//! controller or kubectl could tell kube-sim from a real kube-apiserver,
//! that is a bug (the known divergences are listed in `docs/kube-sim.md`).
//!
//! Tests start it in-process on `127.0.0.1:0` with [`KubeSim::start`]; the
//! `kube-sim` binary serves it for the demo.

pub mod apply;
pub mod builtin;
pub mod crd;
pub mod discovery;
pub mod gofmt;
pub mod handlers;
pub mod lifecycle;
pub mod openapi;
pub mod patch;
pub mod protobuf;
pub mod rbac;
pub mod registry;
pub mod request;
pub mod schema;
pub mod selectors;
pub mod server;
pub mod sim;
pub mod status;
pub mod store;
pub mod table;
pub mod validation;

pub use server::{Config, Error, KubeSim};
pub use sim::{Auth, FaultRule, Faults};
