//! Tests of server-side apply: merge, prune, shared ownership, conflicts,
//! list-maps across managers (the `cmctl renew` scenario on a real
//! Certificate schema, in [`custom`]), atomic lists, and the API server's
//! refusals. The exact `FieldsV1` encodings are in [`encoding`].

mod custom;
mod encoding;

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{Conflict, apply, record_update};
use crate::registry::{Registry, ResourceType, Source};
use crate::status::Cause;

pub(super) const T0: &str = "2026-01-01T00:00:00Z";
pub(super) const T1: &str = "2026-01-01T00:01:00Z";
pub(super) const T2: &str = "2026-01-01T00:02:00Z";

/// A built-in type of the registry.
pub(super) fn builtin(group: &str, kind: &str) -> ResourceType {
    Registry::new()
        .types()
        .iter()
        .find(|t| t.group == group && t.kind == kind)
        .cloned()
        .expect("built-in type")
}

/// `certificates.cert-manager.io/v1` with the real schema Passerelle installs.
pub(super) fn certificates() -> ResourceType {
    let crd = passerelle_crds::crd::all()
        .into_iter()
        .find(|c| c.spec.group == "cert-manager.io" && c.spec.names.kind == "Certificate")
        .expect("Certificate CRD");
    let crd = serde_json::to_value(crd).expect("CRD as JSON");
    let version = crd["spec"]["versions"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["name"] == "v1"))
        .expect("v1");
    let mut rt = builtin("", "ConfigMap");
    rt.group = "cert-manager.io".into();
    rt.plural = "certificates".into();
    rt.kind = "Certificate".into();
    rt.status = true;
    rt.source = Source::Crd {
        name: "certificates.cert-manager.io".into(),
        schema: version["schema"]["openAPIV3Schema"].clone(),
        storage: true,
        served: true,
    };
    rt
}

pub(super) fn config_map(data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "default"}, "data": data})
}

/// The managedFields entry of `manager` (and operation).
pub(super) fn entry<'a>(obj: &'a Value, manager: &str, operation: &str) -> Option<&'a Value> {
    obj["metadata"]["managedFields"]
        .as_array()?
        .iter()
        .find(|e| e["manager"] == manager && e["operation"] == operation)
}

pub(super) fn fields_of(obj: &Value, manager: &str, operation: &str) -> Value {
    entry(obj, manager, operation)
        .map(|e| e["fieldsV1"].clone())
        .unwrap_or(Value::Null)
}

pub(super) fn stored(mut obj: Value) -> Value {
    obj["metadata"]["uid"] = json!("0b5e8f9c-1111-4222-8333-444455556666");
    obj["metadata"]["resourceVersion"] = json!("1");
    obj
}

#[test]
fn apply_create_records_an_apply_entry() {
    let rt = builtin("", "ConfigMap");
    let mut cfg = config_map(json!({"a": "1"}));
    cfg["metadata"]["labels"] = json!({"app": "web"});
    let out = apply(&rt, None, &cfg, "kubectl", false, None, T0).expect("no conflict");
    assert_eq!(out["data"], json!({"a": "1"}));
    assert_eq!(
        out["metadata"]["managedFields"],
        json!([{
            "manager": "kubectl", "operation": "Apply", "apiVersion": "v1", "time": T0, "fieldsType": "FieldsV1",
            "fieldsV1": {"f:data": {"f:a": {}}, "f:metadata": {"f:labels": {"f:app": {}}}},
        }])
    );
}

#[test]
fn reapplying_without_a_field_removes_it() {
    let rt = builtin("", "ConfigMap");
    let first = stored(
        apply(
            &rt,
            None,
            &config_map(json!({"a": "1", "b": "2"})),
            "op",
            false,
            None,
            T0,
        )
        .unwrap(),
    );
    let second = apply(
        &rt,
        Some(&first),
        &config_map(json!({"a": "1"})),
        "op",
        false,
        None,
        T1,
    )
    .unwrap();
    assert_eq!(second["data"], json!({"a": "1"}));
    assert_eq!(fields_of(&second, "op", "Apply"), json!({"f:data": {"f:a": {}}}));
    assert_eq!(entry(&second, "op", "Apply").unwrap()["time"], T1);
}

#[test]
fn reapplying_the_same_configuration_changes_nothing() {
    let rt = builtin("", "ConfigMap");
    let first = stored(apply(&rt, None, &config_map(json!({"a": "1"})), "op", false, None, T0).unwrap());
    let again = apply(
        &rt,
        Some(&first),
        &config_map(json!({"a": "1"})),
        "op",
        false,
        None,
        T2,
    )
    .unwrap();
    assert_eq!(again, first);
}

