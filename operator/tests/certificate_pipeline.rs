//! The Certificate half of the pipeline against a real API (kube-sim,
//! in-process): the Certificate and CertificateRequest controllers run as
//! the operator runs them, and the test plays the issuer — for an issuer of
//! another API group it signs the CertificateRequest's CSR with an rcgen CA
//! and writes the chain into the request's status, as an external issuer
//! does; for an ACME issuer it plays the Order controller. Checked: the
//! Secret written (layout, annotations, label, key), the Certificate's
//! status, the revision history, a renewal triggered by hand through
//! another field manager (as `cmctl renew` does), the adoption of a Secret
//! written before the operator labelled its Secrets (no new request), and
//! an unsupported issuer type reported in the Certificate's condition.

#[path = "certificate_pipeline/support.rs"]
mod support;

use std::time::Duration;

use anyhow::{Context as _, Result};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{Event, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::ResourceExt;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use passerelle_crds::acme::order::State;
use passerelle_crds::acme::{AcmeIssuer, Order};
use passerelle_crds::meta::{Condition, ConditionStatus, IssuerReference, SecretKeySelector};
use passerelle_crds::v1::{Certificate, CertificateRequest, IssuerConfig};
use passerelle_operator::config::Config;
use passerelle_operator::context::Context;
use passerelle_operator::metrics::{CertificateLabels, Metrics};
use passerelle_operator::pki::{self, PrivateKey};

use self::support::*;

#[tokio::test]
async fn issues_into_a_secret_renews_by_hand_and_keeps_one_revision() -> Result<()> {
    let cluster = Cluster::start().await?;
    let certs: Api<Certificate> = cluster.api();
    certs
        .create(&PostParams::default(), &certificate("web", external_issuer()))
        .await?;

    // The request of revision 1, as cert-manager makes it.
    let chain = cluster.issue("web-1").await?;
    let cr: CertificateRequest = cluster.api().get("web-1").await?;
    let annotations = cr.annotations();
    assert_eq!(
        annotations
            .get("cert-manager.io/certificate-name")
            .map(String::as_str),
        Some("web")
    );
    assert_eq!(
        annotations
            .get("cert-manager.io/certificate-revision")
            .map(String::as_str),
        Some("1")
    );
    assert_eq!(
        annotations
            .get("cert-manager.io/issuer-group")
            .map(String::as_str),
        Some("test.passerelle.io")
    );
    let key_secret = annotations
        .get("cert-manager.io/private-key-secret-name")
        .cloned()
        .context("key secret annotation")?;
    assert!(
        key_secret.starts_with("web-") && key_secret.len() == "web-".len() + 5,
        "{key_secret}"
    );
    assert_eq!(cr.labels().get("app").map(String::as_str), Some("web"));
    assert_eq!(cr.owner_references()[0].kind, "Certificate");

    let cert = cluster.ready("web", 1).await?;
    let status = cert.status.clone().unwrap_or_default();
    assert_eq!(
        cert_condition(&cert, "Ready").and_then(|c| c.message),
        Some("Certificate is up to date and has not expired".into())
    );
    assert_eq!(
        status.not_after.map(|t| t.0.to_string()),
        Some("2035-01-01T00:00:00Z".into())
    );
    assert!(status.renewal_time.is_some() && status.next_private_key_secret_name.is_none());

    let secret: Secret = cluster.api().get("web-tls").await?;
    assert_eq!(secret.type_.as_deref(), Some("kubernetes.io/tls"));
    assert_eq!(data(&secret, "tls.crt"), chain);
    assert!(secret.data.as_ref().is_some_and(|d| !d.contains_key("ca.crt")));
    let key = PrivateKey::from_pem(&data(&secret, "tls.key"))?;
    assert!(
        data(&secret, "tls.key").starts_with("-----BEGIN RSA PRIVATE KEY-----"),
        "PKCS#1 by default"
    );
    let leaf = pki::parse_chain(&chain)?.remove(0);
    assert!(pki::key_matches(&leaf, &key));
    assert_eq!(
        secret
            .labels()
            .get("controller.cert-manager.io/fao")
            .map(String::as_str),
        Some("true")
    );
    let a = secret.annotations();
    assert_eq!(
        a.get("cert-manager.io/alt-names").map(String::as_str),
        Some("web.example,www.web.example")
    );
    assert_eq!(
        a.get("cert-manager.io/issuer-name").map(String::as_str),
        Some("test-ca")
    );
    assert_eq!(
        a.get("cert-manager.io/issuer-kind").map(String::as_str),
        Some("TestIssuer")
    );
    assert_eq!(
        a.get("cert-manager.io/certificate-name").map(String::as_str),
        Some("web")
    );
    assert_eq!(a.get("cert-manager.io/common-name").map(String::as_str), Some(""));
    assert!(
        secret.owner_references().is_empty(),
        "no ownerReference by default"
    );
    let secrets: Api<Secret> = cluster.api();
    eventually("the temporary key Secret to be deleted", || async {
        Ok(secrets.get_opt(&key_secret).await?.is_none().then_some(()))
    })
    .await?;

    // cert-manager's Events on the Certificate, and its metrics.
    let events: Api<Event> = cluster.api();
    let expected = [
        (
            "Issuing",
            "Issuing certificate as Secret does not exist".to_string(),
        ),
        (
            "Generated",
            format!("Stored new private key in temporary Secret resource {key_secret:?}"),
        ),
        (
            "Requested",
            "Created new CertificateRequest resource \"web-1\"".to_string(),
        ),
        (
            "Issuing",
            "The certificate has been successfully issued".to_string(),
        ),
    ];
    eventually("the Certificate's Events", || async {
        let seen: Vec<(String, String)> = events
            .list(&ListParams::default())
            .await?
            .iter()
            .filter(|e| e.involved_object.kind.as_deref() == Some("Certificate"))
            .filter(|e| e.involved_object.name.as_deref() == Some("web"))
            .map(|e| {
                (
                    e.reason.clone().unwrap_or_default(),
                    e.message.clone().unwrap_or_default(),
                )
            })
            .collect();
        Ok(expected
            .iter()
            .all(|(r, m)| seen.contains(&(r.to_string(), m.clone())))
            .then_some(()))
    })
    .await?;
    let ctx = cluster.ctx.clone().context("the controllers run")?;
    let labels = CertificateLabels {
        name: "web".into(),
        namespace: NAMESPACE.into(),
        issuer_name: "test-ca".into(),
        issuer_kind: "TestIssuer".into(),
        issuer_group: "test.passerelle.io".into(),
    };
    assert_eq!(
        ctx.metrics.expiration.get_or_create(&labels).get(),
        2_051_222_400.0,
        "2035-01-01"
    );
    assert!(ctx.metrics.renewal.get_or_create(&labels).get() > 0.0);

    // `cmctl renew`: Issuing=True, ManuallyTriggered, under its own manager.
    let mut conditions = cert
        .status
        .clone()
        .unwrap_or_default()
        .conditions
        .unwrap_or_default();
    conditions.push(Condition {
        type_: "Issuing".into(),
        status: ConditionStatus::True,
        reason: Some("ManuallyTriggered".into()),
        message: Some("Certificate re-issuance manually triggered".into()),
        last_transition_time: Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            k8s_openapi::jiff::Timestamp::now(),
        )),
        observed_generation: None,
    });
    let patch = serde_json::json!({"status": {"conditions": conditions}});
    certs
        .patch_status(
            "web",
            &PatchParams {
                field_manager: Some("cmctl".into()),
                ..Default::default()
            },
            &Patch::Merge(&patch),
        )
        .await?;

    let renewed = cluster.issue("web-2").await?;
    let cert = cluster.ready("web", 2).await?;
    assert!(
        cert_condition(&cert, "Issuing").is_none(),
        "the condition cmctl set is removed"
    );
    let secret: Secret = cluster.api().get("web-tls").await?;
    assert_eq!(data(&secret, "tls.crt"), renewed);
    assert_ne!(
        data(&secret, "tls.key"),
        key.to_pem(passerelle_crds::v1::certificate::PrivateKeyEncoding::Pkcs1)?,
        "rotationPolicy Always: a new key"
    );
    let requests: Api<CertificateRequest> = cluster.api();
    eventually("revision 1 to be pruned (revisionHistoryLimit 1)", || async {
        let names: Vec<String> = requests
            .list(&ListParams::default())
            .await?
            .iter()
            .map(|r| r.name_any())
            .collect();
        Ok((names == ["web-2"]).then_some(()))
    })
    .await?;
    Ok(())
}

