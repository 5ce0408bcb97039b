//! The checks of a CRD version's `openAPIV3Schema` when the CRD is
//! written, in the order `validateCustomResourceDefinitionValidation` makes
//! them: the root under a status subresource, structural-ness
//! ([`structural`](super::structural)), defaults, then the walk of
//! `ValidateCustomResourceDefinitionOpenAPISchema` (unsupported keywords,
//! `additionalProperties` vs `properties`, list and map types, the
//! `x-kubernetes-validations` entries and their CEL, compiled by
//! [`celcheck`](super::celcheck)).

use serde_json::Value;

mod lists;
mod rules;

use super::gofmt;
use super::node::{Node, child, index, key};
use super::structural;
use crate::status::Cause;

const OPENAPI_TYPES: &[&str] = &["array", "boolean", "integer", "number", "object", "string"];

/// `JSONSchemaProps` fields in declaration order, with whether they are
/// allowed at the root of a schema whose version has a status subresource.
const ROOT_FIELDS: &[(&str, bool)] = &[
    ("id", false),
    ("$schema", false),
    ("$ref", false),
    ("description", true),
    ("type", true),
    ("format", true),
    ("title", true),
    ("default", false),
    ("maximum", true),
    ("exclusiveMaximum", true),
    ("minimum", true),
    ("exclusiveMinimum", true),
    ("maxLength", true),
    ("minLength", true),
    ("pattern", true),
    ("maxItems", true),
    ("minItems", true),
    ("uniqueItems", true),
    ("multipleOf", true),
    ("enum", false),
    ("maxProperties", false),
    ("minProperties", false),
    ("required", true),
    ("items", true),
    ("allOf", false),
    ("oneOf", false),
    ("anyOf", false),
    ("not", false),
    ("properties", true),
    ("additionalProperties", false),
    ("patternProperties", false),
    ("dependencies", false),
    ("additionalItems", false),
    ("definitions", false),
    ("externalDocs", true),
    ("example", true),
    ("nullable", false),
    ("x-kubernetes-preserve-unknown-fields", true),
    ("x-kubernetes-embedded-resource", false),
    ("x-kubernetes-int-or-string", false),
    ("x-kubernetes-list-map-keys", false),
    ("x-kubernetes-list-type", false),
    ("x-kubernetes-map-type", false),
    ("x-kubernetes-validations", true),
];

const ALLOWED_AT_ROOT: &str = "[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum \
MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example \
XPreserveUnknownFields XValidations]";

/// All the errors of `schema` at `path`.
pub(super) fn check(schema: &Value, path: &str, status_subresource: bool) -> Vec<Cause> {
    let root = Node(schema);
    let mut errs = Vec::new();
    if status_subresource {
        for (field, allowed) in ROOT_FIELDS {
            let Some(v) = schema.get(field).filter(|v| is_set(v)) else {
                continue;
            };
            if *field == "type" {
                if v.as_str() != Some("object") {
                    errs.push(gofmt::invalid(
                        &format!("{path}.type"),
                        v,
                        "only \"object\" is allowed as the type at the root of the schema if the status subresource is enabled",
                    ));
                    break;
                }
                continue;
            }
            if !allowed {
                errs.push(gofmt::invalid_raw(
                    path,
                    "apiextensions.JSONSchemaProps{…}".into(),
                    &format!("only {ALLOWED_AT_ROOT} fields are allowed at the root of the schema if the status subresource is enabled"),
                ));
                break;
            }
        }
    }
    if root.nullable() {
        errs.push(gofmt::forbidden(
            &format!("{path}.nullable"),
            "nullable cannot be true at the root",
        ));
    }
    let mut cel_enabled = false;
    let mut init_error = None;
    match structural::conversion_error(root) {
        Some(message) => init_error = Some(gofmt::invalid_str(path, "", &message)),
        None => {
            let structural_errors = structural::validate(schema, path);
            if !structural_errors.is_empty() {
                errs.extend(structural_errors);
            } else {
                let default_errors = super::defaults::validate(schema, path);
                cel_enabled = default_errors.is_empty();
                errs.extend(default_errors);
            }
        }
    }
    let walked = walk(root, path, Ssv::default(), true, cel_enabled);
    errs.extend(walked.schema);
    errs.extend(walked.cel);
    if errs.is_empty() {
        errs.extend(init_error);
    }
    errs
}

fn is_set(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(_) => true,
    }
}

/// `specStandardValidatorV3` and its options.
#[derive(Clone, Default)]
struct Ssv {
    forbidden_defaults: Option<String>,
    inside_resource_meta: bool,
    uncorrelatable: Option<String>,
}

impl Ssv {
    fn forbid_defaults(&self, reason: &str) -> Ssv {
        Ssv {
            forbidden_defaults: Some(reason.into()),
            ..self.clone()
        }
    }

    fn forbid_old_self(&self, path: &str) -> Ssv {
        Ssv {
            uncorrelatable: self.uncorrelatable.clone().or_else(|| Some(path.into())),
            ..self.clone()
        }
    }

