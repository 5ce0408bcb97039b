//! The Secret a Certificate is kept in, laid out as cert-manager lays it
//! out: `type: kubernetes.io/tls`, `tls.crt` (leaf then chain, as the CA
//! returned it), `tls.key` (in `spec.privateKey.encoding`), `ca.crt` only
//! when the issuer returned a CA (never for ACME), the additional output
//! formats, the `controller.cert-manager.io/fao` label, the
//! `cert-manager.io/*` annotations describing the certificate, and the
//! secretTemplate's labels and annotations (which cannot override the
//! operator's own). No ownerReference unless the operator is configured to
//! add one: deleting a Certificate must not take a site down.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::{Resource, ResourceExt};
use passerelle_crds::constants::annotations as keys;
use passerelle_crds::defaults;
use passerelle_crds::v1::Certificate;
use passerelle_crds::v1::certificate::AdditionalOutputFormatType;

use crate::pki::ParsedCertificate;

/// `tls.crt`: the leaf certificate and its chain, PEM.
pub const TLS_CRT: &str = "tls.crt";
/// `tls.key`: the private key, PEM.
pub const TLS_KEY: &str = "tls.key";
/// `ca.crt`: the issuing CA, when the issuer says (never for ACME).
pub const CA_CRT: &str = "ca.crt";
/// `key.der`: the private key, DER (additional output format `DER`).
pub const KEY_DER: &str = "key.der";
/// `tls-combined.pem`: key then chain (additional output format
/// `CombinedPEM`).
pub const TLS_COMBINED_PEM: &str = "tls-combined.pem";
/// The type of a Secret created for a Certificate.
pub const TYPE_TLS: &str = "kubernetes.io/tls";
/// Label of the temporary Secrets holding the next private key.
pub const NEXT_PRIVATE_KEY_LABEL: &str = "cert-manager.io/next-private-key";

/// What goes into a Secret besides its metadata.
#[derive(Clone, PartialEq, Eq)]
pub struct Content {
    /// The private key, PEM, as it is stored.
    pub key_pem: Vec<u8>,
    /// The chain, PEM, as the issuer returned it.
    pub chain_pem: Vec<u8>,
    /// The issuer's CA, PEM, when it gave one.
    pub ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for Content {
    // Holds a private key: show sizes only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Content")
            .field("key_pem", &self.key_pem.len())
            .field("chain_pem", &self.chain_pem.len())
            .field("ca_pem", &self.ca_pem.as_ref().map(Vec::len))
            .finish()
    }
}

/// The annotations cert-manager puts on a Certificate's Secret (its
/// `AnnotationsForCertificateSecret` and `AnnotationsForCertificate`):
/// the Certificate and issuer, then what the leaf certificate carries. The
/// common name and the DNS, IP and URI SAN lists are written even when
/// empty, the subject attributes and emails only when present, each list
/// CSV-escaped.
pub fn annotations(cert: &Certificate, leaf: Option<&ParsedCertificate>) -> BTreeMap<String, String> {
    let issuer = &cert.spec.issuer_ref;
    let mut out = BTreeMap::new();
    out.insert(keys::CERTIFICATE_NAME.into(), cert.name_any());
    out.insert(keys::ISSUER_NAME.into(), issuer.name.clone());
    out.insert(
        keys::ISSUER_KIND.into(),
        issuer
            .kind
            .clone()
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| defaults::DEFAULT_ISSUER_KIND.into()),
    );
    out.insert(
        keys::ISSUER_GROUP.into(),
        issuer.group.clone().unwrap_or_default(),
    );
    let Some(leaf) = leaf else {
        return out;
    };
    let names = &leaf.names;
    let subject = names.subject();
    out.insert(
        keys::COMMON_NAME.into(),
        names.common_name.clone().unwrap_or_default(),
    );
    if let Some(serial) = subject.serial_number.filter(|s| !s.is_empty()) {
        out.insert(keys::SUBJECT_SERIAL_NUMBER.into(), serial);
    }
    let optional = [
        (keys::SUBJECT_ORGANIZATIONS, subject.organizations),
        (keys::SUBJECT_ORGANIZATIONAL_UNITS, subject.organizational_units),
        (keys::SUBJECT_COUNTRIES, subject.countries),
        (keys::SUBJECT_PROVINCES, subject.provinces),
        (keys::SUBJECT_LOCALITIES, subject.localities),
        (keys::SUBJECT_POSTAL_CODES, subject.postal_codes),
        (keys::SUBJECT_STREET_ADDRESSES, subject.street_addresses),
        (keys::EMAIL_SANS, Some(names.email_addresses.clone())),
    ];
    for (key, values) in optional {
        if let Some(values) = values.filter(|v| !v.is_empty()) {
            out.insert(key.into(), join_csv(&values));
        }
    }
    let ips: Vec<String> = names.ip_addresses.iter().map(ToString::to_string).collect();
    out.insert(keys::ALT_NAMES.into(), join_csv(&names.dns_names));
    out.insert(keys::IP_SANS.into(), join_csv(&ips));
    out.insert(keys::URI_SANS.into(), join_csv(&names.uris));
    out
}

