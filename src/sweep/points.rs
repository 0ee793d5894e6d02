//! Point files: `points/point-NNNNNN.csv`, one per finished point of a sweep or a sensitivity
//! study, written atomically the moment the point finishes.
//!
//! A point file is three lines: its identity (`# borderq point N of HASH`, the sweep's or the
//! study's identity hash), the header, and the point's row. It is read back whole or refused: the
//! identity must be this sweep's and name the file's own index, the index must lie in the grid, the
//! header must be this sweep's, and the row must be one complete record with the header's columns
//! and the index in its first cell. A directory written before point files carried an identity
//! (its `plan.json` at schema version 1) has point files of two lines, read with the same checks
//! but the identity's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::output::{self, OutputError};

/// The schema version of `plan.json` from which point files carry their identity.
pub const PLAN_SCHEMA_VERSION: u32 = 2;

/// What the point files of one sweep or study must be: its identity hash, its header, the number of
/// points in its grid, and whether its directory predates the identity line.
#[derive(Debug, Clone, Copy)]
pub struct PointSet<'a> {
    /// The identity hash (`plan.json`'s `sweep_hash` or `hash`).
    pub hash: &'a str,
    /// The header line of `sweep.csv` (or of the study's points), with its newline.
    pub header: &'a str,
    /// Points in the grid (or the design): valid indices are below it.
    pub points: usize,
    /// The directory was written by a version without the identity line (plan schema version 1).
    pub legacy: bool,
}

/// The directory of point files.
pub fn points_dir(dir: &Path) -> PathBuf {
    dir.join("points")
}

/// The file of point `i`.
pub fn point_file(i: usize) -> String {
    format!("point-{i:06}.csv")
}

/// The header of `ports_sweep.csv` and of each point's per-port file.
pub const PORTS_HEADER: &str = "point,port,metric,mean,ci95_low,ci95_high\n";

/// The per-port file of point `i` (written before the point's own file, which marks it finished).
pub fn port_point_file(i: usize) -> String {
    format!("point-{i:06}-ports.csv")
}

fn identity_line(i: usize, hash: &str) -> String {
    format!("# borderq point {i} of {hash}\n")
}

/// Writes point `i` of `set` atomically: its per-port rows first (if any), then its file.
pub fn write_point(dir: &Path, set: &PointSet, i: usize, line: &str, port_lines: &str) -> Result<(), OutputError> {
    let pdir = points_dir(dir);
    output::create_dir(&pdir)?;
    if !port_lines.is_empty() {
        output::write_atomic(&pdir, &port_point_file(i), format!("{PORTS_HEADER}{port_lines}").as_bytes())?;
    }
    let text = format!("{}{}{line}", identity_line(i, set.hash), set.header);
    output::write_atomic(&pdir, &point_file(i), text.as_bytes())
}

/// The point's row from the text of file `index`, or why the file is not one of `set`'s points.
pub fn parse_point(text: &str, index: usize, set: &PointSet) -> Result<String, String> {
    let rest = if set.legacy {
        text
    } else {
        let (first, rest) = text.split_once('\n').ok_or("it is cut short: no identity line")?;
        let want = identity_line(index, set.hash);
        if format!("{first}\n") != want {
            return Err(match first.strip_prefix("# borderq point ").and_then(|r| r.split_once(" of ")) {
                Some((_, hash)) if hash != set.hash => format!("it belongs to another sweep or study ({hash})"),
                Some((n, _)) => format!("it says it is point {n}, not {index}"),
                None => "it has no borderq identity line".to_string(),
            });
        }
        rest
    };
    if index >= set.points {
        return Err(format!("point {index} is outside the grid of {} points", set.points));
    }
    let line = rest.strip_prefix(set.header).ok_or("its columns are not this sweep's")?;
    if line.is_empty() {
        return Err("it holds the header but no row".into());
    }
    if !line.ends_with('\n') {
        return Err("its row is cut short".into());
    }
    let columns = csv::Reader::from_reader(set.header.as_bytes()).headers().map(|h| h.len()).unwrap_or(0);
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(line.as_bytes());
    let records: Vec<csv::StringRecord> =
        r.records().collect::<Result<_, _>>().map_err(|e| format!("its row is not CSV: {e}"))?;
    match records.as_slice() {
        [row] if row.len() == columns && row.get(0) == Some(index.to_string().as_str()) => Ok(line.to_string()),
        [row] if row.len() != columns => Err(format!("its row has {} columns, not {columns}", row.len())),
        [_] => Err(format!("its row is not point {index}'s")),
        rows => Err(format!("it holds {} rows, not one", rows.len())),
    }
}

