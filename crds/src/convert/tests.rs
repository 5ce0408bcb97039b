//! Conversion tests: legacy manifests in, v1 objects out, compared whole
//! with v1 manifests written by hand.

use pretty_assertions::assert_eq;
use serde::de::DeserializeOwned;

use super::*;
use crate::acme::AcmeChallengeSolver;

/// Parses one manifest.
fn parse<T: DeserializeOwned>(yaml: &str) -> T {
    serde_yaml::from_str(yaml).expect("manifest fits the type")
}

/// Parses a stream of `---`-separated manifests of one type.
fn parse_all<T: DeserializeOwned>(yaml: &str) -> Vec<T> {
    serde_yaml::Deserializer::from_str(yaml)
        .map(|document| T::deserialize(document).expect("manifest fits the type"))
        .collect()
}

/// A key for expected problems.
fn key(kind: &'static str, namespace: Option<&str>, name: &str) -> ObjectKey {
    ObjectKey::new(kind, namespace.map(str::to_owned), name)
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
fn walkthrough_converts_to_the_hand_written_v1_issuer_and_certificate() {
    let issuer: LegacyIssuer = parse(WALKTHROUGH_ISSUER);
    let certificate: LegacyCertificate = parse(WALKTHROUGH_CERTIFICATE);

    let converted = convert_issuer(&issuer, [&certificate]).expect("converts");

    let expected_issuer: Issuer = parse(
        r#"
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: letsencrypt-prod
spec:
  acme:
    server: https://acme-v01.api.letsencrypt.org/directory
    email: xxx.xxx@xxx.com
    privateKeySecretRef:
      name: letsencrypt-prod
    solvers:
    - selector:
        dnsNames:
        - meltingpoc.k8.wildwidewest.xyz
        - autres domaines ...
      http01:
        ingress:
          class: traefik
    - http01:
        ingress: {}
"#,
    );
    let expected_certificate: Certificate = parse(
        r#"
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: traefik-cert
spec:
  secretName: traefik-cert
  issuerRef:
    name: letsencrypt-prod
  commonName: meltingpoc.k8.wildwidewest.xyz
  dnsNames:
  - meltingpoc.k8.wildwidewest.xyz
  - autres domaines ...
"#,
    );
    assert_eq!(converted.issuer, expected_issuer);
    assert_eq!(converted.certificates, vec![expected_certificate.clone()]);

    let all = convert_all(&[issuer], &[], &[certificate]).expect("converts");
    assert_eq!(
        all,
        Converted {
            issuers: vec![expected_issuer],
            cluster_issuers: vec![],
            certificates: vec![expected_certificate],
        }
    );
}

#[test]
fn dns01_providers_become_solvers_for_the_domains_of_the_certificates_naming_them() {
    let issuer: LegacyIssuer = parse(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Issuer
metadata:
  name: letsencrypt-dns
  namespace: web
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    email: ops@example.test
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
          role: arn:aws:iam::123456789012:role/dns-updater
          secretAccessKeySecretRef:
            name: route53-credentials
            key: secret-access-key
      - name: cf
        cloudflare:
          email: dns@example.test
          apiKeySecretRef:
            name: cloudflare-api-key
            key: api-key
      - name: unused
        digitalocean:
          tokenSecretRef:
            name: digitalocean
            key: token
"#,
    );
    let certificates: Vec<LegacyCertificate> = parse_all(
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
  - "*.example.test"
  acme:
    config:
    - dns01:
        provider: aws
      domains:
      - "*.example.test"
---
apiVersion: certmanager.k8s.io/v1alpha1
kind: Certificate
metadata:
  name: apex
  namespace: web
spec:
  secretName: apex-tls
  issuerRef:
    name: letsencrypt-dns
  dnsNames:
  - example.test
  acme:
    config:
    - dns01:
        provider: cf
      domains:
      - example.test
"#,
    );

    let converted = convert_issuer(&issuer, &certificates).expect("converts");

    // `apex` sorts before `wildcard`; the unused provider is no default.
    let expected: Issuer = parse(
        r#"
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: letsencrypt-dns
  namespace: web
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    email: ops@example.test
    skipTLSVerify: false
    privateKeySecretRef:
      name: letsencrypt-dns
      key: tls.key
    solvers:
    - selector:
        dnsNames: [example.test]
      dns01:
        cloudflare:
          email: dns@example.test
          apiKeySecretRef:
            name: cloudflare-api-key
            key: api-key
    - selector:
        dnsNames: ["*.example.test"]
      dns01:
        cnameStrategy: Follow
        route53:
          region: eu-west-1
          accessKeyID: AKIAIOSFODNN7EXAMPLE
          hostedZoneID: Z2ABCDEF123456
          role: arn:aws:iam::123456789012:role/dns-updater
          secretAccessKeySecretRef:
            name: route53-credentials
            key: secret-access-key
"#,
    );
    assert_eq!(converted.issuer, expected);
    let expected_certificates: Vec<Certificate> = parse_all(
        r#"
apiVersion: cert-manager.io/v1
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
  - "*.example.test"
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: apex
  namespace: web
spec:
  secretName: apex-tls
  issuerRef:
    name: letsencrypt-dns
  dnsNames:
  - example.test
"#,
    );
    assert_eq!(converted.certificates, expected_certificates);
}

#[test]
fn cluster_issuer_gathers_solvers_from_certificates_of_every_namespace() {
    let cluster_issuer: LegacyClusterIssuer = parse(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: letsencrypt-account
    http01:
      serviceType: ClusterIP
"#,
    );
    let certificates: Vec<LegacyCertificate> = parse_all(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Certificate
metadata:
  name: site
  namespace: shop
spec:
  secretName: site-tls
  issuerRef:
    name: letsencrypt
    kind: ClusterIssuer
  dnsNames: [shop.example.test]
  acme:
    config:
    - http01:
        ingressClass: traefik
      domains: [shop.example.test]
---
apiVersion: certmanager.k8s.io/v1alpha1
kind: Certificate
metadata:
  name: site
  namespace: blog
spec:
  secretName: site-tls
  issuerRef:
    name: letsencrypt
    kind: ClusterIssuer
  dnsNames: [blog.example.test]
  acme:
    config:
    - http01:
        ingress: blog
      domains: [blog.example.test]
"#,
    );

    let converted = convert_all(&[], &[cluster_issuer], &certificates).expect("converts");

    // blog/site sorts before shop/site; the Service type reaches every
    // HTTP-01 solver, the default included.
    let expected: ClusterIssuer = parse(
        r#"
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: letsencrypt-account
    solvers:
    - selector:
        dnsNames: [blog.example.test]
      http01:
        ingress:
          serviceType: ClusterIP
          name: blog
    - selector:
        dnsNames: [shop.example.test]
      http01:
        ingress:
          serviceType: ClusterIP
          class: traefik
    - http01:
        ingress:
          serviceType: ClusterIP
"#,
    );
    assert_eq!(converted.cluster_issuers, vec![expected]);
    assert!(converted.issuers.is_empty());
    let namespaces: Vec<_> = converted
        .certificates
        .iter()
        .map(|c| (c.metadata.namespace.as_deref(), c.spec.issuer_ref.kind.as_deref()))
        .collect();
    assert_eq!(
        namespaces,
        [
            (Some("shop"), Some("ClusterIssuer")),
            (Some("blog"), Some("ClusterIssuer"))
        ]
    );
}

#[test]
fn identical_solvers_are_listed_once_and_other_domains_stay_separate() {
    let issuer: LegacyIssuer = parse(WALKTHROUGH_ISSUER);
    let certificates: Vec<LegacyCertificate> = parse_all(
        r#"
kind: Certificate
metadata: {name: a}
spec:
  secretName: a-tls
  issuerRef: {name: letsencrypt-prod}
  dnsNames: [a.example.test]
  acme:
    config:
    - {http01: {ingressClass: traefik}, domains: [a.example.test]}
---
kind: Certificate
metadata: {name: b}
spec:
  secretName: b-tls
  issuerRef: {name: letsencrypt-prod}
  dnsNames: [a.example.test, b.example.test]
  acme:
    config:
    - {http01: {ingressClass: traefik}, domains: [a.example.test]}
    - {http01: {ingressClass: traefik}, domains: [b.example.test]}
"#,
    );

    let converted = convert_issuer(&issuer, &certificates).expect("converts");

    let expected: Vec<AcmeChallengeSolver> = parse(
        r#"
- selector: {dnsNames: [a.example.test]}
  http01: {ingress: {class: traefik}}
- selector: {dnsNames: [b.example.test]}
  http01: {ingress: {class: traefik}}
- http01: {ingress: {}}
"#,
    );
    let acme = converted.issuer.spec.config.acme.expect("an ACME issuer");
    assert_eq!(acme.solvers, Some(expected));
}

#[test]
fn key_options_organization_and_lifetime_map_to_their_v1_fields() {
    let certificates: Vec<LegacyCertificate> = parse_all(
        r#"
kind: Certificate
metadata: {name: internal-ca, namespace: cert-manager}
spec:
  secretName: internal-ca-key-pair
  issuerRef: {name: selfsigning, kind: ClusterIssuer}
  commonName: ca.example.test
  organization: [Example Corp]
  isCA: true
  keyAlgorithm: ecdsa
  keySize: 384
  keyEncoding: pkcs8
  duration: 8760h
  renewBefore: 720h
  ipAddresses: [10.0.0.1]
---
kind: Certificate
metadata: {name: rsa, namespace: cert-manager}
spec:
  secretName: rsa-tls
  issuerRef: {name: selfsigning, kind: ClusterIssuer}
  dnsNames: [rsa.example.test]
  keyAlgorithm: rsa
  keySize: 4096
  keyEncoding: pkcs1
---
kind: Certificate
metadata: {name: defaults, namespace: cert-manager}
spec:
  secretName: defaults-tls
  issuerRef: {name: selfsigning, kind: ClusterIssuer}
  dnsNames: [defaults.example.test]
"#,
    );
    let expected: Vec<Certificate> = parse_all(
        r#"
kind: Certificate
metadata: {name: internal-ca, namespace: cert-manager}
spec:
  secretName: internal-ca-key-pair
  issuerRef: {name: selfsigning, kind: ClusterIssuer}
  commonName: ca.example.test
  dnsNames: [ca.example.test]
  subject: {organizations: [Example Corp]}
  isCA: true
  privateKey: {algorithm: ECDSA, size: 384, encoding: PKCS8}
  duration: 8760h
  renewBefore: 720h
  ipAddresses: [10.0.0.1]
---
kind: Certificate
metadata: {name: rsa, namespace: cert-manager}
spec:
  secretName: rsa-tls
  issuerRef: {name: selfsigning, kind: ClusterIssuer}
  dnsNames: [rsa.example.test]
  privateKey: {algorithm: RSA, size: 4096, encoding: PKCS1}
---
kind: Certificate
metadata: {name: defaults, namespace: cert-manager}
spec:
  secretName: defaults-tls
  issuerRef: {name: selfsigning, kind: ClusterIssuer}
  dnsNames: [defaults.example.test]
"#,
    );
    let converted: Vec<Certificate> = certificates.iter().map(convert_certificate).collect();
    assert_eq!(converted, expected);
}

#[test]
fn common_name_is_added_first_to_dns_names_unless_listed() {
    let names = |list: &[&str]| Some(list.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    let cases = [
        (Some("a.test"), names(&["b.test"]), names(&["a.test", "b.test"])),
        (
            Some("a.test"),
            names(&["b.test", "a.test"]),
            names(&["b.test", "a.test"]),
        ),
        (Some("a.test"), None, names(&["a.test"])),
        (Some(""), names(&["b.test"]), names(&["b.test"])),
        (None, names(&["b.test"]), names(&["b.test"])),
        (None, None, None),
    ];
    for (common_name, dns_names, expected) in cases {
        let mut legacy = LegacyCertificate::new("site", Default::default());
        legacy.spec.common_name = common_name.map(str::to_owned);
        legacy.spec.dns_names = dns_names.clone();
        let converted = convert_certificate(&legacy);
        assert_eq!(
            converted.spec.dns_names, expected,
            "commonName {common_name:?}, dnsNames {dns_names:?}"
        );
        assert_eq!(converted.spec.common_name.as_deref(), common_name);
    }
}

#[test]
fn metadata_keeps_name_namespace_labels_and_annotations_only() {
    let issuer: LegacyIssuer = parse(
        r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Issuer
metadata:
  name: ca
  namespace: web
  uid: 3f2b7a4c-0000-4000-8000-000000000001
  resourceVersion: "42"
  generation: 3
  creationTimestamp: "2019-03-01T10:00:00Z"
  finalizers: [example.test/keep]
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: owner, uid: 3f2b7a4c-0000-4000-8000-000000000002}
  labels: {app: web}
  annotations:
    team: platform
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"certmanager.k8s.io/v1alpha1"}'
spec:
  ca: {secretName: ca-key-pair}
status:
  conditions:
  - {type: Ready, status: "True", reason: KeyPairVerified, message: Signing CA verified}
"#,
    );
    let certificate: LegacyCertificate = parse(
        r#"
kind: Certificate
metadata:
  name: site
  namespace: web
  uid: 3f2b7a4c-0000-4000-8000-000000000003
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{}'
spec: {secretName: site-tls, issuerRef: {name: ca}, dnsNames: [site.example.test]}
status:
  notAfter: "2019-06-01T10:00:00Z"
"#,
    );

    let converted = convert_issuer(&issuer, [&certificate]).expect("converts");

    let expected_issuer: Issuer = parse(
        r#"
kind: Issuer
metadata:
  name: ca
  namespace: web
  labels: {app: web}
  annotations: {team: platform}
spec:
  ca: {secretName: ca-key-pair}
"#,
    );
    let expected_certificate: Certificate = parse(
        r#"
kind: Certificate
metadata: {name: site, namespace: web}
spec: {secretName: site-tls, issuerRef: {name: ca}, dnsNames: [site.example.test]}
"#,
    );
    assert_eq!(converted.issuer, expected_issuer);
    assert_eq!(converted.certificates, [expected_certificate]);
}

#[test]
fn acme_issuer_without_http01_or_certificates_has_no_solvers() {
    let issuer: LegacyClusterIssuer = parse(
        r#"
kind: ClusterIssuer
metadata: {name: staging}
spec:
  acme:
    server: https://acme-staging-v02.api.letsencrypt.org/directory
    email: ops@example.test
    skipTLSVerify: true
    privateKeySecretRef: {name: staging, key: account.key}
    dns01:
      providers:
      - {name: cf, cloudflare: {email: ops@example.test, apiKeySecretRef: {name: cf, key: key}}}
"#,
    );
    let expected: ClusterIssuer = parse(
        r#"
kind: ClusterIssuer
metadata: {name: staging}
spec:
  acme:
    server: https://acme-staging-v02.api.letsencrypt.org/directory
    email: ops@example.test
    skipTLSVerify: true
    privateKeySecretRef: {name: staging, key: account.key}
"#,
    );
    let converted = convert_cluster_issuer(&issuer, []).expect("converts");
    assert_eq!(converted.issuer, expected);
    assert!(converted.certificates.is_empty());
}

mod problems;
mod providers_and_issuer_types;
