//! The steps of issue 6's "The walkthrough, end to end", in order; each
//! builds on the state the previous one left.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::api::Api;
use passerelle_crds::v1::Certificate;
use passerelle_e2e::Stack;
use passerelle_e2e::client::serial_hex;
use passerelle_e2e::stack::error_chain;

const V1: &str = "walkthrough-v1";

/// A guard against a hang, far above what the awaited step takes.
const HANG_GUARD: Duration = Duration::from_secs(120);

fn progress(line: &str) {
    eprintln!("  {line}");
}

fn pem_serial(pem: &[u8]) -> String {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem).expect("a PEM certificate");
    serial_hex(&pem.contents)
}

async fn secret_serial(stack: &Stack, namespace: &str, name: &str) -> String {
    let secret = Api::<Secret>::namespaced(stack.client().clone(), namespace)
        .get(name)
        .await
        .unwrap_or_else(|e| panic!("Secret {namespace}/{name}: {e}"));
    pem_serial(&secret.data.expect("data")["tls.crt"].0)
}

/// Step 1: the legacy Issuer and Certificate issue through pebble, whose
/// HTTP-01 validation can only reach the operator's solver through the
/// proxy; the certificate reaches the proxy through the files the kubelet
/// stand-in writes, and is what it serves.
pub(crate) async fn legacy_walkthrough_issues_through_the_proxy(stack: &mut Stack) {
    let applied = stack
        .apply_example("walkthrough")
        .await
        .expect("kubectl applies the walkthrough");
    for want in [
        "issuer.certmanager.k8s.io/letsencrypt-prod created",
        "certificate.certmanager.k8s.io/traefik-cert created",
        "ingress.networking.k8s.io/inky-jaguar-api-gateway-chart created",
    ] {
        assert!(applied.contains(want), "missing {want:?} in:\n{applied}");
    }
    stack
        .wait_ready(&[("default", "traefik-cert")], progress)
        .await
        .expect("traefik-cert becomes Ready");
    tokio::time::timeout(HANG_GUARD, stack.volume().written_after(0))
        .await
        .expect("the kubelet stand-in writes the Secret's files");
    let host = stack.host("meltingpoc");
    let served = stack
        .wait_served(&host, "/other")
        .await
        .expect("the proxy serves the issued certificate");
    let issued = secret_serial(stack, "default", "traefik-cert").await;
    let file = std::fs::read(stack.volume().dir().join("tls.crt")).expect("the mounted tls.crt");
    assert_eq!(
        pem_serial(&file),
        issued,
        "the files hold the Secret's certificate"
    );
    assert_eq!(
        served.serial.as_deref(),
        Some(issued.as_str()),
        "the proxy serves it"
    );
    let missing = Api::<Secret>::namespaced(stack.client().clone(), "default")
        .get_opt("meltingpoc-tls")
        .await
        .expect("reading Secret meltingpoc-tls");
    assert!(
        missing.is_none(),
        "as in the walkthrough, nothing creates meltingpoc-tls"
    );
}

/// Step 2: `kubectl describe certificate traefik-cert` as cert-manager
/// users know it.
pub(crate) async fn describe_tells_the_story(stack: &Stack) {
    let describe = stack
        .kubectl()
        .ok(&["describe", "certificate", "traefik-cert"], None)
        .await
        .expect("kubectl describe");
    assert!(
        describe.contains("Certificate is up to date and has not expired"),
        "{describe}"
    );
    let (_, events) = describe.split_once("Events:").expect("an Events section");
    for reason in ["Issuing", "Generated", "Requested"] {
        assert!(events.contains(reason), "no {reason} Event in:\n{describe}");
    }
    assert!(
        events.contains("The certificate has been successfully issued"),
        "{describe}"
    );
    let ready = stack
        .kubectl()
        .ok(
            &[
                "get",
                "certificate",
                "traefik-cert",
                "-o",
                r#"jsonpath={.status.conditions[?(@.type=="Ready")].status}"#,
            ],
            None,
        )
        .await
        .expect("kubectl get certificate");
    assert_eq!(ready, "True");
}

async fn curl_body(stack: &Stack, host: &str, path: &str) -> String {
    let output = stack
        .curl(&stack.curl_args(true, host, path))
        .await
        .expect("curl runs");
    assert!(output.success, "curl https://{host}{path}: {}", output.stderr);
    output.stdout
}

/// Step 3: curl, verifying the issued certificate against pebble's root,
/// reaches the backend with `/api` stripped, and plain HTTP is redirected.
pub(crate) async fn curl_reaches_the_backend_over_the_issued_certificate(stack: &Stack) {
    let host = stack.host("meltingpoc");
    assert_eq!(curl_body(stack, &host, "/api/x").await, "/x\n");
    assert_eq!(curl_body(stack, &host, "/other").await, "/other\n");
    let stripped = stack.https(&host, "/api/x").await.expect("GET /api/x");
    assert_eq!(
        stripped
            .headers
            .get("x-echo-x-forwarded-prefix")
            .map(|v| v.as_bytes()),
        Some(&b"/api"[..]),
        "PathPrefixStrip tells the backend what it stripped"
    );

    let mut args = stack.curl_args(false, &host, "/other?q=1");
    args.extend(["-o", "/dev/null", "-w", "%{http_code} %{redirect_url}"].map(String::from));
    let redirect = stack.curl(&args).await.expect("curl runs");
    assert!(redirect.success, "{}", redirect.stderr);
    assert_eq!(
        redirect.stdout,
        format!("302 {}", stack.https_url(&host, "/other?q=1"))
    );
}

