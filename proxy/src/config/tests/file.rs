//! The traefik.toml: the walkthrough's file, case-insensitive keys, unknown
//! keys, invalid values and refused access control.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::WALKTHROUGH;
use crate::config::{
    AccessLogFormat, CertSpec, ConfigError, EntryPointConfig, FileConfig, LogFormat, PemSource, TlsConfig,
    TlsVersion,
};
use crate::routing::{ObjectKey, Redirect, RedirectTarget};

const PATH: &str = "/config/traefik.toml";

fn parse(text: &str) -> (FileConfig, Vec<String>) {
    FileConfig::parse(text, PATH).unwrap()
}

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

#[test]
fn loads_the_walkthrough_config() {
    let (config, warnings) = parse(WALKTHROUGH);
    assert_eq!(warnings, Vec::<String>::new());
    assert_eq!(
        config.default_entry_points,
        Some(vec!["http".to_owned(), "https".to_owned()])
    );
    assert_eq!(
        config.entry_points,
        [
            EntryPointConfig {
                name: "http".into(),
                address: addr("[::]:80"),
                redirect: Some(Redirect {
                    target: RedirectTarget::EntryPoint("https".into()),
                    permanent: false
                }),
                tls: None,
            },
            EntryPointConfig {
                name: "https".into(),
                address: addr("[::]:443"),
                redirect: None,
                tls: Some(TlsConfig {
                    certificates: vec![CertSpec {
                        cert: PemSource::File(PathBuf::from("/ssl/tls.crt")),
                        key: PemSource::File(PathBuf::from("/ssl/tls.key")),
                    }],
                    default_certificate: None,
                    min_version: TlsVersion::Tls12,
                    sni_strict: false,
                }),
            },
        ]
    );
    assert_eq!(config.kubernetes, None);
}

#[test]
fn keys_match_case_insensitively() {
    let text = r#"
        DEFAULTENTRYPOINTS = ["web"]
        LogLevel = "warn"
        [EntryPoints.web]
        Address = "127.0.0.1:8443"
        [EntryPoints.web.Redirect]
        EntryPoint = "web"
        Permanent = true
        [EntryPoints.web.TLS]
        MinVersion = "VersionTLS13"
        SNIStrict = true
        [[EntryPoints.web.TLS.Certificates]]
        certfile = "/a.crt"
        KEYFILE = "/a.key"
        [EntryPoints.web.TLS.DefaultCertificate]
        certFile = "/d.crt"
        keyFile = "/d.key"
        [Kubernetes]
        Namespaces = ["default", "apps"]
        LabelSelector = "app=web"
        IngressClass = "Traefik"
        [Kubernetes.IngressEndpoint]
        IP = "203.0.113.7"
        PublishedService = "kube-system/traefik"
        [TraefikLog]
        Format = "json"
        [AccessLog]
        [Web]
        Address = ":8081"
        [LifeCycle]
        GraceTimeOut = "3s"
    "#;
    let (config, warnings) = parse(text);
    assert_eq!(warnings, Vec::<String>::new());
    assert_eq!(config.default_entry_points, Some(vec!["web".to_owned()]));
    assert_eq!(config.log_level, Some(tracing::Level::WARN));
    let web = &config.entry_points[0];
    assert_eq!((web.name.as_str(), web.address), ("web", addr("127.0.0.1:8443")));
    assert_eq!(web.redirect.as_ref().map(|r| r.permanent), Some(true));
    let tls = web.tls.as_ref().unwrap();
    assert_eq!((tls.min_version, tls.sni_strict), (TlsVersion::Tls13, true));
    assert_eq!(tls.certificates[0].key, PemSource::File("/a.key".into()));
    assert_eq!(
        tls.default_certificate.as_ref().unwrap().cert,
        PemSource::File("/d.crt".into())
    );
    let kubernetes = config.kubernetes.unwrap();
    assert_eq!(kubernetes.namespaces, ["default", "apps"]);
    assert_eq!(kubernetes.label_selector.as_deref(), Some("app=web"));
    assert_eq!(kubernetes.ingress_class.as_deref(), Some("Traefik"));
    assert_eq!(kubernetes.publish.ip, Some("203.0.113.7".parse().unwrap()));
    assert_eq!(
        kubernetes.publish.service,
        Some(ObjectKey {
            namespace: "kube-system".into(),
            name: "traefik".into()
        })
    );
    assert_eq!(config.log_format, Some(LogFormat::Json));
    assert_eq!(config.access_log, Some(AccessLogFormat::Common));
    assert_eq!(config.web, Some(addr("[::]:8081")));
    assert_eq!(config.grace_timeout, Some(std::time::Duration::from_secs(3)));
}

