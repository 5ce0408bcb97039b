//! Printers of the core group (`pkg/printers/internalversion/printers.go`):
//! Service, Endpoints, Namespace, Secret, ConfigMap, ServiceAccount and
//! Event (core and `events.k8s.io`, which share the internal type); Pods
//! are in [`pod`](super::pod).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1 as api;
use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

use super::builtin::{age, at, format_labels, int_at, list_at, map_len, name, str_at};
use super::duration::{instant, since};
use super::{Column, Row, object_meta_doc};
use crate::validation::schema::description as doc;

/// Service columns.
pub(super) fn service_columns() -> Vec<Column> {
    let d = |f: &str| doc::<api::ServiceSpec>(f);
    vec![
        Column::name(),
        Column::new("Type", "string", d("type")),
        Column::new("Cluster-IP", "string", d("clusterIP")),
        Column::new("External-IP", "string", d("externalIPs")),
        Column::new("Port(s)", "string", d("ports")),
        Column::age(),
        Column::new("Selector", "string", d("selector")).wide(),
    ]
}

/// The unique IPs (or hostnames) of a load balancer status, sorted.
pub(super) fn load_balancer_addresses(status: &Value) -> String {
    let addresses: BTreeSet<&str> = list_at(status, &["ingress"])
        .iter()
        .filter_map(|i| match (str_at(i, &["ip"]), str_at(i, &["hostname"])) {
            ("", "") => None,
            ("", host) => Some(host),
            (ip, _) => Some(ip),
        })
        .collect();
    addresses.into_iter().collect::<Vec<_>>().join(",")
}

