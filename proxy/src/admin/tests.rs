//! The admin answers, read from hand-made snapshots.

use std::sync::Arc;

use arc_swap::ArcSwap;
use http_body_util::BodyExt as _;
use serde_json::json;

use super::*;
use crate::routing::{HostMatch, ObjectKey, PathKind, Route, RuleType, Service, Upstream, UpstreamProtocol};

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
    let table = RouteTable::from_routes(
        vec![
            route("default/web/0/0", "/", &service),
            route("default/web/0/1", "/api", &service),
        ],
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
    let certificates = api(&state, "/api/certificates").await;
    let certificates = certificates.as_array().unwrap();
    assert_eq!(certificates.len(), 1, "{certificates:#?}");
    assert_eq!(certificates[0]["serves"], json!(["web.test"]));
    assert_eq!(certificates[0]["entryPoints"], json!(["admin-tls", "https"]));
    assert_eq!(certificates[0]["source"]["kind"], "Secret");

    let overview = api(&state, "/api").await;
    assert_eq!(
        (
            overview["routers"].as_u64(),
            overview["services"].as_u64(),
            overview["certificates"].as_u64()
        ),
        (Some(3), Some(1), Some(1))
    );
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
