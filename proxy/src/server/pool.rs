//! Upstream connections kept alive between requests, per endpoint and
//! protocol (HTTP/1.1: idle connections, most recently used first; HTTP/2: one
//! shared connection), and the choice of endpoint: round robin over a
//! service's ready endpoints, skipping for a short while those that refused
//! a connection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hyper::client::conn::{http1, http2};

use super::connect::{Key, Sender, Target};
use super::error::ProxyError;
use super::request_body::RequestBody;
use crate::routing::{Service, Upstream};

struct Idle {
    sender: http1::SendRequest<RequestBody>,
    since: Instant,
}

struct Inner {
    idle: Mutex<HashMap<Key, Vec<Idle>>>,
    shared: Mutex<HashMap<Key, http2::SendRequest<RequestBody>>>,
    down: Mutex<HashMap<Target, Instant>>,
    cursors: Mutex<HashMap<String, usize>>,
    idle_timeout: Duration,
    max_idle: usize,
    down_for: Duration,
}

/// The pool. Cloning shares it.
#[derive(Clone)]
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves consistent data
    // (every critical section is a single map operation).
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Pool {
    /// A pool keeping at most `max_idle` idle connections per endpoint for
    /// `idle_timeout`, and skipping a refusing endpoint for `down_for`.
    pub(crate) fn new(idle_timeout: Duration, max_idle: usize, down_for: Duration) -> Self {
        let inner = Inner {
            idle: Mutex::default(),
            shared: Mutex::default(),
            down: Mutex::default(),
            cursors: Mutex::default(),
            idle_timeout,
            max_idle,
            down_for,
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// A live connection to `key`, if one is pooled.
    pub(crate) fn checkout(&self, key: &Key) -> Option<Sender> {
        if let Some(h2) = lock(&self.inner.shared).get(key)
            && !h2.is_closed()
        {
            return Some(Sender::H2(h2.clone()));
        }
        let mut idle = lock(&self.inner.idle);
        let list = idle.get_mut(key)?;
        while let Some(entry) = list.pop() {
            if entry.since.elapsed() < self.inner.idle_timeout
                && !entry.sender.is_closed()
                && entry.sender.is_ready()
            {
                return Some(Sender::H1(entry.sender));
            }
        }
        None
    }

    /// Keeps a new HTTP/2 connection for every request to `key`.
    pub(crate) fn share(&self, key: Key, sender: http2::SendRequest<RequestBody>) {
        lock(&self.inner.shared).insert(key, sender);
    }

    /// Returns an HTTP/1.1 connection to the pool once its response has been
    /// read to the end (hyper then makes it ready again); a connection that
    /// closes meanwhile is dropped.
    pub(crate) fn release(&self, key: Key, mut sender: http1::SendRequest<RequestBody>) {
        let pool = self.clone();
        tokio::spawn(async move {
            if sender.ready().await.is_err() {
                return;
            }
            let mut idle = lock(&pool.inner.idle);
            let list = idle.entry(key).or_default();
            if list.len() < pool.inner.max_idle {
                list.push(Idle {
                    sender,
                    since: Instant::now(),
                });
            }
        });
    }

    /// Drops expired and closed connections (run periodically).
    pub(crate) fn sweep(&self) {
        let timeout = self.inner.idle_timeout;
        lock(&self.inner.idle).retain(|_, list| {
            list.retain(|e| e.since.elapsed() < timeout && !e.sender.is_closed());
            !list.is_empty()
        });
        lock(&self.inner.shared).retain(|_, h2| !h2.is_closed());
        let now = Instant::now();
        lock(&self.inner.down).retain(|_, until| *until > now);
    }

    /// Skips `target` for a while: it refused a connection.
    pub(crate) fn mark_down(&self, target: &Target) {
        let until = Instant::now() + self.inner.down_for;
        lock(&self.inner.down).insert(target.clone(), until);
        lock(&self.inner.shared).retain(|k, _| k.target != *target);
    }

    /// The endpoint for the next request to `service`, and another one to
    /// retry on. Endpoints marked down come last; if every one is down, the
    /// round robin goes on over them all (better a try than a refusal).
    pub(crate) fn pick(&self, service: &Service) -> Result<(Target, Option<Target>), ProxyError> {
        let no_endpoints = |reason: &str| ProxyError::NoEndpoints {
            service: service.name.clone(),
            reason: reason.to_owned(),
        };
        let endpoints = match &service.upstream {
            Upstream::Endpoints(list) if list.is_empty() => return Err(no_endpoints("no ready endpoints")),
            Upstream::Endpoints(list) => list,
            Upstream::ExternalName { host, port } => {
                return Ok((Target::Name(Arc::from(host.as_str()), *port), None));
            }
            Upstream::Unavailable(reason) => return Err(no_endpoints(reason)),
        };
        let n = endpoints.len();
        let start = {
            let mut cursors = lock(&self.inner.cursors);
            match cursors.get_mut(service.name.as_str()) {
                Some(c) => {
                    *c = c.wrapping_add(1);
                    *c
                }
                None => {
                    if cursors.len() > 65_536 {
                        cursors.clear();
                    }
                    cursors.insert(service.name.clone(), 0);
                    0
                }
            }
        };
        let down = lock(&self.inner.down);
        let now = Instant::now();
        let is_down = |a: &std::net::SocketAddr| {
            !down.is_empty() && down.get(&Target::Addr(*a)).is_some_and(|until| *until > now)
        };
        let rotated = (0..n).map(|i| &endpoints[(start + i) % n]);
        let mut up = rotated.clone().filter(|a| !is_down(a));
        let first = up.next();
        let second = up.next();
        let (first, second) = match (first, second) {
            (Some(a), Some(b)) => (*a, Some(*b)),
            (Some(a), None) => (*a, rotated.clone().find(|b| *b != a).copied()),
            (None, _) => (endpoints[start % n], (n > 1).then(|| endpoints[(start + 1) % n])),
        };
        Ok((Target::Addr(first), second.map(Target::Addr)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::UpstreamProtocol;
    use std::net::SocketAddr;

    fn service(endpoints: &[&str]) -> Service {
        Service {
            name: "ns/web:80".into(),
            upstream: Upstream::Endpoints(endpoints.iter().map(|e| e.parse().unwrap()).collect()),
            protocol: UpstreamProtocol::Http,
        }
    }

    fn addr(t: &Target) -> SocketAddr {
        match t {
            Target::Addr(a) => *a,
            Target::Name(..) => panic!("not an address"),
        }
    }

    fn pool() -> Pool {
        Pool::new(Duration::from_secs(90), 8, Duration::from_secs(60))
    }

    #[test]
    fn round_robin_over_endpoints_with_a_retry_target() {
        let pool = pool();
        let s = service(&["10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"]);
        let picks: Vec<(SocketAddr, SocketAddr)> = (0..4)
            .map(|_| {
                let (a, b) = pool.pick(&s).unwrap();
                (addr(&a), addr(&b.unwrap()))
            })
            .collect();
        let ip = |p: &SocketAddr| p.ip().to_string();
        let got: Vec<(String, String)> = picks.iter().map(|(a, b)| (ip(a), ip(b))).collect();
        let want = [
            ("10.0.0.1", "10.0.0.2"),
            ("10.0.0.2", "10.0.0.3"),
            ("10.0.0.3", "10.0.0.1"),
            ("10.0.0.1", "10.0.0.2"),
        ];
        let want: Vec<(String, String)> = want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn skips_endpoints_marked_down() {
        let pool = pool();
        let s = service(&["10.0.0.1:80", "10.0.0.2:80"]);
        pool.mark_down(&Target::Addr("10.0.0.1:80".parse().unwrap()));
        for _ in 0..3 {
            let (a, b) = pool.pick(&s).unwrap();
            assert_eq!(addr(&a).to_string(), "10.0.0.2:80");
            assert_eq!(addr(&b.unwrap()).to_string(), "10.0.0.1:80");
        }
        pool.mark_down(&Target::Addr("10.0.0.2:80".parse().unwrap()));
        let firsts: Vec<String> = (0..2)
            .map(|_| addr(&pool.pick(&s).unwrap().0).to_string())
            .collect();
        assert_ne!(firsts[0], firsts[1], "all down: round robin over all");
    }

    #[test]
    fn single_endpoint_has_no_retry_target_and_empty_is_unavailable() {
        let pool = pool();
        let (_, b) = pool.pick(&service(&["10.0.0.1:80"])).unwrap();
        assert!(b.is_none());
        let err = pool.pick(&service(&[])).unwrap_err();
        assert_eq!(err.status(), 503);
        let mut s = service(&[]);
        s.upstream = Upstream::Unavailable("service ns/web not found".into());
        assert_eq!(pool.pick(&s).unwrap_err().status(), 503);
        s.upstream = Upstream::ExternalName {
            host: "db.example.test".into(),
            port: 5432,
        };
        assert_eq!(pool.pick(&s).unwrap().0.to_string(), "db.example.test:5432");
    }
}
