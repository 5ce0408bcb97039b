//! Field-by-field mappings: every legacy DNS01 provider to its v1 DNS-01
//! provider, and every other issuer type to its v1 counterpart.

use pretty_assertions::assert_eq;

use super::{parse, parse_all};
use crate::acme::AcmeChallengeSolver;
use crate::convert::{convert_all, convert_issuer};
use crate::v1::{ClusterIssuer, Issuer};
use crate::v1alpha1::{LegacyCertificate, LegacyClusterIssuer, LegacyIssuer};

#[test]
fn every_dns01_provider_maps_to_its_v1_type() {
    let issuer: LegacyIssuer = parse(
        r#"
kind: Issuer
metadata: {name: dns, namespace: infra}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: dns}
    dns01:
      providers:
      - name: akamai
        akamai:
          serviceConsumerDomain: akab-abc.luna.akamaiapis.net
          clientTokenSecretRef: {name: akamai, key: clientToken}
          clientSecretSecretRef: {name: akamai, key: clientSecret}
          accessTokenSecretRef: {name: akamai, key: accessToken}
      - name: gcp
        cnameStrategy: None
        clouddns:
          project: dns-project
          serviceAccountSecretRef: {name: clouddns, key: key.json}
      - name: azure
        azuredns:
          clientID: 00000000-0000-0000-0000-000000000001
          clientSecretSecretRef: {name: azure, key: password}
          subscriptionID: subscription
          tenantID: tenant
          resourceGroupName: dns
          hostedZoneName: example.test
      - name: do
        digitalocean:
          tokenSecretRef: {name: digitalocean, key: token}
      - name: acme-dns
        cnameStrategy: Follow
        acmedns:
          host: https://acme-dns.example.test
          accountSecretRef: {name: acme-dns, key: acmedns.json}
      - name: bind
        rfc2136:
          nameserver: 192.0.2.53:53
          tsigKeyName: acme-key
          tsigAlgorithm: hmacsha512
          tsigSecretSecretRef: {name: tsig, key: secret}
      - name: aws-ambient
        route53: {region: us-east-1}
"#,
    );
    let certificate: LegacyCertificate = parse(
        r#"
kind: Certificate
metadata: {name: every-provider, namespace: infra}
spec:
  secretName: every-provider-tls
  issuerRef: {name: dns}
  acme:
    config:
    - {dns01: {provider: akamai}, domains: [akamai.example.test]}
    - {dns01: {provider: gcp}, domains: [gcp.example.test]}
    - {dns01: {provider: azure}, domains: [azure.example.test]}
    - {dns01: {provider: do}, domains: [do.example.test]}
    - {dns01: {provider: acme-dns}, domains: [acme-dns.example.test]}
    - {dns01: {provider: bind}, domains: [bind.example.test]}
    - {dns01: {provider: aws-ambient}, domains: [aws.example.test]}
"#,
    );
    let expected: Vec<AcmeChallengeSolver> = parse(
        r#"
- selector: {dnsNames: [akamai.example.test]}
  dns01:
    akamai:
      serviceConsumerDomain: akab-abc.luna.akamaiapis.net
      clientTokenSecretRef: {name: akamai, key: clientToken}
      clientSecretSecretRef: {name: akamai, key: clientSecret}
      accessTokenSecretRef: {name: akamai, key: accessToken}
- selector: {dnsNames: [gcp.example.test]}
  dns01:
    cnameStrategy: None
    cloudDNS:
      project: dns-project
      serviceAccountSecretRef: {name: clouddns, key: key.json}
- selector: {dnsNames: [azure.example.test]}
  dns01:
    azureDNS:
      clientID: 00000000-0000-0000-0000-000000000001
      clientSecretSecretRef: {name: azure, key: password}
      subscriptionID: subscription
      tenantID: tenant
      resourceGroupName: dns
      hostedZoneName: example.test
- selector: {dnsNames: [do.example.test]}
  dns01:
    digitalocean:
      tokenSecretRef: {name: digitalocean, key: token}
- selector: {dnsNames: [acme-dns.example.test]}
  dns01:
    cnameStrategy: Follow
    acmeDNS:
      host: https://acme-dns.example.test
      accountSecretRef: {name: acme-dns, key: acmedns.json}
- selector: {dnsNames: [bind.example.test]}
  dns01:
    rfc2136:
      nameserver: 192.0.2.53:53
      tsigKeyName: acme-key
      tsigAlgorithm: hmacsha512
      tsigSecretSecretRef: {name: tsig, key: secret}
- selector: {dnsNames: [aws.example.test]}
  dns01:
    route53: {region: us-east-1}
"#,
    );

    let converted = convert_issuer(&issuer, [&certificate]).expect("converts");

    let acme = converted.issuer.spec.config.acme.expect("an ACME issuer");
    assert_eq!(acme.solvers, Some(expected));
}