#[tokio::test]
async fn adopts_a_matching_unlabelled_secret_without_a_new_request() -> Result<()> {
    let cluster = Cluster::start().await?;
    // A Secret as cert-manager 1.x wrote it before it labelled its Secrets.
    let key = PrivateKey::generate(pki::KeyKind::Rsa { bits: 2048 })?;
    let spec = certificate("legacy", external_issuer()).spec;
    let csr = pki::Csr::build(&spec, &key)?;
    let chain = cluster.sign(&csr.to_request_field())?;
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some("legacy-tls".into()),
            annotations: Some(
                [
                    ("cert-manager.io/issuer-name".to_string(), "test-ca".to_string()),
                    (
                        "cert-manager.io/issuer-kind".to_string(),
                        "TestIssuer".to_string(),
                    ),
                    (
                        "cert-manager.io/issuer-group".to_string(),
                        "test.passerelle.io".to_string(),
                    ),
                ]
                .into(),
            ),
            ..Default::default()
        },
        type_: Some("kubernetes.io/tls".into()),
        data: Some(
            [
                ("tls.crt".to_string(), ByteString(chain.clone().into_bytes())),
                (
                    "tls.key".to_string(),
                    ByteString(
                        key.to_pem(passerelle_crds::v1::certificate::PrivateKeyEncoding::Pkcs1)?
                            .into_bytes(),
                    ),
                ),
            ]
            .into(),
        ),
        ..Default::default()
    };
    let secrets: Api<Secret> = cluster.api();
    secrets.create(&PostParams::default(), &secret).await?;
    let certs: Api<Certificate> = cluster.api();
    certs
        .create(&PostParams::default(), &certificate("legacy", external_issuer()))
        .await?;

    let adopted = eventually("the Secret to be adopted", || async {
        let s = secrets.get("legacy-tls").await?;
        Ok(s.labels()
            .get("controller.cert-manager.io/fao")
            .is_some()
            .then_some(s))
    })
    .await?;
    assert_eq!(data(&adopted, "tls.crt"), chain, "the certificate is kept");
    assert_eq!(
        adopted
            .annotations()
            .get("cert-manager.io/certificate-name")
            .map(String::as_str),
        Some("legacy")
    );
    eventually("the Certificate to be Ready", || async {
        let cert = certs.get("legacy").await?;
        Ok(cert_condition(&cert, "Ready")
            .filter(|c| c.status == ConditionStatus::True)
            .map(|_| cert))
    })
    .await?;
    let cert = certs.get("legacy").await?;
    assert!(
        cert.status
            .as_ref()
            .and_then(|s| s.renewal_time.clone())
            .is_some(),
        "renewal scheduled"
    );
    assert!(cert_condition(&cert, "Issuing").is_none());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let requests: Api<CertificateRequest> = cluster.api();
    assert!(
        requests.list(&ListParams::default()).await?.items.is_empty(),
        "no CertificateRequest for an adopted Secret"
    );
    Ok(())
}

