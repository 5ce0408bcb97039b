//! Config-file certificates: loaded at start, reloaded when the kubelet
//! swaps a Secret volume's `..data` symlink, served by default until a
//! missing file appears, and kept when new content is bad.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::support::{Ca, Pem};
use crate::config::{CertSpec, EntryPointConfig, FileConfig, PemSource, Settings};
use crate::tls::files::{FileCert, WatchOptions, watch};
use crate::tls::{CertSlot, CertSources, start};

/// A directory laid out as the kubelet lays out a Secret volume.
struct SecretVolume {
    dir: tempfile::TempDir,
    generation: usize,
}

impl SecretVolume {
    fn new() -> SecretVolume {
        SecretVolume {
            dir: tempfile::tempdir().unwrap(),
            generation: 0,
        }
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    fn spec(&self) -> CertSpec {
        CertSpec {
            cert: PemSource::File(self.path("tls.crt")),
            key: PemSource::File(self.path("tls.key")),
        }
    }

    /// The kubelet's atomic writer: a new timestamped directory, a
    /// `..data_tmp` symlink to it renamed over `..data`, the user-visible
    /// names symlinked through `..data`, then the old directory removed.
    fn publish(&mut self, cert: &[u8], key: &[u8]) {
        self.generation += 1;
        let name = format!(
            "..2025_01_01_00_00_0{}.{}",
            self.generation,
            100 + self.generation
        );
        let data_dir = self.path(&name);
        std::fs::create_dir(&data_dir).unwrap();
        std::fs::write(data_dir.join("tls.crt"), cert).unwrap();
        std::fs::write(data_dir.join("tls.key"), key).unwrap();
        let old = std::fs::read_link(self.path("..data")).ok();
        std::os::unix::fs::symlink(&name, self.path("..data_tmp")).unwrap();
        std::fs::rename(self.path("..data_tmp"), self.path("..data")).unwrap();
        for file in ["tls.crt", "tls.key"] {
            if std::fs::symlink_metadata(self.path(file)).is_err() {
                std::os::unix::fs::symlink(Path::new("..data").join(file), self.path(file)).unwrap();
            }
        }
        if let Some(old) = old {
            std::fs::remove_dir_all(self.path(&old.to_string_lossy())).unwrap();
        }
    }

    fn publish_pem(&mut self, pem: &Pem) {
        self.publish(pem.cert.as_bytes(), pem.key.as_bytes());
    }
}

/// Waits for `condition`; the bound only keeps a broken watcher from
/// hanging the test run.
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn serial(sources: &CertSources, sni: &str) -> Option<String> {
    sources
        .handle("https")
        .unwrap()
        .load()
        .pick(sni)
        .map(|e| e.cert.serial.clone())
}

fn notify_only() -> WatchOptions {
    WatchOptions {
        notify: true,
        poll_interval: Duration::from_secs(3600),
        ..WatchOptions::default()
    }
}

fn file_cert(volume: &SecretVolume) -> Vec<FileCert> {
    vec![FileCert {
        entry_point: "https".into(),
        slot: CertSlot::Certificate(0),
        spec: volume.spec(),
    }]
}

#[tokio::test]
async fn a_kubelet_symlink_swap_is_served_without_restart() {
    let ca = Ca::new();
    let mut volume = SecretVolume::new();
    let first = ca.issue(&["app.example.test"], 2021);
    volume.publish_pem(&first);
    let sources = CertSources::new();
    sources.add_entry_point("https");
    let _watcher = watch(file_cert(&volume), sources.clone(), notify_only()).unwrap();
    assert_eq!(
        serial(&sources, "app.example.test"),
        Some(first.load().serial),
        "loaded at start"
    );

    let renewed = ca.issue(&["app.example.test"], 2022);
    volume.publish_pem(&renewed);
    let expected = Some(renewed.load().serial);
    eventually("the renewed certificate", || {
        serial(&sources, "app.example.test") == expected
    })
    .await;
    assert_eq!(sources.stats().failures, 0);
}

#[tokio::test]
async fn a_missing_certificate_file_serves_the_default_until_it_appears() {
    let ca = Ca::new();
    let mut volume = SecretVolume::new();
    let tls = start(&[entry_point(volume.spec())], notify_only()).unwrap();
    let resolver = tls.resolver("https").unwrap();
    let generated = tls.generated().key.clone();
    assert!(std::sync::Arc::ptr_eq(
        &resolver.resolve_name(Some("app.example.test")).unwrap(),
        &generated
    ));

    let pem = ca.issue(&["app.example.test"], 2021);
    volume.publish_pem(&pem);
    let expected = pem.load();
    eventually("the certificate file to be loaded", || {
        resolver.resolve_name(Some("app.example.test")).unwrap().cert[0].as_ref() == expected.der()
    })
    .await;
}

#[tokio::test]
async fn polling_alone_sees_a_file_rewritten_in_place() {
    let ca = Ca::new();
    let volume = SecretVolume::new();
    let first = ca.issue(&["app.example.test"], 2021);
    std::fs::write(volume.path("tls.crt"), &first.cert).unwrap();
    std::fs::write(volume.path("tls.key"), &first.key).unwrap();
    let sources = CertSources::new();
    sources.add_entry_point("https");
    let options = WatchOptions {
        notify: false,
        poll_interval: Duration::from_millis(20),
        ..WatchOptions::default()
    };
    let _watcher = watch(file_cert(&volume), sources.clone(), options).unwrap();
    assert_eq!(serial(&sources, "app.example.test"), Some(first.load().serial));

    let renewed = ca.issue(&["app.example.test"], 2022);
    // Key first, then certificate: a poll in between sees a mismatch and
    // must keep the first certificate, then load the pair.
    std::fs::write(volume.path("tls.key"), &renewed.key).unwrap();
    std::fs::write(volume.path("tls.crt"), &renewed.cert).unwrap();
    let expected = Some(renewed.load().serial);
    eventually("the rewritten certificate", || {
        serial(&sources, "app.example.test") == expected
    })
    .await;
}

#[tokio::test]
async fn bad_new_content_keeps_the_last_good_certificate() {
    let ca = Ca::new();
    let mut volume = SecretVolume::new();
    let good = ca.issue(&["app.example.test"], 2021);
    volume.publish_pem(&good);
    let sources = CertSources::new();
    sources.add_entry_point("https");
    let _watcher = watch(file_cert(&volume), sources.clone(), notify_only()).unwrap();

    let other = ca.issue(&["app.example.test"], 2022);
    volume.publish(other.cert.as_bytes(), good.key.as_bytes());
    eventually("the refusal", || sources.stats().failures == 1).await;
    assert_eq!(serial(&sources, "app.example.test"), Some(good.load().serial));

    volume.publish_pem(&other);
    let expected = Some(other.load().serial);
    eventually("the fixed certificate", || {
        serial(&sources, "app.example.test") == expected
    })
    .await;
}

#[tokio::test]
async fn start_serves_the_walkthrough_config_with_its_certificate_files() {
    let ca = Ca::new();
    let mut volume = SecretVolume::new();
    let pem = ca.issue(&["meltingpoc.example.test"], 2021);
    volume.publish_pem(&pem);
    let toml = WALKTHROUGH.replace("/ssl", &volume.dir.path().display().to_string());
    let (file, warnings) = FileConfig::parse(&toml, "traefik.toml").unwrap();
    assert_eq!(warnings, Vec::<String>::new());
    let settings = Settings::resolve(&Default::default(), Some(&file)).unwrap();
    let tls = start(&settings.entry_points, notify_only()).unwrap();
    assert!(tls.resolver("http").is_none());
    assert!(tls.server_config("https").is_some());
    let served = tls
        .resolver("https")
        .unwrap()
        .resolve_name(Some("meltingpoc.example.test"))
        .unwrap();
    assert_eq!(served.cert[0].as_ref(), pem.load().der());
    let sets = tls.sources().snapshots();
    assert_eq!(sets.len(), 1);
    let infos = sets[0].1.describe();
    assert_eq!(
        infos[0].source,
        crate::tls::CertSource::File(volume.path("tls.crt").display().to_string())
    );
}

fn entry_point(spec: CertSpec) -> EntryPointConfig {
    EntryPointConfig {
        name: "https".into(),
        address: "127.0.0.1:0".parse().unwrap(),
        redirect: None,
        tls: Some(crate::config::TlsConfig {
            certificates: vec![spec],
            ..Default::default()
        }),
    }
}

/// The walkthrough's traefik.toml, verbatim.
const WALKTHROUGH: &str = r#"defaultEntryPoints = ["http", "https"]
[entryPoints]
  [entryPoints.http]
   address = ":80"
     [entryPoints.http.redirect]
      entryPoint = "https"
     [entryPoints.https]
      address = ":443"
     [entryPoints.https.tls]
       [[entryPoints.https.tls.certificates]]
        CertFile = "/ssl/tls.crt"
        KeyFile = "/ssl/tls.key"
"#;
