//! Validation of `discovery.k8s.io/v1` EndpointSlices
//! (`pkg/apis/discovery/validation`): address types, addresses by type
//! (no loopback, link-local or unspecified IPs, FQDNs of two labels or
//! more), hostnames, port names and protocols, and the immutable address
//! type.

use std::net::{IpAddr, Ipv4Addr};

use serde_json::Value;

use super::gofmt::quote;
use super::meta::{MetaRules, labels, object_meta};
use super::names::{dns1123_label, dns1123_subdomain, qualified_name};
use super::{duplicate, invalid, not_supported, required, too_many};
use crate::status::Cause;

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// `netutils.ParseIPSloppy`: IPv6, or dotted IPv4 whose parts may have
/// leading zeros (read as decimal).
pub(crate) fn parse_ip_sloppy(text: &str) -> Option<IpAddr> {
    if text.contains(':') {
        return text.parse().ok();
    }
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let octets: Vec<u8> = parts
        .iter()
        .map(|p| p.parse::<u8>().ok())
        .collect::<Option<_>>()?;
    Some(IpAddr::V4(Ipv4Addr::new(
        octets[0], octets[1], octets[2], octets[3],
    )))
}

/// `ValidateNonSpecialIP`.
fn non_special_ip(address: &str, field: &str, allow_loopback: bool) -> Vec<Cause> {
    let Some(ip) = parse_ip_sloppy(address) else {
        return vec![invalid(field, &quote(address), "must be a valid IP address")];
    };
    let mut causes = Vec::new();
    let (unspecified, loopback, link_local, link_local_multicast) = match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            (
                v4.is_unspecified(),
                v4.is_loopback(),
                v4.is_link_local(),
                o[0] == 224 && o[1] == 0 && o[2] == 0,
            )
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            (
                v6.is_unspecified(),
                v6.is_loopback(),
                s[0] & 0xffc0 == 0xfe80,
                s[0] & 0xff0f == 0xff02,
            )
        }
    };
    if unspecified {
        causes.push(invalid(
            field,
            &quote(address),
            &format!("may not be unspecified ({address})"),
        ));
    }
    if loopback && !allow_loopback {
        causes.push(invalid(
            field,
            &quote(address),
            "may not be in the loopback range (127.0.0.0/8, ::1/128)",
        ));
    }
    if link_local {
        causes.push(invalid(
            field,
            &quote(address),
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        ));
    }
    if link_local_multicast {
        causes.push(invalid(
            field,
            &quote(address),
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
        ));
    }
    causes
}

