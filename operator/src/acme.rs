//! The operator's ACME layer over instant-acme (RFC 8555): one HTTP client
//! per issuer trust setting, accounts cached by server and key, a timeout
//! around every call, and a lock that serialises new-order against
//! authorization fetches. pebble 2.4 can deadlock when a new order runs
//! concurrently with authorization fetches (a lock-order bug); the lock also
//! spares real CAs bursts from one operator.

pub mod http;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use instant_acme::{Account, AccountCredentials, ExternalAccountKey, Key, NewAccount};
use passerelle_crds::acme::AcmeIssuer;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use self::http::{AcmeHttp, Trust};
use crate::error::{Error, Result};

/// ACME directory URLs of servers that only speak ACME v1 (RFC 8555
/// replaced it; Let's Encrypt switched v1 off in 2021).
const ACME_V1_HOSTS: &[&str] = &["acme-v01.api.letsencrypt.org", "acme-staging.api.letsencrypt.org"];

/// Whether `server` is an ACME v1 directory.
pub fn is_acme_v1(server: &str) -> bool {
    ACME_V1_HOSTS.iter().any(|h| server.contains(h))
}

/// The v2 directory to use instead of a v1 one.
pub fn v2_replacement(server: &str) -> &'static str {
    if server.contains("staging") {
        "https://acme-staging-v02.api.letsencrypt.org/directory"
    } else {
        "https://acme-v02.api.letsencrypt.org/directory"
    }
}

/// An account ready to use, with the HTTP client it talks through.
#[derive(Clone)]
pub struct AccountHandle {
    /// The instant-acme account.
    pub account: Account,
    /// Its HTTP client (for the captured `Retry-After`).
    pub http: AcmeHttp,
}

/// The ACME layer shared by the controllers.
pub struct Acme {
    timeout: Duration,
    metrics: Option<crate::metrics::Metrics>,
    order_lock: tokio::sync::Mutex<()>,
    accounts: Mutex<HashMap<(String, String), AccountHandle>>,
}

