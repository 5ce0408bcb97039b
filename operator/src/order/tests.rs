//! Table tests of the Order decision and of solver selection: one case per
//! decision and per edge (resume with `status.url`, ready → finalize,
//! valid → download, invalid, unsupported solvers, solver precedence).

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use instant_acme::Identifier;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use passerelle_crds::acme::challenge::AcmeChallengeType;
use passerelle_crds::acme::order::{AcmeAuthorization, AcmeChallenge, OrderStatus, State};
use passerelle_crds::acme::solver::{AcmeChallengeSolverHttp01, AcmeChallengeSolverHttp01GatewayHttpRoute};
use passerelle_crds::acme::{AcmeChallengeSolver, AcmeIssuer, Order, OrderSpec};
use passerelle_crds::constants::reasons;
use passerelle_crds::meta::IssuerReference;
use pretty_assertions::assert_eq;

use super::account::IssuerLookup;
use super::challenge_name;
use super::decide::{Decision, NewChallenge, csr_der, decide, poll_interval};
use super::fixtures::{dns01, http01, selector, with};
use super::observe::{AccountState, Observed, Remote, RemoteOrder};

const AUTHZ: &str = "https://ca.test/authz/1";
const CSR_DER: [u8; 4] = [0x30, 0x02, 0x05, 0x00];

fn now() -> Timestamp {
    "2026-01-01T00:01:00Z".parse().unwrap()
}

fn order() -> Order {
    let mut order = Order::new(
        "site-1-123",
        OrderSpec {
            request: base64::engine::general_purpose::STANDARD.encode(CSR_DER),
            issuer_ref: IssuerReference {
                name: "le".into(),
                kind: Some("Issuer".into()),
                group: None,
            },
            dns_names: Some(vec!["a.example.com".into(), "a.example.com".into()]),
            ip_addresses: Some(vec!["192.0.2.1".into()]),
            ..Default::default()
        },
    );
    order.metadata = ObjectMeta {
        name: Some("site-1-123".into()),
        namespace: Some("web".into()),
        uid: Some("order-uid".into()),
        creation_timestamp: Some(Time("2026-01-01T00:00:00Z".parse().unwrap())),
        labels: Some(BTreeMap::from([("team".to_string(), "web".to_string())])),
        ..Default::default()
    };
    order
}

fn with_status(mut order: Order, status: OrderStatus) -> Order {
    order.status = Some(status);
    order
}

fn placed(authorizations: Vec<AcmeAuthorization>) -> OrderStatus {
    OrderStatus {
        url: Some("https://ca.test/order/1".into()),
        finalize_url: Some("https://ca.test/order/1/finalize".into()),
        state: Some(State::Pending),
        authorizations: Some(authorizations),
        ..Default::default()
    }
}

fn authz(identifier: &str, wildcard: bool, types: &[&str]) -> AcmeAuthorization {
    AcmeAuthorization {
        url: AUTHZ.into(),
        identifier: Some(identifier.into()),
        wildcard: Some(wildcard),
        initial_state: Some(State::Pending),
        challenges: Some(
            types
                .iter()
                .map(|t| AcmeChallenge {
                    url: format!("https://ca.test/chall/{t}"),
                    token: format!("tok-{t}"),
                    type_: t.to_string(),
                })
                .collect(),
        ),
    }
}

fn issuer(solvers: Vec<AcmeChallengeSolver>) -> IssuerLookup {
    IssuerLookup::Ready {
        what: "Issuer le".into(),
        acme: Box::new(AcmeIssuer {
            server: "https://ca.test/dir".into(),
            solvers: Some(solvers),
            ..Default::default()
        }),
        account_url: "https://ca.test/acct/1".into(),
        secret_namespace: "web".into(),
    }
}

fn observed(remote: Option<State>) -> Observed {
    Observed {
        issuer: Some(issuer(vec![http01("traefik")])),
        account: AccountState::Ready {
            thumbprint: "THUMB".into(),
        },
        remote: match remote {
            None => Remote::NotFetched,
            Some(state) => Remote::Order(RemoteOrder {
                state,
                problem: None,
                authorization_problems: vec![],
            }),
        },
        challenges: vec![],
        deleting: vec![],
    }
}

fn fail_reason(decision: &Decision) -> (State, &str, &'static str) {
    match decision {
        Decision::Fail {
            state,
            reason,
            event_reason,
        } => (*state, reason.as_str(), event_reason),
        other => panic!("expected Fail, got {other:?}"),
    }
}

