//! structured-merge-diff's `merge.Updater`: the ownership bookkeeping of an
//! update (the writer takes the fields it changed from everybody) and of an
//! apply (merge, prune what the applier dropped and nobody else owns,
//! conflicts with the other owners of changed fields).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::fieldpath::{Pe, Set};
use super::managed::Versioned;
use super::merge::{Comparison, compare, merge};
use super::schema::Schema;
use super::typed::{ensure_named, remove_items, to_field_set, values_equal};

/// Fields by manager identifier.
pub(crate) type Managers = BTreeMap<String, Versioned>;

/// The fields another manager owns that a write would change.
pub(crate) type Conflicts = BTreeMap<String, Set>;

/// An updater for one type at one version.
pub(crate) struct Updater<'a> {
    /// The object's type.
    pub(crate) schema: Schema<'a>,
    /// The version writes are recorded at.
    pub(crate) version: String,
    /// Fields the write's endpoint resets (status on the main resource,
    /// spec on `/status`), never owned through it.
    pub(crate) ignored: Set,
}

impl Updater<'_> {
    /// Takes the fields `new` changes from `old` away from every manager
    /// but `workflow` (or fails with them unless `force`), and the removed
    /// fields from everybody; drops managers left with nothing.
    fn update(
        &self,
        old: &Value,
        new: &Value,
        managers: &mut Managers,
        workflow: &str,
        force: bool,
    ) -> Result<Comparison, Conflicts> {
        let cmp = compare(self.schema, old, new).exclude(&self.ignored);
        let changed = cmp.modified.union(&cmp.added);
        let mut conflicts = Conflicts::new();
        for (manager, versioned) in managers.iter() {
            if manager == workflow {
                continue;
            }
            let conflict = versioned.set.intersection(&changed);
            if !conflict.is_empty() {
                conflicts.insert(manager.clone(), conflict);
            }
        }
        if !force && !conflicts.is_empty() {
            return Err(conflicts);
        }
        for (manager, versioned) in managers.iter_mut() {
            if manager == workflow {
                continue;
            }
            if let Some(conflict) = conflicts.get(manager) {
                versioned.set = versioned.set.difference(conflict);
            }
            versioned.set = versioned.set.difference(&cmp.removed);
        }
        managers.retain(|_, v| !v.set.is_empty());
        Ok(cmp)
    }

    /// Records a non-apply write by `manager` (SMD's `Update`).
    pub(crate) fn update_fields(&self, live: &Value, new: &Value, managers: &mut Managers, manager: &str) {
        let Ok(cmp) = self.update(live, new, managers, manager, true) else {
            return;
        };
        let previous = managers.remove(manager).map(|v| v.set).unwrap_or_default();
        let set = previous
            .difference(&cmp.removed)
            .union(&cmp.modified)
            .union(&cmp.added)
            .recursive_difference(&self.ignored);
        if !set.is_empty() {
            managers.insert(
                manager.to_string(),
                Versioned {
                    set,
                    api_version: self.version.clone(),
                    applied: false,
                },
            );
        }
    }

    /// Applies `config` by `manager` over `live` (SMD's `Apply`): the new
    /// object, or `None` when it equals `live`.
    pub(crate) fn apply(
        &self,
        live: &Value,
        config: &Value,
        managers: &mut Managers,
        manager: &str,
        force: bool,
    ) -> Result<Option<Value>, Conflicts> {
        let merged = merge(self.schema, Some(live), Some(config)).unwrap_or_else(|| json!({}));
        let last = managers.get(manager).map(|v| v.set.clone());
        let set = to_field_set(self.schema, config).recursive_difference(&self.ignored);
        managers.insert(
            manager.to_string(),
            Versioned {
                set,
                api_version: self.version.clone(),
                applied: true,
            },
        );
        let new = match last {
            Some(last) if !last.is_empty() => self.prune(&merged, managers, &last),
            _ => merged,
        };
        self.update(live, &new, managers, manager, force)?;
        Ok((!values_equal(live, &new)).then_some(new))
    }

    /// Removes what the applier owned last time, no longer applies, and
    /// nobody else owns (`prune`, `addBackOwnedItems`, `addBackDanglingItems`).
    fn prune(&self, merged: &Value, managers: &Managers, last: &Set) -> Value {
        let or_empty = |v: Option<Value>| v.unwrap_or_else(|| json!({}));
        let last = ensure_named(last, self.schema);
        let pruned = or_empty(remove_items(self.schema, merged, &last));
        let managed = managers.values().fold(Set::default(), |acc, v| acc.union(&v.set));
        let merged_set = ensure_named(&to_field_set(self.schema, merged), self.schema);
        let pruned_set = ensure_named(&to_field_set(self.schema, &pruned), self.schema);
        let keep = pruned_set.union(&ensure_named(&managed, self.schema));
        let pruned = or_empty(remove_items(self.schema, merged, &merged_set.difference(&keep)));
        let pruned_set = ensure_named(&to_field_set(self.schema, &pruned), self.schema);
        or_empty(remove_items(
            self.schema,
            merged,
            &merged_set.difference(&pruned_set).intersection(&last),
        ))
    }
}

/// Conflicts as `(manager identifier, path)` pairs, managers sorted, each
/// manager's paths in set order.
pub(crate) fn conflict_list(conflicts: &Conflicts) -> Vec<(String, Vec<Pe>)> {
    conflicts
        .iter()
        .flat_map(|(m, set)| set.paths().into_iter().map(move |p| (m.clone(), p)))
        .collect()
}
