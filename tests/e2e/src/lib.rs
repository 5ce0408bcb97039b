//! End-to-end test support for Passerelle, with every process real: the
//! harnesses that start those processes for the operator's integration tests,
//! for the end-to-end tests of this crate and for `./demo`. [`pebble`] is
//! Let's Encrypt's test ACME CA, to issue real certificates (RFC 8555);
//! [`stack`] runs the whole walkthrough — kube-sim, pebble, the operator, the
//! proxy, an [`echo`] backend and a [`kubelet`] stand-in that mounts a Secret
//! as files — with the manifests of `deploy/examples` ([`examples`]) applied
//! by [`kubectl`].

pub mod binaries;
pub mod client;
pub mod echo;
pub mod examples;
pub mod kubectl;
pub mod kubelet;
pub mod pebble;
pub mod stack;

pub use pebble::{Pebble, PebbleOptions};
pub use stack::{Stack, StackOptions};

use std::path::PathBuf;

/// What can go wrong while starting or talking to a test process.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A binary the harness needs is not installed.
    #[error("{binary} is not installed (searched PATH and /usr/bin): run scripts/install-test-tools")]
    FindBinary {
        /// The missing binary.
        binary: &'static str,
    },
    /// The options asked for something the harness refuses.
    #[error("invalid harness options: {0}")]
    InvalidOptions(String),
    /// A free local port could not be reserved.
    #[error("cannot reserve a free port on 127.0.0.1")]
    ReservePort(#[source] std::io::Error),
    /// A file or directory of the harness could not be created or written.
    #[error("cannot write {path}")]
    WriteFile {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A certificate for a test listener could not be generated.
    #[error("cannot generate a test certificate")]
    GenerateCertificate(#[source] rcgen::Error),
    /// A TLS client configuration was refused.
    #[error("cannot configure the TLS client")]
    ConfigureTls(#[source] rustls::Error),
    /// A process could not be started.
    #[error("cannot start {binary}")]
    Spawn {
        /// The binary.
        binary: &'static str,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A process exited while it should be serving.
    #[error("{binary} exited with {status} during start-up; logs:\n{logs}")]
    Exited {
        /// The binary.
        binary: &'static str,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// What the started processes printed.
        logs: String,
    },
    /// A process did not become ready in time.
    #[error("{binary} was not ready after {attempts} attempts (last: {last}); logs:\n{logs}")]
    WaitReady {
        /// The binary.
        binary: &'static str,
        /// How many times readiness was checked.
        attempts: u32,
        /// The last failure seen.
        last: String,
        /// What the started processes printed.
        logs: String,
    },
    /// An HTTPS request to a test process failed.
    #[error("GET {url} failed")]
    Fetch {
        /// The URL.
        url: String,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A file or directory could not be read.
    #[error("cannot read {path}")]
    ReadFile {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A command ran but failed.
    #[error("{command} failed ({status}):\n{output}")]
    Command {
        /// The command line.
        command: String,
        /// How it ended.
        status: std::process::ExitStatus,
        /// What it printed (stdout, then stderr).
        output: String,
    },
    /// An example manifest could not be rendered.
    #[error("cannot render {file}: {message}")]
    Render {
        /// The example file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A request to the Kubernetes API failed.
    #[error("{action} failed")]
    Kube {
        /// What was being done.
        action: String,
        /// Why.
        #[source]
        source: kube::Error,
    },
    /// A kubeconfig could not be read or written.
    #[error("invalid kubeconfig {path}: {message}")]
    Kubeconfig {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An HTTPS request to a test process got an unexpected answer.
    #[error("GET {url} answered {status}: {body}")]
    FetchStatus {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: http::StatusCode,
        /// The body, lossily decoded.
        body: String,
    },
}
