//! What the CertificateRequest controller reads before deciding: the
//! issuer the request names (an Issuer of its namespace or a
//! ClusterIssuer), the CSR it carries, and the Order made for it. Reads
//! only; the CSR and the Order's certificate are parsed here so that
//! `decide` works on plain values.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kube::ResourceExt;
use kube::api::Api;
use passerelle_crds::acme::Order;
use passerelle_crds::acme::order::State;
use passerelle_crds::defaults;
use passerelle_crds::v1::{CertificateRequest, ClusterIssuer, Issuer, IssuerConfig};

use crate::conditions;
use crate::context::Context;
use crate::error::{Error, Result, is_not_found};
use crate::pki::{self, ParsedCsr};

/// Everything `decide` looks at besides the CertificateRequest.
#[derive(Clone, Debug)]
pub struct Observed {
    /// The issuer named by `spec.issuerRef`.
    pub issuer: IssuerLookup,
    /// The CSR of `spec.request`, or why it cannot be read.
    pub csr: Result<ParsedCsr, String>,
    /// The Order made for the request, when the issuer is ACME and it
    /// exists.
    pub order: Option<OrderFacts>,
}

/// The issuer named by a request.
#[derive(Clone, Debug, PartialEq)]
pub enum IssuerLookup {
    /// It does not exist; the API server's message (`issuer.cert-manager.io
    /// "le" not found`).
    NotFound {
        /// The message.
        message: String,
    },
    /// It exists.
    Found {
        /// Its configuration.
        config: Box<IssuerConfig>,
        /// Whether its `Ready` condition is True.
        ready: bool,
    },
}

/// The Order of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderFacts {
    /// Name.
    pub name: String,
    /// Whether the request controls it.
    pub controlled: bool,
    /// Whether it belongs to an earlier request of the same name (deleted
    /// and made again, whose Order the garbage collector has not removed
    /// yet): it is in the way and is deleted.
    pub stale: bool,
    /// Its state.
    pub state: Option<State>,
    /// Why it is in that state.
    pub reason: Option<String>,
    /// The issued chain as the Order holds it (base64 of the PEM).
    pub certificate: Option<String>,
    /// Whether that chain's leaf carries the CSR's public key (false when
    /// it cannot be read).
    pub certificate_matches: bool,
}

/// Reads the issuer, the CSR and the Order.
pub async fn observe(cr: &CertificateRequest, ctx: &Context) -> Result<Observed> {
    let namespace = cr.namespace().unwrap_or_default();
    let issuer = lookup_issuer(cr, ctx, &namespace).await?;
    let csr = pki::Csr::from_request_field(&cr.spec.request)
        .and_then(|c| c.parse())
        .map_err(|e| crate::reconcile::error_chain(&e));
    let acme = match &issuer {
        IssuerLookup::Found { config, .. } => config.acme.clone(),
        IssuerLookup::NotFound { .. } => None,
    };
    let order = match (acme, &csr) {
        (Some(acme), Ok(parsed)) => {
            let expected = super::decide::build_order(cr, parsed, &acme);
            let api: Api<Order> = Api::namespaced(ctx.client.clone(), &namespace);
            let name = expected.name_any();
            match api.get(&name).await {
                Ok(order) => Some(order_facts(&order, cr, parsed)),
                Err(e) if is_not_found(&e) => None,
                Err(source) => {
                    return Err(Error::Get {
                        kind: "Order",
                        name: format!("{namespace}/{name}"),
                        source,
                    });
                }
            }
        }
        _ => None,
    };
    Ok(Observed { issuer, csr, order })
}

