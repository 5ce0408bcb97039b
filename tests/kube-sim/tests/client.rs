//! kube-sim conformance, driven by the kube-rs client as the operator and
//! the proxy use it: CRUD, conflicts, custom resources with status,
//! server-side apply, finalizers, garbage collection, selectors,
//! pagination, watches (with 410 Gone and relist), streaming lists, RBAC
//! and TLS.

#[path = "support/harness.rs"]
mod harness;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use harness::Harness;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::{WatchStreamExt, reflector, watcher};
use kube::{Client, CustomResourceExt, ResourceExt};
use passerelle_crds::v1::Certificate;
use serde_json::json;

fn configmap(name: &str, data: &str) -> ConfigMap {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "labels": {"app": "web"}},
        "data": {"k": data}
    }))
    .unwrap()
}

async fn install_crds(client: &Client) {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for crd in passerelle_crds::crd::all() {
        crds.create(&PostParams::default(), &crd)
            .await
            .expect("CRD created");
    }
    let established = crds.get("certificates.cert-manager.io").await.unwrap();
    let conditions = established.status.unwrap().conditions.unwrap();
    assert!(
        conditions
            .iter()
            .any(|c| c.type_ == "Established" && c.status == "True")
    );
}

fn certificate(name: &str) -> Certificate {
    serde_json::from_value(json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"secretName": name, "issuerRef": {"name": "le"}, "dnsNames": ["a.example"]}
    }))
    .unwrap()
}

#[tokio::test]
async fn crud_conflicts_and_not_found() {
    let h = Harness::start().await;
    let api: Api<ConfigMap> = Api::namespaced(h.client.clone(), "default");
    let created = api
        .create(&PostParams::default(), &configmap("web", "1"))
        .await
        .unwrap();
    assert!(created.metadata.uid.is_some());
    assert!(created.metadata.creation_timestamp.is_some());
    let err = api
        .create(&PostParams::default(), &configmap("web", "1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 409 && s.reason == "AlreadyExists"),
        "{err:?}"
    );

    let mut fresh = api.get("web").await.unwrap();
    fresh.data = Some([("k".to_string(), "2".to_string())].into());
    let updated = api.replace("web", &PostParams::default(), &fresh).await.unwrap();
    assert_ne!(updated.resource_version(), created.resource_version());
    // The first version is stale now.
    let mut stale = created.clone();
    stale.data = Some([("k".to_string(), "3".to_string())].into());
    let err = api
        .replace("web", &PostParams::default(), &stale)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 409 && s.reason == "Conflict"),
        "{err:?}"
    );

    api.delete("web", &DeleteParams::default()).await.unwrap();
    let err = api.get("web").await.unwrap_err();
    match err {
        kube::Error::Api(s) => {
            assert_eq!((s.code, s.reason.as_str()), (404, "NotFound"));
            assert_eq!(s.message, "configmaps \"web\" not found");
        }
        other => panic!("{other:?}"),
    }
    let missing_ns: Api<ConfigMap> = Api::namespaced(h.client.clone(), "nowhere");
    let err = missing_ns
        .create(&PostParams::default(), &configmap("x", "1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 404 && s.message == "namespaces \"nowhere\" not found")
    );
}

#[tokio::test]
async fn generate_name_and_dry_run() {
    let h = Harness::start().await;
    let api: Api<ConfigMap> = Api::namespaced(h.client.clone(), "default");
    let mut cm = configmap("", "1");
    cm.metadata.name = None;
    cm.metadata.generate_name = Some("gen-".into());
    let created = api.create(&PostParams::default(), &cm).await.unwrap();
    let name = created.name_any();
    assert!(name.starts_with("gen-") && name.len() == 9, "{name}");
    let dry = PostParams {
        dry_run: true,
        ..Default::default()
    };
    api.create(&dry, &configmap("dry", "1")).await.unwrap();
    assert!(api.get_opt("dry").await.unwrap().is_none());
}

