//! The settings the data plane runs with: Traefik's timeouts and upstream
//! TLS keys mapped to the server's options, and readiness at shutdown.

use std::time::Duration;

use super::*;

fn secs(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n))
}

#[test]
fn traefik_timeouts_map_to_the_server_options() {
    let defaults = server::Options::default();
    let unset = server_options(&Timeouts::default());
    assert_eq!(
        (
            unset.connect_timeout,
            unset.response_header_timeout,
            unset.header_read_timeout,
            unset.read_timeout,
            unset.write_timeout,
        ),
        (
            defaults.connect_timeout,
            defaults.response_header_timeout,
            defaults.header_read_timeout,
            None,
            None,
        ),
        "left out: Passerelle's defaults"
    );

    let set = server_options(&Timeouts {
        read: secs(20),
        write: secs(40),
        idle: secs(180),
        dial: secs(3),
        response_header: secs(90),
    });
    assert_eq!(set.connect_timeout, secs(3));
    assert_eq!(set.response_header_timeout, secs(90));
    assert_eq!(set.read_timeout, secs(20));
    assert_eq!(set.write_timeout, secs(40));
    assert_eq!(
        set.header_read_timeout,
        secs(20),
        "the read timeout bounds the request headers too"
    );

    let zero = Some(Duration::ZERO);
    let unlimited = server_options(&Timeouts {
        read: zero,
        write: zero,
        idle: zero,
        dial: zero,
        response_header: zero,
    });
    assert_eq!(
        (
            unlimited.connect_timeout,
            unlimited.response_header_timeout,
            unlimited.header_read_timeout,
            unlimited.read_timeout,
            unlimited.write_timeout,
        ),
        (None, None, None, None, None),
        "zero is no limit, as in Traefik"
    );
    let idle_only = server_options(&Timeouts {
        idle: secs(180),
        ..Timeouts::default()
    });
    assert_eq!(idle_only.header_read_timeout, secs(180));
}

#[test]
fn root_cas_replace_the_system_roots_and_bad_ones_are_errors() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    assert!(upstream_tls(&UpstreamTlsConfig::default()).unwrap().is_none());
    let key = rcgen::KeyPair::generate().unwrap();
    let ca = rcgen::CertificateParams::new(vec!["ca.test".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ca.pem");
    std::fs::write(&file, ca.pem()).unwrap();
    let config = UpstreamTlsConfig {
        insecure_skip_verify: false,
        root_cas: vec![PemSource::File(file), PemSource::Inline(ca.pem())],
    };
    assert!(upstream_tls(&config).unwrap().is_some());

    for bad in [
        PemSource::File(dir.path().join("missing.pem")),
        PemSource::Inline("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".into()),
    ] {
        let config = UpstreamTlsConfig {
            insecure_skip_verify: false,
            root_cas: vec![bad],
        };
        let error = upstream_tls(&config).unwrap_err();
        assert!(matches!(error, RunError::RootCa { .. }), "{error}");
    }
    let insecure = UpstreamTlsConfig {
        insecure_skip_verify: true,
        root_cas: Vec::new(),
    };
    assert!(upstream_tls(&insecure).unwrap().is_some());
}

#[test]
fn readiness_stays_withdrawn_once_draining() {
    let readiness = Readiness::default();
    readiness.set(true, "ready");
    assert!(readiness.is_ready());
    readiness.drain("shutting down");
    // The provider's first build finishing during shutdown.
    readiness.set(true, "ready");
    assert!(!readiness.is_ready());
}

#[tokio::test]
async fn a_refused_certificate_file_counts_at_once() {
    let sources = tls::CertSources::new();
    let metrics = Metrics::default();
    let refused = Arc::new(Notify::new());
    let never = Duration::from_secs(24 * 3600);
    let task = tokio::spawn(certificate_metrics(
        sources.clone(),
        metrics.clone(),
        refused.clone(),
        never,
    ));
    let counted = |n: u64| {
        let metrics = metrics.clone();
        async move {
            tokio::time::timeout(Duration::from_secs(20), async {
                while metrics.config_reload_failures.get() != n {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
            .await
            .unwrap_or_else(|_| panic!("{n} failures never counted"));
        }
    };
    // Refused at start, before the task's first pass: counted by it.
    sources.record_failure();
    counted(1).await;
    // Refused later: the watcher's notification counts it, not a tick.
    sources.record_failure();
    refused.notify_one();
    counted(2).await;
    task.abort();
}
