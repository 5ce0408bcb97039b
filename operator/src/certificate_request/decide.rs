//! What to do next for a CertificateRequest, decided from the request, its
//! issuer, its CSR and its Order, and the time — no client, no clock. It
//! follows cert-manager: the built-in approver approves; a request for an
//! issuer outside `cert-manager.io` is left to that issuer's controller;
//! a missing or unready issuer leaves it Pending; an ACME issuer gets an
//! Order (RFC 8555 §7.4) named after a stable hash of its spec, whose
//! certificate becomes the request's; other issuer types fail with a
//! message that says Passerelle does not support them yet.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use passerelle_crds::acme::order::State;
use passerelle_crds::acme::{AcmeIssuer, Order};
use passerelle_crds::constants::{GROUP, conditions, reasons};
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::certificate_request::CertificateRequestCondition;
use passerelle_crds::v1::issuer::IssuerType;
use passerelle_crds::v1::{CertificateRequest, CertificateRequestStatus};
use passerelle_crds::validate;

mod order;

pub use self::order::{build_order, order_name};
use super::observe::{IssuerLookup, Observed, issuer_kind};
use crate::clock::to_second;

/// The approver's condition message (cert-manager's built-in approver).
pub const APPROVED_MESSAGE: &str = "Certificate request has been approved by cert-manager.io";
/// `Ready=True`'s message.
pub const READY_MESSAGE: &str = "Certificate fetched from issuer successfully";
/// `Ready=False` (`Denied`)'s message.
pub const DENIED_MESSAGE: &str = "The CertificateRequest was denied by an approval controller";
/// Reason of `Ready` when issued.
pub const ISSUED: &str = "Issued";
/// Reason of `Ready` when denied.
pub const DENIED: &str = "Denied";

/// One step for a CertificateRequest; each variant is one kind of side
/// effect.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Nothing to do: final, or for another issuer's controller.
    Skip,
    /// Approve it (`Approved=True`, reason `cert-manager.io`) and record an
    /// Event.
    Approve {
        /// The status to write.
        status: Box<CertificateRequestStatus>,
    },
    /// It was denied: `Ready=False` (`Denied`), `failureTime`.
    MarkDenied {
        /// The status to write.
        status: Box<CertificateRequestStatus>,
    },
    /// Waiting (for the issuer, or the Order): `Ready=False` (`Pending`),
    /// and an Event the first time.
    Pending {
        /// The status to write.
        status: Box<CertificateRequestStatus>,
        /// The Event's reason (`IssuerNotFound`, `OrderPending`, …).
        reason: &'static str,
        /// The message.
        message: String,
    },
    /// It cannot be issued: `Ready=False` (`Failed`), `failureTime`, a
    /// Warning Event.
    Fail {
        /// The status to write.
        status: Box<CertificateRequestStatus>,
        /// The Event's reason (`OrderFailed`, `NotSupported`, …).
        reason: &'static str,
        /// The message.
        message: String,
    },
    /// Create the ACME Order (persisted before anything else happens).
    CreateOrder {
        /// The Order.
        order: Box<Order>,
    },
    /// Delete an Order whose certificate is not for the CSR's key, or that
    /// an earlier request of the same name left behind.
    DeleteOrder {
        /// Its name.
        name: String,
    },
    /// The Order's certificate is the request's: `Ready=True` (`Issued`).
    Issued {
        /// The status to write.
        status: Box<CertificateRequestStatus>,
    },
}

