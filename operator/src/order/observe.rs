//! What an Order's decision needs, read from the API and from the CA
//! without changing anything: its issuer and account, the order's current
//! state on the CA (a POST-as-GET, RFC 8555 §7.4), the problems of a failed
//! order's authorizations, and the Challenges the Order owns. The live
//! instant-acme handles are kept aside for the acting step, so that acting
//! does not fetch the order again.

use instant_acme::{AuthorizationStatus, OrderStatus};
use kube::api::{Api, ListParams};
use kube::{Resource, ResourceExt};
use passerelle_crds::acme::order::State;
use passerelle_crds::acme::{Challenge, Order};

use super::account::{self, IssuerLookup, describe_problem, is_account_unknown};
use crate::acme::AccountHandle;
use crate::context::Context;
use crate::error::{Error, Result};

/// What was observed for one Order.
#[derive(Clone, Debug, PartialEq)]
pub struct Observed {
    /// The issuer; `None` when not looked up (the Order is final).
    pub issuer: Option<IssuerLookup>,
    /// The ACME account.
    pub account: AccountState,
    /// The order on the CA.
    pub remote: Remote,
    /// Names of the Challenges this Order owns.
    pub challenges: Vec<String>,
    /// Those of them already being deleted (waiting for their finalizer).
    pub deleting: Vec<String>,
}

/// The ACME account of the Order's issuer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountState {
    /// Not needed (the Order is final) or not reachable (issuer not ready).
    NotLoaded,
    /// The issuer's Secret holds no usable P-256 key (yet).
    NoKey {
        /// `namespace/name` of the Secret.
        secret: String,
    },
    /// The account, with its key's JWK thumbprint (RFC 7638), the second
    /// half of every key authorization (RFC 8555 §8.1).
    Ready {
        /// Thumbprint.
        thumbprint: String,
    },
    /// The CA answered `accountDoesNotExist` (RFC 8555 §7.3.1).
    Unknown,
}

/// The order as the CA sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Remote {
    /// Not fetched: no order URL yet, or no account to fetch it with.
    NotFetched,
    /// Fetched.
    Order(RemoteOrder),
    /// The CA answered 404 for the order URL: it is gone (expired and
    /// purged, or the CA was reset).
    Gone {
        /// The CA's problem.
        reason: String,
    },
}

/// The fields of an ACME order the decision uses (RFC 8555 §7.1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteOrder {
    /// `status`.
    pub state: State,
    /// `error`, when the order failed.
    pub problem: Option<String>,
    /// For an invalid order: what went wrong with each failed
    /// authorization (`name: detail (type)`).
    pub authorization_problems: Vec<String>,
}

/// The live instant-acme objects observed, for the acting step.
#[derive(Default)]
pub struct Live {
    /// The account.
    pub account: Option<AccountHandle>,
    /// The order, loaded from `status.url`.
    pub order: Option<instant_acme::Order>,
}

/// The Order's state as persisted.
pub fn persisted_state(order: &Order) -> Option<State> {
    order.status.as_ref().and_then(|s| s.state)
}

/// Reads everything the decision needs.
pub async fn observe(order: &Order, ctx: &Context) -> Result<(Observed, Live)> {
    let namespace = order.namespace().unwrap_or_default();
    let (challenges, deleting) = owned_challenges(order, ctx, &namespace).await?;
    let mut observed = Observed {
        issuer: None,
        account: AccountState::NotLoaded,
        remote: Remote::NotFetched,
        challenges,
        deleting,
    };
    let mut live = Live::default();
    if persisted_state(order).is_some_and(State::is_final) {
        return Ok((observed, live));
    }
    let issuer = account::lookup(ctx, &namespace, &order.spec.issuer_ref).await?;
    if let IssuerLookup::Ready {
        acme,
        account_url,
        secret_namespace,
        ..
    } = &issuer
    {
        match account::account_key(ctx, acme, secret_namespace).await? {
            None => {
                let secret = format!("{secret_namespace}/{}", acme.private_key_secret_ref.name);
                observed.account = AccountState::NoKey { secret };
            }
            Some(key) => {
                let handle = ctx.acme.account(acme, account_url, &key).await?;
                observed.account = AccountState::Ready {
                    thumbprint: handle.account.key_thumbprint().to_string(),
                };
                if let Some(url) = order.status.as_ref().and_then(|s| s.url.clone()) {
                    match fetch(ctx, &handle, url).await {
                        Ok(Fetched::Order(acme_order, remote)) => {
                            observed.remote = Remote::Order(remote);
                            live.order = Some(*acme_order);
                        }
                        Ok(Fetched::Gone(reason)) => observed.remote = Remote::Gone { reason },
                        Err(e) if is_account_unknown(&e) => {
                            // The cached account is stale: the next
                            // reconcile restores it afresh once the Issuer
                            // controller has registered it again.
                            ctx.acme.forget(&acme.server, &key);
                            observed.account = AccountState::Unknown;
                        }
                        Err(e) => return Err(e),
                    }
                }
                live.account = Some(handle);
            }
        }
    }
    observed.issuer = Some(issuer);
    Ok((observed, live))
}

