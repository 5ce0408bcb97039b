//! Table tests of the issuer decision.

use passerelle_crds::acme::AcmeIssuerStatus;
use passerelle_crds::meta::{Condition, ConditionStatus};
use passerelle_crds::v1::{IssuerConfig, IssuerStatus};
use serde_json::json;

use super::decide::*;
use crate::acme::key_hash;

fn config(spec: serde_json::Value) -> IssuerConfig {
    serde_json::from_value(spec).unwrap()
}

fn acme(extra: serde_json::Value) -> IssuerConfig {
    let mut base = json!({"server": "https://acme.test/dir", "email": "a@example.test",
        "privateKeySecretRef": {"name": "account"}, "solvers": [{"http01": {"ingress": {"class": "traefik"}}}]});
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    config(json!({"acme": base}))
}

fn with_key(key: &[u8]) -> Observed {
    Observed {
        secret: Some(SecretKeys {
            user: Some(AccountKey::P256(key.to_vec())),
            side: None,
        }),
        ..Default::default()
    }
}

fn registered(key: &[u8], email: &str, generation: i64) -> IssuerStatus {
    IssuerStatus {
        conditions: Some(vec![Condition {
            type_: "Ready".into(),
            status: ConditionStatus::True,
            observed_generation: Some(generation),
            ..Default::default()
        }]),
        acme: Some(AcmeIssuerStatus {
            uri: Some("https://acme.test/acct/1".into()),
            last_registered_email: Some(email.into()),
            last_private_key_hash: Some(key_hash(key)),
        }),
    }
}

fn not_ready(d: Decision) -> String {
    match d {
        Decision::NotReady { message, .. } => message,
        other => panic!("expected NotReady, got {other:?}"),
    }
}

#[test]
fn other_issuer_types_are_reported_as_not_supported() {
    let d = decide(
        &config(json!({"selfSigned": {}})),
        None,
        Some(1),
        &Observed::default(),
    );
    assert_eq!(
        not_ready(d),
        "The selfSigned issuer type is not supported by Passerelle yet: only ACME issuers (spec.acme) can issue certificates"
    );
}

#[test]
fn acme_v1_servers_name_the_v2_directory() {
    let d = decide(
        &acme(json!({"server": "https://acme-v01.api.letsencrypt.org/directory"})),
        None,
        None,
        &Observed::default(),
    );
    assert!(
        not_ready(d).contains("use the ACME v2 directory https://acme-v02.api.letsencrypt.org/directory")
    );
}

#[test]
fn dns01_only_issuers_are_not_ready() {
    let d = decide(
        &acme(
            json!({"solvers": [{"dns01": {"cloudflare": {"apiTokenSecretRef": {"name": "t", "key": "k"}}}}]}),
        ),
        None,
        None,
        &Observed::default(),
    );
    assert!(not_ready(d).starts_with("DNS-01 solvers are not supported by Passerelle yet"));
}

#[test]
fn invalid_issuers_carry_the_validation_message() {
    let d = decide(&acme(json!({"server": ""})), None, None, &Observed::default());
    assert!(not_ready(d).contains("spec.acme.server: Required value"));
}

#[test]
fn a_missing_secret_gets_a_new_key_unless_generation_is_disabled() {
    assert_eq!(
        decide(&acme(json!({})), None, None, &Observed::default()),
        Decision::GenerateKey
    );
    let d = decide(
        &acme(json!({"disableAccountKeyGeneration": true})),
        None,
        None,
        &Observed::default(),
    );
    assert!(not_ready(d).contains("account key generation is disabled"));
}

#[test]
fn an_rsa_key_is_kept_and_a_p256_key_added_beside_it() {
    let observed = Observed {
        secret: Some(SecretKeys {
            user: Some(AccountKey::Other("RSA 2048".into())),
            side: None,
        }),
        ..Default::default()
    };
    assert_eq!(
        decide(&acme(json!({})), None, None, &observed),
        Decision::AddP256Key {
            found: "RSA 2048".into()
        }
    );
    let with_side = Observed {
        secret: Some(SecretKeys {
            user: Some(AccountKey::Other("RSA 2048".into())),
            side: Some(vec![7]),
        }),
        ..Default::default()
    };
    assert_eq!(
        decide(&acme(json!({})), None, None, &with_side),
        Decision::Register { key: vec![7] }
    );
}

