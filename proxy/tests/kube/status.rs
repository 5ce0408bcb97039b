//! Ingress status and Events: the address is published on served
//! Ingresses only, removed when the proxy stops serving one (only if it
//! wrote it), follows `--publish-service`; what cannot be served is
//! reported as an Event once.

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use crate::support::*;

/// The IPs and host names in an Ingress's status.
async fn published(cluster: &Cluster, name: &str) -> Vec<String> {
    let ingress = Api::<Ingress>::namespaced(cluster.client.clone(), "default")
        .get(name)
        .await
        .unwrap();
    ingress
        .status
        .and_then(|s| s.load_balancer)
        .and_then(|lb| lb.ingress)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| i.ip.or(i.hostname))
        .collect()
}

async fn published_is(cluster: &Cluster, name: &str, want: &[&str]) -> Result<(), String> {
    let seen = published(cluster, name).await;
    if seen == want {
        Ok(())
    } else {
        Err(format!("{seen:?}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishes_status_on_served_ingresses_only_and_removes_its_own() {
    let cluster = Cluster::start().await;
    let class = |c: &str| json!({"kubernetes.io/ingress.class": c});
    cluster
        .apply::<Ingress>(ingress(
            "default",
            "served",
            class("traefik"),
            "served.test",
            "/",
            "web",
        ))
        .await;
    cluster
        .apply::<Ingress>(ingress(
            "default",
            "theirs",
            class("nginx"),
            "theirs.test",
            "/",
            "web",
        ))
        .await;
    cluster
        .apply::<Ingress>(ingress(
            "default",
            "untouched",
            class("nginx"),
            "untouched.test",
            "/",
            "web",
        ))
        .await;
    // Another controller's status on an Ingress of its class.
    let status = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "theirs", "namespace": "default"},
        "status": {"loadBalancer": {"ingress": [{"ip": "10.9.9.9"}]}}});
    Api::<Ingress>::namespaced(cluster.client.clone(), "default")
        .patch_status(
            "theirs",
            &PatchParams::apply("nginx-ingress"),
            &Patch::Apply(&status),
        )
        .await
        .unwrap();
    let proxy = cluster.proxy(&["--publish-address", "192.0.2.10"]).await;

    until("status published", || {
        published_is(&cluster, "served", &["192.0.2.10"])
    })
    .await;
    // Status writes happen in one pass over every Ingress: the others were
    // decided in the same pass.
    assert_eq!(published(&cluster, "theirs").await, vec!["10.9.9.9"]);
    assert_eq!(published(&cluster, "untouched").await, Vec::<String>::new());

    // No longer served: the proxy removes what it wrote, and only that.
    cluster
        .apply::<Ingress>(ingress(
            "default",
            "served",
            class("nginx"),
            "served.test",
            "/",
            "web",
        ))
        .await;
    until("status removed", || published_is(&cluster, "served", &[])).await;
    assert_eq!(published(&cluster, "theirs").await, vec!["10.9.9.9"]);
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishes_the_address_of_the_published_service() {
    let cluster = Cluster::start().await;
    cluster
        .apply::<Service>(service("default", "passerelle", "http"))
        .await;
    let set_lb = |ip: &str| {
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "passerelle", "namespace": "default"},
            "status": {"loadBalancer": {"ingress": [{"ip": ip}]}}})
    };
    let services = Api::<Service>::namespaced(cluster.client.clone(), "default");
    let params = PatchParams::apply("cloud-controller");
    services
        .patch_status("passerelle", &params, &Patch::Apply(&set_lb("203.0.113.7")))
        .await
        .unwrap();
    cluster
        .apply::<Ingress>(ingress("default", "web", json!({}), "web.test", "/", "web"))
        .await;
    let proxy = cluster.proxy(&["--publish-service", "default/passerelle"]).await;

    until("load balancer address", || {
        published_is(&cluster, "web", &["203.0.113.7"])
    })
    .await;
    services
        .patch_status("passerelle", &params, &Patch::Apply(&set_lb("203.0.113.8")))
        .await
        .unwrap();
    until("new load balancer address", || {
        published_is(&cluster, "web", &["203.0.113.8"])
    })
    .await;
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_what_it_cannot_serve_as_events_once() {
    let cluster = Cluster::start().await;
    let a = backend("a").await;
    cluster.apply::<Service>(service("default", "web", "http")).await;
    cluster
        .apply::<EndpointSlice>(slice("default", "web", "http", &[a.addr]))
        .await;
    let guarded = ingress(
        "default",
        "guarded",
        json!({"ingress.kubernetes.io/auth-type": "basic", "ingress.kubernetes.io/auth-secret": "users"}),
        "guarded.test",
        "/",
        "web",
    );
    cluster.apply::<Ingress>(guarded).await;
    let mut unsigned = ingress("default", "unsigned", json!({}), "unsigned.test", "/", "web");
    unsigned["spec"]["tls"] = json!([{"hosts": ["unsigned.test"], "secretName": "nowhere-tls"}]);
    cluster.apply::<Ingress>(unsigned).await;
    let proxy = cluster.proxy(&[]).await;

    let has = |events: &[(String, String, String, String)], reason: &str| {
        events.iter().filter(|e| e.1 == reason).count()
    };
    let (guarded, unsigned) = until("Events on both Ingresses", || async {
        let guarded = cluster.events("Ingress", "default", "guarded").await;
        let unsigned = cluster.events("Ingress", "default", "unsigned").await;
        if has(&guarded, "AccessControlUnsupported") > 0 && has(&unsigned, "TLSSecretNotFound") > 0 {
            Ok((guarded, unsigned))
        } else {
            Err(format!("{guarded:?} {unsigned:?}"))
        }
    })
    .await;
    for (type_, reason, message, component) in guarded.iter().chain(&unsigned) {
        assert_eq!(type_, "Warning", "{reason}: {message}");
        assert_eq!(component, "passerelle-proxy");
    }
    let missing = unsigned.iter().find(|e| e.1 == "TLSSecretNotFound").unwrap();
    assert!(missing.2.contains("default/nowhere-tls"), "{}", missing.2);
    // Fail closed: an Ingress under an access-control annotation is not
    // served; a missing Secret does not stop the route.
    assert_eq!(get(proxy.http, "guarded.test", "/").await.status, 404);
    assert_eq!(get(proxy.http, "unsigned.test", "/").await.status, 200);

    // Another change brings its own Event; the first ones are not repeated
    // (they were decided in the same pass).
    let mut other = ingress("default", "other", json!({}), "other.test", "/", "web");
    other["spec"]["tls"] = json!([{"secretName": "other-tls"}]);
    cluster.apply::<Ingress>(other).await;
    until("Event on the other Ingress", || async {
        let events = cluster.events("Ingress", "default", "other").await;
        if has(&events, "TLSSecretNotFound") == 1 {
            Ok(())
        } else {
            Err(format!("{events:?}"))
        }
    })
    .await;
    for name in ["guarded", "unsigned"] {
        let mut events: Vec<_> = cluster
            .events("Ingress", "default", name)
            .await
            .into_iter()
            .map(|e| (e.1, e.2))
            .collect();
        let all = events.len();
        events.sort();
        events.dedup();
        assert_eq!(events.len(), all, "repeated Events on {name}: {events:?}");
    }
    proxy.stop().await;
}