/// The names of the Challenges owned by `order`, and of those of them
/// being deleted.
async fn owned_challenges(
    order: &Order,
    ctx: &Context,
    namespace: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    let uid = order.uid().unwrap_or_default();
    let selector = format!("{}={uid}", super::act::ORDER_LABEL);
    let list = Api::<Challenge>::namespaced(ctx.client.clone(), namespace)
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(|source| Error::List {
            kind: "Challenge",
            source,
        })?;
    let owned: Vec<&Challenge> = list
        .items
        .iter()
        .filter(|c| {
            c.owner_references()
                .iter()
                .any(|o| o.uid == uid && o.kind == Order::kind(&()))
        })
        .collect();
    let names = |deleting_only: bool| -> Vec<String> {
        let mut names: Vec<String> = owned
            .iter()
            .filter(|c| !deleting_only || c.metadata.deletion_timestamp.is_some())
            .map(|c| c.name_any())
            .collect();
        names.sort();
        names
    };
    Ok((names(false), names(true)))
}

enum Fetched {
    Order(Box<instant_acme::Order>, RemoteOrder),
    Gone(String),
}

/// Fetches the order at `url`, and for an invalid order the problems of
/// its authorizations.
async fn fetch(ctx: &Context, handle: &AccountHandle, url: String) -> Result<Fetched> {
    let mut acme_order = match ctx
        .acme
        .call("get-order", &handle.http, handle.account.order(url))
        .await
    {
        Ok(o) => o,
        Err(e) if e.acme_problem().is_some_and(|p| p.status == Some(404)) => {
            let reason = e.acme_problem().map(describe_problem).unwrap_or_default();
            return Ok(Fetched::Gone(reason));
        }
        Err(e) => return Err(e),
    };
    let state = order_state(acme_order.state().status);
    let problem = acme_order.state().error.as_ref().map(describe_problem);
    let mut authorization_problems = Vec::new();
    if state == State::Invalid {
        // Authorization fetches never run beside a new-order (pebble
        // deadlocks).
        let failed = ctx.acme.call(
            "get-authorizations",
            &handle.http,
            failed_authorizations(&mut acme_order),
        );
        authorization_problems = ctx.acme.serialized(failed).await?;
    }
    let remote = RemoteOrder {
        state,
        problem,
        authorization_problems,
    };
    Ok(Fetched::Order(Box::new(acme_order), remote))
}

/// `name: problem` for every authorization of the order that did not
/// succeed (RFC 8555 §7.1.4: a failed challenge carries the error).
async fn failed_authorizations(order: &mut instant_acme::Order) -> Result<Vec<String>, instant_acme::Error> {
    let mut out = Vec::new();
    let mut authorizations = order.authorizations();
    while let Some(authz) = authorizations.next().await {
        let authz = authz?;
        if matches!(
            authz.status,
            AuthorizationStatus::Valid | AuthorizationStatus::Pending
        ) {
            continue;
        }
        let name = authz.identifier().to_string();
        let problems: Vec<String> = authz
            .challenges
            .iter()
            .filter_map(|c| c.error.as_ref())
            .map(describe_problem)
            .collect();
        if problems.is_empty() {
            out.push(format!(
                "{name}: authorization is {}",
                authorization_state(authz.status)
            ));
        } else {
            out.extend(problems.into_iter().map(|p| format!("{name}: {p}")));
        }
    }
    Ok(out)
}

/// An order status as the Order's `status.state` spells it.
pub fn order_state(status: OrderStatus) -> State {
    match status {
        OrderStatus::Pending => State::Pending,
        OrderStatus::Ready => State::Ready,
        OrderStatus::Processing => State::Processing,
        OrderStatus::Valid => State::Valid,
        OrderStatus::Invalid => State::Invalid,
    }
}

/// An authorization status as `status.authorizations[].initialState`
/// spells it; revoked and deactivated authorizations are invalid for the
/// order's purposes.
pub fn authorization_state(status: AuthorizationStatus) -> State {
    match status {
        AuthorizationStatus::Pending => State::Pending,
        AuthorizationStatus::Valid => State::Valid,
        AuthorizationStatus::Expired => State::Expired,
        AuthorizationStatus::Invalid | AuthorizationStatus::Revoked | AuthorizationStatus::Deactivated => {
            State::Invalid
        }
    }
}
