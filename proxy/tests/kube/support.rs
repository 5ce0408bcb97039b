//! The world of the provider tests: kube-sim in-process on 127.0.0.1:0
//! (loopback endpoints allowed, so EndpointSlices can point at upstreams
//! listening on 127.0.0.1), a kube client and kubectl bound to it, and the
//! whole proxy started in-process from command-line flags as `main` would,
//! its entry points and admin listener on free ports.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Resource, ResourceExt};
use passerelle_proxy::config::{Args, Settings};
use passerelle_proxy::run::Proxy;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub use crate::http_env::*;

/// The field manager the tests write with.
const TEST_MANAGER: &str = "kube-test";

/// kube-sim with a client, and a directory for kubeconfig and files.
pub struct Cluster {
    pub sim: kube_sim::KubeSim,
    pub client: kube::Client,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

impl Cluster {
    pub async fn start() -> Cluster {
        init();
        let sim = kube_sim::KubeSim::start(kube_sim::Config {
            allow_loopback_endpoints: true,
            ..kube_sim::Config::default()
        })
        .await
        .unwrap();
        let kc = Kubeconfig::from_yaml(&sim.kubeconfig()).unwrap();
        let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
            .await
            .unwrap();
        let client = kube::Client::try_from(config).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        std::fs::write(&kubeconfig, sim.kubeconfig()).unwrap();
        Cluster {
            sim,
            client,
            dir,
            kubeconfig,
        }
    }

