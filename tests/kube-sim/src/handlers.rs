//! The HTTP front of kube-sim: authenticates, injects faults, authorizes,
//! counts, and dispatches each request to discovery, OpenAPI, the verbs
//! ([`read`], [`write`], [`watch`]) or kube-sim's own endpoints.

mod admin;
mod nonresource;
mod read;
mod watch;
mod write;

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode, header};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use serde_json::Value;

use crate::rbac::{Attributes, UserInfo};
use crate::registry::ResourceType;
use crate::request::{Query, ResourceRequest, Target, parse};
use crate::sim::Sim;
use crate::status::{ApiError, ApiResult};

/// A response body.
pub type Body = BoxBody<Bytes, Infallible>;

/// The largest request body the API server reads (3 MiB).
const MAX_BODY: usize = 3 * 1024 * 1024;

/// What a handler knows about the request beyond its target.
pub struct Ctx {
    /// The decoded query string.
    pub query: Query,
    /// The request headers.
    pub headers: HeaderMap,
    /// Who asks.
    pub user: UserInfo,
    /// The request body.
    pub body: Bytes,
}

impl Ctx {
    /// Whether the client asks for a `meta.k8s.io/v1` Table.
    pub fn wants_table(&self) -> bool {
        self.header(header::ACCEPT)
            .is_some_and(|a| a.contains("as=Table"))
    }

    /// A header's value.
    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The field manager of a write: `fieldManager`, else the user agent up
    /// to its first `/`, as the real server derives it.
    pub fn field_manager(&self) -> String {
        if let Some(m) = self.query.get("fieldManager") {
            return m.to_string();
        }
        let agent = self.header(header::USER_AGENT).unwrap_or("unknown");
        agent.split('/').next().unwrap_or(agent).to_string()
    }

    /// The same request with `json` as its body (a decoded protobuf body).
    fn with_json_body(&self, json: Bytes) -> Ctx {
        let mut headers = self.headers.clone();
        headers.insert(
            header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Ctx {
            query: self.query.clone(),
            headers,
            user: self.user.clone(),
            body: json,
        }
    }

    /// The body as JSON (or YAML, which kubectl may send for apply).
    pub fn json_body(&self) -> ApiResult<Value> {
        if self.body.is_empty() {
            return Err(ApiError::bad_request("the request body is empty"));
        }
        serde_json::from_slice(&self.body)
            .or_else(|_| serde_yaml::from_slice::<Value>(&self.body))
            .map_err(|e| ApiError::bad_request(format!("the object provided is unrecognized: {e}")))
    }
}

/// A JSON response.
pub fn json_response(code: StatusCode, value: &Value) -> Response<Body> {
    json_response_typed(code, value, "application/json")
}

/// A JSON response with a specific Content-Type.
pub fn json_response_typed(code: StatusCode, value: &Value, content_type: &str) -> Response<Body> {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, content_type)
        .body(Full::new(Bytes::from(bytes)).boxed())
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed()))
}

/// A plain text response.
pub fn text_response(code: StatusCode, text: &str) -> Response<Body> {
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from(text.to_string())).boxed())
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed()))
}

