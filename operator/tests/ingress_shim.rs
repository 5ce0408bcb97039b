//! ingress-shim against kube-sim (in-process, the real kube client, its
//! garbage collector): an annotated Ingress gets its Certificates, they
//! follow the Ingress as it changes, a Certificate deleted by hand comes
//! back, one that is not the Ingress's is left alone with a Warning, an
//! invalid annotation changes nothing and says why, and deleting the
//! Ingress deletes its Certificates.

#[path = "support/env.rs"]
mod env;

use std::time::Duration;

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use passerelle_crds::v1::Certificate;
use passerelle_operator::config::{Config, DefaultIssuer};
use serde_json::{Value, json};

struct Env {
    _sim: kube_sim::KubeSim,
    client: kube::Client,
    operator: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Env {
    fn drop(&mut self) {
        self.operator.abort();
    }
}

async fn start() -> Env {
    let (sim, client) = env::kube_sim_with_crds(kube_sim::Config::default()).await;
    let config = Config {
        cluster_resource_namespace: "default".into(),
        http01_solver_listen: ([127, 0, 0, 1], 0).into(),
        admin_listen: ([127, 0, 0, 1], 0).into(),
        default_issuer: DefaultIssuer {
            name: Some("letsencrypt".into()),
            kind: "ClusterIssuer".into(),
            ..DefaultIssuer::default()
        },
        ..Config::default()
    };
    let operator = tokio::spawn(passerelle_operator::run::run(client.clone(), config));
    Env {
        _sim: sim,
        client,
        operator,
    }
}

/// Polls `probe` until it returns `Some`, for at most 30 s; `what` names
/// the awaited state in the failure.
async fn until<T>(what: &str, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..300 {
        if let Some(found) = probe().await {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not reached in 30 s: {what}");
}

fn certificate_json(cert: &Certificate) -> Value {
    serde_json::to_value(cert).unwrap()
}

async fn events_of(client: &kube::Client, name: &str) -> Vec<(String, String, String)> {
    Api::<Event>::namespaced(client.clone(), "default")
        .list(&Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.involved_object.kind.as_deref() == Some("Ingress"))
        .filter(|e| e.involved_object.name.as_deref() == Some(name))
        .map(|e| {
            (
                e.type_.unwrap_or_default(),
                e.reason.unwrap_or_default(),
                e.message.unwrap_or_default(),
            )
        })
        .collect()
}

async fn has_event(client: &kube::Client, type_: &str, reason: &str, message: &str) -> Option<()> {
    events_of(client, "web")
        .await
        .iter()
        .any(|(t, r, m)| t == type_ && r == reason && m == message)
        .then_some(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_annotated_ingress_gets_certificates_that_follow_it() {
    let env = start().await;
    let ingresses: Api<Ingress> = Api::namespaced(env.client.clone(), "default");
    let certs: Api<Certificate> = Api::namespaced(env.client.clone(), "default");
    let ingress: Ingress = serde_json::from_value(json!({
        "metadata": {"name": "web", "labels": {"app": "web"},
            "annotations": {"kubernetes.io/tls-acme": "true", "acme.cert-manager.io/http01-ingress-class": "passerelle"}},
        "spec": {"rules": [{"host": "a.example.test"}], "tls": [
            {"hosts": ["a.example.test"], "secretName": "a-tls"},
            {"hosts": ["b.example.test", "www.b.example.test"], "secretName": "b-tls"}]}
    }))
    .unwrap();
    let ingress = ingresses.create(&PostParams::default(), &ingress).await.unwrap();
    let uid = ingress.metadata.uid.clone().unwrap();

    // One Certificate per TLS entry, from the default issuer, controlled by
    // the Ingress, with its labels and the solver's class override.
    let b = until("b-tls made", async || certs.get_opt("b-tls").await.unwrap()).await;
    let a = until("a-tls made", async || certs.get_opt("a-tls").await.unwrap()).await;
    let b = certificate_json(&b);
    assert_eq!(
        b["spec"]["dnsNames"],
        json!(["b.example.test", "www.b.example.test"])
    );
    assert_eq!(b["spec"]["secretName"], "b-tls");
    assert_eq!(
        b["spec"]["issuerRef"],
        json!({"name": "letsencrypt", "kind": "ClusterIssuer", "group": "cert-manager.io"})
    );
    assert_eq!(b["metadata"]["labels"], json!({"app": "web"}));
    assert_eq!(
        b["metadata"]["annotations"]["acme.cert-manager.io/http01-override-ingress-class"],
        "passerelle"
    );
    let owner = &b["metadata"]["ownerReferences"][0];
    assert_eq!(
        (&owner["kind"], &owner["uid"], &owner["controller"]),
        (&json!("Ingress"), &json!(uid), &json!(true))
    );
    assert_eq!(
        certificate_json(&a)["spec"]["dnsNames"],
        json!(["a.example.test"])
    );
    until("the CreateCertificate Event", async || {
        has_event(
            &env.client,
            "Normal",
            "CreateCertificate",
            "Successfully created Certificate \"a-tls\"",
        )
        .await
    })
    .await;

    // The Ingress changes: a-tls's entry goes, b-tls loses a host and gets
    // a duration.
    let patch = json!({
        "metadata": {"annotations": {"cert-manager.io/duration": "2160h"}},
        "spec": {"tls": [{"hosts": ["b.example.test"], "secretName": "b-tls"}]}
    });
    ingresses
        .patch("web", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    until("a-tls deleted", async || {
        certs.get_opt("a-tls").await.unwrap().is_none().then_some(())
    })
    .await;
    until("b-tls updated", async || {
        let b = certificate_json(&certs.get("b-tls").await.unwrap());
        (b["spec"]["dnsNames"] == json!(["b.example.test"]) && b["spec"]["duration"] == "2160h0m0s")
            .then_some(())
    })
    .await;
    until("the DeleteCertificate Event", async || {
        has_event(
            &env.client,
            "Normal",
            "DeleteCertificate",
            "Successfully deleted unrequired Certificate \"a-tls\"",
        )
        .await
    })
    .await;

    // A Certificate deleted by hand comes back.
    let before = certs.get("b-tls").await.unwrap().metadata.uid;
    certs.delete("b-tls", &DeleteParams::default()).await.unwrap();
    until("b-tls made again", async || {
        certs
            .get_opt("b-tls")
            .await
            .unwrap()
            .filter(|c| c.metadata.uid != before)
    })
    .await;

    // A Certificate of the user's, named like a new entry's secretName: left
    // alone, with a Warning.
    let mine: Certificate = serde_json::from_value(json!({
        "metadata": {"name": "c-tls"},
        "spec": {"secretName": "c-tls", "dnsNames": ["mine.example.test"], "issuerRef": {"name": "mine"}}
    }))
    .unwrap();
    certs.create(&PostParams::default(), &mine).await.unwrap();
    let patch = json!({"spec": {"tls": [
        {"hosts": ["b.example.test"], "secretName": "b-tls"},
        {"hosts": ["c.example.test"], "secretName": "c-tls"}]}});
    ingresses
        .patch("web", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    until("the Warning about c-tls", async || {
        has_event(
            &env.client,
            "Warning",
            "BadConfig",
            "Certificate \"c-tls\" exists and is not owned by this Ingress: it is left as it is",
        )
        .await
    })
    .await;
    let c = certificate_json(&certs.get("c-tls").await.unwrap());
    assert_eq!(c["spec"]["dnsNames"], json!(["mine.example.test"]));
    assert!(c["metadata"]["ownerReferences"].is_null(), "{c}");

    // An invalid annotation: a Warning, and b-tls stays as it was.
    let patch = json!({"metadata": {"annotations": {"cert-manager.io/duration": "soon"}},
        "spec": {"tls": [{"hosts": ["b.example.test", "new.example.test"], "secretName": "b-tls"}]}});
    ingresses
        .patch("web", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    until("the Warning about the duration", async || {
        has_event(
            &env.client,
            "Warning",
            "BadConfig",
            "invalid ingress annotation \"cert-manager.io/duration\": time: invalid duration \"soon\"",
        )
        .await
    })
    .await;
    let b = certificate_json(&certs.get("b-tls").await.unwrap());
    assert_eq!(b["spec"]["dnsNames"], json!(["b.example.test"]));
    assert_eq!(b["spec"]["duration"], "2160h0m0s");

    // Deleting the Ingress deletes its Certificates (garbage collection),
    // not the user's.
    ingresses.delete("web", &DeleteParams::default()).await.unwrap();
    until("b-tls collected", async || {
        certs.get_opt("b-tls").await.unwrap().is_none().then_some(())
    })
    .await;
    assert!(certs.get_opt("c-tls").await.unwrap().is_some());
}
