//! The Traefik 1.x `traefik.toml`: the keys the walkthrough and common
//! Traefik 1.x deployments use, read case-insensitively.
//!
//! Recognised: `debug`, `logLevel`, `defaultEntryPoints`, `graceTimeOut` and
//! `[lifeCycle] graceTimeOut`, `[traefikLog] format`, `[accessLog] format`,
//! `[web] address`, `[entryPoints.NAME] address`, `[...redirect] entryPoint /
//! regex / replacement / permanent`, `[...tls] minVersion / sniStrict /
//! [[certificates]] / [defaultCertificate]` (`certFile` / `keyFile`: a path
//! or inline PEM), `[respondingTimeouts] readTimeout / writeTimeout /
//! idleTimeout`, `[forwardingTimeouts] dialTimeout / responseHeaderTimeout`,
//! `insecureSkipVerify`, `rootCAs`, and `[kubernetes] namespaces /
//! labelSelector / ingressClass / [ingressEndpoint] ip / hostname /
//! publishedService`.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use super::settings::parse_object_key;
use super::table::Section;
use super::{
    AccessLogFormat, CertSpec, ConfigError, EntryPointConfig, LogFormat, PemSource, PublishStatus, Timeouts,
    TlsConfig, TlsVersion, UpstreamTlsConfig, parse_address,
};
use crate::routing::{Redirect, RedirectTarget};

/// What a config file says; `None` and empty for what it leaves unsaid.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileConfig {
    /// The file, for messages.
    pub path: String,
    /// `defaultEntryPoints`.
    pub default_entry_points: Option<Vec<String>>,
    /// `[entryPoints.NAME]`, in file order.
    pub entry_points: Vec<EntryPointConfig>,
    /// `[kubernetes]`, whose presence enables the provider.
    pub kubernetes: Option<FileKubernetes>,
    /// `debug`.
    pub debug: Option<bool>,
    /// `logLevel`.
    pub log_level: Option<tracing::Level>,
    /// `[traefikLog] format`.
    pub log_format: Option<LogFormat>,
    /// `[accessLog]` (its presence enables it) and its `format`.
    pub access_log: Option<AccessLogFormat>,
    /// `[web]` (its presence enables the admin listener) and its `address`.
    pub web: Option<SocketAddr>,
    /// `[lifeCycle] graceTimeOut` (or the older top-level `graceTimeOut`).
    pub grace_timeout: Option<Duration>,
    /// `[respondingTimeouts]` and `[forwardingTimeouts]`.
    pub timeouts: Timeouts,
    /// `insecureSkipVerify` and `rootCAs`: how `https` upstreams are verified.
    pub upstream_tls: UpstreamTlsConfig,
}

/// `[kubernetes]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileKubernetes {
    /// `namespaces`.
    pub namespaces: Vec<String>,
    /// `labelSelector`.
    pub label_selector: Option<String>,
    /// `ingressClass`.
    pub ingress_class: Option<String>,
    /// `[kubernetes.ingressEndpoint]`.
    pub publish: PublishStatus,
}

