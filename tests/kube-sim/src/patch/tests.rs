//! Tests of the three patch types, against the behaviour and the error
//! wording of kube-apiserver (evanphx/json-patch v4, apimachinery's
//! strategicpatch).

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{PatchError, json, json_patch, merge, merge_patch, strategic, strategic_patch};
use crate::registry::{Registry, ResourceType};

fn builtin(group: &str, kind: &str) -> ResourceType {
    Registry::new()
        .types()
        .iter()
        .find(|t| t.group == group && t.kind == kind)
        .cloned()
        .expect("built-in type")
}

fn pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "labels": {"a": "1", "b": "2"}, "finalizers": ["x", "y"]},
        "spec": {
            "containers": [
                {"name": "app", "image": "app:1", "args": ["--a"], "env": [{"name": "A", "value": "1"}]},
                {"name": "sidecar", "image": "side:1"},
            ],
            "tolerations": [{"key": "k1", "operator": "Exists"}],
        },
    })
}

#[test]
fn merge_patch_merges_objects_replaces_lists_and_deletes_nulls() {
    let out = merge(
        &pod(),
        &json!({"metadata": {"labels": {"a": null, "c": "3"}}, "spec": {"tolerations": []}}),
    );
    assert_eq!(out["metadata"]["labels"], json!({"b": "2", "c": "3"}));
    assert_eq!(out["spec"]["tolerations"], json!([]));
    let added = merge(&json!({}), &json!({"spec": {"x": {"y": null, "z": 1}}}));
    assert_eq!(
        added,
        json!({"spec": {"x": {"z": 1}}}),
        "nulls of new values are pruned"
    );
    assert_eq!(
        merge_patch(&pod(), &json!("x")),
        Err(PatchError::BadRequest("Invalid JSON Patch".into()))
    );
}

#[test]
fn json_patch_applies_operations_in_order() {
    let patch = json!([
        {"op": "add", "path": "/metadata/labels/c", "value": "3"},
        {"op": "remove", "path": "/metadata/labels/a"},
        {"op": "replace", "path": "/spec/containers/0/image", "value": "app:2"},
        {"op": "add", "path": "/metadata/finalizers/-", "value": "z"},
        {"op": "add", "path": "/metadata/finalizers/0", "value": "w"},
        {"op": "remove", "path": "/metadata/finalizers/-1"},
        {"op": "copy", "from": "/metadata/name", "path": "/metadata/labels/name"},
        {"op": "move", "from": "/metadata/labels/b", "path": "/metadata/labels/bb"},
        {"op": "test", "path": "/spec/containers/1/name", "value": "sidecar"},
    ]);
    let out = json(&pod(), &patch).unwrap();
    assert_eq!(
        out["metadata"]["labels"],
        json!({"bb": "2", "c": "3", "name": "p"})
    );
    assert_eq!(out["metadata"]["finalizers"], json!(["w", "x", "y"]));
    assert_eq!(out["spec"]["containers"][0]["image"], "app:2");
}

#[test]
fn json_patch_errors_are_worded_as_the_api_server_words_them() {
    let fail = |patch: Value| json_patch(&pod(), &patch).unwrap_err();
    assert_eq!(
        fail(json!([{"op": "test", "path": "/metadata/name", "value": "q"}])),
        PatchError::Unprocessable("testing value /metadata/name failed: test failed".into())
    );
    assert_eq!(
        fail(json!([{"op": "remove", "path": "/metadata/labels/zz"}])).message(),
        "error in remove for path: '/metadata/labels/zz': Unable to remove nonexistent key: zz: missing value"
    );
    assert_eq!(
        fail(json!([{"op": "add", "path": "/spec/nothing/here", "value": 1}])).message(),
        "add operation does not apply: doc is missing path: \"/spec/nothing/here\": missing value"
    );
    assert_eq!(
        fail(json!([{"op": "replace", "path": "/spec/containers/5", "value": "x"}])).message(),
        "replace operation does not apply: doc is missing key: /spec/containers/5: missing value"
    );
    assert_eq!(
        fail(json!([{"op": "add", "path": "/metadata/finalizers/9", "value": "x"}])).message(),
        "error in add for path: '/metadata/finalizers/9': Unable to access invalid index: 9: invalid index referenced"
    );
    assert_eq!(
        fail(json!([{"op": "test", "path": "/nope/x", "value": 1}])).message(),
        "test operation does not apply: is missing path: /nope/x: missing value"
    );
    assert_eq!(
        fail(json!([{"op": "frobnicate", "path": "/x"}])).message(),
        "Unexpected kind: frobnicate"
    );
    assert_eq!(
        fail(json!({"op": "add"})),
        PatchError::BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch".into())
    );
}

