//! WATCH: a stream of `{"type": ..., "object": ...}` lines, replaying the
//! changes after the requested resourceVersion (410 Gone when history no
//! longer holds it), with bookmarks, `timeoutSeconds`, streaming lists
//! (`sendInitialEvents=true`) and selectors that turn objects leaving or
//! entering the selection into DELETED and ADDED events.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Response, StatusCode, header};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{Body, Ctx, served_as};
use crate::registry::ResourceType;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::sim::Sim;
use crate::status::{ApiError, ApiResult};
use crate::store::{EventType, key, object_key};
use crate::table::{self, IncludeObject};

/// How long a watch lasts when the client does not say (the real server
/// picks 30 to 60 minutes).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);
/// How often an idle watch that allows bookmarks gets one.
const BOOKMARK_EVERY: Duration = Duration::from_secs(15);

struct Filter {
    labels: LabelSelector,
    fields: FieldSelector,
    name: Option<String>,
}

impl Filter {
    fn matches(&self, object: &Value) -> bool {
        self.name
            .as_deref()
            .is_none_or(|n| object["metadata"]["name"].as_str() == Some(n))
            && self.labels.matches(object)
            && self.fields.matches(object)
    }
}

/// Starts a watch.
pub(super) fn watch(
    sim: &Arc<Sim>,
    rt: &ResourceType,
    ns: Option<&str>,
    name: Option<&str>,
    ctx: &Ctx,
) -> ApiResult<Response<Body>> {
    let filter = Filter {
        labels: LabelSelector::parse(ctx.query.get("labelSelector").unwrap_or_default())?,
        fields: FieldSelector::parse(ctx.query.get("fieldSelector").unwrap_or_default(), rt)?,
        name: name.map(str::to_string),
    };
    let send_initial = ctx.query.flag("sendInitialEvents");
    let bookmarks = ctx.query.flag("allowWatchBookmarks");
    if send_initial && ctx.query.get("resourceVersionMatch") != Some("NotOlderThan") {
        return Err(ApiError::invalid(
            "meta.k8s.io",
            "ListOptions",
            "",
            vec![crate::status::Cause::new(
                "FieldValueForbidden",
                "sendInitialEvents",
                "Forbidden: sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan",
            )],
        ));
    }
    let rv_param = ctx.query.get("resourceVersion");
    let timeout = ctx
        .query
        .number("timeoutSeconds")
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_TIMEOUT);
    let cut = sim
        .faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .watch_cut_seconds;
    let timeout = if cut > 0 {
        timeout.min(Duration::from_secs(cut))
    } else {
        timeout
    };

    let mut state = sim.state();
    let current = state.resource_version();
    // No resourceVersion, "0", or a streaming list: start with the current
    // objects as ADDED events.
    let initial = send_initial || matches!(rv_param, None | Some("0"));
    let since = match rv_param {
        Some(rv) if !initial => rv
            .parse::<u64>()
            .map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")))?,
        _ => current,
    };
    let mut first: Vec<Value> = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for object in state.list(rt, ns) {
        if filter.matches(object) {
            seen.insert(object_key(object));
            if initial {
                first.push(event(rt, ctx, "ADDED", object.clone()));
            }
        }
    }
    let (backlog, mut rx) = match state.watch(&key(rt), ns, since) {
        Ok(started) => started,
        // As the real server's watch cache does: 200, then one ERROR event
        // carrying the 410 Expired Status, and the end of the stream.
        Err(e) if e.code == 410 => {
            drop(state);
            let mut line =
                serde_json::to_vec(&json!({"type": "ERROR", "object": e.to_status()})).unwrap_or_default();
            line.push(b'\n');
            return Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .body(http_body_util::Full::new(Bytes::from(line)).boxed())
                .map_err(|e| ApiError::internal(e.to_string()));
        }
        Err(e) => return Err(e),
    };
    drop(state);
    if send_initial || (initial && bookmarks && ctx.query.get("resourceVersionMatch") == Some("NotOlderThan"))
    {
        first.push(bookmark(rt, current, true));
    }

    let (tx, out) = mpsc::channel::<Bytes>(256);
    let rt = rt.clone();
    let wants_table = ctx.wants_table();
    let mut shutdown = sim.shutdown.clone();
    tokio::spawn(async move {
        let send = |v: Value| {
            let mut line = serde_json::to_vec(&v).unwrap_or_default();
            line.push(b'\n');
            Bytes::from(line)
        };
        for v in first {
            if tx.send(send(v)).await.is_err() {
                return;
            }
        }
        let mut last_rv = since;
        let mut pending: std::collections::VecDeque<Arc<crate::store::Event>> = backlog.into();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let next = match pending.pop_front() {
                Some(e) => Some(e),
                None => {
                    tokio::select! {
                        e = rx.recv() => match e { Some(e) => Some(e), None => return },
                        _ = tokio::time::sleep_until(deadline) => return,
                        _ = tokio::time::sleep(BOOKMARK_EVERY), if bookmarks => None,
                        _ = shutdown.changed() => return,
                    }
                }
            };
            let Some(e) = next else {
                if tx.send(send(bookmark(&rt, last_rv, false))).await.is_err() {
                    return;
                }
                continue;
            };
            last_rv = e.rv;
            let k = object_key(&e.object);
            let matches = filter.matches(&e.object);
            let type_ = match (e.type_, matches, seen.contains(&k)) {
                (EventType::Deleted, _, true) => {
                    seen.remove(&k);
                    "DELETED"
                }
                (EventType::Deleted, _, false) => continue,
                (_, true, true) => "MODIFIED",
                (_, true, false) => {
                    seen.insert(k);
                    "ADDED"
                }
                (_, false, true) => {
                    seen.remove(&k);
                    "DELETED"
                }
                (_, false, false) => continue,
            };
            let v = if wants_table {
                table_event(&rt, type_, e.object.clone())
            } else {
                event_plain(&rt, type_, e.object.clone())
            };
            if tx.send(send(v)).await.is_err() {
                return;
            }
        }
    });
    let stream = futures::stream::unfold(out, |mut out| async move {
        out.recv()
            .await
            .map(|bytes| (Ok::<_, Infallible>(Frame::data(bytes)), out))
    });
    let content_type = if wants_table {
        "application/json;as=Table;v=v1;g=meta.k8s.io"
    } else {
        "application/json"
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::TRANSFER_ENCODING, "chunked")
        .body(StreamBody::new(stream).boxed())
        .map_err(|e| ApiError::internal(e.to_string()))
}

fn event(rt: &ResourceType, ctx: &Ctx, type_: &str, object: Value) -> Value {
    if ctx.wants_table() {
        table_event(rt, type_, object)
    } else {
        event_plain(rt, type_, object)
    }
}

fn event_plain(rt: &ResourceType, type_: &str, object: Value) -> Value {
    json!({"type": type_, "object": served_as(rt, object)})
}

fn table_event(rt: &ResourceType, type_: &str, object: Value) -> Value {
    let rv = object["metadata"]["resourceVersion"].clone();
    let t = table::render(
        rt,
        &[served_as(rt, object)],
        json!({"resourceVersion": rv}),
        IncludeObject::Metadata,
    );
    json!({"type": type_, "object": t})
}

fn bookmark(rt: &ResourceType, rv: u64, initial_end: bool) -> Value {
    let mut metadata = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    json!({"type": "BOOKMARK", "object": {"kind": rt.kind, "apiVersion": rt.api_version(), "metadata": metadata}})
}
