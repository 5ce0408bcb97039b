//! ingress-shim's solver overrides, carried by the Order's annotations,
//! reach the Challenges it creates.

use super::*;
use pretty_assertions::assert_eq;

fn challenge_solver(annotations: &[(&str, &str)]) -> Result<AcmeChallengeSolver, String> {
    let mut o = with_status(order(), placed(vec![authz("a.example.com", false, &["http-01"])]));
    o.metadata.annotations = Some(
        annotations
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    match decide(&o, &observed(Some(State::Pending)), now()) {
        Decision::CreateChallenges { challenges } => Ok(challenges[0].spec.solver.clone()),
        other => Err(fail_reason(&other).1.to_string()),
    }
}

#[test]
fn an_override_annotation_replaces_the_solvers_ingress_class() {
    assert_eq!(challenge_solver(&[]).unwrap(), http01("traefik"));
    assert_eq!(
        challenge_solver(&[("acme.cert-manager.io/http01-override-ingress-class", "nginx")]).unwrap(),
        http01("nginx")
    );
    let edited = challenge_solver(&[("acme.cert-manager.io/http01-override-ingress-name", "web")]).unwrap();
    let ingress = edited.http01.unwrap().ingress.unwrap();
    assert_eq!(ingress.name.as_deref(), Some("web"));
    let refused = challenge_solver(&[
        ("acme.cert-manager.io/http01-override-ingress-name", "web"),
        ("acme.cert-manager.io/http01-override-ingress-class", "nginx"),
    ])
    .unwrap_err();
    assert!(!refused.is_empty());
}