/// The finished points in `dir`: index → the point's row. Every file named like a point file must
/// be one of `set`'s; the others are refused together, each by name with the reason.
pub fn finished_points(dir: &Path, set: &PointSet) -> Result<BTreeMap<usize, String>, String> {
    let mut out = BTreeMap::new();
    let pdir = points_dir(dir);
    let Ok(entries) = std::fs::read_dir(&pdir) else { return Ok(out) };
    let mut foreign = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", pdir.display()))?;
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(digits) = name.strip_prefix("point-").and_then(|s| s.strip_suffix(".csv")) else { continue };
        if digits.ends_with("-ports") {
            continue;
        }
        let path = entry.path();
        let Some(index) = digits.parse::<usize>().ok().filter(|_| digits.bytes().all(|b| b.is_ascii_digit())) else {
            foreign.push(format!("{}: not a point file's name", path.display()));
            continue;
        };
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        match parse_point(&text, index, set) {
            Ok(line) => {
                out.insert(index, line);
            }
            Err(why) => foreign.push(format!("{}: {why}", path.display())),
        }
    }
    if foreign.is_empty() {
        return Ok(out);
    }
    foreign.sort();
    let n = foreign.len();
    let shown: Vec<String> = foreign.into_iter().take(10).collect();
    Err(format!(
        "{n} file{} in {} {} not a point of this sweep or study: {}{}; move {} away, or pass --force to start over",
        if n == 1 { "" } else { "s" },
        pdir.display(),
        if n == 1 { "is" } else { "are" },
        shown.join("; "),
        if n > 10 { "; …" } else { "" },
        if n == 1 { "it" } else { "them" },
    ))
}

/// The per-port rows of point `i` in `dir` (empty if it has none).
pub fn read_port_lines(dir: &Path, i: usize) -> Result<String, String> {
    let path = points_dir(dir).join(port_point_file(i));
    match std::fs::read_to_string(&path) {
        Ok(text) => text
            .strip_prefix(PORTS_HEADER)
            .filter(|rows| rows.is_empty() || rows.ends_with('\n'))
            .map(str::to_string)
            .ok_or_else(|| format!("{}: not a per-port point file", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "point,x,replications\n";

    fn set(legacy: bool) -> PointSet<'static> {
        PointSet { hash: "abc", header: HEADER, points: 4, legacy }
    }

    #[test]
    fn a_point_file_is_read_whole_or_refused() {
        let good = format!("{}{HEADER}2,5,3\n", identity_line(2, "abc"));
        assert_eq!(parse_point(&good, 2, &set(false)).unwrap(), "2,5,3\n");
        let cases = [
            (format!("{}{HEADER}2,5,3\n", identity_line(2, "zzz")), 2, "another sweep"),
            (format!("{}{HEADER}2,5,3\n", identity_line(1, "abc")), 2, "it says it is point 1"),
            (format!("{}{HEADER}", identity_line(2, "abc")), 2, "no row"),
            (format!("{}{HEADER}2,5", identity_line(2, "abc")), 2, "cut short"),
            (format!("{}{HEADER}2,5\n", identity_line(2, "abc")), 2, "2 columns, not 3"),
            (format!("{}{HEADER}2,5,3\n2,5,3\n", identity_line(2, "abc")), 2, "2 rows"),
            (format!("{}{HEADER}3,5,3\n", identity_line(2, "abc")), 2, "not point 2's"),
            (format!("{}{HEADER}9,5,3\n", identity_line(9, "abc")), 9, "outside the grid of 4"),
            (format!("{}point,y\n2,5\n", identity_line(2, "abc")), 2, "columns are not"),
            (format!("{HEADER}2,5,3\n"), 2, "no borderq identity"),
            (String::new(), 2, "cut short"),
        ];
        for (text, i, why) in cases {
            let e = parse_point(&text, i, &set(false)).unwrap_err();
            assert!(e.contains(why), "{text:?}: {e}");
        }
        // A directory of the earlier format: no identity line, the same checks otherwise.
        assert_eq!(parse_point(&format!("{HEADER}2,5,3\n"), 2, &set(true)).unwrap(), "2,5,3\n");
        assert!(parse_point(&format!("{HEADER}7,5,3\n"), 7, &set(true)).is_err());
    }
}
