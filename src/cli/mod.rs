//! The binary's glue: flags → library calls → files and terminal output. Owns the exit-code policy.

mod args;
mod calibrate;
mod check;
mod compare;
mod progress;
mod run;
mod sensitivity;
mod signals;
mod sweep;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use borderq::scenario::{self, Scenario, ScenarioError};

use args::{Cli, Command, PrecisionFlags, ScenarioFlags, ScenariosAction};

/// Why a command failed, which decides the exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Bad usage or a bad scenario: exit 2.
    Input(String),
    /// The run failed (I/O and the like): exit 1.
    Run(String),
    /// Stopped by a signal: exit 128 + signal number (130 for SIGINT, 143 for SIGTERM).
    Signal(i32),
    /// Stopped by a signal, after the command said what it kept.
    Interrupted(i32),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}

/// Runs the command line and maps the outcome to an exit code.
pub(crate) fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Check(a) => check::check(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::Sensitivity(a) => sensitivity::sensitivity(a),
        Command::Calibrate(a) => calibrate::calibrate(a),
        Command::Merge(a) if sensitivity::is_study(&a.dirs) => sensitivity::merge(a),
        Command::Merge(a) => sweep::merge(a),
        Command::Compare(a) => compare::compare(a),
        Command::Plot(a) => plot(&a.dir),
        Command::Scenarios(a) => scenarios(a.action),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Run(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Signal(sig)) => {
            eprintln!("borderq: interrupted; no output was written");
            ExitCode::from((128 + sig) as u8)
        }
        Err(Failure::Interrupted(sig)) => ExitCode::from((128 + sig) as u8),
    }
}

/// Loads a scenario with overrides, then `--seed`/`--replications`, checked and guarded.
pub(crate) fn experiment(arg: &str, flags: &ScenarioFlags) -> Result<borderq::Experiment, Failure> {
    let run_flags = flags.run_flags();
    let mut b = borderq::Experiment::builder(arg).sets(flags.sets.iter().cloned());
    if let Some(seed) = run_flags.seed {
        b = b.seed(seed);
    }
    if let Some(n) = run_flags.replications {
        b = b.replications(n);
    }
    let e = b.build()?;
    for w in e.warnings() {
        eprintln!("warning: {w}");
    }
    Ok(e)
}

/// The scenario of [`experiment`].
pub(crate) fn load(arg: &str, flags: &ScenarioFlags) -> Result<Scenario, Failure> {
    experiment(arg, flags).map(|e| e.scenario().clone())
}

impl From<borderq::Error> for Failure {
    fn from(e: borderq::Error) -> Self {
        match e {
            borderq::Error::Scenario(_) | borderq::Error::Input(_) | borderq::Error::TooLarge(_) => {
                Failure::Input(e.to_string())
            }
            borderq::Error::Output(o) => output_failure(o),
            _ => Failure::Run(e.to_string()),
        }
    }
}

/// An output failure: an occupied directory is bad usage (2), anything else a failed run (1).
pub(crate) fn output_failure(e: borderq::output::OutputError) -> Failure {
    if e.is_input() { Failure::Input(e.to_string()) } else { Failure::Run(e.to_string()) }
}

/// `--precision X [--max-replications N]` as a rule, checked.
pub(crate) fn precision(p: &PrecisionFlags) -> Result<Option<borderq::run::Precision>, Failure> {
    match p.precision {
        None => Ok(None),
        Some(x) if x > 0.0 && x < 1.0 => {
            Ok(Some(borderq::run::Precision { relative: x, max: p.max_replications.unwrap_or(1000) }))
        }
        Some(x) => Err(Failure::Input(format!(
            "--precision {x} is out of range: expected a share in (0, 1), e.g. 0.02 for 2 %"
        ))),
    }
}

/// Writes to stdout; a closed pipe (`borderq … | head -1`) is not an error (as in ripgrep).
pub(crate) fn out(text: &str) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Failure::Run(format!("could not write to stdout: {e}"))),
        _ => Ok(()),
    }
}

/// `borderq plot DIR`: redraws the charts and the report from the files the run's manifest lists,
/// and adds what it draws to the manifest.
fn plot(dir: &std::path::Path) -> Result<(), Failure> {
    use borderq::output;
    let _lock = dir.is_dir().then(|| output::DirLock::acquire(dir)).transpose().map_err(output_failure)?;
    let listed = output::read_manifest(dir);
    let data = borderq::plot::ChartData::load(dir, listed.as_ref().map(|m| m.names.as_slice()))
        .map_err(|e| Failure::Input(e.to_string()))?;
    let mut files = borderq::plot::render_all(&data).map_err(|e| Failure::Run(e.to_string()))?;
    if let Some(output::Manifest { kind, mut names }) = listed {
        for (n, _) in &files {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
        files.push((output::MANIFEST.to_string(), output::manifest_text(&kind, &names)));
    }
    output::write_run(dir, &files).map_err(|e| Failure::Run(e.to_string()))?;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    eprintln!("borderq: wrote {} in {}", names.join(", "), dir.display());
    Ok(())
}

fn scenarios(action: Option<ScenariosAction>) -> Result<(), Failure> {
    match action {
        None => {
            let mut text = String::new();
            for b in scenario::BUNDLED {
                let description =
                    scenario::bundled(b.name).and_then(Result::ok).map(|s| s.description).unwrap_or_default();
                let mark = if b.name == scenario::DEFAULT_SCENARIO { " (default)" } else { "" };
                let width = scenario::BUNDLED.iter().map(|b| b.name.len()).max().unwrap_or(0);
                text.push_str(&format!("{:<width$}  {description}{mark}\n", b.name));
            }
            out(&text)
        }
        Some(ScenariosAction::Show { name, resolved: true }) => {
            let s = match scenario::bundled(&name) {
                Some(s) => s.expect("bundled scenarios are valid"),
                None => scenario::load(&name, &[])?,
            };
            out(&scenario::to_toml(&s))
        }
        Some(ScenariosAction::Show { name, resolved: false }) => {
            let Some(b) = scenario::BUNDLED.iter().find(|b| b.name == name) else {
                let names: Vec<&str> = scenario::BUNDLED.iter().map(|b| b.name).collect();
                return Err(Failure::Input(format!(
                    "no bundled scenario is named {name:?}: expected one of {}",
                    names.join(", ")
                )));
            };
            out(b.text)
        }
    }
}
