//! The Ingress annotations ingress-shim reads, translated as cert-manager's
//! `translateAnnotations` and `setIssuerSpecificConfig` do: the issuer
//! (`cert-manager.io/issuer`, `cluster-issuer`, `issuer-kind`,
//! `issuer-group`, or the defaults), the Certificate's fields
//! (`cert-manager.io/common-name`, `duration`, …) and the HTTP-01 solver
//! overrides carried by the Certificate's own annotations. Values are
//! checked as cert-manager checks them; an invalid one is an error whose
//! message is cert-manager's, and no Certificate changes.

use std::collections::BTreeMap;
use std::net::IpAddr;

use passerelle_crds::constants::annotations as keys;
use passerelle_crds::defaults;
use passerelle_crds::meta::IssuerReference;
use passerelle_crds::v1::CertificateSpec;
use passerelle_crds::v1::certificate::{
    KeyUsage, PrivateKeyAlgorithm, PrivateKeyEncoding, PrivateKeyRotationPolicy,
};

use super::{OVERRIDE_INGRESS_CLASS, OVERRIDE_INGRESS_CLASS_NAME, OVERRIDE_INGRESS_NAME};
use crate::config::DefaultIssuer;

/// cert-manager's `cert-manager.io/issue-temporary-certificate`, set with
/// edit-in-place (for ingress-gce, which needs a certificate in the Secret
/// before it routes).
pub const ISSUE_TEMPORARY_CERTIFICATE: &str = "cert-manager.io/issue-temporary-certificate";

/// The annotations ingress-shim writes on the Certificates it manages (and
/// removes when the Ingress no longer asks for them).
pub const MANAGED: [&str; 4] = [
    OVERRIDE_INGRESS_NAME,
    OVERRIDE_INGRESS_CLASS,
    OVERRIDE_INGRESS_CLASS_NAME,
    ISSUE_TEMPORARY_CERTIFICATE,
];

/// Whether the Ingress asks for certificates: an issuer or cluster-issuer
/// annotation (any value), or `kubernetes.io/tls-acme` true as Go's
/// `strconv.ParseBool` reads it.
pub fn has_shim_annotation(annotations: &BTreeMap<String, String>) -> bool {
    annotations.contains_key(keys::INGRESS_ISSUER)
        || annotations.contains_key(keys::INGRESS_CLUSTER_ISSUER)
        || annotations
            .get(keys::TLS_ACME)
            .is_some_and(|v| matches!(v.as_str(), "1" | "t" | "T" | "TRUE" | "true" | "True"))
}

/// The issuer of the Ingress's Certificates, or why it cannot be told
/// (cert-manager's `issuerForIngressLike`).
pub fn issuer(
    defaults: &DefaultIssuer,
    annotations: &BTreeMap<String, String>,
) -> Result<IssuerReference, String> {
    let mut name = defaults.name.clone().unwrap_or_default();
    let mut kind = defaults.kind.clone();
    let mut group = defaults.group.clone();
    let issuer = annotations.get(keys::INGRESS_ISSUER);
    let cluster_issuer = annotations.get(keys::INGRESS_CLUSTER_ISSUER);
    let kind_annotation = annotations.get(keys::INGRESS_ISSUER_KIND);
    let group_annotation = annotations.get(keys::INGRESS_ISSUER_GROUP);
    if let Some(issuer) = issuer {
        name = issuer.clone();
        kind = "Issuer".into();
    }
    if let Some(cluster_issuer) = cluster_issuer {
        name = cluster_issuer.clone();
        kind = "ClusterIssuer".into();
    }
    if let Some(k) = kind_annotation {
        kind = k.clone();
    }
    if let Some(g) = group_annotation {
        group = g.clone();
    }
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push("failed to determine issuer name to be used for ingress resource".to_string());
    }
    let both = |a: &str, b: &str| format!("both {a:?} and {b:?} may not be set");
    if issuer.is_some() && cluster_issuer.is_some() {
        errors.push(both(keys::INGRESS_ISSUER, keys::INGRESS_CLUSTER_ISSUER));
    }
    if cluster_issuer.is_some() && group_annotation.is_some() {
        errors.push(both(keys::INGRESS_CLUSTER_ISSUER, keys::INGRESS_ISSUER_GROUP));
    }
    if cluster_issuer.is_some() && kind_annotation.is_some() {
        errors.push(both(keys::INGRESS_CLUSTER_ISSUER, keys::INGRESS_ISSUER_KIND));
    }
    if !errors.is_empty() {
        return Err(errors.join(", "));
    }
    Ok(IssuerReference {
        name,
        kind: Some(kind).filter(|k| !k.is_empty()),
        group: Some(group).filter(|g| !g.is_empty()),
    })
}

