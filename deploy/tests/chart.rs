//! The Helm chart, rendered by `passerelle_deploy` as `helm template` would:
//! the plain manifest is exactly its default rendering, every mode of the
//! values renders to well-formed objects, and the production settings the
//! issue asks for are there (probes, non-root, read-only root filesystem, no
//! capabilities, leader election, the proxy's walkthrough flags).

#[path = "support/render.rs"]
mod support;

use passerelle_deploy::install::{REGENERATE, default_install, manifest_path};
use serde_yaml::Value as Yaml;
use support::{args, container, find, get, has_arg, notes_text, objects};

#[test]
fn plain_manifest_is_the_chart_rendered_with_default_values() {
    let want = default_install().expect("the chart renders");
    let got = std::fs::read_to_string(manifest_path())
        .unwrap_or_else(|_| panic!("deploy/manifests/passerelle.yaml is missing: run `{REGENERATE}`"));
    assert!(
        got == want,
        "deploy/manifests/passerelle.yaml differs from the chart's rendering: run `{REGENERATE}`"
    );
}

#[test]
fn plain_manifest_holds_the_namespace_the_crds_and_the_chart_objects() {
    let text = default_install().unwrap();
    let docs: Vec<Yaml> = text
        .split("\n---\n")
        .skip(1)
        .map(|d| serde_yaml::from_str(d).unwrap())
        .collect();
    let kinds: Vec<&str> = docs.iter().filter_map(|d| d["kind"].as_str()).collect();
    assert_eq!(kinds[0], "Namespace");
    let crds = kinds.iter().filter(|k| **k == "CustomResourceDefinition").count();
    assert_eq!(crds, passerelle_crds::crd::all().len());
    for kind in [
        "ClusterRole",
        "Role",
        "Deployment",
        "DaemonSet",
        "ConfigMap",
        "IngressClass",
    ] {
        assert!(kinds.contains(&kind), "no {kind} in {kinds:?}");
    }
}

#[test]
fn every_object_has_a_name_and_namespaced_ones_the_release_namespace() {
    let cluster_scoped = ["ClusterRole", "ClusterRoleBinding", "IngressClass"];
    for m in objects(&[]) {
        let meta = &m.object["metadata"];
        assert!(meta["name"].as_str().is_some(), "{} has no name", m.kind);
        assert!(
            m.object["apiVersion"].as_str().is_some(),
            "{} has no apiVersion",
            m.kind
        );
        let namespace = meta["namespace"].as_str();
        if cluster_scoped.contains(&m.kind.as_str()) {
            assert_eq!(namespace, None, "{} is cluster-scoped", m.kind);
        } else if !(m.kind.starts_with("Role") && namespace == Some("kube-system")) {
            assert_eq!(namespace, Some("passerelle"), "{} {:?}", m.kind, meta["name"]);
        }
    }
}

#[test]
fn workloads_select_their_own_pods() {
    let objects = objects(&["proxy.kind=Deployment"]);
    for (kind, name) in [
        ("Deployment", "passerelle-operator"),
        ("Deployment", "passerelle-proxy"),
    ] {
        let workload = get(&objects, kind, name);
        let selector = workload["spec"]["selector"]["matchLabels"].as_mapping().unwrap();
        let labels = workload["spec"]["template"]["metadata"]["labels"]
            .as_mapping()
            .unwrap();
        for (k, v) in selector {
            assert_eq!(labels.get(k), Some(v), "{name}: pod label {k:?}");
        }
    }
}

