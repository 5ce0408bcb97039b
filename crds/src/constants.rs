//! Names shared by the operator and the proxy: API groups, annotation and
//! label keys, condition types and reasons, Event reasons and the field
//! manager. The values are cert-manager's wherever cert-manager has one, so
//! that its tooling (cmctl, dashboards, alerts) keeps working.

/// The API group of Issuer, ClusterIssuer, Certificate, CertificateRequest.
pub const GROUP: &str = "cert-manager.io";
/// The API group of Order and Challenge.
pub const ACME_GROUP: &str = "acme.cert-manager.io";
/// The legacy API group of cert-manager before 0.8.
pub const LEGACY_GROUP: &str = "certmanager.k8s.io";

/// The field manager under which the operator writes (server-side apply).
pub const FIELD_MANAGER: &str = "passerelle-operator";
/// The field manager under which the proxy writes Ingress status.
pub const PROXY_FIELD_MANAGER: &str = "passerelle-proxy";
/// The controller name of Passerelle's IngressClass.
pub const INGRESS_CONTROLLER: &str = "passerelle.io/ingress-controller";
/// Traefik's controller name, accepted by the proxy for migrations.
pub const TRAEFIK_INGRESS_CONTROLLER: &str = "traefik.io/ingress-controller";

/// Annotation and label keys (`cert-manager.io/...` and friends).
pub mod annotations {
    /// On a Secret or CertificateRequest: the Certificate it belongs to.
    pub const CERTIFICATE_NAME: &str = "cert-manager.io/certificate-name";
    /// On a Secret or CertificateRequest: the issuer's name.
    pub const ISSUER_NAME: &str = "cert-manager.io/issuer-name";
    /// On a Secret or CertificateRequest: the issuer's kind.
    pub const ISSUER_KIND: &str = "cert-manager.io/issuer-kind";
    /// On a Secret or CertificateRequest: the issuer's API group.
    pub const ISSUER_GROUP: &str = "cert-manager.io/issuer-group";
    /// On a Secret: the certificate's DNS SANs, comma-separated.
    pub const ALT_NAMES: &str = "cert-manager.io/alt-names";
    /// On a Secret: the certificate's IP SANs, comma-separated.
    pub const IP_SANS: &str = "cert-manager.io/ip-sans";
    /// On a Secret: the certificate's URI SANs, comma-separated.
    pub const URI_SANS: &str = "cert-manager.io/uri-sans";
    /// On a Secret: the certificate's email SANs, comma-separated.
    pub const EMAIL_SANS: &str = "cert-manager.io/email-sans";
    /// On a Secret: the certificate's common name.
    pub const COMMON_NAME: &str = "cert-manager.io/common-name";
    /// On a Secret: the subject's organizations.
    pub const SUBJECT_ORGANIZATIONS: &str = "cert-manager.io/subject-organizations";
    /// On a Secret: the subject's organizational units.
    pub const SUBJECT_ORGANIZATIONAL_UNITS: &str = "cert-manager.io/subject-organizationalunits";
    /// On a Secret: the subject's countries.
    pub const SUBJECT_COUNTRIES: &str = "cert-manager.io/subject-countries";
    /// On a Secret: the subject's provinces.
    pub const SUBJECT_PROVINCES: &str = "cert-manager.io/subject-provinces";
    /// On a Secret: the subject's localities.
    pub const SUBJECT_LOCALITIES: &str = "cert-manager.io/subject-localities";
    /// On a Secret: the subject's postal codes.
    pub const SUBJECT_POSTAL_CODES: &str = "cert-manager.io/subject-postalcodes";
    /// On a Secret: the subject's street addresses.
    pub const SUBJECT_STREET_ADDRESSES: &str = "cert-manager.io/subject-streetaddresses";
    /// On a Secret: the subject's serial number.
    pub const SUBJECT_SERIAL_NUMBER: &str = "cert-manager.io/subject-serialnumber";
    /// The annotation prefix reserved to cert-manager (and so to Passerelle):
    /// a secretTemplate must not set annotations under it.
    pub const CERT_MANAGER_PREFIX: &str = "cert-manager.io/";

    /// On a CertificateRequest: the Certificate revision it issues.
    pub const CERTIFICATE_REVISION: &str = "cert-manager.io/certificate-revision";
    /// On a CertificateRequest: the name of the Secret holding its private key.
    pub const PRIVATE_KEY_SECRET_NAME: &str = "cert-manager.io/private-key-secret-name";