impl Acme {
    /// An ACME layer with `timeout` per request.
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            metrics: None,
            order_lock: tokio::sync::Mutex::new(()),
            accounts: Mutex::new(HashMap::new()),
        }
    }

    /// The same, counting its calls in cert-manager's ACME client metrics.
    pub fn with_metrics(timeout: Duration, metrics: crate::metrics::Metrics) -> Self {
        Self {
            metrics: Some(metrics),
            ..Self::new(timeout)
        }
    }

    /// How the issuer's directory is trusted.
    pub fn trust(issuer: &AcmeIssuer) -> Result<Trust> {
        use base64::Engine as _;
        if issuer.skip_tls_verify == Some(true) {
            return Ok(Trust::Insecure);
        }
        match issuer.ca_bundle.as_deref().filter(|b| !b.is_empty()) {
            None => Ok(Trust::System),
            Some(b64) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map(Trust::Bundle)
                .map_err(|e| Error::InvalidSpec {
                    message: format!("spec.acme.caBundle is not valid base64: {e}"),
                }),
        }
    }

    fn http(&self, issuer: &AcmeIssuer) -> Result<AcmeHttp> {
        AcmeHttp::new(&Self::trust(issuer)?, self.timeout).map_err(Error::AcmeClient)
    }

    /// Runs one ACME call with the request timeout, mapping its error with
    /// the CA's `Retry-After`.
    pub async fn call<T>(
        &self,
        operation: &'static str,
        http: &AcmeHttp,
        fut: impl Future<Output = Result<T, instant_acme::Error>>,
    ) -> Result<T> {
        // instant-acme retries badNonce itself; a call may span several
        // requests, each bounded by the client's timeout.
        let started = std::time::Instant::now();
        let result = match tokio::time::timeout(self.timeout * 4, fut).await {
            Err(_) => Err(Error::AcmeTimeout { operation }),
            Ok(Ok(v)) => Ok(v),
            Ok(Err(source)) => Err(Error::Acme {
                operation,
                source,
                retry_after: http.take_retry_after(),
            }),
        };
        if let Some(metrics) = &self.metrics {
            let status = match &result {
                Ok(_) => "ok".to_string(),
                Err(e) => e
                    .acme_problem()
                    .and_then(|p| p.status)
                    .map_or_else(|| "error".to_string(), |c| c.to_string()),
            };
            let labels = crate::metrics::AcmeLabels {
                action: operation.to_string(),
                status,
            };
            metrics.acme_requests.get_or_create(&labels).inc();
            metrics
                .acme_duration
                .get_or_create(&labels)
                .observe(started.elapsed().as_secs_f64());
        }
        result
    }

    /// Runs `fut` while holding the new-order lock.
    pub async fn serialized<T>(&self, fut: impl Future<Output = T>) -> T {
        let _guard = self.order_lock.lock().await;
        fut.await
    }

    /// Registers (or finds) the account of `key_pkcs8` (an ECDSA P-256 key)
    /// at the issuer's server, with its email as contact. Returns the handle
    /// and the account URL.
    pub async fn register(&self, issuer: &AcmeIssuer, key_pkcs8: &[u8]) -> Result<(AccountHandle, String)> {
        let http = self.http(issuer)?;
        let key = Key::from_pkcs8_der(PrivatePkcs8KeyDer::from(key_pkcs8)).map_err(|source| Error::Acme {
            operation: "load account key",
            source,
            retry_after: None,
        })?;
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pkcs8.to_vec()));
        let builder = Account::builder_with_http(Box::new(http.clone()));
        let (account, _credentials): (Account, AccountCredentials) = self
            .call(
                "new-account",
                &http,
                builder.create_from_key((key, der), issuer.server.clone()),
            )
            .await?;
        if let Some(email) = issuer.email.as_deref().filter(|e| !e.is_empty()) {
            let contact = format!("mailto:{email}");
            self.call(
                "update-account",
                &http,
                account.update_contacts(&[contact.as_str()]),
            )
            .await?;
        }
        let uri = account.id().to_string();
        let handle = AccountHandle { account, http };
        self.remember(&issuer.server, key_pkcs8, handle.clone());
        Ok((handle, uri))
    }

    /// Creates a new account with a new key and External Account Binding
    /// (RFC 8555 §7.3.4). Returns the handle, the account URL and the new
    /// key (PKCS#8 DER) to store.
    pub async fn register_with_eab(
        &self,
        issuer: &AcmeIssuer,
        key_id: &str,
        hmac_key: &[u8],
    ) -> Result<(AccountHandle, String, Vec<u8>)> {
        let http = self.http(issuer)?;
        let email = issuer
            .email
            .as_deref()
            .filter(|e| !e.is_empty())
            .map(|e| format!("mailto:{e}"));
        let contact: Vec<&str> = email.iter().map(String::as_str).collect();
        let eab = ExternalAccountKey::new(key_id.to_string(), hmac_key);
        let builder = Account::builder_with_http(Box::new(http.clone()));
        let new = NewAccount {
            contact: &contact,
            terms_of_service_agreed: true,
            only_return_existing: false,
        };
        let (account, credentials) = self
            .call(
                "new-account",
                &http,
                builder.create(&new, issuer.server.clone(), Some(&eab)),
            )
            .await?;
        let key = credentials.private_key().secret_pkcs8_der().to_vec();
        let uri = account.id().to_string();
        let handle = AccountHandle { account, http };
        self.remember(&issuer.server, &key, handle.clone());
        Ok((handle, uri, key))
    }

    /// The account `uri` of `key_pkcs8` at the issuer's server, from the
    /// cache or restored without registering again.
    pub async fn account(&self, issuer: &AcmeIssuer, uri: &str, key_pkcs8: &[u8]) -> Result<AccountHandle> {
        let cache_key = (issuer.server.clone(), key_hash(key_pkcs8));
        if let Some(handle) = self
            .accounts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&cache_key)
        {
            return Ok(handle.clone());
        }
        let http = self.http(issuer)?;
        let builder = Account::builder_with_http(Box::new(http.clone()));
        let account = self
            .call(
                "directory",
                &http,
                builder.from_parts(
                    uri.to_string(),
                    PrivatePkcs8KeyDer::from(key_pkcs8),
                    issuer.server.clone(),
                ),
            )
            .await?;
        let handle = AccountHandle { account, http };
        self.remember(&issuer.server, key_pkcs8, handle.clone());
        Ok(handle)
    }

    /// Forgets the cached account of `key_pkcs8` (after the CA said it does
    /// not know it, e.g. a test CA restarted).
    pub fn forget(&self, server: &str, key_pkcs8: &[u8]) {
        self.accounts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&(server.to_string(), key_hash(key_pkcs8)));
    }

    fn remember(&self, server: &str, key_pkcs8: &[u8], handle: AccountHandle) {
        self.accounts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((server.to_string(), key_hash(key_pkcs8)), handle);
    }
}

/// A non-reversible fingerprint of an account key (hex SHA-256 of its
/// PKCS#8 DER), as `status.acme.lastPrivateKeyHash` records it.
pub fn key_hash(key_pkcs8: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, key_pkcs8);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Generates a new ECDSA P-256 account key (PKCS#8 DER), the only kind
/// instant-acme signs with.
pub fn generate_account_key() -> Result<Vec<u8>> {
    let (_, der) = Key::generate_pkcs8().map_err(|source| Error::Acme {
        operation: "generate account key",
        source,
        retry_after: None,
    })?;
    Ok(der.secret_pkcs8_der().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_are_counted_with_their_outcome() {
        let mut registry = prometheus_client::registry::Registry::default();
        let metrics = crate::metrics::Metrics::register(&mut registry);
        let acme = Acme::with_metrics(Duration::from_secs(1), metrics);
        let http = AcmeHttp::new(&Trust::Insecure, Duration::from_secs(1)).unwrap();
        let ok: Result<u8> = acme.call("directory", &http, async { Ok(1) }).await;
        assert!(ok.is_ok());
        let failed: Result<u8> = acme
            .call("new-order", &http, async {
                Err(instant_acme::Error::Str("boom"))
            })
            .await;
        assert!(failed.is_err());
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
        assert!(
            text.contains(r#"certmanager_http_acme_client_request_count{action="directory",status="ok"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(
                r#"certmanager_http_acme_client_request_count{action="new-order",status="error"} 1"#
            ),
            "{text}"
        );
    }

    #[test]
    fn acme_v1_directories_are_recognised() {
        assert!(is_acme_v1("https://acme-v01.api.letsencrypt.org/directory"));
        assert!(!is_acme_v1("https://acme-v02.api.letsencrypt.org/directory"));
        assert_eq!(
            v2_replacement("https://acme-staging.api.letsencrypt.org/directory"),
            "https://acme-staging-v02.api.letsencrypt.org/directory"
        );
    }
}
