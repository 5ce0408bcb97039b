//! Builders for the Certificate decision tests: a Certificate on the real
//! types, and the observed facts around it (a Secret holding a valid
//! certificate, the next key, the next request).

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use passerelle_crds::constants::{annotations as keys, conditions};
use passerelle_crds::meta::{Condition, ConditionStatus, IssuerReference};
use passerelle_crds::v1::certificate::{CertificatePrivateKey, PrivateKeyRotationPolicy};
use passerelle_crds::v1::{Certificate, CertificateSpec, CertificateStatus};

use crate::certificate::observe::{
    Contents, NextKey, Observed, OwnedRequest, Pair, RequestFacts, RequestState, SecretData, SecretFacts,
    Settings,
};
use crate::certificate::secret::{self, TLS_CRT, TLS_KEY};
use crate::pki::{EcCurve, KeyKind, Names, ParsedCertificate, PrivateKey};

/// The time of every test: 2026-03-01T00:00:00Z.
pub(super) fn now() -> Timestamp {
    "2026-03-01T00:00:00Z".parse().unwrap()
}

/// `now` shifted by hours.
pub(super) fn hours(h: i64) -> Timestamp {
    now() + SignedDuration::from_hours(h)
}

/// `now` shifted by days.
pub(super) fn days(d: i64) -> Timestamp {
    hours(24 * d)
}

/// One ECDSA key shared by the tests (decide never looks inside it).
pub(super) fn key() -> PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::generate(KeyKind::Ecdsa(EcCurve::P256)).unwrap())
        .clone()
}

/// Builders on a Certificate.
pub(super) trait CertificateExt: Sized {
    /// `default/web`, secret `web-tls`, DNS name `a.example`, from
    /// ClusterIssuer `le`.
    fn test() -> Certificate;
    /// Mutates the spec.
    fn spec(self, f: impl FnOnce(&mut CertificateSpec)) -> Self;
    /// Mutates the status.
    fn status(self, f: impl FnOnce(&mut CertificateStatus)) -> Self;
    /// `Issuing=True` since `since` with `reason`.
    fn issuing(self, reason: &str, since: Timestamp) -> Self;
    /// `status.revision`.
    fn revision(self, revision: i64) -> Self {
        self.status(|s| s.revision = Some(revision))
    }
    /// `status.nextPrivateKeySecretName`.
    fn next_key_name(self, name: &str) -> Self {
        self.status(|s| s.next_private_key_secret_name = Some(name.into()))
    }
    /// A failed issuance: `lastFailureTime` and `failedIssuanceAttempts`.
    fn failed(self, at: Timestamp, attempts: i64) -> Self {
        self.status(|s| {
            s.last_failure_time = Some(Time(at));
            s.failed_issuance_attempts = Some(attempts);
        })
    }
    /// `spec.privateKey.rotationPolicy: Never`.
    fn rotation_never(self) -> Self {
        self.spec(|s| {
            s.private_key = Some(CertificatePrivateKey {
                rotation_policy: Some(PrivateKeyRotationPolicy::Never),
                ..CertificatePrivateKey::default()
            })
        })
    }
}

impl CertificateExt for Certificate {
    fn test() -> Certificate {
        let mut cert = Certificate::new(
            "web",
            CertificateSpec {
                secret_name: "web-tls".into(),
                dns_names: Some(vec!["a.example".into()]),
                issuer_ref: IssuerReference {
                    name: "le".into(),
                    kind: Some("ClusterIssuer".into()),
                    group: Some("cert-manager.io".into()),
                },
                ..CertificateSpec::default()
            },
        );
        cert.metadata.namespace = Some("default".into());
        cert.metadata.uid = Some("uid-web".into());
        cert.metadata.generation = Some(1);
        cert
    }

    fn spec(mut self, f: impl FnOnce(&mut CertificateSpec)) -> Self {
        f(&mut self.spec);
        self
    }

    fn status(mut self, f: impl FnOnce(&mut CertificateStatus)) -> Self {
        f(self.status.get_or_insert_with(Default::default));
        self
    }

