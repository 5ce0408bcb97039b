//! Requests and literal subjects compared with the Certificate they come
//! from, as cert-manager's `RequestMatchesSpec` compares them.

use passerelle_crds::v1::certificate::X509Subject;
use pretty_assertions::assert_eq;

use super::{every_name, key, request_for, spec, strings};
use crate::pki::names::Attribute;
use crate::pki::{Csr, EcCurve, KeyKind, Mismatch, parse_literal_subject, request_matches_spec};

#[test]
fn literal_subjects_parse_as_cert_manager_reads_them() {
    let a = |oid: &[u64], v: &str| Attribute::new(oid, v);
    let cases: [(&str, Vec<Vec<Attribute>>); 6] = [
        ("", vec![]),
        (
            "CN=foo,OU=a+OU=b,DC=example,DC=com",
            vec![
                vec![a(&[0, 9, 2342, 19200300, 100, 1, 25], "com")],
                vec![a(&[0, 9, 2342, 19200300, 100, 1, 25], "example")],
                vec![a(&[2, 5, 4, 11], "a"), a(&[2, 5, 4, 11], "b")],
                vec![a(&[2, 5, 4, 3], "foo")],
            ],
        ),
        (
            r"CN=a\,b\+c\5Cd\C3\A9 ",
            vec![vec![a(&[2, 5, 4, 3], "a,b+c\\dé")]],
        ),
        (
            r#" cn = " quoted, kept " , o=x"#,
            vec![
                vec![a(&[2, 5, 4, 10], "x")],
                vec![a(&[2, 5, 4, 3], " quoted, kept ")],
            ],
        ),
        (
            "2.5.4.3=oid,OID.2.5.4.10=org",
            vec![vec![a(&[2, 5, 4, 10], "org")], vec![a(&[2, 5, 4, 3], "oid")]],
        ),
        (
            "SERIALNUMBER=1;STREET=s",
            vec![vec![a(&[2, 5, 4, 9], "s")], vec![a(&[2, 5, 4, 5], "1")]],
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_literal_subject(input), Ok(expected), "{input}");
    }
    for bad in [
        "CN",
        "CN=",
        "FOO=bar",
        "CN=#0403616263",
        r"CN=a\",
        r"CN=\zz",
        r#"CN="open"#,
        r#"CN="a"b"#,
        "CN=a,,O=b",
    ] {
        assert!(parse_literal_subject(bad).is_err(), "{bad}");
    }
}

#[test]
fn literal_subject_requests_match_their_spec() {
    let literal = spec(|s| {
        s.literal_subject = Some("CN=app,OU=a+OU=b,O=Example,DC=example,DC=com".into());
        s.dns_names = strings(&["app.example.com"]);
    });
    let csr = Csr::build(&literal, &key(KeyKind::Ed25519)).unwrap();
    let parsed = csr.parse().unwrap();
    assert_eq!(parsed.names.common_name.as_deref(), Some("app"));
    assert_eq!(parsed.names.rdns.len(), 5);
    let request = request_for(&literal, &csr);
    assert_eq!(request_matches_spec(&request, &literal).unwrap(), vec![]);
    let changed = spec(|s| {
        s.literal_subject = Some("CN=app,O=Example,DC=example,DC=com".into());
        s.dns_names = strings(&["app.example.com"]);
    });
    assert_eq!(
        request_matches_spec(&request, &changed).unwrap(),
        vec![Mismatch::LiteralSubject]
    );
}

#[test]
fn requests_match_their_spec_until_it_changes() {
    let original = every_name();
    let csr = Csr::build(&original, &key(KeyKind::Ecdsa(EcCurve::P384))).unwrap();
    let request = request_for(&original, &csr);
    assert_eq!(request_matches_spec(&request, &original).unwrap(), vec![]);

    // Lists compare in any order.
    let mut reordered = original.clone();
    reordered.dns_names.as_mut().unwrap().reverse();
    reordered
        .subject
        .as_mut()
        .unwrap()
        .organizations
        .as_mut()
        .unwrap()
        .reverse();
    reordered.ip_addresses = strings(&["2001:db8:0::1", "192.0.2.10"]);
    assert_eq!(request_matches_spec(&request, &reordered).unwrap(), vec![]);

    let mut changed = original.clone();
    changed.common_name = Some("other.example.com".into());
    changed.dns_names = strings(&["example.com"]);
    changed.ip_addresses = None;
    changed.uris = strings(&["spiffe://other"]);
    changed.email_addresses = None;
    changed.subject = Some(X509Subject {
        countries: strings(&["CH"]),
        ..Default::default()
    });
    changed.is_ca = Some(true);
    changed.usages = None;
    changed.duration = Some("720h".into());
    changed.issuer_ref.name = "other".into();
    let mut request = request.clone();
    request.duration = Some("2160h".into());
    assert_eq!(
        request_matches_spec(&request, &changed).unwrap(),
        vec![
            Mismatch::IpAddresses,
            Mismatch::Uris,
            Mismatch::EmailAddresses,
            Mismatch::DnsNames,
            Mismatch::CommonName,
            Mismatch::SerialNumber,
            Mismatch::Organizations,
            Mismatch::OrganizationalUnits,
            Mismatch::Localities,
            Mismatch::Provinces,
            Mismatch::StreetAddresses,
            Mismatch::PostalCodes,
            Mismatch::IsCa,
            Mismatch::Usages,
            Mismatch::Duration,
            Mismatch::IssuerRef,
        ]
    );
    assert_eq!(
        Mismatch::list(&[Mismatch::CommonName, Mismatch::DnsNames]),
        "[spec.commonName spec.dnsNames]"
    );
}
