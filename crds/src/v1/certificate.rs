//! Certificate: the desired X.509 certificate and the Secret it is kept in.
//! The operator issues it through its issuer and renews it before it expires.

mod output;
mod private_key;
mod subject;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use self::output::{
    AdditionalOutputFormat, AdditionalOutputFormatType, CertificateKeystores, CertificateSecretTemplate,
    JksKeystore, Pkcs12Keystore, Pkcs12Profile,
};
pub use self::private_key::{
    CertificatePrivateKey, PrivateKeyAlgorithm, PrivateKeyEncoding, PrivateKeyRotationPolicy,
    SignatureAlgorithm,
};
pub use self::subject::{NameConstraintItem, NameConstraints, OtherName, X509Subject};
pub use super::usage::KeyUsage;
use crate::meta::{Condition, IssuerReference, Time};

/// Desired state of a [`Certificate`].
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "cert-manager.io",
    version = "v1",
    kind = "Certificate",
    namespaced,
    status = "CertificateStatus",
    shortname = "cert",
    shortname = "certs",
    category = "cert-manager",
    derive = "PartialEq",
    derive = "Default",
    doc = "A Certificate resource should be created to ensure an up to date and signed X.509 certificate is stored in the Kubernetes Secret resource named in `spec.secretName`.\n\nThe stored certificate will be renewed before it expires (as configured by `spec.renewBefore`).",
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type == "Ready")].status"#
    ),
    printcolumn(name = "Secret", type_ = "string", json_path = ".spec.secretName"),
    printcolumn(
        name = "Issuer",
        type_ = "string",
        json_path = ".spec.issuerRef.name",
        priority = 1
    ),
    printcolumn(
        name = "Status",
        type_ = "string",
        json_path = r#".status.conditions[?(@.type == "Ready")].message"#,
        priority = 1
    ),
    printcolumn(
        name = "Expiration",
        type_ = "date",
        json_path = ".status.notAfter",
        priority = 1,
        description = "The expiration time of the certificate stored in the Secret."
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp",
        description = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC."
    )
)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSpec {
    /// Requested set of X509 certificate subject attributes (the common name
    /// is `commonName`). Cannot be set if `literalSubject` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<X509Subject>,
    /// Requested X.509 subject as an RFC 4514 LDAP string, kept in its order
    /// (e.g. `CN=foo,DC=corp,DC=example,DC=com`). Cannot be set with `subject`
    /// or `commonName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub literal_subject: Option<String>,
    /// Requested common name. TLS clients ignore it when any subject
    /// alternative name is set; at most 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    /// Requested lifetime, in Go duration syntax (`2160h`). Defaults to 90
    /// days; at least 1 hour. The issuer may ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// How long before expiry to renew, in Go duration syntax; at least 5
    /// minutes. Defaults to a third of the issued certificate's lifetime.
    /// Cannot be set with `renewBeforePercentage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_before: Option<String>,
    /// Like `renewBefore`, as a percentage (0 to 100, exclusive) of the issued
    /// certificate's lifetime. Cannot be set with `renewBefore`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_before_percentage: Option<i32>,
    /// Requested DNS subject alternative names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_names: Option<Vec<String>>,
    /// Requested IP address subject alternative names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_addresses: Option<Vec<String>>,
    /// Requested URI subject alternative names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uris: Option<Vec<String>>,
    /// Requested `otherName` subject alternative names (UTF-8 string values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_names: Option<Vec<OtherName>>,
    /// Requested email subject alternative names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_addresses: Option<Vec<String>>,
    /// Name of the Secret, in the Certificate's namespace, that holds the
    /// private key and the signed certificate.
    pub secret_name: String,
    /// Labels and annotations copied to the Certificate's Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_template: Option<CertificateSecretTemplate>,
    /// Additional keystore formats stored in the Certificate's Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keystores: Option<CertificateKeystores>,
    /// The issuer that signs the certificate: an Issuer of the same namespace
    /// or a ClusterIssuer. `name` is required.
    pub issuer_ref: IssuerReference,
    /// Requested basic constraints isCA value; adds the `cert sign` usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "isCA")]
    pub is_ca: Option<bool>,
    /// Requested key usages and extended key usages. Defaults to `digital
    /// signature` and `key encipherment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usages: Option<Vec<KeyUsage>>,
    /// Private key options: algorithm, size, encoding and rotation policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<CertificatePrivateKey>,
    /// Signature algorithm to request, compatible with the key algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_algorithm: Option<SignatureAlgorithm>,
    /// Whether the key usages are encoded in the CSR. Defaults to true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encode_usages_in_request: Option<bool>,
    /// How many CertificateRequest revisions to keep (at least 1). Defaults
    /// to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    /// Extra output formats of the key and chain written to the Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_output_formats: Option<Vec<AdditionalOutputFormat>>,
    /// X.509 NameConstraints extension, for CA certificates only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_constraints: Option<NameConstraints>,
}

/// Observed state of a [`Certificate`], set by the operator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateStatus {
    /// Status conditions; known types are `Ready` and `Issuing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Option<Vec<Condition>>,
    /// Set only while the latest issuance failed: the time of that failure.
    /// The next attempt waits 1h × 2^(failedIssuanceAttempts − 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure_time: Option<Time>,
    /// Start of the validity of the certificate in the Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<Time>,
    /// Expiry of the certificate in the Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<Time>,
    /// When the certificate will next be renewed; unset when none is
    /// scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_time: Option<Time>,
    /// The revision of the certificate as issued; each CertificateRequest
    /// carries `cert-manager.io/certificate-revision` one above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// The Secret holding the private key for the next issuance, set while
    /// the `Issuing` condition is True.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_private_key_secret_name: Option<String>,
    /// Consecutive failed issuance attempts; removed on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_issuance_attempts: Option<i64>,
}
