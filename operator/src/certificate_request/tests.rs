//! Table tests of the CertificateRequest decisions: approval, denial,
//! issuers missing, unready or of an unsupported type, the Order's life
//! (created with a stable name, pending, failed, valid), all at an
//! injected `now`.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use passerelle_crds::acme::AcmeIssuer;
use passerelle_crds::acme::order::State;
use passerelle_crds::meta::{ConditionStatus, IssuerReference};
use passerelle_crds::v1::certificate_request::CertificateRequestCondition;
use passerelle_crds::v1::{CertificateRequest, CertificateRequestSpec, CertificateSpec, IssuerConfig};
use pretty_assertions::assert_eq;

mod order;

use super::decide::{Decision, decide};
use super::observe::{IssuerLookup, Observed, OrderFacts};
use crate::pki::{Csr, EcCurve, KeyKind, ParsedCsr, PrivateKey};

fn now() -> Timestamp {
    "2026-03-01T00:00:00Z".parse().unwrap()
}

/// A request field (base64 of the PEM CSR) and its parse.
type Request = (String, ParsedCsr);

/// A CSR for `a.example` (and a common name when given), with its parse;
/// the same one for the same arguments (ECDSA signatures are randomized).
fn csr(common_name: Option<&str>) -> Request {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    static MADE: OnceLock<Mutex<HashMap<Option<String>, Request>>> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    let mut made = made.lock().unwrap();
    let entry = made.entry(common_name.map(Into::into)).or_insert_with(|| {
        let key = KEY.get_or_init(|| PrivateKey::generate(KeyKind::Ecdsa(EcCurve::P256)).unwrap());
        let spec = CertificateSpec {
            dns_names: Some(vec!["a.example".into()]),
            common_name: common_name.map(Into::into),
            ..CertificateSpec::default()
        };
        let csr = Csr::build(&spec, key).unwrap();
        (csr.to_request_field(), csr.parse().unwrap())
    });
    entry.clone()
}

fn condition(type_: &str, status: ConditionStatus, reason: &str) -> CertificateRequestCondition {
    CertificateRequestCondition {
        type_: type_.into(),
        status,
        last_transition_time: Some(Time(now())),
        reason: Some(reason.into()),
        message: Some(String::new()),
    }
}

/// `default/web-1` for ClusterIssuer `le`, approved.
fn cr() -> CertificateRequest {
    let mut cr = CertificateRequest::new(
        "web-1",
        CertificateRequestSpec {
            request: csr(None).0,
            issuer_ref: IssuerReference {
                name: "le".into(),
                kind: Some("ClusterIssuer".into()),
                group: Some("cert-manager.io".into()),
            },
            duration: Some("2160h0m0s".into()),
            ..CertificateRequestSpec::default()
        },
    );
    cr.metadata.namespace = Some("default".into());
    cr.metadata.uid = Some("uid-cr".into());
    cr.metadata.labels = Some([("app".to_string(), "web".to_string())].into());
    cr.status = Some(Default::default());
    with(
        cr,
        condition("Approved", ConditionStatus::True, "cert-manager.io"),
    )
}

fn with(mut cr: CertificateRequest, c: CertificateRequestCondition) -> CertificateRequest {
    cr.status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new)
        .push(c);
    cr
}

fn acme() -> AcmeIssuer {
    AcmeIssuer {
        server: "https://acme.example/directory".into(),
        ..AcmeIssuer::default()
    }
}

fn issuer(config: IssuerConfig, ready: bool) -> IssuerLookup {
    IssuerLookup::Found {
        config: Box::new(config),
        ready,
    }
}

fn observed(order: Option<OrderFacts>) -> Observed {
    Observed {
        issuer: issuer(
            IssuerConfig {
                acme: Some(acme()),
                ..IssuerConfig::default()
            },
            true,
        ),
        csr: Ok(csr(None).1),
        order,
    }
}

fn order(state: Option<State>) -> OrderFacts {
    OrderFacts {
        name: "web-1-12345".into(),
        controlled: true,
        stale: false,
        state,
        reason: None,
        certificate: None,
        certificate_matches: false,
    }
}

/// The Ready condition of the status a decision writes.
fn ready(decision: &Decision) -> (ConditionStatus, String, String) {
    let status = match decision {
        Decision::Approve { status }
        | Decision::MarkDenied { status }
        | Decision::Pending { status, .. }
        | Decision::Fail { status, .. }
        | Decision::Issued { status } => status,
        other => panic!("no status in {other:?}"),
    };
    let c = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "Ready")
        .expect("Ready");
    (
        c.status,
        c.reason.clone().unwrap_or_default(),
        c.message.clone().unwrap_or_default(),
    )
}

