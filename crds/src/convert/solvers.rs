//! The v1 ACME solvers of a legacy issuer: one per `spec.acme.config[]`
//! entry of its Certificates, selected by the entry's domains, then the
//! issuer's default HTTP-01 solver (the order and the reasons are in the
//! [module documentation](super)).

use std::collections::BTreeMap;

use super::ObjectKey;
use super::dns01::dns01_solver;
use super::error::Problem;
use crate::acme::AcmeChallengeSolver;
use crate::acme::solver::{
    AcmeChallengeSolverHttp01, AcmeChallengeSolverHttp01Ingress, CertificateDnsNameSelector,
};
use crate::v1alpha1::{
    LegacyAcmeIssuer, LegacyCertificate, LegacyDomainSolverConfig, LegacyHttp01SolverConfig,
    LegacyServiceType,
};

/// The solvers of `acme`, the ACME configuration of `issuer`, for
/// `certificates` (all referencing it, in any order).
pub(super) fn solvers(
    issuer: &ObjectKey,
    acme: &LegacyAcmeIssuer,
    certificates: &[&LegacyCertificate],
    problems: &mut Vec<Problem>,
) -> Vec<AcmeChallengeSolver> {
    let mut sorted = certificates.to_vec();
    sorted.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    let context = Context { issuer, acme };
    let mut solvers = Vec::new();
    // Which Certificate first solved each domain, and how: a later
    // Certificate solving it otherwise is a conflict.
    let mut solved_by: BTreeMap<&str, (AcmeChallengeSolver, ObjectKey)> = BTreeMap::new();
    for certificate in sorted {
        let Some(config) = &certificate.spec.acme else {
            continue;
        };
        let key = ObjectKey::certificate(&certificate.metadata);
        for (index, entry) in config.config.iter().enumerate() {
            let Some(solver) = context.entry_solver(&key, index, entry, problems) else {
                continue;
            };
            for domain in &entry.domains {
                match solved_by.get(domain.as_str()) {
                    None => {
                        solved_by.insert(domain, (solver.clone(), key.clone()));
                    }
                    Some((first, other)) if *first != solver && *other != key => push_once(
                        problems,
                        Problem::ConflictingSolvers {
                            domain: domain.clone(),
                            certificate: key.clone(),
                            other: other.clone(),
                        },
                    ),
                    Some(_) => {}
                }
            }
            let selected = AcmeChallengeSolver {
                selector: Some(CertificateDnsNameSelector {
                    dns_names: Some(entry.domains.clone()),
                    ..CertificateDnsNameSelector::default()
                }),
                ..solver
            };
            if !solvers.contains(&selected) {
                solvers.push(selected);
            }
        }
    }
    if acme.http01.is_some() {
        solvers.push(AcmeChallengeSolver {
            http01: Some(context.http01(None, None)),
            ..AcmeChallengeSolver::default()
        });
    }
    solvers
}

/// The issuer the solvers are built for.
struct Context<'a> {
    issuer: &'a ObjectKey,
    acme: &'a LegacyAcmeIssuer,
}

impl Context<'_> {
    /// The solver, without selector, of entry `index` of `certificate`'s
    /// `spec.acme.config`; `None`, with the problems reported, when it has
    /// none.
    fn entry_solver(
        &self,
        certificate: &ObjectKey,
        index: usize,
        entry: &LegacyDomainSolverConfig,
        problems: &mut Vec<Problem>,
    ) -> Option<AcmeChallengeSolver> {
        let invalid = |reason| Problem::InvalidSolverEntry {
            certificate: certificate.clone(),
            index,
            reason,
        };
        if entry.domains.is_empty() {
            // A selector with no DNS names would select every name.
            problems.push(invalid("domains: at least one domain must be listed"));
            return None;
        }
        match (&entry.http01, &entry.dns01) {
            (None, None) => {
                problems.push(invalid("one of http01 or dns01 must be set"));
                None
            }
            (Some(_), Some(_)) => {
                problems.push(invalid("only one of http01 or dns01 may be set"));
                None
            }
            (Some(http01), None) => self.http01_entry(certificate, index, http01, problems),
            (None, Some(dns01)) => {
                // The first provider of that name, should there be several.
                let providers = self.acme.dns01.as_ref().and_then(|d| d.providers.as_deref());
                let Some((provider_index, provider)) = providers
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .find(|(_, p)| p.name == dns01.provider)
                else {
                    problems.push(Problem::UnknownDnsProvider {
                        certificate: certificate.clone(),
                        index,
                        provider: dns01.provider.clone(),
                        issuer: self.issuer.clone(),
                    });
                    return None;
                };
                match dns01_solver(provider) {
                    Ok(dns01) => Some(AcmeChallengeSolver {
                        dns01: Some(dns01),
                        ..AcmeChallengeSolver::default()
                    }),
                    Err(found) => {
                        push_once(
                            problems,
                            Problem::InvalidDnsProvider {
                                issuer: self.issuer.clone(),
                                index: provider_index,
                                provider: provider.name.clone(),
                                found,
                            },
                        );
                        None
                    }
                }
            }
        }
    }

    /// The solver of an HTTP01 entry: a new Ingress of class `ingressClass`,
    /// or the existing Ingress `ingress`.
    fn http01_entry(
        &self,
        certificate: &ObjectKey,
        index: usize,
        http01: &LegacyHttp01SolverConfig,
        problems: &mut Vec<Problem>,
    ) -> Option<AcmeChallengeSolver> {
        if self.acme.http01.is_none() {
            problems.push(Problem::Http01NotEnabled {
                certificate: certificate.clone(),
                index,
                issuer: self.issuer.clone(),
            });
            return None;
        }
        if http01.ingress.is_some() && http01.ingress_class.is_some() {
            problems.push(Problem::InvalidSolverEntry {
                certificate: certificate.clone(),
                index,
                reason: "http01: only one of ingress or ingressClass may be set",
            });
            return None;
        }
        Some(AcmeChallengeSolver {
            http01: Some(self.http01(http01.ingress_class.clone(), http01.ingress.clone())),
            ..AcmeChallengeSolver::default()
        })
    }

    /// An HTTP-01 Ingress solver of `class`, or editing the Ingress `name`,
    /// with the Service type of the issuer's `spec.acme.http01`.
    fn http01(&self, class: Option<String>, name: Option<String>) -> AcmeChallengeSolverHttp01 {
        let service_type = self
            .acme
            .http01
            .as_ref()
            .and_then(|http01| http01.service_type)
            .map(|service_type| match service_type {
                LegacyServiceType::ClusterIP => "ClusterIP".to_owned(),
                LegacyServiceType::NodePort => "NodePort".to_owned(),
            });
        AcmeChallengeSolverHttp01 {
            ingress: Some(AcmeChallengeSolverHttp01Ingress {
                service_type,
                class,
                name,
                ..AcmeChallengeSolverHttp01Ingress::default()
            }),
            ..AcmeChallengeSolverHttp01::default()
        }
    }
}

/// Adds `problem` unless it is already reported (a provider used by several
/// entries, a conflict on a domain listed twice).
fn push_once(problems: &mut Vec<Problem>, problem: Problem) {
    if !problems.contains(&problem) {
        problems.push(problem);
    }
}