/// Applies the field annotations to `spec` (cert-manager's
/// `translateAnnotations`), or says which value is invalid.
pub fn translate(annotations: &BTreeMap<String, String>, spec: &mut CertificateSpec) -> Result<(), String> {
    if let Some(cn) = annotations.get(keys::COMMON_NAME) {
        spec.common_name = Some(cn.clone());
    }
    if let Some(emails) = annotations.get(keys::EMAIL_SANS) {
        spec.email_addresses = Some(emails.split(',').map(str::to_string).collect());
    }
    for (key, field) in [
        (keys::INGRESS_DURATION, &mut spec.duration),
        (keys::INGRESS_RENEW_BEFORE, &mut spec.renew_before),
    ] {
        if let Some(value) = annotations.get(key) {
            let parsed = defaults::parse_duration(value)
                .ok_or_else(|| invalid(key, format!("time: invalid duration {value:?}")))?;
            // As metav1.Duration writes it: Go's Duration.String().
            *field = Some(defaults::format_duration(parsed));
        }
    }
    if let Some(usages) = annotations.get(keys::INGRESS_USAGES) {
        let mut parsed = Vec::new();
        for name in usages.split(',') {
            let usage: KeyUsage = serde_json::from_value(serde_json::Value::String(name.trim().into()))
                .map_err(|_| invalid(keys::INGRESS_USAGES, format!("invalid key usage name {name:?}")))?;
            parsed.push(usage);
        }
        spec.usages = Some(parsed);
    }
    if let Some(limit) = annotations.get(keys::INGRESS_REVISION_HISTORY_LIMIT) {
        let key = keys::INGRESS_REVISION_HISTORY_LIMIT;
        let parsed: i32 = limit.parse().map_err(|_| {
            invalid(
                key,
                format!("strconv.ParseInt: parsing {limit:?}: invalid syntax"),
            )
        })?;
        if parsed < 1 {
            return Err(invalid(
                key,
                format!("revision history limit must be a positive number {limit:?}"),
            ));
        }
        spec.revision_history_limit = Some(parsed);
    }
    translate_private_key(annotations, spec)
}

