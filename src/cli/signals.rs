//! SIGINT and SIGTERM as flags, so long jobs stop between units of work and keep what is finished.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Failure;

const SIGINT: i32 = signal_hook::consts::SIGINT;
const SIGTERM: i32 = signal_hook::consts::SIGTERM;

/// Flags raised by SIGINT/SIGTERM: `stop` by either, `term` by SIGTERM only.
pub(crate) struct Signals {
    pub(crate) stop: Arc<AtomicBool>,
    /// The library's view of `stop`.
    pub(crate) token: borderq::CancelToken,
    term: Arc<AtomicBool>,
}

impl Signals {
    pub(crate) fn install() -> Signals {
        let token = borderq::CancelToken::new();
        let stop = Arc::clone(token.flag());
        let term = Arc::new(AtomicBool::new(false));
        for sig in [SIGINT, SIGTERM] {
            let _ = signal_hook::flag::register(sig, Arc::clone(&stop));
        }
        let _ = signal_hook::flag::register(SIGTERM, Arc::clone(&term));
        Signals { stop, token, term }
    }

    pub(crate) fn failure(&self) -> Failure {
        Failure::Signal(if self.term.load(Ordering::SeqCst) { SIGTERM } else { SIGINT })
    }
}