#[tokio::test]
async fn custom_resources_status_and_generation() {
    let h = Harness::start().await;
    install_crds(&h.client).await;
    let api: Api<Certificate> = Api::namespaced(h.client.clone(), "default");
    let created = api
        .create(&PostParams::default(), &certificate("web"))
        .await
        .unwrap();
    assert_eq!(created.metadata.generation, Some(1));

    // A status write changes status only, and not the generation.
    let status = json!({"status": {"conditions": [{"type": "Ready", "status": "True", "reason": "Ready", "message": "ok"}]}});
    let patched = api
        .patch_status(
            "web",
            &PatchParams::apply("test-operator").force(),
            &Patch::Apply(json!({
                "apiVersion": "cert-manager.io/v1", "kind": "Certificate", "status": status["status"]
            })),
        )
        .await
        .unwrap();
    assert_eq!(patched.metadata.generation, Some(1));
    assert_eq!(patched.status.unwrap().conditions.unwrap()[0].type_, "Ready");

    // A spec change bumps it; a write to the main resource keeps status.
    let mut cert = api.get("web").await.unwrap();
    cert.spec.dns_names = Some(vec!["b.example".into()]);
    cert.status = None;
    let replaced = api.replace("web", &PostParams::default(), &cert).await.unwrap();
    assert_eq!(replaced.metadata.generation, Some(2));
    assert!(replaced.status.is_some(), "the main resource keeps its status");
}

