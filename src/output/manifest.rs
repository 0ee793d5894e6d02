//! A run directory belongs to one run: `manifest.txt` lists the files the last run wrote there, a
//! rerun removes the earlier run's files that it does not write itself (and nothing else), and a lock
//! keeps two runs from writing into one directory at once.

use std::fs;
use std::path::{Path, PathBuf};

use super::{OutputError, io_err};

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.txt";

/// The lock file's name (hidden; removed when the run ends).
pub const LOCK: &str = ".borderq.lock";

/// The header of manifests written before they named borderq and the directory's kind: trusted
/// only beside a `scenario.toml` that borderq wrote (one that reads as a scenario).
const OLD_HEADER: &str =
    "# The files borderq wrote in this directory in its last run; a rerun removes those it does not write again.";

/// The start of a manifest's header; the directory's kind follows.
const HEADER_START: &str = "# borderq ";
const HEADER_END: &str =
    " directory: the files borderq wrote here in its last run; a rerun removes those it does not write again.";

/// A trusted manifest: the directory's kind (`run`, `compare`) and the files borderq wrote there.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// `run` or `compare`.
    pub kind: String,
    /// The files, in writing order.
    pub names: Vec<String>,
}

/// The manifest's text for a directory of `kind` and these file names (in writing order).
pub fn manifest_text<N: AsRef<str>>(kind: &str, names: &[N]) -> Vec<u8> {
    let mut text = format!("{HEADER_START}{kind}{HEADER_END}\n");
    for n in names {
        text.push_str(n.as_ref());
        text.push('\n');
    }
    text.into_bytes()
}

/// `dir`'s manifest if borderq wrote it, or `None`: none, or one borderq did not write (a user's
/// `manifest.txt` is never trusted to say what may be deleted). A manifest names borderq and the
/// directory's kind in its first line; one of an earlier version, without the kind, is a run's and
/// trusted only beside a `scenario.toml` that reads as a scenario. Names that are not plain file
/// names are ignored.
pub fn read_manifest(dir: &Path) -> Option<Manifest> {
    let text = fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let first = text.lines().next()?;
    let kind = match first.strip_prefix(HEADER_START).and_then(|r| r.strip_suffix(HEADER_END)) {
        Some(kind) if !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_lowercase()) => kind.to_string(),
        _ if first == OLD_HEADER && wrote_scenario(dir) => "run".to_string(),
        _ => return None,
    };
    let names = text
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter(|l| is_plain_name(l))
        .map(str::to_string)
        .collect();
    Some(Manifest { kind, names })
}

/// Whether `dir/scenario.toml` reads as a scenario (borderq wrote it, resolved).
fn wrote_scenario(dir: &Path) -> bool {
    let path = dir.join("scenario.toml");
    fs::read_to_string(&path).is_ok_and(|text| {
        let text = crate::scenario::ScenarioText { label: path.display().to_string(), text };
        crate::scenario::parse(&text, &[]).is_ok()
    })
}

/// The visible files in `dir` (not hidden, not directories) that `manifest` does not list: files
/// of unknown origin, which borderq neither overwrites without `--force` nor ever deletes.
pub fn unknown_files(dir: &Path, manifest: Option<&Manifest>) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('.'))
        .filter(|n| manifest.is_none_or(|m| n != MANIFEST && !m.names.contains(n)))
        .collect();
    out.sort();
    out
}

/// Whether `name` names a file directly inside the directory (no separator, not `.` or `..`).
fn is_plain_name(name: &str) -> bool {
    !name.contains(['/', '\\']) && name != "." && name != ".."
}

/// Removes the files of the `previous` manifest that this run did not write (`written`), and
/// nothing else.
pub fn remove_stale(dir: &Path, previous: Option<&[String]>, written: &[&str]) -> Result<(), OutputError> {
    for name in previous.unwrap_or_default() {
        if written.contains(&name.as_str()) || !is_plain_name(name) {
            continue;
        }
        let path = dir.join(name);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io_err(&path, e)),
            _ => {}
        }
    }
    Ok(())
}

/// An exclusive claim on a directory for one run, released (and its file removed) when dropped.
#[derive(Debug)]
pub struct DirLock {
    file: fs::File,
    path: PathBuf,
}

impl DirLock {
    /// Claims `dir` (which must exist), or says that another run holds it. The lock is the
    /// operating system's, so a run that dies releases it.
    pub fn acquire(dir: &Path) -> Result<DirLock, OutputError> {
        let path = dir.join(LOCK);
        loop {
            let file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| io_err(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => return Err(OutputError::Busy { dir: dir.display().to_string() }),
                Err(fs::TryLockError::Error(e)) => return Err(io_err(&path, e)),
            }
            // The holder before us may have removed the file after we opened it: then our lock is
            // on a file nobody else will open, so take the one now at the path.
            if same_file(&file, &path) {
                // Holding the lock, no other run writes here: a temporary file is a killed run's.
                remove_stale_temps(dir);
                remove_stale_temps(&dir.join("points"));
                return Ok(DirLock { file, path });
            }
        }
    }
}

/// Whether `name` is a temporary name that [`temp_path`](super::temp_path) makes: `.NAME.tmp-PID`.
pub(super) fn is_temp_name(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.rsplit_once(".tmp-"))
        .is_some_and(|(base, pid)| !base.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes the temporary files that a run killed while writing left in `dir` (not recursively).
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if is_file && e.file_name().to_str().is_some_and(is_temp_name) {
            let _ = fs::remove_file(e.path());
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod temp_tests {
    #[test]
    fn temporary_names_are_recognised_and_nothing_else() {
        assert!(super::is_temp_name(".point-000003.csv.tmp-4242"));
        assert!(super::is_temp_name(".daily.csv.tmp-1"));
        for other in [".point-000003.csv", "point.tmp-12", ".x.tmp-", ".x.tmp-12a", "..tmp-3", "notes.txt"] {
            assert!(!super::is_temp_name(other), "{other}");
        }
    }
}

#[cfg(unix)]
fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &fs::File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_files_go_and_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["a.csv", "b.csv", "mine.txt"] {
            fs::write(dir.path().join(f), "x").unwrap();
        }
        fs::write(dir.path().join(MANIFEST), manifest_text("run", &["a.csv", "b.csv", "../outside"])).unwrap();
        let previous = read_manifest(dir.path()).unwrap().names;
        assert_eq!(previous, ["a.csv", "b.csv"], "a name with a separator is not a file of the run");
        remove_stale(dir.path(), Some(&previous), &["a.csv"]).unwrap();
        assert!(dir.path().join("a.csv").exists() && !dir.path().join("b.csv").exists());
        assert!(dir.path().join("mine.txt").exists(), "a file the run did not write is never touched");
    }

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path()).unwrap();
        let second = DirLock::acquire(dir.path()).unwrap_err();
        assert!(second.to_string().contains("another borderq run"), "{second}");
        drop(first);
        assert!(!dir.path().join(LOCK).exists(), "the lock file goes with the lock");
        DirLock::acquire(dir.path()).unwrap();
    }
}