/// Decides the next step for `cr`.
pub fn decide(cr: &CertificateRequest, observed: &Observed, now: Timestamp) -> Decision {
    let current = cr.status.clone().unwrap_or_default();
    // The built-in approver approves every request, whatever its issuer
    // (cert-manager's does, unless disabled).
    let (approved, denied) = (
        is_true(&current, conditions::APPROVED),
        is_true(&current, conditions::DENIED),
    );
    if !approved && !denied {
        let mut status = current;
        set(
            &mut status,
            conditions::APPROVED,
            ConditionStatus::True,
            reasons::CERT_MANAGER_APPROVED,
            APPROVED_MESSAGE,
            now,
        );
        return Decision::Approve {
            status: Box::new(status),
        };
    }
    let group = cr.spec.issuer_ref.group.as_deref().unwrap_or_default();
    if !group.is_empty() && group != GROUP {
        return Decision::Skip;
    }
    if denied {
        if ready_reason(&current) == Some(DENIED) {
            return Decision::Skip;
        }
        let mut status = current;
        set(
            &mut status,
            conditions::READY,
            ConditionStatus::False,
            DENIED,
            DENIED_MESSAGE,
            now,
        );
        status.failure_time.get_or_insert(Time(to_second(now)));
        return Decision::MarkDenied {
            status: Box::new(status),
        };
    }
    if is_final(cr) {
        return Decision::Skip;
    }
    let errors = validate::certificate_request(cr);
    if !errors.is_empty() {
        return fail(&current, reasons::BAD_CONFIG, validate::summary(&errors), now);
    }
    let (config, ready) = match &observed.issuer {
        IssuerLookup::NotFound { message } => {
            let message = format!("Referenced {:?} not found: {message}", issuer_kind(cr));
            return pending(&current, reasons::ISSUER_NOT_FOUND, message, now);
        }
        IssuerLookup::Found { config, ready } => (config, *ready),
    };
    // The type is checked before readiness: an issuer of a type Passerelle
    // does not run is never Ready, and "not ready" would hide why.
    match config.types().first() {
        None => {
            return pending(
                &current,
                "IssuerTypeMissing",
                "Missing issuer type: no issuer type is configured".into(),
                now,
            );
        }
        Some(IssuerType::Acme) => {}
        Some(other) => {
            let message = format!(
                "issuer type {} is not supported by Passerelle yet",
                type_name(*other)
            );
            return fail(&current, reasons::NOT_SUPPORTED, message, now);
        }
    }
    if !ready {
        return pending(
            &current,
            reasons::ISSUER_NOT_READY,
            "Referenced issuer does not have a Ready status condition".into(),
            now,
        );
    }
    let Some(acme) = &config.acme else {
        return Decision::Skip;
    };
    acme_step(cr, &current, observed, acme, now)
}

/// The ACME issuer's steps: check the CSR, create the Order, follow it.
fn acme_step(
    cr: &CertificateRequest,
    current: &CertificateRequestStatus,
    observed: &Observed,
    acme: &AcmeIssuer,
    now: Timestamp,
) -> Decision {
    let csr = match &observed.csr {
        Ok(csr) => csr,
        Err(e) => {
            return fail(
                current,
                "RequestParsingError",
                format!("Failed to decode CSR in spec.request: {e}"),
                now,
            );
        }
    };
    let ips: Vec<String> = csr.names.ip_addresses.iter().map(ToString::to_string).collect();
    if let Some(cn) = csr.names.common_name.as_deref().filter(|cn| !cn.is_empty())
        && !csr.names.dns_names.iter().any(|d| d == cn)
        && !ips.iter().any(|ip| ip == cn)
    {
        let message = format!(
            "The CSR PEM requests a commonName that is not present in the list of dnsNames or ipAddresses. If a commonName is set, ACME requires that the value is also present in the list of dnsNames or ipAddresses: {cn:?} does not exist in [{}] or [{}]",
            csr.names.dns_names.join(" "),
            ips.join(" ")
        );
        return fail(current, "InvalidOrder", message, now);
    }
    let namespace = cr.namespace().unwrap_or_default();
    let Some(order) = &observed.order else {
        return Decision::CreateOrder {
            order: Box::new(build_order(cr, csr, acme)),
        };
    };
    if order.stale {
        return Decision::DeleteOrder {
            name: order.name.clone(),
        };
    }
    if !order.controlled {
        let message = format!(
            "Found Order {namespace}/{} that is not owned by this CertificateRequest, retrying",
            order.name
        );
        return pending(current, "OrderGetError", message, now);
    }
    match order.state {
        Some(state @ (State::Invalid | State::Expired | State::Errored)) => {
            let message = format!(
                "Failed to wait for order resource {:?} to become ready: order is in {:?} state: {}",
                order.name,
                state.as_str(),
                order.reason.clone().unwrap_or_default()
            );
            fail(current, reasons::ORDER_FAILED, message, now)
        }
        Some(State::Valid) => match order.certificate.as_deref().filter(|c| !c.is_empty()) {
            None => pending(
                current,
                "OrderPending",
                format!(
                    "Waiting for order-controller to add certificate data to Order {namespace}/{}",
                    order.name
                ),
                now,
            ),
            // A chain for another key (or unreadable) would never serve:
            // the Order is made again.
            Some(_) if !order.certificate_matches => Decision::DeleteOrder {
                name: order.name.clone(),
            },
            Some(certificate) => {
                let mut status = current.clone();
                status.certificate = Some(certificate.to_string());
                status.ca = None;
                set(
                    &mut status,
                    conditions::READY,
                    ConditionStatus::True,
                    ISSUED,
                    READY_MESSAGE,
                    now,
                );
                Decision::Issued {
                    status: Box::new(status),
                }
            }
        },
        state => {
            let state = state.map(State::as_str).unwrap_or_default();
            let message = format!(
                "Waiting on certificate issuance from order {namespace}/{}: {state:?}",
                order.name
            );
            pending(current, "OrderPending", message, now)
        }
    }
}