#[test]
fn operator_runs_unprivileged_with_probes_and_leader_election() {
    let objects = objects(&[]);
    let operator = get(&objects, "Deployment", "passerelle-operator");
    assert_eq!(operator["spec"]["replicas"], Yaml::from(2));
    let pod = &operator["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], Yaml::from(true));
    let c = container(operator);
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], Yaml::from(true));
    assert_eq!(
        c["securityContext"]["allowPrivilegeEscalation"],
        Yaml::from(false)
    );
    assert_eq!(c["securityContext"]["capabilities"]["drop"][0], Yaml::from("ALL"));
    assert_eq!(c["livenessProbe"]["httpGet"]["path"], Yaml::from("/healthz"));
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], Yaml::from("/readyz"));
    assert!(c["resources"]["requests"]["memory"].as_str().is_some());
    let ports: Vec<i64> = c["ports"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|p| p["containerPort"].as_i64())
        .collect();
    assert_eq!(ports, vec![8089, 9402]);
    let env: Vec<&str> = c["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(env, vec!["POD_NAME", "POD_NAMESPACE", "POD_IP"]);
    for flag in [
        "--leader-elect=true",
        "--leader-election-namespace=passerelle",
        "--leader-election-lease-duration=60s",
        "--leader-election-renew-deadline=40s",
        "--leader-election-retry-period=15s",
        "--http01-solver-listen=0.0.0.0:8089",
        "--admin-listen=0.0.0.0:9402",
    ] {
        assert!(
            has_arg(operator, flag),
            "operator args lack {flag}: {:?}",
            args(operator)
        );
    }
}

#[test]
fn proxy_daemonset_keeps_the_walkthrough_flags_on_unprivileged_ports() {
    let objects = objects(&[]);
    let proxy = get(&objects, "DaemonSet", "passerelle-proxy");
    for flag in [
        "--kubernetes",
        "--configfile=/config/traefik.toml",
        "--web",
        "--web.address=:8081",
        "--entrypoint-address=http=:8000",
        "--entrypoint-address=https=:8443",
    ] {
        assert!(has_arg(proxy, flag), "proxy args lack {flag}: {:?}", args(proxy));
    }
    let c = container(proxy);
    assert_eq!(c["ports"][0]["hostPort"], Yaml::from(80));
    assert_eq!(c["ports"][1]["hostPort"], Yaml::from(443));
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], Yaml::from(true));
    assert_eq!(
        proxy["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"],
        Yaml::from(true)
    );
    assert!(
        find(&objects, "Service", "passerelle-proxy").is_none(),
        "no Service for a DaemonSet"
    );
    let config = get(&objects, "ConfigMap", "passerelle-proxy")["data"]["traefik.toml"]
        .as_str()
        .unwrap();
    // The file names the node's ports (what redirects send clients to); the
    // args bind the container's.
    assert!(
        config.contains("address = \":80\"") && config.contains("entryPoint = \"https\""),
        "{config}"
    );
    assert!(config.contains("address = \":443\""), "{config}");
    assert!(config.contains("[entryPoints.https.tls]"), "{config}");
}

#[test]
fn proxy_with_host_network_binds_the_node_ports_with_only_net_bind_service() {
    let objects = objects(&["proxy.hostNetwork=true"]);
    let proxy = get(&objects, "DaemonSet", "passerelle-proxy");
    let pod = &proxy["spec"]["template"]["spec"];
    assert_eq!(pod["hostNetwork"], Yaml::from(true));
    assert_eq!(pod["dnsPolicy"], Yaml::from("ClusterFirstWithHostNet"));
    let c = container(proxy);
    assert_eq!(c["ports"][0]["containerPort"], c["ports"][0]["hostPort"]);
    assert_eq!(c["ports"][0]["containerPort"], Yaml::from(80));
    assert!(has_arg(proxy, "--entrypoint-address=https=:443"));
    assert_eq!(c["securityContext"]["capabilities"]["drop"][0], Yaml::from("ALL"));
    assert_eq!(
        c["securityContext"]["capabilities"]["add"][0],
        Yaml::from("NET_BIND_SERVICE")
    );
    let config = get(&objects, "ConfigMap", "passerelle-proxy")["data"]["traefik.toml"]
        .as_str()
        .unwrap();
    assert!(config.contains("address = \":80\""), "{config}");
}

#[test]
fn proxy_deployment_gets_a_load_balancer_it_publishes() {
    let objects = objects(&["proxy.kind=Deployment", "proxy.replicas=3"]);
    let proxy = get(&objects, "Deployment", "passerelle-proxy");
    assert_eq!(proxy["spec"]["replicas"], Yaml::from(3));
    assert!(has_arg(proxy, "--publish-service=passerelle/passerelle-proxy"));
    assert!(container(proxy)["ports"][0]["hostPort"].is_null());
    let service = get(&objects, "Service", "passerelle-proxy");
    assert_eq!(service["spec"]["type"], Yaml::from("LoadBalancer"));
    assert_eq!(service["spec"]["ports"][1]["port"], Yaml::from(443));
    assert_eq!(service["spec"]["ports"][1]["targetPort"], Yaml::from("https"));
    let with_address = objects_with_address();
    let proxy = get(&with_address, "Deployment", "passerelle-proxy");
    assert!(has_arg(proxy, "--publish-address=203.0.113.7"));
    assert!(!args(proxy).iter().any(|a| a.starts_with("--publish-service")));
}

