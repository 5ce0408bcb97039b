//! The SNI pick order: exact before wildcard, Secret before file, latest
//! notBefore, then a deterministic tie-break; a Secret only for the hosts
//! of its Ingresses.

use super::support::{Ca, entry, file, secret};
use crate::tls::{CertEntry, CertSet, CertSource, HostScope};

/// The source of the certificate picked for `sni`, whatever the input order.
fn picked(entries: &[CertEntry], sni: &str) -> Option<CertSource> {
    let forward = CertSet::build(entries.to_vec());
    let backward = CertSet::build(entries.iter().rev().cloned().collect());
    let a = forward
        .pick(sni)
        .map(|e| (e.source.clone(), e.cert.serial.clone()));
    let b = backward
        .pick(sni)
        .map(|e| (e.source.clone(), e.cert.serial.clone()));
    assert_eq!(a, b, "the pick for {sni} depends on the input order");
    a.map(|(source, _)| source)
}

#[test]
fn pick_order_table() {
    let ca = Ca::new();
    let exact_file = entry(&ca.issue(&["www.example.test"], 2020), file("/ssl/www.crt"));
    let wildcard_secret = entry(&ca.issue(&["*.example.test"], 2024), secret("wild"));
    let exact_secret_old = entry(&ca.issue(&["api.example.test"], 2020), secret("api-old"));
    let exact_secret_new = entry(&ca.issue(&["api.example.test"], 2023), secret("api-new"));
    let exact_file_newest = entry(&ca.issue(&["api.example.test"], 2025), file("/ssl/api.crt"));
    let tie_b = entry(&ca.issue(&["tie.example.test"], 2022), secret("tie-b"));
    let tie_a = entry(&ca.issue(&["tie.example.test"], 2022), secret("tie-a"));
    let entries = vec![
        exact_file,
        wildcard_secret,
        exact_secret_old,
        exact_secret_new,
        exact_file_newest,
        tie_b,
        tie_a,
    ];

    let table: [(&str, Option<CertSource>); 10] = [
        // An exact name beats a wildcard, even a file's over a Secret's.
        ("www.example.test", Some(file("/ssl/www.crt"))),
        // A wildcard covers exactly one more label.
        ("shop.example.test", Some(secret("wild"))),
        ("a.b.example.test", None),
        ("example.test", None),
        // A Secret beats a file, however new the file; among Secrets the
        // latest notBefore wins.
        ("api.example.test", Some(secret("api-new"))),
        // Equal kind and notBefore: the source decides, not arrival order.
        ("tie.example.test", Some(secret("tie-a"))),
        // Names compare case-insensitively; a trailing dot is ignored.
        ("API.Example.Test", Some(secret("api-new"))),
        ("api.example.test.", Some(secret("api-new"))),
        ("unknown.test", None),
        ("", None),
    ];
    for (sni, expected) in table {
        assert_eq!(picked(&entries, sni), expected, "sni {sni:?}");
    }
}

#[test]
fn describe_shows_which_names_each_certificate_serves() {
    let ca = Ca::new();
    let shared = ca.issue(&["a.example.test", "b.example.test"], 2020);
    let better_b = ca.issue(&["b.example.test"], 2020);
    let default = ca.issue(&["default.example.test"], 2020);
    let set = CertSet::build(vec![
        entry(&shared, file("/ssl/ab.crt")),
        entry(&better_b, secret("b")),
    ])
    .with_default(Some(entry(&default, file("/ssl/default.crt"))));
    let infos = set.describe();
    let serves: Vec<(CertSource, Vec<String>, bool)> = infos
        .iter()
        .map(|i| (i.source.clone(), i.serves.clone(), i.default))
        .collect();
    assert_eq!(
        serves,
        [
            (secret("b"), vec!["b.example.test".to_owned()], false),
            (file("/ssl/ab.crt"), vec!["a.example.test".to_owned()], false),
            (
                file("/ssl/default.crt"),
                vec!["default.example.test".to_owned()],
                true
            ),
        ]
    );
    assert_eq!(infos[1].sans, ["a.example.test", "b.example.test"]);
    let json = serde_json::to_value(&infos[0]).unwrap();
    assert_eq!(
        json["source"],
        serde_json::json!({"kind": "Secret", "name": {"namespace": "default", "name": "b"}})
    );
}

