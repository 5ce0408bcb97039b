//! Listen addresses and durations as Traefik 1.x wrote them: `:80` for every
//! interface, `host:port`, `[::1]:443`; `10s`, `1m30s` or a bare number of
//! seconds.

use std::net::{Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// Parses a listen address: `:PORT` (every interface, IPv6 and IPv4, as Go
/// listened on `:80`: `[::]:PORT`, bound dual-stack, or `0.0.0.0:PORT` where
/// the host has no IPv6), `IP:PORT`, `[IPv6]:PORT` or `HOST:PORT` (resolved
/// now, IPv4 preferred).
pub fn parse_address(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Some(port) = text.strip_prefix(':') {
        let port: u16 = port
            .parse()
            .map_err(|_| format!("`{text}` has an invalid port"))?;
        return Ok(SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)));
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!("`{text}` has no port (write `:80` or `host:80`)"));
    };
    if host.is_empty() || host.contains(':') {
        return Err(format!(
            "`{text}` is not an address (write `:80`, `host:80` or `[::1]:80`)"
        ));
    }
    let port: u16 = port
        .parse()
        .map_err(|_| format!("`{text}` has an invalid port"))?;
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve `{host}`: {e}"))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| format!("`{host}` resolves to no address"))
}

/// Parses a duration: Go's `time.ParseDuration` units (`ns`, `us`, `µs`,
/// `ms`, `s`, `m`, `h`, combined as in `1m30s`) or a bare number of seconds, as Traefik 1.x
/// accepted both.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let invalid = || format!("`{text}` is not a duration (write `10s`, `500ms` or `1m30s`)");
    let mut rest = text;
    let mut total = Duration::ZERO;
    if rest.is_empty() {
        return Err(invalid());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(digits);
        let number: f64 = number.parse().map_err(|_| invalid())?;
        let unit_len = tail.find(|c: char| c.is_ascii_digit()).unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let seconds = match unit {
            "ns" => number / 1e9,
            "us" | "µs" | "μs" => number / 1e6,
            "ms" => number / 1000.0,
            "s" => number,
            "m" => number * 60.0,
            "h" => number * 3600.0,
            _ => return Err(invalid()),
        };
        total += Duration::try_from_secs_f64(seconds).map_err(|_| invalid())?;
        rest = tail;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colon_port_means_every_interface() {
        assert_eq!(parse_address(":80").unwrap(), "[::]:80".parse().unwrap());
        assert_eq!(
            parse_address("127.0.0.1:0").unwrap(),
            "127.0.0.1:0".parse().unwrap()
        );
        assert_eq!(
            parse_address("[::1]:8443").unwrap(),
            "[::1]:8443".parse().unwrap()
        );
        assert_eq!(parse_address("localhost:81").unwrap().port(), 81);
    }

    #[test]
    fn addresses_without_a_valid_port_are_refused() {
        for bad in ["", "80", ":http", ":70000", "host", "::1"] {
            assert!(parse_address(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn durations_take_go_units_or_seconds() {
        assert_eq!(parse_duration("10").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1.5h").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("250us").unwrap(), Duration::from_micros(250));
        assert_eq!(parse_duration("0s").unwrap(), Duration::ZERO);
        for bad in ["", "s", "10x", "-1s", "ten"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
