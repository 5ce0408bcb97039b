//! Traefik 1.x's `--entryPoints` syntax.

use std::path::PathBuf;

use crate::config::flag_entry_points::parse;
use crate::config::{CertSpec, ConfigError, EntryPointConfig, PemSource, TlsConfig, TlsVersion};
use crate::routing::{Redirect, RedirectTarget};

fn ok(text: &str) -> (EntryPointConfig, Vec<String>) {
    let mut warnings = Vec::new();
    let ep = parse(text, &mut warnings).unwrap_or_else(|e| panic!("{text}: {e}"));
    (ep, warnings)
}

#[test]
fn reads_traefiks_entry_point_definitions() {
    let (ep, warnings) = ok("Name:http Address::80 Redirect.EntryPoint:https Redirect.Permanent:true");
    assert_eq!(warnings, Vec::<String>::new());
    assert_eq!(
        ep,
        EntryPointConfig {
            name: "http".into(),
            address: "[::]:80".parse().unwrap(),
            redirect: Some(Redirect {
                target: RedirectTarget::EntryPoint("https".into()),
                permanent: true,
            }),
            tls: None,
        }
    );

    let (ep, _) =
        ok("name:https address:127.0.0.1:8443 tls:/a.crt,/a.key;/b.crt,/b.key TLS.MinVersion:VersionTLS13");
    let file = |p: &str| PemSource::File(PathBuf::from(p));
    assert_eq!(ep.address, "127.0.0.1:8443".parse().unwrap());
    assert_eq!(
        ep.tls,
        Some(TlsConfig {
            certificates: vec![
                CertSpec {
                    cert: file("/a.crt"),
                    key: file("/a.key"),
                },
                CertSpec {
                    cert: file("/b.crt"),
                    key: file("/b.key"),
                },
            ],
            default_certificate: None,
            min_version: TlsVersion::Tls13,
            sni_strict: false,
        })
    );

    let (ep, _) = ok("Name:https Address::443 TLS");
    assert_eq!(
        ep.tls,
        Some(TlsConfig::default()),
        "a bare TLS: the default certificate"
    );

    let (ep, _) = ok(
        "Name:web Address::80 Redirect.Regex:^http://localhost/(.*) Redirect.Replacement:http://mydomain/$1",
    );
    assert_eq!(
        ep.redirect.unwrap().target,
        RedirectTarget::Regex {
            regex: "^http://localhost/(.*)".into(),
            replacement: "http://mydomain/$1".into(),
        }
    );
}

#[test]
fn unsupported_keys_are_warnings_naming_them() {
    let (ep, warnings) = ok("Name:http Address::80 Compress:true ProxyProtocol.TrustedIPs:10.0.0.1");
    assert_eq!(ep.name, "http");
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("`Compress`")), "{warnings:?}");
    assert!(
        warnings.iter().any(|w| w.contains("`ProxyProtocol.TrustedIPs`")),
        "{warnings:?}"
    );
}

#[test]
fn access_control_and_invalid_values_are_errors() {
    for bad in [
        "Address::80",
        "Name:http",
        "Name:http Address:80",
        "Name:http Address::80 Auth.Basic.Users:test:hash",
        "Name:http Address::80 WhiteListSourceRange:10.0.0.0/8",
        "Name:http Address::80 WhiteList.SourceRange:10.0.0.0/8",
        "Name:https Address::443 TLS CA:/ca.pem",
        "Name:https Address::443 TLS:/only-a-cert.pem",
        "Name:https Address::443 TLS TLS.MinVersion:VersionTLS99",
        "Name:http Address::80 Redirect.Regex:^(.*)",
        "Name:http Address::80 Redirect.EntryPoint:https Redirect.Permanent:sure",
    ] {
        let error = parse(bad, &mut Vec::new()).unwrap_err();
        assert!(
            matches!(
                error,
                ConfigError::Flag {
                    flag: "--entryPoints",
                    ..
                }
            ),
            "{bad}: {error}"
        );
    }
}
