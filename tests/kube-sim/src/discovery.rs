//! The discovery documents, as kube-apiserver 1.37 serves them: the legacy
//! `/api` (`APIVersions`), `/apis` (`APIGroupList`), `/apis/{group}`
//! (`APIGroup`) and `/api/v1`, `/apis/{group}/{version}` (`APIResourceList`),
//! and the aggregated discovery v2 documents (`APIGroupDiscoveryList`) that
//! kubectl and kube-rs ask for first. Every function is pure over the
//! [`Registry`], so a CRD version appears the moment it is registered.
//!
//! Two details follow the real server's two code paths: built-in resources
//! list their verbs sorted and leave `responseKind.group`/`version` empty
//! (the installer's `APIResource` has them empty), while custom resources
//! list their verbs in the apiextensions order and fill `responseKind` in
//! (see `customresource_discovery_controller.go`).

mod version;

use serde_json::{Map, Value, json};

use crate::registry::{Registry, ResourceType};

pub use version::{compare_kube_aware, sort_kube_aware};

/// The verbs of a custom resource, in the order the apiextensions server
/// lists them.
const CRD_VERB_ORDER: &[&str] = &[
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "create",
    "update",
    "watch",
];

/// The verbs of a `/status` subresource.
const STATUS_VERBS: &[&str] = &["get", "patch", "update"];

/// `/api`: `APIVersions`.
pub fn core_versions(reg: &Registry, server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": served_versions(reg, ""),
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    })
}

/// `/apis`: `APIGroupList`, in the order the aggregator lists the groups.
pub fn groups(reg: &Registry) -> Value {
    let groups: Vec<Value> = reg
        .groups()
        .iter()
        .filter(|g| !g.is_empty())
        .filter_map(|g| api_group(reg, g))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/{group}`: `APIGroup`; `None` when the group is not served.
pub fn group(reg: &Registry, group: &str) -> Option<Value> {
    if group.is_empty() {
        return None;
    }
    let mut doc = Map::new();
    doc.insert("kind".into(), "APIGroup".into());
    doc.insert("apiVersion".into(), "v1".into());
    if let Value::Object(body) = api_group(reg, group)? {
        doc.extend(body);
    }
    Some(Value::Object(doc))
}

/// `/api/v1`, `/apis/{group}/{version}`: `APIResourceList`; `None` when the
/// group version is not served.
pub fn resources(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let types = reg.group_version(group, version);
    if types.is_empty() {
        return None;
    }
    let mut entries: Vec<Value> = Vec::new();
    for rt in &types {
        entries.push(api_resource(rt));
        if rt.status {
            entries.push(json!({
                "name": format!("{}/status", rt.plural),
                "singularName": "",
                "namespaced": rt.namespaced,
                "kind": rt.kind,
                "verbs": STATUS_VERBS,
            }));
        }
    }
    // The installer registers paths sorted, so a subresource follows its
    // parent; the apiextensions server lists a CRD's status right after it.
    entries.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    // The legacy `/api/v1` handler leaves `apiVersion` out.
    Some(if group.is_empty() {
        json!({"kind": "APIResourceList", "groupVersion": group_version, "resources": entries})
    } else {
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": entries})
    })
}

/// Aggregated discovery v2 (`APIGroupDiscoveryList`): for `/api` when `core`
/// (the core group alone, its item without a name), for `/apis` otherwise
/// (every other group, in `/apis` order).
pub fn aggregated(reg: &Registry, core: bool) -> Value {
    let items: Vec<Value> = reg
        .groups()
        .iter()
        .filter(|g| g.is_empty() == core)
        .filter_map(|g| group_discovery(reg, g))
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    })
}

/// The served versions of `group`, preferred first: kube-aware version
/// order (`v2`, `v1`, `v1beta1`, `v1alpha1`), as both the built-in
/// registration and the apiextensions discovery controller sort them.
pub fn served_versions(reg: &Registry, group: &str) -> Vec<String> {
    let mut versions: Vec<String> = Vec::new();
    for t in reg.types().iter().filter(|t| t.group == group) {
        if !versions.contains(&t.version) && !reg.group_version(group, &t.version).is_empty() {
            versions.push(t.version.clone());
        }
    }
    sort_kube_aware(&mut versions);
    versions
}

/// The `APIGroup` body (name, versions, preferredVersion) of `group`.
fn api_group(reg: &Registry, group: &str) -> Option<Value> {
    let versions = served_versions(reg, group);
    let for_discovery = |v: &String| json!({"groupVersion": format!("{group}/{v}"), "version": v});
    let preferred = for_discovery(versions.first()?);
    Some(json!({
        "name": group,
        "versions": versions.iter().map(for_discovery).collect::<Vec<_>>(),
        "preferredVersion": preferred,
    }))
}

/// One `APIResource` of an `APIResourceList`.
fn api_resource(rt: &ResourceType) -> Value {
    let mut resource = json!({
        "name": rt.plural,
        "singularName": rt.singular,
        "namespaced": rt.namespaced,
        "kind": rt.kind,
        "verbs": verbs(rt),
    });
    insert_non_empty(&mut resource, "shortNames", &rt.short_names);
    insert_non_empty(&mut resource, "categories", &rt.categories);
    resource
}

/// The verbs of a resource in the order its server lists them.
fn verbs(rt: &ResourceType) -> Vec<&'static str> {
    let mut verbs = rt.verbs.clone();
    if rt.is_custom() {
        verbs.sort_by_key(|v| {
            CRD_VERB_ORDER
                .iter()
                .position(|o| o == v)
                .unwrap_or(CRD_VERB_ORDER.len())
        });
    } else {
        verbs.sort_unstable();
    }
    verbs
}

/// One `APIGroupDiscovery` of the aggregated document.
fn group_discovery(reg: &Registry, group: &str) -> Option<Value> {
    let versions: Vec<Value> = served_versions(reg, group)
        .iter()
        .map(|version| {
            let mut types = reg.group_version(group, version);
            types.sort_by(|a, b| a.plural.cmp(&b.plural));
            let mut doc = json!({"version": version});
            let resources: Vec<Value> = types.iter().map(|rt| resource_discovery(rt)).collect();
            if !resources.is_empty() {
                doc["resources"] = Value::Array(resources);
            }
            doc["freshness"] = "Current".into();
            doc
        })
        .collect();
    if versions.is_empty() {
        return None;
    }
    let metadata = if group.is_empty() {
        json!({})
    } else {
        json!({"name": group})
    };
    Some(json!({"metadata": metadata, "versions": versions}))
}

/// One `APIResourceDiscovery`, with its `status` subresource.
fn resource_discovery(rt: &ResourceType) -> Value {
    let response_kind = if rt.is_custom() {
        json!({"group": rt.group, "version": rt.version, "kind": rt.kind})
    } else {
        json!({"group": "", "version": "", "kind": rt.kind})
    };
    let mut resource = json!({
        "resource": rt.plural,
        "responseKind": response_kind,
        "scope": if rt.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": rt.singular,
        "verbs": verbs(rt),
    });
    insert_non_empty(&mut resource, "shortNames", &rt.short_names);
    insert_non_empty(&mut resource, "categories", &rt.categories);
    if rt.status {
        resource["subresources"] = json!([{
            "subresource": "status",
            "responseKind": response_kind,
            "verbs": STATUS_VERBS,
        }]);
    }
    resource
}

/// Sets `key` to `values` unless it is empty (`omitempty`).
fn insert_non_empty(target: &mut Value, key: &str, values: &[String]) {
    if !values.is_empty() {
        target[key] = json!(values);
    }
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
