//! The whole operator against real peers: kube-sim (in-process, the real
//! kube client) and pebble (Let's Encrypt's test CA, with
//! pebble-challtestsrv answering every name with 127.0.0.1). An ACME Issuer
//! and Certificates go in; Secrets whose chains verify to pebble's root come
//! out.

#[path = "support/env.rs"]
mod support;

use k8s_openapi::api::core::v1::Secret;
use kube::api::Api;
use serde_json::json;
use support::{certificate, issuer, start, verify, wait_ready};

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
