//! The resource types kube-sim serves: the built-in kinds (see [`builtin`])
//! and those of every CustomResourceDefinition in the store, each with what
//! discovery, validation, tables and the verbs need to know about it.
//!
//! [`builtin`]: crate::builtin

use serde_json::Value;

/// How a resource type came to be served.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A kind the API server knows by itself.
    Builtin,
    /// A version of a CustomResourceDefinition.
    Crd {
        /// `metadata.name` of the CRD (`certificates.cert-manager.io`).
        name: String,
        /// The version's structural `openAPIV3Schema`.
        schema: Value,
        /// Whether this version is the storage version.
        storage: bool,
        /// Whether this version is served.
        served: bool,
    },
}

/// A printer column of a CRD version (`additionalPrinterColumns`).
#[derive(Clone, Debug, PartialEq)]
pub struct PrinterColumn {
    /// Column header.
    pub name: String,
    /// OpenAPI type: `string`, `integer`, `number`, `boolean`, `date`.
    pub type_: String,
    /// Optional format.
    pub format: Option<String>,
    /// Description shown with `kubectl get -o wide` tooling.
    pub description: String,
    /// Priority: 0 is shown by default, higher only with `-o wide`.
    pub priority: i32,
    /// The JSONPath evaluated against each object.
    pub json_path: String,
}

/// One resource of one group version.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceType {
    /// API group; empty for the core group.
    pub group: String,
    /// API version.
    pub version: String,
    /// Plural resource name (`certificates`).
    pub plural: String,
    /// Singular name (`certificate`).
    pub singular: String,
    /// Kind (`Certificate`).
    pub kind: String,
    /// List kind (`CertificateList`).
    pub list_kind: String,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// Short names (`cert`, `certs`).
    pub short_names: Vec<String>,
    /// Categories (`all`, `cert-manager`).
    pub categories: Vec<String>,
    /// Whether the type has a `/status` subresource.
    pub status: bool,
    /// Whether `metadata.generation` is maintained.
    pub generation: bool,
    /// Verbs served.
    pub verbs: Vec<&'static str>,
    /// Printer columns for Tables (CRDs; built-ins use their own).
    pub printer_columns: Vec<PrinterColumn>,
    /// Extra field selector paths (a CRD's `selectableFields`).
    pub selectable_fields: Vec<String>,
    /// Where the type comes from.
    pub source: Source,
}

/// The verbs of an ordinary resource.
pub const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

impl ResourceType {
    /// `group/version`, or `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `plural.group` (`certificates.cert-manager.io`), `plural` for core.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether the type is a custom resource.
    pub fn is_custom(&self) -> bool {
        matches!(self.source, Source::Crd { .. })
    }

    /// The structural schema of a custom resource version.
    pub fn schema(&self) -> Option<&Value> {
        match &self.source {
            Source::Crd { schema, .. } => Some(schema),
            Source::Builtin => None,
        }
    }

    /// The URL path prefix of this type's group version (`/api/v1`,
    /// `/apis/cert-manager.io/v1`).
    pub fn prefix(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }
}

/// Every type served, built-ins first, then CRD versions.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    types: Vec<ResourceType>,
}

impl Registry {
    /// A registry with the built-in kinds.
    pub fn new() -> Self {
        Self {
            types: crate::builtin::types(),
        }
    }

    /// Every type.
    pub fn types(&self) -> &[ResourceType] {
        &self.types
    }

    /// The type served at `group/version/plural`.
    pub fn get(&self, group: &str, version: &str, plural: &str) -> Option<&ResourceType> {
        self.types
            .iter()
            .find(|t| t.group == group && t.version == version && t.plural == plural)
    }

    /// The storage type of `group`/`plural` (for built-ins, their only
    /// version), which keys the store.
    pub fn by_group_resource(&self, group: &str, plural: &str) -> Option<&ResourceType> {
        let mut candidates = self
            .types
            .iter()
            .filter(|t| t.group == group && t.plural == plural);
        let first = candidates.next()?;
        Some(
            std::iter::once(first)
                .chain(candidates)
                .find(|t| matches!(t.source, Source::Crd { storage: true, .. }))
                .unwrap_or(first),
        )
    }

    /// The type of an `apiVersion` + `kind`.
    pub fn by_kind(&self, api_version: &str, kind: &str) -> Option<&ResourceType> {
        self.types
            .iter()
            .find(|t| t.api_version() == api_version && t.kind == kind)
    }

    /// Replaces the types of the CRD named `name` with `types` (empty to
    /// remove them).
    pub fn set_crd(&mut self, name: &str, types: Vec<ResourceType>) {
        self.types
            .retain(|t| !matches!(&t.source, Source::Crd { name: n, .. } if n == name));
        self.types.extend(types);
    }

    /// API groups in the order the real API server lists them: built-in
    /// groups in their fixed order, then CRD groups sorted by name (all CRD
    /// groups share one APIService priority, so the aggregator orders them by
    /// name). kubectl resolves an ambiguous resource to the first group.
    pub fn groups(&self) -> Vec<String> {
        let mut builtin: Vec<String> = Vec::new();
        for g in crate::builtin::GROUP_ORDER {
            if self.types.iter().any(|t| t.group == *g && !t.is_custom()) {
                builtin.push(g.to_string());
            }
        }
        let mut custom: Vec<String> = self
            .types
            .iter()
            .filter(|t| t.is_custom() && !builtin.contains(&t.group))
            .map(|t| t.group.clone())
            .collect();
        custom.sort();
        custom.dedup();
        builtin.into_iter().chain(custom).collect()
    }

    /// The versions of `group`, preferred (storage, or the only one) first.
    pub fn versions(&self, group: &str) -> Vec<String> {
        let mut versions: Vec<(bool, String)> = Vec::new();
        for t in self.types.iter().filter(|t| t.group == group) {
            if matches!(t.source, Source::Crd { served: false, .. }) {
                continue;
            }
            let preferred = matches!(t.source, Source::Crd { storage: true, .. } | Source::Builtin);
            if let Some(existing) = versions.iter_mut().find(|(_, v)| *v == t.version) {
                existing.0 |= preferred;
            } else {
                versions.push((preferred, t.version.clone()));
            }
        }
        versions.sort_by_key(|(preferred, _)| !*preferred);
        versions.into_iter().map(|(_, v)| v).collect()
    }

    /// The served types of one group version.
    pub fn group_version(&self, group: &str, version: &str) -> Vec<&ResourceType> {
        self.types
            .iter()
            .filter(|t| t.group == group && t.version == version)
            .filter(|t| !matches!(t.source, Source::Crd { served: false, .. }))
            .collect()
    }
}
