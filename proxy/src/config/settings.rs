//! The merged configuration: command line over config file over defaults.
//! [`Settings`] is what the rest of the proxy reads; it never sees clap's
//! [`Args`] or the TOML.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::{
    AccessLogFormat, Args, ConfigError, FileConfig, LogFormat, Timeouts, UpstreamTlsConfig,
    flag_entry_points, parse_address,
};
use crate::routing::{ObjectKey, Redirect, RedirectTarget};

/// Where in-flight requests may finish after SIGTERM, unless configured.
const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);
/// Traefik 1.x's default `--web.address`.
const DEFAULT_ADMIN_PORT: u16 = 8080;

/// Everything the proxy runs with.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The entry points, in file order (`http`, `https` by default), each
    /// with the address it binds (after `--entrypoint-address`).
    pub entry_points: Vec<EntryPointConfig>,
    /// The port clients reach each entry point on, which redirects to it
    /// name: the port of its configured address (the file's, `--entryPoints`'
    /// or the default `:80` / `:443`), which `--entrypoint-address` does not
    /// change. An entry point missing here (port 0) advertises the port it
    /// is bound to.
    pub advertised_ports: BTreeMap<String, u16>,
    /// Entry points of routes that name none (`defaultEntryPoints`).
    pub default_entry_points: Vec<String>,
    /// The Ingress provider, when enabled (`--kubernetes` or `[kubernetes]`).
    pub kubernetes: Option<KubeSettings>,
    /// The admin listener's address, when enabled (`--web`).
    pub admin: Option<SocketAddr>,
    /// Logging.
    pub log: LogSettings,
    /// How long in-flight requests may finish after SIGTERM.
    pub shutdown_timeout: Duration,
    /// `[respondingTimeouts]` and `[forwardingTimeouts]`.
    pub timeouts: Timeouts,
    /// How `https` upstreams are verified (`insecureSkipVerify`, `rootCAs`).
    pub upstream_tls: UpstreamTlsConfig,
    /// The config file read, if any.
    pub config_file: Option<PathBuf>,
}

/// One entry point: a listener and what it does.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct EntryPointConfig {
    /// Its name (`http`, `https`).
    pub name: String,
    /// Where it listens.
    pub address: SocketAddr,
    /// `[entryPoints.NAME.redirect]`: every request is redirected.
    pub redirect: Option<Redirect>,
    /// `[entryPoints.NAME.tls]`: it speaks TLS.
    pub tls: Option<TlsConfig>,
}

/// The TLS settings of an entry point.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TlsConfig {
    /// `[[certificates]]`: certificates picked by SNI.
    pub certificates: Vec<CertSpec>,
    /// `[defaultCertificate]`: served for unknown or missing SNI (else one
    /// generated at start).
    pub default_certificate: Option<CertSpec>,
    /// `minVersion`.
    pub min_version: TlsVersion,
    /// `sniStrict`: refuse handshakes no certificate matches.
    pub sni_strict: bool,
}

/// A certificate and its key, each a file or inline PEM.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CertSpec {
    /// `CertFile`.
    pub cert: PemSource,
    /// `KeyFile`.
    pub key: PemSource,
}

/// A PEM document: a file to read, or the PEM itself (Traefik: a value that
/// starts with `-----BEGIN`). `Debug` and `Serialize` never show inline PEM,
/// which may be a private key.
#[derive(Clone, PartialEq, Eq)]
pub enum PemSource {
    /// A path.
    File(PathBuf),
    /// The PEM text.
    Inline(String),
}

impl PemSource {
    /// Reads a config value: inline PEM when it starts with `-----BEGIN`.
    pub fn from_value(value: &str) -> PemSource {
        if value.trim_start().starts_with("-----BEGIN") {
            PemSource::Inline(value.to_owned())
        } else {
            PemSource::File(PathBuf::from(value))
        }
    }

    /// The path, for a file.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            PemSource::File(path) => Some(path),
            PemSource::Inline(_) => None,
        }
    }
}

impl std::fmt::Debug for PemSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PemSource::File(path) => f.debug_tuple("File").field(path).finish(),
            PemSource::Inline(pem) => write!(f, "Inline(<{} bytes>)", pem.len()),
        }
    }
}

impl serde::Serialize for PemSource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PemSource::File(path) => serializer.serialize_str(&path.to_string_lossy()),
            PemSource::Inline(_) => serializer.serialize_str("(inline PEM)"),
        }
    }
}

/// The lowest TLS version an entry point accepts (rustls has no 1.0/1.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub enum TlsVersion {
    /// TLS 1.2 and 1.3.
    #[default]
    Tls12,
    /// TLS 1.3 only.
    Tls13,
}

