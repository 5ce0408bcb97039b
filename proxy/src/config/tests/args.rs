//! The command line.

use std::path::PathBuf;
use std::time::Duration;

use clap::{CommandFactory, Parser};

use super::WALKTHROUGH_ARGS;
use crate::config::{AccessLogFormat, Args, LogFormat};

#[test]
fn parses_the_walkthrough_traefik_flags_verbatim() {
    let args = Args::try_parse_from(WALKTHROUGH_ARGS).unwrap();
    assert_eq!(
        args,
        Args {
            debug: true,
            web: true,
            web_address: Some(":8081".into()),
            kubernetes: true,
            configfile: Some(PathBuf::from("/config/traefik.toml")),
            ..Args::default()
        }
    );
}

#[test]
fn parses_passerelle_flags() {
    let args = Args::try_parse_from([
        "passerelle-proxy",
        "--ingress-class=traefik",
        "--namespaces",
        "default,apps",
        "--label-selector=app=web",
        "--publish-address=203.0.113.7",
        "--publish-service=kube-system/passerelle",
        "--kubeconfig=/tmp/kubeconfig",
        "--log-format=json",
        "--access-log=json",
        "--entrypoint-address",
        "http=127.0.0.1:0",
        "--entrypoint-address=https=127.0.0.1:0",
        "--shutdown-timeout=1m30s",
    ])
    .unwrap();
    assert_eq!(args.ingress_class.as_deref(), Some("traefik"));
    assert_eq!(args.namespaces, ["default", "apps"]);
    assert_eq!(args.label_selector.as_deref(), Some("app=web"));
    assert_eq!(args.publish_address.as_deref(), Some("203.0.113.7"));
    assert_eq!(args.publish_service.as_deref(), Some("kube-system/passerelle"));
    assert_eq!(args.kubeconfig, Some(PathBuf::from("/tmp/kubeconfig")));
    assert_eq!(args.log_format, Some(LogFormat::Json));
    assert_eq!(args.access_log, Some(AccessLogFormat::Json));
    assert_eq!(args.entrypoint_address, ["http=127.0.0.1:0", "https=127.0.0.1:0"]);
    assert_eq!(args.shutdown_timeout, Some(Duration::from_secs(90)));
}

#[test]
fn accepts_the_common_traefik_flags() {
    let args = Args::try_parse_from([
        "traefik",
        "--logLevel=WARN",
        "--kubernetes",
        "--kubernetes.ingressClass=traefik-internal",
        "--kubernetes.namespaces=a,b",
        "--kubernetes.labelselector=app=web",
        "--accesslog",
        "--entryPoints=Name:http Address::80",
        "--entrypoints=Name:https Address::443 TLS",
        "--defaultEntryPoints=http,https",
    ])
    .unwrap();
    assert_eq!(args.log_level, Some(tracing::Level::WARN));
    assert_eq!(args.ingress_class.as_deref(), Some("traefik-internal"));
    assert_eq!(args.namespaces, ["a", "b"]);
    assert_eq!(args.label_selector.as_deref(), Some("app=web"));
    assert_eq!(args.access_log, Some(AccessLogFormat::Common));
    assert_eq!(
        args.entry_points,
        ["Name:http Address::80", "Name:https Address::443 TLS"]
    );
    assert_eq!(args.default_entry_points, ["http", "https"]);

    for (flag, level) in [
        ("--loglevel=debug", tracing::Level::DEBUG),
        ("--logLevel=FATAL", tracing::Level::ERROR),
    ] {
        let args = Args::try_parse_from(["traefik", flag]).unwrap();
        assert_eq!(args.log_level, Some(level), "{flag}");
    }
    let args =
        Args::try_parse_from(["traefik", "--kubernetes.labelSelector=a=b", "--accessLog=json"]).unwrap();
    assert_eq!(args.label_selector.as_deref(), Some("a=b"));
    assert_eq!(args.access_log, Some(AccessLogFormat::Json));
    let args = Args::try_parse_from(["traefik", "--accesslog=true"]).unwrap();
    assert_eq!(args.access_log, Some(AccessLogFormat::Common));
}

#[test]
fn access_log_without_a_value_is_the_common_format() {
    let args = Args::try_parse_from(["passerelle-proxy", "--access-log", "--kubernetes"]).unwrap();
    assert_eq!(args.access_log, Some(AccessLogFormat::Common));
    assert!(args.kubernetes, "--access-log must not swallow the next flag");
    let args = Args::try_parse_from(["passerelle-proxy"]).unwrap();
    assert_eq!(args.access_log, None);
}

#[test]
fn invalid_flag_values_are_refused() {
    for bad in [
        ["passerelle-proxy", "--log-format=xml"],
        ["passerelle-proxy", "--access-log=xml"],
        ["passerelle-proxy", "--shutdown-timeout=soon"],
        ["passerelle-proxy", "--logLevel=LOUD"],
        ["passerelle-proxy", "--no-such-flag"],
    ] {
        assert!(Args::try_parse_from(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn every_flag_has_an_environment_fallback() {
    let command = Args::command();
    let missing: Vec<String> = command
        .get_arguments()
        .filter(|arg| !matches!(arg.get_id().as_str(), "help" | "version"))
        .filter(|arg| {
            let env = arg
                .get_env()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default();
            !env.starts_with("PASSERELLE_PROXY_")
        })
        .map(|arg| arg.get_id().to_string())
        .collect();
    assert_eq!(missing, Vec::<String>::new());
    command.debug_assert();
}
