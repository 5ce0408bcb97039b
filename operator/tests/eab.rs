//! External Account Binding (RFC 8555 §7.3.4) against pebble configured to
//! require it: an Issuer with the right key ID and HMAC key registers and
//! issues; one without EAB, or with a wrong HMAC key, is not Ready and says
//! what the CA answered.

#[path = "support/env.rs"]
mod env;

use std::time::Duration;

use base64::Engine as _;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, PostParams};
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::Issuer;
use serde_json::json;

/// pebble's sample HMAC key (base64url), as its test configuration has it.
const HMAC: &str = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

async fn eab_issuer(env: &env::Env, name: &str, eab: Option<serde_json::Value>) {
    let ca = base64::engine::general_purpose::STANDARD.encode(env.pebble.listener_ca_pem());
    let mut acme = json!({"server": env.pebble.directory_url(), "email": "admin@example.test", "caBundle": ca,
        "privateKeySecretRef": {"name": format!("{name}-account")},
        "solvers": [{"http01": {"ingress": {"class": "traefik"}}}]});
    if let Some(eab) = eab {
        acme["externalAccountBinding"] = eab;
    }
    let issuer: Issuer = serde_json::from_value(json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Issuer",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"acme": acme}
    }))
    .unwrap();
    Api::<Issuer>::namespaced(env.client.clone(), "default")
        .create(&PostParams::default(), &issuer)
        .await
        .unwrap();
}

/// Waits until the Issuer's Ready condition has `status`; returns its message.
async fn ready_condition(env: &env::Env, name: &str, status: ConditionStatus) -> String {
    let api: Api<Issuer> = Api::namespaced(env.client.clone(), "default");
    let mut last = None;
    for _ in 0..300 {
        let issuer = api.get(name).await.unwrap();
        let ready = issuer
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready").cloned());
        if let Some(c) = ready.as_ref().filter(|c| c.status == status) {
            return c.message.clone().unwrap_or_default();
        }
        last = ready;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "Issuer {name} never Ready={status:?}; last: {last:?}\npebble:\n{}",
        env.pebble.logs()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_account_binding_registers_with_a_ca_that_requires_it() {
    let env = env::start_with(|mut opts| {
        opts.eab_keys = vec![("kid-1".into(), HMAC.into())];
        opts
    })
    .await;
    let secrets: Api<Secret> = Api::namespaced(env.client.clone(), "default");
    for (name, value) in [
        ("eab", HMAC),
        (
            "eab-wrong",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ),
    ] {
        let secret: Secret = serde_json::from_value(json!({
            "metadata": {"name": name}, "stringData": {"secret": value}
        }))
        .unwrap();
        secrets.create(&PostParams::default(), &secret).await.unwrap();
    }

    eab_issuer(
        &env,
        "bound",
        Some(json!({"keyID": "kid-1", "keySecretRef": {"name": "eab", "key": "secret"}})),
    )
    .await;
    eab_issuer(&env, "unbound", None).await;
    eab_issuer(
        &env,
        "wrong-key",
        Some(json!({"keyID": "kid-1", "keySecretRef": {"name": "eab-wrong", "key": "secret"}})),
    )
    .await;

    ready_condition(&env, "bound", ConditionStatus::True).await;
    let unbound = ready_condition(&env, "unbound", ConditionStatus::False).await;
    assert!(unbound.contains("externalAccountRequired"), "{unbound}");
    let wrong = ready_condition(&env, "wrong-key", ConditionStatus::False).await;
    assert!(!wrong.is_empty(), "the CA's refusal is in the condition");

    // The bound account issues.
    env::certificate(
        &env,
        "eab-web",
        "bound",
        &["eab.example.test"],
        json!({"algorithm": "ECDSA"}),
    )
    .await;
    let cert = env::wait_ready(&env, "eab-web").await;
    assert_eq!(cert.spec.secret_name, "eab-web-tls");
}
