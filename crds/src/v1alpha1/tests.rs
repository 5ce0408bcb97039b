//! Round trips of legacy manifests: each one deserializes into the legacy
//! types and serializes back to the same JSON, so nothing a cert-manager 0.7
//! user wrote is lost or rewritten.

use kube::{CustomResourceExt, Resource};
use pretty_assertions::assert_eq;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::*;

/// Parses `yaml` as `T`, asserts it serializes back to the same JSON, and
/// returns the parsed object for further checks.
fn round_trip<T: Serialize + DeserializeOwned>(yaml: &str) -> T {
    round_trip_value(serde_yaml::from_str(yaml).expect("valid YAML"))
}

/// [`round_trip`] for a manifest already parsed.
fn round_trip_value<T: Serialize + DeserializeOwned>(manifest: serde_json::Value) -> T {
    let parsed: T = serde_json::from_value(manifest.clone()).expect("manifest fits the legacy types");
    assert_eq!(serde_json::to_value(&parsed).unwrap(), manifest);
    parsed
}

const WALKTHROUGH_ISSUER: &str = r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Issuer
metadata:
  name: letsencrypt-prod
spec:
  acme:
    server: https://acme-v01.api.letsencrypt.org/directory
    email: xxx.xxx@xxx.com
    privateKeySecretRef:
      name: letsencrypt-prod
    http01: {}
"#;

const WALKTHROUGH_CERTIFICATE: &str = r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Certificate
metadata:
  name: traefik-cert
spec:
  secretName: traefik-cert
  issuerRef:
    name: letsencrypt-prod
  commonName: meltingpoc.k8.wildwidewest.xyz
  dnsNames:
    - autres domaines ...
  acme:
    config:
    - http01:
        ingressClass: traefik
      domains:
      - meltingpoc.k8.wildwidewest.xyz
      - autres domaines ...
"#;

#[test]
fn walkthrough_issuer_round_trips_with_empty_http01() {
    let issuer: LegacyIssuer = round_trip(WALKTHROUGH_ISSUER);
    let acme = issuer.config().acme.as_ref().expect("an ACME issuer");
    assert_eq!(acme.http01, Some(LegacyAcmeIssuerHttp01Config::default()));
    assert_eq!(acme.private_key_secret_ref.name, "letsencrypt-prod");
}

#[test]
fn walkthrough_certificate_round_trips_with_http01_ingress_class() {
    let cert: LegacyCertificate = round_trip(WALKTHROUGH_CERTIFICATE);
    let config = &cert.spec.acme.as_ref().expect("spec.acme").config;
    assert_eq!(config.len(), 1);
    let http01 = config[0].http01.as_ref().expect("an HTTP01 solver");
    assert_eq!(http01.ingress_class.as_deref(), Some("traefik"));
    assert_eq!(http01.ingress, None);
    assert_eq!(cert.spec.issuer_ref.kind, None);
}

#[test]
fn dns01_issuer_with_route53_and_cloudflare_round_trips() {
    let issuer: LegacyIssuer = round_trip(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Issuer
metadata:
  name: letsencrypt-dns
  namespace: web
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    email: ops@example.com
    skipTLSVerify: false
    privateKeySecretRef:
      name: letsencrypt-dns
      key: tls.key
    dns01:
      providers:
      - name: aws
        cnameStrategy: Follow
        route53:
          region: eu-west-1
          accessKeyID: AKIAIOSFODNN7EXAMPLE
          hostedZoneID: Z2ABCDEF123456
          secretAccessKeySecretRef:
            name: route53-credentials
            key: secret-access-key
      - name: cf
        cloudflare:
          email: dns@example.com
          apiKeySecretRef:
            name: cloudflare-api-key
            key: api-key
"#,
    );
    let providers = issuer.spec.config.acme.unwrap().dns01.unwrap().providers.unwrap();
    assert_eq!(providers[0].cname_strategy, Some(LegacyCnameStrategy::Follow));
    assert_eq!(
        providers[0].route53.as_ref().unwrap().hosted_zone_id.as_deref(),
        Some("Z2ABCDEF123456")
    );
    assert_eq!(providers[1].cloudflare.as_ref().unwrap().email, "dns@example.com");
}

#[test]
fn dns01_certificate_naming_its_provider_round_trips() {
    let cert: LegacyCertificate = round_trip(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Certificate
metadata:
  name: wildcard
  namespace: web
spec:
  secretName: wildcard-tls
  issuerRef:
    name: letsencrypt-dns
    kind: Issuer
  dnsNames:
  - "*.example.com"
  - example.com
  acme:
    config:
    - dns01:
        provider: aws
      domains:
      - "*.example.com"
    - dns01:
        provider: cf
      domains:
      - example.com
"#,
    );
    let config = cert.spec.acme.unwrap().config;
    assert_eq!(
        config[1].dns01,
        Some(LegacyDns01SolverConfig {
            provider: "cf".into()
        })
    );
}

#[test]
fn ca_cluster_issuer_round_trips() {
    let issuer: LegacyClusterIssuer = round_trip(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: ClusterIssuer
metadata:
  name: internal-ca
spec:
  ca:
    secretName: internal-ca-key-pair
"#,
    );
    assert_eq!(
        issuer.config().ca.as_ref().unwrap().secret_name,
        "internal-ca-key-pair"
    );
}

