//! Test fixtures: a [`Registry`] with Passerelle's real CRDs registered the
//! way the CRD handler registers an established CRD's versions.

use serde_json::Value;

use crate::registry::{Registry, ResourceType};

/// The resource types of one CRD (as JSON), one per version.
pub(crate) fn crd_types(crd: &Value) -> Vec<ResourceType> {
    crate::crd::types(crd)
}

/// The built-ins plus every CRD of `passerelle_crds::crd::all()`.
pub(crate) fn registry_with_crds() -> Registry {
    let mut reg = Registry::new();
    for crd in passerelle_crds::crd::all() {
        let crd = serde_json::to_value(&crd).expect("a CRD serializes");
        let name = crd["metadata"]["name"].as_str().unwrap_or_default().to_string();
        reg.set_crd(&name, crd_types(&crd));
    }
    reg
}
