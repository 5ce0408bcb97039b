//! Certificates from Secrets: the `spec.tls` Secret of a served Ingress is
//! served by SNI, a new version reaches new handshakes, a bad one keeps the
//! last good certificate (with an Event), a deleted one is withdrawn; and a
//! Secret serves only the hosts of the Ingresses naming it.

use k8s_openapi::api::core::v1::{Namespace, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, DeleteParams};
use serde_json::json;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_secret_certificates_by_sni_and_follows_their_changes() {
    let cluster = Cluster::start().await;
    let ca = Ca::new();
    let a = backend("a").await;
    cluster.apply::<Service>(service("default", "web", "http")).await;
    cluster
        .apply::<EndpointSlice>(slice("default", "web", "http", &[a.addr]))
        .await;
    let one = ca.issue(&["secure.test"], "one");
    cluster
        .apply::<Secret>(tls_secret("default", "secure-tls", &one.cert, &one.key))
        .await;
    let mut value = ingress("default", "secure", json!({}), "secure.test", "/", "web");
    value["spec"]["tls"] = json!([{"hosts": ["secure.test"], "secretName": "secure-tls"}]);
    cluster.apply::<Ingress>(value).await;
    let proxy = cluster.proxy(&[]).await;

    // The client trusts only the test CA: the handshake succeeds once the
    // Secret's certificate is served.
    let client = ca.client(&[b"http/1.1"]);
    let https = proxy.https;
    let served = |client| async move {
        match tls(https, "secure.test", client).await {
            Ok(stream) => Ok(served_cn(&stream)),
            Err(e) => Err(e.to_string()),
        }
    };
    let stream = until("the Secret's certificate", || async {
        tls(proxy.https, "secure.test", client.clone())
            .await
            .map_err(|e| e.to_string())
    })
    .await;
    assert_eq!(served_cn(&stream), "one");
    let reply = tls_get(stream, "secure.test", "/hello").await;
    assert_eq!((reply.status, reply.json()["name"].as_str()), (200, Some("a")));

    // A new version of the Secret.
    let two = ca.issue(&["secure.test"], "two");
    cluster
        .apply::<Secret>(tls_secret("default", "secure-tls", &two.cert, &two.key))
        .await;
    until("the new certificate", || async {
        match served(client.clone()).await? {
            cn if cn == "two" => Ok(()),
            cn => Err(cn),
        }
    })
    .await;

    // Bad PEM: refused, reported, and the last good certificate stays.
    cluster
        .apply::<Secret>(tls_secret("default", "secure-tls", "not a certificate", &two.key))
        .await;
    until("an Event about the bad Secret", || async {
        let events = cluster.events("Ingress", "default", "secure").await;
        match events.iter().find(|e| e.1 == "TLSSecretInvalid") {
            Some(e) if e.2.contains("default/secure-tls") => Ok(()),
            _ => Err(format!("{events:?}")),
        }
    })
    .await;
    assert_eq!(served(client.clone()).await.unwrap(), "two");

    // A key that does not match the certificate: refused too.
    let three = ca.issue(&["secure.test"], "three");
    cluster
        .apply::<Secret>(tls_secret("default", "secure-tls", &three.cert, &two.key))
        .await;
    until("an Event about the mismatched key", || async {
        let events = cluster.events("Ingress", "default", "secure").await;
        match events.iter().filter(|e| e.1 == "TLSSecretInvalid").count() {
            2 => Ok(()),
            _ => Err(format!("{events:?}")),
        }
    })
    .await;
    assert_eq!(served(client.clone()).await.unwrap(), "two");

    // Deleted: withdrawn; the generated default certificate answers.
    Api::<Secret>::namespaced(cluster.client.clone(), "default")
        .delete("secure-tls", &DeleteParams::default())
        .await
        .unwrap();
    let anything = trusting_anything_without_resumption();
    until("the default certificate", || async {
        match served(anything.clone()).await? {
            cn if cn != "two" => Ok(()),
            cn => Err(cn),
        }
    })
    .await;
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_serves_only_the_hosts_of_the_ingresses_naming_it() {
    let cluster = Cluster::start().await;
    let ca = Ca::new();
    let team_a = ca.issue(&["a.test"], "team-a");
    cluster
        .apply::<Secret>(tls_secret("default", "a-tls", &team_a.cert, &team_a.key))
        .await;
    let mut value = ingress("default", "team-a", json!({}), "a.test", "/", "web");
    value["spec"]["tls"] = json!([{"hosts": ["a.test"], "secretName": "a-tls"}]);
    cluster.apply::<Ingress>(value).await;
    // Another namespace's Secret also names a.test, and its namespace sorts
    // first: without the hosts check, it would win a.test. Its Ingress's
    // spec.tls entry lists no host, so it covers the Ingress's rule: b.test.
    let rogue = ca.issue(&["a.test", "b.test"], "rogue");
    cluster
        .apply_cluster::<Namespace>(json!({
            "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "attacker"}
        }))
        .await;
    cluster
        .apply::<Secret>(tls_secret("attacker", "rogue-tls", &rogue.cert, &rogue.key))
        .await;
    let mut value = ingress("attacker", "rogue", json!({}), "b.test", "/", "web");
    value["spec"]["tls"] = json!([{"secretName": "rogue-tls"}]);
    cluster.apply::<Ingress>(value).await;
    let proxy = cluster.proxy(&["--web", "--web.address", "127.0.0.1:0"]).await;

    let client = ca.client(&[b"http/1.1"]);
    let https = proxy.https;
    let served = |sni: &'static str| {
        let client = client.clone();
        async move {
            match tls(https, sni, client).await {
                Ok(stream) => Ok(served_cn(&stream)),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    // Both Secrets are loaded once the rogue one answers for its own host.
    until("the rogue Secret for b.test", || async {
        match served("b.test").await? {
            cn if cn == "rogue" => Ok(()),
            cn => Err(cn),
        }
    })
    .await;
    assert_eq!(served("a.test").await.unwrap(), "team-a");
    let certificates = proxy.admin_get("/api/certificates").await.json();
    let serves = |namespace: &str| {
        certificates
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["source"]["name"]["namespace"] == namespace)
            .map(|c| c["serves"].clone())
            .unwrap_or_else(|| panic!("{certificates:#}"))
    };
    assert_eq!(serves("attacker"), json!(["b.test"]));
    assert_eq!(serves("default"), json!(["a.test"]));

    // Even with team-a's Secret gone, the rogue certificate does not take
    // a.test over: the default certificate answers.
    Api::<Secret>::namespaced(cluster.client.clone(), "default")
        .delete("a-tls", &DeleteParams::default())
        .await
        .unwrap();
    let anything = trusting_anything_without_resumption();
    let cn = until("another certificate for a.test", || async {
        match tls(https, "a.test", anything.clone())
            .await
            .map(|s| served_cn(&s))
        {
            Ok(cn) if cn != "team-a" => Ok(cn),
            Ok(cn) => Err(cn),
            Err(e) => Err(e.to_string()),
        }
    })
    .await;
    assert_eq!(cn, "PASSERELLE DEFAULT CERT");
    proxy.stop().await;
}

/// A client accepting any certificate that never resumes a session: a
/// resumed session would show the certificate of the first handshake.
fn trusting_anything_without_resumption() -> std::sync::Arc<rustls::ClientConfig> {
    let mut config = rustls::ClientConfig::clone(&client_trusting_anything());
    config.resumption = rustls::client::Resumption::disabled();
    std::sync::Arc::new(config)
}
