//! Malformed and unexpected bodies: each is an error worded as the Go
//! decoder words it, never a panic.

use pretty_assertions::assert_eq;

use super::{Enc, body, named, unhex};
use crate::protobuf::{CONTENT_TYPE, Gvk, decode, decode_for, is_protobuf};

/// `kubectl create deployment web --image=nginx --port=80 --replicas=2`.
const DEPLOYMENT: &str = concat!(
    "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b8010a1f0a0377656212001a0022002a00320038",
    "0042005a0a0a0361707012037765621286010802120c0a0a0a0361707012037765621a6c0a1c0a0012001a0022002a00",
    "3200380042005a0a0a036170701203776562124c122e0a056e67696e7812056e67696e782a00320a0a00100018502200",
    "2a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c20100",
    "22020a00280038001a0c0800100018002000280038001a002200",
);

fn err(body: &[u8]) -> String {
    decode(CONTENT_TYPE, body).expect_err("the body is refused")
}

fn namespace_with_raw(raw: Enc) -> Vec<u8> {
    body("v1", "Namespace", &raw)
}

#[test]
fn the_fixture_is_a_valid_body() {
    let got = decode(CONTENT_TYPE, &unhex(DEPLOYMENT)).expect("decodes");
    assert_eq!(got["spec"]["replicas"], 2);
}

#[test]
fn empty_and_unprefixed_bodies_are_refused() {
    assert_eq!(err(b""), "empty data");
    assert_eq!(err(b"k8s\0"), "empty body");
    assert_eq!(
        err(b"{\"kind\":\"Namespace\"}"),
        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
    );
}

#[test]
fn every_truncation_is_an_error_or_a_shorter_object_never_a_panic() {
    let full = unhex(DEPLOYMENT);
    for len in 0..full.len() {
        let _ = decode(CONTENT_TYPE, &full[..len]);
    }
    // Cut inside the raw object: its declared length overruns the body.
    assert_eq!(err(&full[..60]), "unexpected EOF");
}

#[test]
fn mutated_bytes_never_panic() {
    let full = unhex(DEPLOYMENT);
    for i in 4..full.len() {
        for byte in [0x00, 0x07, 0x0f, 0x7f, 0x80, 0xff] {
            let mut mutated = full.clone();
            mutated[i] = byte;
            let _ = decode(CONTENT_TYPE, &mutated);
        }
    }
}

#[test]
fn wire_errors_use_the_go_wording() {
    let overflow = Enc::default().tag(99, 0).raw(&[0xff; 11]);
    assert_eq!(err(&namespace_with_raw(overflow)), "proto: integer overflow");
    let wrong_type = Enc::default().msg(1, Enc::default().varint(1, 5));
    assert_eq!(
        err(&namespace_with_raw(wrong_type)),
        "proto: wrong wireType = 0 for field Name"
    );
    let tag_zero = Enc::default().raw(&[0x00, 0x01]);
    assert_eq!(
        err(&namespace_with_raw(tag_zero)),
        "proto: Namespace: illegal tag 0 (wire type 0)"
    );
    let end_group = Enc::default().tag(3, 4);
    assert_eq!(
        err(&namespace_with_raw(end_group)),
        "proto: Namespace: wiretype end group for non-group"
    );
    let illegal = Enc::default().tag(50, 7);
    assert_eq!(err(&namespace_with_raw(illegal)), "proto: illegal wireType 7");
    let negative = Enc::default()
        .tag(50, 2)
        .raw(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert_eq!(
        err(&namespace_with_raw(negative)),
        "proto: negative length found during unmarshaling"
    );
}

#[test]
fn value_types_are_checked_as_go_checks_them() {
    let bad_target = Enc::default().msg(
        2,
        Enc::default().msg(
            1,
            Enc::default().varint(3, 80).msg(4, Enc::default().varint(1, 2)),
        ),
    );
    assert_eq!(
        err(&body("v1", "Service", &bad_target)),
        "impossible IntOrString.Type"
    );
    let limits = Enc::default().str(1, "cpu").msg(2, Enc::default().str(1, "lots"));
    let container = named("c").msg(8, Enc::default().msg(1, limits));
    let pod = Enc::default().msg(2, Enc::default().msg(2, container));
    assert!(err(&body("v1", "Pod", &pod)).starts_with("quantities must match the regular expression"));
}

#[test]
fn kinds_are_checked_against_the_scheme_and_the_endpoint() {
    let object = Enc::default().msg(1, named("x"));
    assert_eq!(
        err(&body("v1", "Foo", &object)),
        "no kind \"Foo\" is registered for version \"v1\" in scheme \"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30\""
    );
    assert_eq!(
        err(&body("v1", "", &object)),
        "Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:\"v1\", Kind:\"\"}'"
    );
    let lease = Gvk::new("coordination.k8s.io", "v1", "Lease");
    let e = decode_for(&body("coordination.k8s.io/v1", "Lease", &object), &lease).expect_err("no table");
    assert_eq!(
        e.message,
        "kube-sim does not decode protobuf bodies of kind \"Lease\": send JSON"
    );
    let secret = body("v1", "Secret", &object);
    let e = decode_for(&secret, &Gvk::new("", "v1", "Namespace")).expect_err("another kind");
    assert_eq!(
        e.bad_request_message("Namespace", &secret),
        "Secret in version \"v1\" cannot be handled as a Namespace: converting (v1.Secret) to (core.Namespace): unknown conversion"
    );
}

#[test]
fn bad_request_without_a_kind_summarizes_the_body() {
    let full = unhex(DEPLOYMENT);
    let truncated = &full[..60];
    let e = decode_for(truncated, &Gvk::new("apps", "v1", "Deployment")).expect_err("truncated");
    assert_eq!(
        e.bad_request_message("Deployment", truncated),
        "the object provided is unrecognized (must be of type Deployment): unexpected EOF \
         (6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b801 ...)"
    );
    let short = b"k8s\0\x0a";
    let e = decode_for(short, &Gvk::new("", "v1", "Namespace")).expect_err("truncated");
    assert_eq!(
        e.bad_request_message("Namespace", short),
        "the object provided is unrecognized (must be of type Namespace): unexpected EOF (6b3873000a)"
    );
}

#[test]
fn only_the_kubernetes_protobuf_media_type_is_decoded() {
    assert!(is_protobuf("application/vnd.kubernetes.protobuf"));
    assert!(is_protobuf("application/vnd.kubernetes.protobuf; charset=binary"));
    assert!(!is_protobuf("application/json"));
    assert!(!is_protobuf("application/x-protobuf"));
    assert!(decode("application/json", &unhex(DEPLOYMENT)).is_err());
}
