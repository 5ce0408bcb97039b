//! Server-side apply and `metadata.managedFields`, as kube-apiserver does
//! them with structured-merge-diff: [`apply`] merges an applied
//! configuration into the live object (list-maps item by item, atomic values
//! replaced), prunes what the manager stopped applying, and detects
//! conflicts with the other owners of the fields it changes;
//! [`record_update`] records the fields a create, update or patch changed
//! as owned by its manager. The layers of the API server's field manager
//! are kept: version check, `kubectl` last-applied upgrade,
//! `before-first-apply`, stripped metadata, `ancient-changes` cap.

mod builtin_types;
mod fieldpath;
mod managed;
mod merge;
mod record;
mod schema;
mod typed;
mod updater;

#[cfg(test)]
mod tests;

use serde_json::{Value, json};

use self::fieldpath::{Set, path_string};
use self::managed::{Managed, decode, identifier, print_manager};
use self::record::{set_managed_fields, strip_meta, update_managed, updater, without_managed_fields};
use self::updater::{Conflicts, conflict_list};
use crate::registry::ResourceType;
use crate::status::Cause;

pub use self::record::record_update;
pub(crate) use self::schema::{Schema, root as root_schema};

/// The write operation recorded in managedFields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `Apply`
    Apply,
    /// `Update`
    Update,
}

/// A conflict with other managers' fields, which the API server answers
/// with 409 Conflict ([`Conflict::message`], [`Conflict::causes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// `(manager, field path)` pairs, the manager as the server prints it
    /// (`"kubectl-client-side-apply" using v1`, `"cert-manager"`,
    /// `"x" with subresource "status"`), the path as SMD prints it
    /// (`.spec.replicas`, `.status.conditions[type="Ready"].status`);
    /// managers sorted, each manager's paths in order.
    pub fields: Vec<(String, String)>,
}

impl Conflict {
    /// The Status message: `Apply failed with 1 conflict: conflict with
    /// "kubectl-client-side-apply" using v1: .spec.replicas`, or for more
    /// `Apply failed with 2 conflicts: conflicts with "a":\n- .x\n- .y`.
    pub fn message(&self) -> String {
        if let [(manager, path)] = self.fields.as_slice() {
            return format!("Apply failed with 1 conflict: conflict with {manager}: {path}");
        }
        let mut lines: Vec<String> = Vec::new();
        let mut current: Option<&str> = None;
        for (manager, path) in &self.fields {
            if current != Some(manager.as_str()) {
                lines.push(format!("conflicts with {manager}:"));
                current = Some(manager);
            }
            lines.push(format!("- {path}"));
        }
        format!(
            "Apply failed with {} conflicts: {}",
            self.fields.len(),
            lines.join("\n")
        )
    }

    /// The Status causes: reason `FieldManagerConflict`, message
    /// `conflict with "<manager>"`, field `.spec.replicas`.
    pub fn causes(&self) -> Vec<Cause> {
        self.fields
            .iter()
            .map(|(manager, path)| {
                Cause::new(
                    "FieldManagerConflict",
                    path.clone(),
                    format!("conflict with {manager}"),
                )
            })
            .collect()
    }

    fn from(conflicts: &Conflicts) -> Self {
        let fields = conflict_list(conflicts)
            .into_iter()
            .map(|(m, p)| (print_manager(&m), path_string(&p)))
            .collect();
        Conflict { fields }
    }
}

/// Why an apply was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// 409 Conflict.
    #[error("{}", .0.message())]
    Conflict(Conflict),
    /// 400 BadRequest (`invalid object type: …`, `metadata.managedFields
    /// must be nil`).
    #[error("{0}")]
    BadRequest(String),
    /// What the real server answers with a bare 500 (code 500, no reason):
    /// `failed to create typed patch object (ns/name; gvk): .spec.x: field
    /// not declared in schema`.
    #[error("{0}")]
    Internal(String),
}

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Server-side apply of `applied` by `manager` onto `live` (None: create).
/// Configurations the real server refuses before merging (wrong type,
/// managedFields set, undeclared fields, list items without their keys)
/// are applied as best it can; [`apply_checked`] refuses them.
pub fn apply(
    rt: &ResourceType,
    live: Option<&Value>,
    applied: &Value,
    manager: &str,
    force: bool,
    subresource: Option<&str>,
    now: &str,
) -> Result<Value, Conflict> {
    match run_apply(rt, live, applied, manager, force, subresource, now, false) {
        Ok(v) => Ok(v),
        Err(ApplyError::Conflict(c)) => Err(c),
        Err(_) => Ok(live.cloned().unwrap_or_else(|| applied.clone())),
    }
}

/// [`apply`], with the checks the real server makes on the applied
/// configuration.
pub fn apply_checked(
    rt: &ResourceType,
    live: Option<&Value>,
    applied: &Value,
    manager: &str,
    force: bool,
    subresource: Option<&str>,
    now: &str,
) -> Result<Value, ApplyError> {
    run_apply(rt, live, applied, manager, force, subresource, now, true)
}

/// Go's `GroupVersionKind.String()` of an object: `apps/v1, Kind=Deployment`.
fn gvk_string(obj: &Value) -> String {
    let api_version = obj["apiVersion"].as_str().unwrap_or_default();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    format!(
        "{group}/{version}, Kind={}",
        obj["kind"].as_str().unwrap_or_default()
    )
}

