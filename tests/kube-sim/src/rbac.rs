//! RBAC authorization, as kube-apiserver's authorizer chain decides it:
//! the `system:masters` group is allowed everything (the privileged-group
//! authorizer that runs before RBAC), then the RBAC authorizer
//! (plugin/pkg/auth/authorizer/rbac) over the stored Roles, ClusterRoles,
//! RoleBindings and ClusterRoleBindings and the bootstrap policy every
//! cluster has (see [`bootstrap`]). A denial carries the real server's
//! Forbidden message (`responsewriters.forbiddenMessage` wrapped by
//! `apierrors.NewForbidden`). The review endpoints behind `kubectl auth
//! can-i` and `kubectl auth whoami` live in [`review`].
//!
//! Callers fill [`Attributes`] as kube-apiserver's `RequestInfoFactory`
//! does: the namespace of `/api/v1/namespaces/foo` is `foo` (so a
//! RoleBinding in `foo` may grant reading it), `create` requests carry no
//! name, and a list with `fieldSelector=metadata.name=x` carries the name
//! `x`. [`UserInfo::groups`] must include `system:authenticated` (or
//! `system:unauthenticated`), as the real authenticators add it.

pub mod bootstrap;
mod policy;
pub mod review;
mod rule;
mod selector;

#[cfg(test)]
mod tests;

use crate::store::State;

pub use review::{check_review, review, rules_review, subject_access_review, whoami};

/// Who makes a request.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct UserInfo {
    /// `system:serviceaccount:ns:name`, `admin`, …
    pub name: String,
    /// Groups (`system:authenticated`, `system:serviceaccounts:ns`, …).
    pub groups: Vec<String>,
}

/// What a request asks to do.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Attributes {
    /// The verb.
    pub verb: String,
    /// Resource requests: API group.
    pub group: String,
    /// Resource requests: resource.
    pub resource: String,
    /// Resource requests: subresource.
    pub subresource: String,
    /// Resource requests: namespace.
    pub namespace: String,
    /// Resource requests: name.
    pub name: String,
    /// Non-resource requests: the path.
    pub path: Option<String>,
}

/// The group the privileged-group authorizer lets do anything.
pub const MASTERS: &str = "system:masters";

/// An authorization decision and its reason, as a SubjectAccessReview
/// reports them.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Decision {
    /// Whether the request is allowed.
    pub allowed: bool,
    /// `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User
    /// "z"` when RBAC allowed it; empty for `system:masters`; on a denial,
    /// empty or the errors met resolving bindings (`RBAC:
    /// clusterrole.rbac.authorization.k8s.io "x" not found`).
    pub reason: String,
}

/// Decides a request as the real authorizer chain does.
pub fn decide(state: &State, user: &UserInfo, attrs: &Attributes) -> Decision {
    if user.groups.iter().any(|g| g == MASTERS) {
        return Decision {
            allowed: true,
            reason: String::new(),
        };
    }
    let rules = policy::Policy::load(state).rules_for(user, &attrs.namespace);
    if let Some((source, _)) = rules.rules.iter().find(|(_, rule)| rule.allows(attrs)) {
        return Decision {
            allowed: true,
            reason: format!("RBAC: allowed by {source}"),
        };
    }
    let reason = if rules.errors.is_empty() {
        String::new()
    } else {
        format!("RBAC: {}", policy::aggregate(&rules.errors))
    };
    Decision {
        allowed: false,
        reason,
    }
}

/// Authorizes a request against the stored RBAC objects; `Err` carries the
/// real server's forbidden message.
pub fn authorize(state: &State, user: &UserInfo, attrs: &Attributes) -> Result<(), String> {
    let decision = decide(state, user, attrs);
    if decision.allowed {
        Ok(())
    } else {
        Err(forbidden_message(user, attrs, &decision.reason))
    }
}

/// The message of the 403 for a denied request:
/// `certificates.cert-manager.io "web" is forbidden: User "u" cannot get
/// resource "certificates" in API group "cert-manager.io" in the namespace
/// "default"`, `secrets is forbidden: … at the cluster scope`, `forbidden:
/// User "u" cannot get path "/metrics"`, followed by `: <reason>` when the
/// authorizer gave one.
pub fn forbidden_message(user: &UserInfo, attrs: &Attributes, reason: &str) -> String {
    let mut detail = match &attrs.path {
        Some(path) => format!(
            "User {} cannot {} path {}",
            quote(&user.name),
            attrs.verb,
            quote(path)
        ),
        None => {
            let resource = if attrs.subresource.is_empty() {
                attrs.resource.clone()
            } else {
                format!("{}/{}", attrs.resource, attrs.subresource)
            };
            let scope = if attrs.namespace.is_empty() {
                "at the cluster scope".to_string()
            } else {
                format!("in the namespace {}", quote(&attrs.namespace))
            };
            format!(
                "User {} cannot {} resource {} in API group {} {scope}",
                quote(&user.name),
                attrs.verb,
                quote(&resource),
                quote(&attrs.group)
            )
        }
    };
    if !reason.is_empty() {
        detail = format!("{detail}: {reason}");
    }
    // `apierrors.NewForbidden(GroupResource{group, resource}, name, err)`;
    // non-resource requests have an empty group and resource.
    let (group, resource) = if attrs.path.is_some() {
        ("", "")
    } else {
        (attrs.group.as_str(), attrs.resource.as_str())
    };
    let qualified = if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    };
    match (
        qualified.is_empty(),
        attrs.name.is_empty() || attrs.path.is_some(),
    ) {
        (true, _) => format!("forbidden: {detail}"),
        (false, true) => format!("{qualified} is forbidden: {detail}"),
        (false, false) => format!("{qualified} {} is forbidden: {detail}", quote(&attrs.name)),
    }
}

pub(crate) use crate::gofmt::quote;