/// The Kubernetes Ingress provider's settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubeSettings {
    /// Namespaces to watch; all when empty.
    pub namespaces: Vec<String>,
    /// Label selector on watched objects.
    pub label_selector: Option<String>,
    /// The Ingress class served (see the class rules); `None` for
    /// Traefik 1.x's default (no class, or `traefik`).
    pub ingress_class: Option<String>,
    /// What to write in served Ingresses' `status.loadBalancer.ingress`.
    pub publish: PublishStatus,
    /// A kubeconfig file, else in-cluster or `$KUBECONFIG`.
    pub kubeconfig: Option<PathBuf>,
}

/// The address published in Ingress status (Traefik's `ingressEndpoint`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublishStatus {
    /// A fixed IP.
    pub ip: Option<IpAddr>,
    /// A fixed hostname.
    pub hostname: Option<String>,
    /// A Service whose LoadBalancer status (or clusterIP) is copied.
    pub service: Option<ObjectKey>,
}

impl PublishStatus {
    /// Whether anything is to be published.
    pub fn is_empty(&self) -> bool {
        self.ip.is_none() && self.hostname.is_none() && self.service.is_none()
    }
}

/// Logging settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogSettings {
    /// The most verbose level logged.
    pub level: tracing::Level,
    /// The proxy's log format.
    pub format: LogFormat,
    /// Access log lines, when enabled.
    pub access_log: Option<AccessLogFormat>,
}

impl Settings {
    /// Reads `--configfile` when given, then merges it with the flags.
    /// Returns the file's and the flags' warnings, for the caller to log
    /// once logging is set up.
    pub fn load(args: &Args) -> Result<(Settings, Vec<String>), ConfigError> {
        let (file, mut warnings) = match &args.configfile {
            Some(path) => {
                let (file, warnings) = FileConfig::load(path)?;
                (Some(file), warnings)
            }
            None => (None, Vec::new()),
        };
        let settings = Settings::merge(args, file.as_ref(), &mut warnings)?;
        Ok((settings, warnings))
    }

    /// Merges the flags over the file over the defaults.
    pub fn resolve(args: &Args, file: Option<&FileConfig>) -> Result<Settings, ConfigError> {
        Settings::merge(args, file, &mut Vec::new())
    }

