//! `CertSources`: Secret certificates set, replaced, refused and removed,
//! and how they rank against config-file certificates.

use super::support::{Ca, entry, file};
use crate::routing::ObjectKey;
use crate::tls::{CertSlot, CertSource, CertSources, HostScope, ReloadStats, TlsError};

fn key(name: &str) -> ObjectKey {
    ObjectKey {
        namespace: "default".into(),
        name: name.into(),
    }
}

/// The serial served for `sni` on entry point `https`.
fn serial(sources: &CertSources, sni: &str) -> Option<String> {
    sources
        .handle("https")
        .unwrap()
        .load()
        .pick(sni)
        .map(|e| e.cert.serial.clone())
}

#[test]
fn a_secret_is_served_on_every_tls_entry_point() {
    let ca = Ca::new();
    let sources = CertSources::new();
    let https = sources.add_entry_point("https");
    let admin = sources.add_entry_point("websecure");
    let pem = ca.issue(&["app.example.test"], 2021);
    sources.set_secret(key("app-tls"), Some(pem.bytes())).unwrap();
    for handle in [https, admin] {
        let set = handle.load();
        let picked = set.pick("app.example.test").unwrap();
        assert_eq!(picked.source, CertSource::Secret(key("app-tls")));
        assert_eq!(picked.cert.serial, pem.load().serial);
    }
    assert_eq!(
        sources.stats(),
        ReloadStats {
            reloads: 1,
            failures: 0
        }
    );
}

#[test]
fn a_renewed_secret_replaces_the_old_certificate() {
    let ca = Ca::new();
    let sources = CertSources::new();
    sources.add_entry_point("https");
    let mut generations = sources.subscribe();
    let old = ca.issue(&["app.example.test"], 2021);
    let new = ca.issue(&["app.example.test"], 2022);
    sources.set_secret(key("app-tls"), Some(old.bytes())).unwrap();
    generations.mark_unchanged();
    sources.set_secret(key("app-tls"), Some(new.bytes())).unwrap();
    assert!(generations.has_changed().unwrap());
    assert_eq!(serial(&sources, "app.example.test"), Some(new.load().serial));
    assert_eq!(sources.stats().reloads, 2);
}

#[test]
fn bad_pem_or_a_mismatched_key_keeps_the_last_good_certificate() {
    let ca = Ca::new();
    let sources = CertSources::new();
    sources.add_entry_point("https");
    let good = ca.issue(&["app.example.test"], 2021);
    let other = ca.issue(&["app.example.test"], 2022);
    sources.set_secret(key("app-tls"), Some(good.bytes())).unwrap();

    let bad_pem = (b"garbage".to_vec(), good.key.clone().into_bytes());
    let error = sources
        .set_secret(key("app-tls"), Some(bad_pem.clone()))
        .unwrap_err();
    assert!(matches!(error, TlsError::NoCertificate), "{error:?}");
    assert_eq!(
        serial(&sources, "app.example.test"),
        Some(good.load().serial.clone())
    );

    let mismatched = (other.cert.clone().into_bytes(), good.key.clone().into_bytes());
    let error = sources
        .set_secret(key("app-tls"), Some(mismatched.clone()))
        .unwrap_err();
    assert!(matches!(error, TlsError::KeyMismatch), "{error:?}");
    assert_eq!(
        serial(&sources, "app.example.test"),
        Some(good.load().serial.clone())
    );

    // The same bad data again still errors (for the caller's Event) but is
    // not counted twice.
    assert!(sources.set_secret(key("app-tls"), Some(mismatched)).is_err());
    assert_eq!(
        sources.stats(),
        ReloadStats {
            reloads: 1,
            failures: 2
        }
    );
}

#[test]
fn a_bad_new_secret_serves_nothing_until_it_is_fixed() {
    let ca = Ca::new();
    let sources = CertSources::new();
    sources.add_entry_point("https");
    assert!(
        sources
            .set_secret(key("app-tls"), Some((b"x".to_vec(), b"y".to_vec())))
            .is_err()
    );
    assert_eq!(serial(&sources, "app.example.test"), None);
    let good = ca.issue(&["app.example.test"], 2021);
    sources.set_secret(key("app-tls"), Some(good.bytes())).unwrap();
    assert_eq!(serial(&sources, "app.example.test"), Some(good.load().serial));
}

#[test]
fn setting_the_same_secret_again_changes_nothing() {
    let ca = Ca::new();
    let sources = CertSources::new();
    sources.add_entry_point("https");
    let pem = ca.issue(&["app.example.test"], 2021);
    sources.set_secret(key("app-tls"), Some(pem.bytes())).unwrap();
    let mut generations = sources.subscribe();
    generations.mark_unchanged();
    sources.set_secret(key("app-tls"), Some(pem.bytes())).unwrap();
    assert!(!generations.has_changed().unwrap());
    assert_eq!(sources.stats().reloads, 1);
}

#[test]
fn removing_a_secret_stops_serving_it() {
    let ca = Ca::new();
    let sources = CertSources::new();
    sources.add_entry_point("https");
    sources
        .set_secret(
            key("app-tls"),
            Some(ca.issue(&["app.example.test"], 2021).bytes()),
        )
        .unwrap();
    sources.set_secret(key("app-tls"), None).unwrap();
    assert_eq!(serial(&sources, "app.example.test"), None);
}

