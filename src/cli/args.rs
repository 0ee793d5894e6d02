//! Command-line flags (clap derive). Only this module knows clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const AFTER_HELP: &str = "\
Exit codes: 0 success, 2 bad usage or bad scenario, 1 a run that failed (I/O), 130 interrupted (SIGINT), 143 terminated (SIGTERM).

Examples:
  borderq run                                   # the default scenario, 30 replications
  borderq run scenarios/mine.toml --replications 10 --seed 7 --set quota.daily=2000
  borderq check scenarios/*.toml
  borderq scenarios show may-2024-outage --resolved";

/// borderq: discrete-event simulation of border asylum-appointment queues (CBP One, 2023–2025).
#[derive(Debug, Parser)]
#[command(name = "borderq", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run replications of one scenario; write CSV/JSON outputs and print a summary table.
    #[command(after_help = "\
Examples:
  borderq run                                          # the embedded default scenario
  borderq run bailey --replications 100 --threads 2
  borderq run mine.toml --set quota.daily=2000 --set confirmation.outage_policy=none
  borderq run --json --quiet | jq '.metrics[] | select(.metric == \"wait_mean_days\")'
  borderq run --records                                # also groups.csv for replication 0

Writes output/<scenario>/ (or --out): scenario.toml, replications.csv, summary.csv, daily.csv, waits.csv,
summary.json, the charts backlog/waits/flows (.png, .svg), report.html and, with --records, groups.csv.
Every file is written to a temporary name and renamed.")]
    Run(RunArgs),
    /// Validate scenarios and print what would run (horizon, sources, expected arrivals vs quota).
    #[command(after_help = "\
Examples:
  borderq check scenarios/*.toml
  borderq check may-2024-outage --set quota.daily=2000")]
    Check(CheckArgs),
    /// Re-render the charts and report.html of an output directory from its CSV files alone.
    #[command(after_help = "\
Examples:
  borderq plot output/may-2024-outage")]
    Plot(PlotArgs),
    /// List the bundled scenarios, or print one to copy and edit.
    #[command(after_help = "\
Examples:
  borderq scenarios
  borderq scenarios show bailey > mine.toml
  borderq scenarios show may-2024-outage --resolved")]
    Scenarios(ScenariosArgs),
}

/// Flags shared by commands that load a scenario.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct ScenarioFlags {
    /// Override a value by its dotted path, parsed as TOML (repeatable; applied in order).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) sets: Vec<String>,
    /// Master seed (overrides scenario.seed).
    #[arg(long, value_name = "S")]
    pub(crate) seed: Option<u64>,
    /// Number of replications (overrides scenario.replications).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub(crate) replications: Option<u32>,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// A scenario file, or the name of a bundled scenario [default: may-2024-outage].
    pub(crate) scenario: Option<String>,
    #[command(flatten)]
    pub(crate) flags: ScenarioFlags,
    /// Output directory [default: output/<scenario name>].
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Worker threads [default: one per core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) threads: Option<u16>,
    /// No progress and no summary table (errors are still printed).
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Print the summary as JSON on stdout instead of the table.
    #[arg(long)]
    pub(crate) json: bool,
    /// Write into a directory that holds another scenario's outputs.
    #[arg(long)]
    pub(crate) force: bool,
    /// Also write groups.csv: every group's history in replication 0.
    #[arg(long)]
    pub(crate) records: bool,
    /// Skip the charts (PNG, SVG) and report.html.
    #[arg(long)]
    pub(crate) no_charts: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PlotArgs {
    /// An output directory written by `borderq run`.
    #[arg(value_name = "DIR")]
    pub(crate) dir: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Scenario files or bundled scenario names.
    #[arg(required = true, value_name = "SCENARIO")]
    pub(crate) scenarios: Vec<String>,
    #[command(flatten)]
    pub(crate) flags: ScenarioFlags,
}

#[derive(Debug, Args)]
pub(crate) struct ScenariosArgs {
    #[command(subcommand)]
    pub(crate) action: Option<ScenariosAction>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ScenariosAction {
    /// Print a bundled scenario's TOML.
    Show {
        /// The bundled scenario's name.
        name: String,
        /// Print it with every default filled in.
        #[arg(long)]
        resolved: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("borderq").chain(args.iter().copied()))
    }

    #[test]
    fn run_flags_parse() {
        let cli =
            parse(&["run", "x.toml", "--replications", "10", "--seed", "7", "--set", "a.b=1", "--set", "c=d"]).unwrap();
        let Command::Run(r) = cli.command else { panic!("expected run") };
        assert_eq!(r.scenario.as_deref(), Some("x.toml"));
        assert_eq!(r.flags.replications, Some(10));
        assert_eq!(r.flags.seed, Some(7));
        assert_eq!(r.flags.sets, vec!["a.b=1", "c=d"]);
        assert!(parse(&["run", "--replications", "0"]).is_err());
        assert!(parse(&["run", "--threads", "0"]).is_err());
        assert!(parse(&["check"]).is_err());
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
