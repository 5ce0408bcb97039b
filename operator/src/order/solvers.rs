//! Choosing the issuer's solver for one authorization, with cert-manager's
//! precedence among `spec.acme.solvers`: a solver whose `selector.dnsNames`
//! lists the name wins; else the one whose matching `selector.dnsZones` is
//! the most specific (longest zone); then the one matching the most
//! `matchLabels` of the Certificate (copied onto the Order); the first
//! listed wins ties. A solver without selector matches everything at the
//! lowest priority. Only solvers whose type the authorization offers a
//! challenge for are considered (RFC 8555 §7.1.4: the CA lists the
//! challenges it accepts; HTTP-01 is never offered for a wildcard).

use std::collections::BTreeMap;

use passerelle_crds::acme::AcmeChallengeSolver;
use passerelle_crds::acme::order::{AcmeAuthorization, AcmeChallenge};
use passerelle_crds::acme::solver::CertificateDnsNameSelector;

/// The solver chosen for an authorization and the challenge it answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Selected<'a> {
    /// Position in `spec.acme.solvers`.
    pub index: usize,
    /// The solver.
    pub solver: &'a AcmeChallengeSolver,
    /// The ACME challenge of the authorization it solves.
    pub challenge: &'a AcmeChallenge,
}

/// How specifically a solver matches a name: compared field by field, the
/// greater wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    /// `selector.dnsNames` lists the name.
    dns_name: bool,
    /// Length of the longest matching `selector.dnsZones` entry.
    zone: usize,
    /// Number of `selector.matchLabels` entries (all of which match).
    labels: usize,
}

/// The name a solver selector is matched against: `*.example.com` for a
/// wildcard authorization of `example.com` (RFC 8555 §7.1.3).
pub fn selector_name(authz: &AcmeAuthorization) -> String {
    let identifier = authz.identifier.as_deref().unwrap_or_default();
    if authz.wildcard == Some(true) {
        format!("*.{identifier}")
    } else {
        identifier.to_string()
    }
}

/// Chooses the solver for `authz` among `solvers`, given the labels of the
/// Certificate (as copied onto the Order). `None` when no solver applies.
pub fn select<'a>(
    solvers: &'a [AcmeChallengeSolver],
    authz: &'a AcmeAuthorization,
    labels: &BTreeMap<String, String>,
) -> Option<Selected<'a>> {
    let name = selector_name(authz);
    let mut best: Option<(Rank, Selected<'a>)> = None;
    for (index, solver) in solvers.iter().enumerate() {
        let Some(challenge) = offered_challenge(solver, authz) else {
            continue;
        };
        let Some(rank) = rank(solver.selector.as_ref(), &name, labels) else {
            continue;
        };
        // Strictly greater: the first listed wins ties.
        if best.as_ref().is_none_or(|(b, _)| rank > *b) {
            best = Some((
                rank,
                Selected {
                    index,
                    solver,
                    challenge,
                },
            ));
        }
    }
    best.map(|(_, selected)| selected)
}

/// The challenge of `authz` the solver's type answers.
fn offered_challenge<'a>(
    solver: &AcmeChallengeSolver,
    authz: &'a AcmeAuthorization,
) -> Option<&'a AcmeChallenge> {
    authz.challenges.as_deref().unwrap_or_default().iter().find(|c| {
        (c.type_ == "http-01" && solver.http01.is_some()) || (c.type_ == "dns-01" && solver.dns01.is_some())
    })
}

/// How a selector matches `name`, or `None` when it does not.
fn rank(
    selector: Option<&CertificateDnsNameSelector>,
    name: &str,
    labels: &BTreeMap<String, String>,
) -> Option<Rank> {
    let Some(selector) = selector else {
        return Some(Rank::default());
    };
    let wanted = selector.match_labels.clone().unwrap_or_default();
    if !wanted.iter().all(|(k, v)| labels.get(k) == Some(v)) {
        return None;
    }
    let names = selector.dns_names.as_deref().unwrap_or_default();
    let zones = selector.dns_zones.as_deref().unwrap_or_default();
    let dns_name = names.iter().any(|n| n == name);
    let zone = zones
        .iter()
        .filter(|z| in_zone(name, z))
        .map(String::len)
        .max()
        .unwrap_or(0);
    if (!names.is_empty() || !zones.is_empty()) && !dns_name && zone == 0 {
        return None;
    }
    Some(Rank {
        dns_name,
        zone,
        labels: wanted.len(),
    })
}

/// Whether `name` is `zone` or below it (`a.example.com` is in
/// `example.com`, `badexample.com` is not).
fn in_zone(name: &str, zone: &str) -> bool {
    !zone.is_empty() && (name == zone || name.strip_suffix(zone).is_some_and(|rest| rest.ends_with('.')))
}

#[cfg(test)]
mod tests;
