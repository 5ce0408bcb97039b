//! passerelle-operator: reconciles cert-manager's API (Issuer,
//! ClusterIssuer, Certificate, CertificateRequest, Order, Challenge, and the
//! legacy `certmanager.k8s.io/v1alpha1` kinds) through ACME into
//! `kubernetes.io/tls` Secrets, and renews them.
//!
//! Every controller is observe → decide → act: a pure `decide` function
//! chooses what to do from the observed objects and the time; a thin layer
//! does it. Each step is persisted in the API before the next begins, so a
//! restart resumes where it stopped.
//!
//! ingress-shim makes Certificates for annotated Ingresses; leader election
//! over a Lease lets several replicas run, one reconciling, all serving
//! HTTP-01 challenges.

pub mod acme;
pub mod admin;
pub mod certificate;
pub mod certificate_request;
pub mod challenge;
pub mod clock;
pub mod coexistence;
pub mod conditions;
pub mod config;
pub mod context;
pub mod crashpoint;
pub mod error;
pub mod events;
pub mod ingress_shim;
pub mod issuer;
pub mod leader;
pub mod legacy;
pub mod metrics;
pub mod order;
pub mod pki;
pub mod reconcile;
pub mod run;
