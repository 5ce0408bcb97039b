//! cert-manager's webhook validation, as pure functions. Passerelle runs no
//! admission webhook: the rules CEL can express are also in the CRDs (see
//! [`crate::crd::rules_for`]); the operator runs these functions on every
//! object it reconciles and reports what they find through a condition and
//! an Event, with the same field paths and messages as cert-manager's
//! webhook and the API server (`spec.privateKey.size: Invalid value: 1024:
//! must be between 2048 & 8192 for rsa keyAlgorithm`).

mod acme;
mod certificate;
mod issuer;
mod names;

use std::fmt;

pub use self::acme::{challenge, order};
pub use self::certificate::{certificate, certificate_request};
pub use self::issuer::{cluster_issuer, issuer, issuer_config};

/// What is wrong with a field, as the API server's `field.ErrorType`s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldErrorKind {
    /// `Required value`
    Required,
    /// `Invalid value: <value>`
    Invalid(String),
    /// `Forbidden`
    Forbidden,
    /// `Too long: may not be more than N bytes`
    TooLong(usize),
    /// `Unsupported value: <value>: supported values: …`
    NotSupported(String, Vec<String>),
    /// `Duplicate value: <value>`
    Duplicate(String),
}

/// One validation error: a field path like the API server's
/// (`spec.acme.solvers[0].http01`), what is wrong, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path from the object's root.
    pub field: String,
    /// The kind of error, with the offending value where it has one.
    pub kind: FieldErrorKind,
    /// The detail, cert-manager's wording.
    pub detail: String,
}

impl FieldError {
    /// A missing field.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            kind: FieldErrorKind::Required,
            detail: detail.into(),
        }
    }

    /// A field with a bad value (`value` as it is quoted in the message).
    pub fn invalid(field: impl Into<String>, value: impl fmt::Display, detail: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            kind: FieldErrorKind::Invalid(value.to_string()),
            detail: detail.into(),
        }
    }

    /// A field that must not be set here.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            kind: FieldErrorKind::Forbidden,
            detail: detail.into(),
        }
    }

    /// A field longer than `max` bytes.
    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        Self {
            field: field.into(),
            kind: FieldErrorKind::TooLong(max),
            detail: String::new(),
        }
    }

    /// A value outside a closed set.
    pub fn not_supported(field: impl Into<String>, value: impl fmt::Display, supported: &[&str]) -> Self {
        Self {
            field: field.into(),
            kind: FieldErrorKind::NotSupported(
                value.to_string(),
                supported.iter().map(|s| s.to_string()).collect(),
            ),
            detail: String::new(),
        }
    }

    /// A value that appears twice where it must be unique.
    pub fn duplicate(field: impl Into<String>, value: impl fmt::Display) -> Self {
        Self {
            field: field.into(),
            kind: FieldErrorKind::Duplicate(value.to_string()),
            detail: String::new(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.field)?;
        match &self.kind {
            FieldErrorKind::Required => f.write_str("Required value")?,
            FieldErrorKind::Invalid(v) => write!(f, "Invalid value: {v}")?,
            FieldErrorKind::Forbidden => f.write_str("Forbidden")?,
            FieldErrorKind::TooLong(max) => write!(f, "Too long: may not be more than {max} bytes")?,
            FieldErrorKind::NotSupported(v, supported) => {
                let quoted: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
                write!(
                    f,
                    "Unsupported value: {v}: supported values: {}",
                    quoted.join(", ")
                )?
            }
            FieldErrorKind::Duplicate(v) => write!(f, "Duplicate value: {v}")?,
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// Joins errors into one message, as a condition or an Event shows them.
pub fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A string value quoted as Go's `%q` quotes it in the API server's messages.
pub(crate) fn quoted(value: &str) -> String {
    format!("{value:?}")
}

#[cfg(test)]
mod tests;

/// The wire form of an enum value (`"DER"`, `"SHA256WithRSA"`), quoted.
pub(crate) fn quoted_wire<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