    fn issuing(self, reason: &str, since: Timestamp) -> Self {
        let condition = Condition {
            type_: conditions::ISSUING.into(),
            status: ConditionStatus::True,
            last_transition_time: Some(Time(since)),
            reason: Some(reason.into()),
            message: Some("issuing".into()),
            observed_generation: Some(1),
        };
        self.status(|s| s.conditions.get_or_insert_with(Vec::new).push(condition))
    }
}

/// A leaf certificate for `a.example`, valid from `not_before` to `not_after`.
pub(super) fn leaf(not_before: Timestamp, not_after: Timestamp) -> ParsedCertificate {
    ParsedCertificate {
        der: vec![1, 2, 3],
        not_before,
        not_after,
        serial: "01".into(),
        subject: String::new(),
        issuer: "CN=Test CA".into(),
        names: Names {
            dns_names: vec!["a.example".into()],
            ..Names::default()
        },
        is_ca: false,
        usages: Vec::new(),
        public_key_der: Vec::new(),
    }
}

/// The chain the tests' CA returns.
pub(super) const CHAIN: &[u8] = b"-----BEGIN CERTIFICATE-----\nleaf\n-----END CERTIFICATE-----\n";

/// The Secret as the operator writes it: labelled, annotated, holding a
/// valid 90-day certificate issued `issued_days_ago` days before now.
pub(super) fn secret_for(cert: &Certificate, issued_days_ago: i64) -> SecretFacts {
    let leaf = leaf(days(-issued_days_ago), days(90 - issued_days_ago));
    let mut annotations = secret::annotations(cert, Some(&leaf));
    annotations.insert("kept".into(), "by someone else".into());
    SecretFacts {
        managed: true,
        type_: Some(secret::TYPE_TLS.into()),
        labels: secret::labels(cert),
        annotations,
        owned: false,
        data: SecretData(BTreeMap::from([
            (TLS_CRT.to_string(), CHAIN.to_vec()),
            (TLS_KEY.to_string(), b"key".to_vec()),
        ])),
        contents: Contents::Valid(Box::new(Pair {
            key: key(),
            leaf,
            key_matches_cert: true,
            key_mismatches: Vec::new(),
            name_mismatches: Vec::new(),
        })),
    }
}

/// Changes the pair of a Secret.
pub(super) fn with_pair(mut facts: SecretFacts, f: impl FnOnce(&mut Pair)) -> SecretFacts {
    if let Contents::Valid(pair) = &mut facts.contents {
        f(pair);
    }
    facts
}

/// A readable next key that matches the spec.
pub(super) fn next_key(name: &str) -> NextKey {
    NextKey::Present {
        name: name.into(),
        key: key(),
        public_key: vec![7; 8],
        mismatches: Vec::new(),
    }
}

/// The next request, ours, signed with the next key, matching the spec.
pub(super) fn request(name: &str, key_secret: &str, state: RequestState) -> RequestFacts {
    RequestFacts {
        name: name.into(),
        ours: true,
        key_secret: Some(key_secret.into()),
        public_key: Some(vec![7; 8]),
        mismatches: Ok(Vec::new()),
        state,
    }
}

/// Observed facts with cert-manager's backoff settings.
pub(super) fn observed() -> Observed {
    Observed {
        settings: Settings {
            backoff_base: Duration::from_secs(3600),
            backoff_max: Duration::from_secs(32 * 3600),
            owner_ref: false,
            jitter_seed: 0,
        },
        ..Observed::default()
    }
}

/// An owned request of a revision.
pub(super) fn owned(name: &str, revision: i64) -> OwnedRequest {
    OwnedRequest {
        name: name.into(),
        revision: Some(revision),
    }
}

/// The legacy (0.x) annotations of a Secret, and none of the current ones.
pub(super) fn legacy(mut facts: SecretFacts, issuer: &str) -> SecretFacts {
    facts.managed = false;
    facts.labels.clear();
    facts.annotations = BTreeMap::from([
        ("certmanager.k8s.io/issuer-name".to_string(), issuer.to_string()),
        (
            "certmanager.k8s.io/issuer-kind".to_string(),
            "ClusterIssuer".to_string(),
        ),
        (
            "certmanager.k8s.io/alt-names".to_string(),
            "a.example".to_string(),
        ),
    ]);
    facts.annotations.remove(keys::CERTIFICATE_NAME);
    facts
}
