//! The legacy API (`certmanager.k8s.io/v1alpha1`), reconciled by mirroring:
//! each legacy Issuer, ClusterIssuer and Certificate gets a v1 object of the
//! same name (labelled as a mirror, owned by the legacy object; the v1
//! issuer carries the solvers from the legacy Certificates that reference
//! it, through `passerelle_crds::convert`), which the v1 controllers issue
//! from; the v1 status is copied back onto the legacy object. So one code
//! path serves both APIs, and `kubectl describe certificate NAME` (which
//! resolves to `cert-manager.io`) shows the issuance of a legacy
//! Certificate. A user's own v1 object of the same name is never
//! overwritten: the clash is reported on the legacy object.

mod status;

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Resource, ResourceExt};
use passerelle_crds::constants::FIELD_MANAGER;
use passerelle_crds::constants::annotations::LEGACY_MIRROR_LABEL;
use passerelle_crds::convert::{self, convert_certificate};
use passerelle_crds::v1::{Certificate, ClusterIssuer, Issuer};
use passerelle_crds::v1alpha1::{LegacyCertificate, LegacyClusterIssuer, LegacyIssuer};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::events::EventType;
use crate::reconcile::{error_policy, key};

/// How often a mirror is checked when nothing changes.
const RECHECK: Duration = Duration::from_secs(600);

/// What became of a mirror write.
enum Mirrored<K> {
    /// The v1 object is the mirror, as it now is.
    Written(K),
    /// A v1 object of that name exists and is not a mirror.
    Clash,
}

/// Writes `mirror` (a v1 object converted from `legacy`) by server-side
/// apply, labelled and owned by `legacy`, unless a v1 object of that name
/// exists that is not a mirror.
async fn write_mirror<L, V>(ctx: &Context, legacy: &L, mirror: &V) -> Result<Mirrored<V>>
where
    L: Resource<DynamicType = ()>,
    V: Resource<DynamicType = ()> + Clone + DeserializeOwned + Serialize + Debug,
{
    let name = legacy.name_any();
    let url = V::url_path(&(), legacy.namespace().as_deref());
    let get = kube::core::Request::new(&url)
        .get(&name, &Default::default())
        .map_err(|e| Error::Get {
            kind: crate::reconcile::kind_of::<V>(),
            name: key(legacy),
            source: kube::Error::BuildRequest(e),
        })?;
    match ctx.client.request::<V>(get).await {
        Ok(existing) => {
            let is_mirror = existing
                .labels()
                .get(LEGACY_MIRROR_LABEL)
                .is_some_and(|v| v == "true");
            if !is_mirror {
                return Ok(Mirrored::Clash);
            }
        }
        Err(e) if crate::error::is_not_found(&e) => {}
        Err(source) => {
            return Err(Error::Get {
                kind: crate::reconcile::kind_of::<V>(),
                name: key(legacy),
                source,
            });
        }
    }
    let mut body = serde_json::to_value(mirror).unwrap_or_default();
    if let Some(map) = body.as_object_mut() {
        map.remove("status");
    }
    body["apiVersion"] = json!(V::api_version(&()));
    body["kind"] = json!(V::kind(&()));
    body["metadata"]["labels"][LEGACY_MIRROR_LABEL] = json!("true");
    body["metadata"]["ownerReferences"] = json!([legacy.controller_owner_ref(&())]);
    let patch = kube::core::Request::new(&url)
        .patch(
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(&body),
        )
        .map_err(|e| Error::Write {
            kind: crate::reconcile::kind_of::<V>(),
            name: key(legacy),
            source: kube::Error::BuildRequest(e),
        })?;
    let written = ctx
        .client
        .request::<V>(patch)
        .await
        .map_err(|source| Error::Write {
            kind: crate::reconcile::kind_of::<V>(),
            name: key(legacy),
            source,
        })?;
    Ok(Mirrored::Written(written))
}

async fn clash<L: Resource<DynamicType = ()>>(ctx: &Context, legacy: &L, kind: &str) -> String {
    let message = format!(
        "A cert-manager.io/v1 {kind} named {} already exists and is not a mirror of this legacy {kind}: it is left \
         unchanged and this legacy {kind} is not reconciled. Rename one of them, or remove the legacy object once \
         the v1 one replaces it.",
        legacy.name_any()
    );
    ctx.recorder
        .publish(legacy, EventType::Warning, "NameClash", &message)
        .await;
    message
}

/// What mirroring needs from a legacy Issuer or ClusterIssuer.
trait LegacyIssuerKind: status::LegacyIssuerObject + Send + Sync + 'static {
    /// The kind, as an issuerRef names it.
    const KIND: &'static str;
    /// The v1 kind it is mirrored into.
    type Mirror: Resource<DynamicType = ()> + Clone + DeserializeOwned + Serialize + Debug;
    /// Where the Certificates that may reference it live.
    fn certificates(&self, client: kube::Client) -> Api<LegacyCertificate>;
    /// The conversion with the Certificates that reference it.
    fn convert(&self, certificates: Vec<&LegacyCertificate>) -> Result<Self::Mirror, convert::Error>;
    /// The mirror's status.
    fn mirror_status(mirror: &Self::Mirror) -> Option<&passerelle_crds::v1::IssuerStatus>;
}

impl LegacyIssuerKind for LegacyIssuer {
    const KIND: &'static str = "Issuer";
    type Mirror = Issuer;
    fn certificates(&self, client: kube::Client) -> Api<LegacyCertificate> {
        Api::namespaced(client, &self.namespace().unwrap_or_default())
    }
    fn convert(&self, certificates: Vec<&LegacyCertificate>) -> Result<Issuer, convert::Error> {
        convert::convert_issuer(self, certificates).map(|c| c.issuer)
    }
    fn mirror_status(mirror: &Issuer) -> Option<&passerelle_crds::v1::IssuerStatus> {
        mirror.status.as_ref()
    }
}

