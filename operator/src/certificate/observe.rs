//! What the Certificate controller reads before deciding: the Secret of
//! `spec.secretName`, read directly (a Secret cert-manager wrote before it
//! labelled its Secrets is not in the cache, and must be found and adopted
//! rather than re-issued), the temporary Secret holding the next private
//! key, the CertificateRequests of the current and next revisions, and
//! (from the caches) what is left to clean up. Reads only; the facts are
//! parsed ([`parse`]) so that `decide` works on plain values.

mod parse;

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use kube::api::Api;
use kube::runtime::reflector::{ObjectRef, Store};
use passerelle_crds::constants::{annotations as keys, conditions};
use passerelle_crds::v1::{Certificate, CertificateRequest};

pub use self::parse::{certificate_of_secret, next_key_facts, request_facts, request_state, secret_facts};
use super::secret::NEXT_PRIVATE_KEY_LABEL;
use crate::context::Context;
use crate::error::{Error, Result, is_not_found};
use crate::pki::{self, Mismatch, ParsedCertificate, PrivateKey};

/// Everything `decide` looks at besides the Certificate itself.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    /// The Secret of `spec.secretName`, if it exists.
    pub secret: Option<SecretFacts>,
    /// The temporary Secret of `status.nextPrivateKeySecretName`.
    pub next_key: NextKey,
    /// The CertificateRequest of the next revision (`<name>-<revision+1>`).
    pub next_request: Option<RequestFacts>,
    /// How the CertificateRequest of the current revision differs from the
    /// spec, when it still exists and can be read.
    pub current_request_mismatches: Option<Vec<Mismatch>>,
    /// The CertificateRequests this Certificate owns.
    pub requests: Vec<OwnedRequest>,
    /// The temporary private key Secrets this Certificate owns.
    pub key_secrets: Vec<String>,
    /// How the operator is configured.
    pub settings: Settings,
}

/// The configuration `decide` needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// First backoff after a failed issuance.
    pub backoff_base: Duration,
    /// Longest backoff.
    pub backoff_max: Duration,
    /// Whether Secrets get an ownerReference to their Certificate.
    pub owner_ref: bool,
    /// Per-object jitter seed.
    pub jitter_seed: u64,
}

/// The Secret of a Certificate, as found.
#[derive(Clone, Debug, Default)]
pub struct SecretFacts {
    /// Whether it carries `controller.cert-manager.io/fao: "true"`: a
    /// Secret without it was written by an older cert-manager (or by hand)
    /// and is adopted when it matches.
    pub managed: bool,
    /// Its type.
    pub type_: Option<String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    pub annotations: BTreeMap<String, String>,
    /// Whether it has an ownerReference to this Certificate.
    pub owned: bool,
    /// Its data (shown by key name only).
    pub data: SecretData,
    /// What its key and certificate are.
    pub contents: Contents,
}

/// A Secret's data; `Debug` shows the keys, never the values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretData(pub BTreeMap<String, Vec<u8>>);

impl std::fmt::Debug for SecretData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// The key and certificate of a Secret.
#[derive(Clone, Debug, Default)]
pub enum Contents {
    /// No data, no `tls.key` or no `tls.crt` (cert-manager's message).
    Missing(&'static str),
    /// `tls.key` cannot be read.
    InvalidKey(String),
    /// `tls.crt` cannot be read.
    InvalidCertificate(String),
    /// Both can be read.
    Valid(Box<Pair>),
    /// Not looked at (no Secret).
    #[default]
    Unknown,
}

/// A readable key and certificate, and how they compare with the spec.
#[derive(Clone, Debug)]
pub struct Pair {
    /// The private key.
    pub key: PrivateKey,
    /// The leaf certificate.
    pub leaf: ParsedCertificate,
    /// Whether the key is the certificate's.
    pub key_matches_cert: bool,
    /// What `spec.privateKey` asks for that the key is not.
    pub key_mismatches: Vec<Mismatch>,
    /// Names the certificate lacks or has beyond the spec.
    pub name_mismatches: Vec<Mismatch>,
}

/// The temporary Secret holding the next private key.
#[derive(Clone, Debug, Default)]
pub enum NextKey {
    /// `status.nextPrivateKeySecretName` is not set.
    #[default]
    Unnamed,
    /// Named, but the Secret does not exist (yet).
    Missing {
        /// Its name.
        name: String,
    },
    /// The Secret's key cannot be read.
    Unusable {
        /// Its name.
        name: String,
    },
    /// A readable key.
    Present {
        /// The Secret's name.
        name: String,
        /// The key.
        key: PrivateKey,
        /// Its public key, SubjectPublicKeyInfo DER.
        public_key: Vec<u8>,
        /// What `spec.privateKey` asks for that the key is not.
        mismatches: Vec<Mismatch>,
    },
}

/// A CertificateRequest of this Certificate.
#[derive(Clone, Debug)]
pub struct RequestFacts {
    /// Name.
    pub name: String,
    /// Whether this Certificate (this uid) controls it.
    pub ours: bool,
    /// Its `cert-manager.io/private-key-secret-name` annotation.
    pub key_secret: Option<String>,
    /// The public key its CSR carries.
    pub public_key: Option<Vec<u8>>,
    /// How it differs from the spec (an error when the CSR is unreadable).
    pub mismatches: Result<Vec<Mismatch>, String>,
    /// Where it stands.
    pub state: RequestState,
}

/// Where a CertificateRequest stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestState {
    /// Not signed yet.
    Pending,
    /// Failed, denied or invalid: final.
    Failed {
        /// The condition's reason (`Failed`, `Denied`, …).
        reason: String,
        /// The condition's message.
        message: String,
        /// When it failed.
        at: Option<Timestamp>,
    },
    /// Signed.
    Issued {
        /// The chain, PEM.
        chain_pem: Vec<u8>,
        /// The CA, PEM, when the issuer gave one.
        ca_pem: Option<Vec<u8>>,
    },
}

