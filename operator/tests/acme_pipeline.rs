//! The ACME half of the pipeline against a real API (kube-sim, in-process)
//! and a real CA (pebble): an Order created as the CertificateRequest
//! controller creates it goes through the Order controller (new-order,
//! authorizations, one Challenge per name), the Challenge controller (solver
//! Service, EndpointSlice and Ingress, self-check, accept) and the solver
//! server (pebble's VA fetches the key authorization from it), and reaches
//! `valid` with a chain that verifies to pebble's issuing roots; its
//! Challenges and solver objects are then removed. The Order controller is
//! restarted after placing the order: the same ACME order is resumed. The Issuer and its
//! account are written by the test (the Issuer controller is not under
//! test here).

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, ResourceExt};
use passerelle_crds::acme::order::State;
use passerelle_crds::acme::solver::{AcmeChallengeSolverHttp01, AcmeChallengeSolverHttp01Ingress};
use passerelle_crds::acme::{AcmeChallengeSolver, AcmeIssuer, AcmeIssuerStatus, Challenge, Order, OrderSpec};
use passerelle_crds::meta::{Condition, ConditionStatus, IssuerReference, SecretKeySelector};
use passerelle_crds::v1::issuer::IssuerSpec;
use passerelle_crds::v1::{Issuer, IssuerConfig, IssuerStatus};
use passerelle_e2e::{Pebble, PebbleOptions};
use passerelle_operator::config::Config;
use passerelle_operator::context::Context;
use passerelle_operator::metrics::Metrics;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::net::TcpListener;

const NAMESPACE: &str = "default";
const NAMES: [&str; 2] = ["pipeline.example", "www.pipeline.example"];

/// Polls `check` every 200 ms until it yields a value, for at most `limit`.
async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn client(sim: &kube_sim::KubeSim) -> Result<Client> {
    let kubeconfig = Kubeconfig::from_yaml(&sim.kubeconfig())?;
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default()).await?;
    Ok(Client::try_from(config)?)
}

async fn install_crds(client: &Client) -> Result<()> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for crd in passerelle_crds::crd::all() {
        crds.create(&PostParams::default(), &crd)
            .await
            .with_context(|| format!("creating CRD {}", crd.name_any()))?;
    }
    // The new kinds are served once their CRDs are established.
    let orders: Api<Order> = Api::namespaced(client.clone(), NAMESPACE);
    eventually(Duration::from_secs(10), "the CRDs to be served", || async {
        Ok(orders.list(&ListParams::default()).await.ok().map(|_| ()))
    })
    .await
}