#[test]
fn unknown_keys_are_warnings_naming_their_full_path() {
    let text = r#"
        checkNewVersion = false
        [entryPoints.http]
        address = ":80"
        compress = true
        [entryPoints.https]
        address = ":443"
        [entryPoints.https.tls]
        cipherSuites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
        [[entryPoints.https.tls.certificates]]
        certFile = "/a.crt"
        keyFile = "/a.key"
        ocsp = true
        [kubernetes]
        endpoint = "https://10.0.0.1"
        [kubernetes.ingressEndpoint]
        hostName = "lb.example.test"
        foo = 1
    "#;
    let (config, warnings) = parse(text);
    let mut named: Vec<&str> = warnings.iter().map(|w| w.split('`').nth(1).unwrap()).collect();
    named.sort();
    assert_eq!(
        named,
        [
            "checkNewVersion",
            "entryPoints.http.compress",
            "entryPoints.https.tls.certificates[0].ocsp",
            "entryPoints.https.tls.cipherSuites",
            "kubernetes.endpoint",
            "kubernetes.ingressEndpoint.foo",
        ]
    );
    assert!(warnings.iter().all(|w| w.contains(PATH)), "{warnings:?}");
    assert_eq!(
        config.kubernetes.unwrap().publish.hostname.as_deref(),
        Some("lb.example.test")
    );
}

#[test]
fn tls_below_12_is_a_warning_and_serves_tls12() {
    let text =
        "[entryPoints.https]\naddress = \":443\"\n[entryPoints.https.tls]\nminVersion = \"VersionTLS10\"\n";
    let (config, warnings) = parse(text);
    assert_eq!(
        config.entry_points[0].tls.as_ref().unwrap().min_version,
        TlsVersion::Tls12
    );
    assert!(
        warnings[0].contains("entryPoints.https.tls.minVersion"),
        "{warnings:?}"
    );
}

#[test]
fn invalid_values_are_errors_naming_the_key_and_the_file() {
    let ep = "[entryPoints.web]\naddress = \":80\"\n";
    let tls = "[entryPoints.web]\naddress = \":443\"\n[entryPoints.web.tls]\n";
    let cases: Vec<(String, &str)> = vec![
        (
            "[entryPoints.web]\naddress = \":http\"".into(),
            "entryPoints.web.address",
        ),
        (
            "[entryPoints.web]\naddress = 80".into(),
            "entryPoints.web.address",
        ),
        (
            "[entryPoints.web]\nredirect = {}".into(),
            "entryPoints.web.address",
        ),
        ("entryPoints = 1".into(), "entryPoints"),
        ("defaultEntryPoints = [1]".into(), "defaultEntryPoints"),
        ("debug = \"yes\"".into(), "debug"),
        ("logLevel = \"LOUD\"".into(), "logLevel"),
        ("graceTimeOut = \"soon\"".into(), "graceTimeOut"),
        (
            "[respondingTimeouts]\nreadTimeout = \"soon\"".into(),
            "respondingTimeouts.readTimeout",
        ),
        (
            "[respondingTimeouts]\nidleTimeout = -1".into(),
            "respondingTimeouts.idleTimeout",
        ),
        (
            "[forwardingTimeouts]\ndialTimeout = true".into(),
            "forwardingTimeouts.dialTimeout",
        ),
        ("insecureSkipVerify = \"yes\"".into(), "insecureSkipVerify"),
        ("rootCAs = 1".into(), "rootCAs"),
        (
            format!("{ep}[entryPoints.web.redirect]\npermanent = true"),
            "entryPoints.web.redirect.entryPoint",
        ),
        (
            format!("{ep}[entryPoints.web.redirect]\nregex = \"(\"\nreplacement = \"x\""),
            "entryPoints.web.redirect.regex",
        ),
        (
            format!("{ep}[entryPoints.web.redirect]\nregex = \"^http://(.*)\""),
            "entryPoints.web.redirect.regex",
        ),
        (
            format!("{tls}sniStrict = \"yes\""),
            "entryPoints.web.tls.sniStrict",
        ),
        (
            format!("{tls}minVersion = \"VersionTLS99\""),
            "entryPoints.web.tls.minVersion",
        ),
        (
            format!("{tls}certificates = \"x\""),
            "entryPoints.web.tls.certificates",
        ),
        (
            format!("{tls}[[entryPoints.web.tls.certificates]]\ncertFile = \"/a.crt\""),
            "entryPoints.web.tls.certificates[0].keyFile",
        ),
        (
            format!("{tls}[[entryPoints.web.tls.certificates]]\ncertFile = \"\"\nkeyFile = \"/a.key\""),
            "entryPoints.web.tls.certificates[0].certFile",
        ),
        (
            format!(
                "{tls}[[entryPoints.web.tls.certificates]]\ncertFile = \"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"\nkeyFile = \"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\""
            ),
            "entryPoints.web.tls.certificates[0].certFile",
        ),
        ("[kubernetes]\nnamespaces = 3".into(), "kubernetes.namespaces"),
        (
            "[kubernetes.ingressEndpoint]\nip = \"not-an-ip\"".into(),
            "kubernetes.ingressEndpoint.ip",
        ),
        (
            "[kubernetes.ingressEndpoint]\npublishedService = \"no-slash\"".into(),
            "kubernetes.ingressEndpoint.publishedService",
        ),
        ("[traefikLog]\nformat = \"xml\"".into(), "traefikLog.format"),
        ("[web]\naddress = \"nowhere\"".into(), "web.address"),
        (
            "[entryPoints.web]\naddress = \":80\"\nAddress = \":81\"".into(),
            "entryPoints.web.Address",
        ),
    ];
    for (text, key) in cases {
        match FileConfig::parse(&text, PATH) {
            Err(error @ ConfigError::Invalid { .. }) => {
                let message = error.to_string();
                assert!(
                    message.contains(&format!("`{key}`")),
                    "{message} should name {key}"
                );
                assert!(message.contains(PATH), "{message} should name the file");
            }
            other => panic!("{text:?}: expected an error naming {key}, got {other:?}"),
        }
    }
}

