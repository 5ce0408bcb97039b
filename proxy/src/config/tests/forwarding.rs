//! The file's timeouts and upstream TLS keys (their invalid values are in
//! `file.rs`, with the others).

use std::path::PathBuf;

use crate::config::{FileConfig, PemSource, Timeouts, UpstreamTlsConfig};

fn parse(text: &str) -> (FileConfig, Vec<String>) {
    FileConfig::parse(text, "/config/traefik.toml").unwrap()
}

#[test]
fn timeouts_take_go_durations_or_seconds() {
    let text = r#"
        [respondingTimeouts]
        readTimeout = "1m30s"
        WriteTimeout = 45
        idleTimeout = "0"
        [ForwardingTimeouts]
        dialTimeout = "500ms"
        responseHeaderTimeout = "2m"
    "#;
    let (config, warnings) = parse(text);
    assert_eq!(warnings, Vec::<String>::new());
    let s = std::time::Duration::from_secs;
    assert_eq!(
        config.timeouts,
        Timeouts {
            read: Some(s(90)),
            write: Some(s(45)),
            idle: Some(s(0)),
            dial: Some(std::time::Duration::from_millis(500)),
            response_header: Some(s(120)),
        }
    );
    assert_eq!(parse("").0.timeouts, Timeouts::default());
}

#[test]
fn upstream_tls_keys_are_read() {
    let text = r#"
        insecureSkipVerify = true
        rootCAs = ["/ca/one.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
    "#;
    let (config, warnings) = parse(text);
    assert_eq!(warnings, Vec::<String>::new());
    assert_eq!(
        config.upstream_tls,
        UpstreamTlsConfig {
            insecure_skip_verify: true,
            root_cas: vec![
                PemSource::File(PathBuf::from("/ca/one.pem")),
                PemSource::Inline("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----".into()),
            ],
        }
    );
    let (config, _) = parse("rootCAs = \"/a.pem,/b.pem\"");
    assert_eq!(config.upstream_tls.root_cas.len(), 2, "a comma-separated string");
    assert!(!config.upstream_tls.insecure_skip_verify);
}
