//! The pebble harness end to end: pebble serves its directory over HTTPS
//! signed by the listener CA, publishes fresh issuing roots, refuses
//! blocklisted names, really validates HTTP-01 (RFC 8555 §8.3) against a
//! responder the test runs, and issues a chain that verifies to its roots.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use instant_acme::{
    Account, AuthorizationStatus, BodyWrapper, ChallengeType, Identifier, NewAccount, NewOrder, Order,
    OrderStatus, RetryPolicy,
};
use passerelle_e2e::pebble::https_client;
use passerelle_e2e::{Pebble, PebbleOptions};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::net::TcpListener;
use x509_parser::pem::Pem;

/// What the HTTP-01 responder answers, by token, and how often pebble asked.
#[derive(Clone, Default)]
struct Http01 {
    answers: Arc<Mutex<HashMap<String, String>>>,
    hits: Arc<AtomicUsize>,
}

impl Http01 {
    /// Serves `/.well-known/acme-challenge/{token}` (RFC 8555 §8.3) on a free
    /// port and returns the port, for `PebbleOptions::http_port`.
    async fn serve(&self) -> Result<u16> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let responder = self.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let responder = responder.clone();
                let service = service_fn(move |req| {
                    let responder = responder.clone();
                    async move { Ok::<_, Infallible>(responder.answer(&req)) }
                });
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
            }
        });
        Ok(port)
    }

    fn answer<B>(&self, req: &Request<B>) -> Response<Full<Bytes>> {
        self.hits.fetch_add(1, Ordering::SeqCst);
        let token = req.uri().path().strip_prefix("/.well-known/acme-challenge/");
        let answer = token.and_then(|token| self.answers.lock().ok()?.get(token).cloned());
        let mut response = Response::new(Full::new(Bytes::from(answer.clone().unwrap_or_default())));
        if answer.is_none() {
            *response.status_mut() = StatusCode::NOT_FOUND;
        }
        response
    }
}

async fn start(opts: PebbleOptions) -> Result<Pebble> {
    Pebble::start(opts)
        .await
        .context("starting pebble (installed by scripts/install-test-tools)")
}

/// An ACME account on `pebble`, over a client that trusts its listener CA.
async fn account(pebble: &Pebble) -> Result<Account> {
    let http = pebble.https_client::<BodyWrapper<Bytes>>()?;
    let new = NewAccount {
        contact: &[],
        terms_of_service_agreed: true,
        only_return_existing: false,
    };
    let (account, _credentials) = Account::builder_with_http(Box::new(http))
        .create(&new, pebble.directory_url(), None)
        .await?;
    Ok(account)
}

/// Orders `names`, answers every HTTP-01 challenge with `answer(key
/// authorization)` and waits for the order to leave `pending`.
async fn order(
    account: &Account,
    http01: &Http01,
    names: &[&str],
    answer: fn(&str) -> String,
) -> Result<(Order, OrderStatus)> {
    let identifiers: Vec<Identifier> = names
        .iter()
        .map(|name| Identifier::Dns(name.to_string()))
        .collect();
    let mut order = account.new_order(&NewOrder::new(&identifiers)).await?;
    let mut authorizations = order.authorizations();
    while let Some(authz) = authorizations.next().await {
        let mut authz = authz?;
        ensure!(
            authz.status == AuthorizationStatus::Pending,
            "authz reuse is off: {:?}",
            authz.status
        );
        let mut challenge = authz
            .challenge(ChallengeType::Http01)
            .context("no http-01 challenge")?;
        let key_authorization = challenge.key_authorization();
        http01
            .answers
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .insert(challenge.token.clone(), answer(key_authorization.as_str()));
        challenge.set_ready().await?;
    }
    let retries = RetryPolicy::new()
        .initial_delay(Duration::from_millis(100))
        .timeout(Duration::from_secs(30));
    let status = order.poll_ready(&retries).await?;
    Ok((order, status))
}

fn certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>> {
    Ok(CertificateDer::pem_slice_iter(pem.as_bytes()).collect::<Result<Vec<_>, _>>()?)
}

#[tokio::test]
async fn serves_the_directory_over_https_trusting_the_listener_ca() -> Result<()> {
    let pebble = start(PebbleOptions::new(Http01::default().serve().await?)).await?;
    let url: http::Uri = pebble.directory_url().parse()?;
    ensure!(
        url.scheme_str() == Some("https") && url.host() == Some("127.0.0.1"),
        "{url}"
    );

    let client = https_client::<Empty<Bytes>>(pebble.listener_ca_pem())?;
    let response = client.get(url.clone()).await?;
    ensure!(response.status() == StatusCode::OK, "{}", response.status());
    let directory: serde_json::Value =
        serde_json::from_slice(&response.into_body().collect().await?.to_bytes())?;
    for field in ["newNonce", "newAccount", "newOrder"] {
        ensure!(
            directory[field]
                .as_str()
                .is_some_and(|u| u.starts_with("https://127.0.0.1:")),
            "{directory}"
        );
    }

    // The issuing roots are another PKI: trusting them instead must fail.
    let stranger = https_client::<Empty<Bytes>>(&pebble.issuing_roots_pem().await?)?;
    ensure!(
        stranger.get(url).await.is_err(),
        "pebble's listener must not chain to its issuing roots"
    );
    Ok(())
}

