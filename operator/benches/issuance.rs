//! Issuance measured, not asserted: N certificates (N = 1, 100, 1000; ECDSA
//! P-256 keys) through the operator binary against pebble
//! (`PEBBLE_VA_NOSLEEP=1`) and kube-sim, printing certificates per second,
//! p50/p99 time from create to Ready, the operator's peak RSS and the
//! Kubernetes API requests per issuance (kube-sim's counters); then the
//! operator's RSS with 10 000 Ready Certificates and 50 000 unrelated
//! Secrets. Run with `cargo bench -p passerelle-operator --bench issuance`
//! (`BENCH_SIZES=1,100` to choose the sizes).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ListParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use passerelle_crds::v1::Certificate;
use passerelle_e2e::pebble::{Pebble, PebbleOptions};
use serde_json::{Value, json};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// The operator's requests by verb and resource, most first.
async fn top_requests(client: &kube::Client) -> Vec<(String, u64)> {
    let text = client
        .request_text(http::Request::get("/kube-sim/stats").body(vec![]).unwrap())
        .await
        .unwrap();
    let stats: Value = serde_json::from_str(&text).unwrap();
    let mut by: HashMap<String, u64> = HashMap::new();
    for r in stats["requests"].as_array().unwrap() {
        if r["user"] == "system:serviceaccount:passerelle:operator" {
            let key = format!(
                "{} {}",
                r["verb"].as_str().unwrap_or(""),
                r["resource"].as_str().unwrap_or("")
            );
            *by.entry(key).or_default() += r["count"].as_u64().unwrap_or(0);
        }
    }
    let mut top: Vec<(String, u64)> = by.into_iter().collect();
    top.sort_by_key(|t| std::cmp::Reverse(t.1));
    top.truncate(8);
    top
}

