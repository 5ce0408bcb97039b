//! The solver objects of a Challenge as API writes: the namespace's
//! Service and EndpointSlice and the Challenge's own Ingress applied with
//! server-side apply under the operator's field manager; a path added to or
//! removed from an Ingress the operator does not own by read-modify-write
//! guarded by its resourceVersion; deletes that accept a missing object.

use std::fmt::Debug;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use kube::{Resource, ResourceExt};
use passerelle_crds::acme::Challenge;
use passerelle_crds::constants::{FIELD_MANAGER, reasons};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::challenge::addresses::SolverEndpoints;
use crate::challenge::resources;
use crate::context::Context;
use crate::error::{Error, Result, is_not_found};
use crate::events::EventType;

/// Applies the namespace's solver Service and EndpointSlice and the
/// Challenge's route (its own Ingress, or a path in the named one).
pub(super) async fn apply_solver_objects(
    challenge: &Challenge,
    ctx: &Context,
    endpoints: &SolverEndpoints,
) -> Result<()> {
    let namespace = challenge.namespace().unwrap_or_default();
    apply(ctx, &namespace, &resources::service(&namespace, endpoints)).await?;
    apply(ctx, &namespace, &resources::endpoint_slice(&namespace, endpoints)).await?;
    let solver = challenge
        .spec
        .solver
        .http01
        .as_ref()
        .and_then(|h| h.ingress.clone())
        .unwrap_or_default();
    match solver.name.as_deref().filter(|n| !n.is_empty()) {
        None => apply(ctx, &namespace, &resources::own_ingress(challenge, &solver)).await,
        Some(name) => {
            edit_ingress(ctx, &namespace, name, |i| {
                resources::add_path(i, &challenge.spec.dns_name, &challenge.spec.token)
            })
            .await
        }
    }
}

/// Server-side applies `obj` under the operator's field manager.
async fn apply<K>(ctx: &Context, namespace: &str, obj: &K) -> Result<()>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + Clone
        + Debug
        + Serialize
        + DeserializeOwned,
{
    let name = obj.name_any();
    Api::<K>::namespaced(ctx.client.clone(), namespace)
        .patch(
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(obj),
        )
        .await
        .map_err(|source| Error::Write {
            kind: crate::reconcile::kind_of::<K>(),
            name: format!("{namespace}/{name}"),
            source,
        })?;
    Ok(())
}

/// Reads, edits and writes back (guarded by its resourceVersion) an Ingress
/// the operator does not own; a missing one is left alone.
async fn edit_ingress(
    ctx: &Context,
    namespace: &str,
    name: &str,
    edit: impl FnOnce(&mut Ingress) -> bool,
) -> Result<()> {
    let api: Api<Ingress> = Api::namespaced(ctx.client.clone(), namespace);
    let full = format!("{namespace}/{name}");
    let Some(mut ingress) = api.get_opt(name).await.map_err(|source| Error::Get {
        kind: "Ingress",
        name: full.clone(),
        source,
    })?
    else {
        return Ok(());
    };
    if edit(&mut ingress) {
        api.replace(name, &PostParams::default(), &ingress)
            .await
            .map_err(|source| Error::Write {
                kind: "Ingress",
                name: full,
                source,
            })?;
    }
    Ok(())
}

/// Deletes an object, a missing one being fine.
async fn delete<K>(ctx: &Context, namespace: &str, name: &str) -> Result<()>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope> + Clone + Debug + DeserializeOwned,
{
    match Api::<K>::namespaced(ctx.client.clone(), namespace)
        .delete(name, &DeleteParams::default())
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if is_not_found(&e) => Ok(()),
        Err(source) => Err(Error::Delete {
            kind: crate::reconcile::kind_of::<K>(),
            name: format!("{namespace}/{name}"),
            source,
        }),
    }
}

/// Removes the Challenge's route, and the namespace's solver Service and
/// EndpointSlice when `remove_shared`.
pub(super) async fn remove_solver_objects(
    challenge: &Challenge,
    ctx: &Context,
    remove_shared: bool,
) -> Result<()> {
    let namespace = challenge.namespace().unwrap_or_default();
    let named = challenge
        .spec
        .solver
        .http01
        .as_ref()
        .and_then(|h| h.ingress.as_ref())
        .and_then(|i| i.name.clone());
    let result = async {
        match named.as_deref().filter(|n| !n.is_empty()) {
            Some(name) => {
                let (dns_name, token) = (&challenge.spec.dns_name, &challenge.spec.token);
                edit_ingress(ctx, &namespace, name, |i| {
                    resources::remove_path(i, dns_name, token)
                })
                .await?;
            }
            None => delete::<Ingress>(ctx, &namespace, &resources::ingress_name(challenge)).await?,
        }
        if remove_shared {
            delete::<Service>(ctx, &namespace, resources::SOLVER_SERVICE).await?;
            delete::<EndpointSlice>(ctx, &namespace, resources::SOLVER_SERVICE).await?;
        }
        Ok(())
    }
    .await;
    if let Err(error) = &result {
        let message = format!(
            "Error cleaning up challenge: {}",
            crate::reconcile::error_chain(error)
        );
        ctx.recorder
            .publish(challenge, EventType::Warning, reasons::CLEAN_UP_ERROR, &message)
            .await;
    }
    result
}
