//! The plain manifest installed with `kubectl apply -f` on kube-sim with RBAC
//! on, then asked, as each program's ServiceAccount, what it may do
//! (SelfSubjectAccessReview): what the programs' code does is allowed
//! (each grant below names the code), and a sample of what they never do is
//! refused. The end-to-end test runs the programs themselves under the same
//! Roles; this one pins the rules down and proves the file loads.

use std::path::{Path, PathBuf};
use std::process::Command;

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::{Api, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube_sim::{Auth, Config, KubeSim};

const OPERATOR: &str = "system:serviceaccount:passerelle:passerelle-operator";
const PROXY: &str = "system:serviceaccount:passerelle:passerelle-proxy";

/// kubectl 1.37: `$KUBECTL`, else the one `./test` installs.
fn kubectl() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = std::env::var_os("KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/tools/venv/bin/kubectl"));
    match Command::new(&path).args(["version", "--client"]).output() {
        Ok(out) if String::from_utf8_lossy(&out.stdout).contains("v1.37") => path,
        _ => panic!(
            "kubectl 1.37 is needed at {} (or $KUBECTL): run `scripts/install-test-tools`",
            path.display()
        ),
    }
}

async fn client(kubeconfig: &str) -> kube::Client {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let kc = Kubeconfig::from_yaml(kubeconfig).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

/// One access: verb, group, resource (with `/subresource`), namespace
/// (empty: all namespaces or cluster-scoped), name (empty: any).
type Access = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

async fn allowed(client: &kube::Client, (verb, group, resource, namespace, name): Access) -> bool {
    let (resource, subresource) = match resource.split_once('/') {
        Some((r, s)) => (r, Some(s.to_string())),
        None => (resource, None),
    };
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                verb: some(verb),
                group: Some(group.to_string()),
                resource: some(resource),
                subresource,
                namespace: some(namespace),
                name: some(name),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let answer = api.create(&PostParams::default(), &review).await.unwrap();
    answer.status.is_some_and(|s| s.allowed)
}

async fn check(client: &kube::Client, who: &str, grants: &[Access], refusals: &[Access]) {
    let mut wrong = Vec::new();
    for access in grants {
        if !allowed(client, *access).await {
            wrong.push(format!("refused but needed: {access:?}"));
        }
    }
    for access in refusals {
        if allowed(client, *access).await {
            wrong.push(format!("allowed but never used: {access:?}"));
        }
    }
    assert!(wrong.is_empty(), "{who}:\n{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_manifest_loads_and_grants_each_program_what_it_uses_and_no_more() {
    let sim = KubeSim::start(Config {
        tls: true,
        auth: Auth {
            admin_token: Some("admin-token".into()),
            token_users: vec![
                ("operator-token".into(), OPERATOR.into()),
                ("proxy-token".into(), PROXY.into()),
            ],
            rbac: true,
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let dir = std::env::temp_dir().join(format!("passerelle-rbac-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(&kubeconfig, sim.kubeconfig()).unwrap();
    let manifest = passerelle_deploy::install::manifest_path();
    let out = Command::new(kubectl())
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .args(["apply", "-f"])
        .arg(&manifest)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "kubectl apply -f deploy/manifests/passerelle.yaml failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let operator = client(&sim.kubeconfig_with_token(Some("operator-token"))).await;
    #[rustfmt::skip]
    let operator_grants: &[Access] = &[
        ("watch", "cert-manager.io", "certificates", "", ""),
        ("create", "cert-manager.io", "certificates", "team-a", ""),
        ("patch", "cert-manager.io", "certificates/status", "team-a", "web"),
        ("update", "cert-manager.io", "certificates/finalizers", "team-a", "web"),
        ("create", "cert-manager.io", "certificaterequests", "team-a", ""),
        ("delete", "cert-manager.io", "certificaterequests", "team-a", "web-1"),
        ("get", "cert-manager.io", "clusterissuers", "", "letsencrypt"),
        ("patch", "cert-manager.io", "issuers/status", "team-a", "le"),
        ("create", "acme.cert-manager.io", "orders", "team-a", ""),
        ("patch", "acme.cert-manager.io", "orders/status", "team-a", "o"),
        ("create", "acme.cert-manager.io", "challenges", "team-a", ""),
        ("patch", "acme.cert-manager.io", "challenges", "team-a", "c"),
        ("list", "certmanager.k8s.io", "certificates", "", ""),
        ("patch", "certmanager.k8s.io", "clusterissuers/status", "", "le"),
        ("watch", "", "secrets", "", ""),
        ("patch", "", "secrets", "team-a", "web-tls"),
        ("delete", "", "secrets", "team-a", "web-tls-abcde"),
        ("create", "", "events", "team-a", ""),
        ("patch", "", "services", "team-a", "cm-acme-http-solver"),
        ("patch", "discovery.k8s.io", "endpointslices", "team-a", "cm-acme-http-solver"),
        ("update", "networking.k8s.io", "ingresses", "team-a", "web"),
        ("watch", "networking.k8s.io", "ingresses", "", ""),
        ("get", "", "pods", "passerelle", "passerelle-operator-1"),
        ("list", "", "pods", "passerelle", ""),
        ("get", "coordination.k8s.io", "leases", "passerelle", "passerelle-operator"),
        ("update", "coordination.k8s.io", "leases", "passerelle", "passerelle-operator"),
        ("create", "coordination.k8s.io", "leases", "passerelle", ""),
        ("get", "coordination.k8s.io", "leases", "kube-system", "cert-manager-controller"),
    ];
    #[rustfmt::skip]
    let operator_refusals: &[Access] = &[
        ("update", "", "secrets", "team-a", "web-tls"),
        ("create", "", "pods", "passerelle", ""),
        ("list", "", "pods", "team-a", ""),
        ("update", "coordination.k8s.io", "leases", "passerelle", "another"),
        ("update", "coordination.k8s.io", "leases", "kube-system", "cert-manager-controller"),
        ("create", "coordination.k8s.io", "leases", "kube-system", ""),
        ("update", "cert-manager.io", "issuers", "team-a", "le"),
        ("create", "", "services", "team-a", ""),
        ("create", "apps", "deployments", "passerelle", ""),
        ("create", "rbac.authorization.k8s.io", "clusterrolebindings", "", ""),
        ("delete", "apiextensions.k8s.io", "customresourcedefinitions", "", "certificates.cert-manager.io"),
        ("update", "networking.k8s.io", "ingresses/status", "team-a", "web"),
    ];
    check(&operator, "operator", operator_grants, operator_refusals).await;

    let proxy = client(&sim.kubeconfig_with_token(Some("proxy-token"))).await;
    #[rustfmt::skip]
    let proxy_grants: &[Access] = &[
        ("watch", "networking.k8s.io", "ingresses", "", ""),
        ("patch", "networking.k8s.io", "ingresses/status", "team-a", "web"),
        ("list", "networking.k8s.io", "ingressclasses", "", ""),
        ("watch", "", "services", "", ""),
        ("watch", "discovery.k8s.io", "endpointslices", "", ""),
        ("list", "", "secrets", "", ""),
        ("create", "", "events", "team-a", ""),
    ];
    #[rustfmt::skip]
    let proxy_refusals: &[Access] = &[
        ("get", "", "secrets", "team-a", "web-tls"),
        ("create", "", "secrets", "team-a", ""),
        ("update", "networking.k8s.io", "ingresses", "team-a", "web"),
        ("delete", "networking.k8s.io", "ingresses", "team-a", "web"),
        ("list", "", "pods", "", ""),
        ("list", "cert-manager.io", "certificates", "", ""),
        ("get", "coordination.k8s.io", "leases", "passerelle", "passerelle-operator"),
        ("update", "networking.k8s.io", "ingresses/status", "team-a", "web"),
    ];
    check(&proxy, "proxy", proxy_grants, proxy_refusals).await;
    sim.stop().await.unwrap();
}
