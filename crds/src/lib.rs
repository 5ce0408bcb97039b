//! cert-manager's API as Rust types, so that a cert-manager user keeps their
//! manifests: `cert-manager.io/v1` ([`v1`]), `acme.cert-manager.io/v1`
//! ([`acme`]) and the legacy `certmanager.k8s.io/v1alpha1` ([`v1alpha1`]).
//!
//! Beside the types this crate owns what the operator and the proxy share:
//! the constants of the API ([`constants`]), the CRDs as they are installed
//! ([`crd`]), cert-manager's defaults ([`defaults`]), its webhook's validation
//! rules ([`validate`]) and the conversion of legacy objects to v1
//! ([`convert`]).

// kube-derive's `printcolumn(...)` repeats `type_ = ...` in one attribute,
// which clippy mistakes for a duplicated attribute.
#![allow(clippy::duplicated_attributes)]

pub mod acme;
pub mod constants;
pub mod convert;
pub mod crd;
pub mod defaults;
pub mod meta;
pub(crate) mod schema;
pub mod v1;
pub mod v1alpha1;
pub mod validate;