#[test]
fn access_control_passerelle_cannot_enforce_stops_start_up() {
    let ep = "[entryPoints.web]\naddress = \":443\"\n";
    let cases = [
        (
            format!("{ep}[entryPoints.web.auth.basic]\nusers = [\"a:b\"]"),
            "entryPoints.web.auth",
        ),
        (
            format!("{ep}whitelistSourceRange = [\"10.0.0.0/8\"]"),
            "entryPoints.web.whitelistSourceRange",
        ),
        (
            format!("{ep}[entryPoints.web.whiteList]\nsourceRange = [\"10.0.0.0/8\"]"),
            "entryPoints.web.whiteList",
        ),
        (
            format!("{ep}[entryPoints.web.tls]\n[entryPoints.web.tls.ClientCA]\nfiles = [\"/ca.crt\"]"),
            "entryPoints.web.tls.ClientCA",
        ),
        (
            format!("{ep}[entryPoints.web.tls]\nclientCAFiles = [\"/ca.crt\"]"),
            "entryPoints.web.tls.clientCAFiles",
        ),
        (
            "[web]\n[web.auth.basic]\nusers = [\"a:b\"]".to_owned(),
            "web.auth",
        ),
    ];
    for (text, key) in cases {
        let error = FileConfig::parse(&text, PATH).unwrap_err().to_string();
        assert!(
            error.contains(&format!("`{key}`")) && error.contains("not supported"),
            "{error}"
        );
    }
}

#[test]
fn a_syntax_error_names_the_file_and_the_line() {
    let error = FileConfig::parse("[entryPoints\naddress = 1", PATH).unwrap_err();
    assert!(matches!(error, ConfigError::Syntax { .. }));
    assert!(error.to_string().contains(PATH));
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert!(source.contains("line 1"), "{source}");
}

#[test]
fn inline_pem_is_kept_and_never_shown() {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["inline.example.test".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let text = format!(
        "[entryPoints.https]\naddress = \":443\"\n[entryPoints.https.tls]\n[[entryPoints.https.tls.certificates]]\ncertFile = '''{}'''\nkeyFile = '''{}'''\n",
        cert.pem(),
        key.serialize_pem()
    );
    let (config, warnings) = parse(&text);
    assert!(warnings.is_empty(), "{warnings:?}");
    let spec = &config.entry_points[0].tls.as_ref().unwrap().certificates[0];
    assert!(matches!(&spec.key, PemSource::Inline(pem) if pem.contains("PRIVATE KEY")));
    let shown = format!(
        "{config:?} {}",
        serde_json::to_string(&config.entry_points).unwrap()
    );
    assert!(!shown.contains("PRIVATE KEY"), "{shown}");
}

#[test]
fn load_names_a_missing_file() {
    let error = FileConfig::load(std::path::Path::new("/nonexistent/traefik.toml")).unwrap_err();
    assert!(matches!(error, ConfigError::Read { .. }));
    assert!(error.to_string().contains("/nonexistent/traefik.toml"));
}
