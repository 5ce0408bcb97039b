//! Validation of Certificates and CertificateRequests, as cert-manager's
//! webhook validates them (`internal/apis/certmanager/validation`).

use std::net::IpAddr;

use super::names::dns1123_subdomain;
use super::{FieldError, quoted, quoted_wire};
use crate::defaults::{self, MIN_DURATION, MIN_RENEW_BEFORE, format_duration, parse_duration};
use crate::meta::IssuerReference;
use crate::v1::certificate::{CertificateSpec, PrivateKeyAlgorithm, SignatureAlgorithm};
use crate::v1::{Certificate, CertificateRequest};

/// Validates a Certificate. An empty list means valid.
pub fn certificate(cert: &Certificate) -> Vec<FieldError> {
    certificate_spec(&cert.spec, "spec")
}

/// Validates a CertificateRequest. An empty list means valid.
pub fn certificate_request(cr: &CertificateRequest) -> Vec<FieldError> {
    let mut el = issuer_ref(&cr.spec.issuer_ref, "spec.issuerRef");
    if cr.spec.request.is_empty() {
        el.push(FieldError::required("spec.request", "must be specified"));
    } else if !super::acme::decodes_to_pem(&cr.spec.request, "CERTIFICATE REQUEST") {
        el.push(FieldError::invalid(
            "spec.request",
            "<csr>",
            "failed to decode csr: error decoding certificate request PEM block",
        ));
    }
    if let Some(d) = &cr.spec.duration
        && parse_duration(d).is_none()
    {
        el.push(FieldError::invalid(
            "spec.duration",
            quoted(d),
            "invalid duration",
        ));
    }
    el
}

/// Validates a Certificate's spec; `path` is where the spec sits (`spec`).
pub(crate) fn certificate_spec(spec: &CertificateSpec, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    if spec.secret_name.is_empty() {
        el.push(FieldError::required(
            format!("{path}.secretName"),
            "must be specified",
        ));
    } else {
        for msg in dns1123_subdomain(&spec.secret_name) {
            el.push(FieldError::invalid(
                format!("{path}.secretName"),
                quoted(&spec.secret_name),
                msg,
            ));
        }
    }
    el.extend(issuer_ref(&spec.issuer_ref, &format!("{path}.issuerRef")));

    let mut common_name = spec.common_name.clone().unwrap_or_default();
    if let Some(literal) = spec.literal_subject.as_deref().filter(|l| !l.is_empty()) {
        if spec.subject.is_some() {
            el.push(FieldError::invalid(
                format!("{path}.subject"),
                "{...}",
                "When providing a `LiteralSubject` no `Subject` properties may be provided.",
            ));
        }
        if !common_name.is_empty() {
            el.push(FieldError::invalid(
                format!("{path}.commonName"),
                quoted(&common_name),
                "When providing a `LiteralSubject` no `commonName` may be provided.",
            ));
        }
        match literal_subject_common_name(literal) {
            Ok(cn) => common_name = cn.unwrap_or_default(),
            Err(e) => el.push(FieldError::invalid(
                format!("{path}.literalSubject"),
                quoted(literal),
                e,
            )),
        }
    }
    let has = |v: &Option<Vec<_>>| v.as_ref().is_some_and(|v: &Vec<_>| !v.is_empty());
    if common_name.is_empty()
        && !has(&spec.dns_names)
        && !has(&spec.uris)
        && !has(&spec.email_addresses)
        && !has(&spec.ip_addresses)
        && spec.other_names.as_ref().is_none_or(Vec::is_empty)
    {
        el.push(FieldError::invalid(
            path,
            quoted(""),
            "at least one of commonName (from the commonName field or from a literalSubject), dnsNames, \
             uriSANs, ipAddresses, emailSANs or otherNames must be set",
        ));
    }
    if common_name.len() > 64 {
        el.push(FieldError::too_long(format!("{path}.commonName"), 64));
    }
    for (i, ip) in spec.ip_addresses.iter().flatten().enumerate() {
        if ip.parse::<IpAddr>().is_err() {
            el.push(FieldError::invalid(
                format!("{path}.ipAddresses[{i}]"),
                quoted(ip),
                "invalid IP address",
            ));
        }
    }
    for (i, email) in spec.email_addresses.iter().flatten().enumerate() {
        if !is_bare_email(email) {
            el.push(FieldError::invalid(
                format!("{path}.emailAddresses[{i}]"),
                quoted(email),
                "invalid email address: make sure the supplied value only contains the email address itself",
            ));
        }
    }
    for (i, other) in spec.other_names.iter().flatten().enumerate() {
        let at = format!("{path}.otherNames[{i}]");
        match other.oid.as_deref() {
            None | Some("") => el.push(FieldError::required(format!("{at}.oid"), "must be specified")),
            Some(oid) if !is_oid(oid) => el.push(FieldError::invalid(
                format!("{at}.oid"),
                quoted(oid),
                "oid syntax invalid",
            )),
            Some(_) => {}
        }
        if other.utf8_value.as_deref().is_none_or(str::is_empty) {
            el.push(FieldError::required(
                format!("{at}.utf8Value"),
                "must be specified",
            ));
        }
    }
    el.extend(private_key(spec, path));
    el.extend(durations(spec, path));
    if let Some(limit) = spec.revision_history_limit
        && limit < 1
    {
        el.push(FieldError::invalid(
            format!("{path}.revisionHistoryLimit"),
            limit,
            "must not be less than 1",
        ));
    }
    if let Some(annotations) = spec.secret_template.as_ref().and_then(|t| t.annotations.as_ref()) {
        for key in annotations.keys() {
            if key.starts_with(crate::constants::annotations::CERT_MANAGER_PREFIX) {
                el.push(FieldError::invalid(
                    format!("{path}.secretTemplate.annotations"),
                    quoted(key),
                    "cert-manager.io/* annotations are not allowed",
                ));
            }
        }
    }
    el.extend(outputs(spec, path));
    el
}

