//! The checks behind a Certificate's decisions, with cert-manager's reasons
//! and messages: what is wrong with the Secret (its readiness and issuance
//! policy chains), when renewal is due, how long a failed issuance backs
//! off, whether the Secret's metadata must be refreshed or adopted, what
//! the revision history lets go, and the status every decision starts from.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use passerelle_crds::constants::{annotations as keys, conditions, reasons};
use passerelle_crds::defaults;
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::{Certificate, CertificateStatus};

use super::{READY_MESSAGE, set};
use crate::certificate::observe::{Contents, Observed, Pair};
use crate::certificate::secret::{self, CA_CRT, Content, TLS_CRT, TLS_KEY};
use crate::conditions as conds;
use crate::pki::Mismatch;

/// cert-manager's reason when the Secret's private key no longer matches
/// `spec.privateKey`.
pub const SECRET_MISMATCH: &str = "SecretMismatch";

/// The legacy (cert-manager 0.x) annotations of a Secret's issuer and
/// Certificate, read when the `cert-manager.io/` ones are absent.
const LEGACY_ISSUER_NAME: &str = "certmanager.k8s.io/issuer-name";
const LEGACY_ISSUER_KIND: &str = "certmanager.k8s.io/issuer-kind";
const LEGACY_CERTIFICATE_NAME: &str = "certmanager.k8s.io/certificate-name";

/// Why the Secret cannot serve as it is: the reason and message of the
/// `Ready=False` condition and of the issuance it triggers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// cert-manager's reason.
    pub reason: &'static str,
    /// cert-manager's message.
    pub message: String,
}

impl Problem {
    fn new(reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
        }
    }
}

/// The first problem of the Secret, in cert-manager's order: missing,
/// missing data, unreadable or mismatched key pair, key not as the spec
/// asks, issued by another issuer, for another Certificate, names not as
/// the spec asks, expired.
pub fn problem(cert: &Certificate, observed: &Observed, now: Timestamp) -> Option<Problem> {
    let Some(secret) = &observed.secret else {
        return Some(Problem::new(
            reasons::DOES_NOT_EXIST,
            "Issuing certificate as Secret does not exist",
        ));
    };
    let pair = match &secret.contents {
        Contents::Missing(message) => return Some(Problem::new(reasons::MISSING_DATA, *message)),
        Contents::Unknown => {
            return Some(Problem::new(
                reasons::MISSING_DATA,
                "Issuing certificate as Secret does not contain any data",
            ));
        }
        Contents::InvalidKey(e) => {
            return Some(Problem::new(
                reasons::INVALID_KEY_PAIR,
                format!("Issuing certificate as Secret contains invalid private key data: {e}"),
            ));
        }
        Contents::InvalidCertificate(e) => {
            return Some(Problem::new(
                reasons::MISSING_DATA,
                format!("Issuing certificate as Secret contains an invalid certificate: {e}"),
            ));
        }
        Contents::Valid(pair) => pair,
    };
    if !pair.key_matches_cert {
        return Some(Problem::new(
            reasons::INVALID_KEY_PAIR,
            "Issuing certificate as Secret contains a private key that does not match the certificate",
        ));
    }
    if !pair.key_mismatches.is_empty() {
        return Some(Problem::new(
            SECRET_MISMATCH,
            format!(
                "Existing private key is not up to date for spec: {}",
                Mismatch::list(&pair.key_mismatches)
            ),
        ));
    }
    if let Some(previous) = previous_issuer(cert, &secret.annotations) {
        return Some(Problem::new(
            reasons::INCORRECT_ISSUER,
            format!("Issuing certificate as Secret was previously issued by {previous:?}"),
        ));
    }
    let owner = secret
        .annotations
        .get(keys::CERTIFICATE_NAME)
        .or_else(|| secret.annotations.get(LEGACY_CERTIFICATE_NAME));
    if let Some(owner) = owner.filter(|o| **o != cert.name_any()) {
        return Some(Problem::new(
            reasons::INCORRECT_CERTIFICATE,
            format!(
                "Secret was issued for {owner:?}. If this message is not transient, you might have two conflicting Certificates pointing to the same secret."
            ),
        ));
    }
    if let Some(problem) = names_problem(observed, pair) {
        return Some(problem);
    }
    if now > pair.leaf.not_after {
        return Some(Problem::new(
            reasons::EXPIRED,
            format!("Certificate expired on {}", format_rfc1123(pair.leaf.not_after)),
        ));
    }
    None
}

