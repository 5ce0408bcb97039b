//! Doing what the Order's decision says: one function per decision, each one
//! kind of side effect (an ACME request whose answer is persisted in the
//! Order's status at once, Challenge objects, or a status change), each
//! returning when to look again.

use std::time::Duration;

use base64::Engine as _;
use instant_acme::{AuthorizationHandle, ChallengeType, Identifier, NewOrder};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kube::api::{Api, DeleteParams, PostParams};
use kube::runtime::controller::Action;
use kube::{Resource, ResourceExt};
use passerelle_crds::acme::order::{AcmeAuthorization, AcmeChallenge, OrderStatus, State};
use passerelle_crds::acme::{Challenge, Order};
use passerelle_crds::constants::reasons;

use super::account::{describe_problem, problem_type_is};
use super::decide::{NewChallenge, age, poll_interval};
use super::observe::{Live, authorization_state, order_state};
use crate::acme::AccountHandle;
use crate::clock::to_second;
use crate::context::Context;
use crate::error::{Error, Result, is_conflict, is_not_found};
use crate::events::EventType;
use crate::reconcile::{apply_status, key};

/// How often writing the new order's URL is tried before giving up: losing
/// it would orphan the order on the CA and place another one.
const PERSIST_ATTEMPTS: u32 = 3;

fn status(order: &Order) -> OrderStatus {
    order.status.clone().unwrap_or_default()
}

async fn persist(order: &Order, ctx: &Context, new: &OrderStatus) -> Result<()> {
    apply_status(ctx, order, order.status.as_ref(), new).await
}

fn requeue(order: &Order, ctx: &Context) -> Action {
    Action::requeue(poll_interval(age(order, ctx.clock.now())))
}

fn missing(order: &Order, what: &'static str) -> Error {
    Error::Missing {
        kind: what,
        name: key(order),
    }
}

/// Records why the Order waits, and looks again after `after`.
pub async fn wait(order: &Order, ctx: &Context, reason: String, after: Duration) -> Result<Action> {
    let mut new = status(order);
    new.reason = Some(reason);
    persist(order, ctx, &new).await?;
    Ok(Action::requeue(after))
}

/// Records the CA's state of the order, and looks again after `after`.
pub async fn poll(order: &Order, ctx: &Context, state: State, after: Duration) -> Result<Action> {
    let mut new = status(order);
    new.state = Some(state);
    new.reason = None;
    persist(order, ctx, &new).await?;
    Ok(Action::requeue(after))
}

/// Makes the Order final with `state` and `reason`, with a Warning Event.
pub async fn fail(
    order: &Order,
    ctx: &Context,
    state: State,
    reason: String,
    event_reason: &str,
) -> Result<Action> {
    let mut new = status(order);
    new.state = Some(state);
    new.reason = Some(reason.clone());
    new.failure_time = Some(Time(to_second(ctx.clock.now())));
    persist(order, ctx, &new).await?;
    tracing::warn!(state = %state, %reason, "Order failed");
    ctx.recorder
        .publish(order, EventType::Warning, event_reason, &reason)
        .await;
    Ok(Action::await_change())
}

/// The label carrying the uid of a Challenge's Order, so that an Order
/// lists its own Challenges instead of every Challenge of its namespace
/// (which made issuance quadratic in the number of Orders).
pub const ORDER_LABEL: &str = "passerelle.io/order-uid";