#[test]
fn new_requests_are_approved_by_the_built_in_approver() {
    let mut unapproved = cr();
    unapproved.status = None;
    let Decision::Approve { status } = decide(&unapproved, &observed(None), now()) else {
        panic!()
    };
    let approved = &status.conditions.unwrap()[0];
    assert_eq!(
        (
            approved.type_.as_str(),
            approved.status,
            approved.reason.as_deref(),
            approved.message.as_deref()
        ),
        (
            "Approved",
            ConditionStatus::True,
            Some("cert-manager.io"),
            Some("Certificate request has been approved by cert-manager.io")
        )
    );
}

#[test]
fn denied_requests_are_marked_failed_once() {
    let mut denied = cr();
    denied.status = None;
    let denied = with(denied, condition("Denied", ConditionStatus::True, "policy"));
    let decision = decide(&denied, &observed(None), now());
    assert_eq!(
        ready(&decision),
        (
            ConditionStatus::False,
            "Denied".into(),
            "The CertificateRequest was denied by an approval controller".into()
        )
    );
    let Decision::MarkDenied { status } = decision else {
        panic!()
    };
    assert_eq!(status.failure_time, Some(Time(now())));
    let mut marked = denied;
    marked.status = Some(*status);
    assert_eq!(decide(&marked, &observed(None), now()), Decision::Skip);
}

#[test]
fn requests_for_external_issuers_are_approved_then_left_to_their_issuer() {
    let mut external = cr();
    external.spec.issuer_ref.group = Some("awspca.cert-manager.io".into());
    let mut unapproved = external.clone();
    unapproved.status = None;
    assert!(matches!(
        decide(&unapproved, &observed(None), now()),
        Decision::Approve { .. }
    ));
    assert_eq!(decide(&external, &observed(None), now()), Decision::Skip);
}

#[test]
fn final_requests_and_external_issuers_are_left_alone() {
    let external = {
        let mut cr = cr();
        cr.spec.issuer_ref.group = Some("awspca.cert-manager.io".into());
        cr
    };
    let cases = [
        external,
        with(cr(), condition("Ready", ConditionStatus::True, "Issued")),
        with(cr(), condition("Ready", ConditionStatus::False, "Failed")),
        with(cr(), condition("InvalidRequest", ConditionStatus::True, "BadCSR")),
    ];
    for case in cases {
        assert_eq!(
            decide(&case, &observed(None), now()),
            Decision::Skip,
            "{:?}",
            case.status
        );
    }
}

#[test]
fn missing_or_unready_issuer_leaves_the_request_pending() {
    let missing = Observed {
        issuer: IssuerLookup::NotFound {
            message: r#"clusterissuers.cert-manager.io "le" not found"#.into(),
        },
        ..observed(None)
    };
    let decision = decide(&cr(), &missing, now());
    assert_eq!(
        ready(&decision),
        (
            ConditionStatus::False,
            "Pending".into(),
            r#"Referenced "ClusterIssuer" not found: clusterissuers.cert-manager.io "le" not found"#.into()
        )
    );
    assert!(matches!(
        decision,
        Decision::Pending {
            reason: "IssuerNotFound",
            ..
        }
    ));

    let unready = Observed {
        issuer: issuer(
            IssuerConfig {
                acme: Some(acme()),
                ..IssuerConfig::default()
            },
            false,
        ),
        ..observed(None)
    };
    let decision = decide(&cr(), &unready, now());
    assert_eq!(
        ready(&decision).2,
        "Referenced issuer does not have a Ready status condition"
    );
    assert!(matches!(
        decision,
        Decision::Pending {
            reason: "IssuerNotReady",
            ..
        }
    ));
}

#[test]
fn other_issuer_types_fail_saying_they_are_not_supported() {
    let configs = [
        (
            "CA",
            IssuerConfig {
                ca: Some(Default::default()),
                ..IssuerConfig::default()
            },
        ),
        (
            "SelfSigned",
            IssuerConfig {
                self_signed: Some(Default::default()),
                ..IssuerConfig::default()
            },
        ),
        (
            "Vault",
            IssuerConfig {
                vault: Some(Default::default()),
                ..IssuerConfig::default()
            },
        ),
        (
            "Venafi",
            IssuerConfig {
                venafi: Some(Default::default()),
                ..IssuerConfig::default()
            },
        ),
    ];
    for (name, config) in configs {
        // Not ready either (the issuer controller says why): the type is
        // what the request reports.
        let obs = Observed {
            issuer: issuer(config, false),
            ..observed(None)
        };
        let decision = decide(&cr(), &obs, now());
        let message = format!("issuer type {name} is not supported by Passerelle yet");
        assert_eq!(
            ready(&decision),
            (ConditionStatus::False, "Failed".into(), message.clone())
        );
        let Decision::Fail { status, reason, .. } = decision else {
            panic!()
        };
        assert_eq!(
            (reason, status.failure_time),
            ("NotSupported", Some(Time(now()))),
            "{name}"
        );
    }
}
