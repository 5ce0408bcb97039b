//! Field paths and sets of them, as structured-merge-diff (`fieldpath`)
//! models them: a path is a list of elements (a field name, the key of a
//! list-map item, the value of a set item, an index), a set is a tree whose
//! members are the paths it owns. The `FieldsV1` encoding of
//! `metadata.managedFields` is the JSON form of such a tree: `f:name`,
//! `k:{"type":"Ready"}`, `v:"value"`, `i:0`, and `.` for a member that also
//! has children.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// One element of a field path.
#[derive(Clone, Debug)]
pub(crate) enum Pe {
    /// A field of an object (`f:`).
    Field(String),
    /// The key of a list-map item (`k:`): its key fields sorted by name,
    /// with their JSON text.
    Key(Vec<(String, Value)>, String),
    /// A set item (`v:`), with its JSON text.
    Value(Value, String),
    /// An index (`i:`), for lists addressed by position.
    Index(usize),
}

impl Pe {
    /// A list-map key from its fields, sorted by name as SMD does.
    pub(crate) fn key(mut fields: Vec<(String, Value)>) -> Self {
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}:{}", go_json(&Value::String(k.clone())), go_json(v)))
            .collect();
        let text = format!("{{{}}}", body.join(","));
        Pe::Key(fields, text)
    }

    /// A set item.
    pub(crate) fn value(v: Value) -> Self {
        let text = go_json(&v);
        Pe::Value(v, text)
    }

    fn rank(&self) -> u8 {
        match self {
            Pe::Field(_) => 0,
            Pe::Key(..) => 1,
            Pe::Value(..) => 2,
            Pe::Index(_) => 3,
        }
    }

    /// The `FieldsV1` key of this element (`f:spec`).
    pub(crate) fn serialize(&self) -> String {
        match self {
            Pe::Field(name) => format!("f:{name}"),
            Pe::Key(_, text) => format!("k:{text}"),
            Pe::Value(_, text) => format!("v:{text}"),
            Pe::Index(i) => format!("i:{i}"),
        }
    }

    /// Parses a `FieldsV1` key; `Ok(None)` for an unknown element type,
    /// which SMD skips.
    pub(crate) fn deserialize(s: &str) -> Result<Option<Self>, String> {
        if s.len() < 2 {
            return Err("key must be 2 characters long:".into());
        }
        let (Some(kind), Some(rest)) = (s.get(..2), s.get(2..)) else {
            return Err(format!("missing colon: {s}"));
        };
        if !kind.ends_with(':') {
            return Err(format!("missing colon: {s}"));
        }
        match &kind[..1] {
            "f" => Ok(Some(Pe::Field(rest.to_string()))),
            "v" => serde_json::from_str(rest)
                .map(|v| Some(Pe::value(v)))
                .map_err(|e| e.to_string()),
            "k" => match serde_json::from_str::<Value>(rest) {
                Ok(Value::Object(map)) => Ok(Some(Pe::key(map.into_iter().collect()))),
                Ok(_) => Err(format!("parsing key as path element: {rest}")),
                Err(e) => Err(e.to_string()),
            },
            "i" => rest
                .parse()
                .map(|i| Some(Pe::Index(i)))
                .map_err(|e: std::num::ParseIntError| e.to_string()),
            _ => Ok(None),
        }
    }
}

impl std::fmt::Display for Pe {
    /// The element as SMD prints it in conflict messages: `.name`,
    /// `[type="Ready"]`, `[="value"]`, `[0]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pe::Field(name) => write!(f, ".{name}"),
            Pe::Key(fields, _) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{k}={}", to_string(v)))
                    .collect();
                write!(f, "[{}]", parts.join(","))
            }
            Pe::Value(v, _) => write!(f, "[={}]", to_string(v)),
            Pe::Index(i) => write!(f, "[{i}]"),
        }
    }
}

impl PartialEq for Pe {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pe {}

impl PartialOrd for Pe {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pe {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Pe::Field(a), Pe::Field(b)) => a.cmp(b),
            (Pe::Key(_, a), Pe::Key(_, b)) | (Pe::Value(_, a), Pe::Value(_, b)) => a.cmp(b),
            (Pe::Index(a), Pe::Index(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// A path as SMD prints it: `.spec.containers[name="app"].image`.
pub(crate) fn path_string(path: &[Pe]) -> String {
    path.iter().map(ToString::to_string).collect()
}

/// A value as SMD's `value.ToString` prints it: strings quoted.
fn to_string(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Array(items) => format!("[{}]", items.iter().map(to_string).collect::<Vec<_>>().join(",")),
        Value::Object(map) => {
            let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k}={}", to_string(v))).collect();
            format!("{{{}}}", parts.join(";"))
        }
        other => other.to_string(),
    }
}

/// JSON as Go's encoder writes it (HTML-sensitive characters escaped), so
/// that `k:` and `v:` keys match the real server's byte for byte.
pub(crate) fn go_json(v: &Value) -> String {
    let text = v.to_string();
    if !text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return text;
    }
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A set of field paths: `members` are the elements owned at this level,
/// `children` the subsets below an element (never empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Set {
    pub(crate) members: BTreeSet<Pe>,
    pub(crate) children: BTreeMap<Pe, Set>,
}

impl Set {
    /// Whether the set owns nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.values().all(Set::is_empty)
    }

