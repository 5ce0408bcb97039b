//! OpenAPI v3 as kube-apiserver serves it: the root (`/openapi/v3`) lists
//! one document per served group version, each at a `serverRelativeURL`
//! carrying a hash that changes with the document; a group version document
//! (`/openapi/v3/api/v1`, `/openapi/v3/apis/{group}/{version}`) holds the
//! paths of its resources and the schema of each kind and list kind, found
//! by kubectl through `x-kubernetes-group-version-kind` (for `kubectl
//! explain`, and to decide that the server validates fields itself).
//!
//! The paths are in [`paths`], the schemas in [`schemas`] (built-ins from
//! k8s-openapi, CRDs from their `openAPIV3Schema`). Like discovery, both
//! functions are pure over the [`Registry`].

mod builtin;
mod params;
mod paths;
mod schemas;

use serde_json::{Map, Value, json};

use crate::discovery::served_versions;
use crate::registry::Registry;

/// The version `info.version` of a built-in document names.
pub const KUBERNETES_VERSION: &str = "v1.37.0";

/// `/openapi/v3`: the root with one `serverRelativeURL` per group version.
pub fn root(reg: &Registry) -> Value {
    let mut paths = Map::new();
    for group in reg.groups() {
        for version in served_versions(reg, &group) {
            let types = reg.group_version(&group, &version);
            if types.is_empty() {
                continue;
            }
            let path = document_path(&group, &version);
            // The document is a pure function of its types, so their digest
            // changes exactly when the document does, without building
            // every document for the root.
            let url = format!(
                "/openapi/v3/{path}?hash={}",
                hash(&format!("{KUBERNETES_VERSION}{types:?}"))
            );
            paths.insert(path, json!({"serverRelativeURL": url}));
        }
    }
    json!({"paths": paths})
}

/// `/openapi/v3/api/v1`, `/openapi/v3/apis/{group}/{version}`; `None` when
/// the group version is not served.
pub fn document(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let types = reg.group_version(group, version);
    if types.is_empty() {
        return None;
    }
    // A CRD group's document comes from the apiextensions server, with its
    // builder's title.
    let info = if types.iter().all(|t| t.is_custom()) {
        json!({"title": "Kubernetes CRD Swagger", "version": "v0.1.0"})
    } else {
        json!({"title": "Kubernetes", "version": KUBERNETES_VERSION})
    };
    Some(json!({
        "openapi": "3.0.0",
        "info": info,
        "paths": paths::paths(&types),
        "components": {
            "schemas": schemas::components(&types),
            "securitySchemes": {
                "BearerToken": {
                    "description": "Bearer Token authentication",
                    "in": "header",
                    "name": "authorization",
                    "type": "apiKey",
                },
            },
        },
        "security": [{"BearerToken": []}],
    }))
}

/// The root's key of a group version (`api/v1`, `apis/apps/v1`).
pub fn document_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// A stable hex digest (FNV-1a, 64 bits), uppercase as the real server
/// writes its hashes. kubectl only passes it back, so that its cache
/// notices a changed document.
fn hash(input: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in input.bytes() {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016X}")
}

#[cfg(test)]
mod tests;