/// Places the ACME order and records its URL, finalize URL, state and
/// authorization URLs before any other ACME request (RFC 8555 §7.4): from
/// then on a restart resumes this order.
pub async fn create_order(
    order: &Order,
    ctx: &Context,
    live: Live,
    identifiers: &[Identifier],
    profile: Option<&str>,
    unsupported: &[String],
) -> Result<Action> {
    let handle = live.account.ok_or_else(|| missing(order, "ACME account"))?;
    for message in unsupported {
        ctx.recorder
            .publish(order, EventType::Warning, reasons::NOT_SUPPORTED, message)
            .await;
    }
    let mut request = NewOrder::new(identifiers);
    if let Some(profile) = profile {
        request = request.profile(profile);
    }
    // pebble deadlocks when a new-order runs beside authorization fetches.
    let created = match ctx
        .acme
        .serialized(
            ctx.acme
                .call("new-order", &handle.http, handle.account.new_order(&request)),
        )
        .await
    {
        Ok(created) => created,
        // The CA refuses the order itself (rejectedIdentifier, unauthorized,
        // …): retrying as is cannot help, the request fails with the CA's
        // words. A forgotten account is the Issuer's to register again.
        Err(e)
            if !e.is_transient()
                && e.acme_problem().is_some()
                && !problem_type_is(&e, "accountDoesNotExist") =>
        {
            let problem = e.acme_problem().map(describe_problem).unwrap_or_default();
            return fail(
                order,
                ctx,
                State::Errored,
                format!("Failed to create Order: {problem}"),
                reasons::ACME_FAILED,
            )
            .await;
        }
        Err(e) => return Err(e),
    };
    let (url, state) = created.into_parts();
    let mut new = status(order);
    new.url = Some(url.clone());
    new.finalize_url = Some(state.finalize.clone());
    new.state = Some(order_state(state.status));
    new.reason = None;
    new.authorizations = Some(
        state
            .authorizations
            .iter()
            .map(|a| AcmeAuthorization {
                url: a.url.clone(),
                ..Default::default()
            })
            .collect(),
    );
    let mut attempt = 1;
    loop {
        match persist(order, ctx, &new).await {
            Ok(()) => break,
            Err(error) if attempt < PERSIST_ATTEMPTS && error.is_transient() => {
                tracing::warn!(order = %url, error = %crate::reconcile::error_chain(&error), "Could not record the new ACME order, retrying");
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                attempt += 1;
            }
            Err(error) => {
                tracing::error!(order = %url, "The new ACME order could not be recorded; it is abandoned on the CA");
                return Err(error);
            }
        }
    }
    tracing::info!(order = %url, "Created ACME order");
    crate::crashpoint::reached("order-created");
    Ok(requeue(order, ctx))
}

/// Fetches the order's authorizations and records each one's identifier,
/// wildcard flag, initial state and offered challenges.
pub async fn fetch_authorizations(order: &Order, ctx: &Context, live: Live) -> Result<Action> {
    let handle = live.account.ok_or_else(|| missing(order, "ACME account"))?;
    let mut acme_order = live.order.ok_or_else(|| missing(order, "ACME order"))?;
    let details = ctx
        .acme
        .serialized(ctx.acme.call(
            "get-authorizations",
            &handle.http,
            authorization_details(&mut acme_order),
        ))
        .await?;
    let mut new = status(order);
    new.authorizations = Some(details);
    new.state = Some(order_state(acme_order.state().status));
    persist(order, ctx, &new).await?;
    tracing::info!(order = %acme_order.url(), "Recorded the ACME order's authorizations");
    Ok(requeue(order, ctx))
}

async fn authorization_details(
    order: &mut instant_acme::Order,
) -> Result<Vec<AcmeAuthorization>, instant_acme::Error> {
    let mut out = Vec::new();
    let mut authorizations = order.authorizations();
    while let Some(authz) = authorizations.next().await {
        out.push(authorization_detail(&authz?));
    }
    Ok(out)
}

fn authorization_detail(authz: &AuthorizationHandle<'_>) -> AcmeAuthorization {
    let identifier = match authz.identifier().identifier {
        Identifier::Dns(name) => name.clone(),
        other => other.authorized(false).to_string(),
    };
    let challenges = authz
        .challenges
        .iter()
        .map(|c| AcmeChallenge {
            url: c.url.clone(),
            token: c.token.clone(),
            type_: challenge_type(&c.r#type),
        })
        .collect();
    AcmeAuthorization {
        url: authz.url().to_string(),
        identifier: Some(identifier),
        wildcard: Some(authz.wildcard),
        initial_state: Some(authorization_state(authz.status)),
        challenges: Some(challenges),
    }
}

/// A challenge type as the CA spells it (RFC 8555 §9.7.8).
fn challenge_type(t: &ChallengeType) -> String {
    match t {
        ChallengeType::Http01 => "http-01".into(),
        ChallengeType::Dns01 => "dns-01".into(),
        ChallengeType::TlsAlpn01 => "tls-alpn-01".into(),
        ChallengeType::DeviceAttest01 => "device-attest-01".into(),
        ChallengeType::Unknown(other) => other.clone(),
        // A type added to instant-acme later.
        other => format!("{other:?}").to_ascii_lowercase(),
    }
}

/// Creates the Challenges, owned by the Order, with the Challenge
/// controller's finalizer so their solver routes are removed before they go.
pub async fn create_challenges(
    order: &Order,
    ctx: &Context,
    challenges: Vec<NewChallenge>,
) -> Result<Action> {
    let namespace = order.namespace().unwrap_or_default();
    let api: Api<Challenge> = Api::namespaced(ctx.client.clone(), &namespace);
    for NewChallenge { name, spec } in challenges {
        let dns_name = spec.dns_name.clone();
        let challenge = Challenge {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(namespace.clone()),
                labels: Some({
                    let mut labels = order.labels().clone();
                    labels.insert(ORDER_LABEL.to_string(), order.uid().unwrap_or_default());
                    labels
                }),
                owner_references: order.controller_owner_ref(&()).map(|o| vec![o]),
                finalizers: Some(vec![crate::challenge::FINALIZER.to_string()]),
                ..Default::default()
            },
            spec,
            status: None,
        };
        match api.create(&PostParams::default(), &challenge).await {
            Ok(_) => {
                tracing::info!(challenge = %name, domain = %dns_name, "Created Challenge");
                let message = format!("Created Challenge resource {name:?} for domain {dns_name:?}");
                ctx.recorder
                    .publish(order, EventType::Normal, reasons::CREATED, &message)
                    .await;
            }
            Err(e) if is_conflict(&e) => tracing::debug!(challenge = %name, "Challenge already exists"),
            Err(source) => {
                return Err(Error::Write {
                    kind: "Challenge",
                    name: format!("{namespace}/{name}"),
                    source,
                });
            }
        }
    }
    let mut new = status(order);
    new.state = Some(State::Pending);
    new.reason = None;
    persist(order, ctx, &new).await?;
    Ok(requeue(order, ctx))
}

