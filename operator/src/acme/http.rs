//! The HTTP client under instant-acme. instant-acme's default client leaves
//! Nagle's algorithm on, which costs ~40 ms per ACME request on loopback;
//! this one sets TCP_NODELAY, trusts the issuer's `caBundle` (or honours
//! `skipTLSVerify`), bounds every request with a timeout, and keeps the
//! `Retry-After` the CA sends with a rate limit (RFC 8555 §6.6), which
//! instant-acme's `Problem` drops.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use instant_acme::{BodyWrapper, BytesResponse, HttpClient};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

/// How the client trusts the ACME server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// The system's roots.
    System,
    /// Only the CAs of this PEM bundle (`spec.acme.caBundle`).
    Bundle(Vec<u8>),
    /// Anything (`spec.acme.skipTLSVerify`).
    Insecure,
}

/// Errors building the client.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The caBundle holds no usable certificate.
    #[error("caBundle holds no valid PEM certificate")]
    EmptyBundle,
    /// The system roots could not be loaded.
    #[error("loading the system's trusted roots")]
    SystemRoots(#[source] std::io::Error),
    /// rustls refused the configuration.
    #[error("configuring TLS")]
    Tls(#[source] rustls::Error),
}

/// The HTTP client handed to instant-acme.
#[derive(Clone)]
pub struct AcmeHttp {
    client: HyperClient<hyper_rustls::HttpsConnector<HttpConnector>, BodyWrapper<Bytes>>,
    timeout: Duration,
    retry_after: Arc<Mutex<Option<Duration>>>,
}

impl AcmeHttp {
    /// A client trusting `trust`, with `timeout` per request.
    pub fn new(trust: &Trust, timeout: Duration) -> Result<Self, ClientError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(ClientError::Tls)?;
        let config = match trust {
            Trust::Insecure => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
                .with_no_client_auth(),
            Trust::Bundle(pem) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in parse_pem_certs(pem) {
                    let _ = roots.add(cert);
                }
                if roots.is_empty() {
                    return Err(ClientError::EmptyBundle);
                }
                builder.with_root_certificates(roots).with_no_client_auth()
            }
            Trust::System => {
                let mut roots = rustls::RootCertStore::empty();
                let native = rustls_native_certs_load();
                for cert in native {
                    let _ = roots.add(cert);
                }
                builder.with_root_certificates(roots).with_no_client_auth()
            }
        };
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.enforce_http(false);
        http.set_connect_timeout(Some(timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(config)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = HyperClient::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(https);
        Ok(Self {
            client,
            timeout,
            retry_after: Arc::new(Mutex::new(None)),
        })
    }

    /// The `Retry-After` of the last rate-limited or unavailable response,
    /// taken (the next call returns `None` until another one comes).
    pub fn take_retry_after(&self) -> Option<Duration> {
        self.retry_after.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// A shared handle on the captured `Retry-After`.
    pub fn retry_after_slot(&self) -> Arc<Mutex<Option<Duration>>> {
        self.retry_after.clone()
    }
}

fn rustls_native_certs_load() -> Vec<CertificateDer<'static>> {
    // The usual system bundle locations (Debian, RHEL, Alpine/distroless).
    let mut out = Vec::new();
    for path in [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/cert.pem",
    ] {
        if let Ok(pem) = std::fs::read(path) {
            out.extend(parse_pem_certs(&pem));
            break;
        }
    }
    out
}

/// The certificates of a PEM bundle; anything else in it is ignored.
pub fn parse_pem_certs(pem: &[u8]) -> Vec<CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem)
        .filter_map(Result::ok)
        .collect()
}

/// Parses a `Retry-After` value: seconds, or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    if let Ok(seconds) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let parsed = k8s_openapi::jiff::fmt::rfc2822::parse(value.trim()).ok()?;
    let delta = parsed
        .timestamp()
        .duration_since(k8s_openapi::jiff::Timestamp::now());
    Some(Duration::from_secs(delta.as_secs().max(0) as u64))
}

impl HttpClient for AcmeHttp {
    fn request(
        &self,
        req: Request<BodyWrapper<Bytes>>,
    ) -> Pin<Box<dyn Future<Output = Result<BytesResponse, instant_acme::Error>> + Send>> {
        let fut = self.client.request(req);
        let timeout = self.timeout;
        let slot = self.retry_after.clone();
        Box::pin(async move {
            let response = tokio::time::timeout(timeout, fut)
                .await
                .map_err(|_| instant_acme::Error::Other("ACME request timed out".into()))?
                .map_err(|e| instant_acme::Error::Other(Box::new(e)))?;
            let status = response.status().as_u16();
            if (status == 429 || status == 503)
                && let Some(after) = response
                    .headers()
                    .get(http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after)
            {
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(after);
            }
            Ok(BytesResponse::from(response))
        })
    }
}

/// Accepts any server certificate, for `skipTLSVerify`.
#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn retry_after_as_a_past_http_date_is_zero() {
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn an_empty_bundle_is_refused() {
        let err = AcmeHttp::new(
            &Trust::Bundle(b"not a certificate".to_vec()),
            Duration::from_secs(1),
        );
        assert!(matches!(err, Err(ClientError::EmptyBundle)));
    }
}
