//! Table tests of the Secret feeder: what is installed, withdrawn, left
//! alone, and which Ingresses hear about a missing or refused Secret.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;

use super::*;

fn key(name: &str) -> ObjectKey {
    ObjectKey {
        namespace: "default".into(),
        name: name.into(),
    }
}

fn secret(name: &str, version: &str, crt: &str, key: Option<&str>) -> (ObjectKey, Arc<Secret>) {
    let mut data = BTreeMap::new();
    data.insert("tls.crt".to_string(), ByteString(crt.as_bytes().to_vec()));
    if let Some(k) = key {
        data.insert("tls.key".to_string(), ByteString(k.as_bytes().to_vec()));
    }
    let mut s = Secret::default();
    s.metadata.name = Some(name.into());
    s.metadata.namespace = Some("default".into());
    s.metadata.resource_version = Some(version.into());
    s.data = Some(data);
    (self::key(name), Arc::new(s))
}

/// Records what was handed over (certificate text by Secret name);
/// refuses certificates spelled "bad" and empty keys.
#[derive(Default)]
struct Calls(Vec<Vec<(String, String)>>);

impl Calls {
    fn apply(&mut self) -> impl FnOnce(Vec<Handed>) -> Vec<(ObjectKey, String)> + '_ {
        |pairs| {
            let mut refused = Vec::new();
            let mut call = Vec::new();
            for (key, _, (crt, k)) in pairs {
                let crt = String::from_utf8(crt).unwrap();
                if crt == "bad" {
                    refused.push((key.clone(), "no certificate in PEM".to_string()));
                } else if k.is_empty() {
                    refused.push((key.clone(), "no private key in tls.key".to_string()));
                }
                call.push((key.name, crt));
            }
            self.0.push(call);
            refused
        }
    }
}

/// `spec.tls` references (Ingress, Secret), each for the host `SECRET.test`.
fn refs(pairs: &[(&str, &str)]) -> Vec<TlsRef> {
    pairs
        .iter()
        .map(|(i, s)| reference(i, s, &[&format!("{s}.test")]))
        .collect()
}

fn reference(ingress: &str, secret: &str, hosts: &[&str]) -> TlsRef {
    TlsRef {
        ingress: key(ingress),
        secret: key(secret),
        hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
    }
}

fn handed(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn named_secrets_are_handed_over_when_a_version_changes_and_withdrawn_when_unnamed() {
    let mut feeder = Feeder::default();
    let mut calls = Calls::default();
    let secrets: BTreeMap<_, _> = [
        secret("a-tls", "1", "A1", Some("k")),
        secret("b-tls", "1", "B1", Some("k")),
    ]
    .into();
    let notes = feeder.sync(
        &refs(&[("web", "a-tls"), ("api", "a-tls")]),
        &secrets,
        calls.apply(),
    );
    assert_eq!(notes, vec![]);
    assert_eq!(calls.0, vec![handed(&[("a-tls", "A1")])]);

    feeder.sync(&refs(&[("web", "a-tls")]), &secrets, calls.apply());
    assert_eq!(
        calls.0.len(),
        1,
        "same Secrets, same versions: nothing handed over again"
    );

    let secrets: BTreeMap<_, _> = [
        secret("a-tls", "2", "A2", Some("k")),
        secret("b-tls", "1", "B1", Some("k")),
    ]
    .into();
    feeder.sync(
        &refs(&[("web", "a-tls"), ("api", "b-tls")]),
        &secrets,
        calls.apply(),
    );
    assert_eq!(calls.0[1], handed(&[("a-tls", "A2"), ("b-tls", "B1")]));

    feeder.sync(&refs(&[("api", "b-tls")]), &secrets, calls.apply());
    assert_eq!(calls.0[2], handed(&[("b-tls", "B1")]));
    feeder.sync(&refs(&[]), &secrets, calls.apply());
    assert_eq!(calls.0[3], handed(&[]));
    assert_eq!(calls.0.len(), 4);
}

#[test]
fn a_missing_secret_is_a_note_on_each_ingress_naming_it() {
    let mut feeder = Feeder::default();
    let mut calls = Calls::default();
    let notes = feeder.sync(
        &refs(&[("web", "meltingpoc-tls"), ("api", "meltingpoc-tls")]),
        &BTreeMap::new(),
        calls.apply(),
    );
    assert_eq!(calls.0, Vec::<Vec<_>>::new());
    let on: Vec<_> = notes
        .iter()
        .map(|n| (n.object.name.as_str(), n.reason.as_str()))
        .collect();
    assert_eq!(on, vec![("web", SECRET_NOT_FOUND), ("api", SECRET_NOT_FOUND)]);
    assert!(notes[0].warning);
    assert!(
        notes[0].message.contains("default/meltingpoc-tls"),
        "{}",
        notes[0].message
    );
}

#[test]
fn a_deleted_secret_is_withdrawn_and_reported_missing() {
    let mut feeder = Feeder::default();
    let mut calls = Calls::default();
    let secrets: BTreeMap<_, _> = [secret("a-tls", "1", "A1", Some("k"))].into();
    feeder.sync(&refs(&[("web", "a-tls")]), &secrets, calls.apply());
    let notes = feeder.sync(&refs(&[("web", "a-tls")]), &BTreeMap::new(), calls.apply());
    assert_eq!(calls.0[1], handed(&[]));
    assert_eq!(notes[0].reason, SECRET_NOT_FOUND);
}

#[test]
fn a_refused_secret_is_a_note_while_its_version_lasts() {
    let mut feeder = Feeder::default();
    let mut calls = Calls::default();
    let bad: BTreeMap<_, _> = [secret("a-tls", "1", "bad", Some("k"))].into();
    let notes = feeder.sync(&refs(&[("web", "a-tls")]), &bad, calls.apply());
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].reason, SECRET_INVALID);
    assert!(
        notes[0].message.contains("no certificate in PEM"),
        "{}",
        notes[0].message
    );
    let again = feeder.sync(&refs(&[("web", "a-tls")]), &bad, calls.apply());
    assert_eq!(
        again, notes,
        "the note lasts without handing the Secret over again"
    );
    assert_eq!(calls.0.len(), 1);
    let good: BTreeMap<_, _> = [secret("a-tls", "2", "A2", Some("k"))].into();
    assert_eq!(
        feeder.sync(&refs(&[("web", "a-tls")]), &good, calls.apply()),
        vec![]
    );
}

