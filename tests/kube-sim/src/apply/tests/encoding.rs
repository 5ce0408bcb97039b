//! The `FieldsV1` encodings of realistic objects, written by hand from the
//! structured-merge-diff rules and compared with what kube-apiserver stores
//! (`.` only for list items, map keys and fields an update added; list-map
//! items keyed by all their keys with defaults; atomic values as leaves).

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{T0, T1, T2, builtin, config_map, entry, fields_of};
use crate::apply::fieldpath::{Pe, Set, path_string};
use crate::apply::{apply, record_update};

#[test]
fn kubectl_server_side_apply_of_a_deployment_owns_what_it_sets() {
    let rt = builtin("apps", "Deployment");
    let manifest = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [{
                        "name": "web", "image": "nginx:1.27",
                        "ports": [{"containerPort": 80}],
                        "env": [{"name": "MODE", "value": "prod"}],
                        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    }],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "tolerations": [{"key": "k", "operator": "Exists"}],
                },
            },
        },
    });
    let out = apply(&rt, None, &manifest, "kubectl", false, None, T0).unwrap();
    let expected = json!({
        "f:metadata": {"f:labels": {"f:app": {}}},
        "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
                "f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {
                    "f:containers": {"k:{\"name\":\"web\"}": {
                        ".": {},
                        "f:env": {"k:{\"name\":\"MODE\"}": {".": {}, "f:name": {}, "f:value": {}}},
                        "f:image": {},
                        "f:name": {},
                        "f:ports": {"k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}},
                        "f:volumeMounts": {"k:{\"mountPath\":\"/data\"}": {".": {}, "f:mountPath": {}, "f:name": {}}},
                    }},
                    "f:tolerations": {},
                    "f:volumes": {"k:{\"name\":\"data\"}": {".": {}, "f:emptyDir": {}, "f:name": {}}},
                },
            },
        },
    });
    assert_eq!(fields_of(&out, "kubectl", "Apply"), expected);
}

#[test]
fn create_of_a_defaulted_deployment_records_what_kubectl_create_shows() {
    let rt = builtin("apps", "Deployment");
    let mut created = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}, "creationTimestamp": T0},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [{
                        "name": "nginx", "image": "nginx", "imagePullPolicy": "Always", "resources": {},
                        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                    }],
                    "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                    "securityContext": {}, "terminationGracePeriodSeconds": 30,
                },
            },
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
        },
        "status": {},
    });
    record_update(&rt, None, &mut created, "kubectl-create", None, T0);
    let expected = json!({
        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
        "f:spec": {
            "f:progressDeadlineSeconds": {}, "f:replicas": {}, "f:revisionHistoryLimit": {}, "f:selector": {},
            "f:strategy": {"f:rollingUpdate": {".": {}, "f:maxSurge": {}, "f:maxUnavailable": {}}, "f:type": {}},
            "f:template": {
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {
                    "f:containers": {"k:{\"name\":\"nginx\"}": {
                        ".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {}, "f:resources": {},
                        "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {},
                    }},
                    "f:dnsPolicy": {}, "f:restartPolicy": {}, "f:schedulerName": {}, "f:securityContext": {},
                    "f:terminationGracePeriodSeconds": {},
                },
            },
        },
    });
    assert_eq!(
        created["metadata"]["managedFields"],
        json!([{
            "manager": "kubectl-create", "operation": "Update", "apiVersion": "apps/v1", "time": T0,
            "fieldsType": "FieldsV1", "fieldsV1": expected,
        }])
    );
}

#[test]
fn create_of_a_custom_resource_adds_every_object_it_sets() {
    let rt = super::certificates();
    let mut cert = json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "metadata": {"name": "site", "namespace": "default", "finalizers": ["passerelle.io/cleanup"],
            "ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "o", "uid": "u-1"}]},
        "spec": {"secretName": "site-tls", "issuerRef": {"name": "ca", "kind": "Issuer"}, "dnsNames": ["a.example"]},
    });
    record_update(&rt, None, &mut cert, "kubectl-create", None, T0);
    assert_eq!(
        fields_of(&cert, "kubectl-create", "Update"),
        json!({
            "f:metadata": {
                "f:finalizers": {".": {}, "v:\"passerelle.io/cleanup\"": {}},
                "f:ownerReferences": {".": {}, "k:{\"uid\":\"u-1\"}": {}},
            },
            "f:spec": {
                ".": {}, "f:dnsNames": {}, "f:issuerRef": {".": {}, "f:kind": {}, "f:name": {}}, "f:secretName": {},
            },
        })
    );
}

