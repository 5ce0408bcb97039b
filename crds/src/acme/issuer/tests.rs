//! Round-trip and schema tests of the ACME issuer: real-world `spec.acme`
//! and `status.acme` fragments deserialize and serialize back unchanged.

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

const FULL_ISSUER: &str = r#"
server: https://acme.example.com/directory
email: ops@example.com
preferredChain: ISRG Root X1
caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
skipTLSVerify: false
profile: shortlived
disableAccountKeyGeneration: true
enableDurationFeature: true
privateKeySecretRef:
  name: acme-account
  key: tls.key
externalAccountBinding:
  keyID: kid-1
  keySecretRef:
    name: eab
    key: secret
  keyAlgorithm: HS256
solvers:
  - selector:
      dnsZones: [example.com]
    dns01:
      cnameStrategy: Follow
      cloudflare:
        apiTokenSecretRef:
          name: cloudflare
          key: token
  - http01:
      ingress:
        ingressClassName: nginx
"#;

#[test]
fn full_acme_issuer_round_trips_unchanged() {
    let issuer: AcmeIssuer = round_trip(FULL_ISSUER);
    assert_eq!(issuer.server, "https://acme.example.com/directory");
    assert_eq!(issuer.skip_tls_verify, Some(false));
    assert_eq!(issuer.private_key_secret_ref.key.as_deref(), Some("tls.key"));
    let eab = issuer.external_account_binding.expect("EAB");
    assert_eq!(eab.key_id, "kid-1");
    assert_eq!(eab.key_algorithm, Some(HmacKeyAlgorithm::Hs256));
    assert_eq!(issuer.solvers.map(|s| s.len()), Some(2));
}

#[test]
fn minimal_acme_issuer_round_trips_without_adding_fields() {
    let issuer: AcmeIssuer = round_trip(
        "server: https://acme-v02.api.letsencrypt.org/directory\nprivateKeySecretRef: {name: le}\n",
    );
    assert_eq!(issuer.solvers, None);
    assert_eq!(issuer.email, None);
}

#[test]
fn explicit_empty_solvers_and_false_flags_are_kept() {
    let issuer: AcmeIssuer = round_trip(
        "server: https://acme.example/dir\nprivateKeySecretRef: {name: k}\nsolvers: []\n\
         disableAccountKeyGeneration: false\nenableDurationFeature: false\n",
    );
    assert_eq!(issuer.solvers, Some(vec![]));
    assert_eq!(issuer.enable_duration_feature, Some(false));
}

#[test]
fn every_hmac_key_algorithm_round_trips() {
    for alg in ["HS256", "HS384", "HS512"] {
        round_trip::<AcmeExternalAccountBinding>(&format!(
            "keyID: k\nkeySecretRef: {{name: s}}\nkeyAlgorithm: {alg}\n"
        ));
    }
}

#[test]
fn unknown_hmac_key_algorithm_is_rejected() {
    let eab = json!({"keyID": "k", "keySecretRef": {"name": "s"}, "keyAlgorithm": "HS1"});
    assert!(serde_json::from_value::<AcmeExternalAccountBinding>(eab).is_err());
}

#[test]
fn missing_server_or_private_key_ref_is_rejected() {
    assert!(serde_json::from_value::<AcmeIssuer>(json!({"privateKeySecretRef": {"name": "k"}})).is_err());
    assert!(serde_json::from_value::<AcmeIssuer>(json!({"server": "https://a/dir"})).is_err());
}

#[test]
fn acme_issuer_status_round_trips_unchanged() {
    let status: AcmeIssuerStatus = round_trip(
        "uri: https://acme.example.com/acme/acct/123\nlastRegisteredEmail: ops@example.com\n\
         lastPrivateKeyHash: 3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
    );
    assert_eq!(
        status.uri.as_deref(),
        Some("https://acme.example.com/acme/acct/123")
    );
}

#[test]
fn schema_states_required_fields_and_constraints() {
    let schema = schema_of::<AcmeIssuer>();
    let mut required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["privateKeySecretRef", "server"]);
    assert_eq!(
        schema.pointer("/properties/preferredChain/maxLength"),
        Some(&json!(64))
    );
    assert_eq!(
        schema.pointer("/properties/caBundle/format"),
        Some(&json!("byte"))
    );
    assert_eq!(
        schema.pointer("/properties/solvers/x-kubernetes-list-type"),
        Some(&json!("atomic"))
    );
    let eab = &schema["properties"]["externalAccountBinding"];
    assert!(eab.to_string().contains("HS384"), "keyAlgorithm enum in {eab}");
    for name in [
        "skipTLSVerify",
        "externalAccountBinding",
        "disableAccountKeyGeneration",
        "enableDurationFeature",
        "profile",
    ] {
        assert!(
            schema["properties"].get(name).is_some(),
            "{name} missing from schema"
        );
    }
}
