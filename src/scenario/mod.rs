//! Scenario files: reading TOML (the only module that knows TOML), `--set` overrides, validation with
//! file:line:column errors, the bundled scenarios, and writing the resolved scenario back.
//!
//! Read [`Scenario`] (the validated model input) and [`load`] first.

mod dist;
mod error;
mod inherit;
mod labels;
mod load;
mod read;
mod resolved;
mod sampler;
mod schedule;
mod schema;
mod tree;
mod types;

use std::path::Path;

pub use dist::{DIST_NAMES, Dist, Law};
pub use error::ScenarioError;
pub use labels::parameter_label;
pub use load::{CaravanLoad, Load, MAX_EXPECTED_DRAWS, MAX_EXPECTED_GROUPS, SourceLoad, size_mean};
pub use resolved::to_toml;
pub use sampler::Sampler;
pub use schedule::Schedule;
pub use types::*;

/// A scenario bundled in the binary: its name and TOML text.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// Name, as given to `borderq run NAME`.
    pub name: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// The bundled scenarios (files in `scenarios/`), the default first.
pub const BUNDLED: &[Bundled] = &[
    Bundled { name: "may-2024-outage", text: include_str!("../../scenarios/may-2024-outage.toml") },
    Bundled { name: "cbp-one", text: include_str!("../../scenarios/cbp-one.toml") },
    Bundled { name: "launch-2023", text: include_str!("../../scenarios/launch-2023.toml") },
    Bundled { name: "christmas-caravan-2023", text: include_str!("../../scenarios/christmas-caravan-2023.toml") },
    Bundled { name: "geofence-aug-2024", text: include_str!("../../scenarios/geofence-aug-2024.toml") },
    Bundled { name: "end-jan-2025", text: include_str!("../../scenarios/end-jan-2025.toml") },
    Bundled { name: "bailey", text: include_str!("../../scenarios/bailey.toml") },
    Bundled { name: "laredo-jun-2023", text: include_str!("../../scenarios/laredo-jun-2023.toml") },
    Bundled { name: "ports-2024", text: include_str!("../../scenarios/ports-2024.toml") },
];

/// The scenario `borderq run` uses when given none.
pub const DEFAULT_SCENARIO: &str = "may-2024-outage";

/// The largest scenario file read \[bytes\]: anything bigger is not a hand-written scenario.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A scenario's text and the label its errors use (the file path, or `bundled:NAME`).
#[derive(Debug, Clone)]
pub struct ScenarioText {
    /// Path as given, or `<bundled NAME>`.
    pub label: String,
    /// The TOML text.
    pub text: String,
}

/// Finds a scenario: a path to a file, or the name of a bundled scenario.
pub fn locate(arg: &str) -> Result<ScenarioText, ScenarioError> {
    let path = Path::new(arg);
    // A bare name is a bundled scenario unless a file (not a directory) of that name exists here.
    let looks_like_path = arg.contains(['/', '\\']) || arg.ends_with(".toml") || path.is_file();
    if !looks_like_path && let Some(b) = BUNDLED.iter().find(|b| b.name == arg) {
        return Ok(ScenarioText { label: format!("<bundled {}>", b.name), text: b.text.to_string() });
    }
    if !path.exists() {
        let names: Vec<&str> = BUNDLED.iter().map(|b| b.name).collect();
        let hint = schema::suggest(arg, names.iter().copied());
        return Err(ScenarioError::new(
            arg,
            None,
            format!(
                "no such file, and no bundled scenario has this name{hint}: expected a path to a .toml file or one of {}",
                names.join(", ")
            ),
        ));
    }
    read_file(path).map(|text| ScenarioText { label: arg.to_string(), text })
}

/// Reads a scenario file, refusing directories, huge files and non-UTF-8 bytes with a clear message.
pub fn read_file(path: &Path) -> Result<String, ScenarioError> {
    let label = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| ScenarioError::new(&label, None, format!("cannot read the file: {}", io_reason(&e))))?;
    if meta.is_dir() {
        return Err(ScenarioError::new(&label, None, "is a directory: expected a scenario .toml file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ScenarioError::new(
            &label,
            None,
            format!("is {} bytes: expected a scenario file of at most {} bytes", meta.len(), MAX_FILE_BYTES),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| ScenarioError::new(&label, None, format!("cannot read the file: {}", io_reason(&e))))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        ScenarioError::new(
            &label,
            None,
            format!("is not UTF-8 text (invalid byte at offset {offset}): expected a TOML scenario file"),
        )
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Parses and validates scenario text after applying `--set PATH=VALUE` overrides in order.
pub fn parse(text: &ScenarioText, sets: &[String]) -> Result<Scenario, ScenarioError> {
    let mut src = tree::Source::new(text.label.clone(), text.text.clone(), sets.to_vec());
    if text.text.trim().is_empty() {
        return Err(ScenarioError::new(
            &text.label,
            None,
            "is empty: expected a scenario with at least [scenario] (name, start, end) and [quota] (daily)",
        ));
    }
    let mut root = inherit::resolve(&mut src)?;
    for (i, set) in sets.iter().enumerate() {
        let Some((path, value)) = set.split_once('=') else {
            return Err(ScenarioError::new(
                format!("--set {set}"),
                None,
                "expected PATH=VALUE, for example --set quota.daily=2000",
            ));
        };
        let node = tree::parse_set_value(value, i, &src)?;
        tree::apply_set(&mut root, path.trim(), node, i, &src)?;
    }
    read::scenario(&src, &root)
}

/// Locates, reads, overrides and validates in one step.
pub fn load(arg: &str, sets: &[String]) -> Result<Scenario, ScenarioError> {
    parse(&locate(arg)?, sets)
}

/// Parses one bundled scenario; they are tested to be valid.
pub fn bundled(name: &str) -> Option<Result<Scenario, ScenarioError>> {
    BUNDLED
        .iter()
        .find(|b| b.name == name)
        .map(|b| parse(&ScenarioText { label: format!("<bundled {}>", b.name), text: b.text.to_string() }, &[]))
}

#[cfg(test)]
mod tests;

/// `--seed` and `--replications`, which apply after the file and every `--set`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunFlags {
    /// `--seed`: the master seed (0 to 2^63 − 1, like `scenario.seed`).
    pub seed: Option<u64>,
    /// `--replications`.
    pub replications: Option<u32>,
}

impl RunFlags {
    /// Checks the flags' ranges; the message names the flag and what is allowed.
    pub fn check(&self) -> Result<(), String> {
        match self.seed {
            Some(seed) if seed > i64::MAX as u64 => {
                Err(format!("--seed {seed} is out of range: expected a whole number from 0 to {}", i64::MAX))
            }
            _ => Ok(()),
        }
    }

    /// Applies the flags to a scenario (call [`RunFlags::check`] first).
    pub fn apply(&self, s: &mut Scenario) {
        if let Some(seed) = self.seed {
            s.seed = seed;
        }
        if let Some(n) = self.replications {
            s.replications = n;
        }
    }
}
