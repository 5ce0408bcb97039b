//! The solver precedence table, as cert-manager chooses among an issuer's
//! solvers: dnsNames, then the longest dnsZones, then the most matchLabels,
//! the first listed on ties, a solver without selector last; only solvers
//! of a type the CA offers count.

use std::collections::BTreeMap;

use passerelle_crds::acme::AcmeChallengeSolver;
use passerelle_crds::acme::order::{AcmeAuthorization, AcmeChallenge, State};
use pretty_assertions::assert_eq;

use super::select;
use crate::order::fixtures::{dns01, http01, selector, with};

fn authz(identifier: &str, wildcard: bool, types: &[&str]) -> AcmeAuthorization {
    AcmeAuthorization {
        url: "https://ca.test/authz/1".into(),
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

/// One row of the solver precedence table: the case, the solvers, the
/// name, the Certificate's labels, and the index expected to win (`None`:
/// no solver applies).
type Row<'a> = (
    &'a str,
    Vec<AcmeChallengeSolver>,
    &'a str,
    &'a [(&'a str, &'a str)],
    Option<usize>,
);

/// The index of the solver chosen for `name` with `labels`.
fn chosen(solvers: &[AcmeChallengeSolver], name: &str, labels: &[(&str, &str)]) -> Option<usize> {
    let (identifier, wildcard) = match name.strip_prefix("*.") {
        Some(rest) => (rest, true),
        None => (name, false),
    };
    let a = authz(identifier, wildcard, &["http-01", "dns-01"]);
    let labels: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    select(solvers, &a, &labels).map(|s| s.index)
}

#[test]
fn solver_precedence_follows_cert_manager() {
    let h = |sel| with(http01("x"), sel);
    let default = h(None);
    let name = h(selector(&["a.example.com"], &[], &[]));
    let zone = h(selector(&[], &["example.com"], &[]));
    let long_zone = h(selector(&[], &["a.example.com"], &[]));
    let labels1 = h(selector(&[], &[], &[("team", "web")]));
    let labels2 = h(selector(&[], &[], &[("team", "web"), ("tier", "1")]));
    let zone_labels = h(selector(&[], &["example.com"], &[("team", "web")]));
    let other_zone = h(selector(&[], &["example.org"], &[]));
    let web = [("team", "web"), ("tier", "1")];
    let table: Vec<Row<'_>> = vec![
        (
            "default alone",
            vec![default.clone()],
            "a.example.com",
            &[],
            Some(0),
        ),
        (
            "dnsNames beat default",
            vec![default.clone(), name.clone()],
            "a.example.com",
            &[],
            Some(1),
        ),
        (
            "dnsNames beat a zone",
            vec![zone.clone(), name.clone()],
            "a.example.com",
            &[],
            Some(1),
        ),
        (
            "longest zone wins",
            vec![zone.clone(), long_zone.clone()],
            "b.a.example.com",
            &[],
            Some(1),
        ),
        (
            "zone matches itself",
            vec![default.clone(), zone.clone()],
            "example.com",
            &[],
            Some(1),
        ),
        (
            "zone is not a suffix of a longer label",
            vec![zone.clone()],
            "badexample.com",
            &[],
            None,
        ),
        (
            "non-matching zone falls back to default",
            vec![other_zone.clone(), default.clone()],
            "a.example.com",
            &[],
            Some(1),
        ),
        (
            "more labels win",
            vec![labels1.clone(), labels2.clone()],
            "a.example.com",
            &web,
            Some(1),
        ),
        (
            "labels must all match",
            vec![labels2.clone(), default.clone()],
            "a.example.com",
            &[("team", "web")],
            Some(1),
        ),
        (
            "zone beats labels",
            vec![labels2.clone(), zone.clone()],
            "a.example.com",
            &web,
            Some(1),
        ),
        (
            "same zone: more labels win",
            vec![zone.clone(), zone_labels.clone()],
            "a.example.com",
            &web,
            Some(1),
        ),
        (
            "first wins ties",
            vec![zone.clone(), zone.clone()],
            "a.example.com",
            &[],
            Some(0),
        ),
        (
            "default listed first loses to a selector",
            vec![default.clone(), labels1.clone()],
            "a.example.com",
            &web,
            Some(1),
        ),
        ("nothing matches", vec![name.clone()], "b.example.com", &[], None),
        (
            "wildcard needs its *. name",
            vec![
                h(selector(&["*.example.com"], &[], &[])),
                with(dns01(), selector(&["*.example.com"], &[], &[])),
            ],
            "*.example.com",
            &[],
            Some(0),
        ),
    ];
    for (case, solvers, name, labels, want) in table {
        assert_eq!(chosen(&solvers, name, labels), want, "{case}");
    }
}

#[test]
fn a_solver_is_only_chosen_for_a_challenge_type_the_ca_offers() {
    let solvers = [http01("x"), dns01()];
    let a = authz("example.com", true, &["dns-01"]);
    assert_eq!(select(&solvers, &a, &BTreeMap::new()).map(|s| s.index), Some(1));
}