#[test]
fn a_final_order_without_challenges_is_done() {
    let done = with_status(
        order(),
        OrderStatus {
            state: Some(State::Valid),
            ..Default::default()
        },
    );
    assert_eq!(decide(&done, &observed(None), now()), Decision::Done);
}

#[test]
fn a_final_order_deletes_its_challenges() {
    for state in [State::Valid, State::Invalid, State::Errored] {
        let o = with_status(
            order(),
            OrderStatus {
                state: Some(state),
                ..Default::default()
            },
        );
        let mut obs = observed(None);
        obs.challenges = vec!["site-1-123-1".into()];
        assert_eq!(
            decide(&o, &obs, now()),
            Decision::DeleteChallenges {
                names: vec!["site-1-123-1".into()]
            }
        );
    }
}

#[test]
fn challenges_already_being_deleted_are_not_deleted_again() {
    let o = with_status(
        order(),
        OrderStatus {
            state: Some(State::Valid),
            ..Default::default()
        },
    );
    let mut obs = observed(None);
    obs.challenges = vec!["a".into(), "b".into()];
    obs.deleting = vec!["a".into()];
    assert_eq!(
        decide(&o, &obs, now()),
        Decision::DeleteChallenges {
            names: vec!["b".into()]
        }
    );
    obs.deleting = vec!["a".into(), "b".into()];
    assert_eq!(decide(&o, &obs, now()), Decision::Done);
}

#[test]
fn waits_for_a_missing_or_unready_issuer() {
    let mut obs = observed(None);
    obs.issuer = Some(IssuerLookup::Missing {
        what: "Issuer le".into(),
    });
    assert_eq!(
        decide(&order(), &obs, now()),
        Decision::Wait {
            reason: "Waiting for Issuer le to exist".into(),
            requeue: Duration::from_secs(30)
        }
    );
    obs.issuer = Some(IssuerLookup::NotReady {
        what: "Issuer le".into(),
        message: "registering".into(),
    });
    let Decision::Wait { reason, .. } = decide(&order(), &obs, now()) else {
        panic!()
    };
    assert_eq!(
        reason,
        "Waiting for Issuer le to be Ready with a registered ACME account: registering"
    );
}

#[test]
fn waits_for_the_account_key_and_for_re_registration() {
    let mut obs = observed(None);
    obs.account = AccountState::NoKey {
        secret: "web/le-key".into(),
    };
    let Decision::Wait { reason, .. } = decide(&order(), &obs, now()) else {
        panic!()
    };
    assert!(reason.contains("Secret web/le-key"), "{reason}");
    obs.account = AccountState::Unknown;
    let Decision::Wait { reason, .. } = decide(&order(), &obs, now()) else {
        panic!()
    };
    // The Issuer controller looks for this word to register again.
    assert!(reason.contains("accountDoesNotExist"), "{reason}");
}

#[test]
fn a_non_acme_issuer_fails_the_order() {
    let mut obs = observed(None);
    obs.issuer = Some(IssuerLookup::NotAcme {
        what: "Issuer ca".into(),
    });
    let decision = decide(&order(), &obs, now());
    assert_eq!(fail_reason(&decision).0, State::Errored);
}

#[test]
fn places_a_new_order_with_deduplicated_identifiers() {
    let decision = decide(&order(), &observed(None), now());
    let ip = "192.0.2.1".parse().unwrap();
    assert_eq!(
        decision,
        Decision::CreateOrder {
            identifiers: vec![Identifier::Dns("a.example.com".into()), Identifier::Ip(ip)],
            profile: None,
            unsupported: vec![],
        }
    );
}

#[test]
fn the_orders_profile_wins_over_the_issuers_and_unsupported_settings_are_said() {
    let mut o = order();
    o.spec.duration = Some("2160h".into());
    let mut obs = observed(None);
    obs.issuer = Some(IssuerLookup::Ready {
        what: "Issuer le".into(),
        acme: Box::new(AcmeIssuer {
            profile: Some("classic".into()),
            enable_duration_feature: Some(true),
            preferred_chain: Some("ISRG Root X1".into()),
            ..Default::default()
        }),
        account_url: "u".into(),
        secret_namespace: "web".into(),
    });
    let Decision::CreateOrder {
        profile, unsupported, ..
    } = decide(&o, &obs, now())
    else {
        panic!()
    };
    assert_eq!(profile.as_deref(), Some("classic"));
    assert_eq!(unsupported.len(), 2, "{unsupported:?}");
    o.spec.profile = Some("shortlived".into());
    let Decision::CreateOrder { profile, .. } = decide(&o, &obs, now()) else {
        panic!()
    };
    assert_eq!(profile.as_deref(), Some("shortlived"));
}

