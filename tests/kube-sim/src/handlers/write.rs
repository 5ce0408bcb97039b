//! The writes: create, update (PUT), patch (merge, JSON, strategic and
//! server-side apply), delete and deletecollection, each through the same
//! admission as the real server (metadata and kind validation, CRD schema
//! pruning, defaulting, validation and CEL) and recording managedFields.

use http::{Response, StatusCode, header};
use serde_json::Value;

use super::read::{list_body, select};
use super::{Body, Ctx, json_response, served_as, with_warnings};
use crate::apply;
use crate::lifecycle::{self, DeleteOptions, Part, Propagation};
use crate::registry::ResourceType;
use crate::schema::FieldValidation;
use crate::sim::Sim;
use crate::status::{ApiError, ApiResult, Cause};
use crate::store::State;
use crate::{builtin, crd, patch, rbac, validation};

fn field_validation(ctx: &Ctx) -> ApiResult<FieldValidation> {
    match ctx.query.get("fieldValidation") {
        None | Some("Warn") => Ok(FieldValidation::Warn),
        Some("Strict") => Ok(FieldValidation::Strict),
        Some("Ignore") => Ok(FieldValidation::Ignore),
        Some(other) => Err(ApiError::bad_request(format!(
            "fieldValidation must be one of \"Ignore\", \"Warn\", \"Strict\", got: {other}"
        ))),
    }
}

fn dry_run(ctx: &Ctx) -> ApiResult<bool> {
    match ctx.query.get("dryRun") {
        None => Ok(false),
        Some("All") => Ok(true),
        Some(other) => Err(ApiError::bad_request(format!(
            "dryRun: Unsupported value: \"{other}\": supported values: \"All\""
        ))),
    }
}

/// Checks the body's apiVersion and kind against the URL, filling them
/// when absent.
fn check_type(rt: &ResourceType, object: &mut Value) -> ApiResult<()> {
    if !object.is_object() {
        return Err(ApiError::bad_request(
            "the object provided is unrecognized: expected a JSON object",
        ));
    }
    match object["apiVersion"].as_str() {
        Some(v) if v != rt.api_version() => {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({v}) does not match the expected API version ({})",
                rt.api_version()
            )));
        }
        _ => {}
    }
    match object["kind"].as_str() {
        Some(k) if k != rt.kind => {
            return Err(ApiError::bad_request(format!(
                "{} in version \"{}\" cannot be handled as a {}: the kind in the data ({k}) does not match the expected kind",
                rt.kind, rt.version, rt.kind
            )));
        }
        _ => {}
    }
    object["apiVersion"] = Value::String(rt.api_version());
    object["kind"] = Value::String(rt.kind.clone());
    Ok(())
}

/// Admission: validation of metadata and of the kind, CRD schema pruning,
/// defaulting and validation (with CEL), unknown fields per
/// `fieldValidation`. Returns the warnings.
fn admit(
    sim: &Sim,
    rt: &ResourceType,
    object: &mut Value,
    old: Option<&Value>,
    ctx: &Ctx,
) -> ApiResult<Vec<String>> {
    let mode = field_validation(ctx)?;
    if let Some(message) = validation::decode_error(rt, object) {
        return Err(ApiError::bad_request(message));
    }
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut warnings = Vec::new();
    let mut causes: Vec<Cause> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    if crd::is_crd(rt) {
        crd::default(object);
        causes.extend(crd::validate(object));
    }
    match rt.schema() {
        Some(schema) => match crate::schema::admit(schema, object, old, mode) {
            Ok(w) => warnings.extend(w),
            Err(c) => {
                for cause in c {
                    if cause.reason == "FieldValueUnknown" {
                        unknown.push(cause.field.clone());
                    } else {
                        causes.push(cause);
                    }
                }
            }
        },
        None => {
            let fields = validation::unknown_fields(rt, object);
            match mode {
                FieldValidation::Strict => unknown.extend(fields),
                FieldValidation::Warn => warnings.extend(
                    fields
                        .iter()
                        .map(|f| format!("unknown field \"{}\"", f.trim_start_matches('.'))),
                ),
                FieldValidation::Ignore => {}
            }
        }
    }
    if !unknown.is_empty() {
        let fields: Vec<String> = unknown
            .iter()
            .map(|f| format!("unknown field \"{}\"", f.trim_start_matches('.')))
            .collect();
        return Err(ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
            rt.kind,
            rt.version,
            rt.kind,
            fields.join(", ")
        )));
    }
    let leniency = validation::Leniency {
        loopback_endpoints: sim.allow_loopback_endpoints,
    };
    causes.extend(validation::validate_with(rt, object, old, leniency));
    if !causes.is_empty() {
        return Err(ApiError::invalid(&rt.group, &rt.kind, &name, causes));
    }
    if rt.group.is_empty() && rt.kind == "Secret" {
        lifecycle::fold_string_data(object);
    }
    Ok(warnings)
}

