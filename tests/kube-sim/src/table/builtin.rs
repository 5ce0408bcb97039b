//! Which printer renders a built-in kind, the default printer of kinds
//! kube-apiserver has none for (`Name`, `Created At`: roles, CRDs), and the
//! small readers of JSON fields the printers share. Missing fields read as
//! Go's zero values, which is what the typed objects of the real printers
//! hold.

use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

use super::{Column, Row, core_kinds, duration, group_kinds, object_meta_doc, pod};
use crate::registry::ResourceType;

/// The column definitions of a printer.
type ColumnsFn = fn() -> Vec<Column>;

/// The row of one object at a time.
type RowFn = fn(&Value, Timestamp) -> Row;

/// Column definitions and the row of one object.
pub(super) struct Printer {
    columns: ColumnsFn,
    row: RowFn,
}

impl Printer {
    /// The column definitions.
    pub(super) fn columns(&self) -> Vec<Column> {
        (self.columns)()
    }

    /// The row of `object` at `now`.
    pub(super) fn row(&self, object: &Value, now: Timestamp) -> Row {
        (self.row)(object, now)
    }
}

/// The printer of a built-in type.
pub(super) fn printer(rt: &ResourceType) -> Printer {
    let (columns, row): (ColumnsFn, RowFn) = match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Pod") => (pod::pod_columns, pod::pod),
        ("", "Service") => (core_kinds::service_columns, core_kinds::service),
        ("", "Endpoints") => (core_kinds::endpoints_columns, core_kinds::endpoints),
        ("", "Namespace") => (core_kinds::namespace_columns, core_kinds::namespace),
        ("", "Secret") => (core_kinds::secret_columns, core_kinds::secret),
        ("", "ConfigMap") => (core_kinds::config_map_columns, core_kinds::config_map),
        ("", "ServiceAccount") => (core_kinds::service_account_columns, core_kinds::service_account),
        ("", "Event") | ("events.k8s.io", "Event") => (core_kinds::event_columns, core_kinds::event),
        ("coordination.k8s.io", "Lease") => (group_kinds::lease_columns, group_kinds::lease),
        ("networking.k8s.io", "Ingress") => (group_kinds::ingress_columns, group_kinds::ingress),
        ("networking.k8s.io", "IngressClass") => {
            (group_kinds::ingress_class_columns, group_kinds::ingress_class)
        }
        ("discovery.k8s.io", "EndpointSlice") => {
            (group_kinds::endpoint_slice_columns, group_kinds::endpoint_slice)
        }
        ("apps", "Deployment") => (group_kinds::deployment_columns, group_kinds::deployment),
        ("apps", "DaemonSet") => (group_kinds::daemon_set_columns, group_kinds::daemon_set),
        ("rbac.authorization.k8s.io", "RoleBinding") => {
            (group_kinds::role_binding_columns, group_kinds::role_binding)
        }
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => (
            group_kinds::cluster_role_binding_columns,
            group_kinds::role_binding,
        ),
        _ => (default_columns, default_row),
    };
    Printer { columns, row }
}

/// `rest.DefaultTableConvertor`'s columns.
fn default_columns() -> Vec<Column> {
    vec![
        Column::name(),
        Column::new("Created At", "date", object_meta_doc("creationTimestamp")),
    ]
}

/// `rest.DefaultTableConvertor`'s row: the name and the creation time in
/// RFC 3339, UTC, whole seconds.
fn default_row(object: &Value, _now: Timestamp) -> Row {
    let created = duration::instant(object["metadata"]["creationTimestamp"].as_str())
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "0001-01-01T00:00:00Z".into());
    Row {
        cells: vec![json!(name(object)), json!(created)],
        conditions: None,
    }
}

/// The value at `path` (`["spec", "type"]`), `Null` when missing.
pub(super) fn at<'a>(value: &'a Value, path: &[&str]) -> &'a Value {
    path.iter()
        .fold(value, |v, key| v.get(key).unwrap_or(&Value::Null))
}

/// The string at `path`, empty when missing.
pub(super) fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    at(value, path).as_str().unwrap_or_default()
}

/// The integer at `path`, 0 when missing.
pub(super) fn int_at(value: &Value, path: &[&str]) -> i64 {
    at(value, path).as_i64().unwrap_or_default()
}

/// The array at `path`, empty when missing.
pub(super) fn list_at<'a>(value: &'a Value, path: &[&str]) -> &'a [Value] {
    at(value, path).as_array().map(Vec::as_slice).unwrap_or_default()
}

/// The number of entries of the map at `path`.
pub(super) fn map_len(value: &Value, path: &[&str]) -> usize {
    at(value, path).as_object().map_or(0, |m| m.len())
}

/// `metadata.name`.
pub(super) fn name(object: &Value) -> &str {
    str_at(object, &["metadata", "name"])
}

/// The Age cell: time since `metadata.creationTimestamp`.
pub(super) fn age(object: &Value, now: Timestamp) -> Value {
    json!(duration::since(
        object["metadata"]["creationTimestamp"].as_str(),
        now
    ))
}

/// `labels.FormatLabels`: `k=v` pairs sorted by key, `<none>` when empty.
pub(super) fn format_labels(map: &Value) -> String {
    let pairs: Vec<String> = map
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    if pairs.is_empty() {
        "<none>".into()
    } else {
        pairs.join(",")
    }
}

/// `labels.Selector.String()` of `metav1.LabelSelectorAsSelector`: empty
/// for a missing or empty selector, `None` for an invalid operator.
pub(super) fn selector_string(selector: &Value) -> Option<String> {
    let mut requirements: Vec<(String, String)> = Vec::new();
    if let Some(labels) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in labels {
            requirements.push((k.clone(), format!("{k}={}", v.as_str().unwrap_or_default())));
        }
    }
    for expr in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let key = str_at(expr, &["key"]).to_string();
        let mut values: Vec<&str> = list_at(expr, &["values"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        values.sort_unstable();
        let text = match str_at(expr, &["operator"]) {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            _ => return None,
        };
        requirements.push((key, text));
    }
    requirements.sort_by(|a, b| a.0.cmp(&b.0));
    Some(
        requirements
            .into_iter()
            .map(|(_, text)| text)
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// `metav1.FormatLabelSelector`: the selector string, `<none>` when empty,
/// `<error>` when invalid.
pub(super) fn format_label_selector(selector: &Value) -> String {
    match selector_string(selector) {
        None => "<error>".into(),
        Some(s) if s.is_empty() => "<none>".into(),
        Some(s) => s,
    }
}

/// `layoutContainerCells`: container names and images, comma-separated.
pub(super) fn containers(pod_spec: &Value) -> (String, String) {
    let containers = list_at(pod_spec, &["containers"]);
    let names: Vec<&str> = containers.iter().map(|c| str_at(c, &["name"])).collect();
    let images: Vec<&str> = containers.iter().map(|c| str_at(c, &["image"])).collect();
    (names.join(","), images.join(","))
}
