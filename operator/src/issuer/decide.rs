//! What an issuer needs, decided from the issuer and what was observed,
//! without side effects: refuse what Passerelle cannot do (with a message
//! that says so), make the ACME account key, register the account, or
//! nothing.

use std::time::Duration;

use passerelle_crds::constants::reasons;
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::{IssuerConfig, IssuerStatus};

use crate::acme::{is_acme_v1, key_hash, v2_replacement};

/// The data key of the ECDSA P-256 account key the operator adds next to a
/// user's RSA key (instant-acme signs only with P-256; the RSA key is never
/// overwritten).
pub const P256_KEY: &str = "passerelle.io-acme-p256.key";

/// The account key as read from the issuer's Secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountKey {
    /// An ECDSA P-256 key, as PKCS#8 DER.
    P256(Vec<u8>),
    /// Another kind of key (cert-manager made RSA-2048 account keys).
    Other(String),
    /// Not a key.
    Unreadable(String),
}

/// What was observed about the issuer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    /// The account Secret: `None` when it does not exist.
    pub secret: Option<SecretKeys>,
    /// The External Account Binding HMAC key, when configured: the key, or
    /// why it cannot be read.
    pub eab: Option<Result<Vec<u8>, String>>,
    /// An Order of this issuer was refused because the CA no longer knows
    /// the account (a test CA restarted, or the account was deactivated).
    pub account_lost: bool,
}

/// The keys of the account Secret.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecretKeys {
    /// The user's (or cert-manager's) key: `privateKeySecretRef.key`, `tls.key` by default.
    pub user: Option<AccountKey>,
    /// [`P256_KEY`], the operator's P-256 key beside an RSA `tls.key`.
    pub side: Option<Vec<u8>>,
}

/// What to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The issuer cannot be used as it is: say why.
    NotReady {
        /// Condition reason.
        reason: &'static str,
        /// Condition message and Event.
        message: String,
    },
    /// Create the account Secret with a new P-256 key.
    GenerateKey,
    /// The Secret holds an RSA (or other) key: add a P-256 key beside it.
    AddP256Key {
        /// What the user's key is, for the Event.
        found: String,
    },
    /// Register (or find) the account of this key.
    Register {
        /// PKCS#8 DER of the P-256 key.
        key: Vec<u8>,
    },
    /// Create the account with a new key and External Account Binding.
    RegisterWithEab {
        /// The EAB key ID.
        key_id: String,
        /// The EAB HMAC key.
        hmac: Vec<u8>,
    },
    /// Registered and unchanged.
    UpToDate {
        /// When to look again.
        requeue: Duration,
    },
}

/// How often a registered issuer is looked at again.
pub const RECHECK: Duration = Duration::from_secs(3600);

/// The account key to use: the P-256 `tls.key`, else the side key.
pub fn usable_key(keys: &SecretKeys) -> Option<&Vec<u8>> {
    match &keys.user {
        Some(AccountKey::P256(k)) => Some(k),
        _ => keys.side.as_ref(),
    }
}

/// What makes the issuer's spec unusable, without reading anything else:
/// validation errors, issuer types and solvers Passerelle does not support
/// yet, an ACME v1 server.
pub fn spec_problem(config: &IssuerConfig) -> Option<(&'static str, String)> {
    let errors = passerelle_crds::validate::issuer_config(config, "spec");
    if !errors.is_empty() {
        return Some((
            reasons::ERR_INIT_ISSUER,
            format!("Invalid issuer: {}", passerelle_crds::validate::summary(&errors)),
        ));
    }
    let Some(acme) = &config.acme else {
        let field = config.types().first().map(|t| t.field()).unwrap_or("?");
        return Some((
            reasons::ERR_INIT_ISSUER,
            format!(
                "The {field} issuer type is not supported by Passerelle yet: only ACME issuers (spec.acme) can issue certificates"
            ),
        ));
    };
    if is_acme_v1(&acme.server) {
        return Some((
            reasons::ERR_INIT_ISSUER,
            format!(
                "{} is an ACME v1 server, which Let's Encrypt switched off in 2021; use the ACME v2 directory {}",
                acme.server,
                v2_replacement(&acme.server)
            ),
        ));
    }
    let solvers = acme.solvers.as_deref().unwrap_or_default();
    if !solvers.is_empty() && solvers.iter().all(|s| s.http01.is_none()) {
        return Some((
            reasons::ERR_INIT_ISSUER,
            "DNS-01 solvers are not supported by Passerelle yet: this issuer has no HTTP-01 solver".into(),
        ));
    }
    None
}

