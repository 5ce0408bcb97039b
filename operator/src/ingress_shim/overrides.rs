//! The HTTP-01 solver overrides a Certificate made by ingress-shim carries
//! in its annotations, which its CertificateRequest and then its Order
//! copy: applied to the solver chosen for each of the Order's Challenges,
//! as cert-manager's `applyIngressParameterAnnotationOverrides` does. One
//! override at most; any of them replaces the solver's `class`,
//! `ingressClassName` and `name` by what it says.

use std::collections::BTreeMap;

use passerelle_crds::acme::AcmeChallengeSolver;

use super::{OVERRIDE_INGRESS_CLASS, OVERRIDE_INGRESS_CLASS_NAME, OVERRIDE_INGRESS_NAME};

/// `solver` with the overrides of an Order's `annotations` applied, or why
/// they cannot be (more than one given). A solver without an HTTP-01
/// Ingress section is returned as it is.
pub fn apply(
    annotations: &BTreeMap<String, String>,
    solver: &AcmeChallengeSolver,
) -> Result<AcmeChallengeSolver, String> {
    let mut solver = solver.clone();
    let Some(ingress) = solver.http01.as_mut().and_then(|h| h.ingress.as_mut()) else {
        return Ok(solver);
    };
    let name = annotations.get(OVERRIDE_INGRESS_NAME);
    let class = annotations.get(OVERRIDE_INGRESS_CLASS);
    let class_name = annotations.get(OVERRIDE_INGRESS_CLASS_NAME);
    let given = [name, class, class_name].iter().filter(|v| v.is_some()).count();
    if given > 1 {
        return Err(format!(
            "only one of the annotations {OVERRIDE_INGRESS_NAME:?}, {OVERRIDE_INGRESS_CLASS:?} and {OVERRIDE_INGRESS_CLASS_NAME:?} may be set"
        ));
    }
    if given == 1 {
        ingress.name = name.cloned();
        ingress.class = class.cloned();
        ingress.ingress_class_name = class_name.cloned();
    }
    Ok(solver)
}