#[test]
fn an_order_without_identifiers_or_with_a_bad_request_fails() {
    let mut o = order();
    o.spec.dns_names = None;
    o.spec.ip_addresses = None;
    assert_eq!(fail_reason(&decide(&o, &observed(None), now())).0, State::Errored);
    let mut o = order();
    o.spec.request = "not base64!".into();
    assert_eq!(fail_reason(&decide(&o, &observed(None), now())).0, State::Errored);
    let mut o = order();
    o.spec.ip_addresses = Some(vec!["999.1.1.1".into()]);
    assert!(
        fail_reason(&decide(&o, &observed(None), now()))
            .1
            .contains("spec.ipAddresses")
    );
}

#[test]
fn resumes_an_order_with_a_url_instead_of_placing_another() {
    let o = with_status(
        order(),
        placed(vec![AcmeAuthorization {
            url: AUTHZ.into(),
            ..Default::default()
        }]),
    );
    assert_eq!(
        decide(&o, &observed(Some(State::Pending)), now()),
        Decision::FetchAuthorizations
    );
    // Not fetched (no account yet): wait, never a second new-order.
    assert!(matches!(
        decide(&o, &observed(None), now()),
        Decision::Wait { .. }
    ));
}

#[test]
fn creates_one_challenge_per_pending_authorization() {
    let o = with_status(
        order(),
        placed(vec![authz("a.example.com", false, &["http-01", "dns-01"])]),
    );
    let Decision::CreateChallenges { challenges } = decide(&o, &observed(Some(State::Pending)), now()) else {
        panic!()
    };
    let [NewChallenge { name, spec }] = challenges.as_slice() else {
        panic!("{challenges:?}")
    };
    assert_eq!(name, &challenge_name("site-1-123", AUTHZ));
    assert_eq!(spec.key, "tok-http-01.THUMB");
    assert_eq!(
        (spec.url.as_str(), spec.token.as_str()),
        ("https://ca.test/chall/http-01", "tok-http-01")
    );
    assert_eq!(
        (spec.authorization_url.as_str(), spec.dns_name.as_str()),
        (AUTHZ, "a.example.com")
    );
    assert_eq!(spec.type_, AcmeChallengeType::Http01);
    assert_eq!(spec.solver, http01("traefik"));
    assert_eq!(spec.issuer_ref.name, "le");
}

#[test]
fn a_logged_decision_never_shows_the_key_authorization() {
    let o = with_status(order(), placed(vec![authz("a.example.com", false, &["http-01"])]));
    let decision = decide(&o, &observed(Some(State::Pending)), now());
    assert!(matches!(decision, Decision::CreateChallenges { .. }));
    assert!(!format!("{decision:?}").contains("THUMB"), "{decision:?}");
}

#[test]
fn waits_for_the_ca_once_every_challenge_exists() {
    let o = with_status(order(), placed(vec![authz("a.example.com", false, &["http-01"])]));
    let mut obs = observed(Some(State::Pending));
    obs.challenges = vec![challenge_name("site-1-123", AUTHZ)];
    assert_eq!(
        decide(&o, &obs, now()),
        Decision::Poll {
            state: State::Pending,
            requeue: Duration::from_secs(30)
        }
    );
}

#[test]
fn a_valid_authorization_needs_no_challenge() {
    let mut a = authz("a.example.com", false, &["http-01"]);
    a.initial_state = Some(State::Valid);
    let o = with_status(order(), placed(vec![a]));
    assert!(matches!(
        decide(&o, &observed(Some(State::Pending)), now()),
        Decision::Poll { .. }
    ));
}

#[test]
fn a_name_whose_solver_is_dns01_fails_the_order_saying_so() {
    let o = with_status(
        order(),
        placed(vec![authz("a.example.com", false, &["http-01", "dns-01"])]),
    );
    let mut obs = observed(Some(State::Pending));
    obs.issuer = Some(issuer(vec![
        with(dns01(), selector(&["a.example.com"], &[], &[])),
        http01("traefik"),
    ]));
    let decision = decide(&o, &obs, now());
    let (state, reason, event) = fail_reason(&decision);
    assert_eq!((state, event), (State::Errored, reasons::NOT_SUPPORTED));
    assert!(
        reason.starts_with("DNS-01 solvers are not supported by Passerelle yet"),
        "{reason}"
    );
    assert!(
        reason.contains("spec.acme.solvers[0]") && reason.contains("a.example.com"),
        "{reason}"
    );
}

