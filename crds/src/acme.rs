//! `acme.cert-manager.io/v1`: the ACME issuer's configuration (account,
//! solvers, DNS-01 providers) and the Order and Challenge kinds through which
//! an ACME issuance is persisted step by step (RFC 8555).

pub mod challenge;
pub mod dns01;
pub mod issuer;
pub mod order;
pub mod solver;

pub use challenge::{Challenge, ChallengeSpec, ChallengeStatus};
pub use issuer::{AcmeIssuer, AcmeIssuerStatus};
pub use order::{Order, OrderSpec, OrderStatus};
pub use solver::AcmeChallengeSolver;
