//! Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`),
//! decoded into the JSON the same object would have been sent as.
//!
//! client-go, and so kubectl 1.37, sends its typed objects as protobuf
//! (`kubectl create namespace|secret|deployment|…`, `kubectl auth can-i`,
//! `kubectl auth whoami`) and does not fall back to JSON on a 415. kube-sim
//! keeps objects as JSON, so the HTTP layer turns such a body into JSON
//! before any handler reads it.
//!
//! The format (apimachinery `pkg/runtime/serializer/protobuf/protobuf.go`):
//! the magic `k8s\0`, then a `runtime.Unknown` message whose `typeMeta`
//! names the kind and whose `raw` holds the object's own message, as
//! `generated.proto` describes it. Each supported kind has a field table
//! (field number, JSON name, type, JSON tagging) and one engine decodes them
//! all, writing what Go's JSON encoder writes for the same struct. Unknown
//! field numbers are skipped, as the generated Go code skips them; malformed
//! bytes are an error, never a panic.

mod access;
mod container;
mod core;
mod message;
mod meta;
mod pod;
mod scalars;
mod wire;
mod workloads;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use message::Msg;
use wire::{Reader, Wire};

/// The Kubernetes protobuf media type.
pub const CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// The four bytes every Kubernetes protobuf body starts with.
const MAGIC: [u8; 4] = *b"k8s\0";

/// The scheme the API server names when a kind is not registered.
const SCHEME: &str = "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30";

/// A group, version and kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gvk {
    /// API group, empty for the core group.
    pub group: String,
    /// Version (`v1`).
    pub version: String,
    /// Kind (`Namespace`).
    pub kind: String,
}

impl Gvk {
    /// A group, version and kind.
    pub fn new(group: &str, version: &str, kind: &str) -> Self {
        Self {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
        }
    }

    /// `group/version`, or `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// Why a protobuf body could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DecodeError {
    /// The kind the body declared, when decoding got that far.
    pub gvk: Option<Gvk>,
    /// The decoder's message, worded as the Go decoder words it
    /// (`unexpected EOF`, `no kind "Foo" is registered for version …`).
    pub message: String,
}

impl DecodeError {
    fn plain(message: impl Into<String>) -> Self {
        Self {
            gvk: None,
            message: message.into(),
        }
    }

    fn of(gvk: &Gvk, message: impl Into<String>) -> Self {
        Self {
            gvk: Some(gvk.clone()),
            message: message.into(),
        }
    }

    /// The message of the API server's 400 BadRequest for `body` sent to an
    /// endpoint of kind `into` (its `transformDecodeError`).
    pub fn bad_request_message(&self, into: &str, body: &[u8]) -> String {
        match &self.gvk {
            Some(gvk) if !gvk.kind.is_empty() => format!(
                "{} in version {:?} cannot be handled as a {into}: {}",
                gvk.kind, gvk.version, self.message
            ),
            _ => format!(
                "the object provided is unrecognized (must be of type {into}): {} ({})",
                self.message,
                summarize(body)
            ),
        }
    }
}

/// The API server's `summarizeData(body, 30)`: JSON text, else hex.
fn summarize(body: &[u8]) -> String {
    const MAX: usize = 30;
    let shown = &body[..body.len().min(MAX)];
    let more = if body.len() > MAX { " ..." } else { "" };
    match body.first() {
        None => "<empty>".into(),
        Some(b'{') => format!("{}{more}", String::from_utf8_lossy(shown)),
        Some(_) => {
            let hex: String = shown.iter().map(|b| format!("{b:02x}")).collect();
            format!("{hex}{more}")
        }
    }
}

/// Whether `content_type` is the Kubernetes protobuf media type
/// (parameters aside).
pub fn is_protobuf(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media| media.trim().eq_ignore_ascii_case(CONTENT_TYPE))
}

/// Decodes a protobuf body into the JSON the same object would have been
/// sent as. The body must name its kind.
pub fn decode(content_type: &str, body: &[u8]) -> Result<Value, String> {
    if !is_protobuf(content_type) {
        return Err(format!("not a Kubernetes protobuf media type: {content_type}"));
    }
    decode_object(body, None)
        .map(|(value, _)| value)
        .map_err(|e| e.message)
}

/// Decodes a body sent to an endpoint serving `expected`: a body without
/// a kind or version takes the endpoint's, as the API server defaults them,
/// and a body of another kind is refused as the server's conversion
/// refuses it.
pub fn decode_for(body: &[u8], expected: &Gvk) -> Result<Value, DecodeError> {
    let (value, gvk) = decode_object(body, Some(expected))?;
    let same_group = gvk.group == expected.group || gvk.kind == "DeleteOptions";
    if gvk.kind != expected.kind || !same_group {
        return Err(DecodeError::of(
            &gvk,
            format!(
                "converting ({}.{}) to ({}.{}): unknown conversion",
                gvk.version,
                gvk.kind,
                internal_package(&expected.group),
                expected.kind
            ),
        ));
    }
    Ok(value)
}

/// The Go package of a group's internal types (`core`, `apps`, `rbac`).
fn internal_package(group: &str) -> &str {
    match group.split('.').next() {
        None | Some("") => "core",
        Some(first) => first,
    }
}

