//! The issuer configuration, legacy to v1: each issuer type field by field,
//! the ACME account as it was, and the ACME solvers gathered from the
//! Certificates (see [`super::solvers`]).
//!
//! A legacy issuer configuring several types, or none, converts to a v1 one
//! that does the same: the v1 validation reports it, with its own message.
//! Certificates of a non-ACME issuer may carry `spec.acme.config`;
//! cert-manager 0.7 ignored it, and so does the conversion.

use super::ObjectKey;
use super::error::Problem;
use super::solvers::solvers;
use crate::acme::AcmeIssuer;
use crate::v1::IssuerConfig;
use crate::v1::ca::CaIssuer;
use crate::v1::selfsigned::SelfSignedIssuer;
use crate::v1::vault::{VaultAppRole, VaultAuth, VaultIssuer};
use crate::v1::venafi::{VenafiCloud, VenafiIssuer, VenafiTpp};
use crate::v1alpha1::{
    LegacyAcmeIssuer, LegacyCaIssuer, LegacyCertificate, LegacyIssuerConfig, LegacyVaultIssuer,
    LegacyVenafiIssuer,
};

/// The v1 configuration of the issuer `issuer`, whose Certificates are
/// `certificates` (all referencing it).
pub(super) fn convert_config(
    issuer: &ObjectKey,
    legacy: &LegacyIssuerConfig,
    certificates: &[&LegacyCertificate],
    problems: &mut Vec<Problem>,
) -> IssuerConfig {
    IssuerConfig {
        acme: legacy
            .acme
            .as_ref()
            .map(|acme| acme_issuer(issuer, acme, certificates, problems)),
        ca: legacy.ca.as_ref().map(ca_issuer),
        vault: legacy.vault.as_ref().map(vault_issuer),
        self_signed: legacy.self_signed.as_ref().map(|_| SelfSignedIssuer::default()),
        venafi: legacy.venafi.as_ref().map(venafi_issuer),
    }
}

/// The ACME account settings as they were, and the solvers. The server URL
/// is kept as written, even an ACME v1 one that no longer answers: the v1
/// issuer then reports the failure, where the user can see it. No solver
/// at all (no `http01` and no Certificate) leaves `solvers` unset.
fn acme_issuer(
    issuer: &ObjectKey,
    legacy: &LegacyAcmeIssuer,
    certificates: &[&LegacyCertificate],
    problems: &mut Vec<Problem>,
) -> AcmeIssuer {
    let solvers = solvers(issuer, legacy, certificates, problems);
    AcmeIssuer {
        email: legacy.email.clone(),
        server: legacy.server.clone(),
        skip_tls_verify: legacy.skip_tls_verify,
        private_key_secret_ref: legacy.private_key_secret_ref.clone(),
        solvers: (!solvers.is_empty()).then_some(solvers),
        ..AcmeIssuer::default()
    }
}

fn ca_issuer(legacy: &LegacyCaIssuer) -> CaIssuer {
    CaIssuer {
        secret_name: legacy.secret_name.clone(),
        ..CaIssuer::default()
    }
}

fn vault_issuer(legacy: &LegacyVaultIssuer) -> VaultIssuer {
    VaultIssuer {
        auth: VaultAuth {
            token_secret_ref: legacy.auth.token_secret_ref.clone(),
            app_role: legacy.auth.app_role.as_ref().map(|role| VaultAppRole {
                path: role.path.clone(),
                role_id: role.role_id.clone(),
                secret_ref: role.secret_ref.clone(),
            }),
            ..VaultAuth::default()
        },
        server: legacy.server.clone(),
        path: legacy.path.clone(),
        ca_bundle: legacy.ca_bundle.clone(),
        ..VaultIssuer::default()
    }
}

fn venafi_issuer(legacy: &LegacyVenafiIssuer) -> VenafiIssuer {
    VenafiIssuer {
        zone: legacy.zone.clone(),
        tpp: legacy.tpp.as_ref().map(|tpp| VenafiTpp {
            url: tpp.url.clone(),
            credentials_ref: tpp.credentials_ref.clone(),
            ca_bundle: tpp.ca_bundle.clone(),
            ca_bundle_secret_ref: None,
        }),
        cloud: legacy.cloud.as_ref().map(|cloud| VenafiCloud {
            url: cloud.url.clone(),
            api_token_secret_ref: cloud.api_token_secret_ref.clone(),
        }),
    }
}
