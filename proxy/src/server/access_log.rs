//! The access log, one line per request in Traefik 1.x's formats: the
//! Common Log Format with Traefik's extra fields (request count, frontend,
//! backend URL, duration) or JSON with Traefik's field names.
//!
//! Lines are formatted where the request ends (on a runtime thread) and
//! handed over a bounded channel to a dedicated writer thread, so that a
//! slow or blocked standard output never stalls request handling: when the
//! channel is full, the line is dropped and counted, and the writer says how
//! many were lost once it catches up.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::Version;

/// The line format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessLogFormat {
    /// Traefik's Common Log Format.
    Common,
    /// One JSON object per line.
    Json,
}

/// Lines waiting for the writer thread, at most; beyond, lines are dropped.
const QUEUED_LINES: usize = 8192;

/// Where access log lines go. Dropping it writes the lines still queued.
pub struct AccessLog {
    format: AccessLogFormat,
    lines: Option<SyncSender<String>>,
    writer: Option<JoinHandle<()>>,
    dropped: Arc<AtomicU64>,
}

impl std::fmt::Debug for AccessLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessLog")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// What one line says.
#[derive(Debug)]
pub(crate) struct AccessEntry {
    pub(crate) client: SocketAddr,
    pub(crate) start: SystemTime,
    pub(crate) method: String,
    pub(crate) uri: String,
    pub(crate) version: Version,
    pub(crate) host: Option<String>,
    pub(crate) referer: Option<String>,
    pub(crate) user_agent: Option<String>,
    pub(crate) entrypoint: String,
    pub(crate) frontend: Option<String>,
    pub(crate) backend: Option<String>,
    pub(crate) backend_url: Option<String>,
    pub(crate) status: u16,
    pub(crate) size: u64,
    pub(crate) duration: Duration,
    pub(crate) count: u64,
}

impl AccessLog {
    /// Lines to standard output, as Traefik writes them by default.
    pub fn stdout(format: AccessLogFormat) -> Self {
        Self::to_writer(format, Box::new(std::io::stdout()))
    }

    /// Lines to `out` (a file, or a buffer in tests), written by a thread
    /// of their own.
    pub fn to_writer(format: AccessLogFormat, out: Box<dyn Write + Send>) -> Self {
        Self::with_capacity(format, out, QUEUED_LINES)
    }

    pub(crate) fn with_capacity(
        format: AccessLogFormat,
        out: Box<dyn Write + Send>,
        capacity: usize,
    ) -> Self {
        let (lines, queue) = std::sync::mpsc::sync_channel(capacity);
        let dropped = Arc::new(AtomicU64::new(0));
        let counted = dropped.clone();
        let writer = std::thread::Builder::new()
            .name("access-log".into())
            .spawn(move || write_lines(queue, out, counted));
        let (lines, writer) = match writer {
            Ok(writer) => (Some(lines), Some(writer)),
            Err(error) => {
                tracing::error!(%error, "Cannot start the access log writer; access log lines are dropped");
                (None, None)
            }
        };
        Self {
            format,
            lines,
            writer,
            dropped,
        }
    }