#[test]
fn a_field_applied_by_two_managers_is_shared_and_survives_one_dropping_it() {
    let rt = builtin("", "ConfigMap");
    let one = stored(
        apply(
            &rt,
            None,
            &config_map(json!({"a": "1", "b": "2"})),
            "one",
            false,
            None,
            T0,
        )
        .unwrap(),
    );
    let two = apply(
        &rt,
        Some(&one),
        &config_map(json!({"a": "1"})),
        "two",
        false,
        None,
        T1,
    )
    .expect("same value");
    assert_eq!(
        fields_of(&two, "one", "Apply"),
        json!({"f:data": {"f:a": {}, "f:b": {}}})
    );
    assert_eq!(fields_of(&two, "two", "Apply"), json!({"f:data": {"f:a": {}}}));
    let mut nothing = config_map(json!(null));
    nothing.as_object_mut().unwrap().remove("data");
    let dropped = apply(&rt, Some(&two), &nothing, "one", false, None, T2).unwrap();
    assert_eq!(
        dropped["data"],
        json!({"a": "1"}),
        "b goes, a stays with its other owner"
    );
    assert!(
        entry(&dropped, "one", "Apply").is_none(),
        "an applier left with nothing loses its entry"
    );
}

pub(super) fn deployment(replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}},
    })
}

pub(super) fn created_by(rt: &ResourceType, obj: &Value, manager: &str) -> Value {
    let mut obj = obj.clone();
    record_update(rt, None, &mut obj, manager, None, T0);
    stored(obj)
}

#[test]
fn conflict_names_the_other_manager_and_the_field() {
    let rt = builtin("apps", "Deployment");
    let live = created_by(&rt, &deployment(1), "kubectl-client-side-apply");
    let err = apply(&rt, Some(&live), &deployment(3), "passerelle", false, None, T1).unwrap_err();
    assert_eq!(
        err.message(),
        r#"Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas"#
    );
    assert_eq!(
        err.causes(),
        vec![Cause::new(
            "FieldManagerConflict",
            ".spec.replicas",
            r#"conflict with "kubectl-client-side-apply" using apps/v1"#
        )]
    );
}

#[test]
fn same_value_is_no_conflict_and_force_takes_ownership() {
    let rt = builtin("apps", "Deployment");
    let live = created_by(&rt, &deployment(1), "kubectl-client-side-apply");
    let shared = apply(&rt, Some(&live), &deployment(1), "passerelle", false, None, T1).expect("same value");
    assert!(fields_of(&shared, "kubectl-client-side-apply", "Update")["f:spec"]["f:replicas"].is_object());
    let forced = apply(&rt, Some(&live), &deployment(3), "passerelle", true, None, T1).expect("forced");
    assert_eq!(forced["spec"]["replicas"], 3);
    assert_eq!(
        fields_of(&forced, "passerelle", "Apply"),
        json!({"f:spec": {"f:replicas": {}, "f:selector": {}}})
    );
    assert_eq!(
        fields_of(&forced, "kubectl-client-side-apply", "Update"),
        json!({"f:spec": {"f:selector": {}}}),
        "the forced field moved, the shared one stayed"
    );
}

#[test]
fn several_conflicts_are_grouped_by_manager() {
    let rt = builtin("", "ConfigMap");
    let live = created_by(&rt, &config_map(json!({"a": "1", "b": "2"})), "editor");
    let live = stored(
        apply(
            &rt,
            Some(&live),
            &config_map(json!({"c": "3"})),
            "other",
            false,
            None,
            T1,
        )
        .unwrap(),
    );
    let err = apply(
        &rt,
        Some(&live),
        &config_map(json!({"a": "x", "b": "y", "c": "z"})),
        "me",
        false,
        None,
        T2,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 3 conflicts: conflicts with \"editor\" using v1:\n- .data.a\n- .data.b\nconflicts with \"other\":\n- .data.c"
    );
    assert_eq!(err.causes().len(), 3);
}

