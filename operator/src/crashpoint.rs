//! Named points in an issuance where a test can make the process die at
//! once, as a SIGKILL or a node failure would, to prove that a restart
//! resumes the issuance without a second ACME order. The point is chosen
//! by the environment variable `PASSERELLE_CRASH_AT` (read once); unset, as
//! in production, a crash point costs one comparison with `None`.

use std::sync::OnceLock;

/// The environment variable naming the crash point.
pub const ENV: &str = "PASSERELLE_CRASH_AT";

/// Every named point, in issuance order.
pub const POINTS: [&str; 5] = [
    "key-secret-created",
    "certificate-request-created",
    "order-created",
    "challenge-accepted",
    "order-finalized",
];

fn armed() -> Option<&'static str> {
    static AT: OnceLock<Option<String>> = OnceLock::new();
    AT.get_or_init(|| std::env::var(ENV).ok().filter(|p| !p.is_empty()))
        .as_deref()
}

/// Aborts the process (no destructors, no flushing) when `point` is the
/// armed one.
pub fn reached(point: &'static str) {
    if armed() == Some(point) {
        tracing::error!(point, "Crash point reached, aborting ({ENV})");
        std::process::abort();
    }
}
