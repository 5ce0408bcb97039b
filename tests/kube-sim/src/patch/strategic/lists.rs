//! The list half of strategic merge patch (`mergeSlice` and its helpers):
//! items merged by their merge key or as a set of scalars, the `$patch:
//! delete` and `$patch: replace` items, and the order the real server gives
//! the result (patch order, live-only items among them by live order).

use serde_json::Value;

use super::super::{PatchError, gofmt};
use super::{DIRECTIVE, MAP_TYPE, Result, bad_arg_type, internal, merge_map, no_merge_key, same_type};
use crate::apply::Schema;

/// Whether the items of some lists are objects; errors as
/// `sliceElementType` words them.
pub(super) fn element_kind(lists: &[&[Value]]) -> Result<bool> {
    let mut first: Option<&Value> = None;
    for item in lists.iter().flat_map(|l| l.iter()) {
        match first {
            None => {
                if item.is_array() {
                    return Err(PatchError::Unprocessable(
                        "lists of lists are not supported".into(),
                    ));
                }
                first = Some(item);
            }
            Some(f) if !same_type(f, item) => {
                let all = Value::Array(lists.iter().map(|l| Value::Array(l.to_vec())).collect());
                return Err(internal(format!(
                    "list element types are not identical: {}",
                    gofmt::v(&all)
                )));
            }
            Some(_) => {}
        }
    }
    first
        .map(Value::is_object)
        .ok_or_else(|| internal("no elements in any of the given slices".into()))
}

pub(super) fn merge_slice(
    field: Schema<'_>,
    original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &str,
    is_delete_list: bool,
) -> Result<Vec<Value>> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let maps = element_kind(&[&original, &patch])?;
    let (merged, original, patch) = if !maps {
        if is_delete_list {
            return Ok(original
                .into_iter()
                .filter(|v| !patch.iter().any(|d| gofmt::eq(v, d)))
                .collect());
        }
        let both: Vec<Value> = original.iter().chain(patch.iter()).cloned().collect();
        (dedupe(both), original, patch)
    } else {
        if merge_key.is_empty() {
            return Err(internal(
                "cannot merge lists without merge key for type string".into(),
            ));
        }
        let (original, patch) = special_elements(original, patch, merge_key)?;
        let merged = merge_items(field.elem(), original.clone(), &patch, merge_key)?;
        (merged, original, patch)
    };
    let (patch_items, server_only) = partition(&merged, &patch, merge_key)?;
    normalize_element_order(patch_items, server_only, &patch, &original, merge_key, maps)
}

/// `deduplicateScalars`, which moves the last item into a duplicate's place.
pub(super) fn dedupe(mut s: Vec<Value>) -> Vec<Value> {
    let mut length = s.len() as isize - 1;
    let mut i: isize = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if gofmt::eq(&s[i as usize], &s[j as usize]) {
                s[j as usize] = s[length as usize].clone();
                s.truncate(length as usize);
                length -= 1;
                j -= 1;
            }
            j += 1;
        }
        i += 1;
    }
    s
}

/// `mergeSliceWithSpecialElements`: applies the `$patch: delete` items and
/// a `$patch: replace` item; returns the new original and the plain items.
pub(super) fn special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut plain = Vec::new();
    let mut replace = false;
    for v in patch {
        let Some(directive) = v.get(DIRECTIVE) else {
            plain.push(v);
            continue;
        };
        match directive.as_str() {
            Some("delete") => {
                let value = v.get(merge_key).ok_or_else(|| no_merge_key(&v, merge_key))?;
                while let Some(i) = find(&original, merge_key, value)? {
                    original.remove(i);
                }
            }
            Some("replace") => replace = true,
            Some("merge") => {
                return Err(internal(
                    "merging lists cannot yet be specified in the patch".into(),
                ));
            }
            _ => {
                return Err(internal(format!(
                    "unknown patch type: {} in map: {}",
                    gofmt::v(directive),
                    gofmt::v(&v)
                )));
            }
        }
    }
    Ok(if replace {
        (plain, Vec::new())
    } else {
        (original, plain)
    })
}