    /// Starts the proxy with the provider on (`--kubernetes` added unless
    /// given), both entry points on free loopback ports, and these extra
    /// flags.
    pub async fn proxy(&self, extra: &[&str]) -> Running {
        let kubeconfig = self.kubeconfig.to_string_lossy().into_owned();
        let mut argv = vec!["passerelle-proxy"];
        if !extra.contains(&"--kubernetes") {
            argv.push("--kubernetes");
        }
        argv.extend([
            "--kubeconfig",
            &kubeconfig,
            "--entrypoint-address",
            "http=127.0.0.1:0",
            "--entrypoint-address",
            "https=127.0.0.1:0",
            "--shutdown-timeout",
            "1s",
        ]);
        argv.extend_from_slice(extra);
        let args = <Args as clap::Parser>::try_parse_from(&argv).unwrap();
        let (settings, warnings) = Settings::load(&args).unwrap();
        assert_eq!(warnings, Vec::<String>::new(), "config warnings");
        let proxy = Proxy::start(settings).await.unwrap();
        let (http, https, admin) = (
            proxy.entry_point_addr("http").unwrap(),
            proxy.entry_point_addr("https").unwrap(),
            proxy.admin_addr(),
        );
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(proxy.serve(async move {
            let _ = stopped.await;
        }));
        Running {
            http,
            https,
            admin,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Creates or updates a namespaced object by server-side apply.
    pub async fn apply<K>(&self, value: Value) -> K
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
            + Clone
            + DeserializeOwned
            + Serialize
            + std::fmt::Debug,
    {
        let object: K = serde_json::from_value(value).unwrap();
        let namespace = object.namespace().unwrap_or_else(|| "default".into());
        let api: Api<K> = Api::namespaced(self.client.clone(), &namespace);
        api.patch(
            &object.name_any(),
            &PatchParams::apply(TEST_MANAGER).force(),
            &Patch::Apply(&object),
        )
        .await
        .unwrap_or_else(|e| panic!("apply {}: {e}", object.name_any()))
    }

    /// Creates or updates a cluster-scoped object by server-side apply.
    pub async fn apply_cluster<K>(&self, value: Value) -> K
    where
        K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Serialize + std::fmt::Debug,
    {
        let object: K = serde_json::from_value(value).unwrap();
        let api: Api<K> = Api::all(self.client.clone());
        api.patch(
            &object.name_any(),
            &PatchParams::apply(TEST_MANAGER).force(),
            &Patch::Apply(&object),
        )
        .await
        .unwrap()
    }

    /// The Events recorded on an object of `kind`, as (type, reason,
    /// message, reporting controller).
    pub async fn events(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Vec<(String, String, String, String)> {
        let api: Api<Event> = Api::namespaced(self.client.clone(), namespace);
        api.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|e| {
                e.involved_object.kind.as_deref() == Some(kind)
                    && e.involved_object.name.as_deref() == Some(name)
            })
            .map(|e| {
                (
                    e.type_.unwrap_or_default(),
                    e.reason.unwrap_or_default(),
                    e.message.unwrap_or_default(),
                    e.reporting_component.unwrap_or_default(),
                )
            })
            .collect()
    }

    /// kubectl 1.37 (`$KUBECTL`, else the one scripts/install-test-tools
    /// installs) against this kube-sim; panics with its output on failure.
    pub fn kubectl(&self, args: &[&str], stdin: Option<&str>) -> String {
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
        tokio::task::block_in_place(|| {
            let mut child = std::process::Command::new(&bin)
                .arg("--kubeconfig")
                .arg(&self.kubeconfig)
                .arg("--cache-dir")
                .arg(self.dir.path().join("kubectl-cache"))
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
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(
                out.status.success(),
                "kubectl {args:?} failed: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            stdout
        })
    }
}

/// The proxy running in this process.
pub struct Running {
    pub http: SocketAddr,
    pub https: SocketAddr,
    pub admin: Option<SocketAddr>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Graceful shutdown, waiting for it to finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            within("the proxy stops", task).await.unwrap();
        }
    }

    /// `GET path` on the admin listener.
    pub async fn admin_get(&self, path: &str) -> Reply {
        get(self.admin.expect("--web is on"), "localhost", path).await
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Polls `check` every 20 ms until it gives a value; fails the test with
/// `what` and the last value seen after 30 s (a deadline against hangs, not
/// a timing assertion).
pub async fn until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let mut last = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::time::Instant::now() < deadline {
        match check().await {
            Ok(value) => return value,
            Err(seen) => last = seen,
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("never happened: {what}; last seen: {last}");
}

/// A Service with one port named `port_name` (80 → 8080).
pub fn service(namespace: &str, name: &str, port_name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"ports": [{"name": port_name, "port": 80, "targetPort": 8080, "protocol": "TCP"}]}
    })
}

/// The EndpointSlice of `service` listing `backends` (ready), port named
/// `port_name`; all backends must listen on the same port, as a Service's
/// pods do.
pub fn slice(namespace: &str, service: &str, port_name: &str, backends: &[SocketAddr]) -> Value {
    let port = backends.first().map_or(8080, |b| b.port());
    assert!(backends.iter().all(|b| b.port() == port), "one port per slice");
    let endpoints: Vec<Value> = backends
        .iter()
        .map(|b| json!({"addresses": [b.ip().to_string()], "conditions": {"ready": true, "serving": true, "terminating": false}}))
        .collect();
    json!({
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": format!("{service}-1"), "namespace": namespace,
            "labels": {"kubernetes.io/service-name": service}},
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": [{"name": port_name, "port": port, "protocol": "TCP"}]
    })
}

/// An Ingress routing `host` + `path` (Prefix) to `service`'s port `http`.
pub fn ingress(
    namespace: &str,
    name: &str,
    annotations: Value,
    host: &str,
    path: &str,
    service: &str,
) -> Value {
    json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
        "spec": {"rules": [{"host": host, "http": {"paths": [{"path": path, "pathType": "Prefix",
            "backend": {"service": {"name": service, "port": {"name": "http"}}}}]}}]}
    })
}

/// A `kubernetes.io/tls` Secret.
pub fn tls_secret(namespace: &str, name: &str, cert: &str, key: &str) -> Value {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    json!({
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": name, "namespace": namespace},
        "data": {"tls.crt": b64(cert), "tls.key": b64(key)}
    })
}

/// Which backend answered `GET path` for `host`, or the status when none
/// did.
pub async fn answered_by(addr: SocketAddr, host: &str, path: &str) -> Result<(String, Reply), String> {
    let reply = get(addr, host, path).await;
    if reply.status != 200 {
        return Err(format!("{} {}", reply.status, reply.body));
    }
    let name = reply.json()["name"].as_str().unwrap_or_default().to_string();
    Ok((name, reply))
}
