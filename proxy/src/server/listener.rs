//! An entry point's listener: accept, TLS handshake (tokio-rustls, with the
//! entry point's certificate resolver), then HTTP/1.1 or HTTP/2 on
//! hyper-util's `auto` connection, drained gracefully at shutdown.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use super::handler::{ConnInfo, handle};
use super::{EntryPointRuntime, Options, Phase, Shared};

/// Binds `address` with `SO_REUSEADDR` (a restarted proxy rebinds at once).
/// The unspecified IPv6 address listens dual-stack (`IPV6_V6ONLY` off), so
/// that `:80` takes IPv4 and IPv6 clients as Go's `:80` did; where the host
/// has no IPv6, it listens on `0.0.0.0` instead. Must be called within a
/// Tokio runtime.
pub(crate) fn bind(address: SocketAddr) -> std::io::Result<TcpListener> {
    match address {
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => match bind_socket(address, Some(false)) {
            Ok(listener) => Ok(listener),
            Err(error) if !matches!(error.kind(), ErrorKind::AddrInUse | ErrorKind::PermissionDenied) => {
                tracing::info!(%address, %error, "IPv6 is unavailable; listening on IPv4 only");
                bind_socket(SocketAddr::from((Ipv4Addr::UNSPECIFIED, address.port())), None)
            }
            Err(error) => Err(error),
        },
        _ => bind_socket(address, None),
    }
}

fn bind_socket(address: SocketAddr, only_v6: Option<bool>) -> std::io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, Some(Protocol::TCP))?;
    if let Some(only_v6) = only_v6 {
        socket.set_only_v6(only_v6)?;
    }
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&address.into())?;
    socket.listen(1024)?;
    TcpListener::from_std(socket.into())
}

/// The answer that closes a connection (HTTP/2: resets the stream) whose
/// response was not written within the write timeout.
#[derive(Debug, thiserror::Error)]
#[error("the response was not written within the write timeout")]
pub(crate) struct WriteTimeout;

/// The connection builder: header limits (431 beyond them), header read
/// timeout, HTTP/2 header list size and keep-alive pings.
pub(crate) fn builder(options: &Options) -> auto::Builder<TokioExecutor> {
    let mut b = auto::Builder::new(TokioExecutor::new());
    b.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .max_buf_size(options.max_header_bytes.max(8192))
        .max_headers(options.max_headers);
    // HTTP/2 pings find dead clients that would otherwise hold their
    // connection (and its streams) forever.
    b.http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Duration::from_secs(60))
        .keep_alive_timeout(Duration::from_secs(20))
        .max_header_list_size(u32::try_from(options.max_header_bytes).unwrap_or(u32::MAX));
    b
}

/// An entry point's accept loop.
pub(crate) struct Accept {
    pub(crate) shared: Arc<Shared>,
    pub(crate) entry_point: Arc<EntryPointRuntime>,
    pub(crate) tls: Option<TlsAcceptor>,
    pub(crate) builder: Arc<auto::Builder<TokioExecutor>>,
    pub(crate) handshake_timeout: Duration,
    pub(crate) write_timeout: Option<Duration>,
}

impl Accept {
    /// Accepts until the server drains, each connection in its own task.
    pub(crate) async fn run(self, listener: TcpListener) {
        let this = Arc::new(self);
        let mut phase = this.shared.phase.clone();
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = phase.wait_for(|p| *p != Phase::Running) => break,
            };
            match accepted {
                Ok((tcp, peer)) => {
                    tokio::spawn(this.clone().connection(tcp, peer));
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait a little
                    // instead of spinning.
                    tracing::warn!(entry_point = %this.entry_point.name, %error, "Accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        tracing::debug!(entry_point = %this.entry_point.name, "Stopped accepting");
    }

    async fn connection(self: Arc<Self>, tcp: TcpStream, peer: SocketAddr) {
        let _ = tcp.set_nodelay(true);
        let Some(acceptor) = &self.tls else {
            let info = ConnInfo {
                entry_point: self.entry_point.clone(),
                peer,
                sni: None,
            };
            return self.drive(tcp, info).await;
        };
        let metrics = &self.shared.observer.metrics;
        let handshake = tokio::time::timeout(self.handshake_timeout, acceptor.accept(tcp));
        let mut phase = self.shared.phase.clone();
        let tls = tokio::select! {
            tls = handshake => tls,
            _ = phase.wait_for(|p| *p != Phase::Running) => return,
        };
        match tls {
            Ok(Ok(stream)) => {
                metrics.tls_handshake(&self.entry_point.name, true);
                let sni = stream.get_ref().1.server_name().map(Box::from);
                let info = ConnInfo {
                    entry_point: self.entry_point.clone(),
                    peer,
                    sni,
                };
                self.drive(stream, info).await;
            }
            Ok(Err(error)) => {
                metrics.tls_handshake(&self.entry_point.name, false);
                tracing::debug!(entry_point = %self.entry_point.name, %peer, %error, "TLS handshake failed");
            }
            Err(_) => {
                metrics.tls_handshake(&self.entry_point.name, false);
                tracing::debug!(entry_point = %self.entry_point.name, %peer, "TLS handshake timed out");
            }
        }
    }

    /// Serves HTTP on `io` until the client closes, the server drains (the
    /// connection then finishes its in-flight requests) or stops.
    async fn drive<I>(&self, io: I, info: ConnInfo)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let shared = self.shared.clone();
        let info = Arc::new(info);
        let write_timeout = self.write_timeout;
        let service = service_fn(move |req| {
            let shared = shared.clone();
            let info = info.clone();
            async move {
                let Some(limit) = write_timeout else {
                    return Ok(handle(shared, info, req).await);
                };
                // Go's WriteTimeout: the response, headers and body, must be
                // written within the limit from the end of the request head.
                let deadline = tokio::time::Instant::now() + limit;
                match tokio::time::timeout_at(deadline, handle(shared, info, req)).await {
                    Ok(response) => Ok(response.map(|body| body.until(deadline))),
                    Err(_) => Err(WriteTimeout),
                }
            }
        });
        let conn = self
            .builder
            .serve_connection_with_upgrades(TokioIo::new(io), service);
        tokio::pin!(conn);
        let mut phase = self.shared.phase.clone();
        tokio::select! {
            result = conn.as_mut() => return log_end(result),
            _ = phase.wait_for(|p| *p != Phase::Running) => conn.as_mut().graceful_shutdown(),
        }
        tokio::select! {
            result = conn.as_mut() => log_end(result),
            _ = phase.wait_for(|p| *p == Phase::Stopped) => {}
        }
    }
}

fn log_end(result: Result<(), Box<dyn std::error::Error + Send + Sync>>) {
    if let Err(error) = result {
        tracing::debug!(%error, "Client connection ended with an error");
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    #[tokio::test]
    async fn the_unspecified_ipv6_address_takes_ipv4_clients_too() {
        let listener = super::bind("[::]:0".parse().unwrap()).unwrap();
        let local = listener.local_addr().unwrap();
        let has_ipv6 = std::net::TcpListener::bind("[::1]:0").is_ok();
        let mut clients = vec![SocketAddr::from(([127, 0, 0, 1], local.port()))];
        if has_ipv6 {
            assert!(
                local.is_ipv6(),
                "{local}: IPv6 is available, so `:PORT` listens on it"
            );
            clients.push(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, local.port())));
        }
        for client in clients {
            let connect = tokio::net::TcpStream::connect(client);
            let (connected, accepted) = tokio::join!(connect, listener.accept());
            connected.unwrap_or_else(|e| panic!("{client}: {e}"));
            accepted.unwrap();
        }
    }
}
