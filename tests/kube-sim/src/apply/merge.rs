//! The two-value walks of structured-merge-diff: `Merge` (the applied
//! configuration over the live object: leaves and atomic values replaced,
//! maps merged key by key, list-maps and sets item by item in SMD's order)
//! and `Compare` (the fields a write added, modified and removed).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::fieldpath::{Pe, Set};
use super::schema::{Atom, ListKind, Schema};
use super::typed::{item_pe, values_equal};

/// The fields a write added, modified and removed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Comparison {
    /// Present in the new value only.
    pub(crate) added: Set,
    /// Leaves present in both with different values.
    pub(crate) modified: Set,
    /// Present in the old value only.
    pub(crate) removed: Set,
}

impl Comparison {
    /// The comparison without `fields` and everything below them.
    pub(crate) fn exclude(self, fields: &Set) -> Self {
        Comparison {
            added: self.added.recursive_difference(fields),
            modified: self.modified.recursive_difference(fields),
            removed: self.removed.recursive_difference(fields),
        }
    }
}

/// The atom both sides are walked with: the right side's, unless absent.
fn pick<'a>(schema: &Schema<'a>, lhs: Option<&Value>, rhs: Option<&Value>) -> (Atom<'a>, bool) {
    let left = lhs.map(|v| schema.atom(Some(v)));
    let right = rhs.map(|v| schema.atom(Some(v)));
    match (left, right) {
        (Some(l), None) => (l, true),
        (Some(l), Some(r)) => {
            let same = std::mem::discriminant(&l) == std::mem::discriminant(&r);
            (r, same)
        }
        (None, Some(r)) => (r, true),
        (None, None) => (Atom::Scalar, true),
    }
}

fn is_leaf(atom: &Atom<'_>, lhs: Option<&Value>, rhs: Option<&Value>) -> bool {
    match atom {
        Atom::Scalar => true,
        Atom::List(kind, _) => {
            let empty = |v: Option<&Value>| v.and_then(Value::as_array).is_none_or(Vec::is_empty);
            *kind == ListKind::Atomic || (empty(lhs) && empty(rhs))
        }
        Atom::Map(atomic) => {
            let empty = |v: Option<&Value>| v.and_then(Value::as_object).is_none_or(Map::is_empty);
            *atomic || (empty(lhs) && empty(rhs))
        }
    }
}

