//! What the Certificate pipeline tests share: kube-sim with the CRDs, the
//! controllers running, and the test playing the issuer (an rcgen CA that
//! signs the requests' CSRs).

#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, ResourceExt};
use passerelle_crds::meta::{Condition, ConditionStatus, IssuerReference};
use passerelle_crds::v1::issuer::IssuerSpec;
use passerelle_crds::v1::{
    Certificate, CertificateRequest, CertificateSpec, Issuer, IssuerConfig, IssuerStatus,
};
use passerelle_operator::config::Config;
use passerelle_operator::context::Context;
use passerelle_operator::metrics::Metrics;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, CertifiedIssuer, IsCa, KeyPair,
};

pub const NAMESPACE: &str = "default";

/// Polls `check` every 100 ms until it yields a value, for at most 20 s.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// kube-sim with the CRDs installed, and both controllers running.
pub struct Cluster {
    _sim: kube_sim::KubeSim,
    pub client: Client,
    /// The operator's context, when the controllers run.
    pub ctx: Option<Arc<Context>>,
    ca: CertifiedIssuer<'static, KeyPair>,
}

impl Cluster {
    pub async fn start() -> Result<Self> {
        let mut cluster = Self::start_without_controllers().await?;
        let ctx = Arc::new(Context::new(
            cluster.client.clone(),
            Config::default(),
            Metrics::default(),
        ));
        tokio::spawn(passerelle_operator::certificate::run(ctx.clone()));
        tokio::spawn(passerelle_operator::certificate_request::run(ctx.clone()));
        cluster.ctx = Some(ctx);
        Ok(cluster)
    }

    pub async fn start_without_controllers() -> Result<Self> {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let sim = kube_sim::KubeSim::start(kube_sim::Config::default()).await?;
        let kubeconfig = Kubeconfig::from_yaml(&sim.kubeconfig())?;
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default()).await?;
        let client = Client::try_from(config)?;
        let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
        for crd in passerelle_crds::crd::all() {
            crds.create(&PostParams::default(), &crd)
                .await
                .with_context(|| format!("creating CRD {}", crd.name_any()))?;
        }
        let certs: Api<Certificate> = Api::namespaced(client.clone(), NAMESPACE);
        eventually("the CRDs to be served", || async {
            Ok(certs.list(&ListParams::default()).await.ok().map(|_| ()))
        })
        .await?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate()?)?;
        Ok(Self {
            _sim: sim,
            client,
            ctx: None,
            ca,
        })
    }

    pub fn api<K>(&self) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
            + Clone
            + serde::de::DeserializeOwned
            + std::fmt::Debug,
    {
        Api::namespaced(self.client.clone(), NAMESPACE)
    }

    /// Signs a base64 PEM CSR (as requests and Orders carry it) with the
    /// test CA, valid 2025–2035; returns leaf + CA, PEM.
    pub fn sign(&self, request: &str) -> Result<String> {
        let pem = String::from_utf8(STANDARD.decode(request)?)?;
        let mut csr = CertificateSigningRequestParams::from_pem(&pem)?;
        csr.params.not_before = rcgen::date_time_ymd(2025, 1, 1);
        csr.params.not_after = rcgen::date_time_ymd(2035, 1, 1);
        let leaf = csr.signed_by(&self.ca)?;
        Ok(format!("{}{}", leaf.pem(), self.ca.pem()))
    }

    /// Plays an external issuer: signs the request and marks it issued.
    pub async fn issue(&self, name: &str) -> Result<String> {
        let requests: Api<CertificateRequest> = self.api();
        let cr = eventually(&format!("CertificateRequest {name}"), || async {
            Ok(requests
                .get_opt(name)
                .await?
                .filter(|cr| condition_true(cr, "Approved")))
        })
        .await?;
        let chain = self.sign(&cr.spec.request)?;
        let status = serde_json::json!({"status": {
            "certificate": STANDARD.encode(&chain),
            "conditions": [
                {"type": "Approved", "status": "True", "reason": "cert-manager.io", "message": "Certificate request has been approved by cert-manager.io"},
                {"type": "Ready", "status": "True", "reason": "Issued", "message": "Certificate fetched from issuer successfully"},
            ],
        }});
        requests
            .patch_status(name, &PatchParams::default(), &Patch::Merge(&status))
            .await?;
        Ok(chain)
    }

    /// Waits for the Certificate to be Ready at `revision`.
    pub async fn ready(&self, name: &str, revision: i64) -> Result<Certificate> {
        let certs: Api<Certificate> = self.api();
        eventually(
            &format!("Certificate {name} ready at revision {revision}"),
            || async {
                let cert = certs.get(name).await?;
                let status = cert.status.clone().unwrap_or_default();
                let ready = cert_condition(&cert, "Ready").is_some_and(|c| c.status == ConditionStatus::True);
                Ok(
                    (ready
                        && status.revision == Some(revision)
                        && cert_condition(&cert, "Issuing").is_none())
                    .then_some(cert),
                )
            },
        )
        .await
    }
}

pub fn condition_true(cr: &CertificateRequest, type_: &str) -> bool {
    cr.status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .any(|c| c.type_ == type_ && c.status == ConditionStatus::True)
}

pub fn cert_condition(cert: &Certificate, type_: &str) -> Option<Condition> {
    cert.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
        .cloned()
}

pub fn certificate(name: &str, issuer: IssuerReference) -> Certificate {
    let mut cert = Certificate::new(
        name,
        CertificateSpec {
            secret_name: format!("{name}-tls"),
            dns_names: Some(vec![format!("{name}.example"), format!("www.{name}.example")]),
            issuer_ref: issuer,
            ..CertificateSpec::default()
        },
    );
    cert.metadata.labels = Some([("app".to_string(), name.to_string())].into());
    cert
}

pub fn external_issuer() -> IssuerReference {
    IssuerReference {
        name: "test-ca".into(),
        kind: Some("TestIssuer".into()),
        group: Some("test.passerelle.io".into()),
    }
}

pub fn data(secret: &Secret, key: &str) -> String {
    secret
        .data
        .as_ref()
        .and_then(|d| d.get(key))
        .map(|v| String::from_utf8_lossy(&v.0).into_owned())
        .unwrap_or_default()
}

pub async fn issuer(cluster: &Cluster, name: &str, config: IssuerConfig, ready: bool) -> Result<()> {
    let issuers: Api<Issuer> = cluster.api();
    issuers
        .create(&PostParams::default(), &Issuer::new(name, IssuerSpec { config }))
        .await?;
    let status = IssuerStatus {
        conditions: Some(vec![Condition {
            type_: "Ready".into(),
            status: if ready {
                ConditionStatus::True
            } else {
                ConditionStatus::False
            },
            reason: Some("Test".into()),
            message: Some("set by the test".into()),
            ..Default::default()
        }]),
        acme: None,
    };
    issuers
        .patch_status(
            name,
            &PatchParams::default(),
            &Patch::Merge(&serde_json::json!({"status": status})),
        )
        .await?;
    Ok(())
}