fn acme_issuer(pebble: &Pebble) -> AcmeIssuer {
    AcmeIssuer {
        server: pebble.directory_url(),
        ca_bundle: Some(STANDARD.encode(pebble.listener_ca_pem())),
        private_key_secret_ref: SecretKeySelector {
            name: "pebble-account".into(),
            key: None,
        },
        solvers: Some(vec![AcmeChallengeSolver {
            http01: Some(AcmeChallengeSolverHttp01 {
                ingress: Some(AcmeChallengeSolverHttp01Ingress {
                    class: Some("passerelle".into()),
                    ..Default::default()
                }),
                gateway_http_route: None,
            }),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

/// Registers an account at pebble and writes what the Issuer controller
/// would: the key Secret, the Issuer, and its Ready status with the
/// account URL.
async fn ready_issuer(client: &Client, ctx: &Context, acme: &AcmeIssuer) -> Result<()> {
    let key = passerelle_operator::acme::generate_account_key()?;
    let (_, account_url) = ctx.acme.register(acme, &key).await?;
    let pem = passerelle_operator::pki::pem::encode("PRIVATE KEY", &key);
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some("pebble-account".into()),
            ..Default::default()
        },
        data: Some([("tls.key".to_string(), ByteString(pem.into_bytes()))].into()),
        ..Default::default()
    };
    Api::<Secret>::namespaced(client.clone(), NAMESPACE)
        .create(&PostParams::default(), &secret)
        .await?;
    let issuers: Api<Issuer> = Api::namespaced(client.clone(), NAMESPACE);
    let issuer = Issuer::new(
        "pebble",
        IssuerSpec {
            config: IssuerConfig {
                acme: Some(acme.clone()),
                ..Default::default()
            },
        },
    );
    issuers.create(&PostParams::default(), &issuer).await?;
    let status = IssuerStatus {
        conditions: Some(vec![Condition {
            type_: "Ready".into(),
            status: ConditionStatus::True,
            reason: Some("ACMEAccountRegistered".into()),
            message: Some("The ACME account was registered with the ACME server".into()),
            ..Default::default()
        }]),
        acme: Some(AcmeIssuerStatus {
            uri: Some(account_url),
            ..Default::default()
        }),
    };
    let patch = serde_json::json!({ "status": status });
    issuers
        .patch_status("pebble", &PatchParams::default(), &Patch::Merge(&patch))
        .await?;
    Ok(())
}

/// A CSR for `NAMES`, as the CertificateRequest controller puts it in the
/// Order: base64 of the PEM.
fn request() -> Result<String> {
    let key = rcgen::KeyPair::generate()?;
    let params = rcgen::CertificateParams::new(NAMES.iter().map(|n| n.to_string()).collect::<Vec<_>>())?;
    Ok(STANDARD.encode(params.serialize_request(&key)?.pem()?))
}

fn certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>> {
    Ok(CertificateDer::pem_slice_iter(pem.as_bytes()).collect::<Result<Vec<_>, _>>()?)
}

/// Checks that `chain` verifies to pebble's issuing roots for every name.
async fn verify(pebble: &Pebble, chain: &str) -> Result<()> {
    let chain = certificates(chain)?;
    let (leaf, intermediates) = chain.split_first().context("empty chain")?;
    let mut roots = rustls::RootCertStore::empty();
    for root in certificates(&pebble.issuing_roots_pem().await?)? {
        roots.add(root)?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build()?;
    for name in NAMES {
        verifier.verify_server_cert(
            leaf,
            intermediates,
            &ServerName::try_from(name)?,
            &[],
            UnixTime::now(),
        )?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_order_reaches_valid_through_pebble_and_the_http01_solver() -> Result<()> {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "passerelle_operator=info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
    let solver_listener = TcpListener::bind("127.0.0.1:0").await?;
    let solver_port = solver_listener.local_addr()?.port();
    let pebble = Pebble::start(PebbleOptions::new(solver_port)).await?;
    let sim = kube_sim::KubeSim::start(kube_sim::Config::default()).await?;
    let client = client(&sim).await?;
    install_crds(&client).await?;

    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let config = Config {
        cluster_resource_namespace: NAMESPACE.into(),
        http01_solver_address: Some(SocketAddr::new(localhost, solver_port)),
        http01_self_check_address: Some(localhost),
        http01_self_check_port: Some(solver_port),
        ..Config::default()
    };
    let mut registry = prometheus_client::registry::Registry::default();
    let ctx = Arc::new(Context::new(
        client.clone(),
        config,
        Metrics::register(&mut registry),
    ));
    let acme = acme_issuer(&pebble);
    ready_issuer(&client, &ctx, &acme).await?;

    let orders: Api<Order> = Api::namespaced(client.clone(), NAMESPACE);
    let order = Order::new(
        "pipeline-1-1",
        OrderSpec {
            request: request()?,
            issuer_ref: IssuerReference {
                name: "pebble".into(),
                kind: Some("Issuer".into()),
                group: Some("cert-manager.io".into()),
            },
            dns_names: Some(NAMES.iter().map(|n| n.to_string()).collect()),
            ..Default::default()
        },
    );
    orders.create(&PostParams::default(), &order).await?;

    // The Order controller alone places the order and creates the
    // Challenges, then stops (a restart): the next one must resume the
    // same ACME order, never place another.
    let first_run = tokio::spawn(passerelle_operator::order::run(ctx.clone()));
    let placed_url = eventually(Duration::from_secs(30), "the Order's Challenges", || async {
        let status = orders.get("pipeline-1-1").await?.status.unwrap_or_default();
        let challenges = Api::<Challenge>::namespaced(client.clone(), NAMESPACE)
            .list(&ListParams::default())
            .await?;
        Ok(status.url.filter(|_| challenges.items.len() == NAMES.len()))
    })
    .await;
    first_run.abort();
    let placed_url = placed_url?;

    let tasks = [
        tokio::spawn(passerelle_operator::order::run(ctx.clone())),
        tokio::spawn(passerelle_operator::challenge::run(ctx.clone())),
        tokio::spawn(passerelle_operator::challenge::solver::serve(
            ctx.clone(),
            solver_listener,
        )),
    ];

    let outcome = async {
        let challenges: Api<Challenge> = Api::namespaced(client.clone(), NAMESPACE);
        let final_status = eventually(Duration::from_secs(120), "the Order to be final", || async {
            let status = orders.get("pipeline-1-1").await?.status.unwrap_or_default();
            Ok(status.state.filter(|s| s.is_final()).map(|_| status.clone()))
        })
        .await;
        let status = match final_status {
            Ok(status) => status,
            Err(e) => {
                let order = orders.get("pipeline-1-1").await?;
                let challenges = challenges.list(&ListParams::default()).await?.items;
                bail!(
                    "{e}: Order status {:?}\nChallenges: {:?}",
                    order.status,
                    challenges
                        .iter()
                        .map(|c| (&c.metadata.name, &c.status))
                        .collect::<Vec<_>>()
                );
            }
        };
        if status.state != Some(State::Valid) {
            bail!(
                "the Order ended {:?}: {:?}\n{}",
                status.state,
                status.reason,
                pebble.logs()
            );
        }
        assert_eq!(
            status.url.as_deref(),
            Some(placed_url.as_str()),
            "the restarted controller resumed the order"
        );
        let authorizations = status.authorizations.unwrap_or_default();
        assert_eq!(authorizations.len(), 2);
        assert!(
            authorizations
                .iter()
                .all(|a| a.identifier.is_some() && a.challenges.is_some())
        );
        let chain = String::from_utf8(STANDARD.decode(status.certificate.context("no certificate")?)?)?;
        verify(&pebble, &chain).await?;

        // The final Order's Challenges go, and with them the solver objects.
        let ingresses: Api<Ingress> = Api::namespaced(client.clone(), NAMESPACE);
        let services: Api<Service> = Api::namespaced(client.clone(), NAMESPACE);
        let slices: Api<EndpointSlice> = Api::namespaced(client.clone(), NAMESPACE);
        eventually(
            Duration::from_secs(30),
            "the Challenges and solver objects to be removed",
            || async {
                let left = challenges.list(&ListParams::default()).await?.items.len()
                    + ingresses.list(&ListParams::default()).await?.items.len()
                    + services.get_opt("passerelle-acme-solver").await?.iter().count()
                    + slices.get_opt("passerelle-acme-solver").await?.iter().count();
                Ok((left == 0).then_some(()))
            },
        )
        .await
    }
    .await;
    for task in tasks {
        task.abort();
    }
    outcome
}