fn issuer_ref(r: &IssuerReference, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    if r.name.is_empty() {
        el.push(FieldError::required(format!("{path}.name"), "must be specified"));
    }
    let group = r.group.as_deref().unwrap_or_default();
    let kind = r.kind.as_deref().unwrap_or_default();
    if (group.is_empty() || group == defaults::DEFAULT_ISSUER_GROUP)
        && !matches!(kind, "" | "Issuer" | "ClusterIssuer")
    {
        el.push(FieldError::invalid(
            format!("{path}.kind"),
            quoted(kind),
            "must be one of Issuer or ClusterIssuer",
        ));
    }
    el
}

fn private_key(spec: &CertificateSpec, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    let settings = defaults::private_key(spec);
    let size = spec.private_key.as_ref().and_then(|k| k.size).filter(|s| *s > 0);
    match (settings.algorithm, size) {
        (PrivateKeyAlgorithm::Rsa, Some(size)) if !(2048..=8192).contains(&size) => {
            el.push(FieldError::invalid(
                format!("{path}.privateKey.size"),
                size,
                "must be between 2048 & 8192 for rsa keyAlgorithm",
            ));
        }
        (PrivateKeyAlgorithm::Ecdsa, Some(size)) if ![256, 384, 521].contains(&size) => {
            el.push(FieldError::not_supported(
                format!("{path}.privateKey.size"),
                size,
                &["256", "384", "521"],
            ));
        }
        _ => {}
    }
    if let Some(sig) = spec.signature_algorithm {
        use SignatureAlgorithm::*;
        let (ok, family) = match settings.algorithm {
            PrivateKeyAlgorithm::Rsa => (
                matches!(sig, SHA256WithRSA | SHA384WithRSA | SHA512WithRSA),
                "RSA",
            ),
            PrivateKeyAlgorithm::Ecdsa => (
                matches!(sig, ECDSAWithSHA256 | ECDSAWithSHA384 | ECDSAWithSHA512),
                "ECDSA",
            ),
            PrivateKeyAlgorithm::Ed25519 => (sig == PureEd25519, "Ed25519"),
        };
        if !ok {
            el.push(FieldError::invalid(
                format!("{path}.signatureAlgorithm"),
                quoted_wire(&sig),
                format!("signature algorithm is not compatible with {family} keys"),
            ));
        }
    }
    el
}

