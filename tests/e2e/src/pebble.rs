//! The pebble harness: starts Let's Encrypt's test ACME CA (pebble 2.4, the
//! Debian package) with pebble-challtestsrv as its DNS server, on free local
//! ports, so tests issue real certificates (RFC 8555) and validate real
//! HTTP-01 challenges (RFC 8555 §8.3) against the code under test. Every
//! name resolves to `dns_default_ipv4`, so pebble's VA sends each HTTP-01
//! validation to `dns_default_ipv4:http_port`. Both processes die with the
//! [`Pebble`] value, also when a test panics.
//!
//! ```no_run
//! # async fn example() -> Result<(), passerelle_e2e::Error> {
//! use passerelle_e2e::{Pebble, PebbleOptions};
//! let pebble = Pebble::start(PebbleOptions::new(8080)).await?;
//! let directory = pebble.directory_url(); // for the ACME client, trusting `listener_ca_pem()`
//! let roots = pebble.issuing_roots_pem().await?; // what issued certificates chain to
//! # Ok(()) }
//! ```

mod config;
mod https;
pub(crate) mod process;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Empty;
use tokio::net::TcpStream;

use self::config::Ports;
pub use self::https::{HttpsClient, client_config, https_client};
use self::process::{Process, ScratchDir, find_binary, reserve_ports};
use crate::Error;

const PEBBLE: &str = "pebble";
const CHALLTESTSRV: &str = "pebble-challtestsrv";

/// How often readiness is checked before giving up, and the pause between
/// checks: pebble generates its RSA root and intermediate at start, which
/// takes seconds on a busy machine.
const READY_ATTEMPTS: u32 = 200;
const READY_INTERVAL: Duration = Duration::from_millis(100);

/// How to start pebble.
#[derive(Clone, Debug)]
pub struct PebbleOptions {
    /// The port pebble's VA sends HTTP-01 validation requests to (pebble's
    /// `httpPort`): where the operator's solver or the proxy listens.
    pub http_port: u16,
    /// Extra environment for pebble, applied last (e.g.
    /// `PEBBLE_WFE_NONCEREJECT=50`). `PEBBLE_VA_ALWAYS_VALID` is refused.
    pub env: Vec<(String, String)>,
    /// `false`: deterministic pebble (`PEBBLE_VA_NOSLEEP=1`,
    /// `PEBBLE_WFE_NONCEREJECT=0`, `PEBBLE_AUTHZREUSE=0`). `true`: pebble's
    /// defaults (5 % `badNonce`, 50 % authorization reuse, random validation
    /// sleeps), to test that clients retry as RFC 8555 §6.5 and §7.5.1 expect.
    pub chaos: bool,
    /// Domains pebble refuses to issue for (`rejectedIdentifier`, RFC 8555 §6.7).
    pub domain_blocklist: Vec<String>,
    /// The address every DNS name resolves to (A records); there are no AAAA
    /// records, so validation never goes to `[::1]`.
    pub dns_default_ipv4: String,
    /// Validity of issued certificates; `None` keeps pebble's default (five
    /// years). Short values let tests reach renewal quickly.
    pub certificate_validity: Option<Duration>,
    /// External Account Binding keys (key ID, base64url HMAC key), RFC 8555
    /// §7.3.4. When not empty, pebble requires EAB for every new account.
    pub eab_keys: Vec<(String, String)>,
}

impl PebbleOptions {
    /// Deterministic pebble validating HTTP-01 on `127.0.0.1:http_port`.
    pub fn new(http_port: u16) -> Self {
        Self {
            http_port,
            env: Vec::new(),
            chaos: false,
            domain_blocklist: Vec::new(),
            dns_default_ipv4: "127.0.0.1".to_string(),
            certificate_validity: None,
            eab_keys: Vec::new(),
        }
    }
}

