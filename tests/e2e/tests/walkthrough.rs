//! The walkthrough, end to end (issue 6), with every process real: kube-sim,
//! pebble and pebble-challtestsrv (every name → 127.0.0.1), the operator and
//! the proxy binaries, an echo backend, kubectl applying `deploy/crds/` and
//! `deploy/examples/`, and the harness playing the kubelet for the proxy's
//! Secret volume. pebble's `httpPort` is the proxy's HTTP entry point and
//! nothing else listens there, so every HTTP-01 validation goes through the
//! proxy, the solver Ingress the operator made, and the operator's solver.
//!
//! The same scenario runs a second time under kube-sim's
//! `--authorization rbac`, the operator and the proxy each with a token
//! bound to its ServiceAccount and Roles from
//! `deploy/manifests/passerelle.yaml`: any request refused fails the test.

#[path = "walkthrough/steps.rs"]
mod steps;

use std::path::Path;

use passerelle_e2e::binaries::Binaries;
use passerelle_e2e::{Stack, StackOptions};

async fn start(rbac: bool) -> Stack {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("passerelle_e2e=info")
        .with_test_writer()
        .try_init();
    let echo = Path::new(env!("CARGO_BIN_EXE_echo-backend"));
    let binaries = Binaries::build_for_test(echo).expect("cargo builds kube-sim, the operator and the proxy");
    let mut opts = StackOptions::new(binaries);
    opts.rbac = rbac;
    Stack::start(opts)
        .await
        .expect("the stack starts (pebble, kubectl and curl come from scripts/install-test-tools)")
}

async fn walkthrough(rbac: bool) {
    let mut stack = start(rbac).await;
    steps::legacy_walkthrough_issues_through_the_proxy(&mut stack).await;
    steps::describe_tells_the_story(&stack).await;
    steps::curl_reaches_the_backend_over_the_issued_certificate(&stack).await;
    steps::v1_forms_and_ingress_shim_share_the_proxy_by_sni(&stack).await;
    steps::forced_renewal_swaps_the_certificate_without_a_failed_request(&mut stack).await;
    let refused = stack.refused_requests().await.expect("kube-sim's request counts");
    assert!(
        refused.is_empty(),
        "the API refused requests:\n{}",
        refused.join("\n")
    );
    if let Some(accounts) = stack.accounts() {
        let counts = stack.request_counts().await.expect("kube-sim's request counts");
        for account in [&accounts.operator, &accounts.proxy] {
            let made: u64 = counts.iter().filter(|c| c.2 == account.user()).map(|c| c.4).sum();
            assert!(
                made > 0,
                "{} made no request: its token was not used",
                account.user()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walkthrough_end_to_end() {
    walkthrough(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walkthrough_end_to_end_under_rbac_with_the_install_manifests_roles() {
    walkthrough(true).await;
}
