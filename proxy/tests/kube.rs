//! The Kubernetes provider against kube-sim: the whole proxy runs
//! in-process (started from flags as `main` does), objects are applied with
//! the kube client or kubectl, and real clients check what is served,
//! which status is published, which Events are recorded, and that the
//! walkthrough's Ingress and traefik.toml work together.

#[path = "http_support/env.rs"]
mod http_env;
#[path = "kube/routes.rs"]
mod routes;
#[path = "kube/status.rs"]
mod status;
#[path = "kube/support.rs"]
mod support;
#[path = "kube/tls.rs"]
mod tls;
#[path = "kube/walkthrough.rs"]
mod walkthrough;