impl FileConfig {
    /// Reads and parses a config file; returns it with its warnings.
    pub fn load(path: &Path) -> Result<(FileConfig, Vec<String>), ConfigError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: display.clone(),
            source,
        })?;
        FileConfig::parse(&text, &display)
    }

    /// Parses config text; `path` names the file in messages.
    pub fn parse(text: &str, path: &str) -> Result<(FileConfig, Vec<String>), ConfigError> {
        let table: toml::Table = text.parse().map_err(|source| ConfigError::Syntax {
            path: path.to_owned(),
            source,
        })?;
        let mut warnings = Vec::new();
        let mut root = Section::new(&table, String::new(), path)?;
        let mut config = FileConfig {
            path: path.to_owned(),
            ..FileConfig::default()
        };

        config.debug = root.boolean("debug")?;
        if let Some((key, level)) = root.string("loglevel")? {
            config.log_level = Some(log_level(level).ok_or_else(|| {
                root.invalid(
                    &key,
                    format!("`{level}` is not DEBUG, INFO, WARN, ERROR, FATAL or PANIC"),
                )
            })?);
        }
        config.default_entry_points = root.strings("defaultentrypoints")?;
        config.grace_timeout = root.duration("gracetimeout")?;
        if let Some(mut life_cycle) = root.table("lifecycle")? {
            if let Some(grace) = life_cycle.duration("gracetimeout")? {
                config.grace_timeout = Some(grace);
            }
            life_cycle.finish(&mut warnings);
        }
        if let Some(mut responding) = root.table("respondingtimeouts")? {
            config.timeouts.read = responding.duration("readtimeout")?;
            config.timeouts.write = responding.duration("writetimeout")?;
            config.timeouts.idle = responding.duration("idletimeout")?;
            responding.finish(&mut warnings);
        }
        if let Some(mut forwarding) = root.table("forwardingtimeouts")? {
            config.timeouts.dial = forwarding.duration("dialtimeout")?;
            config.timeouts.response_header = forwarding.duration("responseheadertimeout")?;
            forwarding.finish(&mut warnings);
        }
        config.upstream_tls.insecure_skip_verify = root.boolean("insecureskipverify")?.unwrap_or(false);
        if let Some(cas) = root.strings("rootcas")? {
            config.upstream_tls.root_cas = cas.iter().map(|ca| PemSource::from_value(ca)).collect();
        }
        if let Some(mut log) = root.table("traefiklog")? {
            config.log_format = Some(log_format(&mut log)?.map_or(LogFormat::Plain, |json| {
                if json { LogFormat::Json } else { LogFormat::Plain }
            }));
            log.finish(&mut warnings);
        }
        if let Some(mut log) = root.table("accesslog")? {
            let json = log_format(&mut log)?.unwrap_or(false);
            config.access_log = Some(if json {
                AccessLogFormat::Json
            } else {
                AccessLogFormat::Common
            });
            log.finish(&mut warnings);
        }
        if let Some(mut web) = root.table("web")? {
            if let Some((key, _)) = web.take("auth") {
                return Err(web.invalid(
                    &key,
                    "admin authentication is not supported; remove it or protect the admin port otherwise",
                ));
            }
            let address = match web.string("address")? {
                Some((key, value)) => parse_address(value).map_err(|m| web.invalid(&key, m))?,
                None => parse_address(":8080").map_err(|m| web.invalid("web.address", m))?,
            };
            config.web = Some(address);
            web.finish(&mut warnings);
        }
        if let Some(mut entry_points) = root.table("entrypoints")? {
            for (name, key, value) in entry_points.take_all() {
                let toml::Value::Table(table) = value else {
                    return Err(entry_points.invalid(&key, "expected a table"));
                };
                let section = Section::new(table, key, path)?;
                config
                    .entry_points
                    .push(entry_point(name, section, &mut warnings)?);
            }
        }
        if let Some(kubernetes) = root.table("kubernetes")? {
            config.kubernetes = Some(file_kubernetes(kubernetes, &mut warnings)?);
        }
        root.finish(&mut warnings);
        Ok((config, warnings))
    }
}

/// `format = "json"` → `Some(true)`; `common` → `Some(false)`.
fn log_format(section: &mut Section<'_>) -> Result<Option<bool>, ConfigError> {
    match section.string("format")? {
        None => Ok(None),
        Some((_, f)) if f.eq_ignore_ascii_case("json") => Ok(Some(true)),
        Some((_, f)) if f.eq_ignore_ascii_case("common") || f.eq_ignore_ascii_case("plain") => {
            Ok(Some(false))
        }
        Some((key, f)) => Err(section.invalid(&key, format!("`{f}` is not `common` or `json`"))),
    }
}

pub(super) fn log_level(level: &str) -> Option<tracing::Level> {
    Some(match level.to_ascii_uppercase().as_str() {
        "DEBUG" => tracing::Level::DEBUG,
        "INFO" => tracing::Level::INFO,
        "WARN" | "WARNING" => tracing::Level::WARN,
        "ERROR" | "FATAL" | "PANIC" => tracing::Level::ERROR,
        _ => return None,
    })
}

fn entry_point(
    name: String,
    mut section: Section<'_>,
    warnings: &mut Vec<String>,
) -> Result<EntryPointConfig, ConfigError> {
    // Access control Passerelle does not enforce stops start-up: never serve
    // unprotected what the file meant to protect.
    for refused in ["auth", "whitelist", "whitelistsourcerange", "clientipstrategy"] {
        if let Some((key, _)) = section.take(refused) {
            return Err(section.invalid(
                &key,
                "access control on entry points is not supported; refusing to serve unprotected",
            ));
        }
    }
    let address = match section.string("address")? {
        Some((key, value)) => parse_address(value).map_err(|m| section.invalid(&key, m))?,
        None => {
            let key = format!("entryPoints.{name}.address");
            return Err(section.invalid(&key, "every entry point needs an address (`:80`)"));
        }
    };
    let redirect = match section.table("redirect")? {
        Some(redirect) => Some(entry_point_redirect(redirect, warnings)?),
        None => None,
    };
    let tls = match section.table("tls")? {
        Some(tls) => Some(tls_config(tls, warnings)?),
        None => None,
    };
    section.finish(warnings);
    Ok(EntryPointConfig {
        name,
        address,
        redirect,
        tls,
    })
}

fn entry_point_redirect(
    mut section: Section<'_>,
    warnings: &mut Vec<String>,
) -> Result<Redirect, ConfigError> {
    let entry_point = section.string("entrypoint")?;
    let regex = section.string("regex")?;
    let replacement = section.string("replacement")?;
    let permanent = section.boolean("permanent")?.unwrap_or(false);
    let target = match (entry_point, regex, replacement) {
        (Some((_, to)), regex, _) => {
            if let Some((key, _)) = regex {
                warnings.push(format!(
                    "`{key}` in {} is ignored: `entryPoint` is set",
                    section.file()
                ));
            }
            RedirectTarget::EntryPoint(to.to_owned())
        }
        (None, Some((key, regex)), Some((_, replacement))) => {
            regex::Regex::new(regex).map_err(|e| section.invalid(&key, e.to_string()))?;
            RedirectTarget::Regex {
                regex: regex.to_owned(),
                replacement: replacement.to_owned(),
            }
        }
        (None, Some((key, _)), None) => return Err(section.invalid(&key, "`regex` needs a `replacement`")),
        (None, None, _) => {
            let key = super::table::join(section.prefix(), "entryPoint");
            return Err(section.invalid(&key, "a redirect needs `entryPoint` or `regex` + `replacement`"));
        }
    };
    section.finish(warnings);
    Ok(Redirect { target, permanent })
}

