//! Which Ingresses this proxy serves (the "Class" rules): an
//! IngressClass whose controller is Passerelle's (or Traefik's, for
//! migrations), the legacy `kubernetes.io/ingress.class` annotation, or —
//! with no class option — no class at all, as Traefik 1.x did. Class names
//! are compared case-insensitively, so the walkthrough's `Traefik` works.

use std::sync::Arc;

use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
use passerelle_crds::constants::{INGRESS_CONTROLLER, TRAEFIK_INGRESS_CONTROLLER};

/// The legacy class annotation (exact key: it is not a Traefik key).
pub(crate) const CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";

/// The class Traefik 1.x served when it was given no class option.
const TRAEFIK_CLASS: &str = "traefik";

/// Whether `ingress` belongs to this proxy. `class` is the class option
/// (`--ingress-class`), `None` when empty.
///
/// The annotation, when present, decides (as in Traefik 1.x, which only knew
/// the annotation, and in ingress-nginx); otherwise `spec.ingressClassName`
/// must name an IngressClass of a known controller (and equal the class
/// option when set); an Ingress with neither is served only without a class
/// option.
pub(crate) fn is_served(ingress: &Ingress, classes: &[Arc<IngressClass>], class: Option<&str>) -> bool {
    let annotation = ingress
        .metadata
        .annotations
        .as_ref()
        .and_then(|annotations| annotations.get(CLASS_ANNOTATION))
        .map(|value| value.trim())
        .filter(|value| !value.is_empty());
    if let Some(value) = annotation {
        return match class {
            Some(class) => value.eq_ignore_ascii_case(class),
            None => value.eq_ignore_ascii_case(TRAEFIK_CLASS),
        };
    }
    let class_name = ingress
        .spec
        .as_ref()
        .and_then(|spec| spec.ingress_class_name.as_deref())
        .filter(|name| !name.is_empty());
    match class_name {
        Some(name) => {
            class.is_none_or(|class| name.eq_ignore_ascii_case(class))
                && classes.iter().any(|candidate| {
                    candidate
                        .metadata
                        .name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
                        && candidate
                            .spec
                            .as_ref()
                            .and_then(|spec| spec.controller.as_deref())
                            .is_some_and(|c| c == INGRESS_CONTROLLER || c == TRAEFIK_INGRESS_CONTROLLER)
                })
        }
        None => class.is_none(),
    }
}
