//! Kube-aware version ordering (`CompareKubeAwareVersionStrings` of
//! `k8s.io/apimachinery/pkg/version`): GA before beta before alpha, then the
//! higher major, then the higher minor (`v2`, `v1`, `v1beta2`, `v1beta1`,
//! `v1alpha1`); versions that do not look like `v<N>[(alpha|beta)<M>]` come
//! last, alphabetically. The first version of a group in this order is its
//! preferred version.

use std::cmp::Ordering;

/// Stability of a kube-like version: alpha < beta < GA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Stability {
    Alpha,
    Beta,
    Ga,
}

/// `v<major>[(alpha|beta)<minor>]`, or `None`.
fn parse(version: &str) -> Option<(Stability, u64, u64)> {
    let rest = version.strip_prefix('v')?;
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let major: u64 = rest[..digits].parse().ok()?;
    let tail = &rest[digits..];
    if tail.is_empty() {
        return Some((Stability::Ga, major, 0));
    }
    let (stability, minor) = if let Some(minor) = tail.strip_prefix("alpha") {
        (Stability::Alpha, minor)
    } else {
        (Stability::Beta, tail.strip_prefix("beta")?)
    };
    if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((stability, major, minor.parse().ok()?))
}

/// `Greater` when `a` has the higher priority.
pub fn compare_kube_aware(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    match (parse(a), parse(b)) {
        (None, None) => b.cmp(a),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => a.cmp(&b),
    }
}

/// Sorts versions by descending priority (the preferred version first).
pub fn sort_kube_aware(versions: &mut [String]) {
    versions.sort_by(|a, b| compare_kube_aware(b, a));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_ga_then_beta_then_alpha_then_others() {
        let mut versions: Vec<String> = [
            "v1alpha1", "foo", "v1beta1", "v1", "v2beta1", "v2", "v1beta2", "bar", "v10", "v1alpha",
        ]
        .map(String::from)
        .to_vec();
        sort_kube_aware(&mut versions);
        assert_eq!(
            versions,
            [
                "v10", "v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "bar", "foo", "v1alpha"
            ]
        );
    }
}