/// What follows a stored write of a CRD: its status and the types it
/// serves.
fn after_write(state: &mut State, rt: &ResourceType, stored: Value) -> Value {
    if !crd::is_crd(rt) {
        return stored;
    }
    let name = stored["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    state.registry.set_crd(&name, crd::types(&stored));
    let status = crd::established_status(&stored, &lifecycle::now());
    if stored.get("status") == Some(&status) || stored["metadata"]["deletionTimestamp"].is_string() {
        return stored;
    }
    let mut with_status = stored.clone();
    with_status["status"] = status;
    state.put(
        &crate::store::key(rt),
        with_status,
        crate::store::EventType::Modified,
    )
}

/// What follows the removal of a CRD: its objects and types go.
fn after_remove(state: &mut State, rt: &ResourceType, removed: &Value) {
    if !crd::is_crd(rt)
        || state
            .get(rt, "", removed["metadata"]["name"].as_str().unwrap_or_default())
            .is_some()
    {
        return;
    }
    let group = removed["spec"]["group"].as_str().unwrap_or_default().to_string();
    let plural = removed["spec"]["names"]["plural"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let rk = (group, plural);
    let keys: Vec<_> = state
        .registry
        .by_group_resource(&rk.0, &rk.1)
        .cloned()
        .map(|t| state.list(&t, None).map(crate::store::object_key).collect())
        .unwrap_or_default();
    for k in keys {
        state.remove(&rk, &k);
    }
    state.drop_resource(&rk);
    state
        .registry
        .set_crd(removed["metadata"]["name"].as_str().unwrap_or_default(), vec![]);
}

fn created(rt: &ResourceType, object: Value, warnings: &[String]) -> Response<Body> {
    with_warnings(
        json_response(StatusCode::CREATED, &served_as(rt, object)),
        warnings,
    )
}

fn ok(rt: &ResourceType, object: Value, warnings: &[String]) -> Response<Body> {
    with_warnings(json_response(StatusCode::OK, &served_as(rt, object)), warnings)
}

/// POST: create.
pub(super) fn create(sim: &Sim, rt: &ResourceType, ns: &str, ctx: &Ctx) -> ApiResult<Response<Body>> {
    let mut object = ctx.json_body()?;
    check_type(rt, &mut object)?;
    let mut state = sim.state();
    if builtin::is_review(rt) {
        let answer = match rt.plural.as_str() {
            "selfsubjectreviews" => rbac::whoami(&ctx.user),
            "selfsubjectrulesreviews" => rbac::rules_review(&state, &ctx.user, &object)?,
            "subjectaccessreviews" => {
                rbac::check_review(&object)?;
                rbac::subject_access_review(&state, &object)
            }
            _ => {
                rbac::check_review(&object)?;
                rbac::review(&state, &ctx.user, &object)
            }
        };
        return Ok(json_response(StatusCode::CREATED, &answer));
    }
    let dry = dry_run(ctx)?;
    let mut object = lifecycle::prepare_create(&state, rt, ns, object)?;
    let warnings = admit(sim, rt, &mut object, None, ctx)?;
    apply::record_update(
        rt,
        None,
        &mut object,
        &ctx.field_manager(),
        None,
        &lifecycle::now(),
    );
    if dry {
        return Ok(created(rt, object, &warnings));
    }
    let stored = lifecycle::commit_create(&mut state, rt, object);
    let stored = after_write(&mut state, rt, stored);
    Ok(created(rt, stored, &warnings))
}

fn part(status: bool) -> Part {
    if status { Part::Status } else { Part::Main }
}

fn subresource(status: bool) -> Option<&'static str> {
    status.then_some("status")
}

/// PUT: update (or update status).
pub(super) fn update(
    sim: &Sim,
    rt: &ResourceType,
    ns: &str,
    name: &str,
    status: bool,
    ctx: &Ctx,
) -> ApiResult<Response<Body>> {
    let mut new = ctx.json_body()?;
    check_type(rt, &mut new)?;
    let dry = dry_run(ctx)?;
    let mut state = sim.state();
    let old = state
        .get(rt, ns, name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))?;
    let mut result = lifecycle::prepare_update(rt, &old, new, part(status))?;
    let warnings = admit(sim, rt, &mut result, Some(&old), ctx)?;
    apply::record_update(
        rt,
        Some(&old),
        &mut result,
        &ctx.field_manager(),
        subresource(status),
        &lifecycle::now(),
    );
    if dry {
        return Ok(ok(rt, result, &warnings));
    }
    let stored = lifecycle::commit_update(&mut state, rt, &old, result);
    after_remove(&mut state, rt, &stored);
    let stored = after_write_if_present(&mut state, rt, stored);
    Ok(ok(rt, stored, &warnings))
}

