//! Round-trip and schema tests of the DNS-01 solver: every provider's
//! configuration, as found in real Issuers, deserializes and serializes back
//! unchanged.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::*;

/// Parses `yaml`, deserializes it as `T`, asserts that `T` serializes back
/// to the same JSON, and returns it.
fn round_trip<T: Serialize + DeserializeOwned>(yaml: &str) -> T {
    let manifest: Value = serde_yaml::from_str(yaml).expect("valid YAML");
    let typed: T = serde_json::from_value(manifest.clone()).expect("deserializes");
    assert_eq!(serde_json::to_value(&typed).expect("serializes"), manifest);
    typed
}

/// The JSON schema of `T` with every subschema inlined, as kube generates it.
fn schema_of<T: schemars::JsonSchema>() -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12().with(|s| s.inline_subschemas = true);
    serde_json::to_value(settings.into_generator().into_root_schema_for::<T>()).expect("schema")
}

/// The sorted `required` list of the provider `name` in the DNS-01 schema.
fn required_of(schema: &Value, name: &str) -> Vec<String> {
    let mut required: Vec<String> = schema["properties"][name]["required"]
        .as_array()
        .map(|r| r.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    required.sort_unstable();
    required
}

#[test]
fn akamai_round_trips_unchanged() {
    let dns01: AcmeChallengeSolverDns01 = round_trip(
        "akamai:\n  serviceConsumerDomain: akab-abc.luna.akamaiapis.net\n\
         \x20 clientTokenSecretRef: {name: akamai, key: clientToken}\n\
         \x20 clientSecretSecretRef: {name: akamai, key: clientSecret}\n\
         \x20 accessTokenSecretRef: {name: akamai, key: accessToken}\n",
    );
    assert!(dns01.akamai.is_some());
}

#[test]
fn cloud_dns_round_trips_unchanged() {
    let dns01: AcmeChallengeSolverDns01 = round_trip(
        "cnameStrategy: None\ncloudDNS:\n  project: my-project\n  hostedZoneName: example-com\n\
         \x20 serviceAccountSecretRef: {name: clouddns, key: key.json}\n",
    );
    assert_eq!(dns01.cname_strategy, Some(CnameStrategy::None));
    assert_eq!(dns01.cloud_dns.map(|c| c.project).as_deref(), Some("my-project"));
}

#[test]
fn cloudflare_round_trips_unchanged() {
    round_trip::<AcmeChallengeSolverDns01>(
        "cloudflare:\n  email: ops@example.com\n  apiKeySecretRef: {name: cf, key: api-key}\n\
         \x20 apiTokenSecretRef: {name: cf, key: api-token}\n",
    );
}

#[test]
fn route53_with_keys_and_with_service_account_round_trip_unchanged() {
    let keys: AcmeChallengeSolverDns01 = round_trip(
        "route53:\n  region: eu-west-1\n  hostedZoneID: Z2ABCDEF\n  role: arn:aws:iam::123456789012:role/dns\n\
         \x20 accessKeyID: AKIAIOSFODNN7EXAMPLE\n  secretAccessKeySecretRef: {name: aws, key: secret}\n",
    );
    assert_eq!(
        keys.route53.and_then(|r| r.hosted_zone_id).as_deref(),
        Some("Z2ABCDEF")
    );
    let irsa: AcmeIssuerDns01ProviderRoute53 = round_trip(
        "accessKeyIDSecretRef: {name: aws, key: id}\n\
         auth:\n  kubernetes:\n    serviceAccountRef:\n      name: cert-manager-route53\n      audiences: [sts.amazonaws.com]\n",
    );
    assert_eq!(
        irsa.auth
            .map(|a| a.kubernetes.service_account_ref.name)
            .as_deref(),
        Some("cert-manager-route53")
    );
}

#[test]
fn azure_dns_with_service_principal_and_managed_identity_round_trip_unchanged() {
    round_trip::<AcmeIssuerDns01ProviderAzureDns>(
        "clientID: 00000000-0000-0000-0000-000000000001\nclientSecretSecretRef: {name: azure, key: password}\n\
         subscriptionID: sub\ntenantID: tenant\nresourceGroupName: dns\nhostedZoneName: example.com\n\
         environment: AzureUSGovernmentCloud\nzoneType: AzurePrivateZone\n",
    );
    let msi: AcmeIssuerDns01ProviderAzureDns = round_trip(
        "subscriptionID: sub\nresourceGroupName: dns\nenvironment: AzurePublicCloud\n\
         managedIdentity: {clientID: cid, resourceID: /subscriptions/sub/id, tenantID: tid}\n",
    );
    assert_eq!(msi.environment, Some(AzureDnsEnvironment::AzurePublicCloud));
}

#[test]
fn digitalocean_and_acme_dns_round_trip_unchanged() {
    round_trip::<AcmeChallengeSolverDns01>(
        "digitalocean:\n  tokenSecretRef: {name: do, key: token}\n\
         acmeDNS:\n  host: https://auth.acme-dns.io\n  accountSecretRef: {name: acme-dns, key: acmedns.json}\n",
    );
}

#[test]
fn rfc2136_round_trips_unchanged() {
    let dns01: AcmeChallengeSolverDns01 = round_trip(
        "rfc2136:\n  nameserver: \"[2001:db8::1]:53\"\n  tsigKeyName: acme-key\n  tsigAlgorithm: HMACSHA512\n\
         \x20 protocol: TCP\n  tsigSecretSecretRef: {name: tsig, key: secret}\n",
    );
    assert_eq!(
        dns01.rfc2136.and_then(|r| r.protocol),
        Some(Rfc2136UpdateProtocol::Tcp)
    );
}

#[test]
fn webhook_config_is_kept_as_written() {
    let dns01: AcmeChallengeSolverDns01 = round_trip(
        "webhook:\n  groupName: acme.example.com\n  solverName: example\n\
         \x20 config:\n    apiKeySecretRef: {name: k, key: v}\n    ttl: 60\n    zones: [a, b]\n    nested: {deep: {x: null}}\n",
    );
    let config = dns01.webhook.and_then(|w| w.config).expect("config");
    assert_eq!(config["ttl"], json!(60));
}

#[test]
fn unknown_enum_values_are_rejected() {
    assert!(serde_json::from_value::<AcmeChallengeSolverDns01>(json!({"cnameStrategy": "follow"})).is_err());
    let rfc = json!({"nameserver": "ns:53", "protocol": "tcp"});
    assert!(serde_json::from_value::<AcmeIssuerDns01ProviderRfc2136>(rfc).is_err());
    let azure = json!({"subscriptionID": "s", "resourceGroupName": "r", "zoneType": "Private"});
    assert!(serde_json::from_value::<AcmeIssuerDns01ProviderAzureDns>(azure).is_err());
}

#[test]
fn schema_states_required_fields_enums_and_free_form_config() {
    let schema = schema_of::<AcmeChallengeSolverDns01>();
    assert_eq!(required_of(&schema, "akamai").len(), 4);
    assert_eq!(required_of(&schema, "acmeDNS"), ["accountSecretRef", "host"]);
    assert_eq!(
        required_of(&schema, "azureDNS"),
        ["resourceGroupName", "subscriptionID"]
    );
    assert_eq!(required_of(&schema, "cloudDNS"), ["project"]);
    assert!(required_of(&schema, "cloudflare").is_empty());
    assert_eq!(required_of(&schema, "digitalocean"), ["tokenSecretRef"]);
    assert_eq!(required_of(&schema, "rfc2136"), ["nameserver"]);
    assert!(required_of(&schema, "route53").is_empty());
    assert_eq!(required_of(&schema, "webhook"), ["groupName", "solverName"]);
    let config = &schema["properties"]["webhook"]["properties"]["config"];
    assert_eq!(config["x-kubernetes-preserve-unknown-fields"], json!(true));
    let text = schema.to_string();
    for value in ["Follow", "AzureGermanCloud", "AzurePrivateZone", "UDP"] {
        assert!(
            text.contains(&format!("\"{value}\"")),
            "{value} missing from schema"
        );
    }
}
