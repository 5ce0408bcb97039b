//! The response body the proxy sends: a local answer (redirect, error) or
//! the upstream's body streamed frame by frame, never buffered whole. It
//! carries the request's [`Exchange`] and ends it when the last frame is
//! sent or the client goes away, so that durations, metrics and the access
//! log cover the whole response. With a write timeout, a body not sent
//! whole by its deadline fails, which closes the connection.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::time::{Instant, Sleep};

use super::listener::WriteTimeout;
use super::observe::Exchange;

/// The error of a body: the upstream's, or a timeout.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

enum Kind {
    Full(Option<Bytes>),
    Stream(Incoming),
}

/// A response body.
pub struct ResponseBody {
    kind: Kind,
    exchange: Option<Exchange>,
    sent: u64,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl std::fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseBody")
            .field("sent", &self.sent)
            .finish_non_exhaustive()
    }
}

impl ResponseBody {
    /// A body written by the proxy itself.
    pub(crate) fn full(data: impl Into<Bytes>) -> Self {
        let data = data.into();
        let kind = Kind::Full((!data.is_empty()).then_some(data));
        Self {
            kind,
            exchange: None,
            sent: 0,
            deadline: None,
        }
    }

    /// The upstream's body.
    pub(crate) fn stream(body: Incoming) -> Self {
        Self {
            kind: Kind::Stream(body),
            exchange: None,
            sent: 0,
            deadline: None,
        }
    }

    /// Fails the body if it is not sent whole by `deadline` (the write
    /// timeout).
    pub(crate) fn until(mut self, deadline: Instant) -> Self {
        if !self.is_end_stream() {
            self.deadline = Some(Box::pin(tokio::time::sleep_until(deadline)));
        }
        self
    }

    /// Attaches the exchange to end with this body.
    pub(crate) fn observed(mut self, exchange: Exchange) -> Self {
        self.exchange = Some(exchange);
        if self.is_end_stream() {
            self.finish();
        }
        self
    }

    fn finish(&mut self) {
        if let Some(mut exchange) = self.exchange.take() {
            exchange.body_bytes(self.sent);
        }
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let mut polled = match &mut this.kind {
            Kind::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            Kind::Stream(body) => Pin::new(body).poll_frame(cx).map_err(BoxError::from),
        };
        if polled.is_pending()
            && let Some(deadline) = &mut this.deadline
            && deadline.as_mut().poll(cx).is_ready()
        {
            this.deadline = None;
            polled = Poll::Ready(Some(Err(Box::new(WriteTimeout))));
        }
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.sent += data.len() as u64;
                }
                if this.is_end_stream() {
                    this.finish();
                }
            }
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => this.finish(),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(data) => data.is_none(),
            Kind::Stream(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(Some(d)) => SizeHint::with_exact(d.len() as u64),
            Kind::Full(None) => SizeHint::with_exact(0),
            Kind::Stream(body) => body.size_hint(),
        }
    }
}

impl Drop for ResponseBody {
    fn drop(&mut self) {
        self.finish();
    }
}
