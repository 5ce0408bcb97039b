//! The proxy as the chart starts it: the rendered container args parsed by
//! the proxy's own command line, the rendered `traefik.toml` by its own
//! config parser, and the two resolved into the settings it would run with —
//! in each shape of the chart and with the walkthrough-style config that
//! docs/install.md shows.

#[path = "support/render.rs"]
mod support;

use clap::Parser as _;
use passerelle_deploy::Manifest;
use passerelle_proxy::config::{Args, FileConfig, Settings};

/// What the proxy would run with, from the rendered objects.
fn settings(objects: &[Manifest], kind: &str) -> Settings {
    let workload = support::get(objects, kind, "passerelle-proxy");
    let argv = std::iter::once("passerelle-proxy".to_string()).chain(support::args(workload));
    let args =
        Args::try_parse_from(argv).unwrap_or_else(|e| panic!("the proxy refuses the chart's args: {e}"));
    let config = support::get(objects, "ConfigMap", "passerelle-proxy")["data"]["traefik.toml"]
        .as_str()
        .expect("a traefik.toml in the ConfigMap");
    let (file, warnings) = FileConfig::parse(config, "/config/traefik.toml")
        .unwrap_or_else(|e| panic!("the proxy refuses the chart's traefik.toml: {e}\n{config}"));
    assert!(
        warnings.is_empty(),
        "warnings on the chart's traefik.toml: {warnings:?}"
    );
    assert_eq!(
        args.configfile.as_deref(),
        Some(std::path::Path::new("/config/traefik.toml"))
    );
    Settings::resolve(&args, Some(&file))
        .unwrap_or_else(|e| panic!("the proxy cannot resolve its settings: {e}"))
}

fn port_of(settings: &Settings, name: &str) -> u16 {
    settings
        .entry_points
        .iter()
        .find(|ep| ep.name == name)
        .unwrap_or_else(|| panic!("no entry point {name}"))
        .address
        .port()
}

#[test]
fn default_daemonset_serves_http_redirected_and_https_on_its_container_ports() {
    let settings = settings(&support::objects(&[]), "DaemonSet");
    assert_eq!(port_of(&settings, "http"), 8000);
    assert_eq!(port_of(&settings, "https"), 8443);
    // Redirects name the node's port, not the container's.
    assert_eq!(settings.advertised_ports.get("https"), Some(&443));
    assert_eq!(settings.advertised_ports.get("http"), Some(&80));
    let http = settings.entry_points.iter().find(|ep| ep.name == "http").unwrap();
    assert!(http.redirect.is_some(), "HTTP is redirected to HTTPS");
    let https = settings
        .entry_points
        .iter()
        .find(|ep| ep.name == "https")
        .unwrap();
    assert!(https.tls.is_some(), "HTTPS terminates TLS");
    assert_eq!(settings.admin.map(|a| a.port()), Some(8081));
    assert!(settings.kubernetes.is_some(), "the Ingress provider is on");
}

#[test]
fn host_network_binds_the_node_ports() {
    let settings = settings(&support::objects(&["proxy.hostNetwork=true"]), "DaemonSet");
    assert_eq!(
        (port_of(&settings, "http"), port_of(&settings, "https")),
        (80, 443)
    );
}

#[test]
fn deployment_publishes_its_service_and_honours_the_filters() {
    let objects = support::objects(&[
        "proxy.kind=Deployment",
        "proxy.ingressClass=edge",
        "proxy.namespaces=team-a,team-b",
        "proxy.redirectToHttps=false",
    ]);
    let settings = settings(&objects, "Deployment");
    let kube = settings.kubernetes.as_ref().unwrap();
    assert_eq!(kube.ingress_class.as_deref(), Some("edge"));
    assert_eq!(kube.namespaces, vec!["team-a".to_string(), "team-b".to_string()]);
    let published = kube.publish.service.as_ref().expect("--publish-service");
    assert_eq!(
        (published.namespace.as_str(), published.name.as_str()),
        ("passerelle", "passerelle-proxy")
    );
    let http = settings.entry_points.iter().find(|ep| ep.name == "http").unwrap();
    assert!(http.redirect.is_none());
}

#[test]
fn the_walkthrough_config_of_the_install_doc_runs_on_the_chart_ports() {
    let config = r#"defaultEntryPoints = ["http", "https"]
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
    let config_value = format!("proxy.config={}", serde_json::to_string(config).unwrap());
    let objects = support::objects(&[&config_value]);
    let settings = settings(&objects, "DaemonSet");
    assert_eq!(
        (port_of(&settings, "http"), port_of(&settings, "https")),
        (8000, 8443)
    );
    let https = settings
        .entry_points
        .iter()
        .find(|ep| ep.name == "https")
        .unwrap();
    assert_eq!(https.tls.as_ref().map(|t| t.certificates.len()), Some(1));
}
