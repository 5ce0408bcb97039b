//! Table tests of an ACME issuer's requests: the Order made with a stable
//! name, its progress reported, its failure or its certificate becoming
//! the request's, and CSRs ACME cannot take.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use passerelle_crds::acme::AcmeIssuer;
use passerelle_crds::acme::order::State;
use passerelle_crds::meta::ConditionStatus;
use pretty_assertions::assert_eq;

use super::{acme, cr, csr, now, observed, order, ready};
use crate::certificate_request::decide::{Decision, build_order, decide, order_name};
use crate::certificate_request::observe::{Observed, OrderFacts};

#[test]
fn acme_issuer_gets_an_order_with_a_stable_name() {
    let Decision::CreateOrder { order } = decide(&cr(), &observed(None), now()) else {
        panic!()
    };
    assert_eq!(order.spec.request, cr().spec.request);
    assert_eq!(order.spec.dns_names, Some(vec!["a.example".to_string()]));
    assert_eq!(
        (
            order.spec.common_name.clone(),
            order.spec.ip_addresses.clone(),
            order.spec.duration.clone()
        ),
        (None, None, None)
    );
    assert_eq!(order.metadata.labels, cr().metadata.labels);
    let owner = &order.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.uid.as_str(), owner.controller),
        ("CertificateRequest", "uid-cr", Some(true))
    );
    let name = order.metadata.name.clone().unwrap();
    assert!(
        name.starts_with("web-1-") && name["web-1-".len()..].parse::<u32>().is_ok(),
        "{name}"
    );
    assert_eq!(name, order_name("web-1", &order.spec), "same request, same name");

    let with_duration = AcmeIssuer {
        enable_duration_feature: Some(true),
        profile: Some("shortlived".into()),
        ..acme()
    };
    let other = build_order(&cr(), &csr(None).1, &with_duration);
    assert_eq!(
        (other.spec.duration.as_deref(), other.spec.profile.as_deref()),
        (Some("2160h0m0s"), Some("shortlived"))
    );
    assert_ne!(
        other.metadata.name, order.metadata.name,
        "a different spec is a different Order"
    );
}

#[test]
fn long_request_names_are_shortened_and_hashed_with_the_name() {
    let spec = build_order(&cr(), &csr(None).1, &acme()).spec;
    let a = order_name(&format!("{}-1", "x".repeat(60)), &spec);
    let b = order_name(&format!("{}-2", "x".repeat(60)), &spec);
    assert_ne!(a, b);
    assert!(a.len() <= 63 && a.starts_with(&"x".repeat(52)), "{a}");
}

#[test]
fn order_progress_is_reported_until_it_is_valid() {
    let decision = decide(&cr(), &observed(Some(order(Some(State::Pending)))), now());
    assert_eq!(
        ready(&decision).2,
        r#"Waiting on certificate issuance from order default/web-1-12345: "pending""#
    );
    assert!(matches!(
        decision,
        Decision::Pending {
            reason: "OrderPending",
            ..
        }
    ));

    let decision = decide(&cr(), &observed(Some(order(Some(State::Valid)))), now());
    assert_eq!(
        ready(&decision).2,
        "Waiting for order-controller to add certificate data to Order default/web-1-12345"
    );

    let foreign = OrderFacts {
        controlled: false,
        ..order(Some(State::Valid))
    };
    assert!(matches!(
        decide(&cr(), &observed(Some(foreign)), now()),
        Decision::Pending {
            reason: "OrderGetError",
            ..
        }
    ));
    let left_behind = OrderFacts {
        controlled: false,
        stale: true,
        ..order(Some(State::Invalid))
    };
    assert_eq!(
        decide(&cr(), &observed(Some(left_behind)), now()),
        Decision::DeleteOrder {
            name: "web-1-12345".into()
        }
    );
}

#[test]
fn valid_order_certificate_becomes_the_request_certificate() {
    let valid = OrderFacts {
        certificate: Some("Q0VSVA==".into()),
        certificate_matches: true,
        ..order(Some(State::Valid))
    };
    let decision = decide(&cr(), &observed(Some(valid.clone())), now());
    assert_eq!(
        ready(&decision),
        (
            ConditionStatus::True,
            "Issued".into(),
            "Certificate fetched from issuer successfully".into()
        )
    );
    let Decision::Issued { status } = decision else {
        panic!()
    };
    assert_eq!(
        (status.certificate.as_deref(), status.ca.as_deref()),
        (Some("Q0VSVA=="), None)
    );

    let wrong_key = OrderFacts {
        certificate_matches: false,
        ..valid
    };
    assert_eq!(
        decide(&cr(), &observed(Some(wrong_key)), now()),
        Decision::DeleteOrder {
            name: "web-1-12345".into()
        }
    );
}

#[test]
fn failed_order_fails_the_request_with_its_reason() {
    for state in [State::Invalid, State::Errored, State::Expired] {
        let failed = OrderFacts {
            reason: Some("urn:ietf:params:acme:error:rejectedIdentifier: Error creating new order".into()),
            ..order(Some(state))
        };
        let decision = decide(&cr(), &observed(Some(failed)), now());
        let expected = format!(
            r#"Failed to wait for order resource "web-1-12345" to become ready: order is in "{state}" state: urn:ietf:params:acme:error:rejectedIdentifier: Error creating new order"#
        );
        assert_eq!(
            ready(&decision),
            (ConditionStatus::False, "Failed".into(), expected)
        );
        let Decision::Fail { status, reason, .. } = decision else {
            panic!()
        };
        assert_eq!((reason, status.failure_time), ("OrderFailed", Some(Time(now()))));
    }
}

#[test]
fn unusable_csr_fails_the_request() {
    let unreadable = Observed {
        csr: Err("invalid certificate signing request: the signature does not verify".into()),
        ..observed(None)
    };
    let decision = decide(&cr(), &unreadable, now());
    assert!(matches!(
        decision,
        Decision::Fail {
            reason: "RequestParsingError",
            ..
        }
    ));

    let (request, parsed) = csr(Some("b.example"));
    let mut with_cn = cr();
    with_cn.spec.request = request;
    let obs = Observed {
        csr: Ok(parsed),
        ..observed(None)
    };
    let decision = decide(&with_cn, &obs, now());
    assert!(
        ready(&decision)
            .2
            .ends_with(r#""b.example" does not exist in [a.example] or []"#),
        "{decision:?}"
    );
    assert!(matches!(
        decision,
        Decision::Fail {
            reason: "InvalidOrder",
            ..
        }
    ));
}