fn tls_config(mut section: Section<'_>, warnings: &mut Vec<String>) -> Result<TlsConfig, ConfigError> {
    for refused in ["clientca", "clientcafiles"] {
        if let Some((key, _)) = section.take(refused) {
            return Err(section.invalid(
                &key,
                "client certificates are not supported; refusing to serve without them",
            ));
        }
    }
    let min_version = match section.string("minversion")? {
        None => TlsVersion::Tls12,
        Some((key, value)) => match value.to_ascii_lowercase().as_str() {
            "versiontls12" | "1.2" => TlsVersion::Tls12,
            "versiontls13" | "1.3" => TlsVersion::Tls13,
            "versiontls10" | "versiontls11" | "1.0" | "1.1" => {
                warnings.push(format!(
                    "`{key}` = \"{value}\" in {}: TLS 1.0 and 1.1 are not supported, the minimum is TLS 1.2",
                    section.file()
                ));
                TlsVersion::Tls12
            }
            _ => return Err(section.invalid(&key, format!("`{value}` is not VersionTLS12 or VersionTLS13"))),
        },
    };
    let sni_strict = section.boolean("snistrict")?.unwrap_or(false);
    let mut certificates = Vec::new();
    match section.take("certificates") {
        None => {}
        Some((key, toml::Value::Array(items))) => {
            for (i, item) in items.iter().enumerate() {
                let key = format!("{key}[{i}]");
                let toml::Value::Table(table) = item else {
                    return Err(section.invalid(&key, "expected a table with certFile and keyFile"));
                };
                certificates.push(cert_spec(Section::new(table, key, section.file())?, warnings)?);
            }
        }
        Some((key, _)) => return Err(section.invalid(&key, "expected [[...certificates]] tables")),
    }
    let default_certificate = match section.table("defaultcertificate")? {
        Some(table) => Some(cert_spec(table, warnings)?),
        None => None,
    };
    section.finish(warnings);
    Ok(TlsConfig {
        certificates,
        default_certificate,
        min_version,
        sni_strict,
    })
}

fn cert_spec(mut section: Section<'_>, warnings: &mut Vec<String>) -> Result<CertSpec, ConfigError> {
    let prefix = section.prefix().to_owned();
    let mut get = |name: &str, written: &str| -> Result<(String, PemSource), ConfigError> {
        match section.string(name)? {
            Some((_, value)) if value.trim().is_empty() => {
                Err(section.invalid(&super::table::join(&prefix, written), "is empty"))
            }
            Some((key, value)) => Ok((key, PemSource::from_value(value))),
            None => Err(section.invalid(&super::table::join(&prefix, written), "is missing")),
        }
    };
    let (cert_key, cert) = get("certfile", "certFile")?;
    let (_, key) = get("keyfile", "keyFile")?;
    if let (PemSource::Inline(cert_pem), PemSource::Inline(key_pem)) = (&cert, &key) {
        crate::tls::parse_pair(cert_pem.as_bytes(), key_pem.as_bytes())
            .map_err(|e| section.invalid(&cert_key, error_chain(&e)))?;
    }
    section.finish(warnings);
    Ok(CertSpec { cert, key })
}

/// An error and its sources, `: `-separated.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn file_kubernetes(
    mut section: Section<'_>,
    warnings: &mut Vec<String>,
) -> Result<FileKubernetes, ConfigError> {
    let mut kubernetes = FileKubernetes {
        namespaces: section.strings("namespaces")?.unwrap_or_default(),
        label_selector: section.string("labelselector")?.map(|(_, s)| s.to_owned()),
        ingress_class: section.string("ingressclass")?.map(|(_, s)| s.to_owned()),
        publish: PublishStatus::default(),
    };
    if let Some(mut endpoint) = section.table("ingressendpoint")? {
        if let Some((key, ip)) = endpoint.string("ip")? {
            kubernetes.publish.ip = Some(
                ip.parse::<IpAddr>()
                    .map_err(|_| endpoint.invalid(&key, format!("`{ip}` is not an IP")))?,
            );
        }
        kubernetes.publish.hostname = endpoint.string("hostname")?.map(|(_, h)| h.to_owned());
        if let Some((key, service)) = endpoint.string("publishedservice")? {
            kubernetes.publish.service =
                Some(parse_object_key(service).map_err(|m| endpoint.invalid(&key, m))?);
        }
        endpoint.finish(warnings);
    }
    section.finish(warnings);
    Ok(kubernetes)
}