/// `printService` (the type defaults to ClusterIP and ports to TCP, as the
/// API server's defaulting would have stored them).
pub(super) fn service(svc: &Value, now: Timestamp) -> Row {
    let spec = at(svc, &["spec"]);
    let type_ = match str_at(spec, &["type"]) {
        "" => "ClusterIP",
        t => t,
    };
    let cluster_ip = list_at(spec, &["clusterIPs"])
        .first()
        .and_then(Value::as_str)
        .unwrap_or(str_at(spec, &["clusterIP"]));
    let external: Vec<&str> = list_at(spec, &["externalIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let external_ip = match type_ {
        "ClusterIP" | "NodePort" if !external.is_empty() => external.join(","),
        "ClusterIP" | "NodePort" => "<none>".into(),
        "LoadBalancer" => {
            let lb = load_balancer_addresses(at(svc, &["status", "loadBalancer"]));
            let mut all: Vec<&str> = lb.split(',').filter(|s| !s.is_empty()).collect();
            all.extend(&external);
            if all.is_empty() {
                "<pending>".into()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => str_at(spec, &["externalName"]).to_string(),
        _ => "<unknown>".into(),
    };
    let ports: Vec<String> = list_at(spec, &["ports"])
        .iter()
        .map(|p| {
            let protocol = match str_at(p, &["protocol"]) {
                "" => "TCP",
                proto => proto,
            };
            match int_at(p, &["nodePort"]) {
                0 => format!("{}/{protocol}", int_at(p, &["port"])),
                node => format!("{}:{node}/{protocol}", int_at(p, &["port"])),
            }
        })
        .collect();
    let ports = if ports.is_empty() {
        "<none>".into()
    } else {
        ports.join(",")
    };
    let cells = vec![
        json!(name(svc)),
        json!(type_),
        json!(if cluster_ip.is_empty() {
            "<none>"
        } else {
            cluster_ip
        }),
        json!(external_ip),
        json!(ports),
        age(svc, now),
        json!(format_labels(at(spec, &["selector"]))),
    ];
    Row {
        cells,
        conditions: None,
    }
}

/// Endpoints columns.
pub(super) fn endpoints_columns() -> Vec<Column> {
    vec![
        Column::name(),
        Column::new("Endpoints", "string", doc::<api::Endpoints>("subsets")),
        Column::age(),
    ]
}

fn join_host_port(ip: &str, port: i64) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// `formatEndpoints`: up to three `ip:port`, then `+ N more...`.
pub(super) fn endpoints(ep: &Value, now: Timestamp) -> Row {
    let subsets = list_at(ep, &["subsets"]);
    let text = if subsets.is_empty() {
        "<none>".to_string()
    } else {
        let (mut list, mut count, mut more) = (Vec::new(), 0, false);
        for ss in subsets {
            let addresses = list_at(ss, &["addresses"]);
            let ports = list_at(ss, &["ports"]);
            let ports: Vec<Option<i64>> = if ports.is_empty() {
                vec![None]
            } else {
                ports.iter().map(|p| Some(int_at(p, &["port"]))).collect()
            };
            for port in ports {
                count += addresses.len();
                for a in addresses {
                    if list.len() == 3 {
                        more = true;
                        break;
                    }
                    let ip = str_at(a, &["ip"]);
                    list.push(port.map_or_else(|| ip.to_string(), |p| join_host_port(ip, p)));
                }
            }
        }
        let joined = list.join(",");
        if more {
            format!("{joined} + {} more...", count - 3)
        } else {
            joined
        }
    };
    Row {
        cells: vec![json!(name(ep)), json!(text), age(ep, now)],
        conditions: None,
    }
}

/// Namespace columns.
pub(super) fn namespace_columns() -> Vec<Column> {
    vec![
        Column::name(),
        Column::new("Status", "string", "The status of the namespace".into()),
        Column::age(),
    ]
}

/// `printNamespace`.
pub(super) fn namespace(ns: &Value, now: Timestamp) -> Row {
    Row {
        cells: vec![
            json!(name(ns)),
            json!(str_at(ns, &["status", "phase"])),
            age(ns, now),
        ],
        conditions: None,
    }
}

/// Secret columns.
pub(super) fn secret_columns() -> Vec<Column> {
    vec![
        Column::name(),
        Column::new("Type", "string", doc::<api::Secret>("type")),
        Column::new("Data", "string", doc::<api::Secret>("data")),
        Column::age(),
    ]
}

/// `printSecret` (`stringData` counted as the data it becomes).
pub(super) fn secret(secret: &Value, now: Timestamp) -> Row {
    let type_ = match str_at(secret, &["type"]) {
        "" => "Opaque",
        t => t,
    };
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    for field in ["data", "stringData"] {
        keys.extend(
            at(secret, &[field])
                .as_object()
                .into_iter()
                .flat_map(|m| m.keys().map(String::as_str)),
        );
    }
    Row {
        cells: vec![
            json!(name(secret)),
            json!(type_),
            json!(keys.len()),
            age(secret, now),
        ],
        conditions: None,
    }
}

/// ConfigMap columns.
pub(super) fn config_map_columns() -> Vec<Column> {
    vec![
        Column::name(),
        Column::new("Data", "string", doc::<api::ConfigMap>("data")),
        Column::age(),
    ]
}

/// `printConfigMap`: entries of `data` and `binaryData`.
pub(super) fn config_map(cm: &Value, now: Timestamp) -> Row {
    let count = map_len(cm, &["data"]) + map_len(cm, &["binaryData"]);
    Row {
        cells: vec![json!(name(cm)), json!(count), age(cm, now)],
        conditions: None,
    }
}

/// ServiceAccount columns.
pub(super) fn service_account_columns() -> Vec<Column> {
    vec![
        Column::name(),
        Column::new("Secrets", "string", doc::<api::ServiceAccount>("secrets")),
        Column::age(),
    ]
}

/// `printServiceAccount`.
pub(super) fn service_account(sa: &Value, now: Timestamp) -> Row {
    Row {
        cells: vec![
            json!(name(sa)),
            json!(list_at(sa, &["secrets"]).len()),
            age(sa, now),
        ],
        conditions: None,
    }
}

/// Event columns (Last Seen, Type, Reason, Object, Message; more wide).
pub(super) fn event_columns() -> Vec<Column> {
    let d = |f: &str| doc::<api::Event>(f);
    vec![
        Column::new("Last Seen", "string", d("lastTimestamp")),
        Column::new("Type", "string", d("type")),
        Column::new("Reason", "string", d("reason")),
        Column::new("Object", "string", d("involvedObject")),
        Column::new("Subobject", "string", doc::<api::ObjectReference>("fieldPath")).wide(),
        Column::new("Source", "string", d("source")).wide(),
        Column::new("Message", "string", d("message")),
        Column::new("First Seen", "string", d("firstTimestamp")).wide(),
        Column::new("Count", "string", d("count")).wide(),
        Column {
            format: "name".into(),
            ..Column::new("Name", "string", object_meta_doc("name")).wide()
        },
    ]
}

/// `printEvent`, reading `events.k8s.io/v1` fields under their names there.
pub(super) fn event(event: &Value, now: Timestamp) -> Row {
    let modern = event.get("apiVersion").and_then(Value::as_str) == Some("events.k8s.io/v1");
    let field = |core: &'static str, v1: &'static str| if modern { v1 } else { core };
    let first = at(event, &[field("firstTimestamp", "deprecatedFirstTimestamp")]).as_str();
    let first = if instant(first).is_some() {
        since(first, now)
    } else {
        since(str_at(event, &["eventTime"]).into(), now)
    };
    let last = at(event, &[field("lastTimestamp", "deprecatedLastTimestamp")]).as_str();
    let mut last = if instant(last).is_some() {
        since(last, now)
    } else {
        first.clone()
    };
    let series = at(event, &["series"]);
    let mut count = int_at(event, &[field("count", "deprecatedCount")]);
    if series.is_object() {
        last = since(series["lastObservedTime"].as_str(), now);
        count = int_at(series, &["count"]);
    } else if count == 0 {
        count = 1;
    }
    let involved = at(event, &[field("involvedObject", "regarding")]);
    let kind = str_at(involved, &["kind"]).to_lowercase();
    let target = match str_at(involved, &["name"]) {
        "" => kind,
        n => format!("{kind}/{n}"),
    };
    let source = at(event, &[field("source", "deprecatedSource")]);
    let component = match str_at(source, &["component"]) {
        "" => str_at(event, &[field("reportingComponent", "reportingController")]).to_string(),
        c => c.to_string(),
    };
    let instance = match str_at(source, &["host"]) {
        "" => str_at(event, &["reportingInstance"]),
        h => h,
    };
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    let cells = vec![
        json!(last),
        json!(str_at(event, &["type"])),
        json!(str_at(event, &["reason"])),
        json!(target),
        json!(str_at(involved, &["fieldPath"])),
        json!(source),
        json!(str_at(event, &[field("message", "note")]).trim()),
        json!(first),
        json!(count),
        json!(name(event)),
    ];
    Row {
        cells,
        conditions: None,
    }
}
