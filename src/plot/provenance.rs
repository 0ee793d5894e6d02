//! The report's "Where each input comes from": each `[provenance]` entry with its human label, the
//! path it covers and its source printed in full (publisher, date, address), since a report sent
//! on its own cannot follow links to the project's documentation.

use super::page::escape;
use crate::scenario::{Scenario, parameter_label};

/// The kind of a provenance entry, from how its text begins: "assumption", "derived" (arithmetic
/// on sourced figures) or "sourced".
fn kind(source: &str) -> &'static str {
    let start = source.trim_start().to_ascii_lowercase();
    if start.starts_with("assumption") {
        "assumption"
    } else if start.starts_with("derived") {
        "derived"
    } else {
        "sourced"
    }
}

/// The sentence of "How to read this" on sourced inputs and assumptions.
pub(super) fn sourced_sentence(s: &Scenario) -> String {
    let assumed: Vec<String> =
        s.provenance.iter().filter(|(_, src)| kind(src) == "assumption").map(|(p, _)| parameter_label(p)).collect();
    let sourced = s.provenance.len() - assumed.len();
    if s.provenance.is_empty() {
        return "This scenario does not say where its inputs come from: treat every value as an assumption until its source is checked.".into();
    }
    let assumed_text = if assumed.is_empty() {
        "none is marked as an assumption".to_string()
    } else {
        format!(
            "{} {} assumptions ({})",
            assumed.len(),
            if assumed.len() == 1 { "is an" } else { "are" },
            assumed.join("; ")
        )
    };
    format!(
        "Of the {} inputs whose origin the scenario records, {sourced} cite a published source (or are derived from one) and {assumed_text}; \
         \"Where each input comes from\" below lists each one. A change in an assumption can move the results more than any interval shows.",
        s.provenance.len()
    )
}

/// The section, or nothing when the scenario records no provenance.
pub(super) fn section(s: &Scenario) -> String {
    if s.provenance.is_empty() {
        return String::new();
    }
    let mut o = String::from(
        "<section id=\"provenance\">\n<h2>Where each input comes from</h2>\n<div class=\"wide\"><table>\n\
         <thead><tr><th>Input</th><th>Kind</th><th>Source</th></tr></thead>\n<tbody>\n",
    );
    for (path, source) in &s.provenance {
        let kind = kind(source);
        o.push_str(&format!(
            "<tr><td>{}<br/><small><code>{}</code></small></td><td>{kind}</td><td class=\"src\">{}</td></tr>\n",
            escape(&parameter_label(path)),
            escape(path),
            escape(source)
        ));
    }
    o.push_str("</tbody></table></div>\n</section>\n");
    o
}
