//! Lease, Deployment, DaemonSet and RBAC rules, and the unknown fields of
//! built-ins.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{builtin, texts};
use crate::validation::{prune_unknown_fields, unknown_fields};

const NONE: Vec<String> = Vec::new();

#[test]
fn leases_have_positive_durations() {
    let rt = builtin("coordination.k8s.io", "Lease");
    let lease = |spec: Value| json!({"metadata": {"name": "passerelle-operator", "namespace": "default"}, "spec": spec});
    assert_eq!(
        texts(
            &rt,
            &lease(json!({"holderIdentity": "pod-1", "leaseDurationSeconds": 15})),
            None
        ),
        NONE
    );
    assert_eq!(
        texts(
            &rt,
            &lease(json!({"leaseDurationSeconds": 0, "leaseTransitions": -1, "preferredHolder": "pod-2"})),
            None
        ),
        [
            "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
            "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
            "spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined",
        ]
    );
    assert_eq!(
        texts(&rt, &lease(json!({"strategy": "Newest"})), None),
        [
            "spec.strategy.strategy: Unsupported value: \"Newest\": supported values: \"OldestEmulationVersion\""
        ]
    );
    // Lease metadata uses apimachinery's rules: unqualified finalizers pass.
    let mut object = lease(json!({}));
    object["metadata"]["finalizers"] = json!(["cleanup"]);
    assert_eq!(texts(&rt, &object, None), NONE);
}

fn deployment(spec: Value) -> Value {
    json!({"metadata": {"name": "proxy", "namespace": "default"}, "spec": spec})
}

#[test]
fn workloads_need_a_matching_selector_and_containers() {
    let rt = builtin("apps", "Deployment");
    let template = json!({"metadata": {"labels": {"app": "proxy"}}, "spec": {"containers": [{"name": "proxy", "image": "passerelle"}]}});
    assert_eq!(
        texts(
            &rt,
            &deployment(json!({"selector": {"matchLabels": {"app": "proxy"}}, "template": template})),
            None
        ),
        NONE
    );
    assert_eq!(
        texts(
            &rt,
            &deployment(json!({"selector": {"matchLabels": {"app": "other"}}, "template": template})),
            None
        ),
        [
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"proxy\"}: `selector` does not match template `labels`"
        ]
    );
    assert_eq!(
        texts(
            &rt,
            &deployment(
                json!({"replicas": -1, "template": {"spec": {"containers": [{"image": "x"}], "restartPolicy": "Never"}}})
            ),
            None
        ),
        [
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.selector: Required value",
            "spec.template.spec.containers[0].name: Required value",
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
        ]
    );
    assert_eq!(
        texts(
            &rt,
            &deployment(json!({"selector": {}, "template": {"spec": {}}})),
            None
        ),
        [
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
            "spec.template.spec.containers: Required value",
        ]
    );
    let ds = builtin("apps", "DaemonSet");
    let expressions = json!({"selector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["agent"]}]}, "template": template});
    assert_eq!(
        texts(&ds, &deployment(expressions), None),
        [
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"proxy\"}: `selector` does not match template `labels`"
        ]
    );
}

#[test]
fn roles_need_verbs_and_resources() {
    let rt = builtin("rbac.authorization.k8s.io", "Role");
    let role = |rules: Value| json!({"metadata": {"name": "reader", "namespace": "default"}, "rules": rules});
    assert_eq!(
        texts(
            &rt,
            &role(json!([{"verbs": ["get"], "apiGroups": [""], "resources": ["secrets"]}])),
            None
        ),
        NONE
    );
    assert_eq!(
        texts(
            &rt,
            &role(
                json!([{"apiGroups": [], "resources": ["a", "b"], "resourceNames": ["x"]}, {"verbs": ["get"], "nonResourceURLs": ["/healthz"]}])
            ),
            None
        ),
        [
            "rules[0].verbs: Required value: verbs must contain at least one value",
            "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
            "rules[0].resourceNames: Required value: resource names cannot apply to multiple resources",
            "rules[1].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs",
        ]
    );
    let cluster = builtin("rbac.authorization.k8s.io", "ClusterRole");
    let object = json!({"metadata": {"name": "health"}, "rules": [{"verbs": ["get"], "nonResourceURLs": ["/healthz"]}]});
    assert_eq!(texts(&cluster, &object, None), NONE);
}

#[test]
fn bindings_check_role_refs_and_subjects() {
    let rt = builtin("rbac.authorization.k8s.io", "ClusterRoleBinding");
    let binding = |role_ref: Value, subjects: Value| json!({"metadata": {"name": "b"}, "roleRef": role_ref, "subjects": subjects});
    let role_ref =
        json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "passerelle"});
    let good = binding(
        role_ref.clone(),
        json!([{"kind": "User", "name": "alice"}, {"kind": "ServiceAccount", "name": "op", "namespace": "system"}]),
    );
    assert_eq!(texts(&rt, &good, None), NONE);
    let bad = binding(
        json!({"apiGroup": "", "kind": "Role", "name": ""}),
        json!([{"kind": "ServiceAccount", "name": "op"}, {"kind": "Robot", "name": "r2"}, {"kind": "Group", "name": "", "apiGroup": "x"}]),
    );
    assert_eq!(
        texts(&rt, &bad, None),
        [
            "roleRef.apiGroup: Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\"",
            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"",
            "roleRef.name: Required value",
            "subjects[0].namespace: Required value",
            "subjects[1].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"",
            "subjects[2].name: Required value",
            "subjects[2].name: Invalid value: \"\": group name cannot be empty",
            "subjects[2].apiGroup: Unsupported value: \"x\": supported values: \"rbac.authorization.k8s.io\"",
        ]
    );
    let changed = binding(
        json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"}),
        json!([]),
    );
    assert_eq!(
        texts(&rt, &changed, Some(&binding(role_ref, json!([])))),
        [
            "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"admin\"}: cannot change roleRef"
        ]
    );
}

