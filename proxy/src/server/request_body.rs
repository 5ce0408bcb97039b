//! The request body as it goes upstream: the client's body streamed
//! through, telling the forwarder once it has been sent whole (the
//! response-header timeout starts then, as Go's `ResponseHeaderTimeout`
//! did), and cut off at the read deadline (Traefik's `readTimeout`).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::sync::watch;
use tokio::time::{Instant, Sleep};

use super::body::BoxError;

/// The client did not send its body in time.
#[derive(Debug, thiserror::Error)]
#[error("the client did not send the request body within the read timeout")]
pub(crate) struct ReadTimeout;

/// A request body on its way upstream.
pub(crate) struct RequestBody {
    inner: Incoming,
    /// Set to `true` once the last frame was taken (dropped, when the body
    /// is dropped before: the upstream answered without reading it all).
    sent: Option<watch::Sender<bool>>,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl RequestBody {
    /// Wraps `inner`, to be received by `deadline`; the receiver turns
    /// `true` once the body has been sent whole.
    pub(crate) fn new(inner: Incoming, deadline: Option<Instant>) -> (Self, watch::Receiver<bool>) {
        let (tx, rx) = watch::channel(false);
        let mut body = Self {
            inner,
            sent: Some(tx),
            deadline: deadline.map(|d| Box::pin(tokio::time::sleep_until(d))),
        };
        // An empty body (GET) is never polled.
        if body.inner.is_end_stream() {
            body.mark_sent();
        }
        (body, rx)
    }

    fn mark_sent(&mut self) {
        if let Some(tx) = self.sent.take() {
            let _ = tx.send(true);
        }
        self.deadline = None;
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if this.inner.is_end_stream() {
                    this.mark_sent();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.mark_sent();
                Poll::Ready(Some(Err(error.into())))
            }
            Poll::Ready(None) => {
                this.mark_sent();
                Poll::Ready(None)
            }
            Poll::Pending => {
                let expired = this
                    .deadline
                    .as_mut()
                    .is_some_and(|deadline| deadline.as_mut().poll(cx).is_ready());
                if expired {
                    this.deadline = None;
                    Poll::Ready(Some(Err(Box::new(ReadTimeout))))
                } else {
                    Poll::Pending
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Whether `error` (a failed send) was caused by [`ReadTimeout`].
pub(crate) fn is_read_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<ReadTimeout>() {
            return true;
        }
        current = e.source();
    }
    false
}
