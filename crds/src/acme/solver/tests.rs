//! Round-trip and schema tests of the challenge solvers: selectors and
//! HTTP-01 solvers (Ingress and Gateway API, with every pod template
//! override) deserialize and serialize back unchanged.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::*;

/// Parses `yaml`, deserializes it as `T`, asserts that `T` serializes back
/// to the same JSON, and returns it.
fn round_trip<T: Serialize + DeserializeOwned>(yaml: &str) -> T {
    let manifest: Value = serde_yaml::from_str(yaml).expect("valid YAML");
    let typed: T = serde_json::from_value(manifest.clone()).expect("deserializes");
    assert_eq!(serde_json::to_value(&typed).expect("serializes"), manifest);
    typed
}

/// The JSON schema of `T` with every subschema inlined, as kube generates it.
fn schema_of<T: schemars::JsonSchema>() -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12().with(|s| s.inline_subschemas = true);
    serde_json::to_value(settings.into_generator().into_root_schema_for::<T>()).expect("schema")
}

const POD_TEMPLATE: &str = r#"
metadata:
  labels: {team: edge}
  annotations: {sidecar.istio.io/inject: "false"}
spec:
  nodeSelector: {kubernetes.io/os: linux}
  priorityClassName: system-cluster-critical
  serviceAccountName: acme-solver
  imagePullSecrets:
    - name: registry
  tolerations:
    - key: dedicated
      operator: Equal
      value: ingress
      effect: NoSchedule
    - key: node.kubernetes.io/unreachable
      operator: Exists
      effect: NoExecute
      tolerationSeconds: 30
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1a]}
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels: {acme.cert-manager.io/http01-solver: "true"}
  resources:
    requests: {cpu: 10m, memory: 64Mi}
    limits: {cpu: 100m, memory: 64Mi}
  securityContext:
    runAsUser: 1000
    runAsGroup: 1000
    runAsNonRoot: true
    fsGroup: 2000
    fsGroupChangePolicy: OnRootMismatch
    supplementalGroups: [3000, 4000]
    sysctls:
      - {name: net.ipv4.ip_unprivileged_port_start, value: "0"}
    seLinuxOptions: {level: "s0:c123,c456", role: r, type: spc_t, user: u}
    seccompProfile: {type: Localhost, localhostProfile: profiles/solver.json}
"#;

fn indent(text: &str, by: usize) -> String {
    text.lines().map(|l| format!("{}{l}\n", " ".repeat(by))).collect()
}

#[test]
fn ingress_solver_with_full_pod_template_round_trips_unchanged() {
    let yaml = format!(
        "selector:\n  matchLabels: {{use-http01: \"yes\"}}\n  dnsNames: [www.example.com]\n  dnsZones: [example.org]\n\
         http01:\n  ingress:\n    serviceType: ClusterIP\n    ingressClassName: nginx\n    class: nginx\n    name: web\n\
         \x20   ingressTemplate:\n      metadata:\n        labels: {{a: b}}\n        annotations: {{nginx.ingress.kubernetes.io/whitelist-source-range: 0.0.0.0/0}}\n\
         \x20   podTemplate:\n{}",
        indent(POD_TEMPLATE.trim_start_matches('\n'), 6)
    );
    let solver: AcmeChallengeSolver = round_trip(&yaml);
    let ingress = solver.http01.and_then(|h| h.ingress).expect("ingress solver");
    assert_eq!(ingress.ingress_class_name.as_deref(), Some("nginx"));
    let spec = ingress.pod_template.and_then(|t| t.spec).expect("pod spec");
    assert_eq!(spec.security_context.and_then(|s| s.run_as_user), Some(1000));
    let requests = spec.resources.and_then(|r| r.requests).expect("requests");
    assert_eq!(requests["cpu"], crate::meta::IntOrString::String("10m".into()));
}

#[test]
fn gateway_solver_round_trips_unchanged() {
    let yaml = format!(
        "http01:\n  gatewayHTTPRoute:\n    serviceType: NodePort\n    labels: {{route: acme}}\n    parentRefs:\n\
         \x20     - name: public\n        namespace: gateways\n        kind: Gateway\n        group: gateway.networking.k8s.io\n        sectionName: http\n        port: 80\n\
         \x20     - name: mesh\n        group: \"\"\n        kind: Service\n\
         \x20   podTemplate:\n{}",
        indent(POD_TEMPLATE.trim_start_matches('\n'), 6)
    );
    let solver: AcmeChallengeSolver = round_trip(&yaml);
    let route = solver
        .http01
        .and_then(|h| h.gateway_http_route)
        .expect("gateway solver");
    let refs = route.parent_refs.expect("parentRefs");
    assert_eq!(refs[0].port, Some(80));
    assert_eq!(refs[1].group.as_deref(), Some(""), "explicit core group is kept");
}

#[test]
fn explicit_empty_collections_are_kept() {
    let solver: AcmeChallengeSolver = round_trip(
        "selector: {matchLabels: {}, dnsNames: [], dnsZones: []}\n\
         http01:\n  ingress:\n    podTemplate: {metadata: {}, spec: {tolerations: [], nodeSelector: {}}}\n    ingressTemplate: {}\n",
    );
    assert_eq!(solver.selector.and_then(|s| s.dns_names), Some(vec![]));
}

#[test]
fn empty_solver_round_trips_as_empty_object() {
    let solver: AcmeChallengeSolver = round_trip("{}");
    assert_eq!(solver, AcmeChallengeSolver::default());
}

#[test]
fn parent_reference_requires_a_name() {
    assert!(serde_json::from_value::<ParentReference>(json!({"kind": "Gateway"})).is_err());
}

#[test]
fn schema_states_gateway_api_constraints_and_defaults() {
    let schema = schema_of::<AcmeChallengeSolverHttp01GatewayHttpRoute>();
    let parent = &schema["properties"]["parentRefs"]["items"];
    assert_eq!(
        schema.pointer("/properties/parentRefs/x-kubernetes-list-type"),
        Some(&json!("atomic"))
    );
    assert_eq!(parent["required"], json!(["name"]));
    assert_eq!(
        parent["properties"]["group"]["default"],
        json!("gateway.networking.k8s.io")
    );
    assert_eq!(parent["properties"]["group"]["maxLength"], json!(253));
    assert_eq!(parent["properties"]["kind"]["default"], json!("Gateway"));
    assert_eq!(parent["properties"]["kind"]["minLength"], json!(1));
    assert_eq!(
        parent["properties"]["namespace"]["pattern"],
        json!("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    );
    assert_eq!(parent["properties"]["port"]["maximum"], json!(65535));
    assert_eq!(parent["properties"]["port"]["format"], json!("int32"));
    assert!(parent["properties"]["sectionName"]["pattern"].is_string());
}

#[test]
fn schema_declares_resources_as_int_or_string_quantities() {
    let schema = schema_of::<AcmeChallengeSolverHttp01IngressPodSpec>();
    let limit = &schema["properties"]["resources"]["properties"]["limits"]["additionalProperties"];
    assert_eq!(limit["x-kubernetes-int-or-string"], json!(true));
    assert!(limit["pattern"].as_str().is_some_and(|p| p.contains("[KMGTPE]i")));
    assert_eq!(
        schema.pointer("/properties/imagePullSecrets/x-kubernetes-list-map-keys"),
        Some(&json!(["name"]))
    );
    assert_eq!(
        schema.pointer("/properties/securityContext/properties/supplementalGroups/items/format"),
        Some(&json!("int64"))
    );
}