/// The `Status` response of an error.
pub fn error_response(e: &ApiError) -> Response<Body> {
    let mut response = json_response(
        StatusCode::from_u16(e.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        &e.to_status(),
    );
    if let Some(seconds) = e.retry_after
        && let Ok(v) = seconds.to_string().parse()
    {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Adds `Warning` headers, as the real server returns for unknown fields
/// and deprecations.
pub fn with_warnings(mut response: Response<Body>, warnings: &[String]) -> Response<Body> {
    for w in warnings {
        let quoted = format!("299 - \"{}\"", w.replace('"', "\\\""));
        if let Ok(v) = quoted.parse() {
            response.headers_mut().append(header::WARNING, v);
        }
    }
    response
}

/// Handles one request.
pub async fn handle(sim: Arc<Sim>, req: Request<Incoming>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let query = Query::parse(parts.uri.query());
    let path = parts.uri.path().to_string();
    let Some(user) = sim.auth.authenticate(
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    ) else {
        sim.stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .record("", "", "", 401);
        return error_response(&ApiError::unauthorized());
    };
    let body = match http_body_util::Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return error_response(&ApiError {
                code: 413,
                reason: "RequestEntityTooLarge",
                message: "the request is too large".into(),
                details: None,
                retry_after: None,
            });
        }
    };
    let target = parse(&parts.method, &path, &query);
    let ctx = Ctx {
        query,
        headers: parts.headers,
        user,
        body,
    };
    let (verb, resource) = match &target {
        Target::Resource(r) => (r.verb.clone(), r.resource.clone()),
        _ => (parts.method.as_str().to_lowercase(), String::new()),
    };
    let response = match route(&sim, &parts.method, &path, target, &ctx).await {
        Ok(response) => response,
        Err(e) => error_response(&e),
    };
    sim.stats.lock().unwrap_or_else(|e| e.into_inner()).record(
        &verb,
        &resource,
        &ctx.user.name,
        response.status().as_u16(),
    );
    response
}

async fn route(
    sim: &Arc<Sim>,
    method: &http::Method,
    path: &str,
    target: Target,
    ctx: &Ctx,
) -> ApiResult<Response<Body>> {
    if let Some(admin) = path.strip_prefix("/kube-sim/") {
        authorize(
            sim,
            ctx,
            Attributes {
                verb: verb_of(method),
                path: Some(path.into()),
                ..Default::default()
            },
        )?;
        return admin::handle(sim, method, admin, ctx);
    }
    match target {
        Target::Resource(r) => {
            inject_faults(sim, &r).await?;
            let rt = resolve(sim, &r)?;
            // The real authorizer sees a namespace's own name as its
            // namespace, and a list narrowed to one name as that name.
            let attr_namespace = match (&r.namespace, r.resource.as_str(), &r.name) {
                (None, "namespaces", Some(name)) if r.group.is_empty() => name.clone(),
                (ns, _, _) => ns.clone().unwrap_or_default(),
            };
            let attr_name = r.name.clone().or_else(|| {
                ctx.query.get("fieldSelector").and_then(|f| {
                    f.split(',').find_map(|t| {
                        t.trim()
                            .strip_prefix("metadata.name=")
                            .map(|n| n.trim_start_matches('=').to_string())
                    })
                })
            });
            authorize(
                sim,
                ctx,
                Attributes {
                    verb: r.verb.clone(),
                    group: r.group.clone(),
                    resource: r.resource.clone(),
                    subresource: r.subresource.clone().unwrap_or_default(),
                    namespace: attr_namespace,
                    name: attr_name.unwrap_or_default(),
                    path: None,
                },
            )?;
            let decoded = readable_body(ctx, &rt, &r.verb)?.map(|json| ctx.with_json_body(json));
            resource(sim, &rt, &r, decoded.as_ref().unwrap_or(ctx)).await
        }
        other => {
            authorize(
                sim,
                ctx,
                Attributes {
                    verb: verb_of(method),
                    path: Some(path.into()),
                    ..Default::default()
                },
            )?;
            nonresource::handle(sim, method, path, other, ctx)
        }
    }
}

/// The body as the handlers read it: JSON and YAML as sent; a protobuf
/// body (what client-go and kubectl send for typed objects) decoded into
/// JSON, as the real server decodes it into the kind's Go type, after
/// authorization as there. A body that does not decode gets the real
/// server's 400. CBOR gets 415, and so does protobuf for custom resources
/// (their handler serves no protobuf) and for patches.
fn readable_body(ctx: &Ctx, rt: &ResourceType, verb: &str) -> ApiResult<Option<Bytes>> {
    let content_type = ctx.header(header::CONTENT_TYPE).unwrap_or_default();
    if ctx.body.is_empty() || matches!(verb, "get" | "list" | "watch") {
        return Ok(None);
    }
    let protobuf = crate::protobuf::is_protobuf(content_type);
    if content_type.contains("cbor") || (content_type.contains("protobuf") && !protobuf) {
        return Err(ApiError::unsupported_media_type(content_type));
    }
    if !protobuf {
        return Ok(None);
    }
    let expected = match verb {
        "create" | "update" if matches!(rt.source, crate::registry::Source::Builtin) => {
            crate::protobuf::Gvk::new(&rt.group, &rt.version, &rt.kind)
        }
        "delete" | "deletecollection" => crate::protobuf::Gvk::new("meta.k8s.io", "v1", "DeleteOptions"),
        _ => return Err(ApiError::unsupported_media_type(content_type)),
    };
    let value = crate::protobuf::decode_for(&ctx.body, &expected)
        .map_err(|e| ApiError::bad_request(e.bad_request_message(&expected.kind, &ctx.body)))?;
    serde_json::to_vec(&value)
        .map(|json| Some(Bytes::from(json)))
        .map_err(|e| ApiError::internal(e.to_string()))
}

fn verb_of(method: &http::Method) -> String {
    match *method {
        http::Method::GET => "get",
        http::Method::HEAD => "head",
        http::Method::POST => "post",
        http::Method::PUT => "put",
        http::Method::PATCH => "patch",
        http::Method::DELETE => "delete",
        _ => "options",
    }
    .to_string()
}

async fn inject_faults(sim: &Sim, r: &ResourceRequest) -> ApiResult<()> {
    let (latency, failure) = {
        let faults = sim.faults.lock().unwrap_or_else(|e| e.into_inner());
        let roll = sim.roll();
        (faults.latency(), faults.pick(&r.verb, &r.resource, roll).cloned())
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match failure {
        None => Ok(()),
        Some(rule) => Err(match rule.code {
            429 => ApiError::too_many_requests(rule.retry_after),
            409 => ApiError::conflict(&r.group, &r.resource, r.name.as_deref().unwrap_or_default()),
            _ => ApiError::internal("injected fault"),
        }),
    }
}

fn resolve(sim: &Sim, r: &ResourceRequest) -> ApiResult<ResourceType> {
    let state = sim.state();
    let rt = state
        .registry
        .get(&r.group, &r.version, &r.resource)
        .cloned()
        .ok_or_else(ApiError::no_route)?;
    if matches!(rt.source, crate::registry::Source::Crd { served: false, .. }) {
        return Err(ApiError::no_route());
    }
    match r.subresource.as_deref() {
        None => {}
        Some("status") if rt.status => {}
        Some(_) => return Err(ApiError::no_route()),
    }
    if !rt.namespaced && r.namespace.is_some() && rt.plural != "namespaces" {
        return Err(ApiError::no_route());
    }
    if !rt.verbs.contains(&r.verb.as_str()) {
        return Err(ApiError::method_not_allowed());
    }
    Ok(rt)
}

fn authorize(sim: &Sim, ctx: &Ctx, attrs: Attributes) -> ApiResult<()> {
    if !sim.auth.rbac {
        return Ok(());
    }
    let state = sim.state();
    crate::rbac::authorize(&state, &ctx.user, &attrs).map_err(|message| {
        if attrs.path.is_some() {
            ApiError::forbidden_path(message)
        } else {
            ApiError::forbidden(&attrs.group, &attrs.resource, &attrs.name, message)
        }
    })
}

async fn resource(
    sim: &Arc<Sim>,
    rt: &ResourceType,
    r: &ResourceRequest,
    ctx: &Ctx,
) -> ApiResult<Response<Body>> {
    let ns = r.namespace.clone().unwrap_or_default();
    let ns = if rt.namespaced { ns } else { String::new() };
    let name = r.name.clone().unwrap_or_default();
    let status = r.subresource.as_deref() == Some("status");
    match r.verb.as_str() {
        "get" => read::get(sim, rt, &ns, &name, ctx),
        "list" => read::list(sim, rt, r.namespace.as_deref().filter(|_| rt.namespaced), ctx),
        "watch" => watch::watch(
            sim,
            rt,
            r.namespace.as_deref().filter(|_| rt.namespaced),
            r.name.as_deref(),
            ctx,
        ),
        "create" => write::create(sim, rt, &ns, ctx),
        "update" => write::update(sim, rt, &ns, &name, status, ctx),
        "patch" => write::patch(sim, rt, &ns, &name, status, ctx),
        "delete" => write::delete(sim, rt, &ns, &name, ctx),
        "deletecollection" => {
            write::delete_collection(sim, rt, r.namespace.as_deref().filter(|_| rt.namespaced), ctx)
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}

/// Sets the `apiVersion` and `kind` an object is served as.
pub fn served_as(rt: &ResourceType, mut object: Value) -> Value {
    object["apiVersion"] = Value::String(rt.api_version());
    object["kind"] = Value::String(rt.kind.clone());
    object
}
