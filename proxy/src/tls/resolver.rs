//! The rustls side of an entry point: [`Resolver`] answers each ClientHello
//! from one snapshot of the entry point's [`CertSet`], and [`server_config`]
//! builds the `ServerConfig` the listener hands to tokio-rustls.

use std::sync::Arc;

use arc_swap::ArcSwap;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use super::CertSet;
use super::cert::provider;
use crate::config::TlsVersion;

/// The shared, atomically swapped certificate set of one entry point. Cheap
/// to clone; a store is seen by the next handshake.
pub type CertHandle = Arc<ArcSwap<CertSet>>;

/// Chooses the certificate for each TLS handshake of one entry point.
///
/// SNI picks from the current [`CertSet`]; an unknown or missing name gets
/// the set's configured default, else the certificate generated at start —
/// or, with `sniStrict`, no certificate, which aborts the handshake.
#[derive(Debug)]
pub struct Resolver {
    handle: CertHandle,
    fallback: Arc<CertifiedKey>,
    sni_strict: bool,
}

impl Resolver {
    /// A resolver over `handle`, serving `fallback` (the generated default
    /// certificate) when neither SNI nor a configured default applies.
    pub fn new(handle: CertHandle, fallback: Arc<CertifiedKey>, sni_strict: bool) -> Resolver {
        Resolver {
            handle,
            fallback,
            sni_strict,
        }
    }

    /// The handle this resolver reads.
    pub fn handle(&self) -> &CertHandle {
        &self.handle
    }

    /// Whether handshakes without a matching certificate are refused.
    pub fn sni_strict(&self) -> bool {
        self.sni_strict
    }

    /// The certificate for an SNI name (or none sent), as a handshake would
    /// get it; `None` when the handshake is refused.
    pub fn resolve_name(&self, sni: Option<&str>) -> Option<Arc<CertifiedKey>> {
        let set = self.handle.load();
        if let Some(entry) = sni.and_then(|name| set.pick(name)) {
            return Some(entry.cert.key.clone());
        }
        if self.sni_strict {
            tracing::debug!(
                sni = sni.unwrap_or(""),
                "Refused TLS handshake: no certificate matches (sniStrict)"
            );
            return None;
        }
        Some(match set.default_entry() {
            Some(entry) => entry.cert.key.clone(),
            None => self.fallback.clone(),
        })
    }
}

impl ResolvesServerCert for Resolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.resolve_name(client_hello.server_name())
    }
}

/// The rustls server configuration of a TLS entry point: aws-lc-rs, TLS 1.3
/// and (unless `min_version` says 1.3) 1.2, ALPN `h2` then `http/1.1`,
/// certificates from `resolver`.
pub fn server_config(resolver: Arc<Resolver>, min_version: TlsVersion) -> Arc<rustls::ServerConfig> {
    let versions: &[&'static rustls::SupportedProtocolVersion] = match min_version {
        TlsVersion::Tls12 => &[&rustls::version::TLS13, &rustls::version::TLS12],
        TlsVersion::Tls13 => &[&rustls::version::TLS13],
    };
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        // The aws-lc-rs provider has cipher suites and key exchange groups
        // for both versions; this cannot fail for the versions above.
        .expect("aws-lc-rs supports TLS 1.2 and 1.3")
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Arc::new(config)
}
