//! Printers of the named groups (`pkg/printers/internalversion/printers.go`):
//! Lease, Ingress, IngressClass, EndpointSlice, Deployment, DaemonSet and
//! the RBAC bindings.

use k8s_openapi::api::{
    apps::v1 as apps, coordination::v1 as coordination, discovery::v1 as discovery, rbac::v1 as rbac,
};
use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

use super::builtin::{
    age, at, containers, format_label_selector, format_labels, int_at, list_at, name, selector_string, str_at,
};
use super::core_kinds::load_balancer_addresses;
use super::{Column, Row};
use crate::validation::schema::description as doc;

/// Lease columns.
pub(super) fn lease_columns() -> Vec<Column> {
    vec![
        Column::name(),
        Column::new(
            "Holder",
            "string",
            doc::<coordination::LeaseSpec>("holderIdentity"),
        ),
        Column::age(),
    ]
}

/// `printLease`.
pub(super) fn lease(lease: &Value, now: Timestamp) -> Row {
    let holder = str_at(lease, &["spec", "holderIdentity"]);
    Row {
        cells: vec![json!(name(lease)), json!(holder), age(lease, now)],
        conditions: None,
    }
}

/// Ingress columns.
pub(super) fn ingress_columns() -> Vec<Column> {
    vec![
        Column::name(),
        Column::new(
            "Class",
            "string",
            "The name of the IngressClass resource that should be used for additional configuration".into(),
        ),
        Column::new(
            "Hosts",
            "string",
            "Hosts that incoming requests are matched against before the ingress rule".into(),
        ),
        Column::new(
            "Address",
            "string",
            "Address is a list containing ingress points for the load-balancer".into(),
        ),
        Column::new("Ports", "string", "Ports of TLS configurations that open".into()),
        Column::age(),
    ]
}

/// `formatHosts`: up to three hosts, `*` when no rule has one.
fn format_hosts(rules: &[Value]) -> String {
    let mut list: Vec<&str> = Vec::new();
    let mut more = false;
    for rule in rules {
        if list.len() == 3 {
            more = true;
        }
        let host = str_at(rule, &["host"]);
        if !more && !host.is_empty() {
            list.push(host);
        }
    }
    if list.is_empty() {
        return "*".into();
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", rules.len() - 3)
    } else {
        joined
    }
}

/// `printIngress`.
pub(super) fn ingress(ing: &Value, now: Timestamp) -> Row {
    let spec = at(ing, &["spec"]);
    let class = spec
        .get("ingressClassName")
        .and_then(Value::as_str)
        .unwrap_or("<none>");
    let ports = if list_at(spec, &["tls"]).is_empty() {
        "80"
    } else {
        "80, 443"
    };
    let cells = vec![
        json!(name(ing)),
        json!(class),
        json!(format_hosts(list_at(spec, &["rules"]))),
        json!(load_balancer_addresses(at(ing, &["status", "loadBalancer"]))),
        json!(ports),
        age(ing, now),
    ];
    Row {
        cells,
        conditions: None,
    }
}

/// IngressClass columns.
pub(super) fn ingress_class_columns() -> Vec<Column> {
    vec![
        Column::name(),
        Column::new(
            "Controller",
            "string",
            "Controller that is responsible for handling this class".into(),
        ),
        Column::new(
            "Parameters",
            "string",
            "A reference to a resource with additional parameters".into(),
        ),
        Column::age(),
    ]
}

/// `printIngressClass`: the parameters as `Kind.group/name`.
pub(super) fn ingress_class(class: &Value, now: Timestamp) -> Row {
    let parameters = at(class, &["spec", "parameters"]);
    let parameters = if parameters.is_object() {
        let mut text = str_at(parameters, &["kind"]).to_string();
        if let Some(group) = parameters.get("apiGroup").and_then(Value::as_str) {
            text = format!("{text}.{group}");
        }
        format!("{text}/{}", str_at(parameters, &["name"]))
    } else {
        "<none>".into()
    };
    let cells = vec![
        json!(name(class)),
        json!(str_at(class, &["spec", "controller"])),
        json!(parameters),
        age(class, now),
    ];
    Row {
        cells,
        conditions: None,
    }
}

/// EndpointSlice columns.
pub(super) fn endpoint_slice_columns() -> Vec<Column> {
    let d = |f: &str| doc::<discovery::EndpointSlice>(f);
    vec![
        Column::name(),
        Column::new("AddressType", "string", d("addressType")),
        Column::new("Ports", "string", d("ports")),
        Column::new("Endpoints", "string", d("endpoints")),
        Column::age(),
    ]
}

/// `listWithMoreString`: up to three items, `<unset>` for none.
fn list_with_more(items: Vec<String>) -> String {
    let count = items.len();
    if count > 3 {
        return format!("{} + {} more...", items[..3].join(","), count - 3);
    }
    if items.is_empty() {
        "<unset>".into()
    } else {
        items.join(",")
    }
}

