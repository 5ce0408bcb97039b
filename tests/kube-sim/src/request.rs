//! Turns an HTTP request into what the API server reasons about: the verb,
//! the group/version/resource, the namespace, the name, the subresource and
//! the query options (as kube-apiserver's `RequestInfoFactory` does).

use std::collections::HashMap;

/// A request for an API resource.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceRequest {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
    /// `deletecollection`.
    pub verb: String,
    /// API group ("" for core).
    pub group: String,
    /// API version.
    pub version: String,
    /// Plural resource.
    pub resource: String,
    /// Namespace, when the path has one.
    pub namespace: Option<String>,
    /// Object name.
    pub name: Option<String>,
    /// Subresource (`status`).
    pub subresource: Option<String>,
}

/// What a request path addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `/api`
    CoreVersions,
    /// `/apis`
    Groups,
    /// `/apis/{group}`
    Group(String),
    /// `/api/v1`, `/apis/{group}/{version}`
    ResourceList {
        /// Group.
        group: String,
        /// Version.
        version: String,
    },
    /// A resource or an object.
    Resource(ResourceRequest),
    /// Anything else (`/version`, `/healthz`, `/openapi/v3`, …).
    NonResource(String),
}

/// Parses a method and path.
pub fn parse(method: &http::Method, path: &str, query: &Query) -> Target {
    let parts: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let (group, version, rest): (String, String, &[&str]) = match parts.as_slice() {
        ["api"] => return Target::CoreVersions,
        ["apis"] => return Target::Groups,
        ["apis", group] => return Target::Group(group.to_string()),
        ["api", version] => {
            return Target::ResourceList {
                group: String::new(),
                version: version.to_string(),
            };
        }
        ["apis", group, version] => {
            return Target::ResourceList {
                group: group.to_string(),
                version: version.to_string(),
            };
        }
        ["api", version, rest @ ..] => (String::new(), version.to_string(), rest),
        ["apis", group, version, rest @ ..] => (group.to_string(), version.to_string(), rest),
        _ => return Target::NonResource(path.to_string()),
    };
    let mut rest = rest;
    let mut watch_prefix = false;
    if rest.first() == Some(&"watch") {
        watch_prefix = true;
        rest = &rest[1..];
    }
    let mut namespace = None;
    if rest.first() == Some(&"namespaces") && rest.len() > 1 {
        namespace = Some(rest[1].to_string());
        if rest.len() > 2 && !matches!(rest[2], "status" | "finalize") {
            rest = &rest[2..];
        }
    }
    let (resource, name, subresource) = match rest {
        [resource] => (resource.to_string(), None, None),
        [resource, name] => (resource.to_string(), Some(name.to_string()), None),
        [resource, name, sub] => (
            resource.to_string(),
            Some(name.to_string()),
            Some(sub.to_string()),
        ),
        _ => return Target::NonResource(path.to_string()),
    };
    // `/api/v1/namespaces/foo[/status]` is the Namespace foo itself.
    let (namespace, name) = if resource == "namespaces" && rest.len() >= 2 {
        (None, name)
    } else {
        (namespace, name)
    };
    Target::Resource(ResourceRequest {
        verb: verb(method, name.is_some(), watch_prefix, query),
        group,
        version,
        resource,
        namespace,
        name,
        subresource,
    })
}

fn verb(method: &http::Method, named: bool, watch_prefix: bool, query: &Query) -> String {
    let watch = watch_prefix || query.flag("watch");
    match *method {
        http::Method::GET | http::Method::HEAD if watch => "watch",
        http::Method::GET | http::Method::HEAD if named => "get",
        http::Method::GET | http::Method::HEAD => "list",
        http::Method::POST => "create",
        http::Method::PUT => "update",
        http::Method::PATCH => "patch",
        http::Method::DELETE if named => "delete",
        http::Method::DELETE => "deletecollection",
        _ => "unknown",
    }
    .to_string()
}

/// The query string, decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(HashMap<String, String>);

impl Query {
    /// Decodes `a=b&c=d`.
    pub fn parse(query: Option<&str>) -> Self {
        Self(
            form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// A parameter's value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// A boolean parameter (`true`, `1`).
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }

    /// A numeric parameter.
    pub fn number(&self, key: &str) -> Option<u64> {
        self.get(key)?.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use http::Method;

    use super::*;

    fn resource(method: Method, path: &str) -> ResourceRequest {
        match parse(&method, path, &Query::parse(None)) {
            Target::Resource(r) => r,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn namespaced_object() {
        let r = resource(
            Method::GET,
            "/apis/cert-manager.io/v1/namespaces/default/certificates/web",
        );
        assert_eq!(
            r,
            ResourceRequest {
                verb: "get".into(),
                group: "cert-manager.io".into(),
                version: "v1".into(),
                resource: "certificates".into(),
                namespace: Some("default".into()),
                name: Some("web".into()),
                subresource: None,
            }
        );
    }

    #[test]
    fn status_subresource_and_collections() {
        let r = resource(
            Method::PUT,
            "/apis/cert-manager.io/v1/namespaces/default/certificates/web/status",
        );
        assert_eq!(
            (r.verb.as_str(), r.subresource.as_deref()),
            ("update", Some("status"))
        );
        let r = resource(Method::GET, "/apis/cert-manager.io/v1/certificates");
        assert_eq!((r.verb.as_str(), r.namespace), ("list", None));
        let r = resource(Method::DELETE, "/api/v1/namespaces/default/secrets");
        assert_eq!(r.verb, "deletecollection");
    }

    #[test]
    fn namespaces_themselves() {
        let r = resource(Method::GET, "/api/v1/namespaces/default");
        assert_eq!(
            (r.resource.as_str(), r.name.as_deref(), r.namespace),
            ("namespaces", Some("default"), None)
        );
        let r = resource(Method::PUT, "/api/v1/namespaces/default/status");
        assert_eq!(
            (r.name.as_deref(), r.subresource.as_deref()),
            (Some("default"), Some("status"))
        );
        let r = resource(Method::GET, "/api/v1/namespaces");
        assert_eq!((r.verb.as_str(), r.name), ("list", None));
    }

    #[test]
    fn watches() {
        let q = Query::parse(Some("watch=true&resourceVersion=5"));
        let Target::Resource(r) = parse(&Method::GET, "/api/v1/namespaces/default/secrets", &q) else {
            panic!()
        };
        assert_eq!(r.verb, "watch");
        let r = resource(Method::GET, "/api/v1/watch/namespaces/default/secrets");
        assert_eq!(
            (r.verb.as_str(), r.namespace.as_deref()),
            ("watch", Some("default"))
        );
    }

    #[test]
    fn discovery_paths() {
        let q = Query::default();
        assert_eq!(parse(&Method::GET, "/api", &q), Target::CoreVersions);
        assert_eq!(parse(&Method::GET, "/apis", &q), Target::Groups);
        assert_eq!(
            parse(&Method::GET, "/apis/apps", &q),
            Target::Group("apps".into())
        );
        assert_eq!(
            parse(&Method::GET, "/apis/apps/v1", &q),
            Target::ResourceList {
                group: "apps".into(),
                version: "v1".into()
            }
        );
        assert_eq!(
            parse(&Method::GET, "/version", &q),
            Target::NonResource("/version".into())
        );
    }
}
