//! The walkthrough: its traefik.toml (verbatim but for the certificate
//! paths; ports given with `--entrypoint-address`), its flags
//! (`-d --web --web.address --kubernetes --configfile`), and its Ingress in
//! the networking.k8s.io/v1 form applied with kubectl (class `Traefik`,
//! `Traefik.frontend.rule.type: PathPrefixStrip`, TLS Secret
//! `meltingpoc-tls` that nothing creates) work together.

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use serde_json::json;

use crate::support::*;

const TRAEFIK_TOML: &str = r#"defaultEntryPoints = ["http", "https"]
[entryPoints]
  [entryPoints.http]
   address = ":80"
     [entryPoints.http.redirect]
      entryPoint = "https"
     [entryPoints.https]
      address = ":443"
     [entryPoints.https.tls]
       [[entryPoints.https.tls.certificates]]
        CertFile = "/ssl/tls.crt"
        KeyFile = "/ssl/tls.key"
"#;

const HOST: &str = "meltingpoc.k8.wildwidewest.test";

const INGRESS: &str = r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  annotations:
    kubernetes.io/ingress.class: Traefik
    Traefik.frontend.rule.type: PathPrefixStrip
  name: inky-jaguar-api-gateway-chart
spec:
  rules:
  - host: meltingpoc.k8.wildwidewest.test
    http:
      paths:
      - backend:
          service:
            name: inky-jaguar-api-gateway-chart
            port:
              name: http
        path: /
        pathType: ImplementationSpecific
  tls:
  - secretName: meltingpoc-tls
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walkthrough_ingress_and_traefik_toml_work_together() {
    let cluster = Cluster::start().await;
    let ca = Ca::new();
    let gateway = backend("gateway").await;
    let api = backend("api").await;

    // The Secret the walkthrough mounts at /ssl, as files.
    let ssl = cluster.dir.path().join("ssl");
    std::fs::create_dir_all(&ssl).unwrap();
    let pem = ca.issue(&[HOST], "walkthrough");
    std::fs::write(ssl.join("tls.crt"), &pem.cert).unwrap();
    std::fs::write(ssl.join("tls.key"), &pem.key).unwrap();
    let toml = TRAEFIK_TOML.replace("/ssl", &ssl.to_string_lossy());
    let config = cluster.dir.path().join("traefik.toml");
    std::fs::write(&config, toml).unwrap();

    let chart = "inky-jaguar-api-gateway-chart";
    cluster.apply::<Service>(service("default", chart, "http")).await;
    cluster
        .apply::<EndpointSlice>(slice("default", chart, "http", &[gateway.addr]))
        .await;
    cluster.kubectl(&["apply", "-f", "-"], Some(INGRESS));
    // Stripping a longer prefix, as a second Ingress of the same kind.
    cluster.apply::<Service>(service("default", "api", "http")).await;
    cluster
        .apply::<EndpointSlice>(slice("default", "api", "http", &[api.addr]))
        .await;
    let mut value = ingress(
        "default",
        "api",
        json!({"kubernetes.io/ingress.class": "Traefik", "Traefik.frontend.rule.type": "PathPrefixStrip"}),
        HOST,
        "/api",
        "api",
    );
    value["spec"]["rules"][0]["http"]["paths"][0]["pathType"] = json!("ImplementationSpecific");
    cluster.apply::<Ingress>(value).await;

    let configfile = format!("--configfile={}", config.display());
    let proxy = cluster
        .proxy(&[
            "-d",
            "--web",
            "--web.address=127.0.0.1:0",
            "--kubernetes",
            &configfile,
        ])
        .await;
    let admin = proxy.admin.unwrap();
    until("ready", || async {
        match get(admin, "localhost", "/readyz").await.status {
            200 => Ok(()),
            other => Err(other.to_string()),
        }
    })
    .await;

    // http redirects everything to https, on the port of the file's `:443`
    // (`--entrypoint-address` only moved where it binds).
    let redirect = get(proxy.http, HOST, "/hello?x=1").await;
    assert_eq!(redirect.status, 302, "{redirect:?}");
    assert_eq!(
        redirect.header("location"),
        Some(format!("https://{HOST}/hello?x=1").as_str())
    );

    // https serves the config file's certificate for the host (the Secret
    // is missing) and routes: `/` strips nothing, `/api` is stripped.
    let client = ca.client(&[b"http/1.1"]);
    let stream = tls(proxy.https, HOST, client.clone()).await.unwrap();
    assert_eq!(served_cn(&stream), "walkthrough");
    let reply = tls_get(stream, HOST, "/hello?x=1").await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["name"], "gateway");
    assert_eq!(reply.json()["uri"], "/hello?x=1");
    let stream = tls(proxy.https, HOST, client.clone()).await.unwrap();
    let reply = tls_get(stream, HOST, "/api/users").await;
    assert_eq!(reply.json()["name"], "api", "{reply:?}");
    assert_eq!(reply.json()["uri"], "/users");
    assert_eq!(
        reply.upstream_header("x-forwarded-prefix").as_deref(),
        Some("/api")
    );

    // The missing Secret is a warning Event, not an outage.
    until("an Event about meltingpoc-tls", || async {
        let events = cluster.events("Ingress", "default", chart).await;
        match events.iter().find(|e| e.1 == "TLSSecretNotFound") {
            Some(e) if e.0 == "Warning" && e.2.contains("default/meltingpoc-tls") => Ok(()),
            _ => Err(format!("{events:?}")),
        }
    })
    .await;
    let described = cluster.kubectl(&["describe", "ingress", chart], None);
    assert!(described.contains("TLSSecretNotFound"), "{described}");

    // The admin listener.
    let ping = get(admin, "localhost", "/ping").await;
    assert_eq!((ping.status, ping.body.as_str()), (200, "OK"));
    let routers = get(admin, "localhost", "/api/routers").await.json();
    let paths: Vec<&str> = routers
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["path"].as_str())
        .collect();
    assert!(paths.contains(&"/") && paths.contains(&"/api"), "{routers:#}");
    let certificates = get(admin, "localhost", "/api/certificates").await.json();
    let file_cert = certificates
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject"].as_str().is_some_and(|s| s.contains("walkthrough")))
        .unwrap_or_else(|| panic!("{certificates:#}"));
    assert_eq!(file_cert["source"]["kind"], "File");
    assert_eq!(file_cert["serves"], json!([HOST]));
    let entry_points = get(admin, "localhost", "/api/entrypoints").await.json();
    assert_eq!(entry_points[0]["name"], "http");
    assert_eq!(
        entry_points[0]["redirect"]["target"]["entryPoint"], "https",
        "{entry_points:#}"
    );
    let metrics = get(admin, "localhost", "/metrics").await.body;
    for name in [
        "traefik_config_reloads_total",
        "traefik_tls_certs_not_after",
        "traefik_entrypoint_requests_total",
    ] {
        assert!(metrics.contains(name), "{name} missing from:\n{metrics}");
    }
    proxy.stop().await;
}
