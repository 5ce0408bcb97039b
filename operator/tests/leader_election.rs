//! Leader election with real processes: the operator binary, twice, against
//! kube-sim (in-process) and pebble. The leader issues while the standby
//! answers the HTTP-01 challenges (pebble validates on the standby's solver
//! port) and writes nothing; killing the leader (SIGKILL) hands the Lease
//! over after its duration, and the new leader issues a second certificate
//! without ordering the first again (orders counted in pebble's log). A
//! leader that finds another holder in its Lease exits non-zero at once; one
//! stopped by SIGTERM releases its Lease.

#[path = "support/env.rs"]
mod support;

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus};
use std::time::Duration;

use k8s_openapi::api::coordination::v1::Lease;
use kube::api::{Api, PostParams};
use passerelle_crds::v1::Certificate;
use passerelle_e2e::pebble::{Pebble, PebbleOptions};
use serde_json::{Value, json};
use support::free_port;

/// Short durations so that a handover takes seconds (lease 8 s, renew
/// deadline 6 s, retry 1 s), with room for a loaded machine's pauses.
const DURATIONS: [&str; 6] = [
    "--leader-election-lease-duration",
    "8s",
    "--leader-election-renew-deadline",
    "6s",
    "--leader-election-retry-period",
    "1s",
];

/// One operator process, its output in a file.
struct Operator {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Operator {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits (at most 60 s) for the process to exit by itself.
    async fn exited(&mut self) -> ExitStatus {
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{} did not exit:\n{}", self.name, self.log());
    }
}

impl Drop for Operator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- {} ---\n{}", self.name, self.log());
        }
    }
}

struct Cluster {
    sim: kube_sim::KubeSim,
    client: kube::Client,
    /// Kubeconfigs and logs; kept when a test fails.
    dir: PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl Cluster {
    async fn start() -> Self {
        let auth = kube_sim::Auth {
            admin_token: Some("admin".into()),
            token_users: ["op-a", "op-b", "op-c", "op-d"]
                .iter()
                .map(|n| (n.to_string(), format!("system:serviceaccount:passerelle:{n}")))
                .collect(),
            rbac: false,
        };
        let (sim, client) = support::kube_sim_with_crds(kube_sim::Config {
            auth,
            ..Default::default()
        })
        .await;
        let dir = std::env::temp_dir().join(format!("passerelle-leader-{}", sim.addr().port()));
        std::fs::create_dir_all(&dir).unwrap();
        Self { sim, client, dir }
    }

    /// Starts the operator binary as `name` (its POD_NAME and its token),
    /// its solver listening on `listen`, reached (and self-checked) at
    /// `solver`.
    fn operator(&self, name: &'static str, listen: u16, solver: u16) -> Operator {
        let kubeconfig = self.dir.join(format!("{name}.kubeconfig"));
        std::fs::write(&kubeconfig, self.sim.kubeconfig_with_token(Some(name))).unwrap();
        let log = self.dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_passerelle-operator"))
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .args(["--cluster-resource-namespace", "default"])
            .args(["--http01-solver-listen", &format!("127.0.0.1:{listen}")])
            .args(["--http01-solver-address", &format!("127.0.0.1:{solver}")])
            .args(["--http01-self-check-port", &solver.to_string()])
            .args(["--http01-self-check-address", "127.0.0.1"])
            .args(["--admin-listen", "127.0.0.1:0", "--acme-request-timeout", "10s"])
            .args(DURATIONS)
            .env("POD_NAME", name)
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info")
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("the operator binary starts");
        Operator { name, child, log }
    }

    fn leases(&self) -> Api<Lease> {
        Api::namespaced(self.client.clone(), "default")
    }

    /// The holder of the operator's Lease once `accept` takes it (at most
    /// 60 s), and its transitions.
    async fn lease_held(&self, what: &str, accept: impl Fn(&str) -> bool) -> (String, i32) {
        for _ in 0..600 {
            let spec = self
                .leases()
                .get_opt("passerelle-operator")
                .await
                .unwrap()
                .and_then(|l| l.spec);
            if let Some(spec) = spec {
                let holder = spec.holder_identity.unwrap_or_default();
                if accept(&holder) {
                    return (holder, spec.lease_transitions.unwrap_or(0));
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the Lease never reached: {what}");
    }

    /// Writes made by `user` so far (create, update, patch, delete).
    async fn writes_by(&self, user: &str) -> u64 {
        let text = self
            .client
            .request_text(http::Request::get("/kube-sim/stats").body(vec![]).unwrap())
            .await
            .unwrap();
        let stats: Value = serde_json::from_str(&text).unwrap();
        let user = format!("system:serviceaccount:passerelle:{user}");
        stats["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["user"] == user.as_str())
            .filter(|r| matches!(r["verb"].as_str(), Some("create" | "update" | "patch" | "delete")))
            .map(|r| r["count"].as_u64().unwrap_or(0))
            .sum()
    }
}

/// The ACME orders pebble received (its log has a line per request).
fn orders(pebble: &Pebble) -> usize {
    pebble
        .logs()
        .lines()
        .filter(|l| l.contains("POST /order-plz"))
        .count()
}

async fn listening(port: u16) {
    for _ in 0..600 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nothing listens on {port}");
}

async fn wait_log(operator: &Operator, line: &str) {
    for _ in 0..600 {
        if operator.log().contains(line) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} never logged {line:?}", operator.name);
}

async fn create_issuer(cluster: &Cluster, pebble: &Pebble) {
    let ca = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        pebble.listener_ca_pem(),
    );
    let issuer: passerelle_crds::v1::Issuer = serde_json::from_value(json!({
        "metadata": {"name": "pebble", "namespace": "default"},
        "spec": {"acme": {"server": pebble.directory_url(), "caBundle": ca,
            "privateKeySecretRef": {"name": "pebble-account"},
            "solvers": [{"http01": {"ingress": {"class": "passerelle"}}}]}}
    }))
    .unwrap();
    Api::<passerelle_crds::v1::Issuer>::namespaced(cluster.client.clone(), "default")
        .create(&PostParams::default(), &issuer)
        .await
        .unwrap();
}

async fn create_certificate(cluster: &Cluster, name: &str) {
    let cert: Certificate = serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"secretName": format!("{name}-tls"), "issuerRef": {"name": "pebble"},
            "dnsNames": [format!("{name}.example.test")], "privateKey": {"algorithm": "ECDSA"}}
    }))
    .unwrap();
    Api::<Certificate>::namespaced(cluster.client.clone(), "default")
        .create(&PostParams::default(), &cert)
        .await
        .unwrap();
}