/// Names or request fields the spec changed: compared with the
/// CertificateRequest of the current revision when it still exists (it
/// records everything that was asked), else with the certificate itself.
fn names_problem(observed: &Observed, pair: &Pair) -> Option<Problem> {
    match &observed.current_request_mismatches {
        Some(m) if !m.is_empty() => Some(Problem::new(
            reasons::INCORRECT_CERTIFICATE,
            format!(
                "Fields on existing CertificateRequest resource not up to date: {}",
                Mismatch::list(m)
            ),
        )),
        Some(_) => None,
        None if !pair.name_mismatches.is_empty() => Some(Problem::new(
            reasons::INCORRECT_CERTIFICATE,
            format!(
                "Issuing certificate as Existing issued Secret is not up to date for spec: {}",
                Mismatch::list(&pair.name_mismatches)
            ),
        )),
        None => None,
    }
}

/// The issuer a Secret says it was issued by, when it names one that is
/// not the Certificate's (`Kind.group/name`). Only annotations that are
/// present are compared, so that an unannotated Secret can be adopted;
/// cert-manager 0.x annotations are read when the current ones are absent.
fn previous_issuer(
    cert: &Certificate,
    annotations: &std::collections::BTreeMap<String, String>,
) -> Option<String> {
    let wanted = defaults::issuer_ref(&cert.spec.issuer_ref);
    let (wanted_kind, wanted_group) = (wanted.kind.unwrap_or_default(), wanted.group.unwrap_or_default());
    let or_default = |v: Option<&String>, d: &str| {
        v.filter(|v| !v.is_empty())
            .cloned()
            .unwrap_or_else(|| d.to_string())
    };
    let current = [keys::ISSUER_NAME, keys::ISSUER_KIND, keys::ISSUER_GROUP].map(|k| annotations.get(k));
    let (name, kind, group) = if current.iter().any(Option::is_some) {
        (
            current[0].cloned().unwrap_or_default(),
            or_default(current[1], defaults::DEFAULT_ISSUER_KIND),
            or_default(current[2], defaults::DEFAULT_ISSUER_GROUP),
        )
    } else {
        let legacy_name = annotations.get(LEGACY_ISSUER_NAME)?;
        // 0.x issuers were in certmanager.k8s.io, served as cert-manager.io.
        let kind = or_default(annotations.get(LEGACY_ISSUER_KIND), defaults::DEFAULT_ISSUER_KIND);
        (legacy_name.clone(), kind, wanted_group.clone())
    };
    (name != wanted.name || kind != wanted_kind || group != wanted_group)
        .then(|| format!("{kind}.{group}/{name}"))
}

/// When the Secret's certificate is renewed.
pub fn renewal(cert: &Certificate, observed: &Observed) -> Option<Timestamp> {
    let pair = valid_pair(observed)?;
    Some(defaults::certificate_renewal_time(
        &cert.spec,
        pair.leaf.not_before,
        pair.leaf.not_after,
    ))
}

/// The renewal trigger, once the renewal time has come.
pub fn renewing(cert: &Certificate, observed: &Observed, now: Timestamp) -> Option<Problem> {
    let at = renewal(cert, observed)?;
    (at <= now).then(|| {
        Problem::new(
            reasons::RENEWING,
            format!(
                "Renewing certificate as renewal was scheduled at {}",
                format_go_time(at)
            ),
        )
    })
}

/// Until when a failed issuance backs off: `lastFailureTime` +
/// base·2^(failedIssuanceAttempts − 1), capped (cert-manager: 1h … 32h);
/// `None` once passed, or when the spec changed since (the failed
/// request no longer matches it), as cert-manager re-issues at once then.
pub fn backoff_until(cert: &Certificate, observed: &Observed, now: Timestamp) -> Option<Timestamp> {
    let status = cert.status.as_ref()?;
    let last = status.last_failure_time.as_ref()?.0;
    if let Some(request) = &observed.next_request
        && request.mismatches.as_ref().map_or(true, |m| !m.is_empty())
    {
        return None;
    }
    let settings = &observed.settings;
    let attempts = u32::try_from(status.failed_issuance_attempts.unwrap_or(0).max(1)).unwrap_or(u32::MAX);
    let delay = crate::reconcile::backoff(
        settings.backoff_base,
        settings.backoff_max,
        attempts,
        settings.jitter_seed,
    );
    let until = last.checked_add(delay).ok()?;
    (now < until).then_some(until)
}

