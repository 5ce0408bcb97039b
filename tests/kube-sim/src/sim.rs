//! The simulator's shared state: the store, who may call, the faults to
//! inject and the request counters.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::rbac::UserInfo;
use crate::store::State;

/// How requests are authenticated and authorized.
#[derive(Clone, Debug, Default)]
pub struct Auth {
    /// The bearer token of the cluster admin; `None` lets every request in
    /// as admin.
    pub admin_token: Option<String>,
    /// Other tokens and the user each stands for
    /// (`system:serviceaccount:NS:NAME`).
    pub token_users: Vec<(String, String)>,
    /// Authorize requests with RBAC (the admin is in `system:masters`).
    pub rbac: bool,
}

impl Auth {
    /// The user a request's `Authorization` header stands for; `None` is
    /// 401.
    pub fn authenticate(&self, authorization: Option<&str>) -> Option<UserInfo> {
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim);
        let admin = || UserInfo {
            name: "kube-sim-admin".into(),
            groups: vec!["system:masters".into(), "system:authenticated".into()],
        };
        let Some(admin_token) = &self.admin_token else {
            return Some(match token.and_then(|t| self.user_of(t)) {
                Some(user) => user,
                None => admin(),
            });
        };
        let token = token?;
        if token == admin_token {
            return Some(admin());
        }
        self.user_of(token)
    }

    fn user_of(&self, token: &str) -> Option<UserInfo> {
        let (_, name) = self.token_users.iter().find(|(t, _)| t == token)?;
        let mut groups = Vec::new();
        if let Some(rest) = name.strip_prefix("system:serviceaccount:")
            && let Some((ns, _)) = rest.split_once(':')
        {
            groups.push("system:serviceaccounts".to_string());
            groups.push(format!("system:serviceaccounts:{ns}"));
        }
        groups.push("system:authenticated".to_string());
        Some(UserInfo {
            name: name.clone(),
            groups,
        })
    }
}

/// One fault rule: fail a share of the requests matching a verb and
/// resource with a status code.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// The verb (`get`, `list`, `watch`, `create`, `update`, `patch`,
    /// `delete`); empty for all.
    #[serde(default)]
    pub verb: String,
    /// The resource (`certificates`, `secrets`); empty for all.
    #[serde(default)]
    pub resource: String,
    /// 500, 429 (with Retry-After) or 409.
    pub code: u16,
    /// The share of matching requests that fail, 0.0 to 1.0.
    pub rate: f64,
    /// Retry-After seconds for 429.
    #[serde(default = "one")]
    pub retry_after: u64,
}

fn one() -> u64 {
    1
}

/// The faults injected, set by flags and at run time through
/// `/kube-sim/faults`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Faults {
    /// Failure rules, first match wins.
    #[serde(default)]
    pub rules: Vec<FaultRule>,
    /// Latency added to every API request, in milliseconds.
    #[serde(default)]
    pub latency_ms: u64,
    /// Watch streams are cut after this many seconds (0: never).
    #[serde(default)]
    pub watch_cut_seconds: u64,
    /// The number of changes kept for watches (unset: unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<usize>,
}

impl Faults {
    /// The rule that fails this request, drawn with `roll` in [0, 1).
    pub fn pick(&self, verb: &str, resource: &str, roll: f64) -> Option<&FaultRule> {
        self.rules.iter().find(|r| {
            (r.verb.is_empty() || r.verb == verb)
                && (r.resource.is_empty() || r.resource == resource)
                && roll < r.rate
        })
    }

    /// The added latency.
    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms)
    }
}

/// Request counters by verb, resource, user and status code.
#[derive(Debug, Default)]
pub struct Stats {
    counts: BTreeMap<(String, String, String, u16), u64>,
}

impl Stats {
    /// Counts one request.
    pub fn record(&mut self, verb: &str, resource: &str, user: &str, code: u16) {
        *self
            .counts
            .entry((verb.into(), resource.into(), user.into(), code))
            .or_default() += 1;
    }

    /// The counters as JSON: `{"total": N, "requests": [{verb, resource,
    /// user, code, count}]}`.
    pub fn to_json(&self) -> Value {
        let requests: Vec<Value> = self
            .counts
            .iter()
            .map(|((verb, resource, user, code), count)| {
                json!({"verb": verb, "resource": resource, "user": user, "code": code, "count": count})
            })
            .collect();
        json!({"total": self.counts.values().sum::<u64>(), "requests": requests})
    }

    /// Forgets every count.
    pub fn reset(&mut self) {
        self.counts.clear();
    }
}

/// Everything a request handler needs.
pub struct Sim {
    /// The store.
    pub state: Mutex<State>,
    /// Authentication and authorization.
    pub auth: Auth,
    /// Injected faults.
    pub faults: Mutex<Faults>,
    /// Request counters.
    pub stats: Mutex<Stats>,
    /// `https://127.0.0.1:PORT` as clients reach it.
    pub server_address: String,
    /// Closed when the server shuts down, ending watch streams.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Accept loopback addresses in EndpointSlices (see `Config`).
    pub allow_loopback_endpoints: bool,
    seed: Mutex<u64>,
}

impl Sim {
    /// A simulator over `state`.
    pub fn new(
        state: State,
        auth: Auth,
        faults: Faults,
        server_address: String,
        shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> Self {
        let seed = uuid::Uuid::new_v4().as_u64_pair().0 | 1;
        Self {
            state: Mutex::new(state),
            auth,
            faults: Mutex::new(faults),
            stats: Mutex::new(Stats::default()),
            server_address,
            shutdown,
            allow_loopback_endpoints: false,
            seed: Mutex::new(seed),
        }
    }

    /// The store, locked. A panic while holding the lock is a bug in
    /// kube-sim; the state is still used rather than poisoning every later
    /// request.
    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A pseudo-random number in [0, 1) for fault injection (xorshift).
    pub fn roll(&self) -> f64 {
        let mut seed = self.seed.lock().unwrap_or_else(|e| e.into_inner());
        let mut x = *seed;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *seed = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}
