//! Server-side apply of a custom resource with its real schema: an atomic
//! list, status conditions merged by type across managers (the `cmctl
//! renew` scenario), the status subresource, and what the API server
//! refuses to apply.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{T0, T1, T2, builtin, certificates, config_map, entry, fields_of, stored};
use crate::apply::{ApplyError, apply, apply_checked, record_update};

#[test]
fn atomic_list_is_replaced_whole_and_owned_as_one_field() {
    let rt = certificates();
    let cert = |names: Value| {
        json!({
            "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
            "metadata": {"name": "site", "namespace": "default"},
            "spec": {"secretName": "site-tls", "issuerRef": {"name": "ca"}, "dnsNames": names},
        })
    };
    let live = stored(
        apply(
            &rt,
            None,
            &cert(json!(["a.example", "b.example"])),
            "one",
            false,
            None,
            T0,
        )
        .unwrap(),
    );
    assert!(fields_of(&live, "one", "Apply")["f:spec"]["f:dnsNames"] == json!({}));
    let mut other = cert(json!(["c.example"]));
    other["spec"] = json!({"dnsNames": ["c.example"]});
    let err = apply(&rt, Some(&live), &other, "two", false, None, T1).unwrap_err();
    assert_eq!(
        err.fields,
        vec![("\"one\"".to_string(), ".spec.dnsNames".to_string())]
    );
    let forced = apply(&rt, Some(&live), &other, "two", true, None, T1).unwrap();
    assert_eq!(forced["spec"]["dnsNames"], json!(["c.example"]));
    assert!(
        fields_of(&forced, "one", "Apply")["f:spec"]
            .get("f:dnsNames")
            .is_none()
    );
}

fn cert_status(conditions: Value) -> Value {
    json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "metadata": {"name": "site", "namespace": "default"},
        "status": {"conditions": conditions},
    })
}

fn condition(kind: &str, status: &str, reason: &str) -> Value {
    json!({"type": kind, "status": status, "reason": reason, "message": reason, "lastTransitionTime": T0})
}

