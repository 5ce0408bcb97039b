//! What apiextensions-apiserver does with the `openAPIV3Schema` of a CRD
//! version, as a walker over the structural schema: the checks the server
//! makes when a CRD is written ([`check_crd_schema`]), and what it does to a
//! custom object on every write ([`admit`]), in its order: pruning of
//! unknown fields (or their refusal with `fieldValidation=Strict`), removal
//! of non-nullable nulls, defaulting, OpenAPI validation as kube-openapi
//! words it, `x-kubernetes-list-type` uniqueness, then the
//! `x-kubernetes-validations` CEL rules (evaluated with kube-cel), with
//! ratcheting of unchanged fields on update.

mod cel;
mod celcheck;
mod defaults;
mod formats;
mod gofmt;
mod listtype;
mod node;
mod openapi;
mod prune;
mod structural;
mod validate;

#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::status::Cause;

/// How unknown fields are treated (`fieldValidation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FieldValidation {
    /// Prune silently.
    Ignore,
    /// Prune, and return a warning per field.
    #[default]
    Warn,
    /// Refuse the request.
    Strict,
}

/// The field path the real server gives a CRD's schema when every version
/// shares it (the v1 → internal conversion hoists it to `spec.validation`).
pub const SCHEMA_PATH: &str = "spec.validation.openAPIV3Schema";

/// The `reason` of the causes [`admit`] returns for unknown fields in
/// `Strict` mode. It is not a real `CauseType`: the real server refuses such
/// a request with a 400 BadRequest whose message is
/// [`strict_decoding_error`], without causes.
pub const UNKNOWN_FIELD_REASON: &str = "FieldValueUnknown";

/// Why [`admit_detailed`] refused an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// `fieldValidation=Strict` and these fields (`spec.foo`, sorted) are not
    /// in the schema: a 400 BadRequest (see [`strict_decoding_error`]).
    UnknownFields(Vec<String>),
    /// The object is invalid: a 422 with these causes.
    Invalid(Vec<Cause>),
}

/// Errors of a CRD version's schema (not structural, bad CEL), as the real
/// server words them, with paths under [`SCHEMA_PATH`].
pub fn check_crd_schema(schema: &Value) -> Vec<Cause> {
    check_crd_schema_at(schema, SCHEMA_PATH, false)
}

/// [`check_crd_schema`] with the schema at `path` (for instance
/// `spec.versions[1].schema.openAPIV3Schema` when versions differ) and, with
/// `status_subresource`, the restriction the server puts on the root of a
/// schema whose version has a status subresource.
pub fn check_crd_schema_at(schema: &Value, path: &str, status_subresource: bool) -> Vec<Cause> {
    openapi::check(schema, path, status_subresource)
}

/// Prunes, defaults and validates a custom object against its version's
/// schema (and CEL rules; `old` for transition rules and ratcheting).
/// Returns warnings. In `Strict` mode, unknown fields come back as causes
/// with reason [`UNKNOWN_FIELD_REASON`]; [`admit_detailed`] tells them apart.
pub fn admit(
    schema: &Value,
    object: &mut Value,
    old: Option<&Value>,
    mode: FieldValidation,
) -> Result<Vec<String>, Vec<Cause>> {
    admit_detailed(schema, object, old, mode).map_err(|rejection| match rejection {
        Rejection::Invalid(causes) => causes,
        Rejection::UnknownFields(paths) => paths
            .into_iter()
            .map(|p| Cause::new(UNKNOWN_FIELD_REASON, p.clone(), format!("unknown field \"{p}\"")))
            .collect(),
    })
}

/// [`admit`], telling a strict-decoding refusal from an invalid object.
pub fn admit_detailed(
    schema: &Value,
    object: &mut Value,
    old: Option<&Value>,
    mode: FieldValidation,
) -> Result<Vec<String>, Rejection> {
    // Decoding: unknown fields are pruned, reported or refused.
    let unknown = prune::prune(object, schema);
    let mut warnings = Vec::new();
    match mode {
        FieldValidation::Strict if !unknown.is_empty() => return Err(Rejection::UnknownFields(unknown)),
        FieldValidation::Warn => warnings.extend(unknown.iter().map(|p| format!("unknown field \"{p}\""))),
        _ => {}
    }
    // Defaulting: non-nullable nulls without a default go, then defaults.
    prune::prune_nulls(object, Some(schema));
    defaults::apply(object, schema);
    // Defaults are pruned like the rest (the server prunes again on conversion).
    prune::prune(object, schema);

    // Validation, as customResourceStrategy.Validate(Update) runs it.
    let mut causes = validate::validate(schema, object, old);
    let list_errors = listtype::validate(schema, object);
    if old.is_none_or(|o| listtype::validate(schema, o).is_empty()) {
        causes.extend(list_errors);
    }
    if !cel::has_rules(schema) {
        // No CEL validator exists for the version: nothing more to run.
    } else if causes.iter().any(is_blocking) {
        causes.push(gofmt::invalid(
            "<nil>",
            &Value::Null,
            "some validation rules were not checked because the object was invalid; correct the existing \
             errors to complete validation",
        ));
    } else {
        let outcome = cel::validate(schema, object, old);
        causes.extend(outcome.errors);
        warnings.extend(outcome.warnings);
    }
    if causes.is_empty() {
        Ok(warnings)
    } else {
        Err(Rejection::Invalid(causes))
    }
}

/// The message of the 400 BadRequest the real server returns for unknown
/// fields with `fieldValidation=Strict` (after `<Kind> in version "<v>"
/// cannot be handled as a <Kind>: `).
pub fn strict_decoding_error(paths: &[String]) -> String {
    let fields: Vec<String> = paths.iter().map(|p| format!("unknown field \"{p}\"")).collect();
    format!("strict decoding error: {}", fields.join(", "))
}

/// Errors that stop the CEL rules from running (`hasBlockingErr`): a type,
/// required, enum, too-long or too-many error.
fn is_blocking(cause: &Cause) -> bool {
    matches!(
        cause.reason.as_str(),
        "FieldValueNotSupported"
            | "FieldValueRequired"
            | "FieldValueTooLong"
            | "FieldValueTooMany"
            | "FieldValueTypeInvalid"
    )
}
