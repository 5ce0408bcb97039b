//! Traefik 1.x's `--entryPoints` flag: one entry point as space-separated
//! `Key:Value` fields, read as Traefik 1.7's `EntryPoints.Set` read them
//! (`Name:https Address::443 TLS:/ssl/tls.crt,/ssl/tls.key`,
//! `Name:http Address::80 Redirect.EntryPoint:https`). Keys match
//! case-insensitively. As in the config file, access control Passerelle does
//! not enforce (authentication, whitelists, client certificates) stops
//! start-up, and the keys it does not implement are warnings.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{CertSpec, ConfigError, EntryPointConfig, PemSource, TlsConfig, TlsVersion, parse_address};
use crate::routing::{Redirect, RedirectTarget};

const FLAG: &str = "--entryPoints";

fn invalid(message: String) -> ConfigError {
    ConfigError::Flag { flag: FLAG, message }
}

/// Parses one `--entryPoints` value; warnings name the ignored keys.
pub(crate) fn parse(text: &str, warnings: &mut Vec<String>) -> Result<EntryPointConfig, ConfigError> {
    // Lower-cased key → (key as written, value); a repeated key wins, as
    // in Traefik's map.
    let mut fields: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    for part in text.split_whitespace() {
        let (key, value) = part.split_once(':').unwrap_or((part, ""));
        fields.insert(key.to_ascii_lowercase(), (key, value));
    }
    let mut take = |name: &str| fields.remove(name).map(|(_, value)| value);
    let name = take("name")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid(format!("`{text}` has no `Name:`")))?
        .to_owned();
    let address = take("address").ok_or_else(|| invalid(format!("entry point {name} has no `Address:`")))?;
    let address = parse_address(address).map_err(|m| invalid(format!("entry point {name}: {m}")))?;

    for refused in ["ca", "ca.optional"] {
        if take(refused).is_some() {
            return Err(invalid(format!(
                "entry point {name}: client certificates are not supported; refusing to serve without them"
            )));
        }
    }
    let tls = match take("tls") {
        None => None,
        Some(certificates) => Some(TlsConfig {
            certificates: cert_specs(&name, certificates)?,
            min_version: match take("tls.minversion") {
                None => TlsVersion::Tls12,
                Some(v) if v.eq_ignore_ascii_case("VersionTLS13") => TlsVersion::Tls13,
                Some(v) if v.eq_ignore_ascii_case("VersionTLS12") => TlsVersion::Tls12,
                Some(v)
                    if v.eq_ignore_ascii_case("VersionTLS10") || v.eq_ignore_ascii_case("VersionTLS11") =>
                {
                    warnings.push(format!(
                        "{FLAG} {name}: TLS.MinVersion:{v}: TLS 1.0 and 1.1 are not supported, the minimum is TLS 1.2"
                    ));
                    TlsVersion::Tls12
                }
                Some(v) => {
                    return Err(invalid(format!(
                        "entry point {name}: `{v}` is not VersionTLS12 or VersionTLS13"
                    )));
                }
            },
            sni_strict: match take("tls.snistrict") {
                None => false,
                Some(v) => go_bool(v)
                    .ok_or_else(|| invalid(format!("entry point {name}: `{v}` is not a boolean")))?,
            },
            default_certificate: None,
        }),
    };
    let redirect = redirect(&name, &mut take)?;

    for (lower, (key, _)) in fields {
        if lower.starts_with("auth") || lower.starts_with("whitelist") {
            return Err(invalid(format!(
                "entry point {name}: `{key}`: access control on entry points is not supported; refusing to serve unprotected"
            )));
        }
        warnings.push(format!(
            "{FLAG} {name}: unknown or unsupported key `{key}` is ignored"
        ));
    }
    Ok(EntryPointConfig {
        name,
        address,
        redirect,
        tls,
    })
}

/// `Redirect.EntryPoint`, or `Redirect.Regex` + `Redirect.Replacement`, and
/// `Redirect.Permanent`.
fn redirect<'a>(
    name: &str,
    take: &mut impl FnMut(&str) -> Option<&'a str>,
) -> Result<Option<Redirect>, ConfigError> {
    let entry_point = take("redirect.entrypoint");
    let regex = take("redirect.regex");
    let replacement = take("redirect.replacement");
    let permanent = match take("redirect.permanent") {
        None => false,
        Some(v) => {
            go_bool(v).ok_or_else(|| invalid(format!("entry point {name}: `{v}` is not a boolean")))?
        }
    };
    let target = match (entry_point, regex, replacement) {
        (Some(to), _, _) => RedirectTarget::EntryPoint(to.to_owned()),
        (None, Some(regex), Some(replacement)) => {
            regex::Regex::new(regex).map_err(|e| invalid(format!("entry point {name}: {e}")))?;
            RedirectTarget::Regex {
                regex: regex.to_owned(),
                replacement: replacement.to_owned(),
            }
        }
        (None, Some(_), None) => {
            return Err(invalid(format!(
                "entry point {name}: `Redirect.Regex` needs a `Redirect.Replacement`"
            )));
        }
        (None, None, _) => return Ok(None),
    };
    Ok(Some(Redirect { target, permanent }))
}

/// `TLS:cert,key;cert,key` (or a bare `TLS`: no certificate but the
/// generated default).
fn cert_specs(name: &str, value: &str) -> Result<Vec<CertSpec>, ConfigError> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    value
        .split(';')
        .map(|pair| match pair.split(',').collect::<Vec<_>>()[..] {
            [cert, key] if !cert.is_empty() && !key.is_empty() => Ok(CertSpec {
                cert: PemSource::File(PathBuf::from(cert)),
                key: PemSource::File(PathBuf::from(key)),
            }),
            _ => Err(invalid(format!(
                "entry point {name}: `TLS:{value}` is not `TLS:CERTFILE,KEYFILE;...`"
            ))),
        })
        .collect()
}

/// Go's `strconv.ParseBool`.
fn go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}