/// A running pebble and pebble-challtestsrv; both are killed on drop. When
/// dropped during a panic, it prints both processes' logs to stderr, which
/// the test harness shows with the failure.
#[derive(Debug)]
pub struct Pebble {
    // Fields drop in order: the processes die before their directory goes.
    pebble: Process,
    challtestsrv: Process,
    ports: Ports,
    http_port: u16,
    alternate_roots: u32,
    listener_ca_pem: String,
    listener_ca_path: PathBuf,
    client: HttpsClient<Empty<Bytes>>,
    scratch: ScratchDir,
}

impl Pebble {
    /// Starts pebble and challtestsrv and waits until both serve. Fails,
    /// naming `scripts/install-test-tools`, when they are not installed.
    /// Starts over once if a reserved port was taken in the meantime.
    pub async fn start(opts: PebbleOptions) -> Result<Self, Error> {
        let path = std::env::var_os("PATH");
        let binaries = (
            find_binary(PEBBLE, path.clone())?,
            find_binary(CHALLTESTSRV, path)?,
        );
        match Self::start_once(&opts, &binaries).await {
            Err(error) if port_taken(&error) => {
                tracing::warn!(%error, "A reserved port was taken, starting pebble again");
                Self::start_once(&opts, &binaries).await
            }
            result => result,
        }
    }

    async fn start_once(
        opts: &PebbleOptions,
        (pebble_bin, cts_bin): &(PathBuf, PathBuf),
    ) -> Result<Self, Error> {
        let scratch = ScratchDir::create("passerelle-pebble")?;
        let cert = https::listener_certificate()?;
        let listener_ca_path = scratch.write("listener-ca.pem", cert.ca_pem.as_bytes())?;
        let cert_path = scratch.write("listener-cert.pem", cert.cert_pem.as_bytes())?;
        let key_path = scratch.write("listener-key.pem", cert.key_pem.as_bytes())?;
        let ports = Ports::from_array(reserve_ports()?);
        let config = config::pebble_config(opts, ports, &cert_path, &key_path);
        let config_path = scratch.write("pebble-config.json", config.to_string().as_bytes())?;
        let pebble_command = config::pebble_command(pebble_bin, opts, ports, &config_path)?;

        let challtestsrv = Process::spawn(
            CHALLTESTSRV,
            config::challtestsrv_command(cts_bin, opts, ports),
            scratch.path().join("challtestsrv.log"),
        )?;
        let pebble = Process::spawn(PEBBLE, pebble_command, scratch.path().join("pebble.log"))?;
        let mut started = Self {
            pebble,
            challtestsrv,
            ports,
            http_port: opts.http_port,
            alternate_roots: alternate_roots(&opts.env),
            client: https::https_client(&cert.ca_pem)?,
            listener_ca_pem: cert.ca_pem,
            listener_ca_path,
            scratch,
        };
        started.wait_ready().await?;
        tracing::info!(directory = %started.directory_url(), "Started pebble");
        Ok(started)
    }

    /// Polls until challtestsrv accepts connections and pebble answers its
    /// directory and its first root, failing early if either exits.
    async fn wait_ready(&mut self) -> Result<(), Error> {
        let mut last = (CHALLTESTSRV, String::new());
        for _ in 0..READY_ATTEMPTS {
            let exited = [&mut self.challtestsrv, &mut self.pebble]
                .into_iter()
                .find_map(|process| Some((process.binary(), process.exited()?)));
            if let Some((binary, status)) = exited {
                return Err(Error::Exited {
                    binary,
                    status,
                    logs: self.logs(),
                });
            }
            match self.check_ready().await {
                Ok(()) => return Ok(()),
                Err(not_ready) => last = not_ready,
            }
            tokio::time::sleep(READY_INTERVAL).await;
        }
        Err(Error::WaitReady {
            binary: last.0,
            attempts: READY_ATTEMPTS,
            last: last.1,
            logs: self.logs(),
        })
    }