#[tokio::test]
async fn acme_issuer_requests_go_through_an_order() -> Result<()> {
    let cluster = Cluster::start().await?;
    let acme = AcmeIssuer {
        server: "https://acme.invalid/directory".into(),
        private_key_secret_ref: SecretKeySelector {
            name: "acme-account".into(),
            key: None,
        },
        ..AcmeIssuer::default()
    };
    issuer(
        &cluster,
        "le",
        IssuerConfig {
            acme: Some(acme),
            ..IssuerConfig::default()
        },
        true,
    )
    .await?;
    let certs: Api<Certificate> = cluster.api();
    let issuer_ref = IssuerReference {
        name: "le".into(),
        kind: None,
        group: None,
    };
    certs
        .create(&PostParams::default(), &certificate("shop", issuer_ref))
        .await?;

    // Play the Order controller.
    let orders: Api<Order> = cluster.api();
    let order = eventually("the Order", || async {
        Ok(orders
            .list(&ListParams::default())
            .await?
            .items
            .into_iter()
            .next())
    })
    .await?;
    assert!(order.name_any().starts_with("shop-1-"), "{}", order.name_any());
    assert_eq!(
        order.spec.dns_names,
        Some(vec!["shop.example".to_string(), "www.shop.example".to_string()])
    );
    assert_eq!(order.owner_references()[0].kind, "CertificateRequest");
    assert_eq!(order.labels().get("app").map(String::as_str), Some("shop"));
    let chain = cluster.sign(&order.spec.request)?;
    let status =
        serde_json::json!({"status": {"state": State::Valid, "certificate": STANDARD.encode(&chain)}});
    orders
        .patch_status(&order.name_any(), &PatchParams::default(), &Patch::Merge(&status))
        .await?;

    cluster.ready("shop", 1).await?;
    let cr: CertificateRequest = cluster.api().get("shop-1").await?;
    let ready = cr
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
        .cloned();
    assert_eq!(ready.and_then(|c| c.reason), Some("Issued".into()));
    assert!(
        cr.status.as_ref().is_some_and(|s| s.ca.is_none()),
        "no ca for ACME"
    );
    let secret: Secret = cluster.api().get("shop-tls").await?;
    assert_eq!(data(&secret, "tls.crt"), chain);
    assert!(secret.data.as_ref().is_some_and(|d| !d.contains_key("ca.crt")));
    Ok(())
}

