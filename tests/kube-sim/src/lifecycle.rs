//! What the generic registry of kube-apiserver does on create, update and
//! delete, whatever the kind: names and uids, resourceVersion preconditions,
//! `generation`, the status subresource, finalizers and `deletionTimestamp`,
//! owner-reference garbage collection and namespace termination.

use serde_json::{Value, json};

use crate::registry::ResourceType;
use crate::status::{ApiError, ApiResult, Cause};
use crate::store::{EventType, ObjectKey, ResourceKey, State, key, owner_uids};

/// Which part of an object a write addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The object itself (status kept when the type has a status
    /// subresource).
    Main,
    /// The `/status` subresource (only status changes).
    Status,
}

/// How dependents are treated when their owner is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Propagation {
    /// Delete the owner now, its dependents in the background.
    #[default]
    Background,
    /// Delete the dependents first, the owner when they are gone.
    Foreground,
    /// Delete the owner and leave its dependents, without the reference.
    Orphan,
}

/// The options of a DELETE.
#[derive(Clone, Debug, Default)]
pub struct DeleteOptions {
    /// What happens to dependents.
    pub propagation: Propagation,
    /// `preconditions.uid`.
    pub uid: Option<String>,
    /// `preconditions.resourceVersion`.
    pub resource_version: Option<String>,
    /// `dryRun=All`: check, change nothing.
    pub dry_run: bool,
}

