//! Serving kube-sim: the listener (HTTP, or HTTPS with a CA made at start),
//! the kubeconfig both kubectl and kube-rs accept, the initial namespaces,
//! the state file, and a clean shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::lifecycle;
use crate::sim::{Auth, Faults, Sim};
use crate::store::{DEFAULT_HISTORY, State};

/// Errors starting or stopping kube-sim.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The TLS certificate could not be made.
    #[error("cannot make the TLS certificate")]
    Certificate(#[source] rcgen::Error),
    /// The TLS configuration was refused.
    #[error("cannot configure TLS")]
    Tls(#[source] rustls::Error),
    /// The state file could not be read or written.
    #[error("state file {path}")]
    StateFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The state file is not kube-sim's.
    #[error("state file {path} is not a kube-sim state")]
    StateFormat {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
}

/// How to run kube-sim.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Serve HTTPS with a self-signed CA (written into the kubeconfig).
    pub tls: bool,
    /// Authentication and authorization.
    pub auth: Auth,
    /// Changes kept for watches.
    pub history: usize,
    /// Load the store from this file at start, save it at shutdown.
    pub state_file: Option<PathBuf>,
    /// Faults to inject from the start.
    pub faults: Faults,
    /// Accept loopback addresses (127.0.0.0/8, ::1) in EndpointSlices, which
    /// a real API server refuses: lets a test or demo route to processes
    /// that listen on the loopback interface.
    pub allow_loopback_endpoints: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: false,
            auth: Auth::default(),
            history: DEFAULT_HISTORY,
            state_file: None,
            faults: Faults::default(),
            allow_loopback_endpoints: false,
        }
    }
}

/// A running kube-sim.
pub struct KubeSim {
    addr: SocketAddr,
    ca_pem: Option<String>,
    sim: Arc<Sim>,
    token: Option<String>,
    state_file: Option<PathBuf>,
    shutdown: tokio::sync::watch::Sender<bool>,
    task: JoinHandle<()>,
}

const INITIAL_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

impl KubeSim {
    /// Starts kube-sim as configured.
    pub async fn start(config: Config) -> Result<Self, Error> {
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| Error::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: config.listen,
            source,
        })?;
        let (tls, ca_pem) = if config.tls {
            let (acceptor, ca) = tls_acceptor()?;
            (Some(acceptor), Some(ca))
        } else {
            (None, None)
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let mut state = State::new(config.history);
        if let Some(path) = &config.state_file
            && path.exists()
        {
            load(&mut state, path)?;
        }
        for ns in INITIAL_NAMESPACES {
            ensure_namespace(&mut state, ns);
        }
        let (shutdown, shutdown_rx) = tokio::sync::watch::channel(false);
        let mut sim = Sim::new(
            state,
            config.auth.clone(),
            config.faults,
            format!("{}:{}", addr.ip(), addr.port()),
            shutdown_rx.clone(),
        );
        sim.allow_loopback_endpoints = config.allow_loopback_endpoints;
        let sim = Arc::new(sim);
        tracing::info!(url = %format!("{scheme}://{addr}"), "kube-sim is serving");
        let task = tokio::spawn(serve(listener, tls, sim.clone(), shutdown_rx));
        Ok(Self {
            addr,
            ca_pem,
            sim,
            token: config.auth.admin_token.clone(),
            state_file: config.state_file,
            shutdown,
            task,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API server URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        let scheme = if self.ca_pem.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The PEM of the CA that signed the serving certificate (with TLS).
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The shared state, for tests that look inside.
    pub fn sim(&self) -> &Arc<Sim> {
        &self.sim
    }

    /// A kubeconfig for the admin (or no token when none is required).
    pub fn kubeconfig(&self) -> String {
        self.kubeconfig_with_token(self.token.as_deref())
    }

    /// A kubeconfig authenticating with `token`.
    pub fn kubeconfig_with_token(&self, token: Option<&str>) -> String {
        use base64::Engine as _;
        let mut cluster = json!({"server": self.url()});
        if let Some(ca) = &self.ca_pem {
            cluster["certificate-authority-data"] =
                json!(base64::engine::general_purpose::STANDARD.encode(ca));
        }
        let user = match token {
            Some(t) => json!({"token": t}),
            None => json!({}),
        };
        let config = json!({
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "kube-sim", "cluster": cluster}],
            "users": [{"name": "kube-sim", "user": user}],
            "contexts": [{"name": "kube-sim", "context": {"cluster": "kube-sim", "user": "kube-sim", "namespace": "default"}}],
            "current-context": "kube-sim",
            "preferences": {},
        });
        serde_yaml::to_string(&config).unwrap_or_default()
    }

    /// Stops serving, ends watches, and saves the state file.
    pub async fn stop(self) -> Result<(), Error> {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
        if let Some(path) = &self.state_file {
            save(&self.sim.state(), path)?;
        }
        Ok(())
    }
}