/// The `private-key-*` annotations.
fn translate_private_key(
    annotations: &BTreeMap<String, String>,
    spec: &mut CertificateSpec,
) -> Result<(), String> {
    let algorithm: Option<PrivateKeyAlgorithm> = parse_enum(
        annotations,
        keys::INGRESS_PRIVATE_KEY_ALGORITHM,
        "private key algorithm",
    )?;
    let encoding: Option<PrivateKeyEncoding> = parse_enum(
        annotations,
        keys::INGRESS_PRIVATE_KEY_ENCODING,
        "private key encoding",
    )?;
    let rotation: Option<PrivateKeyRotationPolicy> = parse_enum(
        annotations,
        keys::INGRESS_PRIVATE_KEY_ROTATION_POLICY,
        "private key rotation policy",
    )?;
    let mut key = spec.private_key.clone().unwrap_or_default();
    key.algorithm = algorithm.or(key.algorithm);
    key.encoding = encoding.or(key.encoding);
    key.rotation_policy = rotation.or(key.rotation_policy);
    let size = annotations.get(keys::INGRESS_PRIVATE_KEY_SIZE);
    if let Some(size) = size {
        let k = keys::INGRESS_PRIVATE_KEY_SIZE;
        let parsed: i64 = size
            .parse()
            .ok()
            .filter(|s: &i64| i32::try_from(*s).is_ok())
            .ok_or_else(|| invalid(k, format!("strconv.Atoi: parsing {size:?}: invalid syntax")))?;
        match key.algorithm.unwrap_or(PrivateKeyAlgorithm::Rsa) {
            PrivateKeyAlgorithm::Rsa if !(2048..=8192).contains(&parsed) => {
                return Err(invalid(
                    k,
                    format!("invalid private key size for RSA algorithm {size:?}"),
                ));
            }
            PrivateKeyAlgorithm::Ecdsa if ![256, 384, 521].contains(&parsed) => {
                return Err(invalid(
                    k,
                    format!("invalid private key size for ECDSA algorithm {size:?}"),
                ));
            }
            _ => {}
        }
        key.size = Some(parsed);
    }
    if algorithm.is_some() || encoding.is_some() || rotation.is_some() || size.is_some() {
        spec.private_key = Some(key);
    }
    Ok(())
}

/// An annotation holding one of an API enum's values, as the API spells
/// them (`ECDSA`, `PKCS8`, `Never`).
fn parse_enum<T: serde::de::DeserializeOwned>(
    annotations: &BTreeMap<String, String>,
    key: &str,
    what: &str,
) -> Result<Option<T>, String> {
    annotations
        .get(key)
        .map(|v| {
            serde_json::from_value(serde_json::Value::String(v.clone()))
                .map_err(|_| invalid(key, format!("invalid {what} {v:?}")))
        })
        .transpose()
}

/// cert-manager's message for an invalid annotation.
fn invalid(key: &str, why: String) -> String {
    format!("invalid ingress annotation {key:?}: {why}")
}

/// The annotations a Certificate gets for its HTTP-01 solver (cert-manager's
/// `setIssuerSpecificConfig`): edit-in-place names this Ingress as the one
/// the solver adds its path to, and asks for a temporary certificate; the
/// class annotations override the issuer solver's class or
/// ingressClassName. The Certificate's CertificateRequest and Order carry
/// them on to the Challenge's solver ([`super::overrides`]).
pub fn solver_annotations(
    ingress_name: &str,
    annotations: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if annotations.get(keys::HTTP01_EDIT_IN_PLACE).map(String::as_str) == Some("true") {
        out.insert(OVERRIDE_INGRESS_NAME.to_string(), ingress_name.to_string());
        out.insert(ISSUE_TEMPORARY_CERTIFICATE.to_string(), "true".to_string());
    }
    for (from, to) in [
        (keys::HTTP01_INGRESS_CLASS, OVERRIDE_INGRESS_CLASS),
        (
            keys::HTTP01_INGRESS_INGRESS_CLASS_NAME,
            OVERRIDE_INGRESS_CLASS_NAME,
        ),
    ] {
        if let Some(value) = annotations.get(from).filter(|v| !v.is_empty()) {
            out.insert(to.to_string(), value.clone());
        }
    }
    out
}

/// An Ingress TLS entry's hosts as a Certificate's `dnsNames` and
/// `ipAddresses`, in order, without duplicates (addresses compared by
/// value).
pub fn split_hosts(hosts: &[String]) -> (Vec<String>, Vec<String>) {
    let mut dns: Vec<String> = Vec::new();
    let mut ips: Vec<(IpAddr, String)> = Vec::new();
    for host in hosts {
        match host.parse::<IpAddr>() {
            Ok(ip) if !ips.iter().any(|(seen, _)| *seen == ip) => ips.push((ip, host.clone())),
            Ok(_) => {}
            Err(_) if !dns.contains(host) => dns.push(host.clone()),
            Err(_) => {}
        }
    }
    (dns, ips.into_iter().map(|(_, h)| h).collect())
}