#[tokio::test]
async fn schema_validation_and_cel_refuse_bad_objects() {
    let h = Harness::start().await;
    install_crds(&h.client).await;
    let api: Api<Certificate> = Api::namespaced(h.client.clone(), "default");
    let mut bad = certificate("bad");
    bad.spec.duration = Some("30m".into());
    let err = api.create(&PostParams::default(), &bad).await.unwrap_err();
    match err {
        kube::Error::Api(s) => {
            assert_eq!((s.code, s.reason.as_str()), (422, "Invalid"));
            assert!(
                s.message
                    .contains("certificate duration must be greater than 1h0m0s"),
                "{}",
                s.message
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn server_side_apply_owns_and_removes_fields() {
    let h = Harness::start().await;
    let api: Api<ConfigMap> = Api::namespaced(h.client.clone(), "default");
    let pp = PatchParams::apply("manager-a");
    let applied = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa"}, "data": {"a": "1", "b": "2"}});
    api.patch("ssa", &pp, &Patch::Apply(&applied)).await.unwrap();
    let applied =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa"}, "data": {"a": "1"}});
    let cm = api.patch("ssa", &pp, &Patch::Apply(&applied)).await.unwrap();
    let data = cm.data.unwrap();
    assert_eq!(data.get("a").map(String::as_str), Some("1"));
    assert!(
        !data.contains_key("b"),
        "a field the manager stopped applying is removed"
    );
    let managers: Vec<String> = cm
        .metadata
        .managed_fields
        .unwrap()
        .into_iter()
        .filter_map(|m| m.manager)
        .collect();
    assert_eq!(managers, vec!["manager-a".to_string()]);

    // Another manager changing the same field conflicts, unless forced.
    let other =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa"}, "data": {"a": "9"}});
    let err = api
        .patch("ssa", &PatchParams::apply("manager-b"), &Patch::Apply(&other))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 409 && s.message.contains("conflict with \"manager-a\"")),
        "{err:?}"
    );
    let forced = api
        .patch(
            "ssa",
            &PatchParams::apply("manager-b").force(),
            &Patch::Apply(&other),
        )
        .await
        .unwrap();
    assert_eq!(forced.data.unwrap().get("a").map(String::as_str), Some("9"));
}

#[tokio::test]
async fn finalizers_hold_deletion_until_removed() {
    let h = Harness::start().await;
    let api: Api<ConfigMap> = Api::namespaced(h.client.clone(), "default");
    let mut cm = configmap("held", "1");
    cm.metadata.finalizers = Some(vec!["example.test/hold".into()]);
    api.create(&PostParams::default(), &cm).await.unwrap();
    api.delete("held", &DeleteParams::default()).await.unwrap();
    let held = api.get("held").await.unwrap();
    assert!(held.metadata.deletion_timestamp.is_some());
    api.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert!(api.get_opt("held").await.unwrap().is_none());
}

#[tokio::test]
async fn owner_references_are_garbage_collected() {
    let h = Harness::start().await;
    let api: Api<ConfigMap> = Api::namespaced(h.client.clone(), "default");
    for (policy, survives) in [("Background", false), ("Foreground", false), ("Orphan", true)] {
        let owner = api
            .create(
                &PostParams::default(),
                &configmap(&format!("owner-{policy}").to_lowercase(), "1"),
            )
            .await
            .unwrap();
        let mut dependent = configmap(&format!("dep-{policy}").to_lowercase(), "1");
        dependent.metadata.owner_references = Some(vec![
            k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
                api_version: "v1".into(),
                kind: "ConfigMap".into(),
                name: owner.name_any(),
                uid: owner.uid().unwrap(),
                ..Default::default()
            },
        ]);
        api.create(&PostParams::default(), &dependent).await.unwrap();
        let dp = DeleteParams {
            propagation_policy: Some(match policy {
                "Background" => kube::api::PropagationPolicy::Background,
                "Foreground" => kube::api::PropagationPolicy::Foreground,
                _ => kube::api::PropagationPolicy::Orphan,
            }),
            ..Default::default()
        };
        api.delete(&owner.name_any(), &dp).await.unwrap();
        assert!(
            api.get_opt(&owner.name_any()).await.unwrap().is_none(),
            "{policy}: owner gone"
        );
        let dep = api.get_opt(&dependent.name_any()).await.unwrap();
        assert_eq!(dep.is_some(), survives, "{policy}");
        if let Some(dep) = dep {
            assert!(
                dep.metadata.owner_references.unwrap_or_default().is_empty(),
                "orphaned"
            );
        }
    }
}

#[tokio::test]
async fn deleting_a_namespace_deletes_its_objects() {
    let h = Harness::start().await;
    let namespaces: Api<Namespace> = Api::all(h.client.clone());
    namespaces
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "team"}})).unwrap(),
        )
        .await
        .unwrap();
    let api: Api<ConfigMap> = Api::namespaced(h.client.clone(), "team");
    api.create(&PostParams::default(), &configmap("a", "1"))
        .await
        .unwrap();
    namespaces.delete("team", &DeleteParams::default()).await.unwrap();
    assert!(namespaces.get_opt("team").await.unwrap().is_none());
    assert!(
        Api::<ConfigMap>::all(h.client.clone())
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .iter()
            .all(|c| c.namespace().as_deref() != Some("team"))
    );
}

#[tokio::test]
async fn selectors_and_pagination() {
    let h = Harness::start().await;
    let api: Api<Secret> = Api::namespaced(h.client.clone(), "default");
    for i in 0..5 {
        let s: Secret = serde_json::from_value(json!({
            "metadata": {"name": format!("s{i}"), "labels": {"parity": if i % 2 == 0 { "even" } else { "odd" }}},
            "type": if i == 0 { "kubernetes.io/tls" } else { "Opaque" },
            "data": if i == 0 { json!({"tls.crt": "", "tls.key": ""}) } else { json!({}) }
        }))
        .unwrap();
        api.create(&PostParams::default(), &s).await.unwrap();
    }
    let even = api
        .list(&ListParams::default().labels("parity=even"))
        .await
        .unwrap();
    assert_eq!(even.items.len(), 3);
    let tls = api
        .list(&ListParams::default().fields("type=kubernetes.io/tls"))
        .await
        .unwrap();
    assert_eq!(
        tls.items.iter().map(|s| s.name_any()).collect::<Vec<_>>(),
        vec!["s0"]
    );
    let page = api.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(page.items.len(), 2);
    let token = page.metadata.continue_.clone().expect("continue token");
    let rest = api
        .list(&ListParams::default().limit(10).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 3);
    assert!(rest.metadata.continue_.is_none_or(|c| c.is_empty()));
}

