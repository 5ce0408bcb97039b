//! The certificate set of one entry point: a pure snapshot of every
//! certificate it may serve, indexed by the certificates' own names so that
//! picking one for an SNI name is two hash lookups, whatever the number of
//! certificates.
//!
//! The order is the issue's: an exact name before a wildcard; a Secret's
//! certificate before a config file's; among equals the latest notBefore;
//! then the source and the certificate bytes, so the choice never depends on
//! the order entries arrived in.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::routing::ObjectKey;

use super::LoadedCert;

/// Where a certificate comes from.
///
/// The variant order is the precedence among certificates for the same
/// name: a Secret's before a file's before the generated one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(tag = "kind", content = "name")]
pub enum CertSource {
    /// A `kubernetes.io/tls` Secret named by a served Ingress's `spec.tls`.
    Secret(ObjectKey),
    /// The config file: the certificate file's path, or `inline:` and the
    /// key's place in the file for inline PEM.
    File(String),
    /// Generated at start.
    Generated,
}

/// One certificate of a [`CertSet`] with its source.
#[derive(Clone, Debug)]
pub struct CertEntry {
    /// The certificate.
    pub cert: LoadedCert,
    /// Where it comes from.
    pub source: CertSource,
}

/// What the admin API shows of one certificate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CertInfo {
    /// Subject, RFC 4514.
    pub subject: String,
    /// DNS subjectAltNames.
    pub sans: Vec<String>,
    /// Serial number, hex.
    pub serial: String,
    /// notBefore, seconds since the Unix epoch.
    pub not_before: i64,
    /// notAfter, seconds since the Unix epoch.
    pub not_after: i64,
    /// Where it comes from.
    pub source: CertSource,
    /// The names for which SNI picks it (wildcards as `*.example.com`).
    pub serves: Vec<String>,
    /// Whether it is the entry point's configured default certificate.
    pub default: bool,
}

/// An immutable, indexed set of certificates.
#[derive(Clone, Debug, Default)]
pub struct CertSet {
    entries: Vec<CertEntry>,
    /// Lower-cased exact name → index of the winning entry.
    exact: HashMap<String, usize>,
    /// Wildcard suffix (`example.com` for `*.example.com`) → winning entry.
    wildcard: HashMap<String, usize>,
    /// Index of the configured default certificate (the last entry).
    default: Option<usize>,
}

impl CertSet {
    /// Builds the set and its SNI index.
    pub fn build(mut entries: Vec<CertEntry>) -> CertSet {
        // Sorting once by precedence makes "first entry seen wins" the rule
        // when filling the index.
        entries.sort_by(precedence);
        let mut set = CertSet {
            entries: Vec::with_capacity(entries.len()),
            ..CertSet::default()
        };
        for (i, entry) in entries.into_iter().enumerate() {
            set.index(i, &entry);
            set.entries.push(entry);
        }
        set
    }

    /// The same set with the entry point's configured default certificate,
    /// served for unknown or missing SNI. Its own names are served too, after
    /// every other certificate's.
    pub fn with_default(mut self, default: Option<CertEntry>) -> CertSet {
        let Some(default) = default else {
            return self;
        };
        let i = self.entries.len();
        self.index(i, &default);
        self.entries.push(default);
        self.default = Some(i);
        self
    }

    /// Adds entry `i`'s names where no earlier entry has them.
    fn index(&mut self, i: usize, entry: &CertEntry) {
        for name in &entry.cert.names {
            match name.strip_prefix("*.") {
                Some(suffix) => self.wildcard.entry(suffix.to_owned()).or_insert(i),
                None => self.exact.entry(name.clone()).or_insert(i),
            };
        }
    }

    /// The certificate for an SNI name: an exact match, else a wildcard
    /// matching exactly one more label (RFC 6125 §6.4.3), else `None`.
    pub fn pick(&self, sni: &str) -> Option<&CertEntry> {
        let sni = sni.strip_suffix('.').unwrap_or(sni);
        let lowered;
        let sni = if sni.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = sni.to_ascii_lowercase();
            lowered.as_str()
        } else {
            sni
        };
        if let Some(&i) = self.exact.get(sni) {
            return Some(&self.entries[i]);
        }
        let (_, suffix) = sni.split_once('.')?;
        self.wildcard.get(suffix).map(|&i| &self.entries[i])
    }

    /// The configured default certificate, if any.
    pub fn default_entry(&self) -> Option<&CertEntry> {
        self.default.map(|i| &self.entries[i])
    }

    /// Every certificate, in precedence order, the configured default last.
    pub fn entries(&self) -> &[CertEntry] {
        &self.entries
    }

    /// Whether the set holds no certificate, not even a default.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The admin API's view: each certificate with the names it serves,
    /// the configured default last.
    pub fn describe(&self) -> Vec<CertInfo> {
        let mut serves: Vec<Vec<String>> = vec![Vec::new(); self.entries.len()];
        for (name, &i) in &self.exact {
            serves[i].push(name.clone());
        }
        for (suffix, &i) in &self.wildcard {
            serves[i].push(format!("*.{suffix}"));
        }
        self.entries
            .iter()
            .zip(serves)
            .enumerate()
            .map(|(i, (entry, mut serves))| {
                serves.sort();
                info(entry, serves, self.default == Some(i))
            })
            .collect()
    }
}

fn info(entry: &CertEntry, serves: Vec<String>, default: bool) -> CertInfo {
    CertInfo {
        subject: entry.cert.subject.clone(),
        sans: entry.cert.sans.clone(),
        serial: entry.cert.serial.clone(),
        not_before: entry.cert.not_before,
        not_after: entry.cert.not_after,
        source: entry.source.clone(),
        serves,
        default,
    }
}

/// Precedence among certificates naming the same host: source kind (Secret,
/// file, generated), then the latest notBefore, then a total tie-break.
fn precedence(a: &CertEntry, b: &CertEntry) -> Ordering {
    kind_rank(&a.source)
        .cmp(&kind_rank(&b.source))
        .then_with(|| b.cert.not_before.cmp(&a.cert.not_before))
        .then_with(|| a.source.cmp(&b.source))
        .then_with(|| a.cert.der().cmp(b.cert.der()))
}

fn kind_rank(source: &CertSource) -> u8 {
    match source {
        CertSource::Secret(_) => 0,
        CertSource::File(_) => 1,
        CertSource::Generated => 2,
    }
}
