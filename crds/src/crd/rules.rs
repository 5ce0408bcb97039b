//! cert-manager's webhook rules that CEL can express, attached to the CRD
//! schemas as `x-kubernetes-validations` so that the API server refuses a bad
//! manifest at `kubectl apply`. The same rules, with the ones CEL cannot
//! express, are in [`crate::validate`], which the operator runs and reports
//! through conditions; their messages are the same.

use serde_json::{Value, json};

/// One `x-kubernetes-validations` rule, attached at a path of a CRD's schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CelRule {
    /// Names of the CRDs (`certificates.cert-manager.io`) the rule is attached to.
    pub crds: &'static [&'static str],
    /// Property names from the schema's root; `[]` steps into array items.
    pub path: &'static [&'static str],
    /// The CEL expression; `self` is the node at `path`.
    pub rule: &'static str,
    /// The message the API server returns when the rule fails.
    pub message: &'static str,
}

impl CelRule {
    /// Appends the rule to the `x-kubernetes-validations` of the node at its
    /// path in `schema`. A path that does not exist is a bug in the table,
    /// caught by the CRD tests.
    pub(crate) fn attach(&self, schema: &mut Value) {
        let mut node = schema;
        for step in self.path {
            node = if *step == "[]" {
                &mut node["items"]
            } else {
                &mut node["properties"][*step]
            };
        }
        assert!(
            node.is_object(),
            "CEL rule path {:?} is not in the schema",
            self.path
        );
        let list = node
            .as_object_mut()
            .expect("checked above")
            .entry("x-kubernetes-validations")
            .or_insert_with(|| json!([]));
        if let Some(list) = list.as_array_mut() {
            list.push(json!({"rule": self.rule, "message": self.message}));
        }
    }
}

const ISSUERS: &[&str] = &["issuers.cert-manager.io", "clusterissuers.cert-manager.io"];
const CERTIFICATES: &[&str] = &["certificates.cert-manager.io"];

/// Every rule, in the order they are attached.
pub const RULES: &[CelRule] = &[
    CelRule {
        crds: ISSUERS,
        path: &["spec"],
        rule: "has(self.acme) || has(self.ca) || has(self.vault) || has(self.selfSigned) || has(self.venafi)",
        message: "at least one issuer must be configured",
    },
    CelRule {
        crds: ISSUERS,
        path: &["spec"],
        rule: "[has(self.acme), has(self.ca), has(self.vault), has(self.selfSigned), has(self.venafi)].filter(x, x).size() <= 1",
        message: "may not specify more than one issuer type",
    },
    CelRule {
        crds: ISSUERS,
        path: &["spec", "acme"],
        rule: "!(has(self.caBundle) && size(self.caBundle) > 0 && has(self.skipTLSVerify) && self.skipTLSVerify)",
        message: "caBundle and skipTLSVerify are mutually exclusive and cannot both be set",
    },
    CelRule {
        crds: ISSUERS,
        path: &["spec", "acme", "solvers", "[]"],
        rule: "has(self.http01) || has(self.dns01)",
        message: "no solver type configured",
    },
    CelRule {
        crds: ISSUERS,
        path: &["spec", "acme", "solvers", "[]"],
        rule: "!(has(self.http01) && has(self.dns01))",
        message: "may not specify more than one solver type in a single solver",
    },
    CelRule {
        crds: ISSUERS,
        path: &["spec", "acme", "solvers", "[]", "http01"],
        rule: "has(self.ingress) != has(self.gatewayHTTPRoute)",
        message: "exactly one of ingress or gatewayHTTPRoute must be set",
    },
    CelRule {
        crds: ISSUERS,
        path: &["spec", "acme", "solvers", "[]", "http01", "ingress"],
        rule: "[has(self.ingressClassName), has(self.name), has(self.class)].filter(x, x).size() <= 1",
        message: "only one of 'ingressClassName', 'name' or 'class' should be specified",
    },
    CelRule {
        crds: ISSUERS,
        path: &["spec", "acme", "solvers", "[]", "dns01"],
        rule: "[has(self.akamai), has(self.cloudDNS), has(self.cloudflare), has(self.route53), has(self.azureDNS), has(self.digitalocean), has(self.acmeDNS), has(self.rfc2136), has(self.webhook)].filter(x, x).size() == 1",
        message: "exactly one DNS01 provider must be configured",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec"],
        rule: "has(self.commonName) || has(self.literalSubject) || (has(self.dnsNames) && size(self.dnsNames) > 0) || (has(self.ipAddresses) && size(self.ipAddresses) > 0) || (has(self.uris) && size(self.uris) > 0) || (has(self.emailAddresses) && size(self.emailAddresses) > 0) || (has(self.otherNames) && size(self.otherNames) > 0)",
        message: "at least one of commonName (from the commonName field or from a literalSubject), dnsNames, uriSANs, ipAddresses, emailSANs or otherNames must be set",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec"],
        rule: "!(has(self.literalSubject) && size(self.literalSubject) > 0 && (has(self.commonName) || has(self.subject)))",
        message: "literalSubject may not be set together with commonName or subject",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec"],
        rule: "!(has(self.renewBefore) && has(self.renewBeforePercentage))",
        message: "renewBefore and renewBeforePercentage are mutually exclusive and cannot both be set",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec", "commonName"],
        rule: "size(self) <= 64",
        message: "may not be more than 64 bytes",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec", "duration"],
        rule: "duration(self) >= duration('1h')",
        message: "certificate duration must be greater than 1h0m0s",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec", "renewBefore"],
        rule: "duration(self) >= duration('5m')",
        message: "certificate renewBefore must be greater than 5m0s",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec"],
        rule: "!has(self.renewBefore) || duration(self.renewBefore) < duration(has(self.duration) ? self.duration : '2160h')",
        message: "certificate duration must be greater than renewBefore",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec", "renewBeforePercentage"],
        rule: "self > 0 && self < 100",
        message: "renewBeforePercentage must be a value between 0 and 100 (exclusive)",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec", "revisionHistoryLimit"],
        rule: "self >= 1",
        message: "must not be less than 1",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec", "privateKey"],
        rule: "!has(self.size) || (has(self.algorithm) && self.algorithm == 'Ed25519') || ((!has(self.algorithm) || self.algorithm == 'RSA') ? (self.size >= 2048 && self.size <= 8192) : self.size in [256, 384, 521])",
        message: "invalid key size for the algorithm: RSA takes 2048 to 8192 bits, ECDSA 256, 384 or 521",
    },
    CelRule {
        crds: CERTIFICATES,
        path: &["spec", "secretTemplate", "annotations"],
        rule: "self.all(k, !k.startsWith('cert-manager.io/'))",
        message: "cert-manager.io/* annotations are not allowed",
    },
];

/// The rules attached to the CRD named `crd`.
pub fn rules_for(crd: &str) -> impl Iterator<Item = &'static CelRule> + '_ {
    RULES.iter().filter(move |r| r.crds.contains(&crd))
}
