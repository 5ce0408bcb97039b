//! TLS for pebble's own listeners: Debian's pebble ships no certificate, so
//! each start generates a throw-away CA and a leaf for 127.0.0.1, `localhost`
//! and `pebble` (ECDSA P-256), and the harness talks to pebble through a
//! hyper + rustls (aws-lc-rs) client that trusts only that CA.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, SanType,
};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::Error;

/// A hyper client over HTTPS that trusts one CA; `B` is the request body
/// type (instant-acme's `HttpClient` is implemented for
/// `HttpsClient<instant_acme::BodyWrapper<bytes::Bytes>>`).
pub type HttpsClient<B> = Client<HttpsConnector<HttpConnector>, B>;

/// How long one request to pebble may take before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// The certificate pebble serves its listeners with, and the CA that signs it.
#[derive(Debug)]
pub(crate) struct ListenerCertificate {
    /// The CA certificate, PEM: what clients of pebble trust.
    pub(crate) ca_pem: String,
    /// The leaf certificate, PEM.
    pub(crate) cert_pem: String,
    /// The leaf's private key, PKCS#8 PEM.
    pub(crate) key_pem: String,
}

/// Generates a CA and a server certificate for pebble's listeners. A CA
/// (rather than a self-signed leaf) because webpki refuses a CA certificate
/// as an end entity (RFC 5280 §4.2.1.9).
pub(crate) fn listener_certificate() -> Result<ListenerCertificate, Error> {
    let ca_key = KeyPair::generate().map_err(Error::GenerateCertificate)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(Error::GenerateCertificate)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "passerelle-e2e pebble listener CA");
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .map_err(Error::GenerateCertificate)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate().map_err(Error::GenerateCertificate)?;
    let mut params = CertificateParams::new(vec!["localhost".to_string(), "pebble".to_string()])
        .map_err(Error::GenerateCertificate)?;
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    params.distinguished_name.push(DnType::CommonName, "pebble");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params
        .signed_by(&key, &issuer)
        .map_err(Error::GenerateCertificate)?;
    Ok(ListenerCertificate {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// A rustls client configuration (aws-lc-rs) trusting only the certificates
/// in `ca_pem`.
pub fn client_config(ca_pem: &str) -> Result<rustls::ClientConfig, Error> {
    let invalid = |error: rustls::pki_types::pem::Error| {
        Error::ConfigureTls(rustls::Error::General(format!("invalid CA PEM: {error}")))
    };
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.map_err(invalid)?).map_err(Error::ConfigureTls)?;
    }
    if roots.is_empty() {
        return Err(Error::ConfigureTls(rustls::Error::General(
            "no certificate in the CA PEM".to_string(),
        )));
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(Error::ConfigureTls)?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// An HTTPS-only hyper client (HTTP/1.1 and HTTP/2) trusting only `ca_pem`.
pub fn https_client<B>(ca_pem: &str) -> Result<HttpsClient<B>, Error>
where
    B: hyper::body::Body + Send,
    B::Data: Send,
{
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(client_config(ca_pem)?)
        .https_only()
        .enable_http1()
        .enable_http2()
        .build();
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

/// GETs `url` and returns the body of a 2xx answer; anything else is an error.
pub(crate) async fn get(client: &HttpsClient<Empty<Bytes>>, url: &str) -> Result<Bytes, Error> {
    let failed = |source: Box<dyn std::error::Error + Send + Sync>| Error::Fetch {
        url: url.to_string(),
        source,
    };
    let uri: http::Uri = url.parse().map_err(|e: http::uri::InvalidUri| failed(e.into()))?;
    let exchange = async {
        let response = client.get(uri).await.map_err(|e| failed(e.into()))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| failed(e.into()))?
            .to_bytes();
        Ok::<_, Error>((status, body))
    };
    let (status, body) = tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .map_err(|elapsed| failed(elapsed.into()))??;
    if !status.is_success() {
        return Err(Error::FetchStatus {
            url: url.to_string(),
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    Ok(body)
}
