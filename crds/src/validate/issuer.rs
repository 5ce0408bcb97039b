//! Validation of Issuers and ClusterIssuers, as cert-manager's webhook
//! validates them: exactly one issuer type, and each type's own rules
//! (ACME account and solvers, CA, Vault, Venafi).

use super::{FieldError, quoted};
use crate::acme::dns01::AcmeChallengeSolverDns01;
use crate::acme::solver::AcmeChallengeSolverHttp01;
use crate::acme::{AcmeChallengeSolver, AcmeIssuer};
use crate::v1::vault::VaultIssuer;
use crate::v1::venafi::VenafiIssuer;
use crate::v1::{ClusterIssuer, Issuer, IssuerConfig};

/// Validates an Issuer. An empty list means valid.
pub fn issuer(issuer: &Issuer) -> Vec<FieldError> {
    issuer_config(issuer.config(), "spec")
}

/// Validates a ClusterIssuer. An empty list means valid.
pub fn cluster_issuer(issuer: &ClusterIssuer) -> Vec<FieldError> {
    issuer_config(issuer.config(), "spec")
}

/// Validates an issuer configuration found at `path`.
pub fn issuer_config(config: &IssuerConfig, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    let types = config.types();
    if types.is_empty() {
        el.push(FieldError::required(
            path,
            "at least one issuer must be configured",
        ));
    }
    for extra in types.iter().skip(1) {
        el.push(FieldError::forbidden(
            format!("{path}.{}", extra.field()),
            "may not specify more than one issuer type",
        ));
    }
    if let Some(acme) = &config.acme {
        el.extend(acme_issuer(acme, &format!("{path}.acme")));
    }
    if let Some(ca) = &config.ca
        && ca.secret_name.is_empty()
    {
        el.push(FieldError::required(format!("{path}.ca.secretName"), ""));
    }
    if let Some(vault) = &config.vault {
        el.extend(vault_issuer(vault, &format!("{path}.vault")));
    }
    if let Some(venafi) = &config.venafi {
        el.extend(venafi_issuer(venafi, &format!("{path}.venafi")));
    }
    el
}

fn acme_issuer(acme: &AcmeIssuer, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    if acme.ca_bundle.as_deref().is_some_and(|b| !b.is_empty()) && acme.skip_tls_verify == Some(true) {
        el.push(FieldError::invalid(
            format!("{path}.caBundle"),
            quoted(""),
            "caBundle and skipTLSVerify are mutually exclusive and cannot both be set",
        ));
    }
    if acme.private_key_secret_ref.name.is_empty() {
        el.push(FieldError::required(
            format!("{path}.privateKeySecretRef.name"),
            "private key secret name is a required field",
        ));
    }
    if acme.server.is_empty() {
        el.push(FieldError::required(
            format!("{path}.server"),
            "acme server URL is a required field",
        ));
    }
    if let Some(eab) = &acme.external_account_binding {
        let at = format!("{path}.externalAccountBinding");
        if eab.key_id.is_empty() {
            el.push(FieldError::required(
                format!("{at}.keyID"),
                "the keyID field is required when using externalAccountBinding",
            ));
        }
        if eab.key_secret_ref.name.is_empty() {
            el.push(FieldError::required(
                format!("{at}.keySecretRef.name"),
                "secret name is required",
            ));
        }
    }
    for (i, solver) in acme.solvers.iter().flatten().enumerate() {
        el.extend(acme_solver(solver, &format!("{path}.solvers[{i}]")));
    }
    el
}

/// Validates one entry of `spec.acme.solvers` (also a Challenge's
/// `spec.solver`).
pub(crate) fn acme_solver(solver: &AcmeChallengeSolver, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    match (&solver.http01, &solver.dns01) {
        (None, None) => el.push(FieldError::required(path, "no solver type configured")),
        (Some(_), Some(_)) => el.push(FieldError::forbidden(
            format!("{path}.dns01"),
            "may not specify more than one solver type in a single solver",
        )),
        _ => {}
    }
    if let Some(http01) = &solver.http01 {
        el.extend(http01_solver(http01, &format!("{path}.http01")));
    }
    if let Some(dns01) = &solver.dns01 {
        el.extend(dns01_solver(dns01, &format!("{path}.dns01")));
    }
    el
}

