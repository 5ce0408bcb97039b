//! Reading the objects around a Certificate into the facts `decide` works
//! on: the Secret's key and certificate compared with the spec (as
//! cert-manager's policy checks read them), the temporary key, the state
//! of a CertificateRequest, and which Certificate a Secret belongs to.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use k8s_openapi::api::core::v1::Secret;
use kube::runtime::reflector::ObjectRef;
use kube::{Resource, ResourceExt};
use passerelle_crds::constants::{annotations as keys, conditions};
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::{Certificate, CertificateRequest};

use super::{Contents, NextKey, Pair, RequestFacts, RequestState, SecretData, SecretFacts};
use crate::certificate::secret::{TLS_CRT, TLS_KEY};
use crate::pki::{self, PrivateKey};

/// Reads a Secret's data.
pub(super) fn data_of(secret: &Secret) -> BTreeMap<String, Vec<u8>> {
    secret
        .data
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect()
}

/// What a Certificate's Secret holds, compared with the spec.
pub fn secret_facts(secret: &Secret, cert: &Certificate) -> SecretFacts {
    let data = data_of(secret);
    let contents = contents(&data, cert);
    SecretFacts {
        managed: secret.labels().get(keys::FAO_LABEL).map(String::as_str) == Some("true"),
        type_: secret.type_.clone(),
        labels: secret.labels().clone(),
        annotations: secret.annotations().clone(),
        owned: cert
            .uid()
            .is_some_and(|uid| secret.owner_references().iter().any(|r| r.uid == uid)),
        data: SecretData(data),
        contents,
    }
}

/// Reads `tls.key` and `tls.crt` as cert-manager's policy checks read them.
fn contents(data: &BTreeMap<String, Vec<u8>>, cert: &Certificate) -> Contents {
    if data.is_empty() {
        return Contents::Missing("Issuing certificate as Secret does not contain any data");
    }
    let (Some(key), Some(crt)) = (
        data.get(TLS_KEY).filter(|k| !k.is_empty()),
        data.get(TLS_CRT).filter(|c| !c.is_empty()),
    ) else {
        return Contents::Missing(if data.get(TLS_KEY).is_none_or(Vec::is_empty) {
            "Issuing certificate as Secret does not contain a private key"
        } else {
            "Issuing certificate as Secret does not contain a certificate"
        });
    };
    let key = match std::str::from_utf8(key)
        .map_err(|e| e.to_string())
        .and_then(|t| PrivateKey::from_pem(t).map_err(|e| e.to_string()))
    {
        Ok(key) => key,
        Err(e) => return Contents::InvalidKey(e),
    };
    let chain = std::str::from_utf8(crt)
        .map_err(|e| e.to_string())
        .and_then(|t| pki::parse_chain(t).map_err(|e| crate::reconcile::error_chain(&e)));
    let leaf = match chain.map(|c| c.into_iter().next()) {
        Ok(Some(leaf)) => leaf,
        Ok(None) => return Contents::InvalidCertificate("no certificate found".into()),
        Err(e) => return Contents::InvalidCertificate(e),
    };
    Contents::Valid(Box::new(Pair {
        key_matches_cert: pki::key_matches(&leaf, &key),
        key_mismatches: key.matches_spec(&cert.spec),
        name_mismatches: pki::matches_spec(&leaf, &cert.spec),
        key,
        leaf,
    }))
}

/// What the temporary key Secret holds.
pub fn next_key_facts(name: &str, secret: Option<&Secret>, cert: &Certificate) -> NextKey {
    let Some(secret) = secret else {
        return NextKey::Missing {
            name: name.to_string(),
        };
    };
    let data = data_of(secret);
    let key = data
        .get(TLS_KEY)
        .and_then(|k| std::str::from_utf8(k).ok())
        .and_then(|t| PrivateKey::from_pem(t).ok());
    match key.and_then(|k| k.public_key_der().ok().map(|p| (k, p))) {
        Some((key, public_key)) => NextKey::Present {
            name: name.to_string(),
            mismatches: key.matches_spec(&cert.spec),
            key,
            public_key,
        },
        None => NextKey::Unusable {
            name: name.to_string(),
        },
    }
}

/// Where a CertificateRequest stands and how it compares with the spec.
pub fn request_facts(cr: &CertificateRequest, cert: &Certificate) -> RequestFacts {
    let csr = pki::Csr::from_request_field(&cr.spec.request).and_then(|c| c.parse());
    let ours = cert.uid().is_some_and(|uid| {
        cr.owner_references()
            .iter()
            .any(|r| r.uid == uid && r.controller == Some(true))
    });
    let public_key = csr.as_ref().ok().map(|c| c.public_key_der.clone());
    RequestFacts {
        name: cr.name_any(),
        ours,
        key_secret: cr.annotations().get(keys::PRIVATE_KEY_SECRET_NAME).cloned(),
        state: usable(request_state(cr), public_key.as_deref(), cr),
        public_key,
        mismatches: pki::request_matches_spec(&cr.spec, &cert.spec).map_err(|e| e.to_string()),
    }
}