/// The live value `lhs` with the applied value `rhs` merged in (SMD's
/// `Merge` with `ruleKeepRHS`); `None` when nothing results.
pub(crate) fn merge(schema: Schema<'_>, lhs: Option<&Value>, rhs: Option<&Value>) -> Option<Value> {
    let (atom, same) = pick(&schema, lhs, rhs);
    if !same || is_leaf(&atom, lhs, rhs) {
        return rhs.or(lhs).cloned();
    }
    match atom {
        Atom::Map(_) => {
            let empty = Map::new();
            let l = lhs.and_then(Value::as_object).unwrap_or(&empty);
            let r = rhs.and_then(Value::as_object).unwrap_or(&empty);
            let keys: BTreeSet<&String> = l.keys().chain(r.keys()).collect();
            let mut out = Map::new();
            for key in keys {
                if let Some(v) = merge(schema.field(key).0, l.get(key), r.get(key)) {
                    out.insert(key.clone(), v);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        Atom::List(kind, elem) => {
            let l = lhs
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let r = rhs
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let out = merge_items(&schema, &kind, elem, l, r);
            (!out.is_empty()).then_some(Value::Array(out))
        }
        Atom::Scalar => rhs.or(lhs).cloned(),
    }
}

static NULL: Value = Value::Null;

/// Path elements of a list's items; an item without one gets a private
/// index so that it is kept in place rather than matched.
fn index<'v>(
    schema: &Schema<'_>,
    kind: &ListKind,
    items: &'v [Value],
    base: usize,
    duplicates: bool,
) -> (Vec<Pe>, BTreeMap<Pe, &'v Value>) {
    let mut pes = Vec::with_capacity(items.len());
    let mut observed: BTreeMap<Pe, &Value> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let pe = item_pe(schema, kind, item).unwrap_or(Pe::Index(base + i));
        if observed.contains_key(&pe) {
            if !duplicates {
                continue;
            }
            observed.insert(pe.clone(), &NULL);
        } else {
            observed.insert(pe.clone(), item);
        }
        pes.push(pe);
    }
    (pes, observed)
}

/// SMD's `visitListItems`: shared items in the order of the applied list,
/// live-only items kept near their neighbours.
fn merge_items(
    schema: &Schema<'_>,
    kind: &ListKind,
    elem: Schema<'_>,
    lhs: &[Value],
    rhs: &[Value],
) -> Vec<Value> {
    let (rhs_pes, observed_rhs) = index(schema, kind, rhs, usize::MAX / 2, false);
    let (lhs_pes, observed_lhs) = index(schema, kind, lhs, usize::MAX / 4, true);
    let mut shared = rhs_pes
        .iter()
        .filter(|pe| observed_lhs.contains_key(pe))
        .cloned()
        .collect::<Vec<_>>()
        .into_iter();
    let mut next_shared = shared.next();
    let mut merged_rhs = BTreeSet::new();
    let mut out = Vec::new();
    let (l_len, r_len) = (lhs_pes.len(), rhs_pes.len());
    let (mut li, mut ri) = (0, 0);
    while li < l_len || ri < r_len {
        if li < l_len && ri < r_len {
            let pe = &lhs_pes[li];
            if *pe == rhs_pes[ri] {
                merged_rhs.insert(pe.clone());
                out.extend(merge(
                    elem,
                    observed_lhs.get(pe).copied(),
                    observed_rhs.get(pe).copied(),
                ));
                li += 1;
                ri += 1;
                next_shared = shared.next();
                continue;
            }
            if observed_rhs.contains_key(pe) && next_shared.as_ref().is_some_and(|n| n != pe) {
                li += 1;
                continue;
            }
        }
        if li < l_len {
            let pe = &lhs_pes[li];
            if !observed_rhs.contains_key(pe) {
                out.extend(merge(elem, lhs.get(li), None));
                li += 1;
                continue;
            } else if merged_rhs.contains(pe) {
                li += 1;
            }
        }
        if ri < r_len {
            let pe = rhs_pes[ri].clone();
            merged_rhs.insert(pe.clone());
            out.extend(merge(
                elem,
                observed_lhs.get(&pe).copied(),
                observed_rhs.get(&pe).copied(),
            ));
            ri += 1;
            if next_shared.as_ref() == Some(&pe) {
                next_shared = shared.next();
            }
        }
    }
    out
}

/// What changed from `lhs` to `rhs` (SMD's `Compare`).
pub(crate) fn compare(schema: Schema<'_>, lhs: &Value, rhs: &Value) -> Comparison {
    let mut c = Comparison::default();
    walk(schema, Some(lhs), Some(rhs), &mut Vec::new(), &mut c);
    c
}

fn walk(
    schema: Schema<'_>,
    lhs: Option<&Value>,
    rhs: Option<&Value>,
    path: &mut Vec<Pe>,
    c: &mut Comparison,
) {
    let (atom, same) = pick(&schema, lhs, rhs);
    if !same || is_leaf(&atom, lhs, rhs) {
        match (lhs, rhs) {
            (None, _) => c.added.insert(path),
            (_, None) => c.removed.insert(path),
            (Some(l), Some(r)) if !values_equal(l, r) => c.modified.insert(path),
            _ => {}
        }
        return;
    }
    match atom {
        Atom::Map(_) => {
            let empty = Map::new();
            let l = lhs.and_then(Value::as_object).unwrap_or(&empty);
            let r = rhs.and_then(Value::as_object).unwrap_or(&empty);
            let keys: BTreeSet<&String> = l.keys().chain(r.keys()).collect();
            for key in keys {
                path.push(Pe::Field(key.clone()));
                walk(schema.field(key).0, l.get(key), r.get(key), path, c);
                path.pop();
            }
        }
        Atom::List(kind, elem) => {
            let l = lhs
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let r = rhs
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let (_, l_values) = index(&schema, &kind, l, usize::MAX / 4, false);
            let (r_pes, r_values) = index(&schema, &kind, r, usize::MAX / 4, false);
            for pe in &r_pes {
                path.push(pe.clone());
                walk(
                    elem,
                    l_values.get(pe).copied(),
                    r_values.get(pe).copied(),
                    path,
                    c,
                );
                path.pop();
            }
            for (i, item) in l.iter().enumerate() {
                let pe = item_pe(&schema, &kind, item).unwrap_or(Pe::Index(usize::MAX / 4 + i));
                if r_values.contains_key(&pe) {
                    continue;
                }
                path.push(pe);
                walk(elem, Some(item), None, path, c);
                path.pop();
            }
        }
        Atom::Scalar => {}
    }
    match (lhs, rhs) {
        (None, _) => c.added.insert(path),
        (_, None) => c.removed.insert(path),
        _ => {}
    }
}
