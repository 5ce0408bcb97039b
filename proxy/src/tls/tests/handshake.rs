//! Real rustls handshakes (in memory) against `server_config` and
//! `Resolver`: exact, wildcard, configured default, generated default,
//! sniStrict, ALPN and the minimum version.

use std::sync::Arc;

use arc_swap::ArcSwap;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, ServerConnection, SignatureScheme};

use super::support::{Ca, entry, file, secret};
use crate::config::TlsVersion;
use crate::tls::{CertHandle, CertSet, LoadedCert, Resolver, generate_default, server_config};

/// Which side gave up.
#[derive(Debug)]
#[allow(dead_code, reason = "the errors are shown when a test fails")]
enum Failed {
    Server(rustls::Error),
    Client(rustls::Error),
}

/// Runs a handshake between `client` and `server`, in memory.
fn handshake(
    server: Arc<rustls::ServerConfig>,
    client: Arc<ClientConfig>,
    name: &str,
) -> Result<ClientConnection, Failed> {
    let mut client = ClientConnection::new(client, ServerName::try_from(name.to_owned()).unwrap()).unwrap();
    let mut server = ServerConnection::new(server).unwrap();
    for _ in 0..20 {
        let mut to_server = Vec::new();
        while client.wants_write() {
            client.write_tls(&mut to_server).unwrap();
        }
        let mut input = &to_server[..];
        while !input.is_empty() {
            server.read_tls(&mut input).unwrap();
            server.process_new_packets().map_err(Failed::Server)?;
        }
        let mut to_client = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut to_client).unwrap();
        }
        let mut input = &to_client[..];
        while !input.is_empty() {
            client.read_tls(&mut input).unwrap();
            client.process_new_packets().map_err(Failed::Client)?;
        }
        if !client.is_handshaking() && !server.is_handshaking() {
            return Ok(client);
        }
    }
    panic!("the handshake did not complete");
}

fn client(ca: &Ca, sni: bool, versions: &[&'static rustls::SupportedProtocolVersion]) -> Arc<ClientConfig> {
    let mut config = ClientConfig::builder_with_provider(crate::tls::cert::provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(ca.roots())
        .with_no_client_auth();
    config.enable_sni = sni;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Arc::new(config)
}

fn trusting(ca: &Ca) -> Arc<ClientConfig> {
    client(ca, true, rustls::ALL_VERSIONS)
}

fn served(connection: &ClientConnection) -> Vec<u8> {
    connection.peer_certificates().unwrap()[0].to_vec()
}

struct Fixture {
    ca: Ca,
    handle: CertHandle,
    exact: LoadedCert,
    wildcard: LoadedCert,
    generated: LoadedCert,
}

fn fixture() -> Fixture {
    let ca = Ca::new();
    let exact = ca.issue(&["www.example.test"], 2021);
    let wildcard = ca.issue(&["*.example.test"], 2021);
    let set = CertSet::build(vec![
        entry(&exact, file("/ssl/www.crt")),
        entry(&wildcard, secret("wild")),
    ]);
    Fixture {
        handle: Arc::new(ArcSwap::from_pointee(set)),
        exact: exact.load(),
        wildcard: wildcard.load(),
        generated: generate_default().unwrap(),
        ca,
    }
}

fn config(f: &Fixture, sni_strict: bool) -> Arc<rustls::ServerConfig> {
    let resolver = Resolver::new(f.handle.clone(), f.generated.key.clone(), sni_strict);
    server_config(Arc::new(resolver), TlsVersion::Tls12)
}

#[test]
fn sni_picks_the_exact_certificate_then_the_wildcard() {
    let f = fixture();
    let server = config(&f, false);
    let exact = handshake(server.clone(), trusting(&f.ca), "www.example.test").unwrap();
    assert_eq!(served(&exact), f.exact.der());
    let wildcard = handshake(server, trusting(&f.ca), "shop.example.test").unwrap();
    assert_eq!(served(&wildcard), f.wildcard.der());
}

#[test]
fn alpn_offers_h2_first_then_http11() {
    let f = fixture();
    let h2 = handshake(config(&f, false), trusting(&f.ca), "www.example.test").unwrap();
    assert_eq!(h2.alpn_protocol(), Some(&b"h2"[..]));
    let mut only_h1 = (*trusting(&f.ca)).clone();
    only_h1.alpn_protocols = vec![b"http/1.1".to_vec()];
    let h1 = handshake(config(&f, false), Arc::new(only_h1), "www.example.test").unwrap();
    assert_eq!(h1.alpn_protocol(), Some(&b"http/1.1"[..]));
}

#[test]
fn tls12_and_tls13_are_served_unless_the_minimum_is_13() {
    let f = fixture();
    let tls12 = client(&f.ca, true, &[&rustls::version::TLS12]);
    let conn = handshake(config(&f, false), tls12.clone(), "www.example.test").unwrap();
    assert_eq!(conn.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_2));
    let resolver = Arc::new(Resolver::new(f.handle.clone(), f.generated.key.clone(), false));
    let only13 = server_config(resolver, TlsVersion::Tls13);
    assert!(matches!(
        handshake(only13.clone(), tls12, "www.example.test"),
        Err(Failed::Server(_))
    ));
    let conn = handshake(only13, trusting(&f.ca), "www.example.test").unwrap();
    assert_eq!(conn.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_3));
}

