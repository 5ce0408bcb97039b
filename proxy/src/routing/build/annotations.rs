//! Traefik 1.x's Ingress annotations, read the way Traefik 1.7 read them
//! (`ingress.kubernetes.io/NAME`, then `traefik.ingress.kubernetes.io/NAME`,
//! then the legacy `traefik.frontend.*` label), keys compared
//! case-insensitively. Access-control annotations Passerelle does not
//! implement fail closed: the Ingress's paths are not served at all.

use std::collections::BTreeMap;

use super::Note;
use crate::routing::{IpNet, Redirect, RedirectTarget, RuleType, UpstreamProtocol};

/// The behaviours an Ingress's annotations ask for, applied to each of its paths.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Options {
    /// `rule-type` (`ReplacePath` is `replace_path` instead).
    pub(crate) rule_type: RuleType,
    /// `rule-type: ReplacePath`: Traefik 1.x's `ReplacePath:{path}` rule, which
    /// matches every path of the host and replaces it with the Ingress path.
    pub(crate) replace_path: bool,
    pub(crate) rewrite_target: Option<String>,
    pub(crate) app_root: Option<String>,
    pub(crate) redirect: Option<Redirect>,
    pub(crate) pass_host_header: bool,
    pub(crate) priority: Option<i64>,
    pub(crate) entry_points: Option<Vec<String>>,
    pub(crate) whitelist: Vec<IpNet>,
    pub(crate) protocol: Option<UpstreamProtocol>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            rule_type: RuleType::PathPrefix,
            replace_path: false,
            rewrite_target: None,
            app_root: None,
            redirect: None,
            pass_host_header: true,
            priority: None,
            entry_points: None,
            whitelist: Vec::new(),
            protocol: None,
        }
    }
}

/// The annotations Passerelle implements, by Traefik 1.7 name; then the
/// legacy label names (after `traefik.`) that mean the same.
const KNOWN: &[(&str, &[&str])] = &[
    ("rule-type", &["frontend.rule.type"]),
    ("rewrite-target", &[]),
    ("app-root", &[]),
    ("redirect-entry-point", &["frontend.redirect.entrypoint"]),
    ("redirect-permanent", &["frontend.redirect.permanent"]),
    ("redirect-regex", &["frontend.redirect.regex"]),
    ("redirect-replacement", &["frontend.redirect.replacement"]),
    ("preserve-host", &["frontend.passhostheader"]),
    ("priority", &["frontend.priority"]),
    ("frontend-entry-points", &["frontend.entrypoints"]),
    (
        "whitelist-source-range",
        &["frontend.whitelistsourcerange", "frontend.whitelist.sourcerange"],
    ),
    ("protocol", &["protocol"]),
];

/// Where a key comes from, in Traefik 1.7's order of preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Family {
    Ingress,
    Traefik,
    Legacy,
}

/// `(family, name)` of a Traefik-family key, lower-cased; `None` for other keys.
fn classify(key: &str) -> Option<(Family, String)> {
    let key = key.trim().to_ascii_lowercase();
    if let Some(name) = key.strip_prefix("traefik.ingress.kubernetes.io/") {
        Some((Family::Traefik, name.to_owned()))
    } else if let Some(name) = key.strip_prefix("ingress.kubernetes.io/") {
        Some((Family::Ingress, name.to_owned()))
    } else if let Some(name) = key.strip_prefix("traefik.") {
        (!name.contains('/')).then(|| (Family::Legacy, name.to_owned()))
    } else {
        None
    }
}

fn known(family: Family, name: &str) -> Option<&'static str> {
    KNOWN.iter().find_map(|(canonical, legacy)| {
        let hit = match family {
            Family::Ingress | Family::Traefik => name == *canonical,
            Family::Legacy => legacy.contains(&name),
        };
        hit.then_some(*canonical)
    })
}

