//! The Pod printer (`printPod`): readiness of regular and sidecar
//! containers, the aggregate status reason (init progress, waiting or
//! terminated reasons, `Terminating`), and restarts with the time of the
//! last one.

use k8s_openapi::api::core::v1 as api;
use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

use super::builtin::{age, at, int_at, list_at, name, str_at};
use super::duration::{human_duration, instant};
use super::{Column, Row};
use crate::validation::schema::description as doc;

/// Pod columns (Ready, Status, Restarts, Age; IP, Node, … wide).
pub(super) fn pod_columns() -> Vec<Column> {
    vec![
        Column::name(),
        Column::new("Ready", "string", "The aggregate readiness state of this pod for accepting traffic.".into()),
        Column::new("Status", "string", "The aggregate status of the containers in this pod.".into()),
        Column::new(
            "Restarts",
            "string",
            "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.".into(),
        ),
        Column::age(),
        Column::new("IP", "string", doc::<api::PodStatus>("podIP")).wide(),
        Column::new("Node", "string", doc::<api::PodSpec>("nodeName")).wide(),
        Column::new("Nominated Node", "string", doc::<api::PodStatus>("nominatedNodeName")).wide(),
        Column::new("Readiness Gates", "string", doc::<api::PodSpec>("readinessGates")).wide(),
    ]
}

fn condition_true(status: &Value, type_: &str) -> bool {
    list_at(status, &["conditions"])
        .iter()
        .any(|c| str_at(c, &["type"]) == type_ && str_at(c, &["status"]) == "True")
}

fn later(current: Option<Timestamp>, candidate: &Value) -> Option<Timestamp> {
    match instant(candidate.as_str()) {
        Some(t) if current.is_none_or(|c| c < t) => Some(t),
        _ => current,
    }
}

fn exit_reason(prefix: &str, terminated: &Value) -> String {
    match str_at(terminated, &["reason"]) {
        "" if int_at(terminated, &["signal"]) != 0 => {
            format!("{prefix}Signal:{}", int_at(terminated, &["signal"]))
        }
        "" => format!("{prefix}ExitCode:{}", int_at(terminated, &["exitCode"])),
        reason => format!("{prefix}{reason}"),
    }
}

/// `printPod`: readiness, the aggregate reason, restarts with the time of
/// the last one.
pub(super) fn pod(pod: &Value, now: Timestamp) -> Row {
    let (spec, status) = (at(pod, &["spec"]), at(pod, &["status"]));
    let phase = str_at(status, &["phase"]);
    let mut reason = match str_at(status, &["reason"]) {
        "" => phase.to_string(),
        r => r.to_string(),
    };
    if list_at(status, &["conditions"])
        .iter()
        .any(|c| str_at(c, &["type"]) == "PodScheduled" && str_at(c, &["reason"]) == "SchedulingGated")
    {
        reason = "SchedulingGated".into();
    }
    let conditions = match phase {
        "Succeeded" => Some(
            json!([{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}]),
        ),
        "Failed" => Some(
            json!([{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]),
        ),
        _ => None,
    };
    let init_specs = list_at(spec, &["initContainers"]);
    let restartable = |name: &str| {
        init_specs
            .iter()
            .any(|c| str_at(c, &["name"]) == name && str_at(c, &["restartPolicy"]) == "Always")
    };
    let mut total = list_at(spec, &["containers"]).len();
    total += init_specs
        .iter()
        .filter(|c| str_at(c, &["restartPolicy"]) == "Always")
        .count();
    let (mut restarts, mut sidecar_restarts, mut ready) = (0, 0, 0);
    let (mut last_restart, mut last_sidecar_restart) = (None, None);
    let mut initializing = false;
    for (i, c) in list_at(status, &["initContainerStatuses"]).iter().enumerate() {
        restarts += int_at(c, &["restartCount"]);
        let finished = at(c, &["lastState", "terminated", "finishedAt"]);
        last_restart = later(last_restart, finished);
        let sidecar = restartable(str_at(c, &["name"]));
        if sidecar {
            sidecar_restarts += int_at(c, &["restartCount"]);
            last_sidecar_restart = later(last_sidecar_restart, finished);
        }
        let (terminated, waiting) = (at(c, &["state", "terminated"]), at(c, &["state", "waiting"]));
        if terminated.is_object() && int_at(terminated, &["exitCode"]) == 0 {
            continue;
        }
        if sidecar && at(c, &["started"]) == &Value::Bool(true) {
            if at(c, &["ready"]) == &Value::Bool(true) {
                ready += 1;
            }
            continue;
        }
        reason = if terminated.is_object() {
            exit_reason("Init:", terminated)
        } else if waiting.is_object() && !matches!(str_at(waiting, &["reason"]), "" | "PodInitializing") {
            format!("Init:{}", str_at(waiting, &["reason"]))
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }
    if !initializing || condition_true(status, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for c in list_at(status, &["containerStatuses"]).iter().rev() {
            restarts += int_at(c, &["restartCount"]);
            last_restart = later(last_restart, at(c, &["lastState", "terminated", "finishedAt"]));
            let (terminated, waiting) = (at(c, &["state", "terminated"]), at(c, &["state", "waiting"]));
            if !str_at(waiting, &["reason"]).is_empty() {
                reason = str_at(waiting, &["reason"]).to_string();
            } else if terminated.is_object() {
                reason = exit_reason("", terminated);
            } else if at(c, &["ready"]) == &Value::Bool(true) && at(c, &["state", "running"]).is_object() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(status, "Ready") {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    let deleting = at(pod, &["metadata", "deletionTimestamp"]).is_string();
    if deleting && str_at(status, &["reason"]) == "NodeLost" {
        reason = "Unknown".into();
    } else if deleting && !matches!(phase, "Failed" | "Succeeded") {
        reason = "Terminating".into();
    }
    let restarts = match last_restart {
        Some(t) if restarts != 0 => {
            format!(
                "{restarts} ({} ago)",
                human_duration(now.as_nanosecond() - t.as_nanosecond())
            )
        }
        _ => restarts.to_string(),
    };
    let or_none = |s: &str| {
        if s.is_empty() {
            "<none>".to_string()
        } else {
            s.to_string()
        }
    };
    let gates = list_at(spec, &["readinessGates"]);
    let readiness = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let passing = gates
            .iter()
            .filter(|g| {
                let wanted = str_at(g, &["conditionType"]);
                list_at(status, &["conditions"])
                    .iter()
                    .find(|c| str_at(c, &["type"]) == wanted)
                    .is_some_and(|c| str_at(c, &["status"]) == "True")
            })
            .count();
        format!("{passing}/{}", gates.len())
    };
    let cells = vec![
        json!(name(pod)),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts),
        age(pod, now),
        json!(or_none(str_at(
            list_at(status, &["podIPs"]).first().unwrap_or(&Value::Null),
            &["ip"]
        ))),
        json!(or_none(str_at(spec, &["nodeName"]))),
        json!(or_none(str_at(status, &["nominatedNodeName"]))),
        json!(readiness),
    ];
    Row { cells, conditions }
}