#[test]
fn other_issuer_types_convert_field_by_field() {
    let issuers: Vec<LegacyIssuer> = parse_all(
        r#"
kind: Issuer
metadata: {name: ca, namespace: web}
spec:
  ca: {secretName: ca-key-pair}
---
kind: Issuer
metadata: {name: vault-approle, namespace: web}
spec:
  vault:
    server: https://vault.example.test:8200
    path: pki_int/sign/example-dot-test
    caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    auth:
      appRole:
        path: approle
        roleId: 291b9d21-8ff5-4e2b-a8b3-4c5b6e7f8a9b
        secretRef: {name: vault-approle, key: secretId}
---
kind: Issuer
metadata: {name: vault-token, namespace: web}
spec:
  vault:
    server: http://vault.vault:8200
    path: pki/sign/example-dot-test
    auth:
      tokenSecretRef: {name: vault-token, key: token}
---
kind: Issuer
metadata: {name: venafi-tpp, namespace: web}
spec:
  venafi:
    zone: Certificates\Web
    tpp:
      url: https://tpp.example.test/vedsdk
      credentialsRef: {name: tpp-credentials}
      caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
"#,
    );
    let cluster_issuers: Vec<LegacyClusterIssuer> = parse_all(
        r#"
kind: ClusterIssuer
metadata: {name: selfsigning}
spec:
  selfSigned: {}
---
kind: ClusterIssuer
metadata: {name: venafi-cloud}
spec:
  venafi:
    zone: Default
    cloud:
      url: https://api.venafi.example.test/v1
      apiTokenSecretRef: {name: venafi-cloud-token, key: apikey}
"#,
    );
    let expected_issuers: Vec<Issuer> = parse_all(
        r#"
kind: Issuer
metadata: {name: ca, namespace: web}
spec:
  ca: {secretName: ca-key-pair}
---
kind: Issuer
metadata: {name: vault-approle, namespace: web}
spec:
  vault:
    server: https://vault.example.test:8200
    path: pki_int/sign/example-dot-test
    caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    auth:
      appRole:
        path: approle
        roleId: 291b9d21-8ff5-4e2b-a8b3-4c5b6e7f8a9b
        secretRef: {name: vault-approle, key: secretId}
---
kind: Issuer
metadata: {name: vault-token, namespace: web}
spec:
  vault:
    server: http://vault.vault:8200
    path: pki/sign/example-dot-test
    auth:
      tokenSecretRef: {name: vault-token, key: token}
---
kind: Issuer
metadata: {name: venafi-tpp, namespace: web}
spec:
  venafi:
    zone: Certificates\Web
    tpp:
      url: https://tpp.example.test/vedsdk
      credentialsRef: {name: tpp-credentials}
      caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
"#,
    );
    let expected_cluster_issuers: Vec<ClusterIssuer> = parse_all(
        r#"
kind: ClusterIssuer
metadata: {name: selfsigning}
spec:
  selfSigned: {}
---
kind: ClusterIssuer
metadata: {name: venafi-cloud}
spec:
  venafi:
    zone: Default
    cloud:
      url: https://api.venafi.example.test/v1
      apiTokenSecretRef: {name: venafi-cloud-token, key: apikey}
"#,
    );

    let converted = convert_all(&issuers, &cluster_issuers, &[]).expect("converts");

    assert_eq!(converted.issuers, expected_issuers);
    assert_eq!(converted.cluster_issuers, expected_cluster_issuers);
}

#[test]
fn acme_config_of_a_certificate_of_a_ca_issuer_is_ignored_as_in_0_7() {
    let issuer: LegacyIssuer =
        parse("kind: Issuer\nmetadata: {name: ca}\nspec: {ca: {secretName: ca-key-pair}}\n");
    let certificate: LegacyCertificate = parse(
        r#"
kind: Certificate
metadata: {name: site}
spec:
  secretName: site-tls
  issuerRef: {name: ca}
  dnsNames: [site.example.test]
  acme:
    config:
    - {dns01: {provider: nowhere}, domains: [site.example.test]}
"#,
    );
    let converted = convert_issuer(&issuer, [&certificate]).expect("converts");
    assert_eq!(converted.issuer.spec.config.acme, None);
    assert_eq!(converted.certificates[0].spec.secret_name, "site-tls");
}
