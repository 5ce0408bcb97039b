//! Solver builders shared by the Order tests and the solver selection tests.

use passerelle_crds::acme::AcmeChallengeSolver;
use passerelle_crds::acme::dns01::AcmeChallengeSolverDns01;
use passerelle_crds::acme::solver::{
    AcmeChallengeSolverHttp01, AcmeChallengeSolverHttp01Ingress, CertificateDnsNameSelector,
};

pub(super) fn http01(class: &str) -> AcmeChallengeSolver {
    AcmeChallengeSolver {
        http01: Some(AcmeChallengeSolverHttp01 {
            ingress: Some(AcmeChallengeSolverHttp01Ingress {
                class: Some(class.into()),
                ..Default::default()
            }),
            gateway_http_route: None,
        }),
        ..Default::default()
    }
}

pub(super) fn dns01() -> AcmeChallengeSolver {
    AcmeChallengeSolver {
        dns01: Some(AcmeChallengeSolverDns01::default()),
        ..Default::default()
    }
}

pub(super) fn selector(
    names: &[&str],
    zones: &[&str],
    labels: &[(&str, &str)],
) -> Option<CertificateDnsNameSelector> {
    let list = |v: &[&str]| (!v.is_empty()).then(|| v.iter().map(|s| s.to_string()).collect());
    Some(CertificateDnsNameSelector {
        dns_names: list(names),
        dns_zones: list(zones),
        match_labels: (!labels.is_empty()).then(|| {
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        }),
    })
}

pub(super) fn with(
    mut solver: AcmeChallengeSolver,
    sel: Option<CertificateDnsNameSelector>,
) -> AcmeChallengeSolver {
    solver.selector = sel;
    solver
}