fn durations(spec: &CertificateSpec, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    let duration = match spec.duration.as_deref() {
        Some(d) => match parse_duration(d) {
            Some(parsed) => parsed,
            None => {
                el.push(FieldError::invalid(
                    format!("{path}.duration"),
                    quoted(d),
                    "invalid duration",
                ));
                return el;
            }
        },
        None => defaults::DEFAULT_DURATION,
    };
    if duration < MIN_DURATION {
        el.push(FieldError::invalid(
            format!("{path}.duration"),
            format_duration(duration),
            format!(
                "certificate duration must be greater than {}",
                format_duration(MIN_DURATION)
            ),
        ));
    }
    if let Some(rb) = spec.renew_before.as_deref() {
        match parse_duration(rb) {
            None => el.push(FieldError::invalid(
                format!("{path}.renewBefore"),
                quoted(rb),
                "invalid duration",
            )),
            Some(rb) => {
                if rb < MIN_RENEW_BEFORE {
                    el.push(FieldError::invalid(
                        format!("{path}.renewBefore"),
                        format_duration(rb),
                        format!(
                            "certificate renewBefore must be greater than {}",
                            format_duration(MIN_RENEW_BEFORE)
                        ),
                    ));
                }
                if rb >= duration {
                    el.push(FieldError::invalid(
                        format!("{path}.renewBefore"),
                        format_duration(rb),
                        format!(
                            "certificate duration {} must be greater than renewBefore {}",
                            format_duration(duration),
                            format_duration(rb)
                        ),
                    ));
                }
            }
        }
        if spec.renew_before_percentage.is_some() {
            el.push(FieldError::invalid(
                format!("{path}.renewBefore"),
                quoted(spec.renew_before.as_deref().unwrap_or_default()),
                "renewBefore and renewBeforePercentage are mutually exclusive and cannot both be set",
            ));
        }
    }
    if let Some(pct) = spec.renew_before_percentage {
        if pct <= 0 || pct >= 100 {
            el.push(FieldError::invalid(
                format!("{path}.renewBeforePercentage"),
                pct,
                "renewBeforePercentage must be a value between 0 and 100 (exclusive)",
            ));
        } else if duration * pct as u32 / 100 < MIN_RENEW_BEFORE {
            el.push(FieldError::invalid(
                format!("{path}.renewBeforePercentage"),
                pct,
                format!(
                    "certificate renewBefore derived from renewBeforePercentage must be greater than {}",
                    format_duration(MIN_RENEW_BEFORE)
                ),
            ));
        }
    }
    el
}

fn outputs(spec: &CertificateSpec, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    let mut seen = Vec::new();
    for (i, format) in spec.additional_output_formats.iter().flatten().enumerate() {
        if seen.contains(&format.type_) {
            el.push(FieldError::duplicate(
                format!("{path}.additionalOutputFormats[{i}].type"),
                quoted_wire(&format.type_),
            ));
        }
        seen.push(format.type_);
    }
    if let Some(ks) = &spec.keystores {
        let keystores = [
            (
                "jks",
                ks.jks
                    .as_ref()
                    .map(|k| (k.password.as_deref(), k.password_secret_ref.is_some())),
            ),
            (
                "pkcs12",
                ks.pkcs12
                    .as_ref()
                    .map(|k| (k.password.as_deref(), k.password_secret_ref.is_some())),
            ),
        ];
        for (name, keystore) in keystores {
            let Some((password, has_ref)) = keystore else {
                continue;
            };
            let has_password = password.is_some_and(|p| !p.is_empty());
            if has_password == has_ref {
                el.push(FieldError::forbidden(
                    format!("{path}.keystores.{name}"),
                    "exactly one of password or passwordSecretRef must be set",
                ));
            }
        }
    }
    if let Some(nc) = &spec.name_constraints {
        if spec.is_ca != Some(true) {
            el.push(FieldError::invalid(
                format!("{path}.nameConstraints"),
                "{...}",
                "isCa should be true when nameConstraints is set",
            ));
        }
        if nc.permitted.is_none() && nc.excluded.is_none() {
            el.push(FieldError::invalid(
                format!("{path}.nameConstraints"),
                "{...}",
                "either permitted or excluded must be set",
            ));
        }
    }
    el
}

/// The common name in an RFC 4514 string (`CN=foo,O=bar`), or an error
/// naming what does not parse.
fn literal_subject_common_name(literal: &str) -> Result<Option<String>, String> {
    let mut cn = None;
    let mut rest = literal;
    while !rest.is_empty() {
        let (rdn, tail) = split_unescaped(rest, &[',', '+']);
        let Some((attr, value)) = rdn.split_once('=') else {
            return Err(format!("invalid literalSubject: attribute {rdn:?} has no '='"));
        };
        let attr = attr.trim();
        if attr.is_empty() {
            return Err("invalid literalSubject: empty attribute type".to_string());
        }
        if attr.eq_ignore_ascii_case("CN") || attr == "2.5.4.3" {
            cn = Some(unescape(value));
        }
        rest = tail;
    }
    Ok(cn)
}

fn split_unescaped<'a>(s: &'a str, seps: &[char]) -> (&'a str, &'a str) {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            c if seps.contains(&c) && !escaped => return (&s[..i], &s[i + c.len_utf8()..]),
            _ => escaped = false,
        }
    }
    (s, "")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_bare_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !s.contains(|c: char| c.is_whitespace() || "<>()\"".contains(c))
        && domain.split('.').all(|l| !l.is_empty())
}

fn is_oid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}
