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
use support::{certificate, issuer, start, start_with, verify, wait_ready};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converges_despite_pebbles_chaos() {
    // pebble's defaults: 5 % badNonce, 50 % authorization reuse, random
    // validation sleeps.
    let env = start_with(|mut opts| {
        opts.chaos = true;
        opts
    })
    .await;
    issuer(&env, "pebble").await;
    certificate(
        &env,
        "chaos",
        "pebble",
        &["chaos.example.test"],
        json!({"algorithm": "ECDSA"}),
    )
    .await;
    let cert = wait_ready(&env, "chaos").await;
    assert_eq!(cert.status.unwrap().revision, Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_name_fails_the_issuance_and_backs_off() {
    let env = start_with(|mut opts| {
        opts.domain_blocklist = vec!["blocked.example.test".into()];
        opts
    })
    .await;
    issuer(&env, "pebble").await;
    certificate(
        &env,
        "refused",
        "pebble",
        &["blocked.example.test"],
        json!({"algorithm": "ECDSA"}),
    )
    .await;
    let api: Api<passerelle_crds::v1::Certificate> = Api::namespaced(env.client.clone(), "default");
    let mut failed = None;
    for _ in 0..300 {
        let status = api.get("refused").await.unwrap().status.unwrap_or_default();
        if status.failed_issuance_attempts == Some(1) {
            failed = Some(status);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let status = failed.expect("the issuance fails");
    assert!(status.last_failure_time.is_some());
    let issuing = status
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == "Issuing")
        .unwrap();
    assert_eq!(issuing.status, passerelle_crds::meta::ConditionStatus::False);
    assert_eq!(issuing.reason.as_deref(), Some("Failed"));
    assert!(
        issuing.message.unwrap_or_default().contains("rejectedIdentifier"),
        "the ACME problem is in the message"
    );
}
