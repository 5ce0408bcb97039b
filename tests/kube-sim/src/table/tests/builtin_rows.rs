//! Tables of built-in kinds: the columns and cells of kube-apiserver's
//! printers for the kinds kube-sim serves.

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{cells, now};
use crate::registry::ResourceType;
use crate::table::{IncludeObject, render_at};

fn builtin(group: &str, kind: &str) -> ResourceType {
    crate::builtin::types()
        .into_iter()
        .find(|t| t.group == group && t.kind == kind)
        .expect("built-in type")
}

pub(super) fn table(group: &str, kind: &str, objects: &[Value]) -> Value {
    render_at(
        &builtin(group, kind),
        objects,
        json!({"resourceVersion": "1"}),
        IncludeObject::None,
        now(),
    )
}

pub(super) fn column_names(table: &Value) -> Vec<String> {
    table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

pub(super) fn meta(name: &str) -> Value {
    json!({"name": name, "namespace": "default", "creationTimestamp": "2025-06-01T11:55:00Z"})
}

#[test]
fn secrets_show_type_and_data_count() {
    let secret = json!({"metadata": meta("web-tls"), "type": "kubernetes.io/tls", "data": {"tls.crt": "", "tls.key": ""}});
    let opaque = json!({"metadata": meta("plain"), "stringData": {"a": "b"}});
    let t = table("", "Secret", &[secret, opaque]);
    assert_eq!(column_names(&t), ["Name", "Type", "Data", "Age"]);
    assert_eq!(
        t["columnDefinitions"][1]["description"],
        "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"
    );
    assert_eq!(t["columnDefinitions"][3]["type"], "string");
    assert_eq!(
        cells(&t, 0),
        vec![
            json!("web-tls"),
            json!("kubernetes.io/tls"),
            json!(2),
            json!("5m")
        ]
    );
    assert_eq!(
        cells(&t, 1),
        vec![json!("plain"), json!("Opaque"), json!(1), json!("5m")]
    );
}

#[test]
fn services_show_addresses_ports_and_selector() {
    let svc = json!({
        "metadata": meta("web"),
        "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.7", "clusterIPs": ["10.0.0.7"], "selector": {"app": "web", "tier": "fe"},
                 "ports": [{"port": 80, "protocol": "TCP"}, {"port": 443, "nodePort": 30443}]},
    });
    let lb = json!({
        "metadata": meta("lb"),
        "spec": {"type": "LoadBalancer", "ports": [{"port": 53, "protocol": "UDP"}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}, {"hostname": "lb.example"}]}},
    });
    let pending = json!({"metadata": meta("pending"), "spec": {"type": "LoadBalancer"}});
    let external =
        json!({"metadata": meta("ext"), "spec": {"type": "ExternalName", "externalName": "db.example"}});
    let t = table("", "Service", &[svc, lb, pending, external]);
    assert_eq!(
        column_names(&t),
        [
            "Name",
            "Type",
            "Cluster-IP",
            "External-IP",
            "Port(s)",
            "Age",
            "Selector"
        ]
    );
    assert_eq!(t["columnDefinitions"][6]["priority"], 1);
    assert_eq!(
        cells(&t, 0),
        vec![
            json!("web"),
            json!("ClusterIP"),
            json!("10.0.0.7"),
            json!("<none>"),
            json!("80/TCP,443:30443/TCP"),
            json!("5m"),
            json!("app=web,tier=fe")
        ]
    );
    assert_eq!(cells(&t, 1)[3], json!("203.0.113.9,lb.example"));
    assert_eq!(cells(&t, 1)[4], json!("53/UDP"));
    assert_eq!(
        cells(&t, 2)[2..5],
        [json!("<none>"), json!("<pending>"), json!("<none>")]
    );
    assert_eq!(cells(&t, 3)[3], json!("db.example"));
    assert_eq!(cells(&t, 3)[6], json!("<none>"));
}

