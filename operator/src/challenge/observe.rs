//! What a Challenge's decision needs, read without changing anything: the
//! other Challenges (from the controller's store, for scheduling), the
//! solver addresses and objects, the challenge on the CA (the owning
//! Order's ACME order, its authorization and challenge, RFC 8555 §7.5.1),
//! and for a challenge the CA still waits on, the self-check.

use instant_acme::{AuthorizationStatus, ChallengeStatus};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::Api;
use kube::{Resource, ResourceExt};
use passerelle_crds::acme::order::State;
use passerelle_crds::acme::{Challenge, Order};

use super::addresses::{SolverEndpoints, solver_endpoints};
use super::schedule::Peer;
use super::selfcheck::{self, SelfCheck};
use super::{ChallengeContext, FINALIZER, resources};
use crate::acme::AccountHandle;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::order::account::{self, IssuerLookup, describe_problem, is_account_unknown};
use crate::order::observe::authorization_state;

/// What was observed for one Challenge.
#[derive(Clone, Debug, PartialEq)]
pub struct Observed {
    /// This Challenge, as scheduling sees it.
    pub me: Peer,
    /// Every other Challenge watched.
    pub peers: Vec<Peer>,
    /// `--max-concurrent-challenges`.
    pub max_in_flight: usize,
    /// The solver addresses: `Err(why)` when they cannot be told; `None`
    /// when not looked up (nothing to present).
    pub endpoints: Option<Result<SolverEndpoints, String>>,
    /// The solver objects of a started Challenge.
    pub resources: Resources,
    /// The challenge on the CA.
    pub remote: Remote,
    /// The self-check, when the CA still waits for the challenge.
    pub self_check: SelfCheck,
    /// Self-checks failed so far.
    pub self_check_attempts: u32,
}

/// The solver objects of a Challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resources {
    /// Not looked at.
    NotChecked,
    /// Looked at: whether each is in place.
    Checked {
        /// The namespace's solver Service.
        service: bool,
        /// Its EndpointSlice, listing the current solver addresses.
        endpoints: bool,
        /// The route of this Challenge's path.
        ingress: bool,
    },
    /// They cannot be made: why (the Ingress named by the solver is
    /// missing).
    Unavailable(String),
}

impl Resources {
    /// Whether everything is in place.
    pub fn ready(&self) -> bool {
        matches!(
            self,
            Self::Checked {
                service: true,
                endpoints: true,
                ingress: true
            }
        )
    }
}

/// The challenge as the CA sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remote {
    /// Not fetched.
    NotFetched,
    /// The state of the challenge (or of its authorization, when that
    /// decides: a valid or failed authorization), and the CA's problem.
    Challenge {
        /// State.
        state: State,
        /// The CA's problem, for a failed challenge.
        problem: Option<String>,
    },
    /// It cannot be fetched yet: why (issuer not ready, account unknown to
    /// the CA, Order without URL).
    Waiting(String),
    /// The CA no longer has it (order or authorization gone).
    Gone(String),
}

/// The live ACME order, for accepting the challenge.
#[derive(Default)]
pub struct Live {
    /// The account.
    pub account: Option<AccountHandle>,
    /// The order the challenge belongs to.
    pub order: Option<instant_acme::Order>,
}

/// Whether a Challenge was started (scheduled and presented): it then has
/// `status.processing` or `status.presented`.
pub fn is_started(challenge: &Challenge) -> bool {
    let status = challenge.status.as_ref();
    status.and_then(|s| s.processing).unwrap_or(false) || status.and_then(|s| s.presented).unwrap_or(false)
}

/// Whether a Challenge is one Passerelle can solve: HTTP-01 through an
/// Ingress.
pub fn supported(challenge: &Challenge) -> bool {
    challenge.spec.type_ == passerelle_crds::acme::challenge::AcmeChallengeType::Http01
        && challenge
            .spec
            .solver
            .http01
            .as_ref()
            .is_some_and(|h| h.ingress.is_some())
}