#[tokio::test]
async fn unsupported_issuer_type_is_reported_on_the_certificate() -> Result<()> {
    let cluster = Cluster::start().await?;
    let ca = passerelle_crds::v1::ca::CaIssuer {
        secret_name: "ca-key".into(),
        ..Default::default()
    };
    issuer(
        &cluster,
        "internal-ca",
        IssuerConfig {
            ca: Some(ca),
            ..IssuerConfig::default()
        },
        false,
    )
    .await?;
    let certs: Api<Certificate> = cluster.api();
    let issuer_ref = IssuerReference {
        name: "internal-ca".into(),
        kind: Some("Issuer".into()),
        group: None,
    };
    certs
        .create(&PostParams::default(), &certificate("intranet", issuer_ref))
        .await?;
    let issuing = eventually("the issuance to fail", || async {
        let cert = certs.get("intranet").await?;
        Ok(cert_condition(&cert, "Issuing").filter(|c| c.status == ConditionStatus::False))
    })
    .await?;
    assert_eq!(issuing.reason.as_deref(), Some("Failed"));
    assert_eq!(
        issuing.message.as_deref(),
        Some(
            "The certificate request has failed to complete and will be retried: issuer type CA is not supported by Passerelle yet"
        )
    );
    let cert = certs.get("intranet").await?;
    assert_eq!(cert.status.and_then(|s| s.failed_issuance_attempts), Some(1));
    Ok(())
}

#[tokio::test]
async fn status_write_removes_a_condition_another_manager_set() -> Result<()> {
    let cluster = Cluster::start_without_controllers().await?;
    let certs: Api<Certificate> = cluster.api();
    certs
        .create(&PostParams::default(), &certificate("manual", external_issuer()))
        .await?;
    let condition = |type_: &str, reason: &str| Condition {
        type_: type_.into(),
        status: ConditionStatus::True,
        reason: Some(reason.into()),
        message: Some(String::new()),
        ..Default::default()
    };
    // The operator's own status, then `cmctl renew`'s condition beside it.
    let ours = passerelle_crds::v1::CertificateStatus {
        conditions: Some(vec![condition("Ready", "Ready")]),
        ..Default::default()
    };
    let apply =
        serde_json::json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "status": ours});
    let operator = PatchParams::apply("passerelle-operator").force();
    certs
        .patch_status("manual", &operator, &Patch::Apply(&apply))
        .await?;
    let both = serde_json::json!({"status": {"conditions": [condition("Ready", "Ready"), condition("Issuing", "ManuallyTriggered")]}});
    let cmctl = PatchParams {
        field_manager: Some("cmctl".into()),
        ..Default::default()
    };
    certs.patch_status("manual", &cmctl, &Patch::Merge(&both)).await?;

    // Server-side apply alone cannot remove it: cmctl owns that entry.
    certs
        .patch_status("manual", &operator, &Patch::Apply(&apply))
        .await?;
    let cert = certs.get("manual").await?;
    assert!(
        cert_condition(&cert, "Issuing").is_some(),
        "apply keeps the entry another manager owns"
    );

    // The operator's status write removes it.
    let ctx = Context::new(cluster.client.clone(), Config::default(), Metrics::default());
    assert!(passerelle_operator::certificate::act::write_status(&cert, &ctx, &ours).await?);
    let cert = certs.get("manual").await?;
    assert!(cert_condition(&cert, "Issuing").is_none(), "{:?}", cert.status);
    assert!(cert_condition(&cert, "Ready").is_some());
    // A removal decided on a stale object is refused, not applied.
    let mut stale = cert.clone();
    stale.metadata.resource_version = Some("1".into());
    stale
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new)
        .push(condition("Issuing", "Renewing"));
    let error = passerelle_operator::certificate::act::write_status(&stale, &ctx, &ours)
        .await
        .err()
        .context("stale write refused")?;
    assert!(format!("{error:?}").contains("409"), "{error:?}");
    Ok(())
}
