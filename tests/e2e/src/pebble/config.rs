//! How pebble and pebble-challtestsrv are invoked: pebble's JSON
//! configuration (the keys pebble 2.4 reads, see its `cmd/pebble/main.go`),
//! its environment, and both command lines. Pure: no process is started here.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use super::PebbleOptions;
use crate::Error;

/// Set by pebble's VA to accept every challenge without validating it: it
/// would make the tests prove nothing, so the harness never sets it.
const ALWAYS_VALID: &str = "PEBBLE_VA_ALWAYS_VALID";

/// The environment that makes pebble deterministic: no random validation
/// sleeps, no spurious `badNonce` (RFC 8555 §6.5), no reuse of valid
/// authorizations across orders (so every order really runs its challenges).
const DETERMINISTIC_ENV: [(&str, &str); 3] = [
    ("PEBBLE_VA_NOSLEEP", "1"),
    ("PEBBLE_WFE_NONCEREJECT", "0"),
    ("PEBBLE_AUTHZREUSE", "0"),
];

/// The local ports of one pebble start.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ports {
    /// pebble's ACME listener (`listenAddress`).
    pub(crate) acme: u16,
    /// pebble's management listener (`managementListenAddress`, serves `/roots/N`).
    pub(crate) management: u16,
    /// Where pebble's VA would send TLS-ALPN-01 validations: reserved but
    /// unused, so such a validation fails instead of reaching a stranger.
    pub(crate) tls_alpn: u16,
    /// challtestsrv's DNS server (UDP and TCP), pebble's only resolver.
    pub(crate) dns: u16,
    /// challtestsrv's management API (plain HTTP).
    pub(crate) challtestsrv_management: u16,
}

impl Ports {
    /// Builds the ports from five reserved ones, in field order.
    pub(crate) fn from_array([acme, management, tls_alpn, dns, challtestsrv_management]: [u16; 5]) -> Self {
        Self {
            acme,
            management,
            tls_alpn,
            dns,
            challtestsrv_management,
        }
    }
}

/// pebble's JSON configuration file. `retryAfter` is left out: pebble 2.4
/// (Debian's) does not read it; the `Retry-After` pebble sends then comes
/// from its built-in defaults.
pub(crate) fn pebble_config(
    opts: &PebbleOptions,
    ports: Ports,
    certificate: &Path,
    private_key: &Path,
) -> Value {
    let mut pebble = json!({
        "listenAddress": format!("127.0.0.1:{}", ports.acme),
        "managementListenAddress": format!("127.0.0.1:{}", ports.management),
        "certificate": certificate,
        "privateKey": private_key,
        "httpPort": opts.http_port,
        "tlsPort": ports.tls_alpn,
        "ocspResponderURL": "",
        "externalAccountBindingRequired": !opts.eab_keys.is_empty(),
        "externalAccountMACKeys": opts
            .eab_keys
            .iter()
            .map(|(id, key)| (id.clone(), Value::String(key.clone())))
            .collect::<serde_json::Map<String, Value>>(),
        "domainBlocklist": opts.domain_blocklist,
    });
    if let (Some(validity), Some(object)) = (opts.certificate_validity, pebble.as_object_mut()) {
        // Whole seconds; pebble's default (when absent) is five years.
        object.insert("certificateValidityPeriod".to_string(), json!(validity.as_secs()));
    }
    json!({ "pebble": pebble })
}

/// The command starting pebble with `config` and challtestsrv as its DNS
/// server. Inherited `PEBBLE_*` variables are cleared so a developer's shell
/// cannot change what a test sees.
pub(crate) fn pebble_command(
    binary: &Path,
    opts: &PebbleOptions,
    ports: Ports,
    config: &Path,
) -> Result<Command, Error> {
    if let Some((name, _)) = opts.env.iter().find(|(name, _)| name == ALWAYS_VALID) {
        return Err(Error::InvalidOptions(format!(
            "{name} would skip challenge validation"
        )));
    }
    let mut command = Command::new(binary);
    command
        .arg("-config")
        .arg(config)
        .arg("-dnsserver")
        .arg(format!("127.0.0.1:{}", ports.dns));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PEBBLE_") {
            command.env_remove(name);
        }
    }
    if !opts.chaos {
        command.envs(DETERMINISTIC_ENV);
    }
    command.envs(
        opts.env
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
    );
    Ok(command)
}