#[test]
fn unknown_fields_of_a_secret() {
    let rt = builtin("", "Secret");
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "labels": {"any": "label"}, "colour": "blue", "managedFields": [{"manager": "m", "fieldsV1": {"f:data": {}}}]},
        "type": "Opaque", "data": {"a": "YQ=="}, "stringData": {"b": "c"}, "immutable": false, "extra": 1,
    });
    assert_eq!(unknown_fields(&rt, &secret), [".extra", ".metadata.colour"]);
}

#[test]
fn unknown_fields_of_an_ingress() {
    let rt = builtin("networking.k8s.io", "Ingress");
    let ingress = json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "site", "annotations": {"a": "b"}},
        "spec": {
            "ingressClassName": "passerelle", "foo": true,
            "tls": [{"hosts": ["a.example"], "secretName": "tls", "secret": "x"}],
            "rules": [{"host": "a.example", "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"numbr": 80}}}},
            ]}}],
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.1", "ports": [{"port": 443, "protocol": "TCP", "err": null}]}]}},
    });
    assert_eq!(
        unknown_fields(&rt, &ingress),
        [
            ".spec.foo",
            ".spec.rules[0].http.paths[0].backend.service.port.numbr",
            ".spec.tls[0].secret",
            ".status.loadBalancer.ingress[0].ports[0].err"
        ]
    );
}

#[test]
fn pruning_drops_unknown_fields_of_built_ins_only() {
    let rt = builtin("networking.k8s.io", "Ingress");
    let mut ingress = json!({
        "metadata": {"name": "site", "labels": {"keep": "me"}, "colour": "blue"},
        "spec": {"foo": 1, "rules": [{"host": "a.example", "bar": 2}]},
    });
    prune_unknown_fields(&rt, &mut ingress);
    assert_eq!(
        ingress,
        json!({"metadata": {"name": "site", "labels": {"keep": "me"}}, "spec": {"rules": [{"host": "a.example"}]}})
    );
    let mut custom_rt = rt.clone();
    custom_rt.source = crate::registry::Source::Crd {
        name: "x".into(),
        schema: json!({}),
        storage: true,
        served: true,
    };
    let mut custom = json!({"spec": {"foo": 1}});
    prune_unknown_fields(&custom_rt, &mut custom);
    assert_eq!(custom, json!({"spec": {"foo": 1}}));
}

#[test]
fn unknown_fields_skip_custom_resources_and_follow_recursive_schemas() {
    let custom = json!({"spec": {"anything": 1}});
    let mut rt = builtin("", "Secret");
    rt.source = crate::registry::Source::Crd {
        name: "x".into(),
        schema: json!({}),
        storage: true,
        served: true,
    };
    assert_eq!(unknown_fields(&rt, &custom), Vec::<String>::new());
    let crd = builtin("apiextensions.k8s.io", "CustomResourceDefinition");
    let schema = json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                        "properties": {"spec": {"type": "object", "bogus": 1, "default": {"free": "form"}}}});
    let object = json!({"metadata": {"name": "a.b"}, "spec": {"group": "b", "versions": [{"name": "v1", "schema": {"openAPIV3Schema": schema}}]}});
    assert_eq!(
        unknown_fields(&crd, &object),
        [".spec.versions[0].schema.openAPIV3Schema.properties.spec.bogus"]
    );
}
