//! The walkthrough's backend, reduced to what the end-to-end test needs to
//! see: an HTTP/1.1 server that answers every request with `200` and the
//! path (and query) it received, so a test can tell what the proxy forwarded
//! — `/x` for `https://host/api/x` behind PathPrefixStrip. The headers it got
//! that the proxy adds come back as `X-Echo-*` response headers.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// Request headers echoed back, each as `X-Echo-<name>`.
const ECHOED: [&str; 3] = ["host", "x-forwarded-prefix", "x-forwarded-proto"];

/// The answer to one request: the path and query, one line.
pub fn answer<B>(request: &Request<B>) -> Response<Full<Bytes>> {
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".to_string());
    let mut response = Response::new(Full::new(Bytes::from(format!("{path}\n"))));
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain"),
    );
    for name in ECHOED {
        if let Some(value) = request.headers().get(name) {
            let echoed = format!("x-echo-{name}");
            if let Ok(echoed) = http::HeaderName::from_bytes(echoed.as_bytes()) {
                headers.insert(echoed, value.clone());
            }
        }
    }
    response
}

/// Serves [`answer`] on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                tracing::warn!(%error, "Accepting a connection failed");
                continue;
            }
        };
        tokio::spawn(async move {
            let service = service_fn(|request| async move { Ok::<_, Infallible>(answer(&request)) });
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%error, "Connection ended with an error");
            }
        });
    }
}

/// Binds `addr` and serves in a background task; returns the bound address.
pub async fn start(addr: SocketAddr) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    Ok((bound, tokio::spawn(serve(listener))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_the_path_and_query_it_received() {
        let request = Request::get("/x/y?z=1")
            .header("x-forwarded-prefix", "/api")
            .body(())
            .unwrap();
        let response = answer(&request);
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-echo-x-forwarded-prefix"], "/api");
        let body = response.into_body();
        let bytes = futures::executor::block_on(http_body_util::BodyExt::collect(body))
            .unwrap()
            .to_bytes();
        assert_eq!(bytes, "/x/y?z=1\n");
    }
}