fn ensure_namespace(state: &mut State, name: &str) {
    let Some(rt) = state.registry.get("", "v1", "namespaces").cloned() else {
        return;
    };
    if state.get(&rt, "", name).is_some() {
        return;
    }
    let object = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}}});
    if let Ok(prepared) = lifecycle::prepare_create(state, &rt, "", object) {
        lifecycle::commit_create(state, &rt, prepared);
    }
}

fn load(state: &mut State, path: &PathBuf) -> Result<(), Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::StateFile {
        path: path.clone(),
        source,
    })?;
    let saved: Value = serde_json::from_slice(&bytes).map_err(|source| Error::StateFormat {
        path: path.clone(),
        source,
    })?;
    let rv = saved["resourceVersion"].as_u64().unwrap_or(1);
    let mut objects = Vec::new();
    let mut crds = Vec::new();
    for entry in saved["objects"].as_array().into_iter().flatten() {
        let rk = (
            entry["group"].as_str().unwrap_or_default().to_string(),
            entry["resource"].as_str().unwrap_or_default().to_string(),
        );
        if rk.0 == "apiextensions.k8s.io" && rk.1 == "customresourcedefinitions" {
            crds.push(entry["object"].clone());
        }
        objects.push((rk, entry["object"].clone()));
    }
    for crd in &crds {
        let name = crd["metadata"]["name"].as_str().unwrap_or_default();
        state.registry.set_crd(name, crate::crd::types(crd));
    }
    state.restore(objects, rv);
    Ok(())
}

fn save(state: &State, path: &PathBuf) -> Result<(), Error> {
    let objects: Vec<Value> = state
        .snapshot()
        .into_iter()
        .map(|((group, resource), object)| json!({"group": group, "resource": resource, "object": object}))
        .collect();
    let saved = json!({"resourceVersion": state.resource_version(), "objects": objects});
    std::fs::write(path, serde_json::to_vec(&saved).unwrap_or_default()).map_err(|source| Error::StateFile {
        path: path.clone(),
        source,
    })
}

fn tls_acceptor() -> Result<(tokio_rustls::TlsAcceptor, String), Error> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};
    let ca_key = KeyPair::generate().map_err(Error::Certificate)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(Error::Certificate)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "kube-sim CA");
    let ca_cert = ca_params.self_signed(&ca_key).map_err(Error::Certificate)?;
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().map_err(Error::Certificate)?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).map_err(Error::Certificate)?;
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    params.distinguished_name.push(DnType::CommonName, "kube-sim");
    let cert = params.signed_by(&key, &issuer).map_err(Error::Certificate)?;
    let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let mut config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(Error::Tls)?
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone(), ca_cert.der().clone()], key_der)
            .map_err(Error::Tls)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok((tokio_rustls::TlsAcceptor::from(Arc::new(config)), ca_cert.pem()))
}

async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    sim: Arc<Sim>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => break,
        };
        let Ok((stream, _)) = accepted else { continue };
        let _ = stream.set_nodelay(true);
        let sim = sim.clone();
        let service = hyper::service::service_fn(move |req| {
            let sim = sim.clone();
            async move { Ok::<_, std::convert::Infallible>(crate::handlers::handle(sim, req).await) }
        });
        let builder = auto::Builder::new(TokioExecutor::new());
        match &tls {
            None => {
                let conn = builder
                    .serve_connection_with_upgrades(TokioIo::new(stream), service)
                    .into_owned();
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(stream).await else {
                        return;
                    };
                    let conn = builder
                        .serve_connection_with_upgrades(TokioIo::new(stream), service)
                        .into_owned();
                    let _ = watcher.watch(conn).await;
                });
            }
        }
    }
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
    }
}