#[test]
fn record_update_takes_the_changed_fields_from_other_managers() {
    let rt = builtin("", "ConfigMap");
    let live = stored(
        apply(
            &rt,
            None,
            &config_map(json!({"a": "1", "b": "2"})),
            "op",
            false,
            None,
            T0,
        )
        .unwrap(),
    );
    let mut edited = live.clone();
    edited["data"]["a"] = json!("changed");
    record_update(&rt, Some(&live), &mut edited, "kubectl-edit", None, T1);
    assert_eq!(fields_of(&edited, "op", "Apply"), json!({"f:data": {"f:b": {}}}));
    assert_eq!(
        fields_of(&edited, "kubectl-edit", "Update"),
        json!({"f:data": {"f:a": {}}})
    );
    let edited = stored(edited);
    let mut same = edited.clone();
    record_update(&rt, Some(&edited), &mut same, "someone", None, T2);
    assert_eq!(same, edited, "a write that changes nothing records nothing");
    let mut all = edited.clone();
    all["data"] = json!({"a": "x", "b": "y"});
    record_update(&rt, Some(&edited), &mut all, "kubectl-edit", None, T2);
    assert!(
        entry(&all, "op", "Apply").is_none(),
        "a manager left with nothing is dropped"
    );
    assert_eq!(entry(&all, "kubectl-edit", "Update").unwrap()["time"], T2);
}

#[test]
fn status_is_never_owned_through_the_main_resource() {
    let rt = builtin("apps", "Deployment");
    let mut status = deployment(1);
    status["status"] = json!({"conditions": [{"type": "Available", "status": "True"}]});
    let live = created_by(&rt, &deployment(1), "kubectl-create");
    let mut with_status = live.clone();
    with_status["status"] = status["status"].clone();
    record_update(
        &rt,
        Some(&live),
        &mut with_status,
        "kube-controller-manager",
        Some("status"),
        T1,
    );
    assert!(entry(&with_status, "kube-controller-manager", "Update").unwrap()["subresource"] == "status");
    let mut main = with_status.clone();
    main["status"] = json!({"conditions": []});
    record_update(&rt, Some(&with_status), &mut main, "kubectl-edit", None, T1);
    assert!(
        entry(&main, "kubectl-edit", "Update").is_none(),
        "status is never owned through the main resource"
    );
}

#[test]
fn server_side_apply_takes_over_from_client_side_apply() {
    let rt = builtin("apps", "Deployment");
    let annotation = "kubectl.kubernetes.io/last-applied-configuration";
    let mut csa = deployment(1);
    csa["metadata"]["annotations"] =
        json!({annotation: serde_json::to_string(&deployment(1)).unwrap() + "\n"});
    let live = created_by(&rt, &csa, "kubectl-client-side-apply");
    let out = apply(&rt, Some(&live), &deployment(3), "kubectl", false, None, T1)
        .expect("upgraded without conflict");
    assert_eq!(out["spec"]["replicas"], 3);
    let last: Value =
        serde_json::from_str(out["metadata"]["annotations"][annotation].as_str().unwrap()).unwrap();
    assert_eq!(
        last,
        deployment(3),
        "the annotation follows the server-side configuration"
    );
    let other = apply(&rt, Some(&live), &deployment(3), "helm", false, None, T1);
    assert!(other.is_err(), "only kubectl gets the upgrade");
}

#[test]
fn first_apply_to_an_object_without_managed_fields_conflicts_with_before_first_apply() {
    let rt = builtin("", "ConfigMap");
    let live = stored(config_map(json!({"a": "1"})));
    let err = apply(
        &rt,
        Some(&live),
        &config_map(json!({"a": "2"})),
        "op",
        false,
        None,
        T1,
    )
    .unwrap_err();
    assert_eq!(
        err,
        Conflict {
            fields: vec![("\"before-first-apply\" using v1".into(), ".data.a".into())]
        }
    );
}

#[test]
fn update_without_managed_fields_on_an_untracked_object_records_nothing() {
    let rt = builtin("", "ConfigMap");
    let live = stored(config_map(json!({"a": "1"})));
    let mut new = config_map(json!({"a": "2"}));
    record_update(&rt, Some(&live), &mut new, "x", None, T1);
    assert!(new["metadata"].get("managedFields").is_none());
}

#[test]
fn an_empty_managed_fields_entry_resets_them() {
    let rt = builtin("", "ConfigMap");
    let live = created_by(&rt, &config_map(json!({"a": "1"})), "x");
    let mut reset = live.clone();
    reset["metadata"]["managedFields"] = json!([{}]);
    record_update(&rt, Some(&live), &mut reset, "y", None, T1);
    assert!(reset["metadata"].get("managedFields").is_none());
}
