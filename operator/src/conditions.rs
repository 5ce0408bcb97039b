//! Status conditions as cert-manager maintains them: merged by `type`,
//! `lastTransitionTime` moved only when the status flips, and
//! `observedGeneration` set to the generation the condition was computed
//! for.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use passerelle_crds::meta::{Condition, ConditionStatus};

use crate::clock::to_second;

/// The condition of `type_` in `conditions`.
pub fn get<'a>(conditions: &'a Option<Vec<Condition>>, type_: &str) -> Option<&'a Condition> {
    conditions.as_ref()?.iter().find(|c| c.type_ == type_)
}

/// Whether the condition of `type_` has status True.
pub fn is_true(conditions: &Option<Vec<Condition>>, type_: &str) -> bool {
    get(conditions, type_).is_some_and(|c| c.status == ConditionStatus::True)
}

/// A new condition value to merge in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Set<'a> {
    /// Type.
    pub type_: &'a str,
    /// Status.
    pub status: ConditionStatus,
    /// Reason (cert-manager's).
    pub reason: &'a str,
    /// Message.
    pub message: String,
}

/// Merges `set` into `conditions`: the `lastTransitionTime` of an existing
/// condition moves only when its status changes.
pub fn merge(conditions: &mut Vec<Condition>, set: Set<'_>, generation: Option<i64>, now: Timestamp) {
    let now = Time(to_second(now));
    match conditions.iter_mut().find(|c| c.type_ == set.type_) {
        Some(existing) => {
            if existing.status != set.status || existing.last_transition_time.is_none() {
                existing.last_transition_time = Some(now);
            }
            existing.status = set.status;
            existing.reason = Some(set.reason.to_string());
            existing.message = Some(set.message);
            existing.observed_generation = generation;
        }
        None => conditions.push(Condition {
            type_: set.type_.to_string(),
            status: set.status,
            last_transition_time: Some(now),
            reason: Some(set.reason.to_string()),
            message: Some(set.message),
            observed_generation: generation,
        }),
    }
}

/// Removes the condition of `type_`.
pub fn remove(conditions: &mut Vec<Condition>, type_: &str) {
    conditions.retain(|c| c.type_ != type_);
}

/// Whether two condition lists say the same, ignoring transition times.
pub fn same(a: &Option<Vec<Condition>>, b: &Option<Vec<Condition>>) -> bool {
    let strip = |c: &Option<Vec<Condition>>| -> Vec<Condition> {
        let mut v: Vec<Condition> = c
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|mut c| {
                c.last_transition_time = None;
                c
            })
            .collect();
        v.sort_by(|x, y| x.type_.cmp(&y.type_));
        v
    };
    strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn ready(status: ConditionStatus, message: &str) -> Set<'static> {
        Set {
            type_: "Ready",
            status,
            reason: "Ready",
            message: message.into(),
        }
    }

    #[test]
    fn transition_time_moves_only_when_status_flips() {
        let mut c = Vec::new();
        merge(
            &mut c,
            ready(ConditionStatus::False, "a"),
            Some(1),
            ts("2026-01-01T00:00:00Z"),
        );
        merge(
            &mut c,
            ready(ConditionStatus::False, "b"),
            Some(2),
            ts("2026-01-02T00:00:00Z"),
        );
        assert_eq!(c[0].last_transition_time, Some(Time(ts("2026-01-01T00:00:00Z"))));
        assert_eq!(
            (c[0].message.as_deref(), c[0].observed_generation),
            (Some("b"), Some(2))
        );
        merge(
            &mut c,
            ready(ConditionStatus::True, "c"),
            Some(2),
            ts("2026-01-03T00:00:00.5Z"),
        );
        assert_eq!(c[0].last_transition_time, Some(Time(ts("2026-01-03T00:00:00Z"))));
    }

    #[test]
    fn conditions_are_merged_by_type_and_compared_without_times() {
        let mut a = Vec::new();
        merge(
            &mut a,
            ready(ConditionStatus::True, "x"),
            None,
            ts("2026-01-01T00:00:00Z"),
        );
        merge(
            &mut a,
            Set {
                type_: "Issuing",
                status: ConditionStatus::True,
                reason: "Renewing",
                message: "y".into(),
            },
            None,
            ts("2026-01-01T00:00:00Z"),
        );
        assert_eq!(a.len(), 2);
        let mut b = a.clone();
        b.reverse();
        b[0].last_transition_time = None;
        assert!(same(&Some(a.clone()), &Some(b)));
        remove(&mut a, "Issuing");
        assert!(get(&Some(a.clone()), "Issuing").is_none());
        assert!(is_true(&Some(a), "Ready"));
    }
}
