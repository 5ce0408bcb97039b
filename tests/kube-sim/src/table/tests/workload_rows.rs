//! Tables of the workload and event kinds: Pods, Events (core and
//! `events.k8s.io`), Deployments and DaemonSets.

use pretty_assertions::assert_eq;
use serde_json::json;

use super::builtin_rows::{column_names, meta, table};
use super::cells;

#[test]
fn events_show_last_seen_type_reason_object_message() {
    let event = json!({
        "metadata": meta("c.17a"),
        "involvedObject": {"kind": "Certificate", "name": "c", "namespace": "default"},
        "reason": "Issuing", "message": "  Issued a new certificate \n", "type": "Normal",
        "firstTimestamp": "2025-06-01T11:00:00Z", "lastTimestamp": "2025-06-01T11:58:00Z", "count": 3,
        "source": {"component": "passerelle"},
    });
    let modern = json!({
        "apiVersion": "events.k8s.io/v1",
        "metadata": meta("c.17b"),
        "regarding": {"kind": "Order", "name": "o"},
        "reason": "Created", "note": "Created order", "type": "Normal",
        "eventTime": "2025-06-01T11:59:00.000000Z", "reportingController": "passerelle", "reportingInstance": "pod-1",
        "series": {"count": 4, "lastObservedTime": "2025-06-01T11:59:30.000000Z"},
    });
    let t = table("", "Event", &[event, modern]);
    assert_eq!(
        column_names(&t),
        [
            "Last Seen",
            "Type",
            "Reason",
            "Object",
            "Subobject",
            "Source",
            "Message",
            "First Seen",
            "Count",
            "Name"
        ]
    );
    let priorities: Vec<i64> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["priority"].as_i64().unwrap())
        .collect();
    assert_eq!(priorities, [0, 0, 0, 0, 1, 1, 0, 1, 1, 1]);
    assert_eq!(
        cells(&t, 0),
        vec![
            json!("2m"),
            json!("Normal"),
            json!("Issuing"),
            json!("certificate/c"),
            json!(""),
            json!("passerelle"),
            json!("Issued a new certificate"),
            json!("60m"),
            json!(3),
            json!("c.17a")
        ]
    );
    assert_eq!(
        cells(&t, 1),
        vec![
            json!("30s"),
            json!("Normal"),
            json!("Created"),
            json!("order/o"),
            json!(""),
            json!("passerelle, pod-1"),
            json!("Created order"),
            json!("60s"),
            json!(4),
            json!("c.17b")
        ]
    );
}

#[test]
fn pods_show_readiness_status_and_restarts() {
    let running = json!({
        "metadata": meta("web-1"),
        "spec": {"containers": [{"name": "a"}, {"name": "b"}], "nodeName": "node-1"},
        "status": {"phase": "Running", "podIPs": [{"ip": "10.1.0.4"}], "conditions": [{"type": "Ready", "status": "True"}],
                   "containerStatuses": [
                       {"name": "a", "ready": true, "restartCount": 2, "state": {"running": {}},
                        "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2025-06-01T11:57:00Z"}}},
                       {"name": "b", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]},
    });
    let done = json!({"metadata": meta("job-1"), "spec": {"containers": [{"name": "a"}]},
                      "status": {"phase": "Succeeded", "containerStatuses": [{"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}});
    let t = table("", "Pod", &[running, done]);
    assert_eq!(
        column_names(&t),
        [
            "Name",
            "Ready",
            "Status",
            "Restarts",
            "Age",
            "IP",
            "Node",
            "Nominated Node",
            "Readiness Gates"
        ]
    );
    assert_eq!(
        cells(&t, 0),
        vec![
            json!("web-1"),
            json!("1/2"),
            json!("CrashLoopBackOff"),
            json!("2 (3m ago)"),
            json!("5m"),
            json!("10.1.0.4"),
            json!("node-1"),
            json!("<none>"),
            json!("<none>")
        ]
    );
    assert_eq!(cells(&t, 1)[1..4], [json!("0/1"), json!("Completed"), json!("0")]);
    assert_eq!(
        t["rows"][1]["conditions"],
        json!([{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}])
    );
    assert!(t["rows"][0].get("conditions").is_none());
}

#[test]
fn deployments_and_daemon_sets_show_replicas() {
    let deploy = json!({
        "metadata": meta("proxy"),
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "proxy"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["b", "a"]}]},
                 "template": {"spec": {"containers": [{"name": "proxy", "image": "passerelle:1"}, {"name": "sidecar", "image": "envoy"}]}}},
        "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
    });
    let t = table("apps", "Deployment", &[deploy]);
    assert_eq!(
        column_names(&t),
        [
            "Name",
            "Ready",
            "Up-to-date",
            "Available",
            "Age",
            "Containers",
            "Images",
            "Selector"
        ]
    );
    assert_eq!(
        cells(&t, 0),
        vec![
            json!("proxy"),
            json!("2/3"),
            json!(3),
            json!(2),
            json!("5m"),
            json!("proxy,sidecar"),
            json!("passerelle:1,envoy"),
            json!("app=proxy,tier in (a,b)")
        ]
    );
    let ds = json!({
        "metadata": meta("agent"),
        "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": {"spec": {"nodeSelector": {"os": "linux"}, "containers": [{"name": "a", "image": "i"}]}}},
        "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2, "updatedNumberScheduled": 3, "numberAvailable": 2},
    });
    let t = table("apps", "DaemonSet", &[ds]);
    assert_eq!(
        column_names(&t)[..8],
        [
            "Name",
            "Desired",
            "Current",
            "Ready",
            "Up-to-date",
            "Available",
            "Node Selector",
            "Age"
        ]
    );
    assert_eq!(
        cells(&t, 0),
        vec![
            json!("agent"),
            json!(3),
            json!(3),
            json!(2),
            json!(3),
            json!(2),
            json!("os=linux"),
            json!("5m"),
            json!("a"),
            json!("i"),
            json!("app=agent")
        ]
    );
}
