//! The HTTP-01 self-check: before asking the CA to validate (which it does
//! once, RFC 8555 §7.5.1), fetch the challenge URL the way the CA will —
//! `GET http://<name>/.well-known/acme-challenge/<token>` on port 80 (RFC
//! 8555 §8.3), `Host: <name>` — and compare the body with the key
//! authorization. Tests and unusual entry points override the address
//! (`--http01-self-check-address`) and port (`--http01-self-check-port`).
//! The key authorization is compared, never logged or reported.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::resources::challenge_path;
use crate::config::Config;

/// How long one self-check may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(5);
/// The largest body read (a key authorization is ~90 bytes).
const MAX_BODY: usize = 4096;

/// The outcome of a self-check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelfCheck {
    /// Not run (the CA does not wait for the challenge).
    NotRun,
    /// Disabled by configuration.
    Disabled,
    /// The URL serves the key authorization.
    Passed,
    /// It does not: why, without the key authorization.
    Failed(String),
}

/// Runs the self-check of the challenge for `dns_name` with `token`, whose
/// key authorization is `key`.
pub async fn check(config: &Config, dns_name: &str, token: &str, key: &str) -> SelfCheck {
    let port = config.http01_self_check_port.unwrap_or(80);
    let result = tokio::time::timeout(TIMEOUT, fetch(config, dns_name, port, token)).await;
    let url = format!("http://{dns_name}{}", challenge_path(token));
    match result {
        Err(_) => SelfCheck::Failed(format!("GET {url} timed out after {}s", TIMEOUT.as_secs())),
        Ok(Err(why)) => SelfCheck::Failed(format!("GET {url} failed: {why}")),
        Ok(Ok((status, _))) if status != http::StatusCode::OK => {
            SelfCheck::Failed(format!("GET {url} answered {status}, expected 200 OK"))
        }
        // RFC 8555 §8.3: the CA strips surrounding whitespace too.
        Ok(Ok((_, body))) if body.trim_ascii() == key.as_bytes() => SelfCheck::Passed,
        Ok(Ok((_, body))) => SelfCheck::Failed(format!(
            "GET {url} answered a body ({} bytes) that is not the challenge's key authorization",
            body.len()
        )),
    }
}

/// Where to connect: the configured address, else the name's first address.
async fn target(config: &Config, dns_name: &str, port: u16) -> Result<SocketAddr, String> {
    if let Some(ip) = config.http01_self_check_address {
        return Ok(SocketAddr::new(ip, port));
    }
    if let Ok(ip) = dns_name.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    tokio::net::lookup_host((dns_name, port))
        .await
        .map_err(|e| format!("resolving {dns_name}: {e}"))?
        .next()
        .ok_or_else(|| format!("{dns_name} has no address"))
}

/// Sends the request; returns the status and (at most [`MAX_BODY`] of) the
/// body.
async fn fetch(
    config: &Config,
    dns_name: &str,
    port: u16,
    token: &str,
) -> Result<(http::StatusCode, Vec<u8>), String> {
    let addr = target(config, dns_name, port).await?;
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connecting to {addr}: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake with {addr}: {e}"))?;
    let driver = tokio::spawn(connection);
    let host = match dns_name.parse::<IpAddr>() {
        Ok(IpAddr::V6(ip)) => format!("[{ip}]"),
        _ => dns_name.to_string(),
    };
    let request = http::Request::get(challenge_path(token))
        .header(http::header::HOST, host)
        .header(http::header::USER_AGENT, "passerelle-operator-self-check")
        .body(Empty::new())
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("request to {addr}: {e}"))?;
    let status = response.status();
    let body = Limited::new(response.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|e| format!("reading the answer of {addr}: {e}"))?
        .to_bytes();
    driver.abort();
    Ok((status, body.to_vec()))
}
