//! The rules that apply to a user in a namespace, resolved from the stored
//! Roles, ClusterRoles, RoleBindings and ClusterRoleBindings plus the
//! bootstrap policy, as kube-apiserver's `DefaultRuleResolver.VisitRulesFor`
//! (pkg/registry/rbac/validation/rule.go): ClusterRoleBindings first, then
//! the RoleBindings of the namespace; a binding whose role is missing adds
//! an error (`clusterrole.rbac.authorization.k8s.io "x" not found`) that a
//! denial reports. ClusterRoles with an `aggregationRule` get, at
//! resolution time, the rules the clusterrole-aggregation controller would
//! have written into them.

use std::collections::BTreeMap;

use serde_json::Value;

use super::UserInfo;
use super::bootstrap::BOOTSTRAP;
use super::quote;
use super::rule::PolicyRule;
use super::selector::LabelSelector;
use crate::store::State;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// A ClusterRole, stored or built in.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClusterRole {
    pub(crate) name: String,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) rules: Vec<PolicyRule>,
    /// `aggregationRule.clusterRoleSelectors`, when the role aggregates.
    pub(crate) aggregation: Option<Vec<LabelSelector>>,
}

impl ClusterRole {
    fn from_json(object: &Value) -> Self {
        let labels = object["metadata"]["labels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let aggregation = object.get("aggregationRule").filter(|a| a.is_object()).map(|a| {
            a["clusterRoleSelectors"]
                .as_array()
                .map(|s| s.iter().map(LabelSelector::from_json).collect())
        });
        Self {
            name: object["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            labels,
            rules: PolicyRule::all_of(object),
            aggregation: aggregation.map(Option::unwrap_or_default),
        }
    }
}

/// One subject of a binding.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Subject {
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) namespace: String,
}

/// A RoleBinding (namespace set) or ClusterRoleBinding (namespace empty).
#[derive(Clone, Debug, Default)]
pub(crate) struct Binding {
    pub(crate) name: String,
    pub(crate) namespace: String,
    pub(crate) role_kind: String,
    pub(crate) role_name: String,
    pub(crate) subjects: Vec<Subject>,
}

