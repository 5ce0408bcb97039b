//! Validation of Orders and Challenges (`acme.cert-manager.io`): the fields
//! the operator needs to act on them.

use super::issuer::acme_solver;
use super::{FieldError, quoted};
use crate::acme::{Challenge, Order};

/// Validates an Order. An empty list means valid.
pub fn order(order: &Order) -> Vec<FieldError> {
    let mut el = Vec::new();
    if order.spec.issuer_ref.name.is_empty() {
        el.push(FieldError::required("spec.issuerRef.name", "must be specified"));
    }
    if order.spec.request.is_empty() {
        el.push(FieldError::required("spec.request", "must be specified"));
    } else if !decodes_to_pem(&order.spec.request, "CERTIFICATE REQUEST") {
        el.push(FieldError::invalid(
            "spec.request",
            "<csr>",
            "must be a base64-encoded PEM certificate request",
        ));
    }
    el
}

/// Validates a Challenge. An empty list means valid.
pub fn challenge(ch: &Challenge) -> Vec<FieldError> {
    let mut el = Vec::new();
    for (field, value) in [
        ("url", &ch.spec.url),
        ("authorizationURL", &ch.spec.authorization_url),
        ("dnsName", &ch.spec.dns_name),
        ("token", &ch.spec.token),
        ("key", &ch.spec.key),
    ] {
        if value.is_empty() {
            el.push(FieldError::required(format!("spec.{field}"), "must be specified"));
        }
    }
    if ch.spec.issuer_ref.name.is_empty() {
        el.push(FieldError::required("spec.issuerRef.name", "must be specified"));
    }
    if ch
        .spec
        .token
        .contains(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        // RFC 8555 §8.1: a token is base64url; anything else could escape the
        // solver's URL path.
        el.push(FieldError::invalid(
            "spec.token",
            quoted(&ch.spec.token),
            "must be base64url",
        ));
    }
    el.extend(acme_solver(&ch.spec.solver, "spec.solver"));
    el
}

/// Whether `b64` (a `format: byte` field) is base64 of a PEM block labelled
/// `label`.
pub(crate) fn decodes_to_pem(b64: &str, label: &str) -> bool {
    use base64::Engine as _;
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return false;
    };
    text.contains(&format!("-----BEGIN {label}-----")) && text.contains(&format!("-----END {label}-----"))
}