/// Reads everything the decision needs.
pub async fn observe(challenge: &Challenge, cctx: &ChallengeContext) -> Result<(Observed, Live)> {
    let ctx = &cctx.ctx;
    let uid = challenge.uid().unwrap_or_default();
    let (started_here, attempts) = {
        let local = cctx.local();
        (
            local.started.clone(),
            local.self_check_attempts.get(&uid).copied().unwrap_or(0),
        )
    };
    let peers: Vec<Peer> = cctx
        .store
        .state()
        .iter()
        .filter(|c| c.uid().unwrap_or_default() != uid)
        .map(|c| Peer::of(c, started_here.contains_key(&c.uid().unwrap_or_default())))
        .collect();
    let mut observed = Observed {
        me: Peer::of(challenge, started_here.contains_key(&uid)),
        peers,
        max_in_flight: ctx.config.max_concurrent_challenges,
        endpoints: None,
        resources: Resources::NotChecked,
        remote: Remote::NotFetched,
        self_check: SelfCheck::NotRun,
        self_check_attempts: attempts,
    };
    let mut live = Live::default();
    let state = challenge.status.as_ref().and_then(|s| s.state);
    let active = challenge.metadata.deletion_timestamp.is_none()
        && challenge.finalizers().iter().any(|f| f == FINALIZER)
        && !state.is_some_and(State::is_final)
        && supported(challenge);
    if !active {
        return Ok((observed, live));
    }
    let endpoints = solver_endpoints(ctx).await?;
    observed.endpoints = Some(endpoints.clone());
    if !is_started(challenge) {
        return Ok((observed, live));
    }
    let Ok(endpoints) = endpoints else {
        return Ok((observed, live));
    };
    observed.resources = check_resources(challenge, ctx, &endpoints).await?;
    if !observed.resources.ready() {
        return Ok((observed, live));
    }
    let (remote, fetched) = fetch_remote(challenge, ctx).await?;
    if matches!(
        remote,
        Remote::Challenge {
            state: State::Pending,
            ..
        }
    ) {
        observed.self_check = match ctx.config.http01_self_check {
            false => SelfCheck::Disabled,
            true => {
                selfcheck::check(
                    &ctx.config,
                    &challenge.spec.dns_name,
                    &challenge.spec.token,
                    &challenge.spec.key,
                )
                .await
            }
        };
    }
    observed.remote = remote;
    live = fetched;
    Ok((observed, live))
}

/// Looks at the namespace's solver Service and EndpointSlice and at the
/// Challenge's route.
async fn check_resources(
    challenge: &Challenge,
    ctx: &Context,
    endpoints: &SolverEndpoints,
) -> Result<Resources> {
    let namespace = challenge.namespace().unwrap_or_default();
    let get_err = |kind: &'static str, name: &str| {
        let name = format!("{namespace}/{name}");
        move |source| Error::Get { kind, name, source }
    };
    let service = Api::<Service>::namespaced(ctx.client.clone(), &namespace)
        .get_opt(resources::SOLVER_SERVICE)
        .await
        .map_err(get_err("Service", resources::SOLVER_SERVICE))?;
    let slice = Api::<EndpointSlice>::namespaced(ctx.client.clone(), &namespace)
        .get_opt(resources::SOLVER_SERVICE)
        .await
        .map_err(get_err("EndpointSlice", resources::SOLVER_SERVICE))?;
    let solver = challenge
        .spec
        .solver
        .http01
        .as_ref()
        .and_then(|h| h.ingress.as_ref());
    let named = solver.and_then(|s| s.name.clone()).filter(|n| !n.is_empty());
    let ingress_name = named
        .clone()
        .unwrap_or_else(|| resources::ingress_name(challenge));
    let ingress = Api::<Ingress>::namespaced(ctx.client.clone(), &namespace)
        .get_opt(&ingress_name)
        .await
        .map_err(get_err("Ingress", &ingress_name))?;
    if ingress.is_none()
        && let Some(name) = named
    {
        return Ok(Resources::Unavailable(format!(
            "The Ingress {namespace}/{name} named by the solver's http01.ingress.name does not exist"
        )));
    }
    Ok(Resources::Checked {
        service: service.as_ref().is_some_and(resources::service_ok),
        endpoints: slice
            .as_ref()
            .is_some_and(|s| resources::endpoints_ok(s, endpoints)),
        ingress: ingress
            .as_ref()
            .is_some_and(|i| resources::routes(i, &challenge.spec.dns_name, &challenge.spec.token)),
    })
}

