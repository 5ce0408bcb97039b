//! The types structured-merge-diff sees an object through: for a custom
//! resource, its structural schema converted as kube-openapi's `schemaconv`
//! does (lists atomic unless `x-kubernetes-list-type` says `set` or `map`,
//! maps granular unless `x-kubernetes-map-type: atomic`, unknown fields
//! deduced under `x-kubernetes-preserve-unknown-fields`); for a built-in
//! kind, the tables of [`builtin_types`](super::builtin_types).

use serde_json::Value;

use super::builtin_types::{ListDef, OBJECT_META, TypeDef};
use crate::registry::ResourceType;

/// A type, possibly depending on the value it describes (untyped schemas).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Schema<'a> {
    /// The root of a custom resource: its schema, with `apiVersion`,
    /// `kind` and `metadata` typed as the API server's builder adds them.
    CrdRoot(&'a Value),
    /// A node of a structural schema; `true` once an ancestor preserves
    /// unknown fields.
    Crd(&'a Value, bool),
    /// A built-in struct.
    Struct(&'static TypeDef),
    /// A built-in field without an entry in the tables: an object is a
    /// struct whose fields are named, a list is atomic.
    Any,
    /// A built-in `map[string]…` (labels, data): granular, keys are not
    /// named fields.
    StrMap,
    /// A built-in map owned as a whole (`+mapType=atomic`).
    AtomicMap,
    /// A built-in list-map (`+listType=map`).
    ListMap(&'static ListDef),
    /// A built-in set of scalars (`+listType=set`).
    ScalarSet,
    /// SMD's `__untyped_deduced_`: maps granular, lists atomic.
    Deduced,
    /// SMD's `__untyped_atomic_`: everything owned as a whole.
    UntypedAtomic,
    /// A field the schema does not declare.
    Undeclared,
}

/// How the items of a list are identified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ListKind {
    /// Owned as a whole.
    Atomic,
    /// Items are scalars identified by value.
    Set,
    /// Items are objects identified by these key fields.
    Map(Vec<String>),
}

/// The shape of one value under a schema.
#[derive(Clone, Debug)]
pub(crate) enum Atom<'a> {
    /// A leaf.
    Scalar,
    /// A list.
    List(ListKind, Schema<'a>),
    /// An object; `true` when owned as a whole.
    Map(bool),
}

/// The schema of a whole object of type `rt`.
pub(crate) fn root(rt: &ResourceType) -> Schema<'_> {
    match rt.schema() {
        Some(schema) => Schema::CrdRoot(schema),
        None => Schema::Struct(super::builtin_types::root(&rt.group, &rt.kind)),
    }
}

fn ext<'a>(node: &'a Value, name: &str) -> Option<&'a str> {
    node.get(name).and_then(Value::as_str)
}

impl<'a> Schema<'a> {
    /// Which of scalar, list and map the type allows (value-independent).
    fn allows(&self) -> (bool, bool, bool) {
        match self {
            Schema::CrdRoot(_) | Schema::Struct(_) | Schema::StrMap | Schema::AtomicMap => {
                (false, false, true)
            }
            Schema::ListMap(_) | Schema::ScalarSet => (false, true, false),
            Schema::Crd(node, _) => match ext(node, "type") {
                Some("object") => (false, false, true),
                Some("array") => (false, true, false),
                Some(_) => (true, false, false),
                None => (true, true, true),
            },
            Schema::Any | Schema::Deduced | Schema::UntypedAtomic => (true, true, true),
            Schema::Undeclared => (true, false, false),
        }
    }