    /// How many lines were dropped because the writer could not keep up.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Queues the line of `entry`; never blocks.
    pub(crate) fn write(&self, entry: &AccessEntry) {
        let mut line = match self.format {
            AccessLogFormat::Common => common(entry),
            AccessLogFormat::Json => json(entry),
        };
        line.push('\n');
        let queued = match &self.lines {
            Some(lines) => lines.try_send(line),
            None => Err(TrySendError::Disconnected(line)),
        };
        if queued.is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl Drop for AccessLog {
    fn drop(&mut self) {
        // Closing the channel ends the writer once the queue is written.
        self.lines = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The writer thread: writes lines as they come, flushing once per batch,
/// and reports the lines dropped meanwhile.
fn write_lines(queue: Receiver<String>, mut out: Box<dyn Write + Send>, dropped: Arc<AtomicU64>) {
    let mut reported = 0;
    while let Ok(line) = queue.recv() {
        let mut written = out.write_all(line.as_bytes());
        while written.is_ok()
            && let Ok(line) = queue.try_recv()
        {
            written = out.write_all(line.as_bytes());
        }
        if let Err(error) = written.and_then(|()| out.flush()) {
            tracing::warn!(%error, "Could not write the access log");
        }
        let total = dropped.load(Ordering::Relaxed);
        if total > reported {
            tracing::warn!(
                dropped = total - reported,
                "Dropped access log lines: the log output could not keep up"
            );
            reported = total;
        }
    }
}

fn version(v: Version) -> &'static str {
    match v {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2.0",
        Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/1.1",
    }
}

fn quoted(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("\"{}\"", s.replace('"', "\\\"")),
        None => "\"-\"".to_owned(),
    }
}

/// `client - - [time] "METHOD uri proto" status size "referer" "agent"
/// count "frontend" "backend-url" Nms`, as Traefik 1.x writes it.
fn common(e: &AccessEntry) -> String {
    format!(
        "{} - - [{}] \"{} {} {}\" {} {} {} {} {} {} {} {}ms",
        e.client.ip(),
        clf_time(e.start),
        e.method,
        e.uri,
        version(e.version),
        e.status,
        e.size,
        quoted(&e.referer),
        quoted(&e.user_agent),
        e.count,
        quoted(&e.frontend),
        quoted(&e.backend_url),
        e.duration.as_millis()
    )
}

fn json(e: &AccessEntry) -> String {
    let value = serde_json::json!({
        "ClientAddr": e.client.to_string(),
        "ClientHost": e.client.ip().to_string(),
        "ClientPort": e.client.port().to_string(),
        "ClientUsername": "-",
        "DownstreamContentSize": e.size,
        "DownstreamStatus": e.status,
        "Duration": u64::try_from(e.duration.as_nanos()).unwrap_or(u64::MAX),
        "FrontendName": e.frontend,
        "BackendName": e.backend,
        "BackendURL": e.backend_url,
        "OriginStatus": e.status,
        "RequestHost": e.host,
        "RequestMethod": e.method,
        "RequestPath": e.uri,
        "RequestProtocol": version(e.version),
        "RequestCount": e.count,
        "StartUTC": rfc3339(e.start),
        "entryPointName": e.entrypoint,
        "level": "info",
        "msg": "",
    });
    value.to_string()
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn split(t: SystemTime) -> (i64, u32, u32, u64, u64, u64, u32) {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (y, m, d) = civil(i64::try_from(secs / 86_400).unwrap_or(0));
    let day = secs % 86_400;
    (
        y,
        m,
        d,
        day / 3600,
        day % 3600 / 60,
        day % 60,
        since.subsec_nanos(),
    )
}

/// `02/Jan/2006:15:04:05 +0000`.
fn clf_time(t: SystemTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d, hh, mm, ss, _) = split(t);
    let month = MONTHS[(m as usize).saturating_sub(1) % 12];
    format!("{d:02}/{month}/{y}:{hh:02}:{mm:02}:{ss:02} +0000")
}

/// `2006-01-02T15:04:05.999999999Z`.
fn rfc3339(t: SystemTime) -> String {
    let (y, m, d, hh, mm, ss, ns) = split(t);
    format!("{y}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{ns:09}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AccessEntry {
        AccessEntry {
            client: "192.0.2.1:5555".parse().unwrap(),
            // 2024-02-29T13:04:05.5Z
            start: UNIX_EPOCH + Duration::from_millis(1_709_211_845_500),
            method: "GET".into(),
            uri: "/api/x?y=1".into(),
            version: Version::HTTP_11,
            host: Some("a.test".into()),
            referer: None,
            user_agent: Some("curl/8.5".into()),
            entrypoint: "http".into(),
            frontend: Some("ns/web/0/0".into()),
            backend: Some("ns/web:80".into()),
            backend_url: Some("http://10.0.0.1:8080".into()),
            status: 200,
            size: 12,
            duration: Duration::from_millis(3),
            count: 7,
        }
    }

    #[test]
    fn common_log_format_as_traefik_writes_it() {
        assert_eq!(
            common(&entry()),
            "192.0.2.1 - - [29/Feb/2024:13:04:05 +0000] \"GET /api/x?y=1 HTTP/1.1\" 200 12 \"-\" \"curl/8.5\" 7 \"ns/web/0/0\" \"http://10.0.0.1:8080\" 3ms"
        );
    }

    #[test]
    fn json_uses_traefik_field_names() {
        let v: serde_json::Value = serde_json::from_str(&json(&entry())).unwrap();
        assert_eq!(v["DownstreamStatus"], 200);
        assert_eq!(v["RequestPath"], "/api/x?y=1");
        assert_eq!(v["FrontendName"], "ns/web/0/0");
        assert_eq!(v["StartUTC"], "2024-02-29T13:04:05.500000000Z");
        assert_eq!(v["Duration"], 3_000_000);
        assert_eq!(v["entryPointName"], "http");
    }

    /// A writer that blocks in its first write until released.
    struct Stuck {
        entered: std::sync::mpsc::Sender<()>,
        release: std::sync::mpsc::Receiver<()>,
        written: Arc<std::sync::Mutex<Vec<u8>>>,
    }

    impl Write for Stuck {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.entered.send(()).is_ok() {
                let _ = self.release.recv();
            }
            self.written.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stuck_output_drops_and_counts_lines_instead_of_blocking() {
        let (entered, entering) = std::sync::mpsc::channel();
        let (release, released) = std::sync::mpsc::channel();
        let written = Arc::new(std::sync::Mutex::new(Vec::new()));
        let out = Stuck {
            entered,
            release: released,
            written: written.clone(),
        };
        let log = AccessLog::with_capacity(AccessLogFormat::Common, Box::new(out), 2);
        log.write(&entry());
        // The writer holds the first line, blocked; two more fit the queue.
        entering.recv().unwrap();
        for _ in 0..5 {
            log.write(&entry());
        }
        assert_eq!(log.dropped(), 3);
        drop(entering);
        release.send(()).unwrap();
        drop(log);
        let text = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_782), (2024, 2, 29));
        assert_eq!(civil(-1), (1969, 12, 31));
    }
}