/// `printEndpointSlice` (port names default to `""` as the API server's
/// defaulting stores them).
pub(super) fn endpoint_slice(slice: &Value, now: Timestamp) -> Row {
    let ports: Vec<String> = list_at(slice, &["ports"])
        .iter()
        .map(|p| match p.get("port").and_then(Value::as_i64) {
            Some(port) => port.to_string(),
            None => str_at(p, &["name"]).to_string(),
        })
        .collect();
    let addresses: Vec<String> = list_at(slice, &["endpoints"])
        .iter()
        .flat_map(|e| {
            list_at(e, &["addresses"])
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    let cells = vec![
        json!(name(slice)),
        json!(str_at(slice, &["addressType"])),
        json!(list_with_more(ports)),
        json!(list_with_more(addresses)),
        age(slice, now),
    ];
    Row {
        cells,
        conditions: None,
    }
}

/// Deployment columns.
pub(super) fn deployment_columns() -> Vec<Column> {
    let status = |f: &str| doc::<apps::DeploymentStatus>(f);
    vec![
        Column::name(),
        Column::new("Ready", "string", "Number of the pod with ready state".into()),
        Column::new("Up-to-date", "string", status("updatedReplicas")),
        Column::new("Available", "string", status("availableReplicas")),
        Column::age(),
    ]
    .into_iter()
    .chain(template_columns(doc::<apps::DeploymentSpec>("selector")))
    .collect()
}

/// `printDeployment` (`spec.replicas` defaults to 1).
pub(super) fn deployment(deploy: &Value, now: Timestamp) -> Row {
    let (spec, status) = (at(deploy, &["spec"]), at(deploy, &["status"]));
    let desired = spec.get("replicas").and_then(Value::as_i64).unwrap_or(1);
    let (names, images) = containers(at(spec, &["template", "spec"]));
    let selector = match spec.get("selector") {
        Some(s) if s.is_object() => selector_string(s).unwrap_or_else(|| "<invalid>".into()),
        _ => String::new(),
    };
    let cells = vec![
        json!(name(deploy)),
        json!(format!("{}/{desired}", int_at(status, &["readyReplicas"]))),
        json!(int_at(status, &["updatedReplicas"])),
        json!(int_at(status, &["availableReplicas"])),
        age(deploy, now),
        json!(names),
        json!(images),
        json!(selector),
    ];
    Row {
        cells,
        conditions: None,
    }
}

/// DaemonSet columns.
pub(super) fn daemon_set_columns() -> Vec<Column> {
    let status = |f: &str| doc::<apps::DaemonSetStatus>(f);
    vec![
        Column::name(),
        Column::new("Desired", "integer", status("desiredNumberScheduled")),
        Column::new("Current", "integer", status("currentNumberScheduled")),
        Column::new("Ready", "integer", status("numberReady")),
        Column::new("Up-to-date", "integer", status("updatedNumberScheduled")),
        Column::new("Available", "integer", status("numberAvailable")),
        Column::new(
            "Node Selector",
            "string",
            doc::<k8s_openapi::api::core::v1::PodSpec>("nodeSelector"),
        ),
        Column::age(),
    ]
    .into_iter()
    .chain(template_columns(doc::<apps::DaemonSetSpec>("selector")))
    .collect()
}

/// The wide columns of workloads with a pod template: Containers, Images
/// and Selector (described by `selector`).
fn template_columns(selector: String) -> [Column; 3] {
    [
        Column::new(
            "Containers",
            "string",
            "Names of each container in the template.".into(),
        )
        .wide(),
        Column::new(
            "Images",
            "string",
            "Images referenced by each container in the template.".into(),
        )
        .wide(),
        Column::new("Selector", "string", selector).wide(),
    ]
}

/// `printDaemonSet`.
pub(super) fn daemon_set(ds: &Value, now: Timestamp) -> Row {
    let (spec, status) = (at(ds, &["spec"]), at(ds, &["status"]));
    let pod_spec = at(spec, &["template", "spec"]);
    let (names, images) = containers(pod_spec);
    let mut cells: Vec<Value> = vec![json!(name(ds))];
    for field in [
        "desiredNumberScheduled",
        "currentNumberScheduled",
        "numberReady",
        "updatedNumberScheduled",
        "numberAvailable",
    ] {
        cells.push(json!(int_at(status, &[field])));
    }
    let selector = spec
        .get("selector")
        .map_or_else(|| "<none>".to_string(), format_label_selector);
    cells.extend([
        json!(format_labels(at(pod_spec, &["nodeSelector"]))),
        age(ds, now),
        json!(names),
        json!(images),
        json!(selector),
    ]);
    Row {
        cells,
        conditions: None,
    }
}

fn binding_columns(of: &str) -> Vec<Column> {
    vec![
        Column::name(),
        Column::new("Role", "string", doc::<rbac::RoleBinding>("roleRef")),
        Column::age(),
        Column::new("Users", "string", format!("Users in the {of}")).wide(),
        Column::new("Groups", "string", format!("Groups in the {of}")).wide(),
        Column::new(
            "ServiceAccounts",
            "string",
            format!("ServiceAccounts in the {of}"),
        )
        .wide(),
    ]
}

/// RoleBinding columns.
pub(super) fn role_binding_columns() -> Vec<Column> {
    binding_columns("roleBinding")
}

/// ClusterRoleBinding columns.
pub(super) fn cluster_role_binding_columns() -> Vec<Column> {
    let mut columns = binding_columns("clusterRoleBinding");
    columns[1].description = doc::<rbac::ClusterRoleBinding>("roleRef");
    columns
}

/// `printRoleBinding` and `printClusterRoleBinding`: the role as
/// `Kind/name`, subjects by kind (`rbac.SubjectsStrings`).
pub(super) fn role_binding(binding: &Value, now: Timestamp) -> Row {
    let role = format!(
        "{}/{}",
        str_at(binding, &["roleRef", "kind"]),
        str_at(binding, &["roleRef", "name"])
    );
    let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
    for subject in list_at(binding, &["subjects"]) {
        let name = str_at(subject, &["name"]);
        match str_at(subject, &["kind"]) {
            "ServiceAccount" => sas.push(format!("{}/{name}", str_at(subject, &["namespace"]))),
            "User" => users.push(name.to_string()),
            "Group" => groups.push(name.to_string()),
            _ => {}
        }
    }
    let cells = vec![
        json!(name(binding)),
        json!(role),
        age(binding, now),
        json!(users.join(", ")),
        json!(groups.join(", ")),
        json!(sas.join(", ")),
    ];
    Row {
        cells,
        conditions: None,
    }
}