#[test]
fn apply_of_a_set_owns_its_items_by_value() {
    let rt = builtin("", "ConfigMap");
    let mut cfg = config_map(json!({}));
    cfg["metadata"]["finalizers"] = json!(["a", "b"]);
    let out = apply(&rt, None, &cfg, "op", false, None, T0).unwrap();
    assert_eq!(
        fields_of(&out, "op", "Apply"),
        json!({"f:data": {}, "f:metadata": {"f:finalizers": {"v:\"a\"": {}, "v:\"b\"": {}}}})
    );
}

#[test]
fn fields_v1_round_trips_with_members_that_have_children() {
    let text = json!({
        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
        "f:spec": {"f:ports": {"k:{\"port\":80,\"protocol\":\"TCP\"}": {".": {}, "f:port": {}}}, "f:replicas": {}},
        "f:x": {"i:0": {}, "v:1": {}},
    });
    let set = Set::from_fields_v1(&text).unwrap();
    assert_eq!(set.to_fields_v1(), text);
    let paths: Vec<String> = set.paths().iter().map(|p| path_string(p)).collect();
    assert!(paths.contains(&".spec.ports[port=80,protocol=\"TCP\"].port".to_string()));
    assert!(paths.contains(&".metadata.labels".to_string()));
    assert!(!paths.contains(&".spec".to_string()));
}

#[test]
fn keys_are_escaped_as_go_escapes_them() {
    let pe = Pe::key(vec![("name".into(), json!("a<b&c"))]);
    assert_eq!(pe.serialize(), r#"k:{"name":"a\u003cb\u0026c"}"#);
    assert_eq!(Pe::value(json!("x>y")).serialize(), r#"v:"x\u003ey""#);
}

#[test]
fn entries_are_sorted_apply_first_then_by_time() {
    let rt = builtin("", "ConfigMap");
    let mut obj = config_map(json!({"a": "1"}));
    record_update(&rt, None, &mut obj, "zz-creator", None, T1);
    obj["metadata"]["uid"] = json!("u");
    let live = obj.clone();
    let mut later = obj.clone();
    later["data"]["b"] = json!("2");
    record_update(&rt, Some(&live), &mut later, "aa-editor", None, T2);
    let applied = apply(
        &rt,
        Some(&later),
        &config_map(json!({"c": "3"})),
        "zz-applier",
        false,
        None,
        T0,
    )
    .unwrap();
    let order: Vec<&Value> = applied["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["manager"])
        .collect();
    assert_eq!(order, vec!["zz-applier", "zz-creator", "aa-editor"]);
}

#[test]
fn more_than_ten_update_managers_merge_the_oldest_into_ancient_changes() {
    let rt = builtin("", "ConfigMap");
    let mut obj = config_map(json!({}));
    record_update(&rt, None, &mut obj, "creator", None, "2026-01-01T00:00:00Z");
    obj["metadata"]["uid"] = json!("u");
    for i in 0..11 {
        let live = obj.clone();
        obj["data"][format!("k{i}")] = json!("v");
        record_update(
            &rt,
            Some(&live),
            &mut obj,
            &format!("m{i:02}"),
            None,
            &format!("2026-01-01T00:{:02}:00Z", i + 1),
        );
    }
    let entries = obj["metadata"]["managedFields"].as_array().unwrap();
    assert_eq!(entries.len(), 10);
    let ancient = entry(&obj, "ancient-changes", "Update").expect("bucket");
    assert_eq!(
        ancient["fieldsV1"],
        json!({"f:data": {".": {}, "f:k0": {}, "f:k1": {}}})
    );
    assert_eq!(ancient["time"], "2026-01-01T00:02:00Z");
    assert!(entry(&obj, "creator", "Update").is_none() && entry(&obj, "m00", "Update").is_none());
}

#[test]
fn malformed_managed_fields_from_a_client_are_replaced_not_trusted() {
    let rt = builtin("", "ConfigMap");
    let live = {
        let mut obj = config_map(json!({"a": "1"}));
        record_update(&rt, None, &mut obj, "creator", None, T0);
        obj["metadata"]["uid"] = json!("u");
        obj
    };
    let mut new = live.clone();
    new["data"]["a"] = json!("2");
    new["metadata"]["managedFields"] = json!([{
        "manager": "x", "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1",
        "fieldsV1": {"€x": {}},
    }]);
    record_update(&rt, Some(&live), &mut new, "editor", None, T1);
    assert_eq!(
        fields_of(&new, "editor", "Update"),
        json!({"f:data": {"f:a": {}}})
    );
    assert!(
        entry(&new, "creator", "Update").is_some(),
        "the live entries are kept"
    );
}