#[tokio::test]
async fn watcher_and_reflector_follow_changes_and_relist_after_410() {
    let h = Harness::start().await;
    let api: Api<ConfigMap> = Api::namespaced(h.client.clone(), "default");
    let (reader, writer) = reflector::store::<ConfigMap>();
    let stream = reflector(writer, watcher(api.clone(), watcher::Config::default()))
        .applied_objects()
        .boxed();
    let handle = tokio::spawn(async move {
        let mut stream = stream;
        while let Some(item) = stream.next().await {
            let _ = item;
        }
    });
    for i in 0..3 {
        api.create(&PostParams::default(), &configmap(&format!("w{i}"), "1"))
            .await
            .unwrap();
    }
    wait_for(|| reader.state().len() == 3).await;

    // Shrink the history and cut watches: the watcher's resourceVersion is
    // compacted away, it gets 410 Gone, relists, and stays consistent.
    let http = reqwest_like_put(&h, json!({"history": 1, "watchCutSeconds": 1})).await;
    assert!(http, "faults endpoint answers");
    for i in 3..6 {
        api.create(&PostParams::default(), &configmap(&format!("w{i}"), "1"))
            .await
            .unwrap();
    }
    api.delete("w0", &DeleteParams::default()).await.unwrap();
    wait_for(|| {
        reader.state().len() == 5
            && reader
                .get(&reflector::ObjectRef::new("w0").within("default"))
                .is_none()
    })
    .await;
    handle.abort();
}

#[tokio::test]
async fn raw_watch_from_an_expired_resource_version_is_410_gone() {
    let h = Harness::start().await;
    let api: Api<ConfigMap> = Api::namespaced(h.client.clone(), "default");
    reqwest_like_put(&h, json!({"history": 2})).await;
    for i in 0..5 {
        api.create(&PostParams::default(), &configmap(&format!("g{i}"), "1"))
            .await
            .unwrap();
    }
    let mut stream = api
        .watch(&kube::api::WatchParams::default(), "1")
        .await
        .unwrap()
        .boxed();
    let first = stream.try_next().await;
    let gone = match first {
        Ok(Some(kube::core::WatchEvent::Error(e))) => e.code == 410,
        Err(kube::Error::Api(s)) => s.code == 410,
        other => panic!("expected 410 Gone, got {other:?}"),
    };
    assert!(gone);
}

#[tokio::test]
async fn streaming_lists_end_with_the_initial_events_bookmark() {
    let h = Harness::start().await;
    let api: Api<ConfigMap> = Api::namespaced(h.client.clone(), "default");
    for i in 0..3 {
        api.create(&PostParams::default(), &configmap(&format!("s{i}"), "1"))
            .await
            .unwrap();
    }
    let (reader, writer) = reflector::store::<ConfigMap>();
    let config = watcher::Config::default().streaming_lists();
    let stream = reflector(writer, watcher(api.clone(), config))
        .applied_objects()
        .boxed();
    let handle = tokio::spawn(async move {
        let mut stream = stream;
        while stream.next().await.is_some() {}
    });
    wait_for(|| reader.state().len() == 3).await;
    handle.abort();
}