    /// The atom for a value, as SMD's `deduceAtom` + `handleAtom` pick
    /// it; a value of the wrong kind is treated as a leaf.
    pub(crate) fn atom(&self, v: Option<&Value>) -> Atom<'a> {
        let (scalar, list, map) = self.allows();
        match v {
            Some(Value::Array(_)) if list => self.list_atom(),
            Some(Value::Object(_)) if map => Atom::Map(self.map_atomic()),
            Some(Value::Null) | None => {
                if map {
                    Atom::Map(self.map_atomic())
                } else if scalar || !list {
                    Atom::Scalar
                } else {
                    self.list_atom()
                }
            }
            _ => Atom::Scalar,
        }
    }

    /// Whether the type can hold an object (for `EnsureNamedFieldsAreMembers`).
    pub(crate) fn is_map(&self) -> bool {
        self.allows().2
    }

    /// Whether the type can hold a list.
    pub(crate) fn is_list(&self) -> bool {
        self.allows().1
    }

    fn map_atomic(&self) -> bool {
        match self {
            Schema::Struct(def) => def.atomic,
            Schema::AtomicMap | Schema::UntypedAtomic => true,
            Schema::Crd(node, _) | Schema::CrdRoot(node) => {
                ext(node, "x-kubernetes-map-type") == Some("atomic")
            }
            _ => false,
        }
    }

    fn list_atom(&self) -> Atom<'a> {
        Atom::List(self.list_kind(), self.elem())
    }

    /// How the items of a list of this type are identified.
    pub(crate) fn list_kind(&self) -> ListKind {
        match self {
            Schema::ListMap(def) => ListKind::Map(def.keys.iter().map(|k| k.to_string()).collect()),
            Schema::ScalarSet => ListKind::Set,
            Schema::Crd(node, _) => match ext(node, "x-kubernetes-list-type") {
                Some("set") => ListKind::Set,
                Some("map") => ListKind::Map(
                    node.get("x-kubernetes-list-map-keys")
                        .and_then(Value::as_array)
                        .map(|keys| {
                            keys.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
                _ => ListKind::Atomic,
            },
            _ => ListKind::Atomic,
        }
    }

    /// The type of the items of a list.
    pub(crate) fn elem(&self) -> Schema<'a> {
        match self {
            Schema::ListMap(def) => def.elem,
            Schema::ScalarSet | Schema::Any => Schema::Any,
            Schema::Crd(node, preserve) => match node.get("items") {
                Some(items) if items.is_object() => Schema::Crd(items, self.preserving(*preserve)),
                _ => Schema::UntypedAtomic,
            },
            _ => Schema::UntypedAtomic,
        }
    }

    fn preserving(&self, inherited: bool) -> bool {
        match self {
            Schema::Crd(node, _) | Schema::CrdRoot(node) => {
                inherited || node.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
            }
            _ => inherited,
        }
    }

    /// The type of the field `name` of an object, and whether it is a
    /// named (struct) field rather than a key of a map.
    pub(crate) fn field(&self, name: &str) -> (Schema<'a>, bool) {
        match self {
            Schema::CrdRoot(node) => match name {
                "metadata" => (Schema::Struct(&OBJECT_META), true),
                "apiVersion" | "kind" => (Schema::Any, true),
                _ => Schema::Crd(node, false).field(name),
            },
            Schema::Crd(node, preserve) => {
                let preserve = self.preserving(*preserve);
                if let Some(prop) = node.get("properties").and_then(|p| p.get(name)) {
                    return (Self::crd_child(prop, preserve), true);
                }
                let element = match node.get("additionalProperties") {
                    Some(Value::Bool(true)) => Schema::Deduced,
                    Some(Value::Bool(false)) => Schema::Undeclared,
                    Some(ap @ Value::Object(_)) => Self::crd_child(ap, preserve),
                    _ => {
                        let no_properties = node
                            .get("properties")
                            .and_then(Value::as_object)
                            .is_none_or(|p| p.is_empty());
                        if preserve || no_properties {
                            Schema::Deduced
                        } else {
                            Schema::Undeclared
                        }
                    }
                };
                (element, false)
            }
            Schema::Struct(def) => match def.fields.iter().find(|(n, _)| *n == name) {
                Some((_, schema)) => (*schema, true),
                None => (Schema::Any, true),
            },
            Schema::Any => (Schema::Any, true),
            Schema::StrMap => (Schema::Any, false),
            Schema::Deduced => (Schema::Deduced, false),
            Schema::AtomicMap | Schema::UntypedAtomic => (Schema::UntypedAtomic, false),
            Schema::ListMap(_) | Schema::ScalarSet | Schema::Undeclared => (Schema::Undeclared, false),
        }
    }

    fn crd_child(node: &'a Value, preserve: bool) -> Schema<'a> {
        if node.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true)) {
            Schema::CrdRoot(node)
        } else {
            Schema::Crd(node, preserve)
        }
    }

    /// The default of a key field of the items of a list-map, which SMD
    /// uses when an item omits it.
    pub(crate) fn key_default(&self, key: &str) -> Option<Value> {
        match self {
            Schema::ListMap(def) => def
                .defaults
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| Value::String((*v).to_string())),
            Schema::Crd(node, _) => node
                .pointer("/items/properties")
                .and_then(|p| p.get(key))
                .and_then(|p| p.get("default"))
                .cloned(),
            _ => None,
        }
    }
}
