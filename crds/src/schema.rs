//! Hand-written JSON schemas for the few fields whose Rust type cannot say
//! what cert-manager's CRDs say, used through `#[schemars(schema_with = ...)]`.

/// Any JSON value kept as written: `x-kubernetes-preserve-unknown-fields`
/// with no type, as cert-manager declares a webhook solver's `config`.
pub(crate) fn preserve_unknown_value(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "x-kubernetes-preserve-unknown-fields": true,
    })
}