#[test]
fn ingresses_show_class_hosts_address_and_ports() {
    let ing = json!({
        "metadata": meta("site"),
        "spec": {"ingressClassName": "passerelle", "tls": [{"hosts": ["a.example"]}],
                 "rules": [{"host": "a.example"}, {"host": "b.example"}, {"host": "c.example"}, {"host": "d.example"}, {"host": "e.example"}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.2"}, {"ip": "192.0.2.1"}]}},
    });
    let bare = json!({"metadata": meta("bare"), "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}});
    let t = table("networking.k8s.io", "Ingress", &[ing, bare]);
    assert_eq!(
        column_names(&t),
        ["Name", "Class", "Hosts", "Address", "Ports", "Age"]
    );
    assert_eq!(
        cells(&t, 0),
        vec![
            json!("site"),
            json!("passerelle"),
            json!("a.example,b.example,c.example + 2 more..."),
            json!("192.0.2.1,192.0.2.2"),
            json!("80, 443"),
            json!("5m")
        ]
    );
    assert_eq!(
        cells(&t, 1),
        vec![
            json!("bare"),
            json!("<none>"),
            json!("*"),
            json!(""),
            json!("80"),
            json!("5m")
        ]
    );
}

#[test]
fn namespaces_config_maps_leases_and_service_accounts() {
    let ns = json!({"metadata": {"name": "prod", "creationTimestamp": "2025-05-30T12:00:00Z"}, "status": {"phase": "Active"}});
    let t = table("", "Namespace", &[ns]);
    assert_eq!(column_names(&t), ["Name", "Status", "Age"]);
    assert_eq!(cells(&t, 0), vec![json!("prod"), json!("Active"), json!("2d")]);

    let cm = json!({"metadata": meta("cfg"), "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}});
    let t = table("", "ConfigMap", &[cm]);
    assert_eq!(column_names(&t), ["Name", "Data", "Age"]);
    assert_eq!(cells(&t, 0), vec![json!("cfg"), json!(3), json!("5m")]);

    let lease = json!({"metadata": meta("passerelle-operator"), "spec": {"holderIdentity": "pod-1"}});
    let t = table(
        "coordination.k8s.io",
        "Lease",
        &[lease, json!({"metadata": meta("free")})],
    );
    assert_eq!(column_names(&t), ["Name", "Holder", "Age"]);
    assert_eq!(
        cells(&t, 0),
        vec![json!("passerelle-operator"), json!("pod-1"), json!("5m")]
    );
    assert_eq!(cells(&t, 1)[1], json!(""));

    let sa = json!({"metadata": meta("default"), "secrets": [{"name": "x"}]});
    let t = table("", "ServiceAccount", &[sa]);
    assert_eq!(cells(&t, 0), vec![json!("default"), json!(1), json!("5m")]);
}

#[test]
fn endpoint_slices_show_ports_and_endpoints() {
    let slice = json!({
        "metadata": meta("web-abc"), "addressType": "IPv4",
        "ports": [{"name": "http", "port": 8080}, {"name": "metrics"}],
        "endpoints": [{"addresses": ["10.0.0.1", "10.0.0.2"]}, {"addresses": ["10.0.0.3", "10.0.0.4"]}],
    });
    let t = table(
        "discovery.k8s.io",
        "EndpointSlice",
        &[slice, json!({"metadata": meta("empty"), "addressType": "IPv4"})],
    );
    assert_eq!(
        column_names(&t),
        ["Name", "AddressType", "Ports", "Endpoints", "Age"]
    );
    assert_eq!(
        cells(&t, 0),
        vec![
            json!("web-abc"),
            json!("IPv4"),
            json!("8080,metrics"),
            json!("10.0.0.1,10.0.0.2,10.0.0.3 + 1 more..."),
            json!("5m")
        ]
    );
    assert_eq!(cells(&t, 1)[2..4], [json!("<unset>"), json!("<unset>")]);
}

#[test]
fn bindings_show_role_and_subjects() {
    let binding = json!({
        "metadata": meta("operator"),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "passerelle"},
        "subjects": [{"kind": "ServiceAccount", "name": "op", "namespace": "system"}, {"kind": "User", "name": "alice"}, {"kind": "Group", "name": "ops"}, {"kind": "User", "name": "bob"}],
    });
    let t = table(
        "rbac.authorization.k8s.io",
        "ClusterRoleBinding",
        std::slice::from_ref(&binding),
    );
    assert_eq!(
        column_names(&t),
        ["Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"]
    );
    assert_eq!(
        t["columnDefinitions"][3]["description"],
        "Users in the clusterRoleBinding"
    );
    assert_eq!(
        cells(&t, 0),
        vec![
            json!("operator"),
            json!("ClusterRole/passerelle"),
            json!("5m"),
            json!("alice, bob"),
            json!("ops"),
            json!("system/op")
        ]
    );
    let t = table("rbac.authorization.k8s.io", "RoleBinding", &[binding]);
    assert_eq!(
        t["columnDefinitions"][3]["description"],
        "Users in the roleBinding"
    );
}

#[test]
fn kinds_without_printers_show_name_and_created_at() {
    let role = json!({"metadata": {"name": "reader", "namespace": "default", "creationTimestamp": "2025-06-01T11:55:00Z"}});
    for (group, kind) in [
        ("rbac.authorization.k8s.io", "Role"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ] {
        let t = table(group, kind, std::slice::from_ref(&role));
        assert_eq!(column_names(&t), ["Name", "Created At"]);
        assert_eq!(t["columnDefinitions"][1]["type"], "date");
        assert_eq!(cells(&t, 0), vec![json!("reader"), json!("2025-06-01T11:55:00Z")]);
    }
}

#[test]
fn ingress_classes_and_endpoints() {
    let class = json!({"metadata": meta("passerelle"), "spec": {"controller": "passerelle.dev/proxy",
                       "parameters": {"apiGroup": "passerelle.dev", "kind": "ProxyConfig", "name": "default"}}});
    let t = table("networking.k8s.io", "IngressClass", &[class]);
    assert_eq!(
        cells(&t, 0),
        vec![
            json!("passerelle"),
            json!("passerelle.dev/proxy"),
            json!("ProxyConfig.passerelle.dev/default"),
            json!("5m")
        ]
    );
    let ep = json!({"metadata": meta("web"), "subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "fd00::1"}], "ports": [{"port": 80}]}]});
    let t = table("", "Endpoints", &[ep, json!({"metadata": meta("none")})]);
    assert_eq!(cells(&t, 0)[1], json!("10.0.0.1:80,[fd00::1]:80"));
    assert_eq!(cells(&t, 1)[1], json!("<none>"));
}