    async fn check_ready(&self) -> Result<(), (&'static str, String)> {
        for port in [self.ports.challtestsrv_management, self.ports.dns] {
            TcpStream::connect(("127.0.0.1", port))
                .await
                .map_err(|e| (CHALLTESTSRV, format!("connect to 127.0.0.1:{port}: {e}")))?;
        }
        for url in [self.directory_url(), self.root_url(0)] {
            https::get(&self.client, &url)
                .await
                .map_err(|e| (PEBBLE, error_chain(&e)))?;
        }
        Ok(())
    }

    /// The ACME directory (RFC 8555 §7.1.1), `https://127.0.0.1:PORT/dir`,
    /// served with a certificate signed by [`Self::listener_ca_pem`].
    pub fn directory_url(&self) -> String {
        format!("https://127.0.0.1:{}/dir", self.ports.acme)
    }

    /// The CA of pebble's own HTTPS listeners (PEM), made at start: what an
    /// ACME client trusts to talk to pebble (an Issuer's `spec.acme.caBundle`).
    /// Not the CA of issued certificates: see [`Self::issuing_roots_pem`].
    pub fn listener_ca_pem(&self) -> &str {
        &self.listener_ca_pem
    }

    /// The file holding [`Self::listener_ca_pem`], for clients that read a path.
    pub fn listener_ca_path(&self) -> &Path {
        &self.listener_ca_path
    }

    /// An HTTPS client trusting [`Self::listener_ca_pem`]; with `B =
    /// instant_acme::BodyWrapper<Bytes>` it is an instant-acme `HttpClient`.
    pub fn https_client<B>(&self) -> Result<HttpsClient<B>, Error>
    where
        B: hyper::body::Body + Send,
        B::Data: Send,
    {
        https::https_client(&self.listener_ca_pem)
    }

    /// The root certificate(s) that issued certificates chain to, PEM, from
    /// pebble's management interface (`/roots/0`, plus `/roots/N` for each
    /// alternate root asked with `PEBBLE_ALTERNATE_ROOTS`). pebble makes new
    /// ones at every start.
    pub async fn issuing_roots_pem(&self) -> Result<String, Error> {
        let mut pem = String::new();
        for index in 0..=self.alternate_roots {
            let body = https::get(&self.client, &self.root_url(index)).await?;
            pem.push_str(&String::from_utf8_lossy(&body));
            if !pem.ends_with('\n') {
                pem.push('\n');
            }
        }
        Ok(pem)
    }

    /// The port pebble's VA sends HTTP-01 validation requests to.
    pub fn http_port(&self) -> u16 {
        self.http_port
    }

    /// pebble's management interface (HTTPS, same listener CA), e.g. for
    /// `/intermediates/0` or `/cert-status-by-serial/…`.
    pub fn management_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.ports.management)
    }

    /// challtestsrv's DNS server, pebble's only resolver.
    pub fn dns_server(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.ports.dns))
    }

    /// challtestsrv's management API (plain HTTP), to change DNS answers
    /// (`POST /add-a`, `/set-default-ipv4`, …) during a test.
    pub fn challtestsrv_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.ports.challtestsrv_management)
    }

    /// Both processes' output so far, for a failing test to print.
    pub fn logs(&self) -> String {
        format!("{}\n{}", self.pebble.log(), self.challtestsrv.log())
    }

    /// The process ids of pebble and challtestsrv.
    pub fn pids(&self) -> [u32; 2] {
        [self.pebble.id(), self.challtestsrv.id()]
    }

    fn root_url(&self, index: u32) -> String {
        format!("{}/roots/{index}", self.management_url())
    }
}

impl Drop for Pebble {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "pebble harness in {}:\n{}",
                self.scratch.path().display(),
                self.logs()
            );
        }
    }
}

/// How many alternate roots the options ask pebble for.
fn alternate_roots(env: &[(String, String)]) -> u32 {
    env.iter()
        .rev()
        .find(|(name, _)| name == "PEBBLE_ALTERNATE_ROOTS")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0)
}

/// Whether a start failed because another process bound a reserved port first.
fn port_taken(error: &Error) -> bool {
    matches!(error, Error::Exited { logs, .. } if logs.contains("address already in use"))
}

/// An error and its sources on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