    /// `specStandardValidatorV3.validate`.
    fn validate(&self, s: Node<'_>, path: &str, out: &mut Vec<Cause>) {
        let ty = s.type_();
        if !ty.is_empty() && !OPENAPI_TYPES.contains(&ty) {
            let valid: Vec<String> = OPENAPI_TYPES.iter().map(|t| t.to_string()).collect();
            out.push(gofmt::not_supported(
                &child(path, "type"),
                &Value::String(ty.into()),
                &valid,
            ));
        }
        if s.default().is_some()
            && let Some(reason) = &self.forbidden_defaults
        {
            out.push(gofmt::forbidden(
                &child(path, "default"),
                &format!("must not be set {reason}"),
            ));
        }
        let unsupported = [
            ("id", "id is not supported"),
            ("additionalItems", "additionalItems is not supported"),
            ("patternProperties", "patternProperties is not supported"),
            ("definitions", "definitions is not supported"),
            ("dependencies", "dependencies is not supported"),
            ("$ref", "$ref is not supported"),
        ];
        for (keyword, message) in unsupported {
            let set = match keyword {
                "additionalItems" | "dependencies" | "$ref" => s.has(keyword),
                _ => s.get(keyword).is_some_and(is_set),
            };
            if set {
                out.push(gofmt::forbidden(&child(path, keyword), message));
            }
        }
        if ty == "null" {
            out.push(gofmt::forbidden(
                &child(path, "type"),
                "type cannot be set to null, use nullable as an alternative",
            ));
        }
        if s.get("items")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            out.push(gofmt::forbidden(
                &child(path, "items"),
                "items must be a schema object and not an array",
            ));
        }
        if self.inside_resource_meta && s.embedded() {
            out.push(gofmt::forbidden(
                &child(path, "x-kubernetes-embedded-resource"),
                "must not be used inside of resource meta",
            ));
        }
    }
}

/// Schema errors, and CEL errors (reported after all schema errors).
#[derive(Default)]
pub(super) struct Walked {
    /// Errors of the schema itself.
    pub(super) schema: Vec<Cause>,
    /// Errors of its CEL rules.
    pub(super) cel: Vec<Cause>,
}

impl Walked {
    fn append(&mut self, other: Walked) {
        self.schema.extend(other.schema);
        self.cel.extend(other.cel);
    }
}

/// `ValidateCustomResourceDefinitionOpenAPISchema`.
fn walk(s: Node<'_>, path: &str, ssv: Ssv, root: bool, cel: bool) -> Walked {
    let mut w = Walked::default();
    ssv.validate(s, path, &mut w.schema);
    if s.flag("uniqueItems") {
        w.schema.push(gofmt::forbidden(
            &child(path, "uniqueItems"),
            "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
        ));
    }
    let has_properties = s.properties().is_some_and(|p| !p.is_empty());
    let additional = s.additional();
    if additional.is_set() {
        if has_properties && !matches!(additional, super::node::Additional::Bool(true)) {
            w.schema.push(gofmt::forbidden(
                &child(path, "additionalProperties"),
                "additionalProperties and properties are mutual exclusive",
            ));
        }
        if let Some(add) = additional.schema() {
            let sub = if ssv.inside_resource_meta {
                ssv.forbid_defaults("inside additionalProperties applying to object metadata")
            } else {
                ssv.clone()
            };
            w.append(walk(add, &child(path, "additionalProperties"), sub, false, cel));
        }
    }
    let mut names: Vec<&String> = s.properties().map(|p| p.keys().collect()).unwrap_or_default();
    names.sort();
    for name in names {
        let Some(prop) = s.property(name) else { continue };
        let mut sub = ssv.clone();
        if !matches!(s.map_type(), None | Some("granular" | "atomic")) {
            sub = sub.forbid_old_self(path);
        }
        if (root || s.embedded()) && ["metadata", "kind", "apiVersion"].contains(&name.as_str()) {
            sub.inside_resource_meta = true;
            if root {
                sub = sub.forbid_defaults(&format!("in top-level {name}"));
            }
        }
        w.append(walk(
            prop,
            &key(&child(path, "properties"), name),
            sub,
            false,
            cel,
        ));
    }
    if let Some(not) = s.not() {
        w.append(walk(not, &child(path, "not"), ssv.clone(), false, false));
    }
    for junctor in ["allOf", "oneOf", "anyOf"] {
        for (i, b) in s.junctor(junctor).into_iter().enumerate() {
            w.append(walk(
                b,
                &index(&child(path, junctor), i),
                ssv.clone(),
                false,
                false,
            ));
        }
    }
    if let Some(items) = s.items() {
        let sub = if s.list_type() == Some("map") {
            ssv.clone()
        } else {
            ssv.forbid_old_self(path)
        };
        w.append(walk(items, &child(path, "items"), sub, false, cel));
    }
    lists::check(s, path, &mut w.schema);
    rules::check(s, path, ssv.uncorrelatable.as_deref(), root, cel, &mut w);
    w
}
