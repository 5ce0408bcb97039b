//! Reads what an issuer's decision needs: its account Secret (read directly:
//! issuer Secrets are few and need not be cached), the External Account
//! Binding key, and whether an Order found the account gone.

use base64::Engine as _;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, ListParams};
use passerelle_crds::acme::{AcmeIssuer, Order};

use super::decide::{AccountKey, Observed, P256_KEY, SecretKeys};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::pki::keys::{EcCurve, KeyKind, PrivateKey};

/// The data key of the account key in its Secret: `privateKeySecretRef.key`,
/// `tls.key` when unset (as cert-manager reads it).
pub fn account_key_name(acme: &AcmeIssuer) -> &str {
    acme.private_key_secret_ref
        .key
        .as_deref()
        .filter(|k| !k.is_empty())
        .unwrap_or("tls.key")
}

/// Reads an account key from PEM.
pub fn read_key(pem: &[u8]) -> AccountKey {
    let Ok(text) = std::str::from_utf8(pem) else {
        return AccountKey::Unreadable("the account key is not PEM text".into());
    };
    match PrivateKey::from_pem(text) {
        Ok(key) if key.kind() == KeyKind::Ecdsa(EcCurve::P256) => AccountKey::P256(key.pkcs8_der().to_vec()),
        Ok(key) => AccountKey::Other(key.kind().to_string()),
        Err(e) => AccountKey::Unreadable(e.to_string()),
    }
}

/// The keys of an account Secret; `key_name` is [`account_key_name`].
pub fn secret_keys(secret: &Secret, key_name: &str) -> SecretKeys {
    let data = secret.data.clone().unwrap_or_default();
    SecretKeys {
        user: data.get(key_name).map(|v| read_key(&v.0)),
        side: data.get(P256_KEY).and_then(|v| match read_key(&v.0) {
            AccountKey::P256(k) => Some(k),
            _ => None,
        }),
    }
}

/// Reads everything for an ACME issuer whose Secrets live in `namespace`.
pub async fn observe(
    ctx: &Context,
    acme: &AcmeIssuer,
    namespace: &str,
    issuer_name: &str,
    issuer_kind: &str,
    orders_namespace: Option<&str>,
) -> Result<Observed> {
    let secrets: Api<Secret> = Api::namespaced(ctx.client.clone(), namespace);
    let name = &acme.private_key_secret_ref.name;
    let secret = secrets.get_opt(name).await.map_err(|source| Error::Get {
        kind: "Secret",
        name: format!("{namespace}/{name}"),
        source,
    })?;
    let eab = match &acme.external_account_binding {
        None => None,
        Some(eab) => {
            let ref_name = &eab.key_secret_ref.name;
            let key = eab.key_secret_ref.key.clone().unwrap_or_else(|| "secret".into());
            let found = secrets.get_opt(ref_name).await.map_err(|source| Error::Get {
                kind: "Secret",
                name: format!("{namespace}/{ref_name}"),
                source,
            })?;
            Some(
                match found.and_then(|s| s.data).and_then(|d| d.get(&key).cloned()) {
                    None => Err(format!("Secret {ref_name} has no key {key}")),
                    Some(v) => decode_hmac(&v.0)
                        .ok_or_else(|| format!("Secret {ref_name} key {key} is not base64url")),
                },
            )
        }
    };
    let orders: Api<Order> = match orders_namespace {
        Some(ns) => Api::namespaced(ctx.client.clone(), ns),
        None => Api::all(ctx.client.clone()),
    };
    let account_lost = orders
        .list(&ListParams::default())
        .await
        .map_err(|source| Error::List {
            kind: "Order",
            source,
        })?
        .items
        .iter()
        .any(|o| {
            o.spec.issuer_ref.name == issuer_name
                && o.spec.issuer_ref.kind.as_deref().unwrap_or("Issuer") == issuer_kind
                && o.status
                    .as_ref()
                    .and_then(|s| s.reason.as_deref())
                    .is_some_and(|r| r.contains("accountDoesNotExist"))
        });
    Ok(Observed {
        secret: secret.as_ref().map(|s| secret_keys(s, account_key_name(acme))),
        eab,
        account_lost,
    })
}

/// The HMAC key of an External Account Binding, stored base64url-encoded as
/// CAs hand it out (RFC 8555 §7.3.4).
pub fn decode_hmac(stored: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(stored).ok()?.trim();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
        .or_else(|| base64::engine::general_purpose::STANDARD.decode(text).ok())
}
