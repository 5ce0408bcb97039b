//! Which Challenges may start: never two in flight for the same name (the
//! CA would see two tokens for one name and one route would shadow the
//! other; the older Challenge goes first), and at most
//! `--max-concurrent-challenges` in flight at once, first come first served.
//! Pure: the Challenges are given as [`Peer`]s.

use kube::ResourceExt;
use passerelle_crds::acme::Challenge;

use super::observe::is_started;

/// What scheduling needs to know of a Challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// uid.
    pub uid: String,
    /// `namespace/name`, for messages.
    pub key: String,
    /// Namespace.
    pub namespace: String,
    /// `spec.dnsName`.
    pub dns_name: String,
    /// Creation time, seconds since the epoch.
    pub created: i64,
    /// Started and not final: presented, or being presented.
    pub in_flight: bool,
    /// Neither started nor final: waiting for its turn.
    pub waiting: bool,
}

impl Peer {
    /// The peer view of a Challenge; `started_here` when this replica
    /// started it and the API may not say so yet.
    pub fn of(challenge: &Challenge, started_here: bool) -> Self {
        let state = challenge.status.as_ref().and_then(|s| s.state);
        let is_final = state.is_some_and(|s| s.is_final());
        let deleting = challenge.metadata.deletion_timestamp.is_some();
        let started = is_started(challenge) || started_here;
        Self {
            uid: challenge.uid().unwrap_or_default(),
            key: format!(
                "{}/{}",
                challenge.namespace().unwrap_or_default(),
                challenge.name_any()
            ),
            namespace: challenge.namespace().unwrap_or_default(),
            dns_name: challenge.spec.dns_name.to_ascii_lowercase(),
            created: challenge
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0.as_second())
                .unwrap_or(i64::MAX),
            in_flight: started && !is_final,
            waiting: !started && !is_final && !deleting,
        }
    }

    fn is_older_than(&self, other: &Peer) -> bool {
        (self.created, &self.key) < (other.created, &other.key)
    }
}

/// Why `me` may not start now, or `None` when it may.
pub fn blocked(me: &Peer, peers: &[Peer], max_in_flight: usize) -> Option<String> {
    let others = || peers.iter().filter(|p| p.uid != me.uid);
    if let Some(p) = others().find(|p| p.in_flight && p.dns_name == me.dns_name) {
        return Some(format!(
            "Waiting for Challenge {} for the same name {} to finish",
            p.key, me.dns_name
        ));
    }
    if let Some(p) = others().find(|p| p.waiting && p.dns_name == me.dns_name && p.is_older_than(me)) {
        return Some(format!(
            "Waiting for the older Challenge {} for the same name {} to go first",
            p.key, me.dns_name
        ));
    }
    let in_flight = others().filter(|p| p.in_flight).count();
    // Older Challenges still waiting take the next free slots (unless they
    // wait on a name in flight, in which case they cannot start either).
    let ahead = others()
        .filter(|p| p.waiting && p.is_older_than(me))
        .filter(|p| !others().any(|q| q.in_flight && q.dns_name == p.dns_name))
        .count();
    if in_flight + ahead >= max_in_flight {
        return Some(format!(
            "Waiting for a free slot: {in_flight} challenges in flight and {ahead} waiting before this one, at most {max_in_flight} at once"
        ));
    }
    None
}

/// Whether any Challenge of `namespace` other than `me` is in flight, and
/// so still needs the namespace's solver Service.
pub fn namespace_busy(me: &Peer, peers: &[Peer]) -> bool {
    peers
        .iter()
        .any(|p| p.uid != me.uid && p.namespace == me.namespace && (p.in_flight || p.waiting))
}