    /// Label on every Secret the operator manages ("for attention of"); the
    /// operator caches only Secrets carrying it.
    pub const FAO_LABEL: &str = "controller.cert-manager.io/fao";

    /// ingress-shim: the Issuer (same namespace) to issue an Ingress's TLS
    /// certificates from.
    pub const INGRESS_ISSUER: &str = "cert-manager.io/issuer";
    /// ingress-shim: the ClusterIssuer to issue an Ingress's TLS certificates
    /// from.
    pub const INGRESS_CLUSTER_ISSUER: &str = "cert-manager.io/cluster-issuer";
    /// ingress-shim: the issuer kind, for external issuers.
    pub const INGRESS_ISSUER_KIND: &str = "cert-manager.io/issuer-kind";
    /// ingress-shim: the issuer group, for external issuers.
    pub const INGRESS_ISSUER_GROUP: &str = "cert-manager.io/issuer-group";
    /// ingress-shim: `"true"` asks for certificates from the default issuer.
    pub const TLS_ACME: &str = "kubernetes.io/tls-acme";
    /// ingress-shim: the requested certificate duration.
    pub const INGRESS_DURATION: &str = "cert-manager.io/duration";
    /// ingress-shim: the requested renewBefore.
    pub const INGRESS_RENEW_BEFORE: &str = "cert-manager.io/renew-before";
    /// ingress-shim: the requested usages, comma-separated.
    pub const INGRESS_USAGES: &str = "cert-manager.io/usages";
    /// ingress-shim: the requested private key algorithm.
    pub const INGRESS_PRIVATE_KEY_ALGORITHM: &str = "cert-manager.io/private-key-algorithm";
    /// ingress-shim: the requested private key size.
    pub const INGRESS_PRIVATE_KEY_SIZE: &str = "cert-manager.io/private-key-size";
    /// ingress-shim: the requested private key rotation policy.
    pub const INGRESS_PRIVATE_KEY_ROTATION_POLICY: &str = "cert-manager.io/private-key-rotation-policy";
    /// ingress-shim: the requested private key encoding.
    pub const INGRESS_PRIVATE_KEY_ENCODING: &str = "cert-manager.io/private-key-encoding";
    /// ingress-shim: the requested revisionHistoryLimit.
    pub const INGRESS_REVISION_HISTORY_LIMIT: &str = "cert-manager.io/revision-history-limit";
    /// ingress-shim: the HTTP-01 solver's ingress class.
    pub const HTTP01_INGRESS_CLASS: &str = "acme.cert-manager.io/http01-ingress-class";
    /// ingress-shim: the HTTP-01 solver's ingressClassName.
    pub const HTTP01_INGRESS_INGRESS_CLASS_NAME: &str =
        "acme.cert-manager.io/http01-ingress-ingressclassname";
    /// ingress-shim: `"true"` makes the HTTP-01 solver edit this Ingress
    /// rather than create its own.
    pub const HTTP01_EDIT_IN_PLACE: &str = "acme.cert-manager.io/http01-edit-in-place";

    /// On a Challenge's solver objects (Ingress, Service): the HTTP-01 domain.
    pub const ACME_HTTP_DOMAIN_LABEL: &str = "acme.cert-manager.io/http-domain";
    /// On a Challenge's solver objects: the HTTP-01 token.
    pub const ACME_HTTP_TOKEN_LABEL: &str = "acme.cert-manager.io/http-token";
    /// On a Challenge's solver objects: marks them as HTTP-01 solvers.
    pub const ACME_HTTP01_SOLVER_LABEL: &str = "acme.cert-manager.io/http01-solver";

    /// The Ingress class annotation that selects an ingress controller.
    pub const INGRESS_CLASS: &str = "kubernetes.io/ingress.class";

    /// On a v1 object mirrored from a legacy `certmanager.k8s.io` object.
    pub const LEGACY_MIRROR_LABEL: &str = "passerelle.io/legacy-mirror";
}

/// Condition types.
pub mod conditions {
    /// Issuer, Certificate, CertificateRequest: ready for use.
    pub const READY: &str = "Ready";
    /// Certificate: an issuance is in progress.
    pub const ISSUING: &str = "Issuing";
    /// CertificateRequest: approved for signing.
    pub const APPROVED: &str = "Approved";
    /// CertificateRequest: denied.
    pub const DENIED: &str = "Denied";
    /// CertificateRequest: the request can never be signed as it is.
    pub const INVALID_REQUEST: &str = "InvalidRequest";
}

