//! The merge: flags over the file over the defaults.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;

use super::{WALKTHROUGH, WALKTHROUGH_ARGS};
use crate::config::{
    AccessLogFormat, Args, ConfigError, FileConfig, KubeSettings, LogFormat, PublishStatus, Settings,
    TlsConfig,
};
use crate::routing::ObjectKey;

const PATH: &str = "/config/traefik.toml";

fn args(extra: &[&str]) -> Args {
    Args::try_parse_from(std::iter::once("passerelle-proxy").chain(extra.iter().copied())).unwrap()
}

fn file(text: &str) -> FileConfig {
    FileConfig::parse(text, PATH).unwrap().0
}

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

#[test]
fn the_walkthrough_flags_and_file_resolve_as_traefik_ran_them() {
    let args = Args::try_parse_from(WALKTHROUGH_ARGS).unwrap();
    let settings = Settings::resolve(&args, Some(&file(WALKTHROUGH))).unwrap();
    let names: Vec<(&str, SocketAddr, bool, bool)> = settings
        .entry_points
        .iter()
        .map(|ep| {
            (
                ep.name.as_str(),
                ep.address,
                ep.redirect.is_some(),
                ep.tls.is_some(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("http", addr("0.0.0.0:80"), true, false),
            ("https", addr("0.0.0.0:443"), false, true)
        ]
    );
    assert_eq!(settings.default_entry_points, ["http", "https"]);
    assert_eq!(settings.admin, Some(addr("0.0.0.0:8081")));
    assert_eq!(settings.kubernetes, Some(KubeSettings::default()));
    assert_eq!(settings.log.level, tracing::Level::DEBUG);
    assert_eq!(settings.log.format, LogFormat::Plain);
    assert_eq!(settings.log.access_log, None);
    assert_eq!(settings.shutdown_timeout, Duration::from_secs(10));
    assert_eq!(settings.config_file, Some("/config/traefik.toml".into()));
}

#[test]
fn without_a_config_file_http_80_and_https_443_serve() {
    let settings = Settings::resolve(&args(&[]), None).unwrap();
    let names: Vec<(&str, SocketAddr)> = settings
        .entry_points
        .iter()
        .map(|ep| (ep.name.as_str(), ep.address))
        .collect();
    assert_eq!(
        names,
        [("http", addr("0.0.0.0:80")), ("https", addr("0.0.0.0:443"))]
    );
    assert_eq!(settings.entry_points[1].tls, Some(TlsConfig::default()));
    assert_eq!(settings.default_entry_points, ["http", "https"]);
    assert_eq!((settings.admin, settings.kubernetes.as_ref()), (None, None));
    assert_eq!(settings.log.level, tracing::Level::INFO);
}

#[test]
fn entrypoint_address_overrides_the_file() {
    let args = args(&[
        "--entrypoint-address=http=127.0.0.1:0",
        "--entrypoint-address",
        "https=127.0.0.1:0",
    ]);
    let settings = Settings::resolve(&args, Some(&file(WALKTHROUGH))).unwrap();
    assert!(
        settings
            .entry_points
            .iter()
            .all(|ep| ep.address == addr("127.0.0.1:0"))
    );
    assert!(
        settings.entry_points[0].redirect.is_some(),
        "only the address changes"
    );
}

#[test]
fn bad_entrypoint_address_flags_are_errors_naming_the_flag() {
    for bad in ["nope=127.0.0.1:0", "http", "http=nowhere"] {
        let error = Settings::resolve(&args(&["--entrypoint-address", bad]), None).unwrap_err();
        assert!(
            matches!(
                error,
                ConfigError::Flag {
                    flag: "--entrypoint-address",
                    ..
                }
            ),
            "{bad}: {error}"
        );
    }
}

#[test]
fn flags_win_over_the_file() {
    let text = r#"
        debug = false
        logLevel = "ERROR"
        [traefikLog]
        format = "json"
        [lifeCycle]
        graceTimeOut = "30s"
        [web]
        address = ":9000"
        [kubernetes]
        namespaces = ["from-file"]
        labelSelector = "from=file"
        ingressClass = "from-file"
        [kubernetes.ingressEndpoint]
        hostname = "lb.example.test"
        publishedService = "file/svc"
    "#;
    let from_file = Settings::resolve(&args(&[]), Some(&file(text))).unwrap();
    assert_eq!(from_file.log.level, tracing::Level::ERROR);
    assert_eq!(from_file.log.format, LogFormat::Json);
    assert_eq!(from_file.shutdown_timeout, Duration::from_secs(30));
    assert_eq!(
        from_file.admin,
        Some(addr("0.0.0.0:9000")),
        "[web] enables the admin listener"
    );
    assert_eq!(
        from_file.kubernetes,
        Some(KubeSettings {
            namespaces: vec!["from-file".into()],
            label_selector: Some("from=file".into()),
            ingress_class: Some("from-file".into()),
            publish: PublishStatus {
                ip: None,
                hostname: Some("lb.example.test".into()),
                service: Some(ObjectKey {
                    namespace: "file".into(),
                    name: "svc".into()
                }),
            },
            kubeconfig: None,
        }),
        "[kubernetes] enables the provider"
    );

    let flags = args(&[
        "-d",
        "--log-format=plain",
        "--shutdown-timeout=2s",
        "--web.address=127.0.0.1:0",
        "--namespaces=a,b",
        "--label-selector=from=flag",
        "--ingress-class=",
        "--publish-address=198.51.100.1",
        "--publish-service=flag/svc",
        "--access-log",
    ]);
    let merged = Settings::resolve(&flags, Some(&file(text))).unwrap();
    assert_eq!(merged.log.level, tracing::Level::DEBUG);
    assert_eq!(merged.log.format, LogFormat::Plain);
    assert_eq!(merged.log.access_log, Some(AccessLogFormat::Common));
    assert_eq!(merged.shutdown_timeout, Duration::from_secs(2));
    assert_eq!(merged.admin, Some(addr("127.0.0.1:0")));
    let kubernetes = merged.kubernetes.unwrap();
    assert_eq!(kubernetes.namespaces, ["a", "b"]);
    assert_eq!(kubernetes.label_selector.as_deref(), Some("from=flag"));
    assert_eq!(
        kubernetes.ingress_class, None,
        "an empty --ingress-class wins and means no class"
    );
    assert_eq!(kubernetes.publish.ip, Some("198.51.100.1".parse().unwrap()));
    assert_eq!(kubernetes.publish.hostname, None);
    assert_eq!(
        kubernetes.publish.service,
        Some(ObjectKey {
            namespace: "flag".into(),
            name: "svc".into()
        })
    );
}

#[test]
fn web_alone_listens_on_traefiks_default_port() {
    let settings = Settings::resolve(&args(&["--web"]), None).unwrap();
    assert_eq!(settings.admin, Some(addr("0.0.0.0:8080")));
    let settings = Settings::resolve(&args(&["--web.address=:8081"]), None).unwrap();
    assert_eq!(
        settings.admin,
        Some(addr("0.0.0.0:8081")),
        "--web.address implies --web"
    );
}

#[test]
fn a_publish_address_that_is_not_an_ip_is_a_hostname() {
    let settings = Settings::resolve(
        &args(&["--kubernetes", "--publish-address=lb.example.test"]),
        None,
    )
    .unwrap();
    assert_eq!(
        settings.kubernetes.unwrap().publish.hostname.as_deref(),
        Some("lb.example.test")
    );
    let error = Settings::resolve(&args(&["--kubernetes", "--publish-service=nope"]), None).unwrap_err();
    assert!(
        matches!(
            error,
            ConfigError::Flag {
                flag: "--publish-service",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn references_to_unknown_entry_points_name_the_key_and_file() {
    let cases = [
        (
            "defaultEntryPoints = [\"http\", \"nope\"]\n[entryPoints.http]\naddress = \":80\"",
            "defaultEntryPoints",
        ),
        ("defaultEntryPoints = [\"web\"]", "defaultEntryPoints"),
        (
            "[entryPoints.http]\naddress = \":80\"\n[entryPoints.http.redirect]\nentryPoint = \"httpz\"",
            "entryPoints.http.redirect.entryPoint",
        ),
    ];
    for (text, key) in cases {
        let error = Settings::resolve(&args(&[]), Some(&file(text)))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&format!("`{key}`")) && error.contains(PATH),
            "{error}"
        );
    }
}

#[test]
fn load_reads_the_configfile_and_returns_its_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("traefik.toml");
    std::fs::write(&path, format!("unknownKey = 1\n{WALKTHROUGH}")).unwrap();
    let args = args(&["--configfile", path.to_str().unwrap()]);
    let (settings, warnings) = Settings::load(&args).unwrap();
    assert_eq!(settings.entry_points.len(), 2);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("`unknownKey`") && warnings[0].contains(path.to_str().unwrap()),
        "{warnings:?}"
    );
}