#[tokio::test]
async fn rbac_denies_with_the_real_message() {
    let auth = kube_sim::Auth {
        admin_token: Some("admin".into()),
        token_users: vec![("sa-token".into(), "system:serviceaccount:default:reader".into())],
        rbac: true,
    };
    let h = Harness::with(kube_sim::Config {
        auth,
        ..Default::default()
    })
    .await;
    let reader = harness::client_for(&h.sim.kubeconfig_with_token(Some("sa-token"))).await;
    let secrets: Api<Secret> = Api::namespaced(reader.clone(), "default");
    let err = secrets.list(&ListParams::default()).await.unwrap_err();
    match err {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 403);
            assert_eq!(
                s.message,
                "secrets is forbidden: User \"system:serviceaccount:default:reader\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\""
            );
        }
        other => panic!("{other:?}"),
    }
    let admin: Api<kube::api::DynamicObject> = Api::namespaced_with(
        h.client.clone(),
        "default",
        &kube::api::ApiResource::from_gvk(&kube::api::GroupVersionKind::gvk(
            "rbac.authorization.k8s.io",
            "v1",
            "Role",
        )),
    );
    let role = serde_json::from_value(
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": {"name": "read-secrets"},
        "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]}),
    )
    .unwrap();
    admin.create(&PostParams::default(), &role).await.unwrap();
    let bindings: Api<kube::api::DynamicObject> = Api::namespaced_with(
        h.client.clone(),
        "default",
        &kube::api::ApiResource::from_gvk(&kube::api::GroupVersionKind::gvk(
            "rbac.authorization.k8s.io",
            "v1",
            "RoleBinding",
        )),
    );
    let binding = serde_json::from_value(
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"name": "reader"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "read-secrets"},
        "subjects": [{"kind": "ServiceAccount", "name": "reader", "namespace": "default"}]}),
    )
    .unwrap();
    bindings.create(&PostParams::default(), &binding).await.unwrap();
    secrets
        .list(&ListParams::default())
        .await
        .expect("allowed once bound");
}

#[tokio::test]
async fn tls_serving_with_its_own_ca() {
    let h = Harness::with(kube_sim::Config {
        tls: true,
        ..Default::default()
    })
    .await;
    assert!(h.sim.url().starts_with("https://"));
    let api: Api<Namespace> = Api::all(h.client.clone());
    let names: Vec<String> = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|n| n.name_any())
        .collect();
    for ns in ["default", "kube-public", "kube-system"] {
        assert!(names.contains(&ns.to_string()), "{names:?}");
    }
}

#[tokio::test]
async fn typed_crd_schema_matches_the_one_served() {
    let h = Harness::start().await;
    install_crds(&h.client).await;
    let crds: Api<CustomResourceDefinition> = Api::all(h.client.clone());
    let served = crds.get(Certificate::crd_name()).await.unwrap();
    assert_eq!(
        served.spec.names.short_names,
        Some(vec!["cert".into(), "certs".into()])
    );
}

async fn wait_for(mut condition: impl FnMut() -> bool) {
    for _ in 0..200 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("condition not reached in 10 s");
}

/// PUTs kube-sim's faults through its admin endpoint with the kube client's
/// HTTP stack.
async fn reqwest_like_put(h: &Harness, faults: serde_json::Value) -> bool {
    let req = http::Request::put("/kube-sim/faults")
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&faults).unwrap())
        .unwrap();
    h.client.request_text(req).await.is_ok()
}