/// An issued chain that cannot be read, or whose leaf is not for the
/// request's key, would never serve: it counts as the request's failure
/// (so the issuance backs off, then asks again), as cert-manager's issuing
/// controller counts it.
fn usable(state: RequestState, csr_key: Option<&[u8]>, cr: &CertificateRequest) -> RequestState {
    let RequestState::Issued { chain_pem, .. } = &state else {
        return state;
    };
    let leaf = std::str::from_utf8(chain_pem)
        .map_err(|e| e.to_string())
        .and_then(|text| pki::parse_chain(text).map_err(|e| crate::reconcile::error_chain(&e)))
        .map(|chain| chain.into_iter().next());
    let problem = match leaf {
        Ok(Some(leaf)) if Some(leaf.public_key_der.as_slice()) == csr_key => return state,
        Ok(Some(_)) => "the issued certificate is not for the requested private key".to_string(),
        Ok(None) => "the issued certificate chain is empty".to_string(),
        Err(e) => format!("the issued certificate cannot be read: {e}"),
    };
    let at = cr
        .status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .find(|c| c.type_ == conditions::READY)
        .and_then(|c| c.last_transition_time.as_ref())
        .map(|t| t.0);
    RequestState::Failed {
        reason: passerelle_crds::constants::reasons::FAILED.into(),
        message: problem,
        at,
    }
}

/// The state of a CertificateRequest from its conditions, as cert-manager's
/// issuing controller reads them: Denied, InvalidRequest or Ready/Failed
/// are final failures; Ready/True with a certificate is issued.
pub fn request_state(cr: &CertificateRequest) -> RequestState {
    let status = cr.status.clone().unwrap_or_default();
    let conds = status.conditions.clone().unwrap_or_default();
    let find = |t: &str| conds.iter().find(|c| c.type_ == t);
    let failed =
        |c: &passerelle_crds::v1::certificate_request::CertificateRequestCondition| RequestState::Failed {
            reason: c
                .reason
                .clone()
                .unwrap_or_else(|| passerelle_crds::constants::reasons::FAILED.into()),
            message: c.message.clone().unwrap_or_default(),
            at: status
                .failure_time
                .as_ref()
                .or(c.last_transition_time.as_ref())
                .map(|t| t.0),
        };
    for t in [conditions::DENIED, conditions::INVALID_REQUEST] {
        if let Some(c) = find(t).filter(|c| c.status == ConditionStatus::True) {
            return failed(c);
        }
    }
    let Some(ready) = find(conditions::READY) else {
        return RequestState::Pending;
    };
    if ready.status == ConditionStatus::False
        && ready.reason.as_deref() == Some(passerelle_crds::constants::reasons::FAILED)
    {
        return failed(ready);
    }
    if ready.status != ConditionStatus::True {
        return RequestState::Pending;
    }
    let decode = |field: &Option<String>| {
        field
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| STANDARD.decode(s.trim()))
    };
    match decode(&status.certificate) {
        Some(Ok(chain_pem)) if !chain_pem.is_empty() => RequestState::Issued {
            chain_pem,
            ca_pem: decode(&status.ca)
                .and_then(|r| r.ok())
                .filter(|ca| !ca.is_empty()),
        },
        _ => RequestState::Failed {
            reason: passerelle_crds::constants::reasons::FAILED.into(),
            message: "the CertificateRequest is Ready but its status.certificate is empty or not base64"
                .into(),
            at: ready.last_transition_time.as_ref().map(|t| t.0),
        },
    }
}

/// The ObjectRef of a Certificate a Secret belongs to: by its
/// `cert-manager.io/certificate-name` annotation, or, for the temporary
/// key Secrets, by their controller ownerReference.
pub fn certificate_of_secret(secret: &Secret) -> Option<ObjectRef<Certificate>> {
    let namespace = secret.namespace()?;
    let by_annotation = secret.annotations().get(keys::CERTIFICATE_NAME).cloned();
    let by_owner = || {
        secret
            .owner_references()
            .iter()
            .find(|r| r.kind == Certificate::kind(&()) && r.api_version == Certificate::api_version(&()))
            .map(|r| r.name.clone())
    };
    by_annotation
        .or_else(by_owner)
        .map(|name| ObjectRef::new(&name).within(&namespace))
}
