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

const HEADER: &str =
    "# The files borderq wrote in this directory in its last run; a rerun removes those it does not write again.";

/// The manifest's text for these file names (in writing order).
pub fn manifest_text<N: AsRef<str>>(names: &[N]) -> Vec<u8> {
    let mut text = format!("{HEADER}\n");
    for n in names {
        text.push_str(n.as_ref());
        text.push('\n');
    }
    text.into_bytes()
}

/// The file names of `dir`'s manifest, or `None` when there is none (a directory written before
/// manifests, or by nobody). Names that are not plain file names are ignored.
pub fn read_manifest(dir: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(dir.join(MANIFEST)).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter(|l| is_plain_name(l))
            .map(str::to_string)
            .collect(),
    )
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
        fs::write(dir.path().join(MANIFEST), manifest_text(&["a.csv", "b.csv", "../outside"])).unwrap();
        let previous = read_manifest(dir.path()).unwrap();
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
