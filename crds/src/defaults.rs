//! cert-manager's effective defaults, computed rather than written into the
//! objects (cert-manager applies them in its controllers, not through its
//! schema, so a stored Certificate keeps exactly what the user wrote).
//!
//! Durations follow Go's `time.ParseDuration` syntax (`2160h`, `1h30m`), as
//! `metav1.Duration` does.

use std::time::Duration;

use k8s_openapi::jiff::{SignedDuration, Timestamp};

use crate::meta::IssuerReference;
use crate::v1::certificate::{
    CertificateSpec, KeyUsage, PrivateKeyAlgorithm, PrivateKeyEncoding, PrivateKeyRotationPolicy,
};

/// A Certificate's lifetime when `spec.duration` is unset: 90 days.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(90 * 24 * 3600);
/// The shortest `spec.duration` accepted: 1 hour.
pub const MIN_DURATION: Duration = Duration::from_secs(3600);
/// The shortest `spec.renewBefore` accepted: 5 minutes.
pub const MIN_RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);
/// `spec.revisionHistoryLimit` when unset.
pub const DEFAULT_REVISION_HISTORY_LIMIT: i32 = 1;
/// The issuer kind of an issuerRef without one.
pub const DEFAULT_ISSUER_KIND: &str = "Issuer";
/// The issuer group of an issuerRef without one.
pub const DEFAULT_ISSUER_GROUP: &str = "cert-manager.io";

/// Parses a Go duration string (`metav1.Duration`): `90m`, `2160h`,
/// `1h30m0s`. Empty and negative durations are refused, as Go refuses the
/// former and cert-manager the latter.
pub fn parse_duration(value: &str) -> Option<Duration> {
    if value.is_empty() {
        return None;
    }
    let parsed: kube::core::Duration = value.parse().ok()?;
    (!parsed.is_negative()).then(|| parsed.into())
}

/// Formats a duration the way Go's `time.Duration.String` does (`1h0m0s`,
/// `5m0s`, `2160h0m0s`), for messages that quote cert-manager's.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

/// The effective private key settings of a Certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrivateKeySettings {
    /// RSA unless set.
    pub algorithm: PrivateKeyAlgorithm,
    /// 2048 for RSA, 256 for ECDSA unless set; 0 for Ed25519 (ignored).
    pub size: i64,
    /// PKCS1 unless set.
    pub encoding: PrivateKeyEncoding,
    /// Always unless set (cert-manager's default since 1.18).
    pub rotation_policy: PrivateKeyRotationPolicy,
}

/// The private key a Certificate asks for, with cert-manager's defaults.
pub fn private_key(spec: &CertificateSpec) -> PrivateKeySettings {
    let pk = spec.private_key.as_ref();
    let algorithm = pk.and_then(|k| k.algorithm).unwrap_or(PrivateKeyAlgorithm::Rsa);
    let size = match algorithm {
        PrivateKeyAlgorithm::Ed25519 => 0,
        PrivateKeyAlgorithm::Rsa => pk.and_then(|k| k.size).unwrap_or(2048),
        PrivateKeyAlgorithm::Ecdsa => pk.and_then(|k| k.size).unwrap_or(256),
    };
    PrivateKeySettings {
        algorithm,
        size,
        encoding: pk.and_then(|k| k.encoding).unwrap_or(PrivateKeyEncoding::Pkcs1),
        rotation_policy: pk
            .and_then(|k| k.rotation_policy)
            .unwrap_or(PrivateKeyRotationPolicy::Always),
    }
}

/// The lifetime a Certificate asks for: `spec.duration`, or 90 days when
/// unset or unparsable (validation reports the latter).
pub fn duration(spec: &CertificateSpec) -> Duration {
    spec.duration
        .as_deref()
        .and_then(parse_duration)
        .unwrap_or(DEFAULT_DURATION)
}

/// How many CertificateRequests of a Certificate are kept.
pub fn revision_history_limit(spec: &CertificateSpec) -> i32 {
    spec.revision_history_limit
        .unwrap_or(DEFAULT_REVISION_HISTORY_LIMIT)
}

/// The usages a Certificate asks for: `spec.usages`, or `digital signature`
/// and `key encipherment`; `cert sign` is added when `isCA` is set. Sorted
/// and without duplicates.
pub fn usages(spec: &CertificateSpec) -> Vec<KeyUsage> {
    let mut usages = spec.usages.clone().unwrap_or_else(|| KeyUsage::DEFAULT.to_vec());
    if spec.is_ca == Some(true) {
        usages.push(KeyUsage::CertSign);
    }
    usages.sort();
    usages.dedup();
    usages
}

/// An issuer reference with its kind and group filled in.
pub fn issuer_ref(r: &IssuerReference) -> IssuerReference {
    IssuerReference {
        name: r.name.clone(),
        kind: Some(
            r.kind
                .clone()
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| DEFAULT_ISSUER_KIND.into()),
        ),
        group: Some(
            r.group
                .clone()
                .filter(|g| !g.is_empty())
                .unwrap_or_else(|| DEFAULT_ISSUER_GROUP.into()),
        ),
    }
}

/// When a certificate valid from `not_before` to `not_after` is renewed, as
/// cert-manager computes it: a third of the actual lifetime before expiry,
/// unless `renewBefore` (when shorter than the lifetime) or
/// `renewBeforePercentage` says otherwise; truncated to the second, as the
/// status field stores it.
pub fn renewal_time(
    not_before: Timestamp,
    not_after: Timestamp,
    renew_before: Option<Duration>,
    renew_before_percentage: Option<i32>,
) -> Timestamp {
    let lifetime = not_after.duration_since(not_before);
    let mut before = lifetime / 3;
    match (renew_before, renew_before_percentage) {
        (Some(rb), _) if SignedDuration::try_from(rb).is_ok_and(|rb| rb < lifetime) => {
            before = SignedDuration::try_from(rb).unwrap_or(before);
        }
        (_, Some(pct)) => before = lifetime * pct / 100,
        _ => {}
    }
    let at = not_after.checked_sub(before).unwrap_or(not_before);
    Timestamp::from_second(at.as_second()).unwrap_or(at)
}

/// [`renewal_time`] for a Certificate's spec (unparsable durations count as
/// unset).
pub fn certificate_renewal_time(
    spec: &CertificateSpec,
    not_before: Timestamp,
    not_after: Timestamp,
) -> Timestamp {
    renewal_time(
        not_before,
        not_after,
        spec.renew_before.as_deref().and_then(parse_duration),
        spec.renew_before_percentage,
    )
}

#[cfg(test)]
mod tests;