fn after_write_if_present(state: &mut State, rt: &ResourceType, stored: Value) -> Value {
    let ns = stored["metadata"]["namespace"].as_str().unwrap_or_default();
    let name = stored["metadata"]["name"].as_str().unwrap_or_default();
    if state.get(rt, ns, name).is_some() {
        after_write(state, rt, stored)
    } else {
        stored
    }
}

/// PATCH: merge, JSON, strategic merge, or server-side apply.
pub(super) fn patch(
    sim: &Sim,
    rt: &ResourceType,
    ns: &str,
    name: &str,
    status: bool,
    ctx: &Ctx,
) -> ApiResult<Response<Body>> {
    let content_type = ctx.header(header::CONTENT_TYPE).unwrap_or_default();
    let content_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let dry = dry_run(ctx)?;
    let now = lifecycle::now();
    let manager = ctx.field_manager();
    let mut state = sim.state();
    let old = state.get(rt, ns, name).cloned();
    let body = ctx.json_body()?;
    let patched = match content_type.as_str() {
        "application/apply-patch+yaml" => {
            if ctx.query.get("fieldManager").is_none() {
                return Err(ApiError::invalid(
                    "meta.k8s.io",
                    "PatchOptions",
                    "",
                    vec![Cause::new(
                        "FieldValueRequired",
                        "fieldManager",
                        "Required value: is required for apply patch",
                    )],
                ));
            }
            let mut applied = body;
            check_type(rt, &mut applied)?;
            if applied["metadata"]["name"].as_str().is_some_and(|n| n != name) {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({}) does not match the name on the URL ({name})",
                    applied["metadata"]["name"].as_str().unwrap_or_default()
                )));
            }
            applied["metadata"]["name"] = Value::String(name.to_string());
            let force = ctx.query.flag("force");
            // A resourceVersion in an applied configuration is a
            // precondition, as on the real server.
            if let (Some(rv), Some(live)) = (applied["metadata"]["resourceVersion"].as_str(), old.as_ref())
                && live["metadata"]["resourceVersion"].as_str() != Some(rv)
            {
                return Err(ApiError::conflict(&rt.group, &rt.plural, name));
            }
            let Some(old) = old else {
                if status {
                    return Err(ApiError::not_found(&rt.group, &rt.plural, name));
                }
                let merged = apply::apply_checked(rt, None, &applied, &manager, force, None, &now)
                    .map_err(|e| apply_error(rt, name, e))?;
                let mut object = lifecycle::prepare_create(&state, rt, ns, merged)?;
                let warnings = admit(sim, rt, &mut object, None, ctx)?;
                if dry {
                    return Ok(created(rt, object, &warnings));
                }
                let stored = lifecycle::commit_create(&mut state, rt, object);
                let stored = after_write(&mut state, rt, stored);
                return Ok(created(rt, stored, &warnings));
            };
            let merged = apply::apply_checked(
                rt,
                Some(&old),
                &applied,
                &manager,
                force,
                subresource(status),
                &now,
            )
            .map_err(|e| apply_error(rt, name, e))?;
            return finish_patch(sim, &mut state, rt, &old, merged, status, dry, ctx, None);
        }
        "application/merge-patch+json" => {
            let old = old.ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))?;
            let patched = patch::merge_patch(&old, &body).map_err(patch_error)?;
            return finish_patch(
                sim,
                &mut state,
                rt,
                &old,
                patched,
                status,
                dry,
                ctx,
                Some(&manager),
            );
        }
        "application/json-patch+json" => {
            let old = old.ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))?;
            patch::json_patch(&old, &body).map_err(patch_error)?
        }
        "application/strategic-merge-patch+json" => {
            if rt.is_custom() {
                return Err(ApiError::unsupported_media_type(&content_type));
            }
            let old = old.ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))?;
            patch::strategic_patch(rt, &old, &body).map_err(patch_error)?
        }
        other => return Err(ApiError::unsupported_media_type(other)),
    };
    let old = state
        .get(rt, ns, name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))?;
    finish_patch(
        sim,
        &mut state,
        rt,
        &old,
        patched,
        status,
        dry,
        ctx,
        Some(&manager),
    )
}