#[test]
fn an_unreadable_key_is_reported_not_replaced() {
    let observed = Observed {
        secret: Some(SecretKeys {
            user: Some(AccountKey::Unreadable("bad PEM".into())),
            side: None,
        }),
        ..Default::default()
    };
    assert!(not_ready(decide(&acme(json!({})), None, None, &observed)).contains("bad PEM"));
}

#[test]
fn an_existing_p256_key_is_registered_then_up_to_date() {
    let key = vec![1, 2, 3];
    assert_eq!(
        decide(&acme(json!({})), None, Some(1), &with_key(&key)),
        Decision::Register { key: key.clone() }
    );
    let status = registered(&key, "a@example.test", 1);
    assert_eq!(
        decide(&acme(json!({})), Some(&status), Some(1), &with_key(&key)),
        Decision::UpToDate { requeue: RECHECK }
    );
}

#[test]
fn an_email_change_a_new_generation_or_a_lost_account_registers_again() {
    let key = vec![1, 2, 3];
    let status = registered(&key, "old@example.test", 1);
    assert_eq!(
        decide(&acme(json!({})), Some(&status), Some(1), &with_key(&key)),
        Decision::Register { key: key.clone() }
    );
    let status = registered(&key, "a@example.test", 1);
    assert_eq!(
        decide(&acme(json!({})), Some(&status), Some(2), &with_key(&key)),
        Decision::Register { key: key.clone() }
    );
    let lost = Observed {
        account_lost: true,
        ..with_key(&key)
    };
    assert_eq!(
        decide(&acme(json!({})), Some(&status), Some(1), &lost),
        Decision::Register { key: key.clone() }
    );
}

#[test]
fn a_changed_server_registers_again() {
    let key = vec![1, 2, 3];
    let status = registered(&key, "a@example.test", 1);
    let moved = acme(json!({"server": "https://other-ca.test/dir"}));
    assert_eq!(
        decide(&moved, Some(&status), Some(1), &with_key(&key)),
        Decision::Register { key }
    );
}

#[test]
fn external_account_binding_creates_the_account_with_a_new_key() {
    let cfg = acme(
        json!({"externalAccountBinding": {"keyID": "kid-1", "keySecretRef": {"name": "eab", "key": "secret"}}}),
    );
    let observed = Observed {
        eab: Some(Ok(vec![9, 9])),
        ..Default::default()
    };
    assert_eq!(
        decide(&cfg, None, None, &observed),
        Decision::RegisterWithEab {
            key_id: "kid-1".into(),
            hmac: vec![9, 9]
        }
    );
    let missing = Observed {
        eab: Some(Err("Secret eab has no key secret".into())),
        ..Default::default()
    };
    assert!(not_ready(decide(&cfg, None, None, &missing)).contains("Secret eab has no key secret"));
}

#[test]
fn account_urls_must_belong_to_the_server() {
    assert!(same_origin("https://acme.test/acct/1", "https://acme.test/dir"));
    assert!(!same_origin(
        "https://acme.test:14000/acct/1",
        "https://acme.test/dir"
    ));
    assert!(!same_origin("not a url", "https://acme.test/dir"));
}

#[test]
fn the_account_key_is_read_from_the_data_key_the_issuer_names() {
    use k8s_openapi::ByteString;
    use k8s_openapi::api::core::v1::Secret;

    use super::observe::{account_key_name, secret_keys};

    use crate::pki::keys::{EcCurve, KeyKind, PrivateKey};
    let key = PrivateKey::generate(KeyKind::Ecdsa(EcCurve::P256)).expect("generates");
    let key = crate::pki::pem::encode("PRIVATE KEY", key.pkcs8_der());
    let secret = Secret {
        data: Some([("account.pem".to_string(), ByteString(key.into_bytes()))].into()),
        ..Default::default()
    };
    let IssuerConfig {
        acme: Some(custom), ..
    } = acme(json!({"privateKeySecretRef": {"name": "account", "key": "account.pem"}}))
    else {
        panic!("acme issuer")
    };
    let IssuerConfig {
        acme: Some(default), ..
    } = acme(json!({}))
    else {
        panic!("acme issuer")
    };
    assert_eq!(account_key_name(&custom), "account.pem");
    assert_eq!(account_key_name(&default), "tls.key");
    assert!(matches!(
        secret_keys(&secret, account_key_name(&custom)).user,
        Some(AccountKey::P256(_))
    ));
    assert!(secret_keys(&secret, account_key_name(&default)).user.is_none());
}
