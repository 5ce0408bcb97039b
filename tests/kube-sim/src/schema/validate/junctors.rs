//! The junctors of kube-openapi's `schemaPropsValidator`: `anyOf` (the
//! best failing branch is reported), `oneOf`, `allOf` and `not`, whose own
//! errors are not `errors.Validation` and so carry no field path
//! (`<nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)`).

use serde_json::Value;

use super::{composite, node};
use crate::schema::gofmt::quote;
use crate::schema::node::Node;
use crate::status::Cause;

/// `schemaPropsValidator`: anyOf, oneOf, allOf, not.
pub(super) fn check(s: Node<'_>, data: &Value, path: &str, out: &mut Vec<Cause>) {
    let run = |branch: Node<'_>| {
        let mut errs = Vec::new();
        node(branch, data, path, None, &mut errs);
        errs
    };
    let any_of = s.junctor("anyOf");
    if !any_of.is_empty() {
        let mut best: Option<Vec<Cause>> = None;
        let mut succeeded = false;
        for branch in any_of {
            let errs = run(branch);
            if errs.is_empty() {
                succeeded = true;
                best = None;
                break;
            }
            if best.as_ref().is_none_or(|b| errs.len() < b.len()) {
                best = Some(errs);
            }
        }
        if !succeeded {
            out.push(composite(format!(
                "{} must validate at least one schema (anyOf)",
                quote(path)
            )));
        }
        out.extend(best.unwrap_or_default());
    }
    let one_of = s.junctor("oneOf");
    if !one_of.is_empty() {
        let mut best: Option<Vec<Cause>> = None;
        let mut valid = 0;
        for branch in one_of {
            let errs = run(branch);
            if errs.is_empty() {
                valid += 1;
                best = None;
            } else if valid == 0 && best.as_ref().is_none_or(|b| errs.len() < b.len()) {
                best = Some(errs);
            }
        }
        if valid != 1 {
            let found = if valid == 0 {
                "Found none valid".to_string()
            } else {
                format!("Found {valid} valid alternatives")
            };
            out.push(composite(format!(
                "{} must validate one and only one schema (oneOf). {found}",
                quote(path)
            )));
            out.extend(best.unwrap_or_default());
        }
    }
    let all_of = s.junctor("allOf");
    if !all_of.is_empty() {
        let mut valid = 0;
        let total = all_of.len();
        for branch in all_of {
            let errs = run(branch);
            if errs.is_empty() {
                valid += 1;
            }
            out.extend(errs);
        }
        if valid != total {
            let none = if valid == 0 { ". None validated" } else { "" };
            out.push(composite(format!(
                "{} must validate all the schemas (allOf){none}",
                quote(path)
            )));
        }
    }
    if let Some(not) = s.not()
        && run(not).is_empty()
    {
        out.push(composite(format!(
            "{} must not validate the schema (not)",
            quote(path)
        )));
    }
}