/// `IsFullyQualifiedDomainName`.
fn fqdn(name: &str, field: &str) -> Vec<Cause> {
    if name.is_empty() {
        return vec![required(field, "")];
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    let errors = dns1123_subdomain(name);
    if !errors.is_empty() {
        return vec![invalid(field, &quote(name), &errors.join(","))];
    }
    if name.split('.').count() < 2 {
        return vec![invalid(
            field,
            &quote(name),
            "should be a domain with at least two segments separated by dots",
        )];
    }
    name.split('.')
        .find_map(|label| {
            let errors = dns1123_label(label);
            (!errors.is_empty()).then(|| vec![invalid(field, &quote(label), &errors.join(","))])
        })
        .unwrap_or_default()
}

fn address(address_type: &str, address: &str, field: &str, allow_loopback: bool) -> Vec<Cause> {
    match address_type {
        "IPv4" | "IPv6" => {
            let family_ok = match parse_ip_sloppy(address) {
                Some(IpAddr::V4(_)) => address_type == "IPv4",
                Some(IpAddr::V6(v6)) => (address_type == "IPv6") == v6.to_ipv4_mapped().is_none(),
                None => false,
            };
            let mut causes = Vec::new();
            if !family_ok {
                causes.push(invalid(
                    field,
                    &quote(address),
                    &format!("must be a valid {address_type} address"),
                ));
            }
            causes.extend(non_special_ip(address, field, allow_loopback));
            causes
        }
        "FQDN" => fqdn(address, field),
        _ => Vec::new(),
    }
}

/// `ValidateEndpointSliceCreate` and `ValidateEndpointSliceUpdate` (port
/// names default to `""` and protocols to TCP, as the server stores them).
pub(super) fn endpoint_slice(
    object: &Value,
    old: Option<&Value>,
    rules: MetaRules,
    allow_loopback: bool,
) -> Vec<Cause> {
    let mut causes = object_meta(object, rules);
    let address_type = str_of(object, "addressType");
    let mut supported = vec!["FQDN", "IPv4", "IPv6"];
    if old.is_some() {
        supported.insert(0, "IP");
    }
    if address_type.is_empty() {
        causes.push(required("addressType", ""));
    } else if !supported.contains(&address_type) {
        causes.push(not_supported("addressType", &quote(address_type), &supported));
    }
    let endpoints = list(object, "endpoints");
    if endpoints.len() > 1000 {
        causes.push(too_many("endpoints", endpoints.len(), 1000));
    } else {
        for (i, endpoint) in endpoints.iter().enumerate() {
            let field = format!("endpoints[{i}]");
            let addresses = list(endpoint, "addresses");
            if addresses.is_empty() {
                causes.push(required(
                    &format!("{field}.addresses"),
                    "must contain at least 1 address",
                ));
            } else if addresses.len() > 100 {
                causes.push(too_many(&format!("{field}.addresses"), addresses.len(), 100));
            }
            for (j, a) in addresses.iter().filter_map(Value::as_str).enumerate() {
                causes.extend(address(
                    address_type,
                    a,
                    &format!("{field}.addresses[{j}]"),
                    allow_loopback,
                ));
            }
            let topology = &endpoint["deprecatedTopology"];
            if topology.as_object().is_some_and(|t| t.len() > 16) {
                let count = topology.as_object().map_or(0, |t| t.len());
                causes.push(too_many(&format!("{field}.topology"), count, 16));
            }
            causes.extend(labels(topology, &format!("{field}.topology")));
            if let Some(hostname) = endpoint.get("hostname").and_then(Value::as_str) {
                causes.extend(
                    dns1123_label(hostname)
                        .into_iter()
                        .map(|m| invalid(&format!("{field}.hostname"), &quote(hostname), &m)),
                );
            }
        }
    }
    let ports = list(object, "ports");
    if ports.len() > 100 {
        causes.push(too_many("ports", ports.len(), 100));
    } else {
        let mut names: Vec<&str> = Vec::new();
        for (i, port) in ports.iter().enumerate() {
            let field = format!("ports[{i}]");
            let name = port.get("name").and_then(Value::as_str).unwrap_or_default();
            if !name.is_empty() {
                causes.extend(
                    dns1123_label(name)
                        .into_iter()
                        .map(|m| invalid(&format!("{field}.name"), &quote(name), &m)),
                );
            }
            if names.contains(&name) {
                causes.push(duplicate(&format!("{field}.name"), &quote(name)));
            } else {
                names.push(name);
            }
            let protocol = port.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            if !matches!(protocol, "TCP" | "UDP" | "SCTP") {
                causes.push(not_supported(
                    &format!("{field}.protocol"),
                    &quote(protocol),
                    &["SCTP", "TCP", "UDP"],
                ));
            }
            if let Some(app) = port.get("appProtocol").and_then(Value::as_str) {
                causes.extend(
                    qualified_name(app)
                        .into_iter()
                        .map(|m| invalid(&format!("{field}.appProtocol"), &quote(app), &m)),
                );
            }
        }
    }
    if let Some(old) = old {
        let old_type = str_of(old, "addressType");
        if address_type != old_type {
            causes.push(invalid("addressType", &quote(address_type), "field is immutable"));
        }
    }
    causes
}