impl LegacyIssuerKind for LegacyClusterIssuer {
    const KIND: &'static str = "ClusterIssuer";
    type Mirror = ClusterIssuer;
    fn certificates(&self, client: kube::Client) -> Api<LegacyCertificate> {
        Api::all(client)
    }
    fn convert(&self, certificates: Vec<&LegacyCertificate>) -> Result<ClusterIssuer, convert::Error> {
        convert::convert_cluster_issuer(self, certificates).map(|c| c.issuer)
    }
    fn mirror_status(mirror: &ClusterIssuer) -> Option<&passerelle_crds::v1::IssuerStatus> {
        mirror.status.as_ref()
    }
}

/// Mirrors a legacy issuer, with the solvers of the legacy Certificates
/// that reference it, and copies the mirror's status back.
async fn legacy_issuer<L: LegacyIssuerKind>(issuer: Arc<L>, ctx: Arc<Context>) -> Result<Action> {
    if !ctx.is_active() {
        return Ok(Action::requeue(Duration::from_secs(15)));
    }
    let certs = issuer
        .certificates(ctx.client.clone())
        .list(&ListParams::default())
        .await
        .map_err(|source| Error::List {
            kind: "Certificate",
            source,
        })?;
    let referencing: Vec<&LegacyCertificate> = certs
        .items
        .iter()
        .filter(|c| {
            c.spec.issuer_ref.name == issuer.name_any()
                && c.spec.issuer_ref.kind.as_deref().unwrap_or("Issuer") == L::KIND
        })
        .collect();
    let converted = match issuer.convert(referencing) {
        Ok(c) => c,
        Err(e) => {
            return status::issuer_failed(&ctx, issuer.as_ref(), "ConversionFailed", &e.to_string()).await;
        }
    };
    match write_mirror(&ctx, issuer.as_ref(), &converted).await? {
        Mirrored::Clash => {
            let message = clash(&ctx, issuer.as_ref(), L::KIND).await;
            status::issuer_failed(&ctx, issuer.as_ref(), "NameClash", &message).await
        }
        Mirrored::Written(mirror) => {
            status::copy_issuer(&ctx, issuer.as_ref(), L::mirror_status(&mirror)).await?;
            Ok(Action::requeue(RECHECK))
        }
    }
}

async fn legacy_certificate(cert: Arc<LegacyCertificate>, ctx: Arc<Context>) -> Result<Action> {
    if !ctx.is_active() {
        return Ok(Action::requeue(Duration::from_secs(15)));
    }
    let mirror = convert_certificate(&cert);
    match write_mirror::<_, Certificate>(&ctx, cert.as_ref(), &mirror).await? {
        Mirrored::Clash => {
            let message = clash(&ctx, cert.as_ref(), "Certificate").await;
            status::certificate_failed(&ctx, cert.as_ref(), "NameClash", &message).await
        }
        Mirrored::Written(mirror) => {
            status::copy_certificate(&ctx, cert.as_ref(), mirror.status.as_ref()).await?;
            Ok(Action::requeue(RECHECK))
        }
    }
}

fn issuer_of(cert: &LegacyCertificate, cluster: bool) -> Option<(String, Option<String>)> {
    let kind = cert.spec.issuer_ref.kind.as_deref().unwrap_or("Issuer");
    ((kind == "ClusterIssuer") == cluster).then(|| (cert.spec.issuer_ref.name.clone(), cert.namespace()))
}

/// Runs the three mirroring controllers until the process stops.
pub async fn run(ctx: Arc<Context>) {
    let client = ctx.client.clone();
    let config = || watcher::Config::default();
    let issuers = Controller::new(Api::<LegacyIssuer>::all(client.clone()), config())
        .owns(
            Api::<Issuer>::all(client.clone()),
            config().labels(&format!("{LEGACY_MIRROR_LABEL}=true")),
        )
        .watches(Api::<LegacyCertificate>::all(client.clone()), config(), |c| {
            issuer_of(&c, false)
                .and_then(|(name, ns)| ns.map(|ns| ObjectRef::<LegacyIssuer>::new(&name).within(&ns)))
        })
        .run(
            legacy_issuer::<LegacyIssuer>,
            error_policy::<LegacyIssuer>,
            ctx.clone(),
        )
        .for_each(|_| futures::future::ready(()));
    let cluster_issuers = Controller::new(Api::<LegacyClusterIssuer>::all(client.clone()), config())
        .owns(
            Api::<ClusterIssuer>::all(client.clone()),
            config().labels(&format!("{LEGACY_MIRROR_LABEL}=true")),
        )
        .watches(Api::<LegacyCertificate>::all(client.clone()), config(), |c| {
            issuer_of(&c, true).map(|(name, _)| ObjectRef::<LegacyClusterIssuer>::new(&name))
        })
        .run(
            legacy_issuer::<LegacyClusterIssuer>,
            error_policy::<LegacyClusterIssuer>,
            ctx.clone(),
        )
        .for_each(|_| futures::future::ready(()));
    let certificates = Controller::new(Api::<LegacyCertificate>::all(client.clone()), config())
        .owns(
            Api::<Certificate>::all(client.clone()),
            config().labels(&format!("{LEGACY_MIRROR_LABEL}=true")),
        )
        .run(legacy_certificate, error_policy::<LegacyCertificate>, ctx.clone())
        .for_each(|_| futures::future::ready(()));
    futures::join!(issuers, cluster_issuers, certificates);
}