/// The current time as the API server writes timestamps.
pub fn now() -> String {
    let now = k8s_openapi::jiff::Timestamp::now();
    k8s_openapi::jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

fn meta(object: &Value, field: &str) -> Option<String> {
    object["metadata"][field].as_str().map(str::to_string)
}

fn generated_name(prefix: &str) -> String {
    // The real server appends five characters from this alphabet.
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let random = uuid::Uuid::new_v4();
    let suffix: String = random.as_bytes()[..5]
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{prefix}{suffix}")
}

/// Checks that `ns` exists and is not terminating, for creating in it.
fn check_namespace(state: &State, ns: &str) -> ApiResult<()> {
    let namespaces = state
        .registry
        .get("", "v1", "namespaces")
        .cloned()
        .expect("namespaces are built in");
    match state.get(&namespaces, "", ns) {
        None => Err(ApiError::not_found("", "namespaces", ns)),
        Some(n) if n["metadata"]["deletionTimestamp"].is_string() => Err(ApiError::forbidden(
            "",
            "namespaces",
            ns,
            format!("unable to create new content in namespace {ns} because it is being terminated"),
        )),
        Some(_) => Ok(()),
    }
}

/// Prepares a new object as the registry does before storing it: name
/// (from `generateName`), namespace, uid, creationTimestamp, generation,
/// status reset where the type has a status subresource. Checks the
/// namespace exists and the name is free.
pub fn prepare_create(state: &State, rt: &ResourceType, ns: &str, mut object: Value) -> ApiResult<Value> {
    if !object["metadata"].is_object() {
        object["metadata"] = json!({});
    }
    let name = match meta(&object, "name").filter(|n| !n.is_empty()) {
        Some(name) => name,
        None => match meta(&object, "generateName").filter(|n| !n.is_empty()) {
            Some(prefix) => generated_name(&prefix),
            None => {
                return Err(ApiError::invalid(
                    &rt.group,
                    &rt.kind,
                    "",
                    vec![Cause::new(
                        "FieldValueRequired",
                        "metadata.name",
                        "Required value: name or generateName is required",
                    )],
                ));
            }
        },
    };
    let m = object["metadata"].as_object_mut().expect("metadata is an object");
    m.insert("name".into(), json!(name));
    if rt.namespaced {
        match m.get("namespace").and_then(Value::as_str) {
            Some(body_ns) if !body_ns.is_empty() && body_ns != ns => {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => {}
        }
        m.insert("namespace".into(), json!(ns));
    } else {
        m.remove("namespace");
    }
    m.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
    m.insert("creationTimestamp".into(), json!(now()));
    for transient in [
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "resourceVersion",
        "selfLink",
    ] {
        m.remove(transient);
    }
    if rt.generation || rt.is_custom() {
        m.insert("generation".into(), json!(1));
    } else {
        m.remove("generation");
    }
    if rt.namespaced {
        check_namespace(state, ns)?;
    }
    if state.get(rt, ns, &name).is_some() {
        return Err(ApiError::already_exists(&rt.group, &rt.plural, &name));
    }
    if rt.status && object.get("status").is_some() {
        object.as_object_mut().expect("object").remove("status");
    }
    if rt.group.is_empty() && rt.plural == "namespaces" {
        object["status"] = json!({"phase": "Active"});
        object["spec"] = json!({"finalizers": ["kubernetes"]});
    }
    Ok(object)
}

/// Stores a prepared object.
pub fn commit_create(state: &mut State, rt: &ResourceType, object: Value) -> Value {
    state.put(&key(rt), object, EventType::Added)
}

fn without(object: &Value, fields: &[&str]) -> Value {
    let mut copy = object.clone();
    if let Some(map) = copy.as_object_mut() {
        for f in fields {
            map.remove(*f);
        }
    }
    copy
}

/// A Secret's `stringData` is write-only: the API server merges it into
/// `data` (base64, `stringData` winning on the same key) and never stores it.
pub fn fold_string_data(object: &mut Value) {
    use base64::Engine as _;
    let Some(fields) = object.as_object_mut() else {
        return;
    };
    let Some(Value::Object(strings)) = fields.remove("stringData") else {
        return;
    };
    let data = fields.entry("data").or_insert_with(|| json!({}));
    if !data.is_object() {
        *data = json!({});
    }
    let data = data.as_object_mut().expect("data is an object");
    for (key, value) in strings {
        let text = value.as_str().unwrap_or_default();
        data.insert(key, json!(base64::engine::general_purpose::STANDARD.encode(text)));
    }
}

/// Computes the object an update of `old` with `new` stores: immutable
/// metadata carried over, the status subresource honoured, generation
/// bumped on a spec change. Checks the resourceVersion precondition.
pub fn prepare_update(rt: &ResourceType, old: &Value, mut new: Value, part: Part) -> ApiResult<Value> {
    let name = meta(old, "name").unwrap_or_default();
    match meta(&new, "resourceVersion").filter(|rv| !rv.is_empty()) {
        Some(rv) if Some(&rv) != meta(old, "resourceVersion").as_ref() => {
            return Err(ApiError::conflict(&rt.group, &rt.plural, &name));
        }
        None if rt.is_custom() => {
            return Err(ApiError::invalid(
                &rt.group,
                &rt.kind,
                &name,
                vec![Cause::new(
                    "FieldValueInvalid",
                    "metadata.resourceVersion",
                    "Invalid value: 0x0: must be specified for an update",
                )],
            ));
        }
        _ => {}
    }
    if let Some(new_name) = meta(&new, "name")
        && new_name != name
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({new_name}) does not match the name on the URL ({name})"
        )));
    }
    if !new["metadata"].is_object() {
        new["metadata"] = json!({});
    }
    let mut result = match part {
        Part::Status => {
            let mut result = old.clone();
            match new.get("status") {
                Some(status) => result["status"] = status.clone(),
                None => {
                    result.as_object_mut().expect("object").remove("status");
                }
            }
            if let Some(mf) = new["metadata"].get("managedFields") {
                result["metadata"]["managedFields"] = mf.clone();
            }
            result
        }
        Part::Main => {
            if rt.status {
                match old.get("status") {
                    Some(status) => new["status"] = status.clone(),
                    None => {
                        new.as_object_mut().expect("object").remove("status");
                    }
                }
            }
            new
        }
    };
    for immutable in [
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "namespace",
        "name",
    ] {
        match old["metadata"].get(immutable) {
            Some(v) => result["metadata"][immutable] = v.clone(),
            None => {
                if let Some(m) = result["metadata"].as_object_mut() {
                    m.remove(immutable);
                }
            }
        }
    }
    let generation = old["metadata"]["generation"].as_i64();
    if let Some(g) = generation {
        let spec_changed = if rt.is_custom() {
            without(old, &["metadata", "status"]) != without(&result, &["metadata", "status"])
        } else {
            old.get("spec") != result.get("spec")
        };
        result["metadata"]["generation"] = json!(if spec_changed && part == Part::Main {
            g + 1
        } else {
            g
        });
    }
    result["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"].clone();
    Ok(result)
}

/// Stores an update prepared by [`prepare_update`]: nothing happens (no new
/// resourceVersion, no event) when nothing changed; an object being deleted
/// whose last finalizer is removed is deleted.
pub fn commit_update(state: &mut State, rt: &ResourceType, old: &Value, result: Value) -> Value {
    if &result == old {
        return result;
    }
    let finished = result["metadata"]["deletionTimestamp"].is_string()
        && result["metadata"]["finalizers"]
            .as_array()
            .is_none_or(Vec::is_empty);
    let stored = state.put(&key(rt), result, EventType::Modified);
    if finished {
        let ok = crate::store::object_key(&stored);
        let removed = state.remove(&key(rt), &ok).unwrap_or(stored);
        settle(state);
        return removed;
    }
    settle(state);
    stored
}