/// Sends the CSR to the order's finalize URL and records the state the CA
/// answers (`processing`, or already `valid`).
pub async fn finalize(order: &Order, ctx: &Context, live: Live, csr_der: &[u8]) -> Result<Action> {
    let handle: AccountHandle = live.account.ok_or_else(|| missing(order, "ACME account"))?;
    let mut acme_order = live.order.ok_or_else(|| missing(order, "ACME order"))?;
    match ctx
        .acme
        .call("finalize", &handle.http, acme_order.finalize_csr(csr_der))
        .await
    {
        Ok(()) => {
            let state = order_state(acme_order.state().status);
            tracing::info!(order = %acme_order.url(), %state, "Finalized ACME order");
            crate::crashpoint::reached("order-finalized");
            poll(order, ctx, state, Duration::from_secs(1)).await
        }
        // Finalized meanwhile (by this Order's previous reconcile whose
        // status write was lost): the next look sees the new state.
        Err(e) if problem_type_is(&e, "orderNotReady") => Ok(requeue(order, ctx)),
        Err(e) if !e.is_transient() && e.acme_problem().is_some() => {
            let problem = e.acme_problem().map(describe_problem).unwrap_or_default();
            fail(
                order,
                ctx,
                State::Errored,
                format!("Failed to finalize Order: {problem}"),
                reasons::ACME_FAILED,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// Downloads the certificate chain of a valid order into
/// `status.certificate` and marks the Order valid.
pub async fn download(order: &Order, ctx: &Context, live: Live) -> Result<Action> {
    let handle = live.account.ok_or_else(|| missing(order, "ACME account"))?;
    let mut acme_order = live.order.ok_or_else(|| missing(order, "ACME order"))?;
    let Some(chain) = ctx
        .acme
        .call("download-certificate", &handle.http, acme_order.certificate())
        .await?
    else {
        return Ok(requeue(order, ctx));
    };
    let mut new = status(order);
    new.certificate = Some(base64::engine::general_purpose::STANDARD.encode(chain.as_bytes()));
    new.state = Some(State::Valid);
    new.reason = None;
    persist(order, ctx, &new).await?;
    tracing::info!(order = %acme_order.url(), "Downloaded the certificate");
    ctx.recorder
        .publish(
            order,
            EventType::Normal,
            reasons::COMPLETE,
            "Order completed successfully",
        )
        .await;
    Ok(Action::await_change())
}

/// Deletes the Challenges of a final Order; their finalizer lets the
/// Challenge controller remove the solver routes first.
pub async fn delete_challenges(order: &Order, ctx: &Context, names: &[String]) -> Result<Action> {
    let namespace = order.namespace().unwrap_or_default();
    let api: Api<Challenge> = Api::namespaced(ctx.client.clone(), &namespace);
    for name in names {
        match api.delete(name, &DeleteParams::default()).await {
            Ok(_) => tracing::info!(challenge = %name, "Deleted Challenge of a final Order"),
            Err(e) if is_not_found(&e) => {}
            Err(source) => {
                return Err(Error::Delete {
                    kind: "Challenge",
                    name: format!("{namespace}/{name}"),
                    source,
                });
            }
        }
    }
    Ok(Action::await_change())
}
