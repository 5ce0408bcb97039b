//! Passerelle's install, checked: the Helm chart in `deploy/helm/passerelle`
//! is rendered here the way `helm template` renders it — Go's text/template
//! through the `gtmpl` crate plus the sprig functions the chart uses
//! ([`funcs`]) — so that `deploy/manifests/passerelle.yaml` (the default
//! install as plain YAML, written by the `manifestgen` binary) is provably
//! the chart's rendering with default values, and the tests can render the
//! chart with other values too. No helm binary is involved.
//!
//! What differs from Helm is said where it happens: numbers keep their YAML
//! type instead of becoming float64, and only the functions the chart calls
//! exist (an unknown function fails the parse, so a template change that
//! needs another one fails the tests rather than rendering wrongly).

pub mod chart;
pub mod funcs;
pub mod install;
pub mod render;
pub mod values;

pub use chart::{Chart, Release};
pub use render::{Manifest, Rendered};

use std::path::PathBuf;

/// What can go wrong loading or rendering the chart.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A chart file could not be read.
    #[error("reading {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A YAML file of the chart (Chart.yaml, values.yaml, a CRD) or a
    /// rendered document is not valid YAML.
    #[error("{what} is not valid YAML")]
    Yaml {
        /// The file or document.
        what: String,
        /// Why.
        #[source]
        source: serde_yaml::Error,
    },
    /// A template does not parse.
    #[error("parsing {template}: {message}")]
    Parse {
        /// The template file.
        template: String,
        /// gtmpl's message.
        message: String,
    },
    /// A template failed while rendering (a `fail`, a bad argument).
    #[error("rendering {template}: {message}")]
    Render {
        /// The template file.
        template: String,
        /// gtmpl's message.
        message: String,
    },
    /// A rendered document lacks what every Kubernetes object has.
    #[error("{source_file}: {message}")]
    Manifest {
        /// The template file the document came from.
        source_file: String,
        /// What is wrong.
        message: String,
    },
    /// A `--set`-style override is malformed.
    #[error("invalid value override {0:?} (expected path.to.key=value)")]
    Override(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