/// One HTTP/1.1 request without retries (kube-rs retries 429s and 5xx by
/// itself): status line and body.
fn raw(h: &Harness, method: &str, path: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(h.sim.addr()).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: kube-sim\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_and_counters() {
    let h = Harness::start().await;
    let faults = json!({"rules": [
        {"verb": "create", "resource": "configmaps", "code": 500, "rate": 1.0},
        {"verb": "list", "resource": "secrets", "code": 429, "rate": 1.0, "retryAfter": 7}
    ]});
    assert!(reqwest_like_put(&h, faults).await);
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}).to_string();
    let (status, body) =
        tokio::task::block_in_place(|| raw(&h, "POST", "/api/v1/namespaces/default/configmaps", &cm));
    assert_eq!(status, 500, "{body}");
    let (status, body) =
        tokio::task::block_in_place(|| raw(&h, "GET", "/api/v1/namespaces/default/secrets", ""));
    assert_eq!(status, 429, "{body}");
    assert!(body.to_lowercase().contains("retry-after: 7"), "{body}");
    assert!(reqwest_like_put(&h, json!({"rules": []})).await);
    let (status, _) =
        tokio::task::block_in_place(|| raw(&h, "POST", "/api/v1/namespaces/default/configmaps", &cm));
    assert_eq!(status, 201);
    let stats = h
        .client
        .request_text(http::Request::get("/kube-sim/stats").body(vec![]).unwrap())
        .await
        .unwrap();
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    let count = |code: u64| {
        stats["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["verb"] == "create" && r["resource"] == "configmaps" && r["code"] == code)
            .map(|r| r["count"].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!((count(500), count(201)), (1, 1), "{stats}");
}

#[tokio::test]
async fn the_state_file_survives_a_restart() {
    let path = std::env::temp_dir().join(format!("kube-sim-state-{}.json", uuid::Uuid::new_v4()));
    let config = || kube_sim::Config {
        state_file: Some(path.clone()),
        ..Default::default()
    };
    let h = Harness::with(config()).await;
    install_crds(&h.client).await;
    Api::<Certificate>::namespaced(h.client.clone(), "default")
        .create(&PostParams::default(), &certificate("kept"))
        .await
        .unwrap();
    let Harness { sim, .. } = h;
    sim.stop().await.unwrap();
    let h = Harness::with(config()).await;
    let kept = Api::<Certificate>::namespaced(h.client.clone(), "default")
        .get("kept")
        .await
        .unwrap();
    assert_eq!(kept.spec.secret_name, "kept");
    let _ = std::fs::remove_file(&path);
}

/// EndpointSlices refuse loopback addresses as a real API server does, unless
/// kube-sim is told to accept them (local runs route to loopback processes).
#[tokio::test]
async fn loopback_endpoints_refused_unless_allowed() {
    use k8s_openapi::api::discovery::v1::EndpointSlice;
    let slice: EndpointSlice = serde_json::from_value(json!({
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "local", "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["127.0.0.1"], "conditions": {"ready": true}}],
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]
    }))
    .unwrap();

    let strict = Harness::start().await;
    let api: Api<EndpointSlice> = Api::namespaced(strict.client.clone(), "default");
    let err = api.create(&PostParams::default(), &slice).await.unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");

    let relaxed = Harness::with(kube_sim::Config {
        allow_loopback_endpoints: true,
        ..Default::default()
    })
    .await;
    let api: Api<EndpointSlice> = Api::namespaced(relaxed.client.clone(), "default");
    let created = api.create(&PostParams::default(), &slice).await.unwrap();
    assert_eq!(
        created.endpoints.unwrap()[0].addresses,
        vec!["127.0.0.1".to_string()]
    );
}

/// `stringData` is merged into `data` on write and never stored, as the API
/// server does.
#[tokio::test]
async fn secret_string_data_is_folded_into_data() {
    let h = Harness::start().await;
    let api: Api<Secret> = Api::namespaced(h.client.clone(), "default");
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "s"}, "data": {"a": "b2xk", "b": "Yg=="}, "stringData": {"a": "new"}
    }))
    .unwrap();
    let created = api.create(&PostParams::default(), &secret).await.unwrap();
    assert!(created.string_data.is_none());
    let data = created.data.unwrap();
    assert_eq!(data["a"].0, b"new");
    assert_eq!(data["b"].0, b"b");
    let patched = api
        .patch(
            "s",
            &PatchParams::default(),
            &Patch::Merge(json!({"stringData": {"c": "see"}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.data.unwrap()["c"].0, b"see");
    assert!(api.get("s").await.unwrap().string_data.is_none());
}
