//! Upgrades through the proxy: a WebSocket echo, over plain HTTP and over
//! TLS, and the tunnel's end at shutdown.

#[path = "http_support/env.rs"]
mod support;

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use passerelle_proxy::server::Options;
use support::*;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn websocket_echo_through_the_proxy() {
    let ws = ws_backend().await;
    let proxy = start(
        vec![http_ep("web")],
        vec![route("ws", Some("ws.test"), "/", service("ns/ws:80", &[ws]))],
        Options::default(),
    )
    .await;
    let tcp = tokio::net::TcpStream::connect(proxy.addr("web")).await.unwrap();
    let (mut client, response) = within(
        "handshake",
        tokio_tungstenite::client_async("ws://ws.test/chat", tcp),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 101);
    assert_eq!(response.headers()["server"], "passerelle");
    for text in ["hello", "again"] {
        client.send(Message::text(text)).await.unwrap();
        let echoed = within("echo", client.next()).await.unwrap().unwrap();
        assert_eq!(echoed, Message::text(text));
    }
    client.send(Message::binary(vec![0u8, 1, 2, 255])).await.unwrap();
    assert_eq!(
        within("binary echo", client.next()).await.unwrap().unwrap(),
        Message::binary(vec![0u8, 1, 2, 255])
    );
    client.close(None).await.unwrap();

    eventually("the exchange is recorded", || {
        proxy.metrics_text().contains(
            "traefik_entrypoint_requests_total{code=\"101\",method=\"GET\",protocol=\"websocket\",entrypoint=\"web\"} 1",
        )
    })
    .await;
}

#[tokio::test]
async fn shutdown_deadline_closes_open_tunnels() {
    let ws = ws_backend().await;
    let options = Options {
        shutdown_timeout: Duration::from_millis(100),
        ..Options::default()
    };
    let mut proxy = start(
        vec![http_ep("web")],
        vec![route("ws", None, "/", service("ns/ws:80", &[ws]))],
        options,
    )
    .await;
    let tcp = tokio::net::TcpStream::connect(proxy.addr("web")).await.unwrap();
    let (mut client, _) = within("handshake", tokio_tungstenite::client_async("ws://ws.test/", tcp))
        .await
        .unwrap();
    client.send(Message::text("ping")).await.unwrap();
    assert_eq!(
        within("echo", client.next()).await.unwrap().unwrap(),
        Message::text("ping")
    );

    proxy.shutdown();
    within("the server stops", proxy.served.take().unwrap())
        .await
        .unwrap();
    let next = within("the tunnel closes", client.next()).await;
    assert!(!matches!(next, Some(Ok(Message::Text(_)))), "{next:?}");
}
