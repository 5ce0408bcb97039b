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
            ("http", addr("[::]:80"), true, false),
            ("https", addr("[::]:443"), false, true)
        ]
    );
    assert_eq!(settings.default_entry_points, ["http", "https"]);
    assert_eq!(settings.admin, Some(addr("[::]:8081")));
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
    assert_eq!(names, [("http", addr("[::]:80")), ("https", addr("[::]:443"))]);
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
fn entry_points_advertise_their_configured_port_wherever_they_bind() {
    // The chart's case: the file says :80 and :443 (hostPorts), the flags
    // bind the container ports.
    let moved = args(&[
        "--entrypoint-address=http=:8000",
        "--entrypoint-address=https=:8443",
    ]);
    let settings = Settings::resolve(&moved, Some(&file(WALKTHROUGH))).unwrap();
    let bound: Vec<u16> = settings.entry_points.iter().map(|ep| ep.address.port()).collect();
    assert_eq!(bound, [8000, 8443]);
    assert_eq!(
        settings.advertised_ports,
        [("http".to_owned(), 80), ("https".to_owned(), 443)].into()
    );

    // Without a file, the defaults :80 and :443 are advertised.
    let settings = Settings::resolve(&moved, None).unwrap();
    assert_eq!(
        settings.advertised_ports,
        [("http".to_owned(), 80), ("https".to_owned(), 443)].into()
    );

    // A file's own port is advertised, and a port 0 advertises none (the
    // bound port is used).
    let text = "[entryPoints.web]\naddress = \":8080\"\n[entryPoints.any]\naddress = \"127.0.0.1:0\"";
    let settings = Settings::resolve(&args(&["--entrypoint-address=web=:9090"]), Some(&file(text))).unwrap();
    assert_eq!(settings.advertised_ports, [("web".to_owned(), 8080)].into());

    // An entry point that only a flag defines advertises that address.
    let settings = Settings::resolve(&args(&["--entryPoints=Name:extra Address::8888"]), None).unwrap();
    assert_eq!(settings.advertised_ports, [("extra".to_owned(), 8888)].into());
}

#[test]
fn traefik_entry_point_flags_define_entry_points() {
    let flags = args(&[
        "--entryPoints=Name:http Address::80 Redirect.EntryPoint:https",
        "--entryPoints=Name:https Address::443 TLS:/ssl/tls.crt,/ssl/tls.key TLS.SniStrict:true",
        "--defaultEntryPoints=https",
    ]);
    let settings = Settings::resolve(&flags, None).unwrap();
    let names: Vec<&str> = settings.entry_points.iter().map(|ep| ep.name.as_str()).collect();
    assert_eq!(names, ["http", "https"]);
    assert_eq!(
        settings.entry_points[0].redirect,
        Some(crate::routing::Redirect {
            target: crate::routing::RedirectTarget::EntryPoint("https".into()),
            permanent: false,
        })
    );
    let tls = settings.entry_points[1].tls.as_ref().unwrap();
    assert_eq!(tls.certificates.len(), 1);
    assert!(tls.sni_strict);
    assert_eq!(settings.default_entry_points, ["https"]);

    // A flag replaces the file's entry point of that name and keeps the others.
    let flags = args(&["--entryPoints=Name:https Address::9443 TLS"]);
    let settings = Settings::resolve(&flags, Some(&file(WALKTHROUGH))).unwrap();
    let https = &settings.entry_points[1];
    assert_eq!(
        (
            https.address.port(),
            https.tls.as_ref().unwrap().certificates.len()
        ),
        (9443, 0)
    );
    assert!(settings.entry_points[0].redirect.is_some());

    let error = Settings::resolve(&args(&["--defaultEntryPoints=nope"]), None).unwrap_err();
    assert!(
        matches!(
            error,
            ConfigError::Flag {
                flag: "--defaultEntryPoints",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn log_level_flag_sets_the_level_and_debug_wins() {
    let text = "logLevel = \"ERROR\"";
    let level = |flags: &[&str]| {
        Settings::resolve(&args(flags), Some(&file(text)))
            .unwrap()
            .log
            .level
    };
    assert_eq!(level(&[]), tracing::Level::ERROR);
    assert_eq!(level(&["--logLevel=WARN"]), tracing::Level::WARN);
    assert_eq!(level(&["--logLevel=info", "-d"]), tracing::Level::DEBUG);
    let debug_file = Settings::resolve(&args(&["--logLevel=INFO"]), Some(&file("debug = true"))).unwrap();
    assert_eq!(
        debug_file.log.level,
        tracing::Level::INFO,
        "the flag wins over the file"
    );
}

#[test]
fn timeouts_and_upstream_tls_come_from_the_file() {
    let text = "insecureSkipVerify = true\n[forwardingTimeouts]\ndialTimeout = \"3s\"";
    let settings = Settings::resolve(&args(&[]), Some(&file(text))).unwrap();
    assert_eq!(settings.timeouts.dial, Some(Duration::from_secs(3)));
    assert!(settings.upstream_tls.insecure_skip_verify);
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
        Some(addr("[::]:9000")),
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
    assert_eq!(settings.admin, Some(addr("[::]:8080")));
    let settings = Settings::resolve(&args(&["--web.address=:8081"]), None).unwrap();
    assert_eq!(
        settings.admin,
        Some(addr("[::]:8081")),
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
