//! The solver server over a real TCP socket: the key authorization for the
//! right token and host (with a port, in any case), 404 for anything else.

use std::sync::Arc;

use kube::runtime::reflector;
use kube::runtime::watcher::Event;
use passerelle_crds::acme::challenge::ChallengeStatus;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::challenge;
use crate::challenge::solver::{answer, serve_store};

async fn get(addr: std::net::SocketAddr, host: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn serves_the_key_authorization_for_its_host_only() {
    let mut presented = challenge("a", "a.example.com", 0);
    presented.status = Some(ChallengeStatus {
        presented: Some(true),
        processing: Some(true),
        ..Default::default()
    });
    let not_presented = challenge("b", "b.example.com", 0);
    let (store, mut writer) = reflector::store();
    writer.apply_watcher_event(&Event::Apply(presented));
    writer.apply_watcher_event(&Event::Apply(not_presented));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_store(listener, store));

    let ok = get(addr, "A.Example.com:5002", "/.well-known/acme-challenge/token-a").await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(
        ok.to_ascii_lowercase().contains("content-type: text/plain"),
        "{ok}"
    );
    assert!(ok.ends_with("\r\n\r\ntoken-a.THUMB"), "{ok}");
    for (host, path) in [
        ("other.example.com", "/.well-known/acme-challenge/token-a"),
        ("a.example.com", "/.well-known/acme-challenge/token-x"),
        ("a.example.com", "/.well-known/acme-challenge/"),
        ("a.example.com", "/"),
        ("b.example.com", "/.well-known/acme-challenge/token-b"),
    ] {
        let response = get(addr, host, path).await;
        assert!(response.starts_with("HTTP/1.1 404"), "{host}{path}: {response}");
    }
    server.abort();
}

#[test]
fn host_names_are_compared_without_port_brackets_or_trailing_dot() {
    let mut ch = challenge("a", "a.example.com", 0);
    ch.status = Some(ChallengeStatus {
        processing: Some(true),
        ..Default::default()
    });
    let mut ip = challenge("ip", "2001:db8::1", 0);
    ip.status = ch.status.clone();
    let all = [Arc::new(ch), Arc::new(ip)];
    let path = "/.well-known/acme-challenge/token-a";
    for host in [
        "a.example.com",
        "a.example.com:80",
        "A.EXAMPLE.COM.",
        " a.example.com:8080 ",
    ] {
        assert_eq!(
            answer(&all, Some(host), path).map(|(n, _)| n),
            Some("web/a".to_string()),
            "{host}"
        );
    }
    assert_eq!(answer(&all, None, path), None);
    assert_eq!(answer(&all, Some("a.example.com:x"), path), None);
    let ip_path = "/.well-known/acme-challenge/token-ip";
    assert!(answer(&all, Some("[2001:db8:0::1]:80"), ip_path).is_some());
}