/// The labels of a Certificate's Secret: the secretTemplate's, then the
/// `fao` label that puts it in the operator's cache.
pub fn labels(cert: &Certificate) -> BTreeMap<String, String> {
    let mut out = cert
        .spec
        .secret_template
        .as_ref()
        .and_then(|t| t.labels.clone())
        .unwrap_or_default();
    out.insert(keys::FAO_LABEL.into(), "true".into());
    out
}

/// The data of a Certificate's Secret.
pub fn data(cert: &Certificate, content: &Content) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    out.insert(TLS_CRT.to_string(), content.chain_pem.clone());
    out.insert(TLS_KEY.to_string(), content.key_pem.clone());
    if let Some(ca) = content.ca_pem.as_ref().filter(|ca| !ca.is_empty()) {
        out.insert(CA_CRT.to_string(), ca.clone());
    }
    for format in cert.spec.additional_output_formats.iter().flatten() {
        match format.type_ {
            AdditionalOutputFormatType::Der => {
                // cert-manager's OutputFormatDER: the first PEM block of
                // tls.key, in the encoding it is stored in.
                let der = std::str::from_utf8(&content.key_pem)
                    .ok()
                    .and_then(|text| crate::pki::pem::decode(text).ok())
                    .and_then(|blocks| blocks.into_iter().next())
                    .map(|block| block.der);
                if let Some(der) = der {
                    out.insert(KEY_DER.to_string(), der);
                }
            }
            AdditionalOutputFormatType::CombinedPEM => {
                let mut combined = content.key_pem.clone();
                combined.push(b'\n');
                combined.extend_from_slice(&content.chain_pem);
                out.insert(TLS_COMBINED_PEM.to_string(), combined);
            }
        }
    }
    out
}

/// The whole Secret as the operator applies it (server-side apply under
/// its field manager: keys it no longer writes are removed, keys written by
/// others are kept). `secret_type` is the existing Secret's type, which is
/// immutable; `kubernetes.io/tls` for a new one.
pub fn build(
    cert: &Certificate,
    content: &Content,
    leaf: Option<&ParsedCertificate>,
    secret_type: Option<&str>,
    owner_ref: bool,
) -> Secret {
    let mut annotations_out = cert
        .spec
        .secret_template
        .as_ref()
        .and_then(|t| t.annotations.clone())
        .unwrap_or_default();
    annotations_out.extend(annotations(cert, leaf));
    Secret {
        metadata: ObjectMeta {
            name: Some(cert.spec.secret_name.clone()),
            namespace: cert.namespace(),
            labels: Some(labels(cert)),
            annotations: Some(annotations_out),
            owner_references: owner_ref.then(|| vec![owner_reference(cert, false)]),
            ..ObjectMeta::default()
        },
        type_: Some(secret_type.unwrap_or(TYPE_TLS).to_string()),
        data: Some(
            data(cert, content)
                .into_iter()
                .map(|(k, v)| (k, ByteString(v)))
                .collect(),
        ),
        ..Secret::default()
    }
}

