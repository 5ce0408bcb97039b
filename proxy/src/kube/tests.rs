//! The provider's pure helpers: default entry points and diagnostics as
//! notes.

use std::sync::Arc;

use super::*;
use crate::routing::{HostMatch, ObjectKey, PathKind, RuleType, Service, Upstream, UpstreamProtocol};

fn route(path: &str, entry_points: Option<Vec<String>>) -> Route {
    Route {
        id: format!("default/web/0{path}"),
        ingress: ObjectKey {
            namespace: "default".into(),
            name: "web".into(),
        },
        host: HostMatch::Any,
        path: path.into(),
        path_kind: PathKind::Prefix,
        rule_type: RuleType::PathPrefix,
        priority: None,
        entry_points,
        rewrite_target: None,
        app_root: None,
        redirect: None,
        pass_host_header: true,
        whitelist: Vec::new(),
        tls: false,
        service: Arc::new(Service {
            name: "default/web:http".into(),
            upstream: Upstream::Unavailable("none".into()),
            protocol: UpstreamProtocol::Http,
        }),
    }
}

#[test]
fn routes_naming_no_entry_point_go_to_the_default_ones() {
    let table = RouteTable::from_routes(
        vec![route("/a", None), route("/b", Some(vec!["admin".into()]))],
        Some(route("/", None)),
    );
    let table = on_entry_points(&table, &["http".to_string()]);
    assert!(table.lookup("http", Some("x.test"), "/a").is_some());
    assert!(table.lookup("admin", Some("x.test"), "/a").is_none());
    assert!(table.lookup("admin", Some("x.test"), "/b").is_some());
    // On http, `/b` falls through to the default backend.
    let fallback = table.lookup("http", Some("x.test"), "/b").unwrap();
    assert_eq!(fallback.route.id, "default/web/0/");
    let default = table.default_backend().unwrap();
    assert_eq!(default.entry_points, Some(vec!["http".to_string()]));
}

#[test]
fn diagnostics_become_warning_notes() {
    let diagnostic = Diagnostic {
        object: ObjectKey {
            namespace: "default".into(),
            name: "web".into(),
        },
        kind: "Service",
        reason: "InvalidService".into(),
        message: "no ports".into(),
        warning: false,
    };
    let note = note_of(&diagnostic);
    assert_eq!(
        (note.kind, note.reason.as_str(), note.warning),
        ("Service", "InvalidService", true)
    );
}