#[test]
fn conditions_merge_by_type_across_managers_as_after_cmctl_renew() {
    let rt = certificates();
    let spec = json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "metadata": {"name": "site", "namespace": "default"},
        "spec": {"secretName": "site-tls", "issuerRef": {"name": "ca"}, "dnsNames": ["a.example"]},
    });
    let live = stored(apply(&rt, None, &spec, "kubectl", false, None, T0).unwrap());
    let ready = condition("Ready", "False", "DoesNotExist");
    let live = stored(
        apply(
            &rt,
            Some(&live),
            &cert_status(json!([ready])),
            "passerelle",
            true,
            Some("status"),
            T0,
        )
        .unwrap(),
    );
    let status_entry = entry(&live, "passerelle", "Apply").unwrap();
    assert_eq!(status_entry["subresource"], "status");

    // cmctl renew: an update of /status adding Issuing under its own manager.
    let mut renewed = live.clone();
    renewed["status"]["conditions"]
        .as_array_mut()
        .unwrap()
        .push(condition("Issuing", "True", "ManuallyTriggered"));
    record_update(&rt, Some(&live), &mut renewed, "cmctl", Some("status"), T1);
    let live = stored(renewed);
    assert_eq!(
        fields_of(&live, "cmctl", "Update"),
        json!({"f:status": {"f:conditions": {"k:{\"type\":\"Issuing\"}": {
            ".": {}, "f:lastTransitionTime": {}, "f:message": {}, "f:reason": {}, "f:status": {}, "f:type": {},
        }}}})
    );

    // The operator's usual status apply, without Issuing, leaves it alone.
    let again = apply(
        &rt,
        Some(&live),
        &cert_status(json!([ready])),
        "passerelle",
        true,
        Some("status"),
        T2,
    )
    .unwrap();
    let types: Vec<&Value> = again["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["type"])
        .collect();
    assert_eq!(types, vec!["Ready", "Issuing"]);

    // Taking Issuing over conflicts with cmctl unless forced.
    let mut done = condition("Issuing", "False", "Issued");
    done["lastTransitionTime"] = json!(T2);
    let err = apply(
        &rt,
        Some(&live),
        &cert_status(json!([ready, done])),
        "passerelle",
        false,
        Some("status"),
        T2,
    )
    .unwrap_err();
    assert!(
        err.fields
            .iter()
            .all(|(m, _)| m == "\"cmctl\" with subresource \"status\" using cert-manager.io/v1")
    );
    assert!(err.fields.contains(&(
        err.fields[0].0.clone(),
        ".status.conditions[type=\"Issuing\"].status".into()
    )));
    let taken = stored(
        apply(
            &rt,
            Some(&live),
            &cert_status(json!([ready, done])),
            "passerelle",
            true,
            Some("status"),
            T2,
        )
        .unwrap(),
    );
    assert_eq!(taken["status"]["conditions"][1]["reason"], "Issued");
    assert_eq!(
        fields_of(&taken, "cmctl", "Update"),
        json!({"f:status": {"f:conditions": {"k:{\"type\":\"Issuing\"}": {".": {}, "f:type": {}}}}}),
        "cmctl keeps the item and its key"
    );

    // Dropping it now prunes the fields only the operator owned: the item,
    // still owned by cmctl, stays as a stub, as on a real API server.
    let dropped = apply(
        &rt,
        Some(&taken),
        &cert_status(json!([ready])),
        "passerelle",
        true,
        Some("status"),
        T2,
    )
    .unwrap();
    assert_eq!(
        dropped["status"]["conditions"],
        json!([ready, {"type": "Issuing"}])
    );
    assert_eq!(
        dropped["spec"], live["spec"],
        "a status apply leaves the spec alone"
    );
}

#[test]
fn main_resource_apply_neither_writes_nor_owns_status() {
    let rt = certificates();
    let mut cfg = cert_status(json!([condition("Ready", "True", "Ready")]));
    cfg["spec"] = json!({"secretName": "s", "issuerRef": {"name": "ca"}});
    let out = apply(&rt, None, &cfg, "kubectl", false, None, T0).unwrap();
    assert!(out.get("status").is_none());
    assert!(fields_of(&out, "kubectl", "Apply").get("f:status").is_none());
}

#[test]
fn checked_apply_refuses_what_the_api_server_refuses() {
    let rt = certificates();
    let mut cfg = cert_status(json!(null));
    cfg["spec"] = json!({"secretName": "s", "bogus": true});
    let err = apply_checked(&rt, None, &cfg, "x", false, None, T0).unwrap_err();
    assert_eq!(
        err,
        ApplyError::Internal(
            "failed to create typed patch object (default/site; cert-manager.io/v1, Kind=Certificate): .spec.bogus: field not declared in schema".into()
        )
    );
    let rt = builtin("", "Service");
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"name": "x"}]}});
    let err = apply_checked(&rt, None, &svc, "x", false, None, T0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed to create typed patch object (/s; /v1, Kind=Service): .spec.ports: element 0: associative list with keys has an element that omits key field \"port\" (and doesn't have default value)"
    );
    let wrong = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
    let err = apply_checked(&builtin("", "ConfigMap"), None, &wrong, "x", false, None, T0).unwrap_err();
    assert_eq!(
        err,
        ApplyError::BadRequest("invalid object type: /v1, Kind=Secret".into())
    );
    let mut with_mf = config_map(json!({}));
    with_mf["metadata"]["managedFields"] = json!([]);
    let err = apply_checked(&builtin("", "ConfigMap"), None, &with_mf, "x", false, None, T0).unwrap_err();
    assert_eq!(
        err,
        ApplyError::BadRequest("metadata.managedFields must be nil".into())
    );
}