#[test]
fn certificate_key_and_lifetime_options_round_trip() {
    let cert: LegacyCertificate = round_trip(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Certificate
metadata:
  name: internal-ca
  namespace: cert-manager
spec:
  secretName: internal-ca-key-pair
  issuerRef:
    name: selfsigning
    kind: ClusterIssuer
  commonName: Internal CA
  organization:
  - Example Corp
  isCA: true
  keyAlgorithm: ecdsa
  keySize: 384
  keyEncoding: pkcs8
  duration: 8760h
  renewBefore: 720h
  ipAddresses:
  - 10.0.0.1
"#,
    );
    assert_eq!(cert.spec.is_ca, Some(true));
    assert_eq!(cert.spec.key_algorithm, Some(LegacyKeyAlgorithm::Ecdsa));
    assert_eq!(cert.spec.key_encoding, Some(LegacyKeyEncoding::Pkcs8));
    assert_eq!(cert.spec.key_size, Some(384));
}

#[test]
fn every_other_issuer_type_and_dns01_provider_round_trips() {
    let mut kinds = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(include_str!("tests/issuers.yaml")) {
        let manifest = serde_json::Value::deserialize(doc).expect("valid YAML");
        let kind = manifest["kind"].as_str().expect("a kind").to_string();
        match kind.as_str() {
            "Issuer" => drop(round_trip_value::<LegacyIssuer>(manifest)),
            "ClusterIssuer" => drop(round_trip_value::<LegacyClusterIssuer>(manifest)),
            other => panic!("unexpected kind {other}"),
        }
        kinds.push(kind);
    }
    assert_eq!(kinds.len(), 6, "every fixture document was checked");
}

#[test]
fn statuses_round_trip() {
    let cert: LegacyCertificate = round_trip(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Certificate
metadata:
  name: traefik-cert
spec:
  secretName: traefik-cert
  issuerRef:
    name: letsencrypt-prod
status:
  conditions:
  - type: Ready
    status: "True"
    reason: Ready
    message: Certificate is up to date and has not expired
    lastTransitionTime: "2019-03-01T12:00:00Z"
  lastFailureTime: "2019-02-28T08:30:00Z"
  notAfter: "2019-05-30T11:00:00Z"
"#,
    );
    let status = cert.status.unwrap();
    assert_eq!(
        status.conditions.unwrap()[0].status,
        crate::meta::ConditionStatus::True
    );

    let issuer: LegacyIssuer = round_trip(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Issuer
metadata:
  name: letsencrypt-prod
spec:
  acme:
    server: https://acme-v01.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: letsencrypt-prod
    http01:
      serviceType: ClusterIP
status:
  acme:
    uri: https://acme-v01.api.letsencrypt.org/acme/reg/28937938
  conditions:
  - type: Ready
    status: "True"
    reason: ACMEAccountRegistered
    message: The ACME account was registered with the ACME server
    lastTransitionTime: "2019-03-01T11:59:00Z"
"#,
    );
    assert!(
        issuer
            .status
            .unwrap()
            .acme
            .unwrap()
            .uri
            .unwrap()
            .ends_with("28937938")
    );
}

#[test]
fn crds_use_the_legacy_group_and_no_short_names() {
    for (crd, kind, scope) in [
        (LegacyIssuer::crd(), "Issuer", "Namespaced"),
        (LegacyClusterIssuer::crd(), "ClusterIssuer", "Cluster"),
        (LegacyCertificate::crd(), "Certificate", "Namespaced"),
    ] {
        assert_eq!(crd.spec.group, "certmanager.k8s.io");
        assert_eq!(crd.spec.names.kind, kind);
        assert_eq!(crd.spec.scope, scope);
        assert_eq!(crd.spec.names.short_names, None);
        assert_eq!(crd.spec.names.categories, None);
        let version = &crd.spec.versions[0];
        assert_eq!(version.name, "v1alpha1");
        assert!(version.subresources.as_ref().unwrap().status.is_some());
    }
    assert_eq!(LegacyCertificate::api_version(&()), "certmanager.k8s.io/v1alpha1");
    let columns: Vec<_> = LegacyCertificate::crd().spec.versions[0]
        .additional_printer_columns
        .clone()
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.priority.unwrap_or(0)))
        .collect();
    let expected = [
        ("Ready", 0),
        ("Secret", 0),
        ("Issuer", 1),
        ("Status", 1),
        ("Age", 0),
    ];
    assert_eq!(columns, expected.map(|(n, p)| (n.to_string(), p)));
}

#[test]
fn issuer_schema_lists_every_issuer_type_and_keeps_condition_map_keys() {
    let crd = serde_json::to_value(LegacyIssuer::crd()).unwrap();
    let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"];
    for field in ["acme", "ca", "vault", "selfSigned", "venafi"] {
        assert!(
            schema["spec"]["properties"][field].is_object(),
            "spec.{field} in the schema"
        );
    }
    let conditions = &schema["status"]["properties"]["conditions"];
    assert_eq!(conditions["x-kubernetes-list-type"], "map");
    assert_eq!(
        conditions["x-kubernetes-list-map-keys"],
        serde_json::json!(["type"])
    );
}