    fn merge(
        args: &Args,
        file: Option<&FileConfig>,
        warnings: &mut Vec<String>,
    ) -> Result<Settings, ConfigError> {
        let empty = FileConfig::default();
        let file = file.unwrap_or(&empty);
        let mut entry_points = file.entry_points.clone();
        for text in &args.entry_points {
            let entry_point = flag_entry_points::parse(text, warnings)?;
            match entry_points.iter_mut().find(|ep| ep.name == entry_point.name) {
                Some(existing) => *existing = entry_point,
                None => entry_points.push(entry_point),
            }
        }
        if entry_points.is_empty() {
            entry_points = default_entry_points();
        }
        // Where clients reach each entry point, before `--entrypoint-address`
        // moves where it binds (a hostPort 443 in front of container port
        // 8443 keeps redirects on 443).
        let advertised_ports = entry_points
            .iter()
            .filter(|ep| ep.address.port() != 0)
            .map(|ep| (ep.name.clone(), ep.address.port()))
            .collect();
        for item in &args.entrypoint_address {
            let flag = "--entrypoint-address";
            let (name, addr) = item.split_once('=').ok_or_else(|| ConfigError::Flag {
                flag,
                message: format!("`{item}` is not NAME=ADDR"),
            })?;
            let address = parse_address(addr).map_err(|message| ConfigError::Flag { flag, message })?;
            let entry_point = entry_points
                .iter_mut()
                .find(|ep| ep.name == name)
                .ok_or_else(|| ConfigError::Flag {
                    flag,
                    message: format!("there is no entry point named `{name}`"),
                })?;
            entry_point.address = address;
        }
        let unknown = |names: &[String]| {
            names
                .iter()
                .find(|n| !entry_points.iter().any(|ep| &ep.name == *n))
                .cloned()
        };
        let default_entry_points = if !args.default_entry_points.is_empty() {
            if let Some(unknown) = unknown(&args.default_entry_points) {
                return Err(ConfigError::Flag {
                    flag: "--defaultEntryPoints",
                    message: format!("there is no entry point named `{unknown}`"),
                });
            }
            args.default_entry_points.clone()
        } else if let Some(names) = &file.default_entry_points {
            if let Some(unknown) = unknown(names) {
                return Err(ConfigError::Invalid {
                    key: "defaultEntryPoints".to_owned(),
                    path: file.path.clone(),
                    message: format!("there is no entry point named `{unknown}`"),
                });
            }
            names.clone()
        } else {
            entry_points.iter().map(|ep| ep.name.clone()).collect()
        };
        if let Some((from, to)) = entry_points.iter().find_map(|ep| match &ep.redirect {
            Some(Redirect {
                target: RedirectTarget::EntryPoint(to),
                ..
            }) if !entry_points.iter().any(|other| &other.name == to) => Some((ep.name.clone(), to.clone())),
            _ => None,
        }) {
            return Err(ConfigError::Invalid {
                key: format!("entryPoints.{from}.redirect.entryPoint"),
                path: file.path.clone(),
                message: format!("there is no entry point named `{to}`"),
            });
        }

        let admin = match (&args.web_address, args.web, file.web) {
            (Some(addr), _, _) => Some(parse_address(addr).map_err(|message| ConfigError::Flag {
                flag: "--web.address",
                message,
            })?),
            (None, true, from_file) => {
                Some(from_file.unwrap_or(SocketAddr::from((Ipv6Addr::UNSPECIFIED, DEFAULT_ADMIN_PORT))))
            }
            (None, false, from_file) => from_file,
        };

        let kubernetes = (args.kubernetes || file.kubernetes.is_some()).then(|| kube_settings(args, file));
        let kubernetes = kubernetes.transpose()?;

        let level = if args.debug || (args.log_level.is_none() && file.debug == Some(true)) {
            tracing::Level::DEBUG
        } else {
            args.log_level.or(file.log_level).unwrap_or(tracing::Level::INFO)
        };
        Ok(Settings {
            entry_points,
            advertised_ports,
            default_entry_points,
            kubernetes,
            admin,
            log: LogSettings {
                level,
                format: args.log_format.or(file.log_format).unwrap_or_default(),
                access_log: args.access_log.or(file.access_log),
            },
            shutdown_timeout: args
                .shutdown_timeout
                .or(file.grace_timeout)
                .unwrap_or(DEFAULT_SHUTDOWN_TIMEOUT),
            timeouts: file.timeouts,
            upstream_tls: file.upstream_tls.clone(),
            config_file: args.configfile.clone(),
        })
    }
}

/// Without a config file's entry points: HTTP on :80 and HTTPS on :443 with
/// the generated default certificate.
fn default_entry_points() -> Vec<EntryPointConfig> {
    vec![
        EntryPointConfig {
            name: "http".to_owned(),
            address: SocketAddr::from((Ipv6Addr::UNSPECIFIED, 80)),
            redirect: None,
            tls: None,
        },
        EntryPointConfig {
            name: "https".to_owned(),
            address: SocketAddr::from((Ipv6Addr::UNSPECIFIED, 443)),
            redirect: None,
            tls: Some(TlsConfig::default()),
        },
    ]
}

fn kube_settings(args: &Args, file: &FileConfig) -> Result<KubeSettings, ConfigError> {
    let from_file = file.kubernetes.clone().unwrap_or_default();
    let mut publish = from_file.publish;
    if let Some(address) = &args.publish_address {
        publish.ip = None;
        publish.hostname = None;
        match address.parse::<IpAddr>() {
            Ok(ip) => publish.ip = Some(ip),
            Err(_) => publish.hostname = Some(address.clone()),
        }
    }
    if let Some(service) = &args.publish_service {
        publish.service = Some(parse_object_key(service).map_err(|message| ConfigError::Flag {
            flag: "--publish-service",
            message,
        })?);
    }
    let ingress_class = match &args.ingress_class {
        Some(class) => Some(class.clone()),
        None => from_file.ingress_class,
    }
    .filter(|class| !class.is_empty());
    Ok(KubeSettings {
        namespaces: if args.namespaces.is_empty() {
            from_file.namespaces
        } else {
            args.namespaces.clone()
        },
        label_selector: args
            .label_selector
            .clone()
            .or(from_file.label_selector)
            .filter(|s| !s.is_empty()),
        ingress_class,
        publish,
        kubeconfig: args.kubeconfig.clone(),
    })
}

/// Parses `namespace/name`.
pub(crate) fn parse_object_key(text: &str) -> Result<ObjectKey, String> {
    match text.split_once('/') {
        Some((namespace, name)) if !namespace.is_empty() && !name.is_empty() && !name.contains('/') => {
            Ok(ObjectKey {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
            })
        }
        _ => Err(format!("`{text}` is not namespace/name")),
    }
}