#[allow(clippy::too_many_arguments)]
fn run_apply(
    rt: &ResourceType,
    live: Option<&Value>,
    applied: &Value,
    manager: &str,
    force: bool,
    subresource: Option<&str>,
    now: &str,
    strict: bool,
) -> Result<Value, ApplyError> {
    let schema = root_schema(rt);
    if !applied.is_object() {
        return Err(ApplyError::BadRequest(format!(
            "invalid object type: {}",
            gvk_string(applied)
        )));
    }
    if strict {
        if applied["apiVersion"].as_str() != Some(rt.api_version().as_str())
            || applied["kind"].as_str() != Some(&rt.kind)
        {
            return Err(ApplyError::BadRequest(format!(
                "invalid object type: {}",
                gvk_string(applied)
            )));
        }
        if applied["metadata"]
            .get("managedFields")
            .is_some_and(|m| !m.is_null())
        {
            return Err(ApplyError::BadRequest(
                "metadata.managedFields must be nil".into(),
            ));
        }
        let errors = typed::validate(schema, applied);
        if !errors.is_empty() {
            let text = if errors.len() == 1 {
                errors[0].clone()
            } else {
                format!("errors:\n  {}", errors.join("\n  "))
            };
            let meta = &applied["metadata"];
            let ns = meta["namespace"].as_str().unwrap_or_default();
            let name = meta["name"].as_str().unwrap_or_default();
            return Err(ApplyError::Internal(format!(
                "failed to create typed patch object ({ns}/{name}; {}): {text}",
                gvk_string(applied)
            )));
        }
    }
    let config = without_managed_fields(applied);
    let mut managed = match decode(live.and_then(|l| l["metadata"].get("managedFields"))) {
        Ok(m) => m,
        Err(e) if strict => {
            return Err(ApplyError::Internal(format!(
                "failed to decode managed fields: {e}"
            )));
        }
        Err(_) => Managed::default(),
    };
    let mut live_obj = live.map(without_managed_fields);
    if let Some(obj) = live_obj.as_mut()
        && managed.fields.is_empty()
    {
        update_managed(
            rt,
            &builtin_types::zero(rt),
            obj,
            &mut managed,
            "before-first-apply",
            subresource,
            now,
        );
    }
    let base = live_obj.clone().unwrap_or_else(|| json!({}));
    let manager = if manager.is_empty() { "unknown" } else { manager };
    let id = identifier(manager, Operation::Apply, "", subresource.unwrap_or_default());
    let smd = updater(rt, subresource);
    let before = managed.clone();
    let result = match smd.apply(&base, &config, &mut managed.fields, &id, force) {
        Err(conflicts) if manager == "kubectl" => {
            let allowed = live.and_then(|l| allowed_from_last_applied(rt, schema, l));
            let remaining: Conflicts = match &allowed {
                Some(allowed) => conflicts
                    .iter()
                    .map(|(m, set)| (m.clone(), set.difference(allowed)))
                    .filter(|(_, set)| !set.is_empty())
                    .collect(),
                None => conflicts,
            };
            if !remaining.is_empty() {
                return Err(ApplyError::Conflict(Conflict::from(&remaining)));
            }
            managed = before;
            smd.apply(&base, &config, &mut managed.fields, &id, true)
                .map_err(|c| ApplyError::Conflict(Conflict::from(&c)))?
        }
        other => other.map_err(|c| ApplyError::Conflict(Conflict::from(&c)))?,
    };
    strip_meta(&mut managed, &id);
    let mut object = match result {
        Some(new) => {
            managed.times.insert(id, now.to_string());
            new
        }
        None => base,
    };
    if manager == "kubectl"
        && !object["metadata"]["annotations"][LAST_APPLIED]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    {
        object["metadata"]["annotations"][LAST_APPLIED] = Value::String(build_last_applied(applied));
    }
    let mut object = confine(rt, live_obj.as_ref(), object, subresource);
    set_managed_fields(&mut object, &managed);
    Ok(object)
}

/// The part of the result the endpoint may write: the main resource keeps
/// the live status, `/status` only changes the status.
fn confine(rt: &ResourceType, live: Option<&Value>, object: Value, subresource: Option<&str>) -> Value {
    let status_of = |v: &Value| v.get("status").cloned();
    let with_status = |mut target: Value, status: Option<Value>| {
        if let Some(map) = target.as_object_mut() {
            match status {
                Some(s) => map.insert("status".into(), s),
                None => map.remove("status"),
            };
        }
        target
    };
    match (subresource, live) {
        (Some("status"), Some(live)) => with_status(live.clone(), status_of(&object)),
        (None, _) if rt.status => with_status(object, live.and_then(status_of)),
        _ => object,
    }
}

/// The fields of the client-side apply annotation that still match the
/// live object: conflicts on them do not stop `kubectl apply
/// --server-side` from taking over (`lastAppliedManager`).
fn allowed_from_last_applied(rt: &ResourceType, schema: Schema<'_>, live: &Value) -> Option<Set> {
    let text = live["metadata"]["annotations"][LAST_APPLIED]
        .as_str()
        .filter(|s| !s.is_empty())?;
    let last: Value = serde_json::from_str(text).ok()?;
    if !last.is_object() || last["apiVersion"].as_str() != Some(rt.api_version().as_str()) {
        return None;
    }
    let set = typed::to_field_set(schema, &last);
    let cmp = merge::compare(schema, &last, live);
    Some(
        set.difference(&cmp.modified)
            .difference(&cmp.added)
            .difference(&cmp.removed),
    )
}

/// The applied configuration as the last-applied annotation stores it:
/// without the annotation itself, JSON with Go's escaping and newline.
fn build_last_applied(applied: &Value) -> String {
    let mut copy = without_managed_fields(applied);
    if let Some(annotations) = copy["metadata"]
        .get_mut("annotations")
        .and_then(Value::as_object_mut)
    {
        annotations.remove(LAST_APPLIED);
    }
    format!("{}\n", fieldpath::go_json(&copy))
}