fn objects_with_address() -> Vec<passerelle_deploy::Manifest> {
    objects(&["proxy.kind=Deployment", "proxy.publishAddress=203.0.113.7"])
}

fn render_error(overrides: &[&str]) -> String {
    let chart = passerelle_deploy::Chart::passerelle().unwrap();
    let values = passerelle_deploy::values::with_overrides(&Yaml::Null, overrides).unwrap();
    passerelle_deploy::render::render(&chart, &passerelle_deploy::Release::default_install(), &values)
        .expect_err("the render fails")
        .to_string()
}

#[test]
fn an_unknown_proxy_kind_fails_the_render_with_its_reason() {
    let error = render_error(&["proxy.kind=StatefulSet"]);
    assert!(
        error.contains("proxy.kind must be DaemonSet or Deployment"),
        "{error}"
    );
}

#[test]
fn several_replicas_without_leader_election_are_refused() {
    let error = render_error(&["operator.leaderElection.enabled=false"]);
    assert!(
        error.contains("operator.replicas above 1 needs operator.leaderElection.enabled"),
        "{error}"
    );
}

#[test]
fn optional_pieces_follow_their_values() {
    let objects = objects(&[
        "proxy.enabled=false",
        "ingressClass.enabled=false",
        "operator.leaderElection.enabled=false",
        "operator.replicas=1",
        "operator.serviceAccount.create=false",
        "operator.serviceAccount.name=existing",
        "operator.podDisruptionBudget.enabled=true",
        "ingressShim.defaultIssuerName=letsencrypt",
        "operator.extraArgs=[--enable-certificate-owner-ref]",
    ]);
    let kinds: Vec<&str> = objects.iter().map(|m| m.kind.as_str()).collect();
    assert!(
        !kinds.contains(&"DaemonSet") && !kinds.contains(&"IngressClass"),
        "{kinds:?}"
    );
    assert!(find(&objects, "ServiceAccount", "existing").is_none());
    assert!(find(&objects, "Role", "passerelle-operator-leader-election").is_none());
    assert!(find(&objects, "PodDisruptionBudget", "passerelle-operator").is_some());
    let operator = get(&objects, "Deployment", "passerelle-operator");
    assert_eq!(
        operator["spec"]["template"]["spec"]["serviceAccountName"],
        Yaml::from("existing")
    );
    assert_eq!(
        get(&objects, "ClusterRoleBinding", "passerelle-operator")["subjects"][0]["name"],
        Yaml::from("existing")
    );
    for flag in [
        "--leader-elect=false",
        "--default-issuer-name=letsencrypt",
        "--default-issuer-kind=ClusterIssuer",
        "--default-issuer-group=cert-manager.io",
        "--enable-certificate-owner-ref",
    ] {
        assert!(
            has_arg(operator, flag),
            "operator args lack {flag}: {:?}",
            args(operator)
        );
    }
}

#[test]
fn names_follow_the_release_and_the_overrides() {
    let objects = objects(&["fullnameOverride=edge"]);
    assert!(find(&objects, "Deployment", "edge-operator").is_some());
    assert!(find(&objects, "DaemonSet", "edge-proxy").is_some());
}

#[test]
fn notes_name_what_was_installed() {
    let daemonset = notes_text(&[]);
    assert!(
        daemonset.contains("\nEvery node answers on ports 80 (HTTP) and 443 (HTTPS)."),
        "{daemonset}"
    );
    assert!(daemonset.contains("kube-system/cert-manager-controller"));
    let deployment = notes_text(&["proxy.kind=Deployment"]);
    assert!(
        deployment.contains("kubectl -n passerelle get service passerelle-proxy"),
        "{deployment}"
    );
}