/// Deletes `ns/name`: at once when nothing holds it, else by setting
/// `deletionTimestamp` and waiting for its finalizers. Returns the object
/// as it is after the call.
pub fn delete(
    state: &mut State,
    rt: &ResourceType,
    ns: &str,
    name: &str,
    opts: &DeleteOptions,
) -> ApiResult<Value> {
    let Some(old) = state.get(rt, ns, name).cloned() else {
        return Err(ApiError::not_found(&rt.group, &rt.plural, name));
    };
    if let Some(uid) = &opts.uid
        && Some(uid) != meta(&old, "uid").as_ref()
    {
        return Err(ApiError::conflict_message(
            &rt.group,
            &rt.plural,
            name,
            format!(
                "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                meta(&old, "uid").unwrap_or_default()
            ),
            vec![],
        ));
    }
    if let Some(rv) = &opts.resource_version
        && Some(rv) != meta(&old, "resourceVersion").as_ref()
    {
        return Err(ApiError::conflict_message(
            &rt.group,
            &rt.plural,
            name,
            format!(
                "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
                meta(&old, "resourceVersion").unwrap_or_default()
            ),
            vec![],
        ));
    }
    if opts.dry_run {
        return Ok(old);
    }
    let mut finalizers: Vec<String> = old["metadata"]["finalizers"]
        .as_array()
        .map(|f| f.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let has_dependents = meta(&old, "uid").is_some_and(|uid| !state.dependents_of(&uid).is_empty());
    let is_namespace = rt.group.is_empty() && rt.plural == "namespaces";
    match opts.propagation {
        Propagation::Foreground
            if has_dependents && !finalizers.iter().any(|f| f == "foregroundDeletion") =>
        {
            finalizers.push("foregroundDeletion".into());
        }
        Propagation::Orphan if has_dependents && !finalizers.iter().any(|f| f == "orphan") => {
            finalizers.push("orphan".into());
        }
        _ => {}
    }
    if finalizers.is_empty() && !is_namespace {
        let removed = state
            .remove(&key(rt), &(ns.to_string(), name.to_string()))
            .expect("exists");
        settle(state);
        return Ok(removed);
    }
    if old["metadata"]["deletionTimestamp"].is_string() && !is_namespace {
        // Already being deleted: nothing changes.
        return Ok(old);
    }
    let mut marked = old.clone();
    marked["metadata"]["deletionTimestamp"] = json!(now());
    marked["metadata"]["deletionGracePeriodSeconds"] = json!(0);
    if !finalizers.is_empty() {
        marked["metadata"]["finalizers"] = json!(finalizers);
    }
    if let Some(g) = old["metadata"]["generation"].as_i64()
        && rt.is_custom()
    {
        marked["metadata"]["generation"] = json!(g + 1);
    }
    if is_namespace {
        if old["metadata"]["deletionTimestamp"].is_string() {
            return Ok(old);
        }
        marked["status"] = json!({"phase": "Terminating"});
    }
    let stored = state.put(&key(rt), marked, EventType::Modified);
    if is_namespace {
        delete_namespace_contents(state, name);
    }
    if opts.propagation == Propagation::Foreground
        && let Some(uid) = meta(&old, "uid")
    {
        for dependent in state.dependents_of(&uid) {
            delete_by_uid(state, &dependent, Propagation::Foreground);
        }
    }
    settle(state);
    Ok(state.get(rt, ns, name).cloned().unwrap_or(stored))
}

fn delete_namespace_contents(state: &mut State, ns: &str) {
    for ((group, plural), name) in state.namespace_contents(ns) {
        let Some(rt) = state.registry.by_group_resource(&group, &plural).cloned() else {
            continue;
        };
        let _ = delete(state, &rt, ns, &name, &DeleteOptions::default());
    }
}

fn delete_by_uid(state: &mut State, uid: &str, propagation: Propagation) {
    let Some(((group, plural), (ns, name), _)) = state
        .by_uid(uid)
        .map(|(rk, ok, v)| (rk.clone(), ok.clone(), v.clone()))
    else {
        return;
    };
    let Some(rt) = state.registry.by_group_resource(&group, &plural).cloned() else {
        return;
    };
    let _ = delete(
        state,
        &rt,
        &ns,
        &name,
        &DeleteOptions {
            propagation,
            ..Default::default()
        },
    );
}

fn remove_finalizer(state: &mut State, rk: &ResourceKey, ok: &ObjectKey, finalizer: &str) {
    let Some(mut object) = state.get_by_key(rk, ok).cloned() else {
        return;
    };
    let Some(list) = object["metadata"]["finalizers"].as_array_mut() else {
        return;
    };
    list.retain(|f| f != finalizer);
    let done = list.is_empty();
    if done {
        object["metadata"]
            .as_object_mut()
            .expect("metadata")
            .remove("finalizers");
    }
    state.put(rk, object, EventType::Modified);
    if done {
        state.remove(rk, ok);
    }
}

/// What the garbage collector and the namespace controller do, run to a
/// fixed point after every change, on what changed: delete dependents whose
/// owners are all gone, remove dangling owner references, orphan dependents
/// of `orphan` owners, finish foreground deletions, and remove terminated
/// namespaces once empty.
pub fn settle(state: &mut State) {
    for _ in 0..10_000 {
        let pending = state.take_pending();
        if pending.removed.is_empty() && pending.deleting.is_empty() {
            return;
        }
        for (uid, ns, owners) in pending.removed {
            for dependent in state.dependents_of(&uid) {
                collect(state, &dependent);
            }
            if !ns.is_empty() {
                finish_namespace(state, &ns);
            }
            // A foreground owner may have waited for this dependent.
            for owner in owners {
                finalize_propagation(state, &owner);
            }
        }
        for uid in pending.deleting {
            finalize_propagation(state, &uid);
        }
    }
}

/// Deletes a dependent whose owners are all gone, or drops the references
/// to the owners that are.
fn collect(state: &mut State, dependent: &str) {
    let Some((rk, ok, object)) = state
        .by_uid(dependent)
        .map(|(rk, ok, v)| (rk.clone(), ok.clone(), v.clone()))
    else {
        return;
    };
    let owners = owner_uids(&object);
    let live = owners.iter().filter(|o| state.by_uid(o).is_some()).count();
    if live == 0 {
        if object["metadata"]["deletionTimestamp"].is_string() {
            return;
        }
        if let Some(rt) = state.registry.by_group_resource(&rk.0, &rk.1).cloned() {
            let _ = delete(state, &rt, &ok.0, &ok.1, &DeleteOptions::default());
        }
    } else if live < owners.len() {
        for dangling in owners
            .iter()
            .filter(|o| state.by_uid(o).is_none())
            .cloned()
            .collect::<Vec<_>>()
        {
            drop_owner_reference(state, dependent, &dangling);
        }
    }
}

/// Handles the `orphan` and `foregroundDeletion` finalizers of an object
/// being deleted.
fn finalize_propagation(state: &mut State, uid: &str) {
    let Some((rk, ok, object)) = state
        .by_uid(uid)
        .map(|(rk, ok, v)| (rk.clone(), ok.clone(), v.clone()))
    else {
        return;
    };
    let finalizers: Vec<String> = object["metadata"]["finalizers"]
        .as_array()
        .map(|f| f.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if finalizers.iter().any(|f| f == "orphan") {
        for dependent in state.dependents_of(uid) {
            drop_owner_reference(state, &dependent, uid);
        }
        remove_finalizer(state, &rk, &ok, "orphan");
    } else if finalizers.iter().any(|f| f == "foregroundDeletion") && state.dependents_of(uid).is_empty() {
        remove_finalizer(state, &rk, &ok, "foregroundDeletion");
    }
}

fn finish_namespace(state: &mut State, ns: &str) {
    let rk: ResourceKey = (String::new(), "namespaces".into());
    let ok: ObjectKey = (String::new(), ns.to_string());
    let terminating = state
        .get_by_key(&rk, &ok)
        .is_some_and(|n| n["metadata"]["deletionTimestamp"].is_string());
    if terminating && state.namespace_contents(ns).is_empty() {
        state.remove(&rk, &ok);
    }
}

fn drop_owner_reference(state: &mut State, dependent_uid: &str, owner_uid: &str) {
    let Some((rk, _, object)) = state
        .by_uid(dependent_uid)
        .map(|(rk, ok, v)| (rk.clone(), ok.clone(), v.clone()))
    else {
        return;
    };
    let mut object = object;
    if let Some(refs) = object["metadata"]["ownerReferences"].as_array_mut() {
        refs.retain(|r| r["uid"].as_str() != Some(owner_uid));
        if refs.is_empty() {
            object["metadata"]
                .as_object_mut()
                .expect("metadata")
                .remove("ownerReferences");
        }
    }
    state.put(&rk, object, EventType::Modified);
}
