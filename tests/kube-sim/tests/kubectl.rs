//! kube-sim conformance, driven by kubectl 1.37 as a person uses it: apply
//! (client-side and server-side), get with the CRDs' printer columns,
//! get -o yaml, describe with Events, wait, label, patch, explain, delete,
//! strict field validation, and `auth can-i` under RBAC.

#[path = "support/harness.rs"]
mod harness;

use harness::Harness;
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;

const ISSUER_AND_CERT: &str = r#"
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: letsencrypt
spec:
  acme:
    server: https://acme.test/directory
    email: admin@example.test
    privateKeySecretRef:
      name: letsencrypt-account
    solvers:
    - http01:
        ingress:
          class: traefik
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
spec:
  secretName: web-tls
  issuerRef:
    name: letsencrypt
  dnsNames:
  - web.example.test
"#;

fn header(table: &str) -> Vec<String> {
    table
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_get_and_printer_columns() {
    let h = Harness::start().await;
    h.install_crds();
    let out = h.kubectl_stdin(&["apply", "-f", "-"], ISSUER_AND_CERT);
    assert!(out.0, "apply failed: {}", out.2);
    assert!(
        out.1.contains("issuer.cert-manager.io/letsencrypt created"),
        "{}",
        out.1
    );
    assert!(
        out.1.contains("certificate.cert-manager.io/web created"),
        "{}",
        out.1
    );
    // Applying again goes through the patch path and changes nothing.
    let again = h.kubectl_stdin(&["apply", "-f", "-"], ISSUER_AND_CERT);
    assert!(
        again.0 && again.1.contains("certificate.cert-manager.io/web unchanged"),
        "{}{}",
        again.1,
        again.2
    );

    let table = h.kubectl_ok(&["get", "certificates"]);
    assert_eq!(header(&table), ["NAME", "READY", "SECRET", "AGE"]);
    assert!(
        table.lines().nth(1).unwrap_or_default().starts_with("web"),
        "{table}"
    );
    let wide = h.kubectl_ok(&["get", "certificates", "-o", "wide"]);
    assert_eq!(
        header(&wide),
        ["NAME", "READY", "SECRET", "ISSUER", "STATUS", "EXPIRATION", "AGE"]
    );
    assert!(wide.contains("letsencrypt"), "{wide}");
    let short = h.kubectl_ok(&["get", "cert"]);
    assert!(short.contains("web"));
    let issuers = h.kubectl_ok(&["get", "issuers"]);
    assert_eq!(header(&issuers), ["NAME", "READY", "AGE"]);
    let yaml = h.kubectl_ok(&["get", "certificate", "web", "-o", "yaml"]);
    assert!(
        yaml.contains("secretName: web-tls") && yaml.contains("apiVersion: cert-manager.io/v1"),
        "{yaml}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_certificate_resolves_to_cert_manager_io() {
    let h = Harness::start().await;
    h.install_crds();
    h.kubectl_stdin(&["apply", "-f", "-"], ISSUER_AND_CERT);
    let legacy = r#"
apiVersion: certmanager.k8s.io/v1alpha1
kind: Certificate
metadata:
  name: legacy
spec:
  secretName: legacy
  issuerRef:
    name: letsencrypt
  commonName: legacy.example.test
"#;
    let (ok, _, err) = h.kubectl_stdin(&["apply", "-f", "-"], legacy);
    assert!(ok, "{err}");
    let v1 = h.kubectl_ok(&["get", "certificate", "-o", "name"]);
    assert_eq!(v1.trim(), "certificate.cert-manager.io/web");
    let old = h.kubectl_ok(&["get", "certificates.certmanager.k8s.io", "-o", "name"]);
    assert_eq!(old.trim(), "certificate.certmanager.k8s.io/legacy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_side_apply() {
    let h = Harness::start().await;
    h.install_crds();
    let (ok, out, err) = h.kubectl_stdin(&["apply", "--server-side", "-f", "-"], ISSUER_AND_CERT);
    assert!(ok, "{err}");
    assert!(
        out.contains("certificate.cert-manager.io/web serverside-applied"),
        "{out}"
    );
    let yaml = h.kubectl_ok(&["get", "certificate", "web", "-o", "yaml", "--show-managed-fields"]);
    assert!(
        yaml.contains("manager: kubectl") && yaml.contains("operation: Apply"),
        "{yaml}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_shows_conditions_and_events() {
    let h = Harness::start().await;
    h.install_crds();
    h.kubectl_stdin(&["apply", "-f", "-"], ISSUER_AND_CERT);
    let certs: Api<passerelle_crds::v1::Certificate> = Api::namespaced(h.client.clone(), "default");
    let cert = certs.get("web").await.unwrap();
    certs
        .patch_status(
            "web",
            &PatchParams::apply("test").force(),
            &Patch::Apply(
                json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "status": {
                "conditions": [{"type": "Ready", "status": "True", "reason": "Ready",
                    "message": "Certificate is up to date and has not expired",
                    "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": 1}]}}),
            ),
        )
        .await
        .unwrap();
    let events: Api<Event> = Api::namespaced(h.client.clone(), "default");
    let event: Event = serde_json::from_value(json!({
        "metadata": {"name": "web.1", "namespace": "default"},
        "involvedObject": {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "name": "web",
            "namespace": "default", "uid": cert.metadata.uid},
        "reason": "Issuing", "message": "The certificate has been successfully issued", "type": "Normal",
        "source": {"component": "cert-manager-certificates-issuing"}, "count": 1,
        "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z"
    }))
    .unwrap();
    events.create(&PostParams::default(), &event).await.unwrap();
    let describe = h.kubectl_ok(&["describe", "certificate", "web"]);
    for want in [
        "Certificate is up to date and has not expired",
        "Events:",
        "Issuing",
        "The certificate has been successfully issued",
    ] {
        assert!(describe.contains(want), "missing {want:?} in:\n{describe}");
    }
    let (ok, out, err) = h.kubectl(&[
        "wait",
        "--for=condition=Ready",
        "certificate/web",
        "--timeout=10s",
    ]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("condition met"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn label_patch_explain_and_delete() {
    let h = Harness::start().await;
    h.install_crds();
    h.kubectl_stdin(&["apply", "-f", "-"], ISSUER_AND_CERT);
    h.kubectl_ok(&["label", "certificate", "web", "team=web"]);
    let labelled = h.kubectl_ok(&["get", "certificates", "-l", "team=web", "-o", "name"]);
    assert_eq!(labelled.trim(), "certificate.cert-manager.io/web");
    h.kubectl_ok(&[
        "patch",
        "certificate",
        "web",
        "--type",
        "merge",
        "-p",
        r#"{"spec":{"renewBefore":"720h"}}"#,
    ]);
    h.kubectl_ok(&[
        "patch",
        "certificate",
        "web",
        "--type",
        "json",
        "-p",
        r#"[{"op":"add","path":"/spec/dnsNames/-","value":"www.example.test"}]"#,
    ]);
    let yaml = h.kubectl_ok(&[
        "get",
        "certificate",
        "web",
        "-o",
        "jsonpath={.spec.renewBefore} {.spec.dnsNames[1]}",
    ]);
    assert_eq!(yaml, "720h www.example.test");
    let explain = h.kubectl_ok(&["explain", "certificate.spec.secretName"]);
    assert!(
        explain.contains("secretName") && explain.to_lowercase().contains("secret"),
        "{explain}"
    );
    let bad = h.kubectl(&[
        "patch",
        "certificate",
        "web",
        "--type",
        "merge",
        "-p",
        r#"{"spec":{"duration":"10m"}}"#,
    ]);
    assert!(
        !bad.0 && bad.2.contains("certificate duration must be greater than 1h0m0s"),
        "{}",
        bad.2
    );
    h.kubectl_ok(&["delete", "certificate", "web"]);
    let (ok, _, err) = h.kubectl(&["get", "certificate", "web"]);
    assert!(
        !ok && err.contains("certificates.cert-manager.io \"web\" not found"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_field_validation_refuses_unknown_fields() {
    let h = Harness::start().await;
    h.install_crds();
    let typo = ISSUER_AND_CERT.replace(
        "  secretName: web-tls",
        "  secretName: web-tls\n  secretNmae: oops",
    );
    let (ok, _, err) = h.kubectl_stdin(&["apply", "-f", "-"], &typo);
    assert!(!ok, "a misspelt field must be refused");
    assert!(err.contains("unknown field \"spec.secretNmae\""), "{err}");
    let (ok, _, err) = h.kubectl_stdin(
        &["apply", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {a: b}\nbogus: 1\n",
    );
    assert!(!ok && err.contains("unknown field \"bogus\""), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_can_i_under_rbac() {
    let auth = kube_sim::Auth {
        admin_token: Some("admin".into()),
        token_users: vec![(
            "op-token".into(),
            "system:serviceaccount:passerelle:operator".into(),
        )],
        rbac: true,
    };
    // kubectl sends bearer tokens only over TLS.
    let h = Harness::with(kube_sim::Config {
        auth,
        tls: true,
        ..Default::default()
    })
    .await;
    h.install_crds();
    let rbac = r#"
apiVersion: v1
kind: Namespace
metadata:
  name: passerelle
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: cert-reader
rules:
- apiGroups: ["cert-manager.io"]
  resources: ["certificates"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: op-reads
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cert-reader
subjects:
- kind: ServiceAccount
  name: operator
  namespace: passerelle
"#;
    let (ok, _, err) = h.kubectl_stdin(&["apply", "-f", "-"], rbac);
    assert!(ok, "{err}");
    let kubeconfig = h.dir().join("operator.kubeconfig");
    std::fs::write(&kubeconfig, h.sim.kubeconfig_with_token(Some("op-token"))).unwrap();
    let (_, yes, _) = h.kubectl_with(
        &kubeconfig,
        &["auth", "can-i", "list", "certificates.cert-manager.io"],
        None,
    );
    assert_eq!(yes.trim(), "yes");
    let (ok, no, _) = h.kubectl_with(
        &kubeconfig,
        &["auth", "can-i", "delete", "certificates.cert-manager.io"],
        None,
    );
    assert!(!ok);
    assert_eq!(no.trim(), "no");
    let (ok, _, err) = h.kubectl_with(&kubeconfig, &["get", "secrets"], None);
    assert!(
        !ok && err
            .contains("cannot list resource \"secrets\" in API group \"\" in the namespace \"default\""),
        "{err}"
    );
}