/// Fetches the challenge's state on the CA through the owning Order's ACME
/// order.
async fn fetch_remote(challenge: &Challenge, ctx: &Context) -> Result<(Remote, Live)> {
    let namespace = challenge.namespace().unwrap_or_default();
    let waiting = |why: String| Ok((Remote::Waiting(why), Live::default()));
    let owner = challenge
        .owner_references()
        .iter()
        .find(|o| o.kind == Order::kind(&()))
        .map(|o| o.name.clone());
    let Some(order_name) = owner else {
        return waiting("The Challenge has no owning Order to find its ACME order with".into());
    };
    let order = Api::<Order>::namespaced(ctx.client.clone(), &namespace)
        .get_opt(&order_name)
        .await
        .map_err(|source| Error::Get {
            kind: "Order",
            name: format!("{namespace}/{order_name}"),
            source,
        })?;
    let Some(url) = order.and_then(|o| o.status).and_then(|s| s.url) else {
        return waiting(format!(
            "Waiting for Order {order_name} to have an ACME order URL"
        ));
    };
    let (acme, account_url, secret_namespace, what) =
        match account::lookup(ctx, &namespace, &challenge.spec.issuer_ref).await? {
            IssuerLookup::Ready {
                acme,
                account_url,
                secret_namespace,
                what,
            } => (acme, account_url, secret_namespace, what),
            IssuerLookup::Missing { what }
            | IssuerLookup::NotAcme { what }
            | IssuerLookup::NotReady { what, .. } => {
                return waiting(format!("Waiting for {what} to be a Ready ACME issuer"));
            }
        };
    let Some(key) = account::account_key(ctx, &acme, &secret_namespace).await? else {
        return waiting(format!("Waiting for the ACME account key of {what}"));
    };
    let handle = ctx.acme.account(&acme, &account_url, &key).await?;
    let mut acme_order = match ctx
        .acme
        .call("get-order", &handle.http, handle.account.order(url))
        .await
    {
        Ok(o) => o,
        Err(e) if is_account_unknown(&e) => {
            ctx.acme.forget(&acme.server, &key);
            return waiting(format!(
                "The ACME server does not know the account of {what} (accountDoesNotExist): waiting for the issuer to register it again"
            ));
        }
        Err(e) if e.acme_problem().is_some_and(|p| p.status == Some(404)) => {
            let reason = e.acme_problem().map(describe_problem).unwrap_or_default();
            return Ok((
                Remote::Gone(format!("The ACME server no longer knows the order: {reason}")),
                Live::default(),
            ));
        }
        Err(e) => return Err(e),
    };
    // Authorization fetches never run beside a new-order (pebble deadlocks).
    let lookup = challenge_state(
        &mut acme_order,
        &challenge.spec.authorization_url,
        &challenge.spec.url,
    );
    let found = ctx
        .acme
        .serialized(ctx.acme.call("get-authorization", &handle.http, lookup))
        .await?;
    let remote = match found {
        Some((state, problem)) => Remote::Challenge { state, problem },
        None => Remote::Gone("The authorization is no longer part of the ACME order".into()),
    };
    Ok((
        remote,
        Live {
            account: Some(handle),
            order: Some(acme_order),
        },
    ))
}

/// The state of the challenge `challenge_url` of the authorization
/// `authz_url` of `order`, with the CA's problem when it failed.
async fn challenge_state(
    order: &mut instant_acme::Order,
    authz_url: &str,
    challenge_url: &str,
) -> Result<Option<(State, Option<String>)>, instant_acme::Error> {
    let mut authorizations = order.authorizations();
    while let Some(authz) = authorizations.next().await {
        let authz = authz?;
        if authz.url() != authz_url {
            continue;
        }
        let challenge = authz.challenges.iter().find(|c| c.url == challenge_url);
        let problem = challenge.and_then(|c| c.error.as_ref()).map(describe_problem);
        let state = match (authz.status, challenge.map(|c| c.status)) {
            (AuthorizationStatus::Valid, _) | (_, Some(ChallengeStatus::Valid)) => State::Valid,
            (AuthorizationStatus::Pending, Some(ChallengeStatus::Pending)) => State::Pending,
            (AuthorizationStatus::Pending, Some(ChallengeStatus::Processing)) => State::Processing,
            (AuthorizationStatus::Pending, Some(ChallengeStatus::Invalid)) => State::Invalid,
            (AuthorizationStatus::Pending, None) => {
                return Ok(None);
            }
            (other, _) => authorization_state(other),
        };
        let problem = match (state, problem) {
            (State::Invalid | State::Expired, None) => Some(format!(
                "the authorization is {}",
                authorization_state(authz.status)
            )),
            (_, problem) => problem,
        };
        return Ok(Some((state, problem)));
    }
    Ok(None)
}