/// `findMapInSliceBasedOnKeyValue`.
pub(super) fn find(list: &[Value], key: &str, value: &Value) -> Result<Option<usize>> {
    for (i, item) in list.iter().enumerate() {
        let Value::Object(map) = item else {
            return Err(internal(format!("value for key {i} is not a map.")));
        };
        if map.get(key).is_some_and(|v| gofmt::eq(v, value)) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

pub(super) fn merge_items(
    elem: Schema<'_>,
    mut original: Vec<Value>,
    patch: &[Value],
    merge_key: &str,
) -> Result<Vec<Value>> {
    for v in patch {
        let value = v.get(merge_key).ok_or_else(|| no_merge_key(v, merge_key))?;
        match find(&original, merge_key, value)? {
            Some(i) => {
                let (Value::Object(o), Value::Object(p)) = (original[i].clone(), v.clone()) else {
                    continue;
                };
                original[i] = Value::Object(merge_map(elem, o, p)?);
            }
            None => original.push(v.clone()),
        }
    }
    Ok(original)
}

/// Splits merged items into those present in `by` and the others.
pub(super) fn partition(merged: &[Value], by: &[Value], merge_key: &str) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut present = Vec::new();
    let mut others = Vec::new();
    for v in merged {
        let found = if merge_key.is_empty() {
            by.iter().any(|b| gofmt::eq(v, b))
        } else {
            if !v.is_object() {
                return Err(bad_arg_type(MAP_TYPE, v));
            }
            let value = v.get(merge_key).ok_or_else(|| no_merge_key(v, merge_key))?;
            find(by, merge_key, value)?.is_some()
        };
        if found {
            present.push(v.clone())
        } else {
            others.push(v.clone())
        }
    }
    Ok((present, others))
}

pub(super) fn split_deletes(list: Vec<Value>) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut keep = Vec::new();
    let mut delete = Vec::new();
    for v in list {
        if !v.is_object() {
            return Err(bad_arg_type(MAP_TYPE, &v));
        }
        if v.get(DIRECTIVE).and_then(Value::as_str) == Some("delete") {
            delete.push(v)
        } else {
            keep.push(v)
        }
    }
    Ok((keep, delete))
}

/// The position of `v` in `list` by merge key (by value for scalars).
pub(super) fn index(list: &[Value], v: &Value, merge_key: &str, maps: bool) -> Option<usize> {
    let key_of = |item: &Value| {
        if maps {
            item.get(merge_key).cloned()
        } else {
            Some(item.clone())
        }
    };
    let wanted = key_of(v);
    list.iter().position(|item| match (key_of(item), &wanted) {
        (None, None) => true,
        (Some(a), Some(b)) => gofmt::eq(&a, b),
        _ => false,
    })
}

pub(super) fn normalize_slice_order(
    mut items: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    maps: bool,
) -> Result<Vec<Value>> {
    let mut deletes = Vec::new();
    if maps {
        for v in items.iter().chain(order) {
            if !v.is_object() {
                return Err(bad_arg_type(MAP_TYPE, v));
            }
            if v.get(merge_key).is_none() {
                return Err(no_merge_key(v, merge_key));
            }
        }
        (items, deletes) = split_deletes(items)?;
    }
    let less =
        |a: &Value, b: &Value| match (index(order, a, merge_key, maps), index(order, b, merge_key, maps)) {
            (Some(i), Some(j)) => i < j,
            _ => true,
        };
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && less(&items[j], &items[j - 1]) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
    items.extend(deletes);
    Ok(items)
}

pub(super) fn normalize_element_order(
    patch_items: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    maps: bool,
) -> Result<Vec<Value>> {
    let patch_items = normalize_slice_order(patch_items, patch_order, merge_key, maps)?;
    let server_only = normalize_slice_order(server_only, server_order, merge_key, maps)?;
    Ok(merge_sorted(
        server_only,
        patch_items,
        server_order,
        merge_key,
        maps,
    ))
}

/// `mergeSortedSlice`: server-only items inserted among the patch items by
/// their live order.
pub(super) fn merge_sorted(
    left: Vec<Value>,
    right: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    maps: bool,
) -> Vec<Value> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(left.len() + right.len());
    while i < left.len() || j < right.len() {
        if i >= left.len() {
            out.push(right[j].clone());
            j += 1;
        } else if j >= right.len() {
            out.push(left[i].clone());
            i += 1;
        } else {
            let before = match (
                index(order, &left[i], merge_key, maps),
                index(order, &right[j], merge_key, maps),
            ) {
                (Some(li), Some(ri)) => li < ri,
                _ => false,
            };
            if before {
                out.push(left[i].clone());
                i += 1;
            } else {
                out.push(right[j].clone());
                j += 1;
            }
        }
    }
    out
}
