//! What is served: objects applied with the kube client are routed,
//! changes to Ingresses and EndpointSlices are picked up, only the
//! configured class, namespaces and labels are served, and the last
//! configuration keeps serving when the API server goes away.

use k8s_openapi::api::core::v1::{Namespace, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::json;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_what_is_applied_and_follows_changes() {
    let cluster = Cluster::start().await;
    let a = backend("a").await;
    let b = backend("b").await;
    cluster.apply::<Service>(service("default", "web", "http")).await;
    cluster
        .apply::<EndpointSlice>(slice("default", "web", "http", &[a.addr]))
        .await;
    cluster
        .apply::<Ingress>(ingress("default", "web", json!({}), "web.test", "/", "web"))
        .await;
    let proxy = cluster.proxy(&[]).await;

    let (name, reply) = until("web.test served by a", || {
        answered_by(proxy.http, "web.test", "/x?q=1")
    })
    .await;
    assert_eq!(name, "a");
    assert_eq!(reply.json()["uri"], "/x?q=1");
    assert_eq!(get(proxy.http, "other.test", "/x").await.status, 404);

    // The Service's endpoints move to another backend.
    cluster
        .apply::<EndpointSlice>(slice("default", "web", "http", &[b.addr]))
        .await;
    until("web.test served by b", || async {
        match answered_by(proxy.http, "web.test", "/x").await? {
            (name, _) if name == "b" => Ok(()),
            (name, _) => Err(name),
        }
    })
    .await;

    // The Ingress changes its path.
    cluster
        .apply::<Ingress>(ingress("default", "web", json!({}), "web.test", "/api", "web"))
        .await;
    until("/x no longer served", || async {
        match get(proxy.http, "web.test", "/x").await.status {
            404 => Ok(()),
            other => Err(other.to_string()),
        }
    })
    .await;
    let (name, _) = answered_by(proxy.http, "web.test", "/api/x").await.unwrap();
    assert_eq!(name, "b");

    // The Ingress is deleted.
    Api::<Ingress>::namespaced(cluster.client.clone(), "default")
        .delete("web", &DeleteParams::default())
        .await
        .unwrap();
    until("nothing served", || async {
        match get(proxy.http, "web.test", "/api/x").await.status {
            404 => Ok(()),
            other => Err(other.to_string()),
        }
    })
    .await;
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_only_its_class_namespaces_and_labels() {
    let cluster = Cluster::start().await;
    let a = backend("a").await;
    for ns in ["team-a", "team-b"] {
        let namespace: Namespace = serde_json::from_value(json!({"metadata": {"name": ns}})).unwrap();
        Api::<Namespace>::all(cluster.client.clone())
            .create(&PostParams::default(), &namespace)
            .await
            .unwrap();
        cluster.apply::<Service>(service(ns, "web", "http")).await;
        cluster
            .apply::<EndpointSlice>(slice(ns, "web", "http", &[a.addr]))
            .await;
    }
    for (name, controller) in [
        ("passerelle", "passerelle.io/ingress-controller"),
        ("nginx", "k8s.io/ingress-nginx"),
    ] {
        cluster
            .apply_cluster::<IngressClass>(json!({
                "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                "metadata": {"name": name}, "spec": {"controller": controller}
            }))
            .await;
    }
    let with = |ns: &str, name: &str, class: &str, labelled: bool| {
        let mut value = ingress(ns, name, json!({}), &format!("{name}.test"), "/", "web");
        value["spec"]["ingressClassName"] = json!(class);
        if labelled {
            value["metadata"]["labels"] = json!({"expose": "yes"});
        }
        value
    };
    cluster
        .apply::<Ingress>(with("team-a", "served", "passerelle", true))
        .await;
    cluster
        .apply::<Ingress>(with("team-a", "nginx", "nginx", true))
        .await;
    cluster
        .apply::<Ingress>(with("team-a", "unlabelled", "passerelle", false))
        .await;
    cluster
        .apply::<Ingress>(with("team-b", "elsewhere", "passerelle", true))
        .await;
    let proxy = cluster
        .proxy(&[
            "--namespaces",
            "team-a",
            "--label-selector",
            "expose=yes",
            "--ingress-class",
            "passerelle",
        ])
        .await;

    until("served.test served", || {
        answered_by(proxy.http, "served.test", "/")
    })
    .await;
    // The first configuration holds every watched object: what is not
    // served now is not served at all.
    for host in ["nginx.test", "unlabelled.test", "elsewhere.test"] {
        assert_eq!(get(proxy.http, host, "/").await.status, 404, "{host}");
    }
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keeps_serving_the_last_configuration_when_the_api_server_is_gone() {
    let cluster = Cluster::start().await;
    let a = backend("a").await;
    cluster.apply::<Service>(service("default", "web", "http")).await;
    cluster
        .apply::<EndpointSlice>(slice("default", "web", "http", &[a.addr]))
        .await;
    cluster
        .apply::<Ingress>(ingress("default", "web", json!({}), "web.test", "/", "web"))
        .await;
    let proxy = cluster.proxy(&["--web", "--web.address", "127.0.0.1:0"]).await;
    until("web.test served", || answered_by(proxy.http, "web.test", "/")).await;

    let Cluster { sim, .. } = cluster;
    sim.stop().await.unwrap();
    for _ in 0..20 {
        let (name, _) = answered_by(proxy.http, "web.test", "/").await.unwrap();
        assert_eq!(name, "a");
    }
    assert_eq!(proxy.admin_get("/readyz").await.status, 200);
    proxy.stop().await;
}
