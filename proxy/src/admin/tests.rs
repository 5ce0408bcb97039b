//! The admin answers, read from hand-made snapshots.

use std::sync::Arc;

use arc_swap::ArcSwap;
use http_body_util::BodyExt as _;
use serde_json::json;

use super::*;
use crate::routing::{
    HostMatch, IpNet, ObjectKey, PathKind, Redirect, RedirectTarget, Route, RuleType, Service, Upstream,
    UpstreamProtocol,
};
use crate::tls::{CertEntry, CertSlot, CertSource, parse_pair};

fn route(id: &str, path: &str, service: &Arc<Service>) -> Route {
    Route {
        id: id.into(),
        ingress: ObjectKey {
            namespace: "default".into(),
            name: "web".into(),
        },
        host: HostMatch::Exact("web.test".into()),
        path: path.into(),
        path_kind: PathKind::Prefix,
        rule_type: RuleType::PathPrefix,
        priority: None,
        entry_points: None,
        rewrite_target: None,
        app_root: None,
        redirect: None,
        pass_host_header: true,
        whitelist: Vec::new(),
        tls: true,
        service: service.clone(),
    }
}

fn state() -> AdminState {
    let service = Arc::new(Service {
        name: "default/web:http".into(),
        upstream: Upstream::Endpoints(vec!["10.0.0.1:8080".parse().unwrap()]),
        protocol: UpstreamProtocol::Http,
    });
    let mut api = route("default/web/0/1", "/api", &service);
    api.rule_type = RuleType::ReplacePath("/new".into());
    api.redirect = Some(Redirect {
        target: RedirectTarget::EntryPoint("https".into()),
        permanent: false,
    });
    api.whitelist = vec![IpNet::parse("10.0.0.0/8").unwrap()];
    api.entry_points = Some(vec!["https".into()]);
    let table = RouteTable::from_routes(
        vec![route("default/web/0/0", "/", &service), api],
        Some(route("default/web/default", "/", &service)),
    );
    let certificates = CertSources::new();
    certificates.add_entry_point("https");
    certificates.add_entry_point("admin-tls");
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["web.test".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let pair = (cert.pem().into_bytes(), key.serialize_pem().into_bytes());
    let secret = ObjectKey {
        namespace: "default".into(),
        name: "web-tls".into(),
    };
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    certificates.set_secret(secret, Some(pair)).unwrap();
    // admin-tls has a configured default; https falls back to the generated one.
    let key = rcgen::KeyPair::generate().unwrap();
    let default = rcgen::CertificateParams::new(vec!["default.test".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let default = parse_pair(default.pem().as_bytes(), key.serialize_pem().as_bytes()).unwrap();
    let default = CertEntry {
        cert: default,
        source: CertSource::File("/ssl/default.crt".into()),
    };
    certificates.set_file("admin-tls", CertSlot::Default, Some(default));
    certificates.set_generated(crate::tls::generate_default().unwrap());
    let mut registry = Registry::default();
    let _metrics = crate::metrics::Metrics::register(&mut registry);
    AdminState {
        readiness: Readiness::default(),
        registry: Arc::new(registry),
        table: Arc::new(ArcSwap::from_pointee(table)),
        entry_points: vec![EntryPointInfo {
            name: "https".into(),
            address: "127.0.0.1:8443".parse().unwrap(),
            tls: true,
            redirect: None,
        }],
        certificates,
    }
}

async fn call(state: &AdminState, method: Method, path: &str) -> (StatusCode, String, String) {
    let response = respond(&method, path, state);
    let status = response.status();
    let content_type = response.headers()[http::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_string();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, content_type, String::from_utf8(body.to_vec()).unwrap())
}

async fn api(state: &AdminState, path: &str) -> Value {
    let (status, content_type, body) = call(state, Method::GET, path).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/json"),
        "{path}"
    );
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn ping_and_probes_answer_like_traefik_and_kubernetes_expect() {
    let state = state();
    assert_eq!(call(&state, Method::GET, "/ping").await.2, "OK");
    assert_eq!(call(&state, Method::HEAD, "/ping").await.0, StatusCode::OK);
    assert_eq!(call(&state, Method::GET, "/healthz").await.0, StatusCode::OK);
    state.readiness.set(false, "waiting for the first list");
    let (status, _, body) = call(&state, Method::GET, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("waiting for the first list"), "{body}");
    state.readiness.set(true, "ready");
    assert_eq!(call(&state, Method::GET, "/readyz").await.0, StatusCode::OK);
    assert_eq!(
        call(&state, Method::GET, "/nothing").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&state, Method::POST, "/ping").await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn the_api_shows_routers_services_entry_points_and_certificates() {
    let state = state();
    let routers = api(&state, "/api/routers").await;
    let routers = routers.as_array().unwrap();
    assert_eq!(routers.len(), 3);
    assert!(
        routers.iter().all(|r| r["service"] == "default/web:http"),
        "{routers:#?}"
    );
    assert_eq!(routers.iter().filter(|r| r["defaultBackend"] == true).count(), 1);
    assert!(routers.iter().any(|r| r["path"] == "/api"));

    let services = api(&state, "/api/services").await;
    assert_eq!(services.as_array().unwrap().len(), 1, "{services:#}");
    assert_eq!(services[0]["name"], "default/web:http");

    let entry_points = api(&state, "/api/entrypoints").await;
    assert_eq!(entry_points[0]["name"], "https");
    assert_eq!(entry_points[0]["tls"], true);

    // A Secret's certificate is in every TLS entry point's set: shown once.
    // The defaults are listed too, each with the entry points it is the
    // default of.
    let certificates = api(&state, "/api/certificates").await;
    let certificates = certificates.as_array().unwrap();
    let by_kind = |kind: &str| {
        certificates
            .iter()
            .find(|c| c["source"]["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} certificate: {certificates:#?}"))
    };
    assert_eq!(certificates.len(), 3, "{certificates:#?}");
    let secret = by_kind("Secret");
    assert_eq!(secret["serves"], json!(["web.test"]));
    assert_eq!(secret["entryPoints"], json!(["admin-tls", "https"]));
    assert_eq!(secret["default"], false);
    assert!(secret["notAfter"].as_i64().unwrap() > secret["notBefore"].as_i64().unwrap());
    let configured = by_kind("File");
    assert_eq!(
        (&configured["default"], &configured["entryPoints"]),
        (&json!(true), &json!(["admin-tls"]))
    );
    let generated = by_kind("Generated");
    assert_eq!(
        (
            &generated["default"],
            &generated["entryPoints"],
            &generated["serves"]
        ),
        (&json!(true), &json!(["https"]), &json!([]))
    );
    assert_eq!(generated["subject"], "CN=PASSERELLE DEFAULT CERT");

    let overview = api(&state, "/api").await;
    assert_eq!(
        (
            overview["entryPoints"].as_u64(),
            overview["routers"].as_u64(),
            overview["services"].as_u64(),
            overview["certificates"].as_u64()
        ),
        (Some(1), Some(3), Some(1), Some(3))
    );
}

/// Every object key in `value`, recursively.
fn keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                out.push(key.clone());
                keys(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keys(item, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_api_key_is_camel_case() {
    let state = state();
    let mut all = Vec::new();
    for path in [
        "/api",
        "/api/entrypoints",
        "/api/routers",
        "/api/services",
        "/api/certificates",
    ] {
        keys(&api(&state, path).await, &mut all);
    }
    let camel = |key: &str| {
        key.starts_with(|c: char| c.is_ascii_lowercase()) && key.chars().all(|c| c.is_ascii_alphanumeric())
    };
    let wrong: Vec<&String> = all.iter().filter(|key| !camel(key)).collect();
    assert_eq!(wrong, Vec::<&String>::new());
    for key in [
        "pathKind",
        "ruleType",
        "replacePath",
        "entryPoints",
        "passHostHeader",
        "rewriteTarget",
        "appRoot",
        "entryPoint",
        "notAfter",
        "notBefore",
        "defaultBackend",
        "endpoints",
    ] {
        assert!(all.iter().any(|k| k == key), "{key} missing from {all:?}");
    }
    let routers = api(&state, "/api/routers").await;
    let api_route = routers
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "/api")
        .unwrap();
    assert_eq!(api_route["ruleType"], json!({"replacePath": "/new"}));
    assert_eq!(api_route["pathKind"], "Prefix");
    assert_eq!(api_route["redirect"]["target"], json!({"entryPoint": "https"}));
    assert_eq!(api_route["whitelist"], json!([{"addr": "10.0.0.0", "prefix": 8}]));
    let services = api(&state, "/api/services").await;
    assert_eq!(services[0]["protocol"], "http");
    assert_eq!(services[0]["upstream"], json!({"endpoints": ["10.0.0.1:8080"]}));
}

#[tokio::test]
async fn metrics_are_the_prometheus_exposition() {
    let state = state();
    let (status, content_type, body) = call(&state, Method::GET, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    assert!(body.contains("# TYPE traefik_config_reloads counter"), "{body}");
}