/// Condition and Event reasons, cert-manager's own strings.
pub mod reasons {
    /// Issuer: the ACME account is registered.
    pub const ACME_ACCOUNT_REGISTERED: &str = "ACMEAccountRegistered";
    /// Issuer: registering the ACME account failed.
    pub const ERR_REGISTER_ACME_ACCOUNT: &str = "ErrRegisterACMEAccount";
    /// Issuer: the issuer cannot be initialised (bad or unsupported config).
    pub const ERR_INIT_ISSUER: &str = "ErrInitIssuer";
    /// Issuer: the account is being verified.
    pub const ACME_ACCOUNT_VERIFYING: &str = "Verifying";

    /// Certificate Ready: up to date.
    pub const READY: &str = "Ready";
    /// Certificate Ready=False: the Secret does not exist.
    pub const DOES_NOT_EXIST: &str = "DoesNotExist";
    /// Certificate: the certificate in the Secret has expired.
    pub const EXPIRED: &str = "Expired";
    /// Certificate: renewal time reached.
    pub const RENEWING: &str = "Renewing";
    /// Certificate Issuing: the Secret's data is missing or broken.
    pub const MISSING_DATA: &str = "MissingData";
    /// Certificate Issuing: the Secret's key does not match its certificate
    /// or the spec.
    pub const INVALID_KEY_PAIR: &str = "InvalidKeyPair";
    /// Certificate Issuing: the issued certificate no longer matches the
    /// spec.
    pub const INCORRECT_CERTIFICATE: &str = "IncorrectCertificate";
    /// Certificate Issuing: the issuer changed.
    pub const INCORRECT_ISSUER: &str = "IncorrectIssuer";
    /// Certificate Issuing: `cmctl renew` (or a person) asked for it.
    pub const MANUALLY_TRIGGERED: &str = "ManuallyTriggered";
    /// Certificate Issuing: the issuance failed.
    pub const FAILED: &str = "Failed";
    /// Certificate Event: a new private key was generated.
    pub const GENERATED: &str = "Generated";
    /// Certificate Event: a CertificateRequest was created.
    pub const REQUESTED: &str = "Requested";
    /// Certificate Event: an issuance was started, and (cert-manager's
    /// issuing controller uses the same reason) it succeeded.
    pub const ISSUING: &str = "Issuing";
    /// Certificate Ready=False: the spec is invalid.
    pub const BAD_CONFIG: &str = "BadConfig";

    /// CertificateRequest: approved by the built-in approver.
    pub const CERT_MANAGER_APPROVED: &str = "cert-manager.io";
    /// CertificateRequest Ready=False: waiting for the issuer.
    pub const PENDING: &str = "Pending";
    /// CertificateRequest Event: an Order was created.
    pub const ORDER_CREATED: &str = "OrderCreated";
    /// CertificateRequest Event: the Order failed.
    pub const ORDER_FAILED: &str = "OrderFailed";
    /// CertificateRequest Event: the issuer is not ready.
    pub const ISSUER_NOT_READY: &str = "IssuerNotReady";
    /// CertificateRequest Event: the issuer was not found.
    pub const ISSUER_NOT_FOUND: &str = "IssuerNotFound";
    /// CertificateRequest Event: certificate obtained.
    pub const CERTIFICATE_ISSUED: &str = "CertificateIssued";

    /// Order Event: a Challenge was created.
    pub const CREATED: &str = "Created";
    /// Order Event: the order was completed.
    pub const COMPLETE: &str = "Complete";
    /// Order / Challenge Event: the order or challenge failed.
    pub const ACME_FAILED: &str = "Failed";
    /// Challenge Event: the solver is presented.
    pub const PRESENTED: &str = "Presented";
    /// Challenge Event: presenting the solver failed.
    pub const PRESENT_ERROR: &str = "PresentError";
    /// Challenge Event: the self check failed.
    pub const SELF_CHECK_FAILED: &str = "SelfCheckFailed";
    /// Challenge Event: the challenge was accepted at the CA.
    pub const ACCEPTED: &str = "Accepted";
    /// Challenge Event: the solver was cleaned up.
    pub const CLEAN_UP: &str = "CleanUp";
    /// Challenge Event: the solver could not be cleaned up.
    pub const CLEAN_UP_ERROR: &str = "CleanUpError";
    /// Challenge / Certificate Event: a referenced field is not supported.
    pub const NOT_SUPPORTED: &str = "NotSupported";
}
