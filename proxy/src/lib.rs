//! `passerelle-proxy`: an ingress controller that serves Ingress routes over
//! HTTP and HTTPS with certificates from Secrets, and that a Traefik 1.x user
//! can swap in keeping their Ingresses, annotations and `traefik.toml`.
//!
//! The routing table and the certificate set are pure data built by sync
//! functions ([`routing`], [`tls`]) and published atomically; the request
//! path ([`server`]) takes one snapshot per request and holds no lock across
//! an `.await`. The [`kube`] provider and the config file feed them.

pub mod admin;
pub mod config;
pub mod kube;
pub mod metrics;
pub mod routing;
pub mod run;
pub mod server;
pub mod tls;