fn http01_solver(http01: &AcmeChallengeSolverHttp01, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    match (&http01.ingress, &http01.gateway_http_route) {
        (None, None) => el.push(FieldError::required(path, "no HTTP01 solver type configured")),
        (Some(_), Some(_)) => el.push(FieldError::forbidden(
            format!("{path}.gatewayHTTPRoute"),
            "only one of 'ingress' or 'gatewayHTTPRoute' may be specified",
        )),
        _ => {}
    }
    if let Some(ing) = &http01.ingress {
        let set = [
            ing.class.is_some(),
            ing.ingress_class_name.is_some(),
            ing.name.is_some(),
        ];
        if set.iter().filter(|s| **s).count() > 1 {
            el.push(FieldError::forbidden(
                format!("{path}.ingress"),
                "only one of 'ingressClassName', 'name' or 'class' should be specified",
            ));
        }
        el.extend(service_type(
            ing.service_type.as_deref(),
            &format!("{path}.ingress.serviceType"),
        ));
    }
    if let Some(route) = &http01.gateway_http_route {
        el.extend(service_type(
            route.service_type.as_deref(),
            &format!("{path}.gatewayHTTPRoute.serviceType"),
        ));
    }
    el
}

fn service_type(value: Option<&str>, path: &str) -> Option<FieldError> {
    match value {
        None | Some("" | "ClusterIP" | "NodePort") => None,
        Some(other) => Some(FieldError::not_supported(
            path,
            quoted(other),
            &["ClusterIP", "NodePort"],
        )),
    }
}

fn dns01_solver(dns01: &AcmeChallengeSolverDns01, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    let providers = [
        ("akamai", dns01.akamai.is_some()),
        ("cloudDNS", dns01.cloud_dns.is_some()),
        ("cloudflare", dns01.cloudflare.is_some()),
        ("route53", dns01.route53.is_some()),
        ("azureDNS", dns01.azure_dns.is_some()),
        ("digitalocean", dns01.digitalocean.is_some()),
        ("acmeDNS", dns01.acme_dns.is_some()),
        ("rfc2136", dns01.rfc2136.is_some()),
        ("webhook", dns01.webhook.is_some()),
    ];
    let configured: Vec<&str> = providers
        .iter()
        .filter(|(_, set)| *set)
        .map(|(name, _)| *name)
        .collect();
    if configured.is_empty() {
        el.push(FieldError::required(path, "no DNS01 provider configured"));
    }
    for extra in configured.iter().skip(1) {
        el.push(FieldError::forbidden(
            format!("{path}.{extra}"),
            "may not specify more than one provider type",
        ));
    }
    el
}

fn vault_issuer(vault: &VaultIssuer, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    if vault.server.is_empty() {
        el.push(FieldError::required(format!("{path}.server"), ""));
    }
    if vault.path.is_empty() {
        el.push(FieldError::required(format!("{path}.path"), ""));
    }
    if vault.ca_bundle.as_deref().is_some_and(|b| !b.is_empty()) && vault.ca_bundle_secret_ref.is_some() {
        el.push(FieldError::invalid(
            format!("{path}.caBundle"),
            quoted(""),
            "specified caBundle and caBundleSecretRef cannot be used together",
        ));
    }
    let auth = &vault.auth;
    let methods = [
        auth.token_secret_ref.is_some(),
        auth.app_role.is_some(),
        auth.client_certificate.is_some(),
        auth.kubernetes.is_some(),
    ];
    match methods.iter().filter(|m| **m).count() {
        0 => el.push(FieldError::required(
            format!("{path}.auth"),
            "please supply one of: appRole, kubernetes, tokenSecretRef, clientCertificate",
        )),
        1 => {}
        _ => el.push(FieldError::forbidden(
            format!("{path}.auth"),
            "only one of appRole, kubernetes, tokenSecretRef, clientCertificate may be specified",
        )),
    }
    el
}

fn venafi_issuer(venafi: &VenafiIssuer, path: &str) -> Vec<FieldError> {
    let mut el = Vec::new();
    if venafi.zone.is_empty() {
        el.push(FieldError::required(format!("{path}.zone"), ""));
    }
    match (&venafi.tpp, &venafi.cloud) {
        (None, None) => el.push(FieldError::required(path, "please supply one of tpp or cloud")),
        (Some(_), Some(_)) => el.push(FieldError::forbidden(
            path,
            "please supply one of tpp or cloud, not both",
        )),
        _ => {}
    }
    el
}