/// Step 4: the cert-manager.io/v1 forms, and an Ingress annotated for
/// ingress-shim on a second host, served by the same proxy: SNI picks each
/// host's own certificate.
pub(crate) async fn v1_forms_and_ingress_shim_share_the_proxy_by_sni(stack: &Stack) {
    let applied = stack
        .apply_example("v1")
        .await
        .expect("kubectl applies the v1 forms");
    assert!(
        applied.contains("certificate.cert-manager.io/traefik-cert created"),
        "{applied}"
    );
    stack
        .wait_ready(&[(V1, "traefik-cert"), (V1, "shop-tls")], progress)
        .await
        .expect("both Certificates become Ready");

    let shim = Api::<Certificate>::namespaced(stack.client().clone(), V1)
        .get("shop-tls")
        .await
        .expect("ingress-shim's Certificate");
    let owner = shim.metadata.owner_references.unwrap_or_default();
    assert!(
        owner
            .iter()
            .any(|o| o.kind == "Ingress" && o.name == "shop" && o.controller == Some(true)),
        "owned by Ingress shop: {owner:?}"
    );
    assert_eq!(shim.spec.dns_names.unwrap_or_default(), vec![stack.host("shop")]);

    let mut serials = vec![secret_serial(stack, "default", "traefik-cert").await];
    for (name, path, body, secret) in [
        ("meltingpoc-v1", "/api/x", "/x\n", "traefik-cert"),
        ("shop", "/hello", "/hello\n", "shop-tls"),
    ] {
        let host = stack.host(name);
        let served = stack.wait_served(&host, path).await.expect("served");
        let issued = secret_serial(stack, V1, secret).await;
        assert_eq!(
            served.serial.as_deref(),
            Some(issued.as_str()),
            "SNI {host} gets {secret}"
        );
        assert_eq!(curl_body(stack, &host, path).await, body);
        serials.push(issued);
    }
    let meltingpoc = stack
        .https(&stack.host("meltingpoc"), "/")
        .await
        .expect("GET meltingpoc");
    assert_eq!(
        meltingpoc.serial.as_deref(),
        Some(serials[0].as_str()),
        "still the files' certificate"
    );
    serials.sort();
    serials.dedup();
    assert_eq!(serials.len(), 3, "three hosts, three certificates");
}

/// Step 5: `cmctl renew` on the walkthrough's Certificate (served from
/// files) and on ingress-shim's (served from its Secret) while a client
/// loops on each URL: the served certificate changes and no request fails.
pub(crate) async fn forced_renewal_swaps_the_certificate_without_a_failed_request(stack: &mut Stack) {
    let meltingpoc = stack.host("meltingpoc");
    let shop = stack.host("shop");
    renew_while_looping(stack, "default", "traefik-cert", &meltingpoc, "/api/x", "/x\n").await;
    renew_while_looping(stack, V1, "shop-tls", &shop, "/hello", "/hello\n").await;
}

/// Requests after the new certificate was first seen, before stopping.
const REQUESTS_AFTER_SWAP: usize = 20;

async fn renew_while_looping(stack: &Stack, namespace: &str, name: &str, host: &str, path: &str, body: &str) {
    let before = stack.https(host, path).await.expect("GET before renewal").serial;
    let results: Mutex<Vec<Result<Option<String>, String>>> = Mutex::new(Vec::new());
    let stop = AtomicBool::new(false);
    let client = async {
        while !stop.load(Ordering::SeqCst) {
            let result = match stack.https(host, path).await {
                Ok(f) if f.status == 200 && f.body == body => Ok(f.serial),
                Ok(f) => Err(format!("{} {:?}", f.status, f.body)),
                Err(e) => Err(error_chain(&e)),
            };
            results.lock().expect("results").push(result);
        }
    };
    let driver = async {
        stack
            .renew(namespace, name)
            .await
            .expect("the renewal is triggered");
        let swapped_at = |r: &Vec<Result<Option<String>, String>>| {
            r.iter()
                .position(|x| matches!(x, Ok(serial) if *serial != before))
        };
        for _ in 0..3000 {
            let done = {
                let r = results.lock().expect("results");
                swapped_at(&r).is_some_and(|at| r.len() > at + REQUESTS_AFTER_SWAP)
            };
            if done {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        stop.store(true, Ordering::SeqCst);
    };
    tokio::join!(client, driver);

    let results = results.into_inner().expect("results");
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} requests failed: {failures:?}",
        failures.len(),
        results.len()
    );
    let renewed = secret_serial(stack, namespace, name).await;
    assert_ne!(
        before.as_deref(),
        Some(renewed.as_str()),
        "{namespace}/{name} was renewed"
    );
    let last = results.last().and_then(|r| r.as_ref().ok()).cloned().flatten();
    assert_eq!(
        last.as_deref(),
        Some(renewed.as_str()),
        "the renewed certificate is served"
    );
    eprintln!(
        "  renewal of {namespace}/{name}: {} requests, none failed, served certificate {} → {renewed}",
        results.len(),
        before.unwrap_or_default()
    );
}
