//! The ACME Order made for a CertificateRequest (RFC 8555 §7.4), built as
//! cert-manager builds it, and its name: the request's name and a stable
//! hash of the Order's spec, so that a restart finds the Order placed
//! before instead of placing another (rate limits).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::{Resource, ResourceExt};
use passerelle_crds::acme::order::OrderSpec;
use passerelle_crds::acme::{AcmeIssuer, Order};
use passerelle_crds::v1::CertificateRequest;
use serde_json::json;

use crate::pki::ParsedCsr;

/// The Order for a request, as cert-manager builds it: the request's CSR,
/// issuer, the CSR's common name, DNS names and IP addresses, the duration
/// when the issuer enables the duration feature, the issuer's profile;
/// the request's labels and annotations; controlled by the request.
pub fn build_order(cr: &CertificateRequest, csr: &ParsedCsr, acme: &AcmeIssuer) -> Order {
    let names = &csr.names;
    let spec = OrderSpec {
        request: cr.spec.request.clone(),
        issuer_ref: cr.spec.issuer_ref.clone(),
        common_name: names.common_name.clone().filter(|cn| !cn.is_empty()),
        dns_names: Some(names.dns_names.clone()).filter(|d| !d.is_empty()),
        ip_addresses: Some(
            names
                .ip_addresses
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        )
        .filter(|i| !i.is_empty()),
        duration: if acme.enable_duration_feature == Some(true) {
            cr.spec.duration.clone()
        } else {
            None
        },
        profile: acme.profile.clone().filter(|p| !p.is_empty()),
    };
    let mut order = Order::new(&order_name(&cr.name_any(), &spec), spec);
    order.metadata.namespace = cr.namespace();
    order.metadata.labels = Some(cr.labels().clone()).filter(|l| !l.is_empty());
    order.metadata.annotations = Some(cr.annotations().clone()).filter(|a| !a.is_empty());
    order.metadata.owner_references = Some(vec![OwnerReference {
        api_version: CertificateRequest::api_version(&()).into_owned(),
        kind: CertificateRequest::kind(&()).into_owned(),
        name: cr.name_any(),
        uid: cr.uid().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }]);
    order
}

/// `<request name, shortened to 52 characters>-<FNV-1 32-bit hash of the
/// spec without its request>` (cert-manager's `ComputeName`): the same
/// request always names the same Order, so a restart finds it instead of
/// ordering again; a long request name is hashed in so that truncated names
/// do not collide.
pub fn order_name(request_name: &str, spec: &OrderSpec) -> String {
    let mut hashed = serde_json::to_value(spec).unwrap_or_default();
    if let Some(map) = hashed.as_object_mut() {
        map.remove("request");
    }
    if request_name.len() >= 52 {
        hashed = json!({"certificateRequestName": request_name, "spec": hashed});
    }
    let bytes = serde_json::to_vec(&hashed).unwrap_or_default();
    format!("{}-{}", shorten_52(request_name), fnv1_32(&bytes))
}

/// FNV-1, 32 bits (Go's `hash/fnv.New32`).
fn fnv1_32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |hash, b| {
        hash.wrapping_mul(0x0100_0193) ^ u32::from(*b)
    })
}

/// The first 52 characters, without trailing characters a DNS label cannot
/// end with (cert-manager's `DNSSafeShortenTo52Characters`).
fn shorten_52(name: &str) -> String {
    if name.len() < 52 {
        return name.to_string();
    }
    let cut: String = name.chars().take(52).collect();
    cut.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string()
}