#[test]
fn unknown_or_missing_sni_gets_the_configured_default() {
    let f = fixture();
    let default = f.ca.issue(&["default.example.test"], 2021);
    let set = CertSet::build(vec![entry(
        &f.ca.issue(&["www.example.test"], 2021),
        file("/ssl/www.crt"),
    )])
    .with_default(Some(entry(&default, file("/ssl/default.crt"))));
    f.handle.store(Arc::new(set));
    let server = config(&f, false);
    // No SNI at all: the client still verifies against this name.
    let no_sni = handshake(
        server.clone(),
        client(&f.ca, false, rustls::ALL_VERSIONS),
        "default.example.test",
    );
    assert_eq!(served(&no_sni.unwrap()), default.load().der());
    // An unknown name: the default is served (and fails the client's check).
    let unknown = handshake(server, recording(), "other.test").unwrap();
    assert_eq!(served(&unknown), default.load().der());
}

#[test]
fn unknown_sni_gets_the_generated_default_without_a_configured_one() {
    let f = fixture();
    let connection = handshake(config(&f, false), recording(), "unknown.test").unwrap();
    assert_eq!(served(&connection), f.generated.der());
    // A client that verifies refuses it, as it should.
    assert!(matches!(
        handshake(config(&f, false), trusting(&f.ca), "unknown.test"),
        Err(Failed::Client(_))
    ));
}

#[test]
fn sni_strict_refuses_unknown_and_missing_names() {
    let f = fixture();
    let server = config(&f, true);
    assert!(matches!(
        handshake(server.clone(), recording(), "unknown.test"),
        Err(Failed::Server(_))
    ));
    let no_sni = client(&f.ca, false, rustls::ALL_VERSIONS);
    assert!(matches!(
        handshake(server.clone(), no_sni, "www.example.test"),
        Err(Failed::Server(_))
    ));
    let known = handshake(server, trusting(&f.ca), "www.example.test").unwrap();
    assert_eq!(served(&known), f.exact.der());
}

#[test]
fn a_stored_set_is_seen_by_the_next_handshake() {
    let f = fixture();
    let server = config(&f, false);
    let renewed = f.ca.issue(&["www.example.test"], 2022);
    f.handle
        .store(Arc::new(CertSet::build(vec![entry(&renewed, secret("www"))])));
    let connection = handshake(server, trusting(&f.ca), "www.example.test").unwrap();
    assert_eq!(served(&connection), renewed.load().der());
}

/// A client that accepts any certificate and so shows which one was served.
fn recording() -> Arc<ClientConfig> {
    let mut config = ClientConfig::builder_with_provider(crate::tls::cert::provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAny))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(config)
}

#[derive(Debug)]
struct AcceptAny;

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = crate::tls::cert::provider().signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, &algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = crate::tls::cert::provider().signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, &algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        crate::tls::cert::provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}