/// Decides what the issuer needs.
pub fn decide(
    config: &IssuerConfig,
    status: Option<&IssuerStatus>,
    generation: Option<i64>,
    observed: &Observed,
) -> Decision {
    if let Some((reason, message)) = spec_problem(config) {
        return Decision::NotReady { reason, message };
    }
    let Some(acme) = &config.acme else {
        return Decision::NotReady {
            reason: reasons::ERR_INIT_ISSUER,
            message: "no issuer type".into(),
        };
    };
    let eab = acme.external_account_binding.as_ref();
    let Some(keys) = &observed.secret else {
        if let Some(eab) = eab {
            return match &observed.eab {
                Some(Ok(hmac)) => Decision::RegisterWithEab {
                    key_id: eab.key_id.clone(),
                    hmac: hmac.clone(),
                },
                _ => Decision::NotReady {
                    reason: reasons::ERR_INIT_ISSUER,
                    message: why_eab(&observed.eab),
                },
            };
        }
        if acme.disable_account_key_generation == Some(true) {
            return Decision::NotReady {
                reason: reasons::ERR_INIT_ISSUER,
                message: format!(
                    "Secret {} does not exist and account key generation is disabled (spec.acme.disableAccountKeyGeneration)",
                    acme.private_key_secret_ref.name
                ),
            };
        }
        return Decision::GenerateKey;
    };
    let key = match (usable_key(keys), &keys.user) {
        (Some(key), _) => key.clone(),
        (None, Some(AccountKey::Other(found))) => return Decision::AddP256Key { found: found.clone() },
        (None, Some(AccountKey::Unreadable(why))) => {
            return Decision::NotReady {
                reason: reasons::ERR_INIT_ISSUER,
                message: format!(
                    "Secret {} does not hold a usable private key: {why}",
                    acme.private_key_secret_ref.name
                ),
            };
        }
        (None, _) if acme.disable_account_key_generation == Some(true) => {
            return Decision::NotReady {
                reason: reasons::ERR_INIT_ISSUER,
                message: format!(
                    "Secret {} has no {} and account key generation is disabled",
                    acme.private_key_secret_ref.name,
                    super::observe::account_key_name(acme)
                ),
            };
        }
        (None, _) => return Decision::GenerateKey,
    };
    let registered = status.and_then(|s| s.acme.as_ref()).is_some_and(|a| {
        a.uri.as_deref().is_some_and(|u| same_origin(u, &acme.server))
            && a.last_registered_email.as_deref().unwrap_or_default()
                == acme.email.as_deref().unwrap_or_default()
            && a.last_private_key_hash.as_deref() == Some(key_hash(&key).as_str())
    });
    let ready_now = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
        .is_some_and(|c| c.status == ConditionStatus::True && c.observed_generation == generation);
    if registered && ready_now && !observed.account_lost {
        return Decision::UpToDate { requeue: RECHECK };
    }
    Decision::Register { key }
}

fn why_eab(eab: &Option<Result<Vec<u8>, String>>) -> String {
    match eab {
        Some(Err(why)) => format!("External Account Binding: {why}"),
        _ => "External Account Binding: the HMAC key Secret cannot be read".into(),
    }
}

/// Whether an account URL belongs to the directory's server (scheme and
/// authority), so that a changed `spec.acme.server` registers again.
pub fn same_origin(account_url: &str, directory_url: &str) -> bool {
    fn origin(u: &str) -> Option<&str> {
        let rest = u.split_once("://")?.1;
        Some(rest.split('/').next().unwrap_or(rest))
    }
    origin(account_url).is_some() && origin(account_url) == origin(directory_url)
}