#[test]
fn sync_secrets_sets_the_listed_and_removes_the_others() {
    let ca = Ca::new();
    let sources = CertSources::new();
    sources.add_entry_point("https");
    let a = ca.issue(&["a.example.test"], 2021);
    let b = ca.issue(&["b.example.test"], 2021);
    sources.set_secret(key("a"), Some(a.bytes())).unwrap();
    let errors = sources.sync_secrets([
        (key("b"), HostScope::new(["b.example.test"]), b.bytes()),
        (
            key("bad"),
            HostScope::new(["bad.example.test"]),
            (b"x".to_vec(), b"y".to_vec()),
        ),
    ]);
    assert_eq!(
        errors.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        [key("bad")]
    );
    assert_eq!(serial(&sources, "a.example.test"), None);
    assert_eq!(serial(&sources, "b.example.test"), Some(b.load().serial));
}

#[test]
fn a_secret_beats_a_config_file_certificate_for_the_same_name() {
    let ca = Ca::new();
    let sources = CertSources::new();
    sources.add_entry_point("https");
    let from_file = ca.issue(&["app.example.test"], 2025);
    sources.set_file(
        "https",
        CertSlot::Certificate(0),
        Some(entry(&from_file, file("/ssl/tls.crt"))),
    );
    assert_eq!(
        serial(&sources, "app.example.test"),
        Some(from_file.load().serial)
    );
    let from_secret = ca.issue(&["app.example.test"], 2021);
    sources
        .set_secret(key("app-tls"), Some(from_secret.bytes()))
        .unwrap();
    assert_eq!(
        serial(&sources, "app.example.test"),
        Some(from_secret.load().serial)
    );
    sources.set_secret(key("app-tls"), None).unwrap();
    assert_eq!(
        serial(&sources, "app.example.test"),
        Some(from_file.load().serial)
    );
}

#[test]
fn the_default_slot_becomes_the_sets_default() {
    let ca = Ca::new();
    let sources = CertSources::new();
    let handle = sources.add_entry_point("https");
    let default = ca.issue(&["default.example.test"], 2021);
    sources.set_file(
        "https",
        CertSlot::Default,
        Some(entry(&default, file("/ssl/default.crt"))),
    );
    let secret = ca.issue(&["default.example.test"], 2020);
    sources
        .set_secret(key("default-tls"), Some(secret.bytes()))
        .unwrap();
    let set = handle.load();
    assert_eq!(set.default_entry().unwrap().cert.serial, default.load().serial);
    // Its names are served after every other certificate's.
    assert_eq!(
        set.pick("default.example.test").unwrap().cert.serial,
        secret.load().serial
    );
    sources.set_secret(key("default-tls"), None).unwrap();
    assert_eq!(
        serial(&sources, "default.example.test"),
        Some(default.load().serial)
    );
}

#[test]
fn a_synced_secret_serves_only_its_ingresses_hosts_and_follows_them() {
    let ca = Ca::new();
    let sources = CertSources::new();
    sources.add_entry_point("https");
    let from_file = ca.issue(&["team-a.example.test"], 2020);
    sources.set_file(
        "https",
        CertSlot::Certificate(0),
        Some(entry(&from_file, file("/ssl/tls.crt"))),
    );
    // Another team's Secret names team-a's host too, newer: its Ingress
    // lists only team-b's host, so team-a keeps the config file's.
    let rogue = ca.issue(&["team-a.example.test", "team-b.example.test"], 2025);
    let sync =
        |hosts: &[&str]| sources.sync_secrets([(key("team-b-tls"), HostScope::new(hosts), rogue.bytes())]);
    assert!(sync(&["team-b.example.test"]).is_empty());
    assert_eq!(
        serial(&sources, "team-a.example.test"),
        Some(from_file.load().serial.clone())
    );
    assert_eq!(
        serial(&sources, "team-b.example.test"),
        Some(rogue.load().serial.clone())
    );
    // The same data for other hosts: served for those at once.
    let mut generations = sources.subscribe();
    generations.mark_unchanged();
    assert!(sync(&["team-a.example.test"]).is_empty());
    assert!(generations.has_changed().unwrap());
    assert_eq!(
        serial(&sources, "team-a.example.test"),
        Some(rogue.load().serial.clone())
    );
    assert_eq!(serial(&sources, "team-b.example.test"), None);
    assert_eq!(sources.stats().reloads, 2, "one Secret load, one file load");
}

#[test]
fn a_refused_secret_keeps_its_last_good_certificate_for_its_new_hosts() {
    let ca = Ca::new();
    let sources = CertSources::new();
    sources.add_entry_point("https");
    let good = ca.issue(&["a.example.test", "b.example.test"], 2021);
    sources.sync_secrets([(key("ab"), HostScope::new(["a.example.test"]), good.bytes())]);
    let bad = (b"garbage".to_vec(), b"y".to_vec());
    let errors = sources.sync_secrets([(key("ab"), HostScope::new(["b.example.test"]), bad)]);
    assert_eq!(errors.len(), 1);
    assert_eq!(serial(&sources, "a.example.test"), None);
    assert_eq!(serial(&sources, "b.example.test"), Some(good.load().serial));
}

#[test]
fn the_generated_certificate_is_recorded_for_the_admin_api() {
    let sources = CertSources::new();
    assert!(sources.generated().is_none());
    let generated = crate::tls::generate_default().unwrap();
    sources.set_generated(generated.clone());
    assert_eq!(sources.generated().map(|c| c.serial), Some(generated.serial));
}
