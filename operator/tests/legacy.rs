//! The walkthrough this project started from, in its own legacy
//! `certmanager.k8s.io/v1alpha1` manifests (with `.test` names and the
//! server pointed at pebble), applied with kubectl: the operator mirrors
//! them into v1 objects, issues through pebble, copies the status back, and
//! `kubectl describe certificate traefik-cert` tells the story as
//! cert-manager's did.

#[path = "support/env.rs"]
mod support;

use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::api::Api;
use passerelle_crds::v1alpha1::LegacyCertificate;
use support::{kubectl, start, verify, wait_ready};

fn walkthrough(server: &str) -> String {
    format!(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Issuer
metadata:
  name: letsencrypt-prod
spec:
  acme:
    server: {server}
    email: xxx.xxx@example.test
    privateKeySecretRef:
      name: letsencrypt-prod
    skipTLSVerify: true
    http01: {{}}
---
apiVersion: certmanager.k8s.io/v1alpha1
kind: Certificate
metadata:
  name: traefik-cert
spec:
  secretName: traefik-cert
  issuerRef:
    name: letsencrypt-prod
  commonName: meltingpoc.example.test
  dnsNames:
    - www.meltingpoc.example.test
  acme:
    config:
    - http01:
        ingressClass: traefik
      domains:
      - meltingpoc.example.test
      - www.meltingpoc.example.test
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walkthroughs_legacy_manifests_issue_and_describe_like_cert_manager() {
    let env = start().await;
    let (ok, out, err) = kubectl(
        &env,
        &["apply", "-f", "-"],
        Some(&walkthrough(&env.pebble.directory_url())),
    );
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("certificate.certmanager.k8s.io/traefik-cert created"),
        "{out}"
    );

    let mirror = wait_ready(&env, "traefik-cert").await;
    assert_eq!(
        mirror
            .metadata
            .labels
            .unwrap_or_default()
            .get("passerelle.io/legacy-mirror")
            .map(String::as_str),
        Some("true")
    );
    assert_eq!(
        mirror.spec.dns_names.unwrap_or_default(),
        vec![
            "meltingpoc.example.test".to_string(),
            "www.meltingpoc.example.test".to_string()
        ],
        "the common name comes first among the DNS names"
    );
    let secret = Api::<Secret>::namespaced(env.client.clone(), "default")
        .get("traefik-cert")
        .await
        .unwrap();
    let chain = String::from_utf8(secret.data.unwrap()["tls.crt"].0.clone()).unwrap();
    let roots = env.pebble.issuing_roots_pem().await.unwrap();
    verify(&chain, &roots, "meltingpoc.example.test");
    verify(&chain, &roots, "www.meltingpoc.example.test");

    // The legacy object gets the status back.
    let legacy: Api<LegacyCertificate> = Api::namespaced(env.client.clone(), "default");
    let mut copied = false;
    for _ in 0..100 {
        let l = legacy.get("traefik-cert").await.unwrap();
        let status = l.status.unwrap_or_default();
        if status.not_after.is_some()
            && status
                .conditions
                .unwrap_or_default()
                .iter()
                .any(|c| c.type_ == "Ready" && c.reason.as_deref() == Some("Ready"))
        {
            copied = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(copied, "the legacy Certificate's status shows the issuance");

    let (ok, describe, err) = kubectl(&env, &["describe", "certificate", "traefik-cert"], None);
    assert!(ok, "{err}");
    for want in [
        "API Version:  cert-manager.io/v1",
        "Certificate is up to date and has not expired",
        "Events:",
        "Issuing",
    ] {
        assert!(describe.contains(want), "missing {want:?} in:\n{describe}");
    }
    let (ok, table, _) = kubectl(&env, &["get", "certificates"], None);
    assert!(
        ok && table
            .lines()
            .any(|l| l.starts_with("traefik-cert") && l.contains("True")),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v1_object_of_the_same_name_is_never_overwritten() {
    let env = start().await;
    let own = r#"
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: traefik-cert
spec:
  secretName: mine
  issuerRef:
    name: somebody-else
  dnsNames: [mine.example.test]
"#;
    let (ok, _, err) = kubectl(&env, &["apply", "-f", "-"], Some(own));
    assert!(ok, "{err}");
    let (ok, _, err) = kubectl(
        &env,
        &["apply", "-f", "-"],
        Some(&walkthrough(&env.pebble.directory_url())),
    );
    assert!(ok, "{err}");
    let legacy: Api<LegacyCertificate> = Api::namespaced(env.client.clone(), "default");
    let mut reported = None;
    for _ in 0..100 {
        let l = legacy.get("traefik-cert").await.unwrap();
        reported = l
            .status
            .and_then(|s| s.conditions)
            .and_then(|c| c.into_iter().find(|c| c.reason.as_deref() == Some("NameClash")));
        if reported.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        reported.is_some(),
        "the clash is reported on the legacy Certificate"
    );
    let (_, yaml, _) = kubectl(
        &env,
        &[
            "get",
            "certificates.cert-manager.io",
            "traefik-cert",
            "-o",
            "jsonpath={.spec.secretName}",
        ],
        None,
    );
    assert_eq!(yaml, "mine", "the user's own v1 Certificate is left unchanged");
}
