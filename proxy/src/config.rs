//! Configuration: the command line ([`Args`], Traefik 1.x's flags and
//! Passerelle's own, Traefik's `--entryPoints` syntax included), the
//! Traefik 1.x `traefik.toml` ([`FileConfig`]) and their merge
//! ([`Settings`]), the plain value the rest of the proxy reads.
//!
//! The flags win over the file; the file's keys match case-insensitively as
//! they did in Traefik; an unknown key is a warning, an invalid value an
//! error naming the key and the file; what Passerelle cannot enforce
//! (client certificates, entry-point authentication, IP whitelists) stops
//! start-up rather than being served unprotected.

mod address;
mod args;
mod file;
pub(crate) mod flag_entry_points;
mod forwarding;
mod settings;
mod table;

pub use address::parse_address;
pub use args::{AccessLogFormat, Args, LogFormat};
pub(crate) use file::error_chain;
pub use file::{FileConfig, FileKubernetes};
pub use forwarding::{Timeouts, UpstreamTlsConfig};
pub use settings::{
    CertSpec, EntryPointConfig, KubeSettings, LogSettings, PemSource, PublishStatus, Settings, TlsConfig,
    TlsVersion,
};

#[cfg(test)]
mod tests;

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read the config file {path}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The config file is not valid TOML.
    #[error("invalid TOML in {path}")]
    Syntax {
        /// The file.
        path: String,
        /// The parse error, with its line and column.
        #[source]
        source: toml::de::Error,
    },
    /// A key of the config file has a value Passerelle cannot use.
    #[error("invalid value for `{key}` in {path}: {message}")]
    Invalid {
        /// The key, as a dotted path (`entryPoints.http.address`).
        key: String,
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A command-line flag (or its environment variable) has a value
    /// Passerelle cannot use.
    #[error("invalid value for {flag}: {message}")]
    Flag {
        /// The flag (`--entrypoint-address`).
        flag: &'static str,
        /// What is wrong.
        message: String,
    },
}
