//! Progress on stderr: an indicatif bar on a terminal, plain occasional lines otherwise (CI logs).

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Reports finished units of work.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    plain: Option<Mutex<Instant>>,
    total: usize,
    unit: &'static str,
    started: Instant,
}

impl Progress {
    /// A reporter for `total` units; silent when `quiet`.
    pub(crate) fn new(total: usize, unit: &'static str, quiet: bool) -> Progress {
        let started = Instant::now();
        if quiet {
            return Progress { bar: None, plain: None, total, unit, started };
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40.cyan/blue} {pos}/{len} {msg} [{elapsed_precise}, {per_sec}, ETA {eta}]",
                )
                .expect("static template")
                .progress_chars("=> "),
            );
            bar.set_message(unit);
            return Progress { bar: Some(bar), plain: None, total, unit, started };
        }
        Progress { bar: None, plain: Some(Mutex::new(started)), total, unit, started }
    }

    /// Records that `done` units are finished (called from worker threads).
    pub(crate) fn update(&self, done: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        } else if let Some(last) = &self.plain {
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() >= Duration::from_secs(5) && done < self.total {
                *last = Instant::now();
                eprintln!(
                    "borderq: {done}/{} {} ({:.0}%)",
                    self.total,
                    self.unit,
                    100.0 * done as f64 / self.total as f64
                );
            }
        }
    }

    /// Clears the bar and prints how many units were done (more than announced under
    /// `--precision`) and the wall time.
    pub(crate) fn finish(&self, done: usize) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.bar.is_some() || self.plain.is_some() {
            let unit = if done == 1 { self.unit.trim_end_matches('s') } else { self.unit };
            eprintln!("borderq: {done} {unit} in {:.2} s", self.started.elapsed().as_secs_f64());
        }
    }
}