/// The source picked for `sni` among certificates with scopes, whatever
/// the input order.
fn picked_scoped(entries: &[(CertEntry, Option<HostScope>)], sni: &str) -> Option<CertSource> {
    let forward = CertSet::build_scoped(entries.to_vec());
    let backward = CertSet::build_scoped(entries.iter().rev().cloned().collect());
    let a = forward.pick(sni).map(|e| e.source.clone());
    let b = backward.pick(sni).map(|e| e.source.clone());
    assert_eq!(a, b, "the pick for {sni} depends on the input order");
    a
}

#[test]
fn pick_order_table_with_ingress_hosts() {
    let ca = Ca::new();
    let scope = |hosts: &[&str]| Some(HostScope::new(hosts));
    let entries = vec![
        // The config file's certificates: every name they hold.
        (
            entry(&ca.issue(&["app.example.test"], 2020), file("/ssl/app.crt")),
            None,
        ),
        (
            entry(&ca.issue(&["*.example.test"], 2020), file("/ssl/wild.crt")),
            None,
        ),
        // Another team's Secret names app.example.test, newer; its
        // Ingress lists only its own host.
        (
            entry(
                &ca.issue(&["app.example.test", "team.example.test"], 2025),
                secret("rogue"),
            ),
            scope(&["team.example.test"]),
        ),
        // A Secret's wildcard certificate, its Ingress listing one host:
        // that host only, as a wildcard match.
        (
            entry(&ca.issue(&["*.shop.test"], 2024), secret("shop-wild")),
            scope(&["www.shop.test"]),
        ),
        (
            entry(&ca.issue(&["*.shop.test"], 2020), file("/ssl/shop.crt")),
            None,
        ),
        // An Ingress wildcard host covers the certificate's names under it.
        (
            entry(&ca.issue(&["a.apps.test", "*.apps.test"], 2024), secret("apps")),
            scope(&["*.apps.test"]),
        ),
        // An Ingress host the certificate does not name: nothing.
        (
            entry(&ca.issue(&["other.test"], 2024), secret("other")),
            scope(&["nothing.test"]),
        ),
        // No host at all: the certificate serves no name.
        (entry(&ca.issue(&["none.test"], 2024), secret("none")), scope(&[])),
    ];
    let table: [(&str, Option<CertSource>); 12] = [
        ("app.example.test", Some(file("/ssl/app.crt"))),
        ("team.example.test", Some(secret("rogue"))),
        ("TEAM.example.test.", Some(secret("rogue"))),
        // Not a host of the rogue Secret, so the file's wildcard answers.
        ("x.example.test", Some(file("/ssl/wild.crt"))),
        ("www.shop.test", Some(secret("shop-wild"))),
        ("api.shop.test", Some(file("/ssl/shop.crt"))),
        ("a.apps.test", Some(secret("apps"))),
        ("b.apps.test", Some(secret("apps"))),
        ("b.c.apps.test", None),
        ("other.test", None),
        ("nothing.test", None),
        ("none.test", None),
    ];
    for (sni, expected) in table {
        assert_eq!(picked_scoped(&entries, sni), expected, "sni {sni:?}");
    }
    let set = CertSet::build_scoped(entries);
    let serves = |source: CertSource| {
        set.describe()
            .into_iter()
            .find(|info| info.source == source)
            .map(|info| info.serves)
            .unwrap()
    };
    assert_eq!(serves(secret("rogue")), ["team.example.test"]);
    assert_eq!(serves(secret("shop-wild")), ["www.shop.test"]);
    assert_eq!(serves(secret("apps")), ["*.apps.test", "a.apps.test"]);
    assert_eq!(serves(secret("none")), Vec::<String>::new());
}
