//! The certificate set of one entry point: a pure snapshot of every
//! certificate it may serve, indexed by the certificates' own names so that
//! picking one for an SNI name is two hash lookups, whatever the number of
//! certificates.
//!
//! The order is the issue's: an exact name before a wildcard; a Secret's
//! certificate before a config file's; among equals the latest notBefore;
//! then the source and the certificate bytes, so the choice never depends on
//! the order entries arrived in.
//!
//! A Secret's certificate is only picked for the hosts of the Ingresses
//! naming it (a [`HostScope`]): whoever may create an Ingress in one
//! namespace must not be able to answer, with a certificate of their own,
//! for a host another team serves.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

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

/// The host names a certificate may be picked for, whatever names it
/// holds: for a Secret, the hosts of the `spec.tls` entries naming it (or,
/// for an entry listing none, the hosts of its Ingress's rules).
///
/// A host is exact (`a.example.com`) or a wildcard (`*.example.com`, one
/// label, as an Ingress host matches). A certificate name is eligible when
/// a host matches it: `a.example.com` by `a.example.com` or
/// `*.example.com`; the wildcard name `*.example.com` by `*.example.com`
/// for every name, or by `a.example.com` for that name only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostScope {
    /// Exact hosts, lower-cased, without a trailing dot.
    exact: BTreeSet<String>,
    /// Wildcard hosts' suffixes (`example.com` for `*.example.com`).
    wildcard: BTreeSet<String>,
}

impl HostScope {
    /// The scope of these hosts (any case, a trailing dot ignored). No
    /// host: no name is eligible.
    pub fn new<S: AsRef<str>>(hosts: impl IntoIterator<Item = S>) -> HostScope {
        let mut scope = HostScope::default();
        for host in hosts {
            let host = host.as_ref().trim().trim_end_matches('.').to_ascii_lowercase();
            match host.strip_prefix("*.") {
                Some(suffix) if !suffix.is_empty() => scope.wildcard.insert(suffix.to_owned()),
                Some(_) => false,
                None if !host.is_empty() => scope.exact.insert(host),
                None => false,
            };
        }
        scope
    }

    /// Whether the exact name `name` (lower-case) is a host of the scope
    /// or matched by one of its wildcards.
    fn covers(&self, name: &str) -> bool {
        self.exact.contains(name) || one_label_suffix(name).is_some_and(|s| self.wildcard.contains(s))
    }
}

/// Everything after the first label: what a one-label wildcard matches on.
fn one_label_suffix(name: &str) -> Option<&str> {
    let (first, rest) = name.split_once('.')?;
    (!first.is_empty() && !rest.is_empty()).then_some(rest)
}

/// What the admin API shows of one certificate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
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
    /// Whether it is an entry point's default certificate (the configured
    /// `defaultCertificate`, or the generated one).
    pub default: bool,
}

impl CertInfo {
    /// The view of `entry`, which SNI picks for `serves` (sorted).
    pub fn new(entry: &CertEntry, serves: Vec<String>, default: bool) -> CertInfo {
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
}

/// An immutable, indexed set of certificates.
#[derive(Clone, Debug, Default)]
pub struct CertSet {
    entries: Vec<CertEntry>,
    /// Lower-cased exact name → index of the winning entry.
    exact: HashMap<String, usize>,
    /// Wildcard suffix (`example.com` for `*.example.com`) → winning entry.
    wildcard: HashMap<String, usize>,
    /// Exact name → the best entry whose wildcard matches it but whose
    /// scope allows only some names under that wildcard (a Secret's
    /// `*.example.com` for the host `a.example.com`).
    wildcard_hosts: HashMap<String, usize>,
    /// Index of the configured default certificate (the last entry).
    default: Option<usize>,
}

impl CertSet {
    /// Builds the set and its SNI index; each certificate serves every one
    /// of its names.
    pub fn build(entries: Vec<CertEntry>) -> CertSet {
        CertSet::build_scoped(entries.into_iter().map(|entry| (entry, None)).collect())
    }

    /// Builds the set and its SNI index; a certificate with a scope serves
    /// only those of its names that the scope allows, one without serves
    /// all of them.
    pub fn build_scoped(mut entries: Vec<(CertEntry, Option<HostScope>)>) -> CertSet {
        // Sorting once by precedence makes "first entry seen wins" the rule
        // when filling the index.
        entries.sort_by(|(a, _), (b, _)| precedence(a, b));
        let mut set = CertSet {
            entries: Vec::with_capacity(entries.len()),
            ..CertSet::default()
        };
        for (i, (entry, scope)) in entries.into_iter().enumerate() {
            set.index(i, &entry, scope.as_ref());
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
        self.index(i, &default, None);
        self.entries.push(default);
        self.default = Some(i);
        self
    }

    /// Adds entry `i`'s names, those `scope` allows, where no earlier entry
    /// has them.
    fn index(&mut self, i: usize, entry: &CertEntry, scope: Option<&HostScope>) {
        for name in &entry.cert.names {
            match (name.strip_prefix("*."), scope) {
                (Some(suffix), None) => {
                    self.wildcard.entry(suffix.to_owned()).or_insert(i);
                }
                (Some(suffix), Some(scope)) => {
                    if scope.wildcard.contains(suffix) {
                        self.wildcard.entry(suffix.to_owned()).or_insert(i);
                    }
                    // The scope's exact hosts this wildcard matches.
                    for host in scope
                        .exact
                        .iter()
                        .filter(|host| one_label_suffix(host) == Some(suffix))
                    {
                        self.wildcard_hosts.entry(host.clone()).or_insert(i);
                    }
                }
                (None, scope) => {
                    if scope.is_none_or(|scope| scope.covers(name)) {
                        self.exact.entry(name.clone()).or_insert(i);
                    }
                }
            }
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
        // Among wildcard matches, the one earlier in precedence order.
        let by_host = self.wildcard_hosts.get(sni).copied();
        let by_suffix = one_label_suffix(sni)
            .and_then(|suffix| self.wildcard.get(suffix))
            .copied();
        let i = match (by_host, by_suffix) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        Some(&self.entries[i])
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
        for (name, &i) in &self.wildcard_hosts {
            // Listed only where it is what SNI picks.
            let by_suffix = one_label_suffix(name).and_then(|suffix| self.wildcard.get(suffix));
            if !self.exact.contains_key(name) && by_suffix.is_none_or(|&j| i < j) {
                serves[i].push(name.clone());
            }
        }
        self.entries
            .iter()
            .zip(serves)
            .enumerate()
            .map(|(i, (entry, mut serves))| {
                serves.sort();
                CertInfo::new(entry, serves, self.default == Some(i))
            })
            .collect()
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
