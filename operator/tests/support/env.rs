//! A running operator against kube-sim and pebble, for the integration
//! tests, with kubectl bound to the same kube-sim.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use passerelle_crds::v1::{Certificate, Issuer};
use passerelle_e2e::pebble::{Pebble, PebbleOptions};
use passerelle_operator::config::Config;
use serde_json::json;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Env {
    pub sim: kube_sim::KubeSim,
    pub client: kube::Client,
    pub pebble: Pebble,
    pub operator: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Env {
    fn drop(&mut self) {
        self.operator.abort();
    }
}

pub async fn start() -> Env {
    start_with(|opts| opts).await
}

/// kube-sim started with `config`, a kube client of its admin, and the
/// CRDs installed.
pub async fn kube_sim_with_crds(config: kube_sim::Config) -> (kube_sim::KubeSim, kube::Client) {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let sim = kube_sim::KubeSim::start(config).await.unwrap();
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
    (sim, client)
}

/// The environment with pebble options adjusted.
pub async fn start_with(adjust: impl FnOnce(PebbleOptions) -> PebbleOptions) -> Env {
    let (sim, client) = kube_sim_with_crds(kube_sim::Config::default()).await;
    let solver_port = free_port();
    let pebble = Pebble::start(adjust(PebbleOptions::new(solver_port)))
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

pub async fn issuer(env: &Env, name: &str) {
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

pub async fn certificate(env: &Env, name: &str, issuer: &str, names: &[&str], key: serde_json::Value) {
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

pub async fn wait_ready(env: &Env, name: &str) -> Certificate {
    let api: Api<Certificate> = Api::namespaced(env.client.clone(), "default");
    for _ in 0..600 {
        // A mirrored (legacy) Certificate appears a moment after its source.
        let Some(cert) = api.get_opt(name).await.unwrap() else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
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
pub fn verify(chain_pem: &str, roots_pem: &str, name: &str) {
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

/// kubectl 1.37 (`$KUBECTL`, else the one scripts/install-test-tools
/// installs), run against this kube-sim with a cache of its own.
pub fn kubectl(env: &Env, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    use std::io::Write as _;
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = std::env::var_os("KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target/tools/venv/bin/kubectl"));
    assert!(
        bin.exists(),
        "kubectl 1.37 is needed at {}: run scripts/install-test-tools",
        bin.display()
    );
    let dir = std::env::temp_dir().join(format!("operator-kubectl-{}", env.sim.addr().port()));
    std::fs::create_dir_all(&dir).unwrap();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(&kubeconfig, env.sim.kubeconfig()).unwrap();
    tokio::task::block_in_place(|| {
        let mut child = std::process::Command::new(&bin)
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .arg("--cache-dir")
            .arg(dir.join("cache"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("kubectl runs");
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
}
