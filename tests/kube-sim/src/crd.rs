//! CustomResourceDefinitions: what the apiextensions server checks when one
//! is written, the status its controllers set (`NamesAccepted`,
//! `Established`), and the resource types it serves from then on.

use serde_json::{Value, json};

use crate::registry::{ALL_VERBS, PrinterColumn, ResourceType, Source};
use crate::status::Cause;

/// Whether `rt` is the CustomResourceDefinition type itself.
pub fn is_crd(rt: &ResourceType) -> bool {
    rt.group == "apiextensions.k8s.io" && rt.plural == "customresourcedefinitions"
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut node = v;
    for p in path {
        node = &node[*p];
    }
    node.as_str().unwrap_or_default()
}

/// The errors of a CRD, as the apiextensions server reports them.
pub fn validate(crd: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let group = s(crd, &["spec", "group"]);
    let plural = s(crd, &["spec", "names", "plural"]);
    let kind = s(crd, &["spec", "names", "kind"]);
    let name = s(crd, &["metadata", "name"]);
    if group.is_empty() {
        causes.push(Cause::new("FieldValueRequired", "spec.group", "Required value"));
    } else if !group.contains('.') {
        causes.push(Cause::new(
            "FieldValueInvalid",
            "spec.group",
            format!("Invalid value: \"{group}\": should be a domain with at least one dot"),
        ));
    }
    if plural.is_empty() {
        causes.push(Cause::new(
            "FieldValueRequired",
            "spec.names.plural",
            "Required value",
        ));
    }
    if kind.is_empty() {
        causes.push(Cause::new(
            "FieldValueRequired",
            "spec.names.kind",
            "Required value",
        ));
    }
    if !plural.is_empty() && !group.is_empty() && name != format!("{plural}.{group}") {
        causes.push(Cause::new(
            "FieldValueInvalid",
            "metadata.name",
            format!("Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"),
        ));
    }
    match s(crd, &["spec", "scope"]) {
        "Namespaced" | "Cluster" => {}
        other => causes.push(Cause::new(
            "FieldValueNotSupported",
            "spec.scope",
            format!("Unsupported value: \"{other}\": supported values: \"Cluster\", \"Namespaced\""),
        )),
    }
    let versions = crd["spec"]["versions"].as_array().cloned().unwrap_or_default();
    if versions.is_empty() {
        causes.push(Cause::new(
            "FieldValueInvalid",
            "spec.versions",
            "Invalid value: null: must have exactly one version marked as storage version",
        ));
    }
    let storage = versions.iter().filter(|v| v["storage"] == json!(true)).count();
    if !versions.is_empty() && storage != 1 {
        causes.push(Cause::new(
            "FieldValueInvalid",
            "spec.versions",
            format!(
                "Invalid value: {versions_json}: must have exactly one version marked as storage version",
                versions_json = json!(versions.iter().map(|v| v["name"].clone()).collect::<Vec<_>>())
            ),
        ));
    }
    // The real server reports schema errors under
    // spec.validation.openAPIV3Schema when every version shares one schema
    // (or there is one version), under the version otherwise.
    let schemas: Vec<Option<&Value>> = versions
        .iter()
        .map(|v| v["schema"].get("openAPIV3Schema"))
        .collect();
    let shared = schemas.windows(2).all(|w| w[0] == w[1]);
    for (i, v) in versions.iter().enumerate() {
        let Some(schema) = schemas[i] else {
            causes.push(Cause::new(
                "FieldValueRequired",
                format!("spec.versions[{i}].schema.openAPIV3Schema"),
                "Required value: schemas are required",
            ));
            continue;
        };
        if shared && i > 0 {
            continue;
        }
        let path = if shared {
            "spec.validation.openAPIV3Schema".to_string()
        } else {
            format!("spec.versions[{i}].schema.openAPIV3Schema")
        };
        let status = v["subresources"].get("status").is_some();
        causes.extend(crate::schema::check_crd_schema_at(schema, &path, status));
    }
    causes
}

/// The names a CRD is served under, with the server's defaults.
fn accepted_names(crd: &Value) -> Value {
    let names = &crd["spec"]["names"];
    let kind = names["kind"].as_str().unwrap_or_default();
    let mut accepted = names.clone();
    if accepted["singular"].as_str().is_none_or(str::is_empty) {
        accepted["singular"] = json!(kind.to_lowercase());
    }
    if accepted["listKind"].as_str().is_none_or(str::is_empty) {
        accepted["listKind"] = json!(format!("{kind}List"));
    }
    accepted
}

/// Fills the defaults the server applies to a CRD on write.
pub fn default(crd: &mut Value) {
    let accepted = accepted_names(crd);
    crd["spec"]["names"]["singular"] = accepted["singular"].clone();
    crd["spec"]["names"]["listKind"] = accepted["listKind"].clone();
    if crd["spec"]["conversion"].is_null() {
        crd["spec"]["conversion"] = json!({"strategy": "None"});
    }
}

/// The status the apiextensions controllers give an accepted CRD.
pub fn established_status(crd: &Value, now: &str) -> Value {
    let storage: Vec<Value> = crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["storage"] == json!(true))
        .map(|v| v["name"].clone())
        .collect();
    let mut stored = crd["status"]["storedVersions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for v in storage {
        if !stored.contains(&v) {
            stored.push(v);
        }
    }
    json!({
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "lastTransitionTime": now,
             "reason": "NoConflicts", "message": "no conflicts found"},
            {"type": "Established", "status": "True", "lastTransitionTime": now,
             "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"},
        ],
        "acceptedNames": accepted_names(crd),
        "storedVersions": stored,
    })
}

/// The resource types a CRD serves, one per version.
pub fn types(crd: &Value) -> Vec<ResourceType> {
    let name = s(crd, &["metadata", "name"]).to_string();
    let names = accepted_names(crd);
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let status = v["subresources"].get("status").is_some();
            ResourceType {
                group: s(crd, &["spec", "group"]).into(),
                version: v["name"].as_str().unwrap_or_default().into(),
                plural: names["plural"].as_str().unwrap_or_default().into(),
                singular: names["singular"].as_str().unwrap_or_default().into(),
                kind: names["kind"].as_str().unwrap_or_default().into(),
                list_kind: names["listKind"].as_str().unwrap_or_default().into(),
                namespaced: s(crd, &["spec", "scope"]) == "Namespaced",
                short_names: strings(&names["shortNames"]),
                categories: strings(&names["categories"]),
                status,
                generation: true,
                verbs: ALL_VERBS.to_vec(),
                printer_columns: v["additionalPrinterColumns"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| PrinterColumn {
                        name: c["name"].as_str().unwrap_or_default().into(),
                        type_: c["type"].as_str().unwrap_or("string").into(),
                        format: c["format"].as_str().map(str::to_string),
                        description: c["description"].as_str().unwrap_or_default().into(),
                        priority: c["priority"].as_i64().unwrap_or(0) as i32,
                        json_path: c["jsonPath"].as_str().unwrap_or_default().into(),
                    })
                    .collect(),
                selectable_fields: v["selectableFields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|f| f["jsonPath"].as_str().map(str::to_string))
                    .collect(),
                source: Source::Crd {
                    name: name.clone(),
                    schema: v["schema"]["openAPIV3Schema"].clone(),
                    storage: v["storage"] == json!(true),
                    served: v["served"] != json!(false),
                },
            }
        })
        .collect()
}