/// Whether a request will not change any more: issued, failed, denied or
/// invalid.
pub fn is_final(cr: &CertificateRequest) -> bool {
    let status = cr.status.clone().unwrap_or_default();
    matches!(
        ready_reason(&status),
        Some(ISSUED | DENIED) | Some(reasons::FAILED)
    ) || is_true(&status, conditions::DENIED)
        || is_true(&status, conditions::INVALID_REQUEST)
}

/// The issuer type, as messages name it.
fn type_name(t: IssuerType) -> &'static str {
    match t {
        IssuerType::Acme => "ACME",
        IssuerType::Ca => "CA",
        IssuerType::Vault => "Vault",
        IssuerType::SelfSigned => "SelfSigned",
        IssuerType::Venafi => "Venafi",
    }
}

fn pending(
    current: &CertificateRequestStatus,
    reason: &'static str,
    message: String,
    now: Timestamp,
) -> Decision {
    let mut status = current.clone();
    set(
        &mut status,
        conditions::READY,
        ConditionStatus::False,
        reasons::PENDING,
        &message,
        now,
    );
    Decision::Pending {
        status: Box::new(status),
        reason,
        message,
    }
}

fn fail(
    current: &CertificateRequestStatus,
    reason: &'static str,
    message: String,
    now: Timestamp,
) -> Decision {
    let mut status = current.clone();
    set(
        &mut status,
        conditions::READY,
        ConditionStatus::False,
        reasons::FAILED,
        &message,
        now,
    );
    status.failure_time.get_or_insert(Time(to_second(now)));
    Decision::Fail {
        status: Box::new(status),
        reason,
        message,
    }
}

/// The reason of the `Ready` condition.
pub fn ready_reason(status: &CertificateRequestStatus) -> Option<&str> {
    condition(status, conditions::READY).and_then(|c| c.reason.as_deref())
}

fn condition<'a>(
    status: &'a CertificateRequestStatus,
    type_: &str,
) -> Option<&'a CertificateRequestCondition> {
    status.conditions.as_ref()?.iter().find(|c| c.type_ == type_)
}

fn is_true(status: &CertificateRequestStatus, type_: &str) -> bool {
    condition(status, type_).is_some_and(|c| c.status == ConditionStatus::True)
}

/// Merges a condition by type; its transition time moves only when its
/// status flips.
fn set(
    status: &mut CertificateRequestStatus,
    type_: &str,
    value: ConditionStatus,
    reason: &str,
    message: &str,
    now: Timestamp,
) {
    let now = Time(to_second(now));
    let list = status.conditions.get_or_insert_with(Vec::new);
    match list.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != value || c.last_transition_time.is_none() {
                c.last_transition_time = Some(now);
            }
            c.status = value;
            c.reason = Some(reason.to_string());
            c.message = Some(message.to_string());
        }
        None => list.push(CertificateRequestCondition {
            type_: type_.to_string(),
            status: value,
            last_transition_time: Some(now),
            reason: Some(reason.to_string()),
            message: Some(message.to_string()),
        }),
    }
}
