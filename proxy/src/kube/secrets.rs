//! Feeding TLS Secrets to the certificate set: the Secrets named in the
//! `spec.tls` of served Ingresses are handed over, each with the hosts it
//! may serve (those of every `spec.tls` entry naming it), all at once,
//! whenever one appears, changes (by `resourceVersion` or hosts) or goes
//! (no served Ingress names it any more, or it was deleted). A Secret that
//! is missing, lacks `tls.crt`/`tls.key`, or is refused (bad PEM, key not
//! matching) becomes a warning note on every Ingress naming it; a refused
//! Secret keeps its last good certificate serving (the certificate set's
//! rule).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use k8s_openapi::api::core::v1::Secret;

use super::events::Note;
use crate::routing::{ObjectKey, TlsRef};

/// Event reason: a `spec.tls` Secret does not exist.
pub(crate) const SECRET_NOT_FOUND: &str = "TLSSecretNotFound";
/// Event reason: a `spec.tls` Secret cannot be used.
pub(crate) const SECRET_INVALID: &str = "TLSSecretInvalid";

/// Remembers which Secrets were handed over, at which version, and what
/// was refused.
#[derive(Default)]
pub(crate) struct Feeder {
    /// Secret → resourceVersion and hosts handed over.
    fed: BTreeMap<ObjectKey, (String, Vec<String>)>,
    /// Secret → why its data was refused.
    refused: BTreeMap<ObjectKey, String>,
}

/// A Secret's `tls.crt` and `tls.key`.
pub(crate) type Pair = (Vec<u8>, Vec<u8>);

/// A Secret handed over: its key, the hosts it may serve (sorted), its data.
pub(crate) type Handed = (ObjectKey, Vec<String>, Pair);

impl Feeder {
    /// Brings the certificate set in line with `references` (the `spec.tls`
    /// entries of served Ingresses) and the cached `secrets`. When the
    /// Secrets to serve, their versions or their hosts changed, `apply` gets
    /// every one of them (the set becomes exactly these) and returns those
    /// it refused. Returns the notes for the Ingresses concerned.
    pub(crate) fn sync(
        &mut self,
        references: &[TlsRef],
        secrets: &BTreeMap<ObjectKey, Arc<Secret>>,
        apply: impl FnOnce(Vec<Handed>) -> Vec<(ObjectKey, String)>,
    ) -> Vec<Note> {
        let mut named: BTreeMap<&ObjectKey, (Vec<&ObjectKey>, BTreeSet<&String>)> = BTreeMap::new();
        for reference in references {
            let (ingresses, hosts) = named.entry(&reference.secret).or_default();
            if !ingresses.contains(&&reference.ingress) {
                ingresses.push(&reference.ingress);
            }
            hosts.extend(&reference.hosts);
        }
        let present: BTreeMap<ObjectKey, (String, Vec<String>)> = named
            .iter()
            .filter_map(|(&key, (_, hosts))| {
                let secret = secrets.get(key)?;
                let version = secret.metadata.resource_version.clone().unwrap_or_default();
                Some((
                    key.clone(),
                    (version, hosts.iter().map(|h| (*h).clone()).collect()),
                ))
            })
            .collect();
        if present != self.fed {
            // A Secret without tls.crt or tls.key is handed over as it is,
            // so that it is refused like bad PEM: its last good certificate
            // keeps serving.
            let pairs = present
                .iter()
                .map(|(key, (_, hosts))| (key.clone(), hosts.clone(), pair(&secrets[key])))
                .collect();
            self.refused = apply(pairs).into_iter().collect();
            self.fed = present;
        }
        let mut notes = Vec::new();
        for (&key, (ingresses, _)) in &named {
            let (reason, message) = if !self.fed.contains_key(key) {
                let message = format!(
                    "Secret {key} named in spec.tls does not exist or is not of type kubernetes.io/tls; \
                     its hosts are served with the certificate SNI picks among the others"
                );
                (SECRET_NOT_FOUND, message)
            } else if let Some(error) = self.refused.get(key) {
                let message =
                    format!("Secret {key} cannot be used, the last good certificate keeps serving: {error}");
                (SECRET_INVALID, message)
            } else {
                continue;
            };
            notes.extend(ingresses.iter().map(|i| note(i, reason, &message)));
        }
        notes
    }
}

fn pair(secret: &Secret) -> Pair {
    let field = |name: &str| {
        secret
            .data
            .as_ref()
            .and_then(|d| d.get(name))
            .map(|b| b.0.clone())
            .unwrap_or_default()
    };
    (field("tls.crt"), field("tls.key"))
}

fn note(ingress: &ObjectKey, reason: &str, message: &str) -> Note {
    Note {
        kind: "Ingress",
        object: ingress.clone(),
        reason: reason.into(),
        message: message.into(),
        warning: true,
    }
}

#[cfg(test)]
mod tests;
