//! The error every bad scenario produces: where (file:line:column or the `--set` that caused it),
//! which key, the bad value and what is allowed, in one line.

use std::fmt;

/// A scenario that cannot be read, parsed or validated. Fatal for the run: nothing is simulated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScenarioError {
    /// Where the problem is: `path:line:column`, `path`, or `--set PATH=VALUE`.
    pub location: String,
    /// The dotted key concerned (`quota.seniority_share`), when there is one.
    pub key: Option<String>,
    /// What is wrong and what is allowed, lowercase, without a final period.
    pub message: String,
}

impl ScenarioError {
    /// An error at `location` about `key`.
    pub fn new(location: impl Into<String>, key: Option<&str>, message: impl Into<String>) -> Self {
        ScenarioError { location: location.into(), key: key.map(str::to_owned), message: message.into() }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for ScenarioError {}
