//! The inputs and outputs of [`super::build`]: the observed objects and the
//! class option in; the table, the Ingresses served, their TLS Secrets and
//! diagnostics out.

use std::sync::Arc;

use k8s_openapi::api::core::v1::Service as KubeService;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};

use crate::routing::{ObjectKey, RouteTable};

/// Which Ingress class this proxy serves (`--ingress-class`, or the config
/// file's `[kubernetes] ingressClass`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassFilter {
    /// The class; `None` (or empty) serves Ingresses without a class and those
    /// of class `traefik`, as Traefik 1.x did.
    pub ingress_class: Option<String>,
}

/// What the table is built from: the provider's caches (any order).
#[derive(Clone, Copy, Debug)]
pub struct BuildInput<'a> {
    /// Ingresses (networking.k8s.io/v1), of every class.
    pub ingresses: &'a [Arc<Ingress>],
    /// IngressClasses.
    pub ingress_classes: &'a [Arc<IngressClass>],
    /// Services.
    pub services: &'a [Arc<KubeService>],
    /// EndpointSlices (discovery.k8s.io/v1).
    pub endpoint_slices: &'a [Arc<EndpointSlice>],
    /// The class option.
    pub class_filter: &'a ClassFilter,
    /// The names of the configured entry points, when known: a
    /// `frontend-entry-points` annotation naming another is reported.
    pub entry_points: Option<&'a [String]>,
}

/// A TLS Secret a served Ingress lists under `spec.tls`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsRef {
    /// The Ingress.
    pub ingress: ObjectKey,
    /// The Secret (in the Ingress's namespace).
    pub secret: ObjectKey,
    /// The hosts the Secret's certificate may serve: those the entry lists
    /// or, when it lists none, those of the Ingress's rules (lower-cased,
    /// `*.example.com` for a wildcard). Empty when neither has any.
    pub hosts: Vec<String>,
}

/// Something in an object that is not served as written: to log once and
/// report as an Event on the object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The object.
    pub object: ObjectKey,
    /// Its kind: `"Ingress"` or `"Service"`.
    pub kind: &'static str,
    /// The Event reason (`UnsupportedAnnotation`, `AccessControlUnsupported`,
    /// `InvalidAnnotation`, `InvalidHost`, `InvalidPath`, `InvalidBackend`,
    /// `ServiceNotFound`, `ServicePortNotFound`, `PathConflict`,
    /// `DefaultBackendConflict`, `InvalidService`, `UnsupportedEndpoints`,
    /// `ConflictingAnnotation`, `TLSSecretWithoutHosts`).
    pub reason: String,
    /// What happened, for a human.
    pub message: String,
    /// `true` when the object is served anyway (degraded or with something
    /// ignored); `false` when some or all of it is not served.
    pub warning: bool,
}

/// What [`super::build`] produces.
#[derive(Debug, Default)]
pub struct BuildOutput {
    /// The routes of every served Ingress.
    pub table: RouteTable,
    /// The Ingresses served (status is published on these only), sorted.
    pub served: Vec<ObjectKey>,
    /// The TLS Secrets of the served Ingresses, oldest Ingress first.
    pub tls: Vec<TlsRef>,
    /// Problems, deduplicated, in a stable order.
    pub diagnostics: Vec<Diagnostic>,
}

/// A problem before it is attached to its object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Note {
    reason: &'static str,
    message: String,
    pub(crate) warning: bool,
}

impl Note {
    pub(crate) fn warning(reason: &'static str, message: String) -> Note {
        Note {
            reason,
            message,
            warning: true,
        }
    }

    pub(crate) fn error(reason: &'static str, message: String) -> Note {
        Note {
            reason,
            message,
            warning: false,
        }
    }

    pub(crate) fn on(self, object: &ObjectKey, kind: &'static str) -> Diagnostic {
        Diagnostic {
            object: object.clone(),
            kind,
            reason: self.reason.to_owned(),
            message: self.message,
            warning: self.warning,
        }
    }
}