/// An ownerReference to the Certificate (`controller: true` for the
/// objects it controls: its temporary key Secrets and CertificateRequests).
pub fn owner_reference(cert: &Certificate, controller: bool) -> OwnerReference {
    OwnerReference {
        api_version: Certificate::api_version(&()).into_owned(),
        kind: Certificate::kind(&()).into_owned(),
        name: cert.name_any(),
        uid: cert.uid().unwrap_or_default(),
        controller: Some(controller),
        block_owner_deletion: Some(true),
    }
}

/// Joins values as one CSV record, as Go's `encoding/csv` writes it
/// (cert-manager's `JoinWithEscapeCSV`): a value is quoted, with its quotes
/// doubled, when it holds a comma, a quote or a line break, starts with a
/// space, or is `\.`.
pub fn join_csv(values: &[String]) -> String {
    values
        .iter()
        .map(|v| {
            let needs_quotes = !v.is_empty()
                && (v == r"\."
                    || v.contains([',', '"', '\r', '\n'])
                    || v.chars().next().is_some_and(char::is_whitespace));
            if needs_quotes {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use passerelle_crds::v1::certificate::{AdditionalOutputFormat, CertificateSecretTemplate};

    use super::*;

    #[test]
    fn secret_has_cert_managers_layout() {
        let mut cert = Certificate::new("web", Default::default());
        cert.metadata.namespace = Some("default".into());
        cert.spec.secret_name = "web-tls".into();
        cert.spec.issuer_ref.name = "le".into();
        cert.spec.secret_template = Some(CertificateSecretTemplate {
            labels: Some([("controller.cert-manager.io/fao".to_string(), "false".to_string())].into()),
            annotations: Some([("team".to_string(), "web".to_string())].into()),
        });
        cert.spec.additional_output_formats = Some(vec![
            AdditionalOutputFormat {
                type_: AdditionalOutputFormatType::Der,
            },
            AdditionalOutputFormat {
                type_: AdditionalOutputFormatType::CombinedPEM,
            },
        ]);
        let key_pem = crate::pki::pem::encode("PRIVATE KEY", b"key");
        let content = Content {
            key_pem: key_pem.clone().into_bytes(),
            chain_pem: b"chain".to_vec(),
            ca_pem: None,
        };
        let secret = build(&cert, &content, None, None, false);
        assert_eq!(secret.type_.as_deref(), Some(TYPE_TLS));
        let data = secret.data.unwrap();
        let keys: Vec<&str> = data.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            vec![KEY_DER, TLS_COMBINED_PEM, TLS_CRT, TLS_KEY],
            "no ca.crt"
        );
        assert_eq!(data[KEY_DER].0, b"key");
        assert_eq!(data[TLS_COMBINED_PEM].0, format!("{key_pem}\nchain").into_bytes());
        let labels = secret.metadata.labels.unwrap();
        assert_eq!(
            labels["controller.cert-manager.io/fao"], "true",
            "the template cannot override it"
        );
        let annotations = secret.metadata.annotations.unwrap();
        assert_eq!(annotations["team"], "web");
        assert_eq!(annotations["cert-manager.io/issuer-kind"], "Issuer");
        assert_eq!(annotations["cert-manager.io/issuer-group"], "");
        assert!(secret.metadata.owner_references.is_none());
        let owned = build(&cert, &content, None, Some("Opaque"), true);
        assert_eq!(
            (
                owned.type_.as_deref(),
                owned.metadata.owner_references.map(|o| o.len())
            ),
            (Some("Opaque"), Some(1))
        );
    }

    #[test]
    fn csv_escapes_like_go() {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_csv(&v(&["a.example", "b.example"])), "a.example,b.example");
        assert_eq!(
            join_csv(&v(&["Acme, Inc.", "say \"hi\"", " lead", ""])),
            r#""Acme, Inc.","say ""hi"""," lead","#
        );
        assert_eq!(join_csv(&[]), "");
    }
}