impl Binding {
    fn from_json(object: &Value) -> Self {
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let subjects = object["subjects"]
            .as_array()
            .map(|subjects| {
                subjects
                    .iter()
                    .map(|s| Subject {
                        kind: text(&s["kind"]),
                        name: text(&s["name"]),
                        namespace: text(&s["namespace"]),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            name: text(&object["metadata"]["name"]),
            namespace: text(&object["metadata"]["namespace"]),
            role_kind: text(&object["roleRef"]["kind"]),
            role_name: text(&object["roleRef"]["name"]),
            subjects,
        }
    }

    /// The first subject that is `user` (`appliesTo`).
    fn subject_for(&self, user: &UserInfo) -> Option<&Subject> {
        self.subjects.iter().find(|s| match s.kind.as_str() {
            "User" => user.name == s.name,
            "Group" => user.groups.contains(&s.name),
            "ServiceAccount" => {
                // A subject without a namespace is the binding's own.
                let ns = if s.namespace.is_empty() {
                    &self.namespace
                } else {
                    &s.namespace
                };
                !ns.is_empty() && user.name == format!("system:serviceaccount:{ns}:{}", s.name)
            }
            _ => false,
        })
    }

    /// `ClusterRoleBinding "b" of ClusterRole "r" to Group "g"`, the
    /// source an allowed decision names.
    fn describe(&self, subject: &Subject) -> String {
        let binding = if self.namespace.is_empty() {
            format!("ClusterRoleBinding {}", quote(&self.name))
        } else {
            format!(
                "RoleBinding {}",
                quote(&format!("{}/{}", self.name, self.namespace))
            )
        };
        let who = if subject.kind == "ServiceAccount" {
            let ns = if subject.namespace.is_empty() {
                &self.namespace
            } else {
                &subject.namespace
            };
            quote(&format!("{}/{ns}", subject.name))
        } else {
            quote(&subject.name)
        };
        format!(
            "{binding} of {} {} to {} {who}",
            self.role_kind,
            quote(&self.role_name),
            subject.kind
        )
    }
}

/// Rules that apply, each with the binding that grants it, and the errors
/// met resolving the bindings.
#[derive(Debug, Default)]
pub(crate) struct Rules {
    pub(crate) rules: Vec<(String, PolicyRule)>,
    pub(crate) errors: Vec<String>,
}

/// The RBAC objects of the store, with the bootstrap policy under them.
pub(crate) struct Policy<'a> {
    state: Option<&'a State>,
    cluster_roles: BTreeMap<String, ClusterRole>,
}

impl<'a> Policy<'a> {
    /// Reads the ClusterRoles (a stored one hides the built-in of its name).
    pub(crate) fn load(state: &'a State) -> Self {
        let mut policy = Self::bootstrap_only();
        policy.state = Some(state);
        for object in objects(Some(state), "clusterroles", None) {
            let role = ClusterRole::from_json(object);
            policy.cluster_roles.insert(role.name.clone(), role);
        }
        policy
    }

    /// The bootstrap policy alone.
    pub(crate) fn bootstrap_only() -> Self {
        Self {
            state: None,
            cluster_roles: BOOTSTRAP
                .roles
                .iter()
                .map(|r| (r.name.clone(), r.clone()))
                .collect(),
        }
    }

    /// Every rule that applies to `user` in `namespace` ("" for
    /// cluster-scoped requests), in the real resolver's order.
    pub(crate) fn rules_for(&self, user: &UserInfo, namespace: &str) -> Rules {
        let mut out = Rules::default();
        let mut cluster_bindings: BTreeMap<String, Binding> = BOOTSTRAP
            .bindings
            .iter()
            .map(|b| (b.name.clone(), b.clone()))
            .collect();
        for object in objects(self.state, "clusterrolebindings", None) {
            let binding = Binding::from_json(object);
            cluster_bindings.insert(binding.name.clone(), binding);
        }
        for binding in cluster_bindings.values() {
            self.visit(binding, user, &mut out);
        }
        if !namespace.is_empty() {
            for object in objects(self.state, "rolebindings", Some(namespace)) {
                self.visit(&Binding::from_json(object), user, &mut out);
            }
        }
        out
    }

    fn visit(&self, binding: &Binding, user: &UserInfo, out: &mut Rules) {
        let Some(subject) = binding.subject_for(user) else {
            return;
        };
        match self.role_rules(binding) {
            Ok(rules) => {
                let source = binding.describe(subject);
                out.rules.extend(rules.into_iter().map(|r| (source.clone(), r)));
            }
            Err(error) => out.errors.push(error),
        }
    }

    /// `GetRoleReferenceRules`.
    fn role_rules(&self, binding: &Binding) -> Result<Vec<PolicyRule>, String> {
        match binding.role_kind.as_str() {
            "Role" => {
                let role = self
                    .state
                    .and_then(|state| {
                        state.get(
                            roles_type(state, "roles")?,
                            &binding.namespace,
                            &binding.role_name,
                        )
                    })
                    .ok_or_else(|| not_found("role", &binding.role_name))?;
                Ok(PolicyRule::all_of(role))
            }
            "ClusterRole" => self
                .cluster_role_rules(&binding.role_name, &mut Vec::new())
                .ok_or_else(|| not_found("clusterrole", &binding.role_name)),
            kind => Err(format!("unsupported role reference kind: {}", quote(kind))),
        }
    }

    /// The rules of a ClusterRole; for an aggregated one, the union of the
    /// rules of the other ClusterRoles its selectors match, in name order,
    /// without duplicates (the aggregation controller's result). `stack`
    /// holds the roles being aggregated, so a cycle uses stored rules.
    pub(crate) fn cluster_role_rules(&self, name: &str, stack: &mut Vec<String>) -> Option<Vec<PolicyRule>> {
        let role = self.cluster_roles.get(name)?;
        let Some(selectors) = &role.aggregation else {
            return Some(role.rules.clone());
        };
        if stack.iter().any(|n| n == name) {
            return Some(role.rules.clone());
        }
        stack.push(name.to_string());
        let mut rules: Vec<PolicyRule> = Vec::new();
        for selector in selectors {
            for other in self.cluster_roles.values() {
                if other.name == name || !selector.matches(&other.labels) {
                    continue;
                }
                for rule in self.cluster_role_rules(&other.name, stack).unwrap_or_default() {
                    if !rules.contains(&rule) {
                        rules.push(rule);
                    }
                }
            }
        }
        stack.pop();
        Some(rules)
    }
}

fn roles_type<'s>(state: &'s State, plural: &str) -> Option<&'s crate::registry::ResourceType> {
    state.registry.get(RBAC_GROUP, "v1", plural)
}

fn objects<'s>(state: Option<&'s State>, plural: &str, ns: Option<&'s str>) -> Vec<&'s Value> {
    let Some(state) = state else { return Vec::new() };
    roles_type(state, plural)
        .map(|rt| state.list(rt, ns).collect())
        .unwrap_or_default()
}

/// The lister's NotFound message (`clusterrole.rbac.authorization.k8s.io "x" not found`).
fn not_found(resource: &str, name: &str) -> String {
    format!("{resource}.{RBAC_GROUP} {} not found", quote(name))
}

/// `utilerrors.NewAggregate(errs).Error()`: one message as is, several
/// deduplicated in brackets.
pub(crate) fn aggregate(errors: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for e in errors {
        if !seen.contains(&e.as_str()) {
            seen.push(e);
        }
    }
    match seen.as_slice() {
        [one] => one.to_string(),
        many => format!("[{}]", many.join(", ")),
    }
}
