//! kubectl 1.37's typed commands against kube-sim: `kubectl create …`,
//! `kubectl auth can-i` and `kubectl auth whoami` send protobuf bodies
//! (and do not fall back to JSON), which kube-sim decodes into the JSON
//! the same objects would have been sent as.

#[path = "support/harness.rs"]
mod harness;

use harness::Harness;

fn jsonpath(h: &Harness, args: &[&str], path: &str) -> String {
    let output = format!("jsonpath={path}");
    let mut all = args.to_vec();
    all.extend(["-o", output.as_str()]);
    h.kubectl_ok(&all)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_creates_namespaces_secrets_and_config_maps() {
    let h = Harness::start().await;
    let out = h.kubectl_ok(&["create", "namespace", "team"]);
    assert_eq!(out.trim(), "namespace/team created");
    assert_eq!(
        jsonpath(&h, &["get", "namespace", "team"], "{.metadata.name}"),
        "team"
    );

    h.kubectl_ok(&[
        "create",
        "secret",
        "generic",
        "s",
        "--from-literal=a=b",
        "-n",
        "team",
    ]);
    assert_eq!(
        jsonpath(&h, &["get", "secret", "s", "-n", "team"], "{.data.a}"),
        "Yg=="
    );

    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["web.example.test".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("certificate");
    let (cert_file, key_file) = (h.dir().join("tls.crt"), h.dir().join("tls.key"));
    std::fs::write(&cert_file, cert.pem()).expect("write cert");
    std::fs::write(&key_file, key.serialize_pem()).expect("write key");
    let cert_arg = format!("--cert={}", cert_file.display());
    let key_arg = format!("--key={}", key_file.display());
    h.kubectl_ok(&["create", "secret", "tls", "web-tls", &cert_arg, &key_arg]);
    assert_eq!(
        jsonpath(&h, &["get", "secret", "web-tls"], "{.type}"),
        "kubernetes.io/tls"
    );
    let tls_crt = jsonpath(&h, &["get", "secret", "web-tls"], "{.data.tls\\.crt}");
    assert!(tls_crt.starts_with("LS0tLS1CRUdJTi"), "{tls_crt}");

    h.kubectl_ok(&[
        "create",
        "secret",
        "docker-registry",
        "pull",
        "--docker-server=registry.example.test",
        "--docker-username=u",
        "--docker-password=p",
    ]);
    assert_eq!(
        jsonpath(&h, &["get", "secret", "pull"], "{.type}"),
        "kubernetes.io/dockerconfigjson"
    );

    h.kubectl_ok(&["create", "configmap", "settings", "--from-literal=mode=prod"]);
    assert_eq!(
        jsonpath(&h, &["get", "configmap", "settings"], "{.data.mode}"),
        "prod"
    );
    h.kubectl_ok(&["create", "serviceaccount", "operator", "-n", "team"]);
    assert_eq!(
        jsonpath(
            &h,
            &["get", "serviceaccount", "operator", "-n", "team"],
            "{.metadata.namespace}"
        ),
        "team"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_creates_deployments_services_and_ingresses() {
    let h = Harness::start().await;
    h.kubectl_ok(&[
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--replicas=2",
        "--port=80",
    ]);
    let deployment = ["get", "deployment", "web"];
    assert_eq!(jsonpath(&h, &deployment, "{.spec.replicas}"), "2");
    assert_eq!(
        jsonpath(&h, &deployment, "{.spec.selector.matchLabels.app}"),
        "web"
    );
    assert_eq!(
        jsonpath(&h, &deployment, "{.spec.template.spec.containers[0].image}"),
        "nginx"
    );
    assert_eq!(
        jsonpath(
            &h,
            &deployment,
            "{.spec.template.spec.containers[0].ports[0].containerPort}"
        ),
        "80"
    );

    h.kubectl_ok(&["create", "service", "clusterip", "web", "--tcp=80:8080"]);
    let service = ["get", "service", "web"];
    assert_eq!(jsonpath(&h, &service, "{.spec.ports[0].port}"), "80");
    assert_eq!(jsonpath(&h, &service, "{.spec.ports[0].targetPort}"), "8080");
    assert_eq!(jsonpath(&h, &service, "{.spec.selector.app}"), "web");

    h.kubectl_ok(&[
        "create",
        "ingress",
        "web",
        "--class=traefik",
        "--rule=web.example.test/*=web:80,tls=web-tls",
    ]);
    let ingress = ["get", "ingress", "web"];
    assert_eq!(jsonpath(&h, &ingress, "{.spec.ingressClassName}"), "traefik");
    assert_eq!(
        jsonpath(&h, &ingress, "{.spec.rules[0].host}"),
        "web.example.test"
    );
    assert_eq!(
        jsonpath(
            &h,
            &ingress,
            "{.spec.rules[0].http.paths[0].backend.service.name}"
        ),
        "web"
    );
    assert_eq!(
        jsonpath(
            &h,
            &ingress,
            "{.spec.rules[0].http.paths[0].backend.service.port.number}"
        ),
        "80"
    );
    assert_eq!(jsonpath(&h, &ingress, "{.spec.tls[0].secretName}"), "web-tls");
}

/// kube-sim under RBAC over TLS, with the CRDs, and the operator's
/// service account granted through roles kubectl created; returns the
/// harness and the operator's kubeconfig.
async fn rbac_for_the_operator() -> (Harness, std::path::PathBuf) {
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
    h.kubectl_ok(&["create", "namespace", "passerelle"]);
    h.kubectl_ok(&[
        "create",
        "clusterrole",
        "cert-reader",
        "--verb=get,list,watch",
        "--resource=certificates.cert-manager.io",
    ]);
    h.kubectl_ok(&[
        "create",
        "clusterrolebinding",
        "op-reads",
        "--clusterrole=cert-reader",
        "--serviceaccount=passerelle:operator",
    ]);
    h.kubectl_ok(&[
        "create",
        "role",
        "secret-reader",
        "--verb=get",
        "--resource=secrets",
        "-n",
        "passerelle",
    ]);
    h.kubectl_ok(&[
        "create",
        "rolebinding",
        "op-secrets",
        "--role=secret-reader",
        "--serviceaccount=passerelle:operator",
        "-n",
        "passerelle",
    ]);

    let kubeconfig = h.dir().join("operator.kubeconfig");
    std::fs::write(&kubeconfig, h.sim.kubeconfig_with_token(Some("op-token"))).expect("kubeconfig");
    (h, kubeconfig)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_creates_rbac_and_asks_can_i_as_a_service_account() {
    let (h, kubeconfig) = rbac_for_the_operator().await;
    let as_operator = |args: &[&str]| h.kubectl_with(&kubeconfig, args, None);

    let (ok, yes, err) = as_operator(&["auth", "can-i", "list", "certificates.cert-manager.io"]);
    assert!(ok && yes.trim() == "yes", "{yes}{err}");
    let (ok, no, _) = as_operator(&["auth", "can-i", "delete", "certificates.cert-manager.io"]);
    assert!(!ok && no.trim() == "no", "{no}");
    let (ok, yes, err) = as_operator(&["auth", "can-i", "get", "secrets", "-n", "passerelle"]);
    assert!(ok && yes.trim() == "yes", "{yes}{err}");
    let (ok, no, _) = as_operator(&["auth", "can-i", "get", "secrets", "-n", "default"]);
    assert!(!ok && no.trim() == "no", "{no}");

    let (ok, whoami, err) = as_operator(&["auth", "whoami"]);
    assert!(ok, "{err}");
    assert!(
        whoami.contains("system:serviceaccount:passerelle:operator"),
        "{whoami}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_lists_what_a_service_account_can_do() {
    let (h, kubeconfig) = rbac_for_the_operator().await;
    let (ok, rules, err) = h.kubectl_with(
        &kubeconfig,
        &["auth", "can-i", "--list", "-n", "passerelle"],
        None,
    );
    assert!(ok, "{err}");
    assert!(rules.contains("certificates.cert-manager.io"), "{rules}");
    assert!(rules.contains("secrets"), "{rules}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undecodable_bodies_get_the_api_servers_errors() {
    let h = Harness::start().await;
    h.install_crds();
    let post = |path: &str, content_type: &str, body: &[u8]| {
        http::Request::post(path)
            .header("content-type", content_type)
            .body(body.to_vec())
            .expect("request")
    };
    let protobuf = "application/vnd.kubernetes.protobuf";

    let truncated = post("/api/v1/namespaces", protobuf, b"k8s\0\x0a");
    match h.client.request_text(truncated).await {
        Err(kube::Error::Api(status)) => {
            assert_eq!(status.code, 400);
            assert_eq!(
                status.message,
                "the object provided is unrecognized (must be of type Namespace): unexpected EOF (6b3873000a)"
            );
        }
        other => panic!("expected a 400, got {other:?}"),
    }

    let custom = post(
        "/apis/cert-manager.io/v1/namespaces/default/certificates",
        protobuf,
        b"k8s\0",
    );
    match h.client.request_text(custom).await {
        Err(kube::Error::Api(status)) => assert_eq!(status.code, 415, "{}", status.message),
        other => panic!("expected a 415, got {other:?}"),
    }

    let cbor = post("/api/v1/namespaces", "application/cbor", b"\xa0");
    match h.client.request_text(cbor).await {
        Err(kube::Error::Api(status)) => assert_eq!(status.code, 415, "{}", status.message),
        other => panic!("expected a 415, got {other:?}"),
    }
}
