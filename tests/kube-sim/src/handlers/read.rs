//! GET of one object and LIST of a collection: selectors, pagination with
//! `limit` and `continue`, and Tables for kubectl.

use base64::Engine as _;
use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::{Body, Ctx, json_response, served_as};
use crate::registry::ResourceType;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::sim::Sim;
use crate::status::{ApiError, ApiResult};
use crate::table::{self, IncludeObject};

fn include_object(ctx: &Ctx) -> IncludeObject {
    match ctx.query.get("includeObject") {
        Some("None") => IncludeObject::None,
        Some("Object") => IncludeObject::Object,
        _ => IncludeObject::Metadata,
    }
}

/// GET one object (or its status).
pub(super) fn get(
    sim: &Sim,
    rt: &ResourceType,
    ns: &str,
    name: &str,
    ctx: &Ctx,
) -> ApiResult<Response<Body>> {
    let state = sim.state();
    let object = state
        .get(rt, ns, name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))?;
    let rv = object["metadata"]["resourceVersion"].clone();
    let object = served_as(rt, object);
    if ctx.wants_table() {
        let t = table::render(rt, &[object], json!({"resourceVersion": rv}), include_object(ctx));
        return Ok(json_response(StatusCode::OK, &t));
    }
    Ok(json_response(StatusCode::OK, &object))
}

/// A `continue` token: where the previous page ended, and at which
/// resourceVersion the list started.
fn encode_continue(rv: u64, ns: &str, name: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(json!({"rv": rv, "ns": ns, "name": name}).to_string())
}

fn decode_continue(token: &str) -> ApiResult<(u64, String, String)> {
    let bad = || {
        ApiError::bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        )
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    Ok((
        v["rv"].as_u64().ok_or_else(bad)?,
        v["ns"].as_str().ok_or_else(bad)?.to_string(),
        v["name"].as_str().ok_or_else(bad)?.to_string(),
    ))
}

/// The objects of a list request, with its selectors, and the list
/// metadata (resourceVersion, continue, remainingItemCount).
pub(super) fn select(
    sim: &Sim,
    rt: &ResourceType,
    ns: Option<&str>,
    ctx: &Ctx,
) -> ApiResult<(Vec<Value>, Value)> {
    let labels = LabelSelector::parse(ctx.query.get("labelSelector").unwrap_or_default())?;
    let fields = FieldSelector::parse(ctx.query.get("fieldSelector").unwrap_or_default(), rt)?;
    let limit = ctx.query.number("limit").filter(|l| *l > 0).map(|l| l as usize);
    let state = sim.state();
    let current = state.resource_version();
    let mut meta = json!({"resourceVersion": current.to_string()});
    let matching = |o: &&Value| labels.matches(o) && fields.matches(o);
    let items: Vec<Value> = match ctx.query.get("continue") {
        Some(token) => {
            let (rv, after_ns, after_name) = decode_continue(token)?;
            meta["resourceVersion"] = json!(rv.to_string());
            state
                .list_after(rt, ns, (after_ns, after_name))
                .filter(matching)
                .cloned()
                .collect()
        }
        None => state.list(rt, ns).filter(matching).cloned().collect(),
    };
    let (page, rest) = match limit {
        Some(limit) if items.len() > limit => {
            let (page, rest) = items.split_at(limit);
            (page.to_vec(), rest.len())
        }
        _ => (items, 0),
    };
    if rest > 0
        && let Some(last) = page.last()
    {
        let (lns, lname) = crate::store::object_key(last);
        let rv = meta["resourceVersion"]
            .as_str()
            .and_then(|r| r.parse().ok())
            .unwrap_or(current);
        meta["continue"] = json!(encode_continue(rv, &lns, &lname));
        meta["remainingItemCount"] = json!(rest);
    }
    Ok((page, meta))
}

/// LIST a collection.
pub(super) fn list(sim: &Sim, rt: &ResourceType, ns: Option<&str>, ctx: &Ctx) -> ApiResult<Response<Body>> {
    let (items, meta) = select(sim, rt, ns, ctx)?;
    if ctx.wants_table() {
        let items: Vec<Value> = items.into_iter().map(|o| served_as(rt, o)).collect();
        return Ok(json_response(
            StatusCode::OK,
            &table::render(rt, &items, meta, include_object(ctx)),
        ));
    }
    Ok(json_response(StatusCode::OK, &list_body(rt, items, meta)))
}

/// A `<Kind>List` as the real server returns it: custom objects carry
/// their apiVersion and kind, built-in items do not.
pub(super) fn list_body(rt: &ResourceType, items: Vec<Value>, meta: Value) -> Value {
    let items: Vec<Value> = items
        .into_iter()
        .map(|o| {
            if rt.is_custom() {
                served_as(rt, o)
            } else {
                let mut o = o;
                if let Some(m) = o.as_object_mut() {
                    m.remove("apiVersion");
                    m.remove("kind");
                }
                o
            }
        })
        .collect();
    json!({"kind": rt.list_kind, "apiVersion": rt.api_version(), "metadata": meta, "items": items})
}