#[test]
fn json_patch_quirks_of_evanphx_v4_are_kept() {
    let out = json(
        &pod(),
        &json!([{"op": "replace", "path": "/metadata/namespace", "value": "ns"}]),
    )
    .unwrap();
    assert_eq!(
        out["metadata"]["namespace"], "ns",
        "replace of a missing key adds it"
    );
    let ok = json(
        &pod(),
        &json!([{"op": "test", "path": "/metadata/missing", "value": null}]),
    );
    assert!(ok.is_ok(), "a missing member tests equal to null");
}

#[test]
fn strategic_merge_merges_containers_by_name_and_replaces_plain_lists() {
    let rt = builtin("", "Pod");
    let patch = json!({"spec": {
        "containers": [{"name": "sidecar", "image": "side:2"}, {"name": "new", "image": "new:1"}],
        "tolerations": [{"key": "k2", "operator": "Exists"}],
    }});
    let out = strategic(&rt, &pod(), &patch).unwrap();
    let containers = &out["spec"]["containers"];
    assert_eq!(
        containers[0],
        pod()["spec"]["containers"][0],
        "untouched container kept as is"
    );
    assert_eq!(containers[1], json!({"name": "sidecar", "image": "side:2"}));
    assert_eq!(containers[2], json!({"name": "new", "image": "new:1"}));
    assert_eq!(
        out["spec"]["tolerations"],
        json!([{"key": "k2", "operator": "Exists"}]),
        "no merge key: replaced"
    );
    let env = strategic(&rt, &pod(), &json!({"spec": {"containers": [{"name": "app", "env": [{"name": "B", "value": "2"}], "args": ["--b"]}]}}))
        .unwrap();
    assert_eq!(
        env["spec"]["containers"][0]["env"],
        json!([{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]),
        "without $setElementOrder, items new to the live list go before the live-only ones (mergeSortedSlice)"
    );
    assert_eq!(env["spec"]["containers"][0]["args"], json!(["--b"]));
}

#[test]
fn strategic_merge_directives() {
    let rt = builtin("", "Pod");
    let deleted = strategic(
        &rt,
        &pod(),
        &json!({"spec": {"containers": [{"name": "app", "$patch": "delete"}]}}),
    )
    .unwrap();
    assert_eq!(
        deleted["spec"]["containers"],
        json!([{"name": "sidecar", "image": "side:1"}])
    );
    let replaced = strategic(
        &rt,
        &pod(),
        &json!({"spec": {"containers": [{"name": "only", "image": "o"}, {"$patch": "replace"}]}}),
    )
    .unwrap();
    assert_eq!(
        replaced["spec"]["containers"],
        json!([{"name": "only", "image": "o"}])
    );
    let whole = strategic(
        &rt,
        &pod(),
        &json!({"metadata": {"labels": {"$patch": "replace", "z": "9"}}}),
    )
    .unwrap();
    assert_eq!(whole["metadata"]["labels"], json!({"z": "9"}));
    let ordered = strategic(
        &rt,
        &pod(),
        &json!({"spec": {"$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}], "containers": [{"name": "app", "image": "app:3"}]}}),
    )
    .unwrap();
    let names: Vec<&Value> = ordered["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(names, vec!["sidecar", "app"]);
    assert_eq!(ordered["spec"]["containers"][1]["image"], "app:3");
    let retained = strategic(
        &rt,
        &json!({"spec": {"volumes": [{"name": "v", "emptyDir": {}}]}}),
        &json!({"spec": {"volumes": [{"name": "v", "$retainKeys": ["name", "secret"], "secret": {"secretName": "s"}}]}}),
    )
    .unwrap();
    assert_eq!(
        retained["spec"]["volumes"],
        json!([{"name": "v", "secret": {"secretName": "s"}}])
    );
    let nulled = strategic(
        &rt,
        &pod(),
        &json!({"metadata": {"labels": {"a": null}}, "spec": {"tolerations": null}}),
    )
    .unwrap();
    assert_eq!(nulled["metadata"]["labels"], json!({"b": "2"}));
    assert!(nulled["spec"].get("tolerations").is_none());
}

#[test]
fn finalizers_merge_as_a_set_and_delete_by_value() {
    let rt = builtin("", "Pod");
    let added = strategic(&rt, &pod(), &json!({"metadata": {"finalizers": ["y", "z"]}})).unwrap();
    assert_eq!(added["metadata"]["finalizers"], json!(["x", "y", "z"]));
    let removed = strategic(
        &rt,
        &pod(),
        &json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["x"]}}),
    )
    .unwrap();
    assert_eq!(removed["metadata"]["finalizers"], json!(["y"]));
}

#[test]
fn service_ports_conditions_and_owner_references_merge_by_their_keys() {
    let rt = builtin("", "Service");
    let svc = json!({
        "spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}]},
        "status": {"conditions": [{"type": "A", "status": "True"}]},
        "metadata": {"ownerReferences": [{"uid": "u1", "name": "one"}]},
    });
    let patch = json!({
        "spec": {"ports": [{"port": 443, "targetPort": 8443}]},
        "status": {"conditions": [{"type": "B", "status": "False"}]},
        "metadata": {"ownerReferences": [{"uid": "u1", "name": "renamed"}]},
    });
    let out = strategic(&rt, &svc, &patch).unwrap();
    assert_eq!(
        out["spec"]["ports"][1],
        json!({"port": 443, "name": "https", "targetPort": 8443})
    );
    assert_eq!(out["status"]["conditions"].as_array().unwrap().len(), 2);
    assert_eq!(
        out["metadata"]["ownerReferences"],
        json!([{"uid": "u1", "name": "renamed"}])
    );
}

#[test]
fn strategic_merge_errors_are_classified_as_the_api_server_does() {
    let rt = builtin("", "Pod");
    assert_eq!(
        strategic_patch(&rt, &pod(), &json!({"spec": {"containers": [{"image": "x"}]}})),
        Err(PatchError::Internal(
            "map: map[image:x] does not contain declared merge key: name".into()
        ))
    );
    assert_eq!(
        strategic_patch(
            &rt,
            &pod(),
            &json!({"metadata": {"$retainKeys": ["name"], "labels": {}}})
        ),
        Err(PatchError::BadRequest(
            "invalid patch format of retainKeys".into()
        ))
    );
    assert_eq!(
        strategic_patch(
            &rt,
            &pod(),
            &json!({"metadata": {"$deleteFromPrimitiveListfinalizers": ["x"]}})
        ),
        Err(PatchError::BadRequest(
            "invalid patch format of primitive list".into()
        ))
    );
    assert_eq!(
        strategic_patch(&rt, &pod(), &json!([1])),
        Err(PatchError::BadRequest(
            "json: cannot unmarshal array into Go value of type map[string]interface {}".into()
        ))
    );
    assert_eq!(
        strategic_patch(
            &rt,
            &pod(),
            &json!({"spec": {"containers": [{"name": "app", "$patch": "merge"}]}})
        ),
        Err(PatchError::Internal(
            "merging lists cannot yet be specified in the patch".into()
        ))
    );
}