/// Annotations that restrict who may reach a route (authentication, client
/// certificates, source-address rules, Traefik 2 middlewares that may be
/// either): serving the route without them would serve it unprotected.
fn is_access_control(name: &str) -> bool {
    name.starts_with("auth")
        || name.contains(".auth")
        || ["whitelist", "white-list", "allowlist", "ipstrategy"]
            .iter()
            .any(|word| name.contains(word))
        || name == "router.middlewares"
}

/// Reads `annotations`. `None` options means the Ingress must not be served
/// (an error note says why); notes are diagnostics to report either way.
/// `entry_points` are the configured entry points' names, when known: a
/// `frontend-entry-points` name that is none of them is reported.
pub(crate) fn parse(
    annotations: Option<&BTreeMap<String, String>>,
    entry_points: Option<&[String]>,
) -> (Option<Options>, Vec<Note>) {
    let mut notes = Vec::new();
    // Every spelling of each known annotation, to pick the winner once all
    // are seen: the order keys come in must not decide what is reported.
    let mut spelled: BTreeMap<&'static str, Vec<(Family, &str, &str)>> = BTreeMap::new();
    for (key, value) in annotations.into_iter().flatten() {
        let Some((family, name)) = classify(key) else {
            continue;
        };
        if let Some(canonical) = known(family, &name) {
            spelled.entry(canonical).or_default().push((family, key, value));
        } else if is_access_control(&name) {
            notes.push(Note::error(
                "AccessControlUnsupported",
                format!("annotation {key} restricts access and is not supported: the Ingress is not served"),
            ));
        } else {
            notes.push(Note::warning(
                "UnsupportedAnnotation",
                format!("annotation {key} is not supported: ignored"),
            ));
        }
    }
    let mut chosen: BTreeMap<&'static str, (Family, &str, &str)> = BTreeMap::new();
    for (canonical, mut spellings) in spelled {
        // Traefik 1.7's preference, then the key, for a stable winner.
        spellings.sort();
        let Some((winner, losers)) = spellings.split_first() else {
            continue;
        };
        for (_, key, value) in losers {
            if value.trim() != winner.2.trim() {
                notes.push(Note::warning(
                    "ConflictingAnnotation",
                    format!("{key} is ignored: {} says {:?}", winner.1, winner.2.trim()),
                ));
            }
        }
        chosen.insert(canonical, *winner);
    }
    let get = |name: &str| chosen.get(name).map(|(_, key, value)| (*key, value.trim()));
    let mut options = Options::default();
    let mut fatal = notes.iter().any(|note| !note.warning);
    let mut invalid = |key: &str, value: &str, why: &str, is_fatal: bool, notes: &mut Vec<Note>| {
        let consequence = if is_fatal {
            "the Ingress is not served"
        } else {
            "ignored"
        };
        let message = format!("annotation {key}: {value:?} {why}: {consequence}");
        fatal |= is_fatal;
        notes.push(if is_fatal {
            Note::error("InvalidAnnotation", message)
        } else {
            Note::warning("InvalidAnnotation", message)
        });
    };

    if let Some((key, value)) = get("rule-type") {
        match value.to_ascii_lowercase().as_str() {
            "path" => options.rule_type = RuleType::Path,
            "pathprefix" => options.rule_type = RuleType::PathPrefix,
            "pathstrip" => options.rule_type = RuleType::PathStrip,
            "pathprefixstrip" => options.rule_type = RuleType::PathPrefixStrip,
            "replacepath" => options.replace_path = true,
            _ => invalid(
                key,
                value,
                "is not Path, PathPrefix, PathStrip, PathPrefixStrip or ReplacePath",
                true,
                &mut notes,
            ),
        }
    }
    if let Some((key, value)) = get("rewrite-target").filter(|(_, value)| !value.is_empty()) {
        if options.replace_path {
            invalid(
                key,
                value,
                "cannot be combined with rule-type ReplacePath",
                true,
                &mut notes,
            );
        }
        options.rewrite_target = Some(value.to_owned());
    }
    if let Some((key, value)) = get("app-root").filter(|(_, value)| !value.is_empty()) {
        if value.starts_with('/') {
            options.app_root = Some(value.to_owned());
        } else {
            invalid(key, value, "does not start with /", false, &mut notes);
        }
    }
    let permanent = match get("redirect-permanent") {
        Some((key, value)) => parse_bool(value).unwrap_or_else(|| {
            invalid(key, value, "is not a boolean", false, &mut notes);
            false
        }),
        None => false,
    };
    if let Some((_, value)) = get("redirect-entry-point").filter(|(_, value)| !value.is_empty()) {
        options.redirect = Some(Redirect {
            target: RedirectTarget::EntryPoint(value.to_owned()),
            permanent,
        });
    } else {
        match (get("redirect-regex"), get("redirect-replacement")) {
            (Some((key, regex)), Some((_, replacement))) if !regex.is_empty() => {
                match regex::Regex::new(regex) {
                    Ok(_) => {
                        let target = RedirectTarget::Regex {
                            regex: regex.to_owned(),
                            replacement: replacement.to_owned(),
                        };
                        options.redirect = Some(Redirect { target, permanent });
                    }
                    Err(error) => invalid(
                        key,
                        regex,
                        &format!("is not a valid regex ({error})"),
                        true,
                        &mut notes,
                    ),
                }
            }
            (Some((key, value)), None) => {
                invalid(key, value, "needs redirect-replacement", false, &mut notes);
            }
            (None, Some((key, value))) => invalid(key, value, "needs redirect-regex", false, &mut notes),
            _ => {}
        }
    }
    if let Some((key, value)) = get("preserve-host") {
        match parse_bool(value) {
            Some(pass) => options.pass_host_header = pass,
            None => invalid(key, value, "is not a boolean", false, &mut notes),
        }
    }
    if let Some((key, value)) = get("priority").filter(|(_, value)| !value.is_empty()) {
        match value.parse::<i64>() {
            Ok(priority) => options.priority = Some(priority),
            Err(_) => invalid(key, value, "is not an integer", false, &mut notes),
        }
    }
    if let Some((key, value)) = get("frontend-entry-points") {
        let names: Vec<String> = value
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(existing) = entry_points {
            notes.extend(unknown_entry_points(key, &names, existing));
        }
        options.entry_points = (!names.is_empty()).then_some(names);
    }
    if let Some((key, value)) = get("whitelist-source-range") {
        for item in value.split(',').map(str::trim).filter(|item| !item.is_empty()) {
            match IpNet::parse(item) {
                Some(net) => options.whitelist.push(net),
                None => invalid(key, item, "is not an IP address or CIDR range", true, &mut notes),
            }
        }
    }
    if let Some((key, value)) = get("protocol").filter(|(_, value)| !value.is_empty()) {
        match value.to_ascii_lowercase().as_str() {
            "http" => options.protocol = Some(UpstreamProtocol::Http),
            "https" => options.protocol = Some(UpstreamProtocol::Https),
            "h2c" => options.protocol = Some(UpstreamProtocol::H2c),
            _ => invalid(key, value, "is not http, https or h2c", false, &mut notes),
        }
    }
    ((!fatal).then_some(options), notes)
}

/// A warning for each of `names` (from `frontend-entry-points` under `key`)
/// that is not an entry point: a route is never served on it, and when no
/// name exists, nowhere at all.
fn unknown_entry_points(key: &str, names: &[String], existing: &[String]) -> Vec<Note> {
    let unknown: Vec<&String> = names.iter().filter(|name| !existing.contains(name)).collect();
    let consequence = if unknown.len() == names.len() {
        "the Ingress's routes are served on no entry point"
    } else {
        "the routes are served on the others"
    };
    let mut existing: Vec<&str> = existing.iter().map(String::as_str).collect();
    existing.sort_unstable();
    unknown
        .into_iter()
        .map(|name| {
            let message = format!(
                "annotation {key}: entry point {name:?} does not exist (the entry points are {}): {consequence}",
                existing.join(", ")
            );
            Note::warning("InvalidAnnotation", message)
        })
        .collect()
}

/// Go's `strconv.ParseBool`, which Traefik used.
fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}
