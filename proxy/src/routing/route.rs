//! Constructors for the routing data: a [`Route`] with Traefik 1.x's defaults,
//! a [`Service`], and the parsing of an Ingress rule's host into a
//! [`HostMatch`]. Shared by [`super::build`] and by tests that build tables by
//! hand.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use super::types::{
    HostMatch, IpNet, ObjectKey, PathKind, Route, RuleType, Service, Upstream, UpstreamProtocol,
};

impl Route {
    /// A route with Traefik 1.x's defaults: rule type `PathPrefix`, no
    /// priority, every entry point, no rewrite, redirect or whitelist, host
    /// header passed on, no TLS. Set the other fields on the result.
    pub fn new(
        id: impl Into<String>,
        ingress: ObjectKey,
        host: HostMatch,
        path: impl Into<String>,
        path_kind: PathKind,
        service: Arc<Service>,
    ) -> Route {
        Route {
            id: id.into(),
            ingress,
            host,
            path: path.into(),
            path_kind,
            rule_type: RuleType::PathPrefix,
            priority: None,
            entry_points: None,
            rewrite_target: None,
            app_root: None,
            redirect: None,
            pass_host_header: true,
            whitelist: Vec::new(),
            tls: false,
            service,
        }
    }
}

impl Service {
    /// A plain-HTTP service named `name` (`namespace/service:port`).
    pub fn new(name: impl Into<String>, upstream: Upstream) -> Service {
        Service {
            name: name.into(),
            upstream,
            protocol: UpstreamProtocol::Http,
        }
    }

    /// A plain-HTTP service sending to `endpoints`.
    pub fn endpoints(name: impl Into<String>, endpoints: impl IntoIterator<Item = SocketAddr>) -> Service {
        Service::new(name, Upstream::Endpoints(endpoints.into_iter().collect()))
    }
}

impl ObjectKey {
    /// The key of `namespace/name`.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> ObjectKey {
        ObjectKey {
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

impl IpNet {
    /// Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or
    /// /128); the address is masked to its network. `None` when invalid.
    pub fn parse(text: &str) -> Option<IpNet> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr.parse::<IpAddr>().ok()?, Some(prefix.parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then(|| IpNet {
            addr: mask(addr, prefix),
            prefix,
        })
    }

    /// Whether `ip` is in this network. An IPv4-mapped IPv6 address
    /// (`::ffff:10.1.2.3`, as a dual-stack socket reports IPv4 clients) is
    /// compared as the IPv4 address.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        ip.is_ipv4() == self.addr.is_ipv4() && mask(ip, self.prefix) == self.addr
    }
}

fn mask(addr: IpAddr, prefix: u8) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4) & u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4(bits.into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6(bits.into())
        }
    }
}

/// Why an Ingress rule's host was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid host {host:?}: {reason}")]
pub struct InvalidHost {
    /// The host as written.
    pub host: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl HostMatch {
    /// The matcher for an Ingress rule's `host`: none or empty is any host;
    /// `*.example.com` matches exactly one label before `example.com`; names
    /// are compared lower-cased. A `*` anywhere else, a port, a slash or an
    /// empty label is refused (the API server's validation refuses them too).
    pub fn parse(host: Option<&str>) -> Result<HostMatch, InvalidHost> {
        let Some(host) = host.map(str::trim).filter(|host| !host.is_empty()) else {
            return Ok(HostMatch::Any);
        };
        let invalid = |reason| InvalidHost {
            host: host.to_owned(),
            reason,
        };
        let lower = host.to_ascii_lowercase();
        let lower = lower.strip_suffix('.').unwrap_or(&lower);
        let (wildcard, name) = match lower.strip_prefix("*.") {
            Some(suffix) => (true, suffix),
            None => (false, lower),
        };
        if name.contains('*') {
            return Err(invalid(
                "a wildcard must be the whole first label (*.example.com)",
            ));
        }
        if name.is_empty() || name.split('.').any(str::is_empty) {
            return Err(invalid("empty label"));
        }
        if let Some(bad) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
        {
            return Err(invalid(if bad == ':' {
                "a host has no port"
            } else {
                "invalid character"
            }));
        }
        Ok(if wildcard {
            HostMatch::Wildcard(name.to_owned())
        } else {
            HostMatch::Exact(name.to_owned())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_parse_accepts_names_wildcards_and_nothing() {
        assert_eq!(HostMatch::parse(None), Ok(HostMatch::Any));
        assert_eq!(HostMatch::parse(Some("")), Ok(HostMatch::Any));
        assert_eq!(
            HostMatch::parse(Some("Foo.Example.TEST")),
            Ok(HostMatch::Exact("foo.example.test".into()))
        );
        assert_eq!(
            HostMatch::parse(Some("*.example.test")),
            Ok(HostMatch::Wildcard("example.test".into()))
        );
    }

    #[test]
    fn ip_net_parses_and_contains() {
        let net = IpNet::parse("10.1.2.3/8").expect("valid");
        assert_eq!(
            net,
            IpNet {
                addr: "10.0.0.0".parse().expect("ip"),
                prefix: 8
            }
        );
        assert!(net.contains("10.200.0.1".parse().expect("ip")));
        assert!(net.contains("::ffff:10.0.0.1".parse().expect("ip")));
        assert!(!net.contains("11.0.0.1".parse().expect("ip")));
        let host = IpNet::parse("192.0.2.7").expect("valid");
        assert!(host.contains("192.0.2.7".parse().expect("ip")));
        assert!(!host.contains("192.0.2.8".parse().expect("ip")));
        let v6 = IpNet::parse("2001:db8::/32").expect("valid");
        assert!(v6.contains("2001:db8:1::1".parse().expect("ip")));
        assert!(!v6.contains("10.0.0.1".parse().expect("ip")));
        let all = IpNet::parse("0.0.0.0/0").expect("valid");
        assert!(all.contains("203.0.113.9".parse().expect("ip")));
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "example.test",
            "10.0.0.0/x",
        ] {
            assert_eq!(IpNet::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn host_parse_refuses_malformed_hosts() {
        for host in [
            "*",
            "*.",
            "a.*.example.test",
            "*example.test",
            "example.test:80",
            "a..b",
            "a/b",
        ] {
            assert!(HostMatch::parse(Some(host)).is_err(), "{host}");
        }
    }
}