    /// Adds a path (its parents are not added). The empty path (the whole
    /// object) is never owned.
    pub(crate) fn insert(&mut self, path: &[Pe]) {
        match path {
            [] => {}
            [last] => {
                self.members.insert(last.clone());
            }
            [first, rest @ ..] => self.children.entry(first.clone()).or_default().insert(rest),
        }
    }

    /// Whether the path is a member.
    pub(crate) fn has(&self, path: &[Pe]) -> bool {
        match path {
            [] => false,
            [last] => self.members.contains(last),
            [first, rest @ ..] => self.children.get(first).is_some_and(|c| c.has(rest)),
        }
    }

    /// The subset below `pe`, without the prefix.
    pub(crate) fn with_prefix(&self, pe: &Pe) -> Set {
        self.children.get(pe).cloned().unwrap_or_default()
    }

    /// Paths in either set.
    pub(crate) fn union(&self, other: &Set) -> Set {
        let mut out = self.clone();
        out.members.extend(other.members.iter().cloned());
        for (pe, child) in &other.children {
            let merged = match out.children.get(pe) {
                Some(mine) => mine.union(child),
                None => child.clone(),
            };
            out.children.insert(pe.clone(), merged);
        }
        out
    }

    /// Paths in both sets.
    pub(crate) fn intersection(&self, other: &Set) -> Set {
        let members = self.members.intersection(&other.members).cloned().collect();
        let mut children = BTreeMap::new();
        for (pe, child) in &self.children {
            if let Some(theirs) = other.children.get(pe) {
                let both = child.intersection(theirs);
                if !both.is_empty() {
                    children.insert(pe.clone(), both);
                }
            }
        }
        Set { members, children }
    }

    /// Paths of `self` not in `other`; a member of `other` does not remove
    /// the children of that element from `self` (SMD's `Difference`).
    pub(crate) fn difference(&self, other: &Set) -> Set {
        let members = self.members.difference(&other.members).cloned().collect();
        let mut children = BTreeMap::new();
        for (pe, child) in &self.children {
            let rest = match other.children.get(pe) {
                Some(theirs) => child.difference(theirs),
                None => child.clone(),
            };
            if !rest.is_empty() {
                children.insert(pe.clone(), rest);
            }
        }
        Set { members, children }
    }

    /// Like [`Set::difference`], but a member of `other` also removes
    /// everything below it.
    pub(crate) fn recursive_difference(&self, other: &Set) -> Set {
        let members = self.members.difference(&other.members).cloned().collect();
        let mut children = BTreeMap::new();
        for (pe, child) in &self.children {
            if other.members.contains(pe) {
                continue;
            }
            let rest = match other.children.get(pe) {
                Some(theirs) => child.recursive_difference(theirs),
                None => child.clone(),
            };
            if !rest.is_empty() {
                children.insert(pe.clone(), rest);
            }
        }
        Set { members, children }
    }

    /// Every member path, members of a level before its children, in order.
    pub(crate) fn paths(&self) -> Vec<Vec<Pe>> {
        let mut out = Vec::new();
        self.collect(&mut Vec::new(), &mut out);
        out
    }

    fn collect(&self, prefix: &mut Vec<Pe>, out: &mut Vec<Vec<Pe>>) {
        for m in &self.members {
            let mut p = prefix.clone();
            p.push(m.clone());
            out.push(p);
        }
        for (pe, child) in &self.children {
            prefix.push(pe.clone());
            child.collect(prefix, out);
            prefix.pop();
        }
    }

    /// The `FieldsV1` JSON of the set.
    pub(crate) fn to_fields_v1(&self) -> Value {
        Value::Object(self.emit(false))
    }

    fn emit(&self, include_self: bool) -> Map<String, Value> {
        let mut out = Map::new();
        if include_self && !(self.members.is_empty() && self.children.is_empty()) {
            out.insert(".".into(), Value::Object(Map::new()));
        }
        for m in &self.members {
            if !self.children.contains_key(m) {
                out.insert(m.serialize(), Value::Object(Map::new()));
            }
        }
        for (pe, child) in &self.children {
            out.insert(
                pe.serialize(),
                Value::Object(child.emit(self.members.contains(pe))),
            );
        }
        out
    }

    /// Parses `FieldsV1` JSON.
    pub(crate) fn from_fields_v1(v: &Value) -> Result<Set, String> {
        let Value::Object(map) = v else {
            return Err(format!("expected an object, got {v}"));
        };
        Ok(Self::read(map)?.0.unwrap_or_default())
    }

    /// Returns the subset read (None if no children) and whether the
    /// parent element is itself a member.
    fn read(map: &Map<String, Value>) -> Result<(Option<Set>, bool), String> {
        let mut children: Option<Set> = None;
        let mut is_member = false;
        for (key, value) in map {
            if key == "." {
                is_member = true;
                continue;
            }
            let Some(pe) = Pe::deserialize(key)? else { continue };
            let Value::Object(inner) = value else {
                return Err(format!("expected an object for {key}, got {value}"));
            };
            let (grandchildren, child_is_member) = Self::read(inner)?;
            let set = children.get_or_insert_with(Set::default);
            if child_is_member {
                set.members.insert(pe.clone());
            }
            if let Some(g) = grandchildren {
                set.children.insert(pe, g);
            }
        }
        if children.is_none() {
            is_member = true;
        }
        Ok((children, is_member))
    }
}

/// Builds a path from field names, for tests and fixed sets.
pub(crate) fn fields(names: &[&str]) -> Vec<Pe> {
    names.iter().map(|n| Pe::Field((*n).to_string())).collect()
}
