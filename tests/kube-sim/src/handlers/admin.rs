//! kube-sim's own endpoints, outside the API paths: `/kube-sim/faults` to
//! read or set the injected faults at run time, and `/kube-sim/stats` to
//! read (GET) or reset (DELETE) the request counters.

use std::sync::Arc;

use http::{Response, StatusCode};

use super::{Body, Ctx, json_response};
use crate::sim::{Faults, Sim};
use crate::status::{ApiError, ApiResult};

pub(super) fn handle(
    sim: &Arc<Sim>,
    method: &http::Method,
    path: &str,
    ctx: &Ctx,
) -> ApiResult<Response<Body>> {
    match (path.trim_end_matches('/'), method.as_str()) {
        ("faults", "GET") => {
            let faults = sim.faults.lock().unwrap_or_else(|e| e.into_inner()).clone();
            Ok(json_response(
                StatusCode::OK,
                &serde_json::to_value(faults).unwrap_or_default(),
            ))
        }
        ("faults", "PUT" | "POST") => {
            let faults: Faults = serde_json::from_slice(&ctx.body)
                .map_err(|e| ApiError::bad_request(format!("invalid faults: {e}")))?;
            if let Some(history) = faults.history {
                sim.state().set_history_limit(history);
            }
            *sim.faults.lock().unwrap_or_else(|e| e.into_inner()) = faults.clone();
            Ok(json_response(
                StatusCode::OK,
                &serde_json::to_value(faults).unwrap_or_default(),
            ))
        }
        ("stats", "GET") => {
            let mut stats = sim.stats.lock().unwrap_or_else(|e| e.into_inner()).to_json();
            stats["watches"] = serde_json::json!(sim.state().watch_count());
            Ok(json_response(StatusCode::OK, &stats))
        }
        ("stats", "DELETE") => {
            sim.stats.lock().unwrap_or_else(|e| e.into_inner()).reset();
            Ok(json_response(
                StatusCode::OK,
                &serde_json::json!({"total": 0, "requests": []}),
            ))
        }
        _ => Err(ApiError::no_route()),
    }
}