/// Waits (at most 90 s) until the Certificate is Ready; returns its revision.
async fn ready(cluster: &Cluster, pebble: &Pebble, name: &str) -> i64 {
    let api: Api<Certificate> = Api::namespaced(cluster.client.clone(), "default");
    for _ in 0..900 {
        let cert = api.get(name).await.unwrap();
        let status = cert.status.unwrap_or_default();
        let is_ready = status
            .conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == passerelle_crds::meta::ConditionStatus::True);
        if is_ready {
            return status.revision.unwrap_or(0);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{name} never Ready; pebble:\n{}", pebble.logs());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_leader_hands_over_and_nothing_is_issued_twice() {
    let cluster = Cluster::start().await;
    let solver = free_port();
    let pebble = Pebble::start(PebbleOptions::new(solver))
        .await
        .expect("pebble starts (scripts/install-test-tools installs it)");

    // A leads; B, started after, stands by and serves the solver port
    // pebble validates on.
    let mut a = cluster.operator("op-a", free_port(), solver);
    let (holder, _) = cluster
        .lease_held("held by op-a", |h| h.starts_with("op-a_"))
        .await;
    let b = cluster.operator("op-b", solver, solver);
    wait_log(&b, "Another replica leads").await;
    listening(solver).await;

    create_issuer(&cluster, &pebble).await;
    create_certificate(&cluster, "first").await;
    assert_eq!(ready(&cluster, &pebble, "first").await, 1);
    assert_eq!(orders(&pebble), 1, "one order for one certificate");
    assert_eq!(
        cluster.writes_by("op-b").await,
        0,
        "the standby wrote to the API:\n{}",
        b.log()
    );
    assert!(cluster.writes_by("op-a").await > 0);
    assert!(
        a.log().contains("Became the leader") && !b.log().contains("Became the leader"),
        "A:\n{}\nB:\n{}",
        a.log(),
        b.log()
    );

    // SIGKILL: no release; B takes over once the Lease expires.
    a.child.kill().unwrap();
    a.exited().await;
    let (new_holder, transitions) = cluster
        .lease_held("held by op-b", |h| h.starts_with("op-b_"))
        .await;
    assert_ne!(new_holder, holder);
    assert_eq!(transitions, 1, "one handover");

    create_certificate(&cluster, "second").await;
    assert_eq!(ready(&cluster, &pebble, "second").await, 1);
    assert_eq!(
        ready(&cluster, &pebble, "first").await,
        1,
        "the first certificate was not issued again"
    );
    assert_eq!(orders(&pebble), 2, "one order per certificate, none twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_exits_at_once_when_another_takes_its_lease_and_releases_it_on_sigterm() {
    let cluster = Cluster::start().await;
    let mut c = cluster.operator("op-c", free_port(), free_port());
    cluster
        .lease_held("held by op-c", |h| h.starts_with("op-c_"))
        .await;

    // Another holder written into the Lease (as a replica that judged it
    // expired would): the leader stops and exits non-zero.
    let mut lease = cluster.leases().get("passerelle-operator").await.unwrap();
    let spec = lease.spec.as_mut().unwrap();
    spec.holder_identity = Some("intruder".into());
    spec.renew_time = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime(
        k8s_openapi::jiff::Timestamp::now(),
    ));
    cluster
        .leases()
        .replace("passerelle-operator", &PostParams::default(), &lease)
        .await
        .unwrap();
    let status = c.exited().await;
    assert!(!status.success(), "exit status {status}:\n{}", c.log());
    assert!(c.log().contains("Lost the leader Lease"), "{}", c.log());

    // A new leader, stopped by SIGTERM, releases the Lease and exits 0.
    // (The intruder never renews: the new process waits out its duration.)
    let mut d = cluster.operator("op-d", free_port(), free_port());
    cluster
        .lease_held("held by op-d", |h| h.starts_with("op-d_"))
        .await;
    terminate(&d.child);
    let status = d.exited().await;
    assert!(status.success(), "exit status {status}:\n{}", d.log());
    cluster.lease_held("released", str::is_empty).await;
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}
