//! `https` upstreams as the config file's `rootCAs` and `insecureSkipVerify`
//! have them verified: a pod's self-signed certificate trusted through
//! `rootCAs`, refused otherwise, and any certificate accepted with
//! `insecureSkipVerify`.

#[path = "http_support/env.rs"]
mod support;

use std::sync::Arc;

use passerelle_proxy::config::{PemSource, UpstreamTlsConfig};
use passerelle_proxy::routing::{Service, UpstreamProtocol};
use passerelle_proxy::run::upstream_tls;
use passerelle_proxy::server::Options;
use support::*;

/// A rustls server config for an upstream serving this PEM pair.
fn upstream_server(cert: &str, key: &str) -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    let chain = rustls::pki_types::CertificateDer::pem_slice_iter(cert.as_bytes())
        .map(|c| c.unwrap())
        .collect();
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    Arc::new(config)
}

/// A self-signed certificate for `names`, and its key.
fn self_signed(names: &[&str]) -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let cert = rcgen::CertificateParams::new(names)
        .unwrap()
        .self_signed(&key)
        .unwrap();
    (cert.pem(), key.serialize_pem())
}

#[tokio::test]
async fn https_upstreams_trust_the_root_cas_and_insecure_skip_verify_of_the_file() {
    init();
    // A pod serving its own self-signed certificate for its IP.
    let (cert, key) = self_signed(&["127.0.0.1"]);
    let pod = backend_with("pod", Some(upstream_server(&cert, &key))).await;
    let mut svc = Service::endpoints("ns/pod:443", [pod.addr]);
    svc.protocol = UpstreamProtocol::Https;
    let routes = || vec![route("pod", None, "/", Arc::new(svc.clone()))];
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("pod.pem");
    std::fs::write(&ca_file, &cert).unwrap();

    let status_with = |config: UpstreamTlsConfig| {
        let routes = routes();
        async move {
            let options = Options {
                upstream_tls: upstream_tls(&config).unwrap(),
                ..Options::default()
            };
            let proxy = start(vec![http_ep("web")], routes, options).await;
            get(proxy.addr("web"), "a.test", "/").await.status
        }
    };
    let trusted = UpstreamTlsConfig {
        insecure_skip_verify: false,
        root_cas: vec![PemSource::File(ca_file)],
    };
    assert_eq!(
        status_with(trusted).await,
        200,
        "rootCAs = [the pod's certificate]"
    );
    let unrelated = UpstreamTlsConfig {
        insecure_skip_verify: false,
        root_cas: vec![PemSource::Inline(self_signed(&["127.0.0.1"]).0)],
    };
    assert_eq!(status_with(unrelated).await, 502, "another CA: not trusted");
    assert_eq!(
        status_with(UpstreamTlsConfig::default()).await,
        502,
        "the system's roots do not know it"
    );

    // A certificate for another name entirely: only insecureSkipVerify.
    let (other, other_key) = self_signed(&["elsewhere.test"]);
    let misnamed = backend_with("misnamed", Some(upstream_server(&other, &other_key))).await;
    let mut svc = Service::endpoints("ns/misnamed:443", [misnamed.addr]);
    svc.protocol = UpstreamProtocol::Https;
    let insecure = UpstreamTlsConfig {
        insecure_skip_verify: true,
        root_cas: Vec::new(),
    };
    let options = Options {
        upstream_tls: upstream_tls(&insecure).unwrap(),
        ..Options::default()
    };
    let proxy = start(
        vec![http_ep("web")],
        vec![route("misnamed", None, "/", Arc::new(svc))],
        options,
    )
    .await;
    let r = get(proxy.addr("web"), "a.test", "/").await;
    assert_eq!((r.status, r.json()["name"].as_str()), (200, Some("misnamed")));
}
