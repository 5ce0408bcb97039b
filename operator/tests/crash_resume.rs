//! The operator process dies at each named point of an issuance (after the
//! temporary key Secret, the CertificateRequest, the ACME new-order, the
//! challenge acceptance, the finalize), is started again, and the
//! Certificate still becomes Ready with a Secret whose key matches its
//! certificate. Every step is persisted before the next begins, so a kill
//! costs no extra ACME order — except after the challenges are accepted:
//! the only replica's HTTP-01 solver dies with it, the CA's validation
//! fails, and the retry after the (shortened) issuance backoff places one
//! more order. With several replicas the others' solvers answer.
//!
//! The process aborts itself at the point (`PASSERELLE_CRASH_AT`, see
//! `passerelle_operator::crashpoint`): no destructor runs, no buffered write
//! is flushed, as with SIGKILL. The operators' logs are kept in the test's
//! directory; `CRASH_TEST_LOG` sets their `RUST_LOG` (default `info`).

#[path = "support/env.rs"]
mod env;

use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use kube::api::{Api, PostParams};
use passerelle_e2e::pebble::{Pebble, PebbleOptions};
use passerelle_operator::crashpoint;
use serde_json::json;

struct Setup {
    client: kube::Client,
    pebble: Pebble,
    kubeconfig: std::path::PathBuf,
    dir: std::path::PathBuf,
    port: u16,
    _sim: kube_sim::KubeSim,
}

async fn setup() -> Setup {
    let (sim, client) = env::kube_sim_with_crds(kube_sim::Config::default()).await;
    let port = env::free_port();
    let pebble = Pebble::start(PebbleOptions::new(port))
        .await
        .expect("pebble starts (run scripts/install-test-tools)");
    let dir = std::env::temp_dir().join(format!("passerelle-crash-{port}"));
    std::fs::create_dir_all(&dir).unwrap();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(&kubeconfig, sim.kubeconfig()).unwrap();
    Setup {
        client,
        pebble,
        kubeconfig,
        dir,
        port,
        _sim: sim,
    }
}

fn operator(kubeconfig: &Path, port: u16, crash_at: Option<&str>, log: &Path) -> Child {
    let log = std::fs::File::create(log).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_passerelle-operator"));
    command
        .args(["--kubeconfig", kubeconfig.to_str().unwrap()])
        .args([
            "--cluster-resource-namespace",
            "default",
            "--leader-elect",
            "false",
        ])
        .args(["--http01-solver-listen", &format!("127.0.0.1:{port}")])
        .args(["--http01-solver-address", &format!("127.0.0.1:{port}")])
        .args(["--http01-self-check-port", &port.to_string()])
        .args([
            "--http01-self-check-address",
            "127.0.0.1",
            "--admin-listen",
            "127.0.0.1:0",
        ])
        .args(["--issuance-backoff-base", "1s"])
        .env(
            "RUST_LOG",
            std::env::var("CRASH_TEST_LOG").unwrap_or_else(|_| "info".into()),
        )
        .env_remove(crashpoint::ENV)
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    if let Some(point) = crash_at {
        command.env(crashpoint::ENV, point);
    }
    command.spawn().expect("the operator binary starts")
}

