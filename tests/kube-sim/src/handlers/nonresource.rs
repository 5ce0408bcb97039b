//! The paths that are not resources: version, health, discovery (legacy
//! and aggregated v2) and OpenAPI v3.

use std::sync::Arc;

use http::{Response, StatusCode, header};
use serde_json::json;

use super::{Body, Ctx, json_response, json_response_typed, text_response};
use crate::request::Target;
use crate::sim::Sim;
use crate::status::{ApiError, ApiResult};
use crate::{discovery, openapi};

/// The Content-Type of aggregated discovery v2.
const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// The version kube-sim reports.
pub(super) const VERSION: (&str, &str) = ("1", "37");

pub(super) fn handle(
    sim: &Arc<Sim>,
    method: &http::Method,
    path: &str,
    target: Target,
    ctx: &Ctx,
) -> ApiResult<Response<Body>> {
    if *method != http::Method::GET && *method != http::Method::HEAD {
        return Err(ApiError::method_not_allowed());
    }
    let aggregated = ctx
        .header(header::ACCEPT)
        .is_some_and(|a| a.contains("as=APIGroupDiscoveryList"));
    let state = sim.state();
    let reg = &state.registry;
    let found = |v: Option<serde_json::Value>| v.ok_or_else(ApiError::no_route);
    match target {
        Target::CoreVersions if aggregated => Ok(json_response_typed(
            StatusCode::OK,
            &discovery::aggregated(reg, true),
            AGGREGATED,
        )),
        Target::CoreVersions => Ok(json_response(
            StatusCode::OK,
            &discovery::core_versions(reg, &sim.server_address),
        )),
        Target::Groups if aggregated => Ok(json_response_typed(
            StatusCode::OK,
            &discovery::aggregated(reg, false),
            AGGREGATED,
        )),
        Target::Groups => Ok(json_response(StatusCode::OK, &discovery::groups(reg))),
        Target::Group(g) => Ok(json_response(StatusCode::OK, &found(discovery::group(reg, &g))?)),
        Target::ResourceList { group, version } => Ok(json_response(
            StatusCode::OK,
            &found(discovery::resources(reg, &group, &version))?,
        )),
        Target::Resource(_) => Err(ApiError::no_route()),
        Target::NonResource(_) => match path.trim_end_matches('/') {
            "/version" => Ok(json_response(
                StatusCode::OK,
                &json!({
                    "major": VERSION.0, "minor": VERSION.1,
                    "emulationMajor": VERSION.0, "emulationMinor": VERSION.1,
                    "minCompatibilityMajor": VERSION.0, "minCompatibilityMinor": "36",
                    "gitVersion": format!("v{}.{}.0-kube-sim", VERSION.0, VERSION.1),
                    "gitCommit": "0000000000000000000000000000000000000000",
                    "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z",
                    "goVersion": "go1.25.0", "compiler": "gc", "platform": "linux/amd64",
                }),
            )),
            "/healthz" | "/livez" | "/readyz" => Ok(text_response(StatusCode::OK, "ok")),
            "/openapi/v3" => Ok(json_response(StatusCode::OK, &openapi::root(reg))),
            p => {
                let rest = p.strip_prefix("/openapi/v3/").ok_or_else(ApiError::no_route)?;
                let (group, version) = match rest.split('/').collect::<Vec<_>>().as_slice() {
                    ["api", v] => (String::new(), v.to_string()),
                    ["apis", g, v] => (g.to_string(), v.to_string()),
                    _ => return Err(ApiError::no_route()),
                };
                Ok(json_response(
                    StatusCode::OK,
                    &found(openapi::document(reg, &group, &version))?,
                ))
            }
        },
    }
}