#[test]
fn a_secret_without_a_key_is_handed_over_to_be_refused() {
    let mut feeder = Feeder::default();
    let mut calls = Calls::default();
    let secrets: BTreeMap<_, _> = [secret("a-tls", "1", "A1", None)].into();
    let notes = feeder.sync(&refs(&[("web", "a-tls")]), &secrets, calls.apply());
    assert_eq!(calls.0, vec![handed(&[("a-tls", "A1")])]);
    assert_eq!(notes[0].reason, SECRET_INVALID);
    assert!(notes[0].message.contains("tls.key"), "{}", notes[0].message);
}

/// What `sync` hands over (Secret name, hosts), or `None` when nothing.
fn hand(
    feeder: &mut Feeder,
    references: &[TlsRef],
    secrets: &BTreeMap<ObjectKey, Arc<Secret>>,
) -> Option<Vec<(String, Vec<String>)>> {
    let mut handed = None;
    feeder.sync(references, secrets, |pairs| {
        handed = Some(
            pairs
                .into_iter()
                .map(|(key, hosts, _)| (key.name, hosts))
                .collect(),
        );
        Vec::new()
    });
    handed
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn each_secret_is_handed_over_with_the_hosts_of_every_entry_naming_it() {
    let mut feeder = Feeder::default();
    let secrets: BTreeMap<_, _> = [
        secret("a-tls", "1", "A1", Some("k")),
        secret("b-tls", "1", "B1", Some("k")),
    ]
    .into();
    let references = [
        reference("web", "a-tls", &["web.test", "*.web.test"]),
        reference("api", "a-tls", &["api.test"]),
        reference("web", "b-tls", &["web.test"]),
    ];
    assert_eq!(
        hand(&mut feeder, &references, &secrets),
        Some(vec![
            (
                "a-tls".to_owned(),
                strings(&["*.web.test", "api.test", "web.test"])
            ),
            ("b-tls".to_owned(), strings(&["web.test"])),
        ])
    );
    // Same Secrets and versions, other hosts: handed over again.
    let references = [
        reference("web", "a-tls", &["web.test"]),
        reference("web", "b-tls", &["web.test"]),
    ];
    assert_eq!(
        hand(&mut feeder, &references, &secrets),
        Some(vec![
            ("a-tls".to_owned(), strings(&["web.test"])),
            ("b-tls".to_owned(), strings(&["web.test"])),
        ])
    );
    assert_eq!(hand(&mut feeder, &references, &secrets), None, "nothing changed");
}