#[allow(clippy::too_many_arguments)]
fn finish_patch(
    sim: &Sim,
    state: &mut State,
    rt: &ResourceType,
    old: &Value,
    patched: Value,
    status: bool,
    dry: bool,
    ctx: &Ctx,
    update_manager: Option<&str>,
) -> ApiResult<Response<Body>> {
    let mut result = lifecycle::prepare_update(rt, old, patched, part(status))?;
    let warnings = admit(sim, rt, &mut result, Some(old), ctx)?;
    if let Some(manager) = update_manager {
        apply::record_update(
            rt,
            Some(old),
            &mut result,
            manager,
            subresource(status),
            &lifecycle::now(),
        );
    }
    if dry {
        return Ok(ok(rt, result, &warnings));
    }
    let stored = lifecycle::commit_update(state, rt, old, result);
    after_remove(state, rt, &stored);
    let stored = after_write_if_present(state, rt, stored);
    Ok(ok(rt, stored, &warnings))
}

/// The API error of a refused apply: 409 with the managers and fields in
/// conflict (the real 409 details carry only the causes), 400, or a bare
/// 500 as the real server answers undeclared fields.
fn apply_error(_rt: &ResourceType, _name: &str, e: apply::ApplyError) -> ApiError {
    match e {
        apply::ApplyError::Conflict(c) => ApiError {
            code: 409,
            reason: "Conflict",
            message: c.message(),
            details: Some(
                serde_json::json!({"causes": c.causes().iter().map(|c| serde_json::json!({
                "reason": c.reason, "message": c.message, "field": c.field})).collect::<Vec<_>>()}),
            ),
            retry_after: None,
        },
        apply::ApplyError::BadRequest(m) => ApiError::bad_request(m),
        apply::ApplyError::Internal(m) => ApiError::bare_internal(m),
    }
}

/// The API error of a patch that cannot be applied, as the real server
/// classifies it.
fn patch_error(e: patch::PatchError) -> ApiError {
    match e {
        patch::PatchError::BadRequest(m) => ApiError::bad_request(m),
        patch::PatchError::Unprocessable(m) => ApiError {
            code: 422,
            reason: "Invalid",
            message: "the server rejected our request due to an error in our request".into(),
            details: Some(
                serde_json::json!({"causes": [{"reason": "UnexpectedServerResponse", "message": m}]}),
            ),
            retry_after: None,
        },
        patch::PatchError::Internal(m) => ApiError::bare_internal(m),
    }
}

fn delete_options(ctx: &Ctx) -> ApiResult<DeleteOptions> {
    let body: Value = if ctx.body.is_empty() {
        Value::Null
    } else {
        ctx.json_body()?
    };
    let policy = ctx
        .query
        .get("propagationPolicy")
        .or_else(|| body["propagationPolicy"].as_str());
    let propagation = match policy {
        None | Some("Background") => Propagation::Background,
        Some("Foreground") => Propagation::Foreground,
        Some("Orphan") => Propagation::Orphan,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\""
            )));
        }
    };
    let dry = dry_run(ctx)?
        || body["dryRun"]
            .as_array()
            .is_some_and(|d| d.iter().any(|v| v == "All"));
    let propagation = if body["orphanDependents"] == Value::Bool(true) {
        Propagation::Orphan
    } else {
        propagation
    };
    Ok(DeleteOptions {
        propagation,
        uid: body["preconditions"]["uid"].as_str().map(str::to_string),
        resource_version: body["preconditions"]["resourceVersion"]
            .as_str()
            .map(str::to_string),
        dry_run: dry,
    })
}

/// DELETE one object.
pub(super) fn delete(
    sim: &Sim,
    rt: &ResourceType,
    ns: &str,
    name: &str,
    ctx: &Ctx,
) -> ApiResult<Response<Body>> {
    let opts = delete_options(ctx)?;
    let mut state = sim.state();
    let result = lifecycle::delete(&mut state, rt, ns, name, &opts)?;
    if !opts.dry_run {
        after_remove(&mut state, rt, &result);
    }
    Ok(ok(rt, result, &[]))
}

/// DELETE a collection (with the list request's selectors).
pub(super) fn delete_collection(
    sim: &Sim,
    rt: &ResourceType,
    ns: Option<&str>,
    ctx: &Ctx,
) -> ApiResult<Response<Body>> {
    let opts = delete_options(ctx)?;
    let (items, meta) = select(sim, rt, ns, ctx)?;
    let mut state = sim.state();
    let mut deleted = Vec::new();
    for item in items {
        let (ins, iname) = crate::store::object_key(&item);
        if let Ok(result) = lifecycle::delete(&mut state, rt, &ins, &iname, &opts) {
            if !opts.dry_run {
                after_remove(&mut state, rt, &result);
            }
            deleted.push(result);
        }
    }
    Ok(json_response(StatusCode::OK, &list_body(rt, deleted, meta)))
}