/// Whether the (valid) Secret needs its labels, annotations, owner
/// reference or derived outputs rewritten: `Some(true)` when it is not
/// labelled yet (adoption), `Some(false)` for a refresh.
pub fn secret_needs_update(cert: &Certificate, observed: &Observed) -> Option<bool> {
    let secret = observed.secret.as_ref()?;
    let pair = valid_pair(observed)?;
    if !secret.managed {
        return Some(true);
    }
    let has_all = |want: &std::collections::BTreeMap<String, String>,
                   have: &std::collections::BTreeMap<String, String>| {
        want.iter().all(|(k, v)| have.get(k) == Some(v))
    };
    let mut annotations = cert
        .spec
        .secret_template
        .as_ref()
        .and_then(|t| t.annotations.clone())
        .unwrap_or_default();
    annotations.extend(secret::annotations(cert, Some(&pair.leaf)));
    if !has_all(&secret::labels(cert), &secret.labels) || !has_all(&annotations, &secret.annotations) {
        return Some(false);
    }
    // Only a missing ownerReference is added: one that another manager set
    // could not be removed by this operator's apply, and would loop.
    if observed.settings.owner_ref && !secret.owned {
        return Some(false);
    }
    let data = &secret.data.0;
    let content = Content {
        key_pem: data.get(TLS_KEY).cloned().unwrap_or_default(),
        chain_pem: data.get(TLS_CRT).cloned().unwrap_or_default(),
        ca_pem: data.get(CA_CRT).cloned(),
    };
    let outputs_ok = secret::data(cert, &content)
        .iter()
        .all(|(k, v)| data.get(k) == Some(v));
    (!outputs_ok).then_some(false)
}

/// Temporary key Secrets not named in status, and CertificateRequests
/// beyond `revisionHistoryLimit`, oldest revision first (cert-manager's
/// revision manager ignores requests without a revision).
pub fn prunable(cert: &Certificate, observed: &Observed) -> (Vec<String>, Vec<String>) {
    let status = cert.status.clone().unwrap_or_default();
    let keys: Vec<String> = observed
        .key_secrets
        .iter()
        .filter(|n| Some(*n) != status.next_private_key_secret_name.as_ref())
        .cloned()
        .collect();
    let limit = usize::try_from(defaults::revision_history_limit(&cert.spec).max(1)).unwrap_or(1);
    let mut revisions: Vec<(i64, &str)> = observed
        .requests
        .iter()
        .filter_map(|r| r.revision.map(|rev| (rev, r.name.as_str())))
        .collect();
    revisions.sort();
    let excess = revisions.len().saturating_sub(limit);
    (
        keys,
        revisions
            .iter()
            .take(excess)
            .map(|(_, n)| n.to_string())
            .collect(),
    )
}

/// The status every decision starts from: the current one with `Ready`
/// and the validity times recomputed from the Secret.
pub fn base_status(
    cert: &Certificate,
    current: &CertificateStatus,
    observed: &Observed,
    problem: Option<&Problem>,
    now: Timestamp,
) -> CertificateStatus {
    let mut status = current.clone();
    let generation = cert.metadata.generation;
    match problem {
        Some(p) => set(
            &mut status,
            conditions::READY,
            ConditionStatus::False,
            p.reason,
            p.message.clone(),
            generation,
            now,
        ),
        None => set(
            &mut status,
            conditions::READY,
            ConditionStatus::True,
            reasons::READY,
            ready_message(cert),
            generation,
            now,
        ),
    }
    let leaf = valid_pair(observed).map(|p| &p.leaf);
    status.not_before = leaf.map(|l| Time(l.not_before));
    status.not_after = leaf.map(|l| Time(l.not_after));
    status.renewal_time = renewal(cert, observed).map(Time);
    status
}

/// `Ready=True`'s message; it says so when keystores are asked for, as
/// Passerelle does not write them yet.
fn ready_message(cert: &Certificate) -> String {
    let keystores = cert.spec.keystores.as_ref();
    let wanted = keystores.is_some_and(|k| {
        k.jks.as_ref().is_some_and(|j| j.create) || k.pkcs12.as_ref().is_some_and(|p| p.create)
    });
    if wanted {
        format!("{READY_MESSAGE}; {}", unsupported_keystores())
    } else {
        READY_MESSAGE.to_string()
    }
}

/// What Passerelle says about `spec.keystores`.
pub fn unsupported_keystores() -> &'static str {
    "spec.keystores is not supported by Passerelle yet: keystore.jks, truststore.jks, keystore.p12 and truststore.p12 are not written"
}

/// Whether two statuses say the same, ignoring condition transition times.
pub fn same_status(a: &CertificateStatus, b: &CertificateStatus) -> bool {
    let strip = |s: &CertificateStatus| CertificateStatus {
        conditions: None,
        ..s.clone()
    };
    conds::same(&a.conditions, &b.conditions) && strip(a) == strip(b)
}

/// The Secret's key and certificate, when both can be read.
pub fn valid_pair(observed: &Observed) -> Option<&Pair> {
    match &observed.secret.as_ref()?.contents {
        Contents::Valid(pair) => Some(pair),
        _ => None,
    }
}

/// A time as Go's `time.Time.String` prints it (cert-manager's messages
/// quote `metav1.Time` values so): `2026-01-02 15:04:05 +0000 UTC`.
pub fn format_go_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S +0000 UTC").to_string()
}

/// A time in Go's `time.RFC1123` layout: `Fri, 02 Jan 2026 15:04:05 UTC`.
pub fn format_rfc1123(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S UTC").to_string()
}
