//! Unit tests of the protobuf decoder: a tiny encoder builds objects field
//! by field and the decoded JSON is checked against what Go's JSON encoder
//! writes; `workloads` does so for Services and Deployments; `captured`
//! replays real kubectl 1.37 bodies; `errors` feeds malformed ones.

mod captured;
mod errors;
mod workloads;

use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use super::{CONTENT_TYPE, Gvk, decode, decode_for};

/// Bytes from hex (fixtures only).
fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex fixture"))
        .collect()
}

/// A protobuf message under construction.
#[derive(Clone, Default)]
struct Enc(Vec<u8>);

impl Enc {
    fn put_varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn tag(mut self, num: u32, wire_type: u8) -> Self {
        self.put_varint(u64::from(num) << 3 | u64::from(wire_type));
        self
    }

    fn varint(self, num: u32, v: u64) -> Self {
        let mut e = self.tag(num, 0);
        e.put_varint(v);
        e
    }

    fn bytes(self, num: u32, b: &[u8]) -> Self {
        let mut e = self.tag(num, 2);
        e.put_varint(b.len() as u64);
        e.0.extend_from_slice(b);
        e
    }

    fn str(self, num: u32, s: &str) -> Self {
        self.bytes(num, s.as_bytes())
    }

    fn msg(self, num: u32, m: Enc) -> Self {
        self.bytes(num, &m.0)
    }

    /// A map entry: key 1, value 2.
    fn entry(self, num: u32, key: &str, value: &[u8]) -> Self {
        self.msg(num, Enc::default().str(1, key).bytes(2, value))
    }

    fn raw(mut self, b: &[u8]) -> Self {
        self.0.extend_from_slice(b);
        self
    }
}

/// A whole request body: magic, then `runtime.Unknown` around `object`.
fn body(api_version: &str, kind: &str, object: &Enc) -> Vec<u8> {
    let type_meta = Enc::default().str(1, api_version).str(2, kind);
    let unknown = Enc::default()
        .msg(1, type_meta)
        .bytes(2, &object.0)
        .str(3, "")
        .str(4, "");
    [b"k8s\0".as_slice(), &unknown.0].concat()
}

fn decoded(api_version: &str, kind: &str, object: Enc) -> Value {
    decode(CONTENT_TYPE, &body(api_version, kind, &object)).expect("the body decodes")
}

fn named(name: &str) -> Enc {
    Enc::default().str(1, name)
}

fn time(seconds: u64) -> Enc {
    Enc::default().varint(1, seconds).varint(2, 999)
}

fn int_or_string_int(v: u64) -> Enc {
    Enc::default().varint(1, 0).varint(2, v)
}

fn int_or_string_str(s: &str) -> Enc {
    Enc::default().varint(1, 1).varint(2, 0).str(3, s)
}

#[test]
fn object_meta_fields_decode() {
    let owner = Enc::default()
        .str(1, "Deployment")
        .str(3, "web")
        .str(4, "u2")
        .str(5, "apps/v1")
        .varint(6, 1);
    let metadata = named("web")
        .str(2, "web-")
        .str(3, "team")
        .str(4, "")
        .str(5, "u1")
        .str(6, "42")
        .varint(7, 3)
        .msg(8, time(1_700_000_000))
        .msg(9, time(1_700_000_060))
        .varint(10, 30)
        .entry(11, "app", b"web")
        .entry(12, "note", b"hi")
        .msg(13, owner)
        .str(14, "example.com/cleanup");
    let got = decoded("v1", "ConfigMap", Enc::default().msg(1, metadata));
    let expected = json!({
        "kind": "ConfigMap", "apiVersion": "v1",
        "metadata": {
            "name": "web", "generateName": "web-", "namespace": "team", "uid": "u1",
            "resourceVersion": "42", "generation": 3,
            "creationTimestamp": "2023-11-14T22:13:20Z",
            "deletionTimestamp": "2023-11-14T22:14:20Z",
            "deletionGracePeriodSeconds": 30,
            "labels": {"app": "web"}, "annotations": {"note": "hi"},
            "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u2", "controller": true}
            ],
            "finalizers": ["example.com/cleanup"]
        }
    });
    assert_eq!(got, expected);
}

#[test]
fn secret_bytes_are_base64_and_set_pointers_show_even_when_false() {
    let secret = Enc::default()
        .msg(1, named("tls"))
        .entry(2, "tls.key", &[0xff, 0x00, 0x10])
        .str(3, "kubernetes.io/tls")
        .entry(4, "note", b"plain")
        .varint(5, 0);
    let got = decoded("v1", "Secret", secret);
    let expected = json!({
        "kind": "Secret", "apiVersion": "v1", "metadata": {"name": "tls"},
        "immutable": false,
        "data": {"tls.key": "/wAQ"},
        "stringData": {"note": "plain"},
        "type": "kubernetes.io/tls"
    });
    assert_eq!(got, expected);
}

#[test]
fn config_map_binary_data_is_base64() {
    let config_map = Enc::default()
        .msg(1, named("c"))
        .entry(2, "k", b"v")
        .entry(3, "b", &[0, 1]);
    let got = decoded("v1", "ConfigMap", config_map);
    let expected = json!({
        "kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c"},
        "data": {"k": "v"}, "binaryData": {"b": "AAE="}
    });
    assert_eq!(got, expected);
}