/// The command starting challtestsrv as a DNS server only: every A query is
/// answered with `dns_default_ipv4`, and AAAA queries get nothing, otherwise
/// pebble would validate against `[::1]` where nobody listens. Its HTTP-01,
/// HTTPS and TLS-ALPN-01 responders are disabled: the code under test answers.
pub(crate) fn challtestsrv_command(binary: &Path, opts: &PebbleOptions, ports: Ports) -> Command {
    let mut command = Command::new(binary);
    command.args([
        "-http01",
        "",
        "-https01",
        "",
        "-tlsalpn01",
        "",
        "-dns01",
        &format!("127.0.0.1:{}", ports.dns),
        "-management",
        &format!("127.0.0.1:{}", ports.challtestsrv_management),
        "-defaultIPv4",
        &opts.dns_default_ipv4,
        "-defaultIPv6",
        "",
    ]);
    command
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::time::Duration;

    use super::*;

    /// The environment `command` sets explicitly (`None` for a removed variable).
    fn envs(command: &Command) -> Vec<(String, Option<String>)> {
        let text = |s: &OsStr| s.to_string_lossy().into_owned();
        command
            .get_envs()
            .map(|(name, value)| (text(name), value.map(text)))
            .collect()
    }

    const PORTS: Ports = Ports {
        acme: 1,
        management: 2,
        tls_alpn: 3,
        dns: 4,
        challtestsrv_management: 5,
    };

    fn set(command: &Command, name: &str) -> Option<String> {
        envs(command)
            .into_iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, value)| value)
    }

    #[test]
    fn config_points_validation_at_http_port_and_blocks_domains() {
        let mut opts = PebbleOptions::new(8080);
        opts.domain_blocklist = vec!["blocked.example".to_string()];
        opts.certificate_validity = Some(Duration::from_secs(3600));
        let config = pebble_config(&opts, PORTS, Path::new("/c.pem"), Path::new("/k.pem"));
        let pebble = &config["pebble"];
        assert_eq!(pebble["listenAddress"], "127.0.0.1:1");
        assert_eq!(pebble["managementListenAddress"], "127.0.0.1:2");
        assert_eq!(pebble["httpPort"], 8080);
        assert_eq!(pebble["tlsPort"], 3);
        assert_eq!(pebble["certificate"], "/c.pem");
        assert_eq!(pebble["domainBlocklist"], json!(["blocked.example"]));
        assert_eq!(pebble["certificateValidityPeriod"], 3600);
    }

    #[test]
    fn deterministic_unless_chaos() {
        let opts = PebbleOptions::new(80);
        let command =
            pebble_command(Path::new("pebble"), &opts, PORTS, Path::new("c.json")).expect("command");
        assert_eq!(set(&command, "PEBBLE_VA_NOSLEEP").as_deref(), Some("1"));
        assert_eq!(set(&command, "PEBBLE_WFE_NONCEREJECT").as_deref(), Some("0"));
        assert_eq!(set(&command, "PEBBLE_AUTHZREUSE").as_deref(), Some("0"));
        assert_eq!(set(&command, ALWAYS_VALID), None);

        let chaos = PebbleOptions {
            chaos: true,
            ..PebbleOptions::new(80)
        };
        let command =
            pebble_command(Path::new("pebble"), &chaos, PORTS, Path::new("c.json")).expect("command");
        assert_eq!(set(&command, "PEBBLE_VA_NOSLEEP"), None);
        assert_eq!(set(&command, "PEBBLE_AUTHZREUSE"), None);
    }

    #[test]
    fn extra_env_overrides_defaults() {
        let mut opts = PebbleOptions::new(80);
        opts.env
            .push(("PEBBLE_WFE_NONCEREJECT".to_string(), "50".to_string()));
        let command =
            pebble_command(Path::new("pebble"), &opts, PORTS, Path::new("c.json")).expect("command");
        let last = envs(&command)
            .into_iter()
            .rev()
            .find(|(n, _)| n == "PEBBLE_WFE_NONCEREJECT");
        assert_eq!(last.and_then(|(_, v)| v).as_deref(), Some("50"));
    }

    #[test]
    fn refuses_always_valid() {
        let mut opts = PebbleOptions::new(80);
        opts.env.push((ALWAYS_VALID.to_string(), "1".to_string()));
        let result = pebble_command(Path::new("pebble"), &opts, PORTS, Path::new("c.json"));
        assert!(matches!(result, Err(Error::InvalidOptions(_))));
    }

    #[test]
    fn challtestsrv_answers_dns_only_with_ipv4() {
        let command = challtestsrv_command(Path::new("cts"), &PebbleOptions::new(80), PORTS);
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let value = |flag: &str| args.iter().position(|a| a == flag).map(|i| args[i + 1].clone());
        assert_eq!(value("-http01").as_deref(), Some(""));
        assert_eq!(value("-tlsalpn01").as_deref(), Some(""));
        assert_eq!(value("-dns01").as_deref(), Some("127.0.0.1:4"));
        assert_eq!(value("-defaultIPv4").as_deref(), Some("127.0.0.1"));
        assert_eq!(value("-defaultIPv6").as_deref(), Some(""));
    }
}