async fn api_requests(client: &kube::Client) -> u64 {
    let text = client
        .request_text(http::Request::get("/kube-sim/stats").body(vec![]).unwrap())
        .await
        .unwrap();
    let stats: Value = serde_json::from_str(&text).unwrap();
    stats["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["user"] == "system:serviceaccount:passerelle:operator")
        .map(|r| r["count"].as_u64().unwrap_or(0))
        .sum()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "1,100,1000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    // The operator counts as one user, the bench (creating and polling) as
    // another, so that the API requests per issuance are the operator's.
    let auth = kube_sim::Auth {
        admin_token: Some("bench".into()),
        token_users: vec![(
            "operator".into(),
            "system:serviceaccount:passerelle:operator".into(),
        )],
        rbac: false,
    };
    let sim = kube_sim::KubeSim::start(kube_sim::Config {
        auth,
        ..Default::default()
    })
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
    let port = free_port();
    let pebble = Pebble::start(PebbleOptions::new(port))
        .await
        .expect("pebble (scripts/install-test-tools)");
    let dir = std::env::temp_dir().join(format!("passerelle-bench-{port}"));
    std::fs::create_dir_all(&dir).unwrap();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(&kubeconfig, sim.kubeconfig_with_token(Some("operator"))).unwrap();
    let mut operator = std::process::Command::new(env!("CARGO_BIN_EXE_passerelle-operator"))
        .args(["--kubeconfig", kubeconfig.to_str().unwrap()])
        .args(["--cluster-resource-namespace", "default"])
        .args(["--http01-solver-listen", &format!("127.0.0.1:{port}")])
        .args(["--http01-solver-address", &format!("127.0.0.1:{port}")])
        .args([
            "--http01-self-check-port",
            &port.to_string(),
            "--http01-self-check-address",
            "127.0.0.1",
        ])
        .args([
            "--admin-listen",
            "127.0.0.1:0",
            "--max-concurrent-reconciles",
            "20",
        ])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("operator starts");
    let pid = operator.id();

    for (round, n) in sizes.iter().enumerate() {
        let ns = format!("bench-{round}-{n}");
        client
            .request_text(
                http::Request::post("/api/v1/namespaces")
                    .header("content-type", "application/json")
                    .body(serde_json::to_vec(&json!({"metadata": {"name": ns}})).unwrap())
                    .unwrap(),
            )
            .await
            .unwrap();
        let ca = base64_encode(pebble.listener_ca_pem());
        let issuers: Api<passerelle_crds::v1::Issuer> = Api::namespaced(client.clone(), &ns);
        issuers
            .create(
                &PostParams::default(),
                &serde_json::from_value(json!({"metadata": {"name": "pebble"}, "spec": {"acme": {
                    "server": pebble.directory_url(), "caBundle": ca,
                    "privateKeySecretRef": {"name": "pebble-account"},
                    "solvers": [{"http01": {"ingress": {"class": "traefik"}}}]}}}))
                .unwrap(),
            )
            .await
            .unwrap();
        let certs: Api<Certificate> = Api::namespaced(client.clone(), &ns);
        let before = api_requests(&client).await;
        let start = Instant::now();
        let mut created = HashMap::new();
        for i in 0..*n {
            let name = format!("c{i}");
            let cert: Certificate = serde_json::from_value(json!({"metadata": {"name": name}, "spec": {
                "secretName": format!("c{i}-tls"), "issuerRef": {"name": "pebble"},
                "dnsNames": [format!("c{i}.{ns}.example.test")], "privateKey": {"algorithm": "ECDSA"}}}))
            .unwrap();
            certs.create(&PostParams::default(), &cert).await.unwrap();
            created.insert(name, Instant::now());
        }
        let mut ready: HashMap<String, Duration> = HashMap::new();
        let deadline = Instant::now() + Duration::from_secs(600);
        while ready.len() < *n && Instant::now() < deadline {
            for c in certs.list(&ListParams::default()).await.unwrap() {
                let name = c.metadata.name.clone().unwrap_or_default();
                let is_ready = c.status.and_then(|s| s.conditions).is_some_and(|cs| {
                    cs.iter().any(|c| {
                        c.type_ == "Ready" && c.status == passerelle_crds::meta::ConditionStatus::True
                    })
                });
                if is_ready && !ready.contains_key(&name) {
                    ready.insert(name.clone(), created[&name].elapsed());
                }
            }
            // Polling shares kube-sim's two cores with the operator: not too often.
            tokio::time::sleep(Duration::from_millis(if *n > 100 { 500 } else { 50 })).await;
        }
        let total = start.elapsed();
        let after = api_requests(&client).await;
        let mut times: Vec<Duration> = ready.values().copied().collect();
        times.sort();
        if times.is_empty() {
            println!("N={n}: nothing became Ready in 600 s");
            continue;
        }
        println!(
            "N={n}: {}/{n} Ready in {:.2} s = {:.1} certificates/s; create→Ready p50 {:.0} ms, p99 {:.0} ms; \
             {:.1} API requests per issuance (operator); operator peak RSS {:.1} MiB",
            times.len(),
            total.as_secs_f64(),
            times.len() as f64 / total.as_secs_f64(),
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            (after - before) as f64 / *n as f64,
            peak_rss_mib(pid)
        );
        println!(
            "  operator's requests so far, most first: {:?}",
            top_requests(&client).await
        );
    }

    // 10 000 Ready Certificates and 50 000 unrelated Secrets.
    let ns = "idle";
    seed(&sim, ns);
    tokio::time::sleep(Duration::from_secs(20)).await;
    println!(
        "idle: 10000 Ready Certificates + 50000 unrelated Secrets: operator RSS {:.1} MiB (peak {:.1} MiB)",
        rss_mib(pid),
        peak_rss_mib(pid)
    );
    let _ = operator.kill();
    let _ = operator.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

fn base64_encode(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Seeds kube-sim directly: 10 000 Certificates marked Ready with a
/// self-signed certificate in a labelled Secret each, and 50 000 unrelated
/// Opaque Secrets.
fn seed(sim: &kube_sim::KubeSim, ns: &str) {
    use kube_sim::lifecycle;
    let mut state = sim.sim().state();
    let namespaces = state.registry.get("", "v1", "namespaces").cloned().unwrap();
    let n = lifecycle::prepare_create(
        &state,
        &namespaces,
        "",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .unwrap();
    lifecycle::commit_create(&mut state, &namespaces, n);
    let secrets = state.registry.get("", "v1", "secrets").cloned().unwrap();
    let certs = state
        .registry
        .get("cert-manager.io", "v1", "certificates")
        .cloned()
        .unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let key_pem = base64_encode(&key.serialize_pem());
    for i in 0..10_000 {
        let name = format!("ready-{i}");
        let host = format!("{name}.example.test");
        let cert = rcgen::CertificateParams::new(vec![host.clone()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": name, "labels": {"controller.cert-manager.io/fao": "true"},
                "annotations": {"cert-manager.io/certificate-name": name, "cert-manager.io/issuer-name": "pebble",
                    "cert-manager.io/issuer-kind": "Issuer", "cert-manager.io/issuer-group": "cert-manager.io"}},
            "data": {"tls.crt": base64_encode(&cert.pem()), "tls.key": key_pem}});
        let secret = lifecycle::prepare_create(&state, &secrets, ns, secret).unwrap();
        lifecycle::commit_create(&mut state, &secrets, secret);
        let c = json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
            "metadata": {"name": name}, "spec": {"secretName": name, "issuerRef": {"name": "pebble"},
                "dnsNames": [host], "privateKey": {"algorithm": "ECDSA"}}});
        let c = lifecycle::prepare_create(&state, &certs, ns, c).unwrap();
        lifecycle::commit_create(&mut state, &certs, c);
    }
    for i in 0..50_000 {
        let s = json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": format!("unrelated-{i}")}, "data": {"password": "c2VjcmV0"}});
        let s = lifecycle::prepare_create(&state, &secrets, ns, s).unwrap();
        lifecycle::commit_create(&mut state, &secrets, s);
    }
}
