//! A client for checking what the proxy serves: one request per new
//! connection (so every HTTPS request is a new TLS handshake and sees the
//! certificate served at that moment), SNI and `Host` set to a name while
//! connecting to a local address — what `curl --resolve` does — and the
//! leaf certificate the server presented, verified against given roots.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::Error;
use crate::pebble::client_config;

/// How long one exchange may take before it counts as failed.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(10);

/// One answer.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// The HTTP status.
    pub status: http::StatusCode,
    /// The response headers.
    pub headers: http::HeaderMap,
    /// The body, lossily decoded.
    pub body: String,
    /// Over HTTPS: the serial number of the certificate the server
    /// presented, hex.
    pub serial: Option<String>,
}

/// A TLS client trusting only the roots in a PEM bundle (the CA that issued
/// the proxy's certificates).
#[derive(Clone)]
pub struct TlsClient {
    connector: TlsConnector,
}

impl std::fmt::Debug for TlsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsClient").finish_non_exhaustive()
    }
}

impl TlsClient {
    /// A client trusting `roots_pem`, offering HTTP/1.1 only. It never
    /// resumes a TLS session: a resumed session skips the certificate, so
    /// every request sees the one served at that moment.
    pub fn new(roots_pem: &str) -> Result<Self, Error> {
        let mut config = client_config(roots_pem)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        config.resumption = rustls::client::Resumption::disabled();
        Ok(Self {
            connector: TlsConnector::from(Arc::new(config)),
        })
    }

    /// `GET https://HOST/PATH` sent to `addr`, with SNI and `Host: host`.
    pub async fn get(&self, addr: SocketAddr, host: &str, path: &str) -> Result<Fetched, Error> {
        let url = format!("https://{host}{path} (at {addr})");
        let exchange = async {
            let tcp = TcpStream::connect(addr).await.map_err(boxed)?;
            let name = ServerName::try_from(host.to_string()).map_err(boxed)?;
            let tls = self.connector.connect(name, tcp).await.map_err(boxed)?;
            let serial = tls
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .map(|leaf| serial_hex(leaf.as_ref()));
            let mut fetched = exchange(TokioIo::new(tls), host, path).await?;
            fetched.serial = serial;
            Ok(fetched)
        };
        timed(&url, exchange).await
    }
}

/// `GET http://HOST/PATH` sent to `addr` over plain HTTP/1.1.
pub async fn http_get(addr: SocketAddr, host: &str, path: &str) -> Result<Fetched, Error> {
    let url = format!("http://{host}{path} (at {addr})");
    let exchange = async {
        let tcp = TcpStream::connect(addr).await.map_err(boxed)?;
        exchange(TokioIo::new(tcp), host, path).await
    };
    timed(&url, exchange).await
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn boxed(error: impl std::error::Error + Send + Sync + 'static) -> BoxError {
    Box::new(error)
}

async fn timed(
    url: &str,
    exchange: impl Future<Output = Result<Fetched, BoxError>>,
) -> Result<Fetched, Error> {
    let failed = |source: BoxError| Error::Fetch {
        url: url.to_string(),
        source,
    };
    tokio::time::timeout(EXCHANGE_TIMEOUT, exchange)
        .await
        .map_err(|elapsed| failed(Box::new(elapsed)))?
        .map_err(failed)
}

/// One HTTP/1.1 request on an established connection.
async fn exchange<T>(io: TokioIo<T>, host: &str, path: &str) -> Result<Fetched, BoxError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await?;
    let driver = tokio::spawn(connection);
    let request = http::Request::get(path)
        .header(http::header::HOST, host)
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await?.to_bytes();
    driver.abort();
    Ok(Fetched {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        serial: None,
    })
}

/// The serial number of a DER certificate, hex (empty when unparsable).
pub fn serial_hex(der: &[u8]) -> String {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, cert)| cert.raw_serial_as_string())
        .unwrap_or_default()
}

/// `GET http://ADDR/PATH` answered 2xx: a readiness probe.
pub async fn probe(addr: SocketAddr, path: &str) -> Result<(), Error> {
    let fetched = http_get(addr, &addr.to_string(), path).await?;
    if fetched.status.is_success() {
        Ok(())
    } else {
        Err(Error::FetchStatus {
            url: format!("http://{addr}{path}"),
            status: fetched.status,
            body: fetched.body,
        })
    }
}
