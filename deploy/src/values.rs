//! Chart values: conversion between YAML and gtmpl's values, Helm's merge of
//! user values over the chart's defaults (with `--set`-style overrides), and
//! the dotted paths that the value-reference check compares: every
//! `.Values.x.y` a template reads must exist in values.yaml, and every key of
//! values.yaml must be read by some template.

use std::collections::{BTreeSet, HashMap};

use gtmpl_value::{Number, Value};
use serde_yaml::Value as Yaml;

use crate::{Error, Result};

/// A YAML value as gtmpl's. Numbers keep their type (Helm would make every
/// number a float64; the chart prints none that would tell).
pub fn to_gtmpl(yaml: &Yaml) -> Value {
    match yaml {
        Yaml::Null => Value::Nil,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Value::Number(Number::from(u)),
            (None, Some(i), _) => Value::Number(Number::from(i)),
            (None, None, Some(f)) => Value::Number(Number::from(f)),
            _ => Value::Nil,
        },
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_gtmpl).collect()),
        Yaml::Mapping(map) => Value::Map(
            map.iter()
                .filter_map(|(k, v)| Some((yaml_key(k)?, to_gtmpl(v))))
                .collect::<HashMap<_, _>>(),
        ),
        Yaml::Tagged(tagged) => to_gtmpl(&tagged.value),
    }
}

fn yaml_key(key: &Yaml) -> Option<String> {
    match key {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A gtmpl value as YAML, map keys sorted (as `toYaml` prints them).
pub fn to_yaml(value: &Value) -> Yaml {
    match value {
        Value::NoValue | Value::Nil | Value::Function(_) => Yaml::Null,
        Value::Bool(b) => Yaml::Bool(*b),
        Value::String(s) => Yaml::String(s.clone()),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Yaml::from(u)
            } else if let Some(i) = n.as_i64() {
                Yaml::from(i)
            } else {
                Yaml::from(n.as_f64().unwrap_or_default())
            }
        }
        Value::Array(items) => Yaml::Sequence(items.iter().map(to_yaml).collect()),
        Value::Map(map) | Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Yaml::Mapping(
                keys.into_iter()
                    .map(|k| (Yaml::from(k.clone()), to_yaml(&map[k])))
                    .collect(),
            )
        }
    }
}

/// Helm's coalescing of user values over the chart's: maps merge key by
/// key, anything else replaces, and a null deletes the key.
pub fn merge(base: &Yaml, over: &Yaml) -> Yaml {
    match (base, over) {
        (Yaml::Mapping(base), Yaml::Mapping(over)) => {
            let mut out = base.clone();
            for (key, value) in over {
                if value.is_null() {
                    out.remove(key);
                    continue;
                }
                let merged = match out.get(key) {
                    Some(existing) => merge(existing, value),
                    None => value.clone(),
                };
                out.insert(key.clone(), merged);
            }
            Yaml::Mapping(out)
        }
        _ => over.clone(),
    }
}

/// Applies `path.to.key=value` overrides (the value parsed as YAML, as
/// `helm --set` parses scalars) over `values`.
pub fn with_overrides(values: &Yaml, overrides: &[&str]) -> Result<Yaml> {
    let mut out = values.clone();
    for item in overrides {
        let (path, raw) = item
            .split_once('=')
            .ok_or_else(|| Error::Override(item.to_string()))?;
        let value: Yaml = serde_yaml::from_str(raw).map_err(|_| Error::Override(item.to_string()))?;
        let mut nested = value;
        for key in path.rsplit('.') {
            if key.is_empty() {
                return Err(Error::Override(item.to_string()));
            }
            nested = Yaml::Mapping([(Yaml::from(key), nested)].into_iter().collect());
        }
        out = merge(&out, &nested);
    }
    Ok(out)
}

/// Every dotted path of `values` (`operator`, `operator.image`,
/// `operator.image.tag`, …): maps are walked, lists and scalars are leaves.
pub fn paths(values: &Yaml) -> BTreeSet<String> {
    fn walk(value: &Yaml, prefix: &str, out: &mut BTreeSet<String>) {
        let Some(map) = value.as_mapping() else { return };
        for (key, child) in map {
            let Some(key) = yaml_key(key) else { continue };
            let path = if prefix.is_empty() {
                key
            } else {
                format!("{prefix}.{key}")
            };
            walk(child, &path, out);
            out.insert(path);
        }
    }
    let mut out = BTreeSet::new();
    walk(values, "", &mut out);
    out
}

/// The `.Values.…` paths a template text reads (also through `$.Values`),
/// without the `Values.` prefix.
pub fn references(template: &str) -> BTreeSet<String> {
    let pattern = regex::Regex::new(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)").expect("valid regex");
    pattern
        .captures_iter(template)
        .map(|c| c[1].trim_start_matches('.').to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Yaml {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn merge_replaces_scalars_merges_maps_and_deletes_nulls() {
        let base = yaml("a: {b: 1, c: 2}\nd: [1]\ne: x");
        let over = yaml("a: {b: 3}\nd: [2]\ne: null");
        assert_eq!(merge(&base, &over), yaml("a: {b: 3, c: 2}\nd: [2]"));
    }

    #[test]
    fn overrides_set_nested_keys_with_yaml_scalars() {
        let base = yaml("proxy: {kind: DaemonSet, hostNetwork: false}");
        let got = with_overrides(&base, &["proxy.hostNetwork=true", "proxy.kind=Deployment"]).unwrap();
        assert_eq!(got, yaml("proxy: {kind: Deployment, hostNetwork: true}"));
        assert!(with_overrides(&base, &["novalue"]).is_err());
    }

    #[test]
    fn references_are_found_through_dollar_and_pipes() {
        let refs = references("{{ $.Values.a.b | quote }} {{- with .Values.c }}{{ end }} .Valuesx");
        assert_eq!(refs, BTreeSet::from(["a.b".to_string(), "c".to_string()]));
    }

    #[test]
    fn paths_list_every_map_key() {
        let got = paths(&yaml("a: {b: 1, c: [1, 2]}\nd: {}"));
        let want: BTreeSet<String> = ["a", "a.b", "a.c", "d"].map(String::from).into();
        assert_eq!(got, want);
    }

    #[test]
    fn yaml_survives_the_round_trip_through_gtmpl() {
        let value = yaml("b: [1, -2, 1.5, true, null, x]\na: {c: d}");
        assert_eq!(
            to_yaml(&to_gtmpl(&value)),
            yaml("a: {c: d}\nb: [1, -2, 1.5, true, null, x]")
        );
    }
}