/// Waits for the process to end by itself (the crash point); kills it and
/// panics after 60 s.
async fn wait_for_crash(child: &mut Child, point: &str, log: &Path) {
    for _ in 0..600 {
        if let Some(status) = child.try_wait().unwrap() {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            assert_eq!(status.signal(), Some(6), "aborted at {point}: {status:?}\n{text}");
            assert!(text.contains("Crash point reached"), "{text}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    panic!(
        "the operator never reached crash point {point}:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

fn new_orders(pebble: &Pebble) -> usize {
    pebble.logs().matches("POST /order-plz").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_at_any_step_resumes_without_a_second_order() {
    let s = setup().await;
    s.issuer().await;
    let logs = &s.dir;
    for (i, point) in crashpoint::POINTS.iter().enumerate() {
        let name = format!("crash-{i}");
        let before = new_orders(&s.pebble);
        let crash_log = logs.join(format!("{name}-crash.log"));
        let mut first = operator(&s.kubeconfig, s.port, Some(point), &crash_log);
        s.certificate(&name).await;
        wait_for_crash(&mut first, point, &crash_log).await;

        let resume_log = logs.join(format!("{name}-resume.log"));
        let mut second = operator(&s.kubeconfig, s.port, None, &resume_log);
        let ready = s.wait_ready(&name).await;
        let _ = second.kill();
        let _ = second.wait();
        assert!(
            ready,
            "{name} not Ready after a crash at {point}:\n{}\n{}\npebble:\n{}",
            std::fs::read_to_string(&resume_log).unwrap_or_default(),
            s.dump(&name).await,
            s.pebble.logs()
        );
        let orders = new_orders(&s.pebble) - before;
        let allowed = if *point == "challenge-accepted" { 2 } else { 1 };
        assert!(
            (1..=allowed).contains(&orders),
            "{orders} ACME orders for {name} (crash at {point}), at most {allowed} expected\npebble:\n{}",
            s.pebble.logs()
        );
        s.assert_key_matches(&format!("{name}-tls")).await;
    }
}

/// The Issuer and Certificates of the scenario, in namespace `default`.
impl Setup {
    async fn issuer(&self) {
        use base64::Engine as _;
        let ca = base64::engine::general_purpose::STANDARD.encode(self.pebble.listener_ca_pem());
        let issuer: passerelle_crds::v1::Issuer = serde_json::from_value(json!({
            "metadata": {"name": "pebble", "namespace": "default"},
            "spec": {"acme": {"server": self.pebble.directory_url(), "email": "admin@example.test",
                "caBundle": ca, "privateKeySecretRef": {"name": "pebble-account"},
                "solvers": [{"http01": {"ingress": {"class": "traefik"}}}]}}
        }))
        .unwrap();
        Api::<passerelle_crds::v1::Issuer>::namespaced(self.client.clone(), "default")
            .create(&PostParams::default(), &issuer)
            .await
            .unwrap();
    }

    async fn certificate(&self, name: &str) {
        let cert: passerelle_crds::v1::Certificate = serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"secretName": format!("{name}-tls"), "issuerRef": {"name": "pebble"},
                "dnsNames": [format!("{name}.example.test")]}
        }))
        .unwrap();
        Api::<passerelle_crds::v1::Certificate>::namespaced(self.client.clone(), "default")
            .create(&PostParams::default(), &cert)
            .await
            .unwrap();
    }

    /// The Secret's private key is the one its certificate was issued for.
    async fn assert_key_matches(&self, secret: &str) {
        let secret = Api::<k8s_openapi::api::core::v1::Secret>::namespaced(self.client.clone(), "default")
            .get(secret)
            .await
            .unwrap();
        let data = secret.data.unwrap();
        let key = rcgen::KeyPair::from_pem(std::str::from_utf8(&data["tls.key"].0).unwrap()).unwrap();
        let chain = std::str::from_utf8(&data["tls.crt"].0).unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(chain.as_bytes()).unwrap();
        let cert = pem.parse_x509().unwrap();
        assert_eq!(
            cert.public_key().raw,
            rcgen::PublicKeyData::subject_public_key_info(&key).as_slice(),
            "the key in the Secret matches its certificate"
        );
    }

    /// The Certificate and its requests, for a failure message.
    async fn dump(&self, name: &str) -> String {
        let cert = Api::<passerelle_crds::v1::Certificate>::namespaced(self.client.clone(), "default")
            .get(name)
            .await
            .map(|c| serde_json::to_string_pretty(&c.status).unwrap());
        let requests =
            Api::<passerelle_crds::v1::CertificateRequest>::namespaced(self.client.clone(), "default")
                .list(&Default::default())
                .await
                .map(|l| {
                    l.items
                        .iter()
                        .filter(|r| r.metadata.name.as_deref().is_some_and(|n| n.starts_with(name)))
                        .map(|r| {
                            format!(
                                "{:?}: {:?}",
                                r.metadata.name,
                                r.status.as_ref().and_then(|s| s.conditions.clone())
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
        format!("Certificate status: {cert:?}\nCertificateRequests:\n{requests:?}")
    }

    async fn wait_ready(&self, name: &str) -> bool {
        let api: Api<passerelle_crds::v1::Certificate> = Api::namespaced(self.client.clone(), "default");
        for _ in 0..600 {
            let cert = api.get(name).await.unwrap();
            let ready = cert.status.and_then(|s| s.conditions).is_some_and(|c| {
                c.iter()
                    .any(|c| c.type_ == "Ready" && c.status == passerelle_crds::meta::ConditionStatus::True)
            });
            if ready {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }
}