#[test]
fn a_wildcard_cannot_use_http01_and_a_gateway_solver_is_refused() {
    let o = with_status(order(), placed(vec![authz("example.com", true, &["dns-01"])]));
    let reason = fail_reason(&decide(&o, &observed(Some(State::Pending)), now()))
        .1
        .to_string();
    assert!(
        reason.contains("no configured challenge solvers") && reason.contains("*.example.com"),
        "{reason}"
    );

    let o = with_status(order(), placed(vec![authz("a.example.com", false, &["http-01"])]));
    let gateway = AcmeChallengeSolver {
        http01: Some(AcmeChallengeSolverHttp01 {
            ingress: None,
            gateway_http_route: Some(AcmeChallengeSolverHttp01GatewayHttpRoute::default()),
        }),
        ..Default::default()
    };
    let mut obs = observed(Some(State::Pending));
    obs.issuer = Some(issuer(vec![gateway]));
    let decision = decide(&o, &obs, now());
    assert_eq!(fail_reason(&decision).2, reasons::NOT_SUPPORTED);
}

#[test]
fn a_ready_order_is_finalized_with_the_csr_der() {
    let o = with_status(order(), placed(vec![authz("a.example.com", false, &["http-01"])]));
    assert_eq!(
        decide(&o, &observed(Some(State::Ready)), now()),
        Decision::Finalize {
            csr_der: CSR_DER.to_vec()
        }
    );
}

#[test]
fn a_processing_order_is_polled_and_a_valid_one_downloaded() {
    let o = with_status(order(), placed(vec![]));
    assert_eq!(
        decide(&o, &observed(Some(State::Processing)), now()),
        Decision::Poll {
            state: State::Processing,
            requeue: Duration::from_secs(30)
        }
    );
    assert_eq!(
        decide(&o, &observed(Some(State::Valid)), now()),
        Decision::Download
    );
}

#[test]
fn an_invalid_order_fails_with_the_cas_problems() {
    let o = with_status(order(), placed(vec![]));
    let mut obs = observed(None);
    obs.remote = Remote::Order(RemoteOrder {
        state: State::Invalid,
        problem: Some("order failed (urn:ietf:params:acme:error:unauthorized)".into()),
        authorization_problems: vec![
            "a.example.com: 404 from the solver (urn:ietf:params:acme:error:unauthorized)".into(),
        ],
    });
    let decision = decide(&o, &obs, now());
    let (state, reason, event) = fail_reason(&decision);
    assert_eq!((state, event), (State::Invalid, reasons::ACME_FAILED));
    assert!(
        reason.contains("order failed") && reason.contains("a.example.com: 404 from the solver"),
        "{reason}"
    );
}

#[test]
fn an_order_the_ca_forgot_is_errored() {
    let o = with_status(order(), placed(vec![]));
    let mut obs = observed(None);
    obs.remote = Remote::Gone {
        reason: "no such order (urn:ietf:params:acme:error:malformed)".into(),
    };
    assert_eq!(fail_reason(&decide(&o, &obs, now())).0, State::Errored);
}

#[test]
fn polls_from_one_second_doubling_to_thirty() {
    let secs = |s| poll_interval(Duration::from_secs(s)).as_secs();
    assert_eq!(
        [
            secs(0),
            secs(1),
            secs(2),
            secs(3),
            secs(4),
            secs(9),
            secs(17),
            secs(40),
            secs(9999)
        ],
        [1, 1, 2, 2, 4, 8, 16, 30, 30]
    );
}

#[test]
fn challenge_names_are_stable_and_fit_a_kubernetes_name() {
    assert_eq!(challenge_name("o", AUTHZ), challenge_name("o", AUTHZ));
    assert_ne!(
        challenge_name("o", AUTHZ),
        challenge_name("o", "https://ca.test/authz/2")
    );
    let long = "a".repeat(300);
    assert!(challenge_name(&long, AUTHZ).len() <= 253);
}

#[test]
fn csr_request_is_read_as_pem_or_der() {
    let key = rcgen::KeyPair::generate().unwrap();
    let csr = rcgen::CertificateParams::new(vec!["a.example.com".to_string()])
        .unwrap()
        .serialize_request(&key)
        .unwrap();
    let pem = base64::engine::general_purpose::STANDARD.encode(csr.pem().unwrap());
    let der = base64::engine::general_purpose::STANDARD.encode(csr.der());
    assert_eq!(csr_der(&pem).unwrap(), csr.der().to_vec());
    assert_eq!(csr_der(&der).unwrap(), csr.der().to_vec());
    assert!(csr_der(&base64::engine::general_purpose::STANDARD.encode("hello")).is_err());
}

mod overrides;
