//! The ACME account behind an Order or a Challenge: its issuer (an Issuer in
//! the object's namespace, or a ClusterIssuer), whether that issuer is
//! ready, and the account key in the issuer's Secret. The Issuer controller
//! registers the account (RFC 8555 §7.3) and records its URL in
//! `status.acme.uri`; this module only reads what it wrote.

use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use passerelle_crds::acme::AcmeIssuer;
use passerelle_crds::constants::GROUP;
use passerelle_crds::constants::conditions::READY;
use passerelle_crds::meta::IssuerReference;
use passerelle_crds::v1::{ClusterIssuer, Issuer, IssuerConfig, IssuerStatus};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::issuer::decide::usable_key;
use crate::issuer::observe::{account_key_name, secret_keys};

/// What was found of the issuer an object refers to.
#[derive(Clone, Debug, PartialEq)]
pub enum IssuerLookup {
    /// No such Issuer or ClusterIssuer (yet).
    Missing {
        /// `Issuer foo` or `ClusterIssuer foo`, for messages.
        what: String,
    },
    /// The issuer exists but is not an ACME issuer, or belongs to another
    /// API group (an external issuer): it never places ACME orders.
    NotAcme {
        /// For messages.
        what: String,
    },
    /// An ACME issuer that is not Ready or has no account URL yet.
    NotReady {
        /// For messages.
        what: String,
        /// Its Ready condition's message, when it has one.
        message: String,
    },
    /// A Ready ACME issuer with a registered account.
    Ready {
        /// For messages.
        what: String,
        /// `spec.acme`.
        acme: Box<AcmeIssuer>,
        /// `status.acme.uri`: the account URL.
        account_url: String,
        /// Where its Secrets live.
        secret_namespace: String,
    },
}

/// Reads the issuer `issuer_ref` names for an object of `namespace`.
pub async fn lookup(ctx: &Context, namespace: &str, issuer_ref: &IssuerReference) -> Result<IssuerLookup> {
    let kind = issuer_ref.kind.as_deref().unwrap_or("Issuer");
    let what = format!("{kind} {}", issuer_ref.name);
    if issuer_ref
        .group
        .as_deref()
        .is_some_and(|g| !g.is_empty() && g != GROUP)
        || !matches!(kind, "Issuer" | "ClusterIssuer")
    {
        return Ok(IssuerLookup::NotAcme { what });
    }
    let found: Option<(IssuerConfig, Option<IssuerStatus>, String)> = if kind == "ClusterIssuer" {
        let api: Api<ClusterIssuer> = Api::all(ctx.client.clone());
        api.get_opt(&issuer_ref.name)
            .await
            .map_err(|source| Error::Get {
                kind: "ClusterIssuer",
                name: issuer_ref.name.clone(),
                source,
            })?
            .map(|i| {
                (
                    i.spec.config,
                    i.status,
                    ctx.config.cluster_resource_namespace.clone(),
                )
            })
    } else {
        let api: Api<Issuer> = Api::namespaced(ctx.client.clone(), namespace);
        api.get_opt(&issuer_ref.name)
            .await
            .map_err(|source| Error::Get {
                kind: "Issuer",
                name: format!("{namespace}/{}", issuer_ref.name),
                source,
            })?
            .map(|i| (i.spec.config, i.status, namespace.to_string()))
    };
    Ok(classify(what, found))
}

/// Classifies a fetched issuer (pure, for tests).
pub fn classify(what: String, found: Option<(IssuerConfig, Option<IssuerStatus>, String)>) -> IssuerLookup {
    let Some((config, status, secret_namespace)) = found else {
        return IssuerLookup::Missing { what };
    };
    let Some(acme) = config.acme else {
        return IssuerLookup::NotAcme { what };
    };
    let ready = status
        .as_ref()
        .and_then(|s| crate::conditions::get(&s.conditions, READY));
    let account_url = status
        .as_ref()
        .and_then(|s| s.acme.as_ref())
        .and_then(|a| a.uri.clone())
        .filter(|u| !u.is_empty());
    match (ready, account_url) {
        (Some(c), Some(account_url)) if c.status == passerelle_crds::meta::ConditionStatus::True => {
            IssuerLookup::Ready {
                what,
                acme: Box::new(acme),
                account_url,
                secret_namespace,
            }
        }
        (c, _) => IssuerLookup::NotReady {
            what,
            message: c.and_then(|c| c.message.clone()).unwrap_or_default(),
        },
    }
}

/// Reads the account key of a ready issuer, exactly as the Issuer
/// controller chose it when it registered the account: the P-256 `tls.key`,
/// else the P-256 key it added beside an RSA one. `Ok(None)` when the
/// Secret or a usable key is missing (the Issuer controller will write it).
pub async fn account_key(
    ctx: &Context,
    acme: &AcmeIssuer,
    secret_namespace: &str,
) -> Result<Option<Vec<u8>>> {
    let name = &acme.private_key_secret_ref.name;
    let secret = Api::<Secret>::namespaced(ctx.client.clone(), secret_namespace)
        .get_opt(name)
        .await
        .map_err(|source| Error::Get {
            kind: "Secret",
            name: format!("{secret_namespace}/{name}"),
            source,
        })?;
    Ok(secret.and_then(|s| usable_key(&secret_keys(&s, account_key_name(acme))).cloned()))
}

/// Whether an ACME failure says the CA does not know the account (RFC 8555
/// §7.3.1 `accountDoesNotExist`), e.g. after a test CA restarted.
pub fn is_account_unknown(error: &Error) -> bool {
    problem_type_is(error, "accountDoesNotExist")
}

/// Whether an ACME failure is the problem `urn:ietf:params:acme:error:<kind>`.
pub fn problem_type_is(error: &Error, kind: &str) -> bool {
    error
        .acme_problem()
        .and_then(|p| p.r#type.as_deref())
        .and_then(|t| t.rsplit(':').next())
        .is_some_and(|t| t == kind)
}

/// An ACME problem as one line, `detail (type)`, for `status.reason`
/// (RFC 8555 §6.7). Subproblems name their identifiers.
pub fn describe_problem(problem: &instant_acme::Problem) -> String {
    let mut out = problem.detail.clone().unwrap_or_else(|| "no detail".into());
    if let Some(kind) = &problem.r#type {
        out.push_str(&format!(" ({kind})"));
    }
    for sub in &problem.subproblems {
        out.push_str(&format!("; {sub}"));
    }
    out
}
