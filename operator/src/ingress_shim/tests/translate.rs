//! Table tests of the field annotations (cert-manager's
//! `translateAnnotations`) and of the solver overrides an Order applies.

use std::collections::BTreeMap;

use passerelle_crds::acme::AcmeChallengeSolver;
use passerelle_crds::v1::CertificateSpec;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use crate::ingress_shim::annotations::translate;
use crate::ingress_shim::overrides;

/// Annotations, as written in a case.
type Pairs = Vec<(&'static str, &'static str)>;

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The spec fields the annotations set, as JSON (without the required
/// fields the translation never touches).
fn translated(pairs: &[(&str, &str)]) -> Result<Value, String> {
    let mut spec = CertificateSpec::default();
    translate(&map(pairs), &mut spec)?;
    let mut value = serde_json::to_value(spec).unwrap();
    let object = value.as_object_mut().unwrap();
    object.remove("secretName");
    object.remove("issuerRef");
    Ok(value)
}

#[test]
fn valid_annotations_set_their_fields() {
    let cases: Vec<(&str, Pairs, Value)> = vec![
        ("none", vec![], json!({})),
        (
            "common name and email SANs",
            vec![
                ("cert-manager.io/common-name", "a.example.test"),
                ("cert-manager.io/email-sans", "a@example.test,b@example.test"),
            ],
            json!({"commonName": "a.example.test", "emailAddresses": ["a@example.test", "b@example.test"]}),
        ),
        (
            "durations written as Go's Duration.String",
            vec![
                ("cert-manager.io/duration", "2160h"),
                ("cert-manager.io/renew-before", "90m"),
            ],
            json!({"duration": "2160h0m0s", "renewBefore": "1h30m0s"}),
        ),
        (
            "usages, spaces trimmed",
            vec![("cert-manager.io/usages", "digital signature, server auth")],
            json!({"usages": ["digital signature", "server auth"]}),
        ),
        (
            "revision history limit",
            vec![("cert-manager.io/revision-history-limit", "3")],
            json!({"revisionHistoryLimit": 3}),
        ),
        (
            "every private key field",
            vec![
                ("cert-manager.io/private-key-algorithm", "ECDSA"),
                ("cert-manager.io/private-key-size", "384"),
                ("cert-manager.io/private-key-encoding", "PKCS8"),
                ("cert-manager.io/private-key-rotation-policy", "Never"),
            ],
            json!({"privateKey": {"algorithm": "ECDSA", "size": 384, "encoding": "PKCS8", "rotationPolicy": "Never"}}),
        ),
        (
            "an RSA size without algorithm (RSA is the default)",
            vec![("cert-manager.io/private-key-size", "4096")],
            json!({"privateKey": {"size": 4096}}),
        ),
        (
            "an Ed25519 key takes any size",
            vec![
                ("cert-manager.io/private-key-algorithm", "Ed25519"),
                ("cert-manager.io/private-key-size", "1"),
            ],
            json!({"privateKey": {"algorithm": "Ed25519", "size": 1}}),
        ),
    ];
    for (case, pairs, want) in cases {
        assert_eq!(translated(&pairs), Ok(want), "{case}");
    }
}

#[test]
fn invalid_annotations_are_refused_with_cert_managers_words() {
    let cases: Vec<(Pairs, &str)> = vec![
        (
            vec![("cert-manager.io/renew-before", "-1h")],
            r#"invalid ingress annotation "cert-manager.io/renew-before": time: invalid duration "-1h""#,
        ),
        (
            vec![("cert-manager.io/usages", "digital signature,teleport")],
            r#"invalid ingress annotation "cert-manager.io/usages": invalid key usage name "teleport""#,
        ),
        (
            vec![("cert-manager.io/revision-history-limit", "0")],
            r#"invalid ingress annotation "cert-manager.io/revision-history-limit": revision history limit must be a positive number "0""#,
        ),
        (
            vec![("cert-manager.io/revision-history-limit", "many")],
            r#"invalid ingress annotation "cert-manager.io/revision-history-limit": strconv.ParseInt: parsing "many": invalid syntax"#,
        ),
        (
            vec![("cert-manager.io/private-key-algorithm", "DSA")],
            r#"invalid ingress annotation "cert-manager.io/private-key-algorithm": invalid private key algorithm "DSA""#,
        ),
        (
            vec![("cert-manager.io/private-key-encoding", "DER")],
            r#"invalid ingress annotation "cert-manager.io/private-key-encoding": invalid private key encoding "DER""#,
        ),
        (
            vec![("cert-manager.io/private-key-size", "1024")],
            r#"invalid ingress annotation "cert-manager.io/private-key-size": invalid private key size for RSA algorithm "1024""#,
        ),
        (
            vec![
                ("cert-manager.io/private-key-algorithm", "ECDSA"),
                ("cert-manager.io/private-key-size", "2048"),
            ],
            r#"invalid ingress annotation "cert-manager.io/private-key-size": invalid private key size for ECDSA algorithm "2048""#,
        ),
        (
            vec![("cert-manager.io/private-key-size", "big")],
            r#"invalid ingress annotation "cert-manager.io/private-key-size": strconv.Atoi: parsing "big": invalid syntax"#,
        ),
        (
            vec![("cert-manager.io/private-key-rotation-policy", "Sometimes")],
            r#"invalid ingress annotation "cert-manager.io/private-key-rotation-policy": invalid private key rotation policy "Sometimes""#,
        ),
    ];
    for (pairs, want) in cases {
        assert_eq!(translated(&pairs), Err(want.to_string()), "{pairs:?}");
    }
}

fn solver(ingress: Value) -> AcmeChallengeSolver {
    serde_json::from_value(json!({"http01": {"ingress": ingress}})).unwrap()
}

#[test]
fn an_order_overrides_its_solvers_ingress_as_cert_manager_does() {
    let base = solver(json!({"class": "nginx", "ingressClassName": "nginx", "name": "site"}));
    let cases: Vec<(&str, Pairs, Result<AcmeChallengeSolver, ()>)> = vec![
        (
            "no override: as configured",
            vec![("other", "x")],
            Ok(base.clone()),
        ),
        (
            "class: the class alone",
            vec![("acme.cert-manager.io/http01-override-ingress-class", "traefik")],
            Ok(solver(json!({"class": "traefik"}))),
        ),
        (
            "ingressClassName: it alone",
            vec![(
                "acme.cert-manager.io/http01-override-ingress-ingressclassname",
                "passerelle",
            )],
            Ok(solver(json!({"ingressClassName": "passerelle"}))),
        ),
        (
            "name (edit in place): it alone",
            vec![("acme.cert-manager.io/http01-override-ingress-name", "web")],
            Ok(solver(json!({"name": "web"}))),
        ),
        (
            "two overrides: refused",
            vec![
                ("acme.cert-manager.io/http01-override-ingress-name", "web"),
                ("acme.cert-manager.io/http01-override-ingress-class", "traefik"),
            ],
            Err(()),
        ),
    ];
    for (case, pairs, want) in cases {
        let got = overrides::apply(&map(&pairs), &base).map_err(|_| ());
        assert_eq!(got, want, "{case}");
    }
    let dns: AcmeChallengeSolver =
        serde_json::from_value(json!({"dns01": {"webhook": {"groupName": "g", "solverName": "s"}}})).unwrap();
    let class = map(&[("acme.cert-manager.io/http01-override-ingress-class", "traefik")]);
    assert_eq!(
        overrides::apply(&class, &dns),
        Ok(dns.clone()),
        "not an Ingress solver"
    );
}
