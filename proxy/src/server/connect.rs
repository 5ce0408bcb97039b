//! Opening a connection to one upstream: resolve (ExternalName), TCP connect
//! within the connect timeout, then TLS (`https`, ALPN h2 or http/1.1) and
//! the HTTP/1.1 or HTTP/2 (`h2c`, or h2 negotiated) handshake. The connection
//! task is spawned here; what comes back is the sending half.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

use super::error::ProxyError;
use super::request_body::RequestBody;
use crate::routing::UpstreamProtocol;

/// Where one connection goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// An endpoint of an EndpointSlice.
    Addr(SocketAddr),
    /// An ExternalName Service: resolved at connect time.
    Name(Arc<str>, u16),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Addr(a) => a.fmt(f),
            Self::Name(host, port) => write!(f, "{host}:{port}"),
        }
    }
}

/// How to speak to a target, as a hashable pool key part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Proto {
    /// HTTP/1.1 over TCP.
    Http,
    /// TLS, then what ALPN picks.
    Https,
    /// HTTP/2 over TCP.
    H2c,
}

impl From<UpstreamProtocol> for Proto {
    fn from(p: UpstreamProtocol) -> Self {
        match p {
            UpstreamProtocol::Http => Self::Http,
            UpstreamProtocol::Https => Self::Https,
            UpstreamProtocol::H2c => Self::H2c,
        }
    }
}

/// A pooled connection's identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    /// Where.
    pub(crate) target: Target,
    /// How.
    pub(crate) proto: Proto,
}

/// The sending half of an upstream connection.
pub(crate) enum Sender {
    /// HTTP/1.1: one request at a time.
    H1(http1::SendRequest<RequestBody>),
    /// HTTP/2: shared, cloned per request.
    H2(http2::SendRequest<RequestBody>),
}

/// What connecting needs.
pub(crate) struct Connector {
    /// The connect timeout (TCP and TLS together); `None`: no limit.
    pub(crate) timeout: Option<Duration>,
    /// TLS for `https` upstreams, ALPN set.
    pub(crate) tls: tokio_rustls::TlsConnector,
}

impl Connector {
    /// Opens a new connection to `key`.
    pub(crate) async fn connect(&self, key: &Key) -> Result<Sender, ProxyError> {
        let Some(timeout) = self.timeout else {
            return self.open(key).await;
        };
        match tokio::time::timeout(timeout, self.open(key)).await {
            Ok(result) => result,
            Err(_) => Err(ProxyError::ConnectTimeout {
                upstream: key.target.to_string(),
                timeout,
            }),
        }
    }

    async fn open(&self, key: &Key) -> Result<Sender, ProxyError> {
        let upstream = || key.target.to_string();
        let tcp = match &key.target {
            Target::Addr(addr) => TcpStream::connect(addr)
                .await
                .map_err(|source| ProxyError::Connect {
                    upstream: upstream(),
                    source,
                })?,
            Target::Name(host, port) => connect_name(host, *port).await?,
        };
        // Requests are small writes that must not wait for Nagle.
        let _ = tcp.set_nodelay(true);
        match key.proto {
            Proto::Http => h1(TokioIo::new(tcp), upstream).await,
            Proto::H2c => h2(TokioIo::new(tcp), upstream).await,
            Proto::Https => {
                let name = match &key.target {
                    Target::Addr(addr) => ServerName::IpAddress(addr.ip().into()),
                    Target::Name(host, _) => {
                        ServerName::try_from(host.to_string()).map_err(|e| ProxyError::Handshake {
                            upstream: upstream(),
                            source: Box::new(e),
                        })?
                    }
                };
                let tls = self
                    .tls
                    .connect(name, tcp)
                    .await
                    .map_err(|e| ProxyError::Handshake {
                        upstream: upstream(),
                        source: Box::new(e),
                    })?;
                let alpn_h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                if alpn_h2 {
                    h2(TokioIo::new(tls), upstream).await
                } else {
                    h1(TokioIo::new(tls), upstream).await
                }
            }
        }
    }
}

async fn connect_name(host: &str, port: u16) -> Result<TcpStream, ProxyError> {
    let upstream = || format!("{host}:{port}");
    let addrs = tokio::net::lookup_host((host, port))
        .await
        .map_err(|source| ProxyError::Resolve {
            host: host.to_owned(),
            source,
        })?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(tcp) => return Ok(tcp),
            Err(e) => last = Some(e),
        }
    }
    let source = last.unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no address"));
    Err(match source.kind() {
        std::io::ErrorKind::NotFound => ProxyError::Resolve {
            host: host.to_owned(),
            source,
        },
        _ => ProxyError::Connect {
            upstream: upstream(),
            source,
        },
    })
}

async fn h1<T>(io: TokioIo<T>, upstream: impl Fn() -> String) -> Result<Sender, ProxyError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, conn) = http1::Builder::new()
        .handshake(io)
        .await
        .map_err(|e| ProxyError::Handshake {
            upstream: upstream(),
            source: Box::new(e),
        })?;
    tokio::spawn(async move {
        if let Err(error) = conn.with_upgrades().await {
            tracing::debug!(%error, "Upstream connection ended with an error");
        }
    });
    Ok(Sender::H1(sender))
}

async fn h2<T>(io: TokioIo<T>, upstream: impl Fn() -> String) -> Result<Sender, ProxyError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, conn) = http2::Builder::new(TokioExecutor::new())
        .handshake(io)
        .await
        .map_err(|e| ProxyError::Handshake {
            upstream: upstream(),
            source: Box::new(e),
        })?;
    tokio::spawn(async move {
        if let Err(error) = conn.await {
            tracing::debug!(%error, "Upstream HTTP/2 connection ended with an error");
        }
    });
    Ok(Sender::H2(sender))
}

/// The TLS client configuration for `https` upstreams: the system's roots
/// (as Traefik 1.x verified backends).
pub(crate) fn default_upstream_tls() -> Result<Arc<rustls::ClientConfig>, rustls::Error> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for error in &native.errors {
        tracing::warn!(%error, "Could not load a system root certificate");
    }
    let (added, _ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(added, "Loaded system root certificates for https upstreams");
    upstream_tls(Some(roots), false)
}

/// The TLS client configuration for `https` upstreams, as Traefik 1.x's
/// top-level `rootCAs` and `insecureSkipVerify` made it: verified against
/// `roots` (`None`: the system's), or not verified at all. An endpoint is
/// verified under its IP address, as Go verified `https://10.1.2.3:8443`.
pub fn upstream_tls(
    roots: Option<rustls::RootCertStore>,
    insecure_skip_verify: bool,
) -> Result<Arc<rustls::ClientConfig>, rustls::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let config = if insecure_skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
            .with_no_client_auth()
    } else {
        let roots = match roots {
            Some(roots) => roots,
            None => return default_upstream_tls(),
        };
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    Ok(Arc::new(config))
}

/// `insecureSkipVerify`: any certificate is accepted, for any name; the
/// handshake signatures are still checked (the peer holds the key of the
/// certificate it sent).
#[derive(Debug)]
struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `config` with the ALPN protocols the proxy offers upstreams.
pub(crate) fn with_alpn(config: &Arc<rustls::ClientConfig>) -> Arc<rustls::ClientConfig> {
    let mut c = (**config).clone();
    c.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Arc::new(c)
}
