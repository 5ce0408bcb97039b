//! Ages as the API server writes them in Table cells: apimachinery's
//! `duration.HumanDuration` (about two significant figures: `45s`, `3m10s`,
//! `5h`, `2d5h`, `3y20d`) applied to the time elapsed since a timestamp.

use k8s_openapi::jiff::Timestamp;

const SECOND: i128 = 1_000_000_000;
const MINUTE: i128 = 60 * SECOND;
const HOUR: i128 = 60 * MINUTE;

/// `duration.HumanDuration` of a duration in nanoseconds: `<invalid>` for
/// more than a second in the future (clock skew up to that reads `0s`).
pub fn human_duration(nanos: i128) -> String {
    let seconds = nanos / SECOND;
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = nanos / MINUTE;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = nanos / HOUR;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Parses an RFC 3339 timestamp as `metav1.Time` does; `None` for the zero
/// time (an empty string or `null`), `Some(Err(()))` when unparsable.
pub(crate) fn parse(text: &str) -> Option<Result<Timestamp, ()>> {
    if text.is_empty() || text == "null" {
        return None;
    }
    Some(text.parse::<Timestamp>().map_err(|_| ()))
}

/// `translateTimestampSince`: the age of `timestamp` at `now`, `<unknown>`
/// when it is missing (or unreadable, which a typed object cannot be).
pub(crate) fn since(timestamp: Option<&str>, now: Timestamp) -> String {
    match timestamp.and_then(parse) {
        Some(Ok(t)) => human_duration(now.as_nanosecond() - t.as_nanosecond()),
        _ => "<unknown>".into(),
    }
}

/// The timestamp of an optional field, for comparisons (`None` is Go's zero
/// time, earlier than any other).
pub(crate) fn instant(timestamp: Option<&str>) -> Option<Timestamp> {
    timestamp.and_then(parse).and_then(Result::ok)
}