/// GETs the Issuer or ClusterIssuer of `spec.issuerRef`.
async fn lookup_issuer(cr: &CertificateRequest, ctx: &Context, namespace: &str) -> Result<IssuerLookup> {
    let reference = defaults::issuer_ref(&cr.spec.issuer_ref);
    let name = reference.name.clone();
    let found =
        |config: IssuerConfig, conds: &Option<Vec<passerelle_crds::meta::Condition>>| IssuerLookup::Found {
            config: Box::new(config),
            ready: conditions::is_true(conds, passerelle_crds::constants::conditions::READY),
        };
    let failed = |kind, source| Error::Get {
        kind,
        name: name.clone(),
        source,
    };
    if reference.kind.as_deref() == Some("ClusterIssuer") {
        let api: Api<ClusterIssuer> = Api::all(ctx.client.clone());
        return match api.get(&name).await {
            Ok(i) => Ok(found(
                i.spec.config.clone(),
                &i.status.as_ref().and_then(|s| s.conditions.clone()),
            )),
            Err(e) if is_not_found(&e) => Ok(IssuerLookup::NotFound {
                message: not_found_message(&e, "clusterissuer", &name),
            }),
            Err(source) => Err(failed("ClusterIssuer", source)),
        };
    }
    let api: Api<Issuer> = Api::namespaced(ctx.client.clone(), namespace);
    match api.get(&name).await {
        Ok(i) => Ok(found(
            i.spec.config.clone(),
            &i.status.as_ref().and_then(|s| s.conditions.clone()),
        )),
        Err(e) if is_not_found(&e) => Ok(IssuerLookup::NotFound {
            message: not_found_message(&e, "issuer", &name),
        }),
        Err(source) => Err(failed("Issuer", source)),
    }
}

/// The API server's message of a 404, or the same wording made here.
fn not_found_message(e: &kube::Error, resource: &str, name: &str) -> String {
    match e {
        kube::Error::Api(status) if !status.message.is_empty() => status.message.clone(),
        _ => format!("{resource}.cert-manager.io {name:?} not found"),
    }
}

/// What an Order says, and whether its certificate is for the CSR's key.
pub fn order_facts(order: &Order, cr: &CertificateRequest, csr: &ParsedCsr) -> OrderFacts {
    let status = order.status.clone().unwrap_or_default();
    let certificate_matches = status
        .certificate
        .as_deref()
        .and_then(|b64| STANDARD.decode(b64.trim()).ok())
        .and_then(|pem| String::from_utf8(pem).ok())
        .and_then(|pem| pki::parse_chain(&pem).ok())
        .and_then(|chain| chain.into_iter().next())
        .is_some_and(|leaf| leaf.public_key_der == csr.public_key_der);
    let uid = cr.uid().unwrap_or_default();
    OrderFacts {
        name: order.name_any(),
        controlled: order
            .owner_references()
            .iter()
            .any(|r| r.uid == uid && r.controller == Some(true)),
        stale: order
            .owner_references()
            .iter()
            .any(|r| r.kind == "CertificateRequest" && r.name == cr.name_any() && r.uid != uid),
        state: status.state,
        reason: status.reason,
        certificate: status.certificate,
        certificate_matches,
    }
}

/// The requests to look at again when an issuer changes: those naming it
/// that are not final yet.
pub fn requests_of_issuer<'a>(
    requests: impl Iterator<Item = &'a CertificateRequest>,
    kind: &str,
    name: &str,
    namespace: Option<&str>,
) -> Vec<kube::runtime::reflector::ObjectRef<CertificateRequest>> {
    requests
        .filter(|cr| {
            let r = defaults::issuer_ref(&cr.spec.issuer_ref);
            r.name == name
                && r.kind.as_deref() == Some(kind)
                && namespace.is_none_or(|ns| cr.namespace().as_deref() == Some(ns))
                && !super::decide::is_final(cr)
        })
        .map(kube::runtime::reflector::ObjectRef::from_obj)
        .collect()
}

/// The kind of the issuer a request names, for messages (`Issuer`).
pub fn issuer_kind(cr: &CertificateRequest) -> String {
    defaults::issuer_ref(&cr.spec.issuer_ref).kind.unwrap_or_default()
}
