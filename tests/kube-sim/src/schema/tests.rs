//! Tests of the schema walker, by concern: the CRD checks
//! ([`check`], [`check_rules`]), pruning, defaulting and field validation ([`prune`]),
//! OpenAPI validation messages ([`validate`]), list types ([`lists`]), CEL
//! rules ([`cel`]) and the real Passerelle CRDs ([`passerelle`]).

mod cel;
mod check;
mod check_rules;
mod lists;
mod passerelle;
mod prune;
mod validate;

use serde_json::{Value, json};

use super::{FieldValidation, Rejection, admit, admit_detailed, check_crd_schema};

/// `field: message` of each cause of refusing `object` (create), or the
/// warnings prefixed by `warning: ` when it is admitted.
fn outcome(schema: &Value, object: Value) -> Vec<String> {
    outcome_update(schema, object, None)
}

fn outcome_update(schema: &Value, mut object: Value, old: Option<&Value>) -> Vec<String> {
    match admit(schema, &mut object, old, FieldValidation::Strict) {
        Ok(warnings) => warnings.into_iter().map(|w| format!("warning: {w}")).collect(),
        Err(causes) => causes.iter().map(|c| c.text()).collect(),
    }
}

/// The reasons of the causes of refusing `object`.
fn reasons(schema: &Value, mut object: Value) -> Vec<String> {
    match admit(schema, &mut object, None, FieldValidation::Strict) {
        Ok(_) => vec![],
        Err(causes) => causes.into_iter().map(|c| c.reason).collect(),
    }
}

/// The object once admitted (pruned and defaulted).
fn admitted(schema: &Value, mut object: Value, mode: FieldValidation) -> (Value, Vec<String>) {
    match admit_detailed(schema, &mut object, None, mode) {
        Ok(warnings) => (object, warnings),
        Err(Rejection::Invalid(causes)) => panic!("refused: {causes:?}"),
        Err(Rejection::UnknownFields(paths)) => panic!("unknown fields: {paths:?}"),
    }
}

/// `field: message` of the errors of a CRD schema.
fn schema_errors(schema: Value) -> Vec<String> {
    check_crd_schema(&schema).iter().map(|c| c.text()).collect()
}

/// A custom object of kind `Widget` with this spec.
fn widget(spec: Value) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec})
}

/// A root schema whose `spec` has this schema.
fn with_spec(spec: Value) -> Value {
    json!({"type": "object", "properties": {"spec": spec}})
}