/// The field table of a kind, for the versions kube-sim reads.
fn table(gvk: &Gvk) -> Option<&'static Msg> {
    if gvk.kind == "DeleteOptions" {
        return Some(&meta::DELETE_OPTIONS);
    }
    if gvk.version != "v1" {
        return None;
    }
    Some(match (gvk.group.as_str(), gvk.kind.as_str()) {
        ("", "Namespace") => &core::NAMESPACE,
        ("", "Secret") => &core::SECRET,
        ("", "ConfigMap") => &core::CONFIG_MAP,
        ("", "ServiceAccount") => &core::SERVICE_ACCOUNT,
        ("", "Service") => &core::SERVICE,
        ("", "Pod") => &pod::POD,
        ("apps", "Deployment") => &workloads::DEPLOYMENT,
        ("networking.k8s.io", "Ingress") => &workloads::INGRESS,
        ("rbac.authorization.k8s.io", "Role") => &access::ROLE,
        ("rbac.authorization.k8s.io", "ClusterRole") => &access::CLUSTER_ROLE,
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => &access::BINDING,
        ("authorization.k8s.io", "SelfSubjectAccessReview") => &access::SELF_SUBJECT_ACCESS_REVIEW,
        ("authorization.k8s.io", "SelfSubjectRulesReview") => &access::SELF_SUBJECT_RULES_REVIEW,
        ("authorization.k8s.io", "SubjectAccessReview") => &access::SUBJECT_ACCESS_REVIEW,
        ("authentication.k8s.io", "SelfSubjectReview") => &access::SELF_SUBJECT_REVIEW,
        _ => return None,
    })
}

/// The `runtime.Unknown` envelope: its type and its raw object.
#[derive(Default)]
struct Envelope<'a> {
    api_version: String,
    kind: String,
    raw: &'a [u8],
}

fn wrong(field: &str, wire: &Wire<'_>) -> DecodeError {
    DecodeError::plain(format!(
        "proto: wrong wireType = {} for field {field}",
        wire.wire_type()
    ))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn envelope(data: &[u8]) -> Result<Envelope<'_>, DecodeError> {
    let mut out = Envelope::default();
    let mut reader = Reader::new(data);
    while let Some((num, wire)) = reader.field("Unknown").map_err(DecodeError::plain)? {
        match (num, wire) {
            (1, Wire::Len(type_meta)) => {
                let mut inner = Reader::new(type_meta);
                while let Some((num, wire)) = inner.field("TypeMeta").map_err(DecodeError::plain)? {
                    match (num, wire) {
                        (1, Wire::Len(b)) => out.api_version = text(b),
                        (2, Wire::Len(b)) => out.kind = text(b),
                        (1, other) => return Err(wrong("APIVersion", &other)),
                        (2, other) => return Err(wrong("Kind", &other)),
                        _ => {}
                    }
                }
            }
            (2, Wire::Len(raw)) => out.raw = raw,
            (3 | 4, Wire::Len(_)) => {}
            (1, other) => return Err(wrong("TypeMeta", &other)),
            (2, other) => return Err(wrong("Raw", &other)),
            (3, other) => return Err(wrong("ContentEncoding", &other)),
            (4, other) => return Err(wrong("ContentType", &other)),
            _ => {}
        }
    }
    Ok(out)
}

/// `schema.FromAPIVersionAndKind`: an unparsable apiVersion keeps only the
/// kind.
fn parse_gvk(api_version: &str, kind: &str) -> Gvk {
    let (group, version) = match api_version.matches('/').count() {
        _ if api_version.is_empty() || api_version == "/" => ("", ""),
        0 => ("", api_version),
        1 => api_version.split_once('/').unwrap_or_default(),
        _ => ("", ""),
    };
    Gvk::new(group, version, kind)
}

fn decode_object(body: &[u8], default: Option<&Gvk>) -> Result<(Value, Gvk), DecodeError> {
    if body.is_empty() {
        return Err(DecodeError::plain("empty data"));
    }
    let Some(data) = body.strip_prefix(&MAGIC) else {
        // Go prints the byte slice as `[107 56 115 0]`.
        let prefix: Vec<String> = MAGIC.iter().map(u8::to_string).collect();
        return Err(DecodeError::plain(format!(
            "provided data does not appear to be a protobuf message, expected prefix [{}]",
            prefix.join(" ")
        )));
    };
    if data.is_empty() {
        return Err(DecodeError::plain("empty body"));
    }
    let unknown = envelope(data)?;
    let mut gvk = parse_gvk(&unknown.api_version, &unknown.kind);
    if let Some(default) = default {
        if gvk.kind.is_empty() {
            gvk.kind = default.kind.clone();
        }
        if gvk.version.is_empty() && !default.version.is_empty() {
            gvk.group = default.group.clone();
            gvk.version = default.version.clone();
        }
    }
    let type_meta = format!(
        "runtime.TypeMeta{{APIVersion:{:?}, Kind:{:?}}}",
        unknown.api_version, unknown.kind
    );
    if gvk.kind.is_empty() {
        return Err(DecodeError::plain(format!(
            "Object 'Kind' is missing in '{type_meta}'"
        )));
    }
    if gvk.version.is_empty() {
        return Err(DecodeError::of(
            &gvk,
            format!("Object 'apiVersion' is missing in '{type_meta}'"),
        ));
    }
    let Some(msg) = table(&gvk) else {
        // The endpoint's own kind is registered in the real server: only
        // kube-sim lacks its table, and says so.
        let message = if default == Some(&gvk) {
            format!(
                "kube-sim does not decode protobuf bodies of kind {:?}: send JSON",
                gvk.kind
            )
        } else {
            format!(
                "no kind {:?} is registered for version {:?} in scheme {SCHEME:?}",
                gvk.kind,
                gvk.api_version()
            )
        };
        return Err(DecodeError::of(&gvk, message));
    };
    let fields = message::decode_message(msg, unknown.raw).map_err(|e| DecodeError::of(&gvk, e))?;
    let mut object = Map::new();
    object.insert("kind".into(), Value::String(gvk.kind.clone()));
    object.insert("apiVersion".into(), Value::String(gvk.api_version()));
    object.extend(fields);
    Ok((Value::Object(object), gvk))
}
