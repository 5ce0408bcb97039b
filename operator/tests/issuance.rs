//! The whole operator against real peers: kube-sim (in-process, the real
//! kube client) and pebble (Let's Encrypt's test CA, with
//! pebble-challtestsrv answering every name with 127.0.0.1). An ACME Issuer
//! and Certificates go in; Secrets whose chains verify to pebble's root come
//! out, and kubectl shows what cert-manager users expect.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use passerelle_crds::v1::{Certificate, Issuer};
use passerelle_e2e::pebble::{Pebble, PebbleOptions};
use passerelle_operator::config::Config;
use serde_json::json;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Env {
    sim: kube_sim::KubeSim,
    client: kube::Client,
    pebble: Pebble,
    operator: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Env {
    fn drop(&mut self) {
        self.operator.abort();
    }
}

async fn start() -> Env {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let sim = kube_sim::KubeSim::start(kube_sim::Config::default())
        .await
        .unwrap();
    let kc = Kubeconfig::from_yaml(&sim.kubeconfig()).unwrap();
    let client = kube::Client::try_from(
        kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
            .await
            .unwrap(),
    )
    .unwrap();
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for crd in passerelle_crds::crd::all() {
        crds.create(&PostParams::default(), &crd).await.unwrap();
    }
    let solver_port = free_port();
    let pebble = Pebble::start(PebbleOptions::new(solver_port))
        .await
        .expect("pebble starts (scripts/install-test-tools installs it)");
    let solver: SocketAddr = ([127, 0, 0, 1], solver_port).into();
    let config = Config {
        cluster_resource_namespace: "default".into(),
        http01_solver_listen: solver,
        http01_solver_address: Some(solver),
        http01_self_check_port: Some(solver_port),
        http01_self_check_address: Some([127, 0, 0, 1].into()),
        admin_listen: ([127, 0, 0, 1], 0).into(),
        acme_request_timeout: Duration::from_secs(10),
        ..Config::default()
    };
    let operator = tokio::spawn(passerelle_operator::run::run(client.clone(), config));
    Env {
        sim,
        client,
        pebble,
        operator,
    }
}

async fn issuer(env: &Env, name: &str) {
    let ca = base64::engine::general_purpose::STANDARD.encode(env.pebble.listener_ca_pem());
    let issuer: Issuer = serde_json::from_value(json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Issuer",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"acme": {"server": env.pebble.directory_url(), "email": "admin@example.test", "caBundle": ca,
            "privateKeySecretRef": {"name": format!("{name}-account")},
            "solvers": [{"http01": {"ingress": {"class": "traefik"}}}]}}
    }))
    .unwrap();
    Api::<Issuer>::namespaced(env.client.clone(), "default")
        .create(&PostParams::default(), &issuer)
        .await
        .unwrap();
}

async fn certificate(env: &Env, name: &str, issuer: &str, names: &[&str], key: serde_json::Value) {
    let cert: Certificate = serde_json::from_value(json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"secretName": format!("{name}-tls"), "issuerRef": {"name": issuer}, "dnsNames": names, "privateKey": key}
    }))
    .unwrap();
    Api::<Certificate>::namespaced(env.client.clone(), "default")
        .create(&PostParams::default(), &cert)
        .await
        .unwrap();
}

async fn wait_ready(env: &Env, name: &str) -> Certificate {
    let api: Api<Certificate> = Api::namespaced(env.client.clone(), "default");
    for _ in 0..600 {
        let cert = api.get(name).await.unwrap();
        let ready = cert
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| {
                c.iter()
                    .any(|c| c.type_ == "Ready" && c.status == passerelle_crds::meta::ConditionStatus::True)
            });
        if ready {
            return cert;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cert = api.get(name).await.unwrap();
    panic!(
        "{name} not Ready after 60 s: {:#?}\npebble:\n{}",
        cert.status,
        env.pebble.logs()
    );
}

/// Verifies a PEM chain for `name` against pebble's issuing roots with
/// rustls' verifier (webpki), as a TLS client would.
fn verify(chain_pem: &str, roots_pem: &str, name: &str) {
    use rustls::client::danger::ServerCertVerifier as _;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    let mut roots = rustls::RootCertStore::empty();
    for root in CertificateDer::pem_slice_iter(roots_pem.as_bytes()) {
        roots.add(root.unwrap()).unwrap();
    }
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
        .map(Result::unwrap)
        .collect();
    let verifier = rustls::client::WebPkiServerVerifier::builder(std::sync::Arc::new(roots))
        .build()
        .unwrap();
    verifier
        .verify_server_cert(
            &chain[0],
            &chain[1..],
            &ServerName::try_from(name.to_string()).unwrap(),
            &[],
            UnixTime::now(),
        )
        .unwrap_or_else(|e| panic!("chain does not verify for {name}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issues_certificates_for_every_key_type_into_tls_secrets() {
    let env = start().await;
    issuer(&env, "pebble").await;
    let cases = [
        (
            "ecdsa",
            json!({"algorithm": "ECDSA", "size": 256}),
            vec!["a.example.test", "www.a.example.test"],
        ),
        (
            "ed25519",
            json!({"algorithm": "Ed25519", "encoding": "PKCS8"}),
            vec!["b.example.test"],
        ),
        (
            "rsa",
            json!({"algorithm": "RSA", "size": 2048}),
            vec!["c.example.test"],
        ),
    ];
    for (name, key, names) in &cases {
        certificate(&env, name, "pebble", names, key.clone()).await;
    }
    let roots = env.pebble.issuing_roots_pem().await.unwrap();
    let secrets: Api<Secret> = Api::namespaced(env.client.clone(), "default");
    for (name, _, names) in &cases {
        let cert = wait_ready(&env, name).await;
        let status = cert.status.unwrap();
        assert!(
            status.not_after.is_some() && status.renewal_time.is_some(),
            "{name}: {status:?}"
        );
        assert_eq!(status.revision, Some(1));
        let secret = secrets.get(&format!("{name}-tls")).await.unwrap();
        assert_eq!(secret.type_.as_deref(), Some("kubernetes.io/tls"));
        let data = secret.data.unwrap();
        assert!(!data.contains_key("ca.crt"), "no ca.crt for ACME");
        let chain = String::from_utf8(data["tls.crt"].0.clone()).unwrap();
        for n in names {
            verify(&chain, &roots, n);
        }
        let key = String::from_utf8(data["tls.key"].0.clone()).unwrap();
        let key = passerelle_operator::pki::keys::PrivateKey::from_pem(&key).unwrap();
        let leaf = passerelle_operator::pki::x509::parse_chain(&chain).unwrap();
        assert!(
            passerelle_operator::pki::x509::key_matches(&leaf[0], &key),
            "{name}: key matches"
        );
        let labels = secret.metadata.labels.unwrap_or_default();
        assert_eq!(
            labels.get("controller.cert-manager.io/fao").map(String::as_str),
            Some("true")
        );
        let annotations = secret.metadata.annotations.unwrap_or_default();
        assert_eq!(
            annotations
                .get("cert-manager.io/certificate-name")
                .map(String::as_str),
            Some(*name)
        );
        assert_eq!(
            annotations.get("cert-manager.io/alt-names").map(String::as_str),
            Some(names.join(",").as_str())
        );
    }
    let _ = &env.sim;
}