#[test]
fn lists_without_omitempty_are_null_when_empty() {
    let role = Enc::default()
        .msg(1, named("r"))
        .msg(2, Enc::default().str(3, "pods"));
    let got = decoded("rbac.authorization.k8s.io/v1", "Role", role);
    assert_eq!(got["rules"], json!([{"verbs": null, "resources": ["pods"]}]));
    let empty = decoded(
        "rbac.authorization.k8s.io/v1",
        "Role",
        Enc::default().msg(1, named("r")),
    );
    assert_eq!(empty["rules"], Value::Null);
    assert!(empty.as_object().is_some_and(|o| o.contains_key("rules")));
}

#[test]
fn repeated_numbers_may_be_packed_or_not() {
    let security = Enc::default().bytes(4, &[1, 2]).varint(4, 3);
    let pod = Enc::default()
        .msg(1, named("p"))
        .msg(2, Enc::default().msg(2, named("c")).msg(14, security));
    let got = decoded("v1", "Pod", pod);
    assert_eq!(
        got["spec"]["securityContext"]["supplementalGroups"],
        json!([1, 2, 3])
    );
}

#[test]
fn unknown_fields_of_every_wire_type_are_skipped() {
    let metadata = named("team")
        .varint(99, 7)
        .tag(98, 5)
        .raw(&[1, 2, 3, 4])
        .tag(97, 1)
        .raw(&[0; 8])
        .str(96, "later")
        .tag(95, 3)
        .varint(1, 1)
        .tag(94, 3)
        .tag(94, 4)
        .tag(95, 4);
    let namespace = Enc::default().msg(1, metadata).str(42, "unknown");
    let got = decoded("v1", "Namespace", namespace);
    assert_eq!(
        got,
        json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "team"}, "spec": {}, "status": {}})
    );
}

#[test]
fn later_scalars_win_and_repeated_messages_merge() {
    let first = named("a").entry(11, "x", b"1").entry(11, "k", b"old");
    let second = named("b").entry(11, "y", b"2").entry(11, "k", b"new");
    let got = decoded(
        "v1",
        "ServiceAccount",
        Enc::default().msg(1, first).msg(1, second),
    );
    assert_eq!(
        got["metadata"],
        json!({"name": "b", "labels": {"x": "1", "y": "2", "k": "new"}})
    );
}

#[test]
fn map_entry_without_value_is_empty() {
    let metadata = named("n").msg(11, Enc::default().str(1, "k"));
    let got = decoded("v1", "ConfigMap", Enc::default().msg(1, metadata));
    assert_eq!(got["metadata"]["labels"], json!({"k": ""}));
}

#[test]
fn times_are_rfc3339_in_utc() {
    use super::scalars::rfc3339;
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
    assert_eq!(rfc3339(-62_135_596_800), "0001-01-01T00:00:00Z");
}

#[test]
fn access_review_for_a_non_resource_url() {
    let spec = Enc::default().msg(2, Enc::default().str(1, "/healthz").str(2, "get"));
    let review = Enc::default()
        .msg(1, Enc::default())
        .msg(2, spec)
        .msg(3, Enc::default().varint(1, 0));
    let got = decoded("authorization.k8s.io/v1", "SelfSubjectAccessReview", review);
    let expected = json!({
        "kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
        "metadata": {},
        "spec": {"nonResourceAttributes": {"path": "/healthz", "verb": "get"}},
        "status": {"allowed": false}
    });
    assert_eq!(got, expected);
}

#[test]
fn user_extra_values_are_lists_of_strings() {
    let extra = Enc::default()
        .str(1, "scopes")
        .msg(2, Enc::default().str(1, "a").str(1, "b"));
    let user = Enc::default().str(1, "alice").str(3, "devs").msg(4, extra);
    let review = Enc::default().msg(2, Enc::default().msg(1, user));
    let got = decoded("authentication.k8s.io/v1", "SelfSubjectReview", review);
    assert_eq!(
        got["status"],
        json!({"userInfo": {"username": "alice", "groups": ["devs"], "extra": {"scopes": ["a", "b"]}}})
    );
}

#[test]
fn delete_options_decode_in_any_group() {
    let options = Enc::default()
        .msg(2, Enc::default().str(1, "u1"))
        .str(4, "Foreground")
        .str(5, "All");
    let expected_gvk = Gvk::new("meta.k8s.io", "v1", "DeleteOptions");
    let got = decode_for(&body("apps/v1", "DeleteOptions", &options), &expected_gvk).expect("decodes");
    let expected = json!({
        "kind": "DeleteOptions", "apiVersion": "apps/v1",
        "preconditions": {"uid": "u1"}, "propagationPolicy": "Foreground", "dryRun": ["All"]
    });
    assert_eq!(got, expected);
}

#[test]
fn a_body_without_type_takes_the_endpoints() {
    let namespace = Enc::default().msg(1, named("team"));
    let got = decode_for(&body("", "", &namespace), &Gvk::new("", "v1", "Namespace")).expect("decodes");
    assert_eq!(got["kind"], "Namespace");
    assert_eq!(got["apiVersion"], "v1");
    assert_eq!(got["metadata"]["name"], "team");
}
