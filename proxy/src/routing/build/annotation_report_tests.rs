//! Table tests of what the annotations report: an invalid value that
//! refuses its Ingress (and only it), `frontend-entry-points` naming no entry
//! point, and every losing spelling of a conflicting annotation.

use super::fixtures::ingress;
use super::tests::{World, reasons};
use crate::routing::RuleType;

#[test]
fn an_invalid_rule_type_refuses_its_ingress_only_and_says_which_annotation_and_value() {
    let output = World::with(vec![
        ingress("bad")
            .annotation("Traefik.frontend.rule.type", "PathRegexp")
            .path(Some("bad.test"), "/", "Prefix", "web", "80")
            .path(Some("bad.test"), "/api", "Prefix", "web", "80")
            .build(),
        ingress("good")
            .annotation("traefik.frontend.rule.type", "PathPrefixStrip")
            .path(Some("good.test"), "/api", "Prefix", "web", "80")
            .build(),
    ])
    .build();
    let served: Vec<String> = output.served.iter().map(ToString::to_string).collect();
    assert_eq!(served, ["default/good"]);
    assert!(output.table.lookup("web", Some("bad.test"), "/api").is_none());
    let good = output
        .table
        .lookup("web", Some("good.test"), "/api/x")
        .expect("served");
    assert_eq!(good.upstream_path, "/x");
    let [diagnostic] = output.diagnostics.as_slice() else {
        panic!("{:?}", output.diagnostics)
    };
    assert_eq!(
        (
            diagnostic.object.name.as_str(),
            diagnostic.reason.as_str(),
            diagnostic.warning
        ),
        ("bad", "InvalidAnnotation", false)
    );
    assert!(
        diagnostic.message.contains("Traefik.frontend.rule.type")
            && diagnostic.message.contains("\"PathRegexp\"")
            && diagnostic.message.contains("the Ingress is not served"),
        "{}",
        diagnostic.message
    );
}

/// The diagnostics of an Ingress with `frontend-entry-points: value` when
/// the entry points are `http` and `https`, and the entry points its route
/// is served on.
fn entry_point_check(value: &str) -> (Vec<(String, bool, String)>, Vec<&'static str>) {
    let mut world = World::with(vec![
        ingress("i")
            .annotation("traefik.frontend.entryPoints", value)
            .path(None, "/", "Prefix", "web", "80")
            .build(),
    ]);
    world.entry_points = Some(vec!["http".to_owned(), "https".to_owned()]);
    let output = world.build();
    let diagnostics = output
        .diagnostics
        .iter()
        .map(|d| (d.reason.clone(), d.warning, d.message.clone()))
        .collect();
    let served_on = ["http", "https"]
        .into_iter()
        .filter(|entry_point| output.table.lookup(entry_point, None, "/").is_some())
        .collect();
    (diagnostics, served_on)
}

#[test]
fn frontend_entry_points_naming_no_entry_point_is_reported() {
    let (diagnostics, served_on) = entry_point_check("https");
    assert_eq!(diagnostics, []);
    assert_eq!(served_on, ["https"]);

    let (diagnostics, served_on) = entry_point_check("https, websecure");
    assert_eq!(served_on, ["https"], "served on the entry point that exists");
    let [(reason, warning, message)] = diagnostics.as_slice() else {
        panic!("{diagnostics:?}")
    };
    assert_eq!((reason.as_str(), *warning), ("InvalidAnnotation", true));
    assert!(
        message.contains("traefik.frontend.entryPoints")
            && message.contains("\"websecure\" does not exist")
            && message.contains("http, https")
            && message.contains("served on the others"),
        "{message}"
    );

    let (diagnostics, served_on) = entry_point_check("web,websecure");
    assert_eq!(served_on, Vec::<&str>::new());
    let messages: Vec<&str> = diagnostics.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(messages.len(), 2, "one per unknown name: {messages:?}");
    assert!(messages[0].contains("\"web\""), "{}", messages[0]);
    assert!(messages[1].contains("\"websecure\""), "{}", messages[1]);
    assert!(
        messages.iter().all(|m| m.contains("served on no entry point")),
        "{messages:?}"
    );

    // Without the entry points' names (a caller that does not give them),
    // nothing is checked.
    let output = World::with(vec![
        ingress("i")
            .annotation("traefik.frontend.entryPoints", "websecure")
            .path(None, "/", "Prefix", "web", "80")
            .build(),
    ])
    .build();
    assert_eq!(reasons(&output, "default/i"), []);
}

#[test]
fn every_losing_spelling_is_reported_whatever_the_key_order() {
    // The legacy label sorts before the traefik.ingress.kubernetes.io/ key
    // that beats it, and after the ingress.kubernetes.io/ one.
    for (winner, loser) in [
        (
            "traefik.ingress.kubernetes.io/rule-type",
            "traefik.frontend.rule.type",
        ),
        ("ingress.kubernetes.io/rule-type", "traefik.frontend.rule.type"),
        (
            "ingress.kubernetes.io/rule-type",
            "traefik.ingress.kubernetes.io/rule-type",
        ),
        (
            "Ingress.Kubernetes.io/rule-type",
            "ingress.kubernetes.io/rule-type",
        ),
    ] {
        let output = World::with(vec![
            ingress("i")
                .annotation(loser, "PathStrip")
                .annotation(winner, "PathPrefixStrip")
                .path(None, "/a", "Prefix", "web", "80")
                .build(),
        ])
        .build();
        assert_eq!(
            output.table.routes()[0].rule_type,
            RuleType::PathPrefixStrip,
            "{winner} beats {loser}"
        );
        let messages: Vec<(&str, &str)> = output
            .diagnostics
            .iter()
            .map(|d| (d.reason.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [(
                "ConflictingAnnotation",
                format!("{loser} is ignored: {winner} says \"PathPrefixStrip\"").as_str()
            )],
            "{winner} beats {loser}"
        );
    }
    // The same value under two spellings is no conflict.
    let output = World::with(vec![
        ingress("i")
            .annotation("traefik.frontend.rule.type", "PathStrip")
            .annotation("traefik.ingress.kubernetes.io/rule-type", " PathStrip")
            .path(None, "/a", "Prefix", "web", "80")
            .build(),
    ])
    .build();
    assert_eq!(reasons(&output, "default/i"), []);
}