#[tokio::test]
async fn issuing_roots_are_ca_certificates_made_at_every_start() -> Result<()> {
    let port = Http01::default().serve().await?;
    let first = start(PebbleOptions::new(port)).await?.issuing_roots_pem().await?;
    let second = start(PebbleOptions::new(port)).await?.issuing_roots_pem().await?;
    ensure!(first != second, "each pebble start must make new roots");

    let pems = Pem::iter_from_buffer(first.as_bytes()).collect::<Result<Vec<_>, _>>()?;
    ensure!(
        pems.len() == 1,
        "one root without PEBBLE_ALTERNATE_ROOTS, got {}",
        pems.len()
    );
    for pem in &pems {
        let root = pem.parse_x509()?;
        ensure!(root.is_ca(), "a root must be a CA (RFC 5280 §4.2.1.9)");
        ensure!(root.subject() == root.issuer(), "a root must be self-issued");
    }

    let mut opts = PebbleOptions::new(port);
    opts.env
        .push(("PEBBLE_ALTERNATE_ROOTS".to_string(), "1".to_string()));
    let alternates = start(opts).await?.issuing_roots_pem().await?;
    let count = Pem::iter_from_buffer(alternates.as_bytes()).count();
    ensure!(
        count == 2,
        "PEBBLE_ALTERNATE_ROOTS=1 gives two roots, got {count}"
    );
    Ok(())
}

#[tokio::test]
async fn refuses_blocklisted_names() -> Result<()> {
    let mut opts = PebbleOptions::new(Http01::default().serve().await?);
    opts.domain_blocklist = vec!["blocked.example".to_string()];
    let pebble = start(opts).await?;
    let account = account(&pebble).await?;
    let identifiers = [Identifier::Dns("blocked.example".to_string())];
    match account.new_order(&NewOrder::new(&identifiers)).await {
        Err(instant_acme::Error::Api(problem)) => ensure!(
            problem.r#type.as_deref() == Some("urn:ietf:params:acme:error:rejectedIdentifier"),
            "{problem}"
        ),
        Err(other) => bail!("expected rejectedIdentifier, got {other}"),
        Ok(_) => bail!("pebble accepted a blocklisted name"),
    }
    Ok(())
}

#[tokio::test]
async fn wrong_key_authorization_invalidates_the_order() -> Result<()> {
    let http01 = Http01::default();
    let pebble = start(PebbleOptions::new(http01.serve().await?)).await?;
    let account = account(&pebble).await?;
    // pebble validates while answering the challenge POST when its VA does
    // not sleep, so the failure comes from `set_ready` or, later, the order.
    match order(&account, &http01, &["wrong.example"], |_| {
        "not-the-key-authorization".into()
    })
    .await
    {
        Ok((_, OrderStatus::Invalid)) => {}
        Ok((_, status)) => bail!("pebble must really validate, got {status:?}\n{}", pebble.logs()),
        Err(error) => match error.downcast_ref::<instant_acme::Error>() {
            Some(instant_acme::Error::Api(problem))
                if problem.r#type.as_deref() == Some("urn:ietf:params:acme:error:unauthorized") => {}
            _ => return Err(error),
        },
    }
    ensure!(
        http01.hits.load(Ordering::SeqCst) >= 1,
        "pebble never asked the responder"
    );
    Ok(())
}

/// Issues a certificate for `names` on `pebble`, checks that every name was
/// validated over HTTP-01 and that the chain verifies to pebble's issuing
/// roots for each name, and returns the leaf (DER).
async fn issue(pebble: &Pebble, http01: &Http01, names: &[&str]) -> Result<CertificateDer<'static>> {
    let account = account(pebble).await?;
    let hits_before = http01.hits.load(Ordering::SeqCst);
    let (mut order, status) = order(&account, http01, names, |key_authz| key_authz.to_string()).await?;
    ensure!(
        status == OrderStatus::Ready,
        "order {status:?}\n{}",
        pebble.logs()
    );
    ensure!(
        http01.hits.load(Ordering::SeqCst) - hits_before >= names.len(),
        "each name must be validated over HTTP-01"
    );
    let _private_key_pem = order.finalize().await?;
    let retries = RetryPolicy::new().timeout(Duration::from_secs(60));
    let chain = certificates(&order.poll_certificate(&retries).await?)?;

    let (leaf, intermediates) = chain.split_first().context("empty chain")?;
    let mut roots = rustls::RootCertStore::empty();
    for root in certificates(&pebble.issuing_roots_pem().await?)? {
        roots.add(root)?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build()?;
    for name in names {
        let server_name = ServerName::try_from(*name)?;
        verifier.verify_server_cert(leaf, intermediates, &server_name, &[], UnixTime::now())?;
    }
    Ok(leaf.clone())
}

#[tokio::test]
async fn issues_a_certificate_over_http01_that_chains_to_the_issuing_roots() -> Result<()> {
    let http01 = Http01::default();
    let mut opts = PebbleOptions::new(http01.serve().await?);
    opts.certificate_validity = Some(Duration::from_secs(86_400));
    let pebble = start(opts).await?;

    let leaf = issue(&pebble, &http01, &["issue.example", "www.issue.example"]).await?;

    let (_, parsed) = x509_parser::parse_x509_certificate(&leaf)?;
    let validity = parsed.validity().not_after.timestamp() - parsed.validity().not_before.timestamp();
    ensure!(
        (86_398..=86_401).contains(&validity),
        "certificateValidityPeriod ignored: {validity} s"
    );
    Ok(())
}

#[tokio::test]
async fn issues_despite_chaos() -> Result<()> {
    let http01 = Http01::default();
    let opts = PebbleOptions {
        chaos: true,
        ..PebbleOptions::new(http01.serve().await?)
    };
    let pebble = start(opts).await?;
    ensure!(
        pebble.logs().contains("authz reuse for each identifier 50%"),
        "{}",
        pebble.logs()
    );
    issue(&pebble, &http01, &["chaos.example"]).await?;
    Ok(())
}
