//! The bookkeeping of `metadata.managedFields` shared by every write: the
//! fields an endpoint resets and never lets its writers own, the metadata no
//! manager may own, and the `Update` entry a create, update or patch records
//! for its manager (`managedFieldsUpdater`, `stripMetaManager`,
//! `capManagersManager`, `skipNonAppliedManager` over SMD's `Update`).

use serde_json::{Value, json};

use super::Operation;
use super::builtin_types;
use super::fieldpath::{Set, fields};
use super::managed::{self, Managed, Versioned, decode, encode, identifier};
use super::schema::root as root_schema;
use super::updater::Updater;
use crate::registry::ResourceType;

/// The object without `metadata.managedFields`.
pub(super) fn without_managed_fields(obj: &Value) -> Value {
    let mut obj = obj.clone();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    obj
}

/// The fields the endpoint resets, which its writers never own
/// (the strategies' `GetResetFields`).
pub(super) fn ignored_fields(rt: &ResourceType, subresource: Option<&str>) -> Set {
    let mut set = Set::default();
    match subresource {
        None if rt.status => set.insert(&fields(&["status"])),
        Some("status") => {
            set.insert(&fields(&["spec"]));
            if rt.group == "apps" {
                set.insert(&fields(&["metadata", "labels"]));
            }
        }
        _ => {}
    }
    set
}

/// The SMD updater of a type for writes through `subresource`.
pub(super) fn updater<'a>(rt: &'a ResourceType, subresource: Option<&str>) -> Updater<'a> {
    Updater {
        schema: root_schema(rt),
        version: rt.api_version(),
        ignored: ignored_fields(rt, subresource),
    }
}

/// Removes the fields no manager may own (`stripMetaManager`).
pub(super) fn strip_meta(managed: &mut Managed, id: &str) {
    let mut strip = Set::default();
    for path in [&["apiVersion"][..], &["kind"], &["metadata"]] {
        strip.insert(&fields(path));
    }
    for field in [
        "name",
        "namespace",
        "creationTimestamp",
        "selfLink",
        "uid",
        "clusterName",
        "generation",
        "managedFields",
        "resourceVersion",
    ] {
        strip.insert(&fields(&["metadata", field]));
    }
    if let Some(v) = managed.fields.get_mut(id) {
        v.set = v.set.difference(&strip);
        if v.set.is_empty() {
            managed.fields.remove(id);
        }
    }
}

/// Records an update by `manager` of `live` into `new` in `managed`
/// (`managedFieldsUpdater` over SMD's `Update`, then the cap).
pub(super) fn update_managed(
    rt: &ResourceType,
    live: &Value,
    new: &Value,
    managed: &mut Managed,
    manager: &str,
    subresource: Option<&str>,
    now: &str,
) {
    const SELF: &str = "current-operation";
    let manager = if manager.is_empty() { "unknown" } else { manager };
    let id = identifier(
        manager,
        Operation::Update,
        &rt.api_version(),
        subresource.unwrap_or_default(),
    );
    updater(rt, subresource).update_fields(live, new, &mut managed.fields, SELF);
    strip_meta(managed, SELF);
    if let Some(current) = managed.fields.remove(SELF) {
        let set = match managed.fields.get(&id) {
            Some(previous) => current.set.union(&previous.set),
            None => current.set,
        };
        managed.fields.insert(id.clone(), Versioned { set, ..current });
        managed.times.insert(id, now.to_string());
    }
    managed::cap_update_managers(managed);
}

/// Writes the encoded entries into the object (removing the field when
/// there are none).
pub(super) fn set_managed_fields(obj: &mut Value, managed: &Managed) {
    if !obj.is_object() {
        return;
    }
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    let Some(meta) = obj["metadata"].as_object_mut() else {
        return;
    };
    match encode(managed) {
        Some(entries) => meta.insert("managedFields".into(), entries),
        None => meta.remove("managedFields"),
    };
}

/// Records a non-apply write by `manager` in `new`'s managedFields: the
/// fields the write changed become the manager's `Update` entry and are
/// taken from everybody else. Managed fields sent in `new` replace the
/// live ones (an empty list, or one empty entry, resets them), except
/// through a subresource. `new` may be the object as the request sends it
/// or as the endpoint will store it: the fields the endpoint resets are
/// never owned through it either way. The manager's name (the user agent's
/// program name when the request names none) is the caller's to choose.
pub fn record_update(
    rt: &ResourceType,
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    subresource: Option<&str>,
    now: &str,
) {
    let live_entries = old.and_then(|o| o["metadata"].get("managedFields"));
    let new_entries = new["metadata"].get("managedFields");
    let from_live = || decode(live_entries).unwrap_or_default();
    let mut managed = if subresource.is_some() {
        from_live()
    } else if managed::is_reset(new_entries) {
        Managed::default()
    } else {
        match decode(new_entries) {
            Ok(m) if !m.fields.is_empty() => m,
            _ => from_live(),
        }
    };
    let stripped = without_managed_fields(new);
    *new = stripped;
    let existing = old
        .and_then(|o| o["metadata"]["uid"].as_str())
        .is_some_and(|uid| !uid.is_empty());
    if managed.fields.is_empty() && existing {
        return;
    }
    let live = old
        .map(without_managed_fields)
        .unwrap_or_else(|| builtin_types::zero(rt));
    let current = new.clone();
    update_managed(rt, &live, &current, &mut managed, manager, subresource, now);
    set_managed_fields(new, &managed);
}