/// A CertificateRequest owned by the Certificate, for the revision history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedRequest {
    /// Name.
    pub name: String,
    /// Its `cert-manager.io/certificate-revision`, when it has a valid one.
    pub revision: Option<i64>,
}

/// The name of the CertificateRequest of a revision: `<name>-<revision>`.
pub fn request_name(cert: &Certificate, revision: i64) -> String {
    let suffix = format!("-{revision}");
    let name = cert.name_any();
    let keep = 253usize.saturating_sub(suffix.len()).min(name.len());
    format!("{}{suffix}", name.get(..keep).unwrap_or(&name))
}

/// Reads everything `decide` needs.
pub async fn observe(
    cert: &Certificate,
    ctx: &Context,
    secrets: &Store<Secret>,
    requests: &Store<CertificateRequest>,
) -> Result<Observed> {
    let namespace = cert.namespace().unwrap_or_default();
    let status = cert.status.clone().unwrap_or_default();
    let secret_api: Api<Secret> = Api::namespaced(ctx.client.clone(), &namespace);
    // Read directly, not from the cache: a Secret written before
    // cert-manager labelled its Secrets is not in it, and a watch event may
    // run this reconcile before the cache has the change it announces.
    let secret = get_opt(&secret_api, &cert.spec.secret_name, "Secret").await?;
    let next_key = match &status.next_private_key_secret_name {
        None => NextKey::Unnamed,
        Some(name) => next_key_facts(name, get_opt(&secret_api, name, "Secret").await?.as_ref(), cert),
    };
    let revision = status.revision.unwrap_or(0);
    let cr_api: Api<CertificateRequest> = Api::namespaced(ctx.client.clone(), &namespace);
    // The next request matters while issuing, and after a failure (a spec
    // change since ends the backoff).
    let issuing = crate::conditions::is_true(&status.conditions, conditions::ISSUING);
    let next = if issuing || status.last_failure_time.is_some() {
        get_opt(&cr_api, &request_name(cert, revision + 1), "CertificateRequest").await?
    } else {
        None
    };
    let current = (revision > 0)
        .then(|| requests.get(&ObjectRef::new(&request_name(cert, revision)).within(&namespace)))
        .flatten();
    let uid = cert.uid();
    let owned_by = |refs: &[k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference]| {
        uid.is_some() && refs.iter().any(|r| Some(&r.uid) == uid.as_ref())
    };
    Ok(Observed {
        secret: secret.as_ref().map(|s| secret_facts(s, cert)),
        next_key,
        next_request: next.as_ref().map(|cr| request_facts(cr, cert)),
        current_request_mismatches: current
            .and_then(|cr| pki::request_matches_spec(&cr.spec, &cert.spec).ok()),
        requests: requests
            .state()
            .iter()
            .filter(|cr| cr.namespace().as_deref() == Some(&namespace) && owned_by(cr.owner_references()))
            .map(|cr| OwnedRequest {
                name: cr.name_any(),
                revision: cr
                    .annotations()
                    .get(keys::CERTIFICATE_REVISION)
                    .and_then(|r| r.parse().ok()),
            })
            .collect(),
        key_secrets: secrets
            .state()
            .iter()
            .filter(|s| s.namespace().as_deref() == Some(&namespace) && owned_by(s.owner_references()))
            .filter(|s| s.labels().get(NEXT_PRIVATE_KEY_LABEL).map(String::as_str) == Some("true"))
            .map(|s| s.name_any())
            .collect(),
        settings: Settings {
            backoff_base: ctx.config.issuance_backoff_base,
            backoff_max: ctx.config.issuance_backoff_max,
            owner_ref: ctx.config.enable_certificate_owner_ref,
            jitter_seed: crate::reconcile::seed(cert),
        },
    })
}

/// GET that maps 404 to `None`.
async fn get_opt<K>(api: &Api<K>, name: &str, kind: &'static str) -> Result<Option<K>>
where
    K: Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match api.get(name).await {
        Ok(obj) => Ok(Some(obj)),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(source) => Err(Error::Get {
            kind,
            name: name.to_string(),
            source,
        }),
    }
}
