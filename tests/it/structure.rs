//! The shape of the source tree: no import cycle among the top-level modules of `src/` or among the
//! files of one module, no file over 500 lines, no function over 80 lines but the event dispatch.
//!
//! An edge between top-level modules is a `crate::X` path used in a file of another module (`mod`
//! declarations do not count). An edge between two files of one module is a `super::X` or
//! `crate::…::X` path naming a sibling file; the module's root (`mod.rs`), which declares and
//! assembles the files, is not one of them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 500;
const MAX_FN_LINES: usize = 80;
/// Functions allowed past the limit: the event loop's dispatch.
const LONG_FNS_ALLOWED: &[(&str, &str)] = &[("model/sim/mod.rs", "run")];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).expect("src is readable") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file's code without line comments (doc comments included) and string contents.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| {
            let mut out = String::new();
            let mut in_str = false;
            let mut prev = ' ';
            let cs: Vec<char> = l.chars().collect();
            let mut i = 0;
            while i < cs.len() {
                let c = cs[i];
                if !in_str && c == '/' && cs.get(i + 1) == Some(&'/') {
                    break;
                }
                if c == '"' && prev != '\\' && !(prev == '\'' && cs.get(i + 1) == Some(&'\'')) {
                    in_str = !in_str;
                    out.push(c);
                } else if !in_str {
                    out.push(c);
                }
                prev = if prev == '\\' && c == '\\' { ' ' } else { c };
                i += 1;
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The identifiers that follow `prefix` in `code`, including those in a `prefix{a, b::c}` group.
fn paths_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// A cycle in `edges`, if any, as the path around it.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|s| s == m).expect("on the stack");
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0
            && let Some(c) = visit(n, edges, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

fn relative(p: &Path) -> String {
    p.strip_prefix(src()).expect("under src").to_string_lossy().replace('\\', "/")
}

/// The library's top-level modules and which of them each imports (`crate::…`), the binary's `cli`
/// left out (it uses the library's public paths).
fn top_level_edges() -> (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>) {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let top: BTreeSet<String> = files
        .iter()
        .map(|p| relative(p).split('/').next().expect("a path").trim_end_matches(".rs").to_string())
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &files {
        let rel = relative(p);
        let from = rel.split('/').next().expect("a path").trim_end_matches(".rs").to_string();
        if !top.contains(&from) {
            continue;
        }
        let c = code(&fs::read_to_string(p).expect("readable"));
        for to in paths_after(&c, "crate::") {
            if to != from && top.contains(&to) {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    (top, edges)
}

#[test]
fn no_import_cycle_among_top_level_modules() {
    let (_, edges) = top_level_edges();
    assert!(edges.contains_key("output"), "the edge finder sees the modules: {edges:?}");
    if let Some(cycle) = find_cycle(&edges) {
        panic!("import cycle among top-level modules: {}", cycle.join(" → "));
    }
}

/// ARCHITECTURE.md's table of module dependencies is the code's: every library module has a row,
/// and its row names exactly the modules it imports.
#[test]
fn the_architecture_dependency_table_is_true() {
    let (top, edges) = top_level_edges();
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let start = text.find("### Module dependencies").expect("the section");
    let names = |cell: &str| -> BTreeSet<String> { cell.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    let mut table: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text[start..].lines().skip_while(|l| !l.starts_with("| module")).skip(2) {
        let Some(row) = line.strip_prefix('|') else { break };
        let cells: Vec<&str> = row.split('|').collect();
        for m in names(cells[0]) {
            table.insert(m, names(cells[1]));
        }
    }
    let library: BTreeSet<String> = top.iter().filter(|m| *m != "cli").cloned().collect();
    assert_eq!(table.keys().cloned().collect::<BTreeSet<_>>(), library, "a row for every library module");
    for (m, uses) in &table {
        let actual = edges.get(m).cloned().unwrap_or_default();
        assert_eq!(uses, &actual, "ARCHITECTURE.md: what `{m}` uses");
    }
}

#[test]
fn no_import_cycle_among_the_files_of_a_module() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for p in files {
        by_dir.entry(p.parent().expect("a parent").to_path_buf()).or_default().push(p);
    }
    let mut checked = 0;
    for (dir, files) in by_dir {
        if dir == src() {
            continue;
        }
        let names: BTreeSet<String> = files
            .iter()
            .map(|p| p.file_stem().expect("a stem").to_string_lossy().to_string())
            .filter(|n| n != "mod")
            .collect();
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for p in &files {
            let from = p.file_stem().expect("a stem").to_string_lossy().to_string();
            if from == "mod" {
                continue;
            }
            let c = code(&fs::read_to_string(p).expect("readable"));
            let module_path = format!("crate::{}::", relative(&dir).replace('/', "::"));
            for to in paths_after(&c, "super::").into_iter().chain(paths_after(&c, &module_path)) {
                if to != from && names.contains(&to) {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
        checked += edges.len();
        if let Some(cycle) = find_cycle(&edges) {
            panic!("import cycle among the files of {}: {}", relative(&dir), cycle.join(" → "));
        }
    }
    assert!(checked > 5, "the edge finder sees the files");
}

#[test]
fn no_file_over_500_lines_and_no_function_over_80() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut problems = Vec::new();
    for p in &files {
        let rel = relative(p);
        let text = fs::read_to_string(p).expect("readable");
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > MAX_FILE_LINES {
            problems.push(format!("{rel}: {} lines", lines.len()));
        }
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_start();
            let indent = l.len() - t.len();
            let Some(name) = fn_name(t) else { continue };
            if LONG_FNS_ALLOWED.contains(&(rel.as_str(), name.as_str())) {
                continue;
            }
            // The body ends at the first line, at the same indentation, that closes it.
            let Some(len) = lines[i..].iter().position(|x| {
                let xt = x.trim_start();
                x.len() - xt.len() == indent && (xt.starts_with('}') || xt.ends_with(';') && xt.contains("fn "))
            }) else {
                continue;
            };
            if len + 1 > MAX_FN_LINES {
                problems.push(format!("{rel}:{}: fn {name} is {} lines", i + 1, len + 1));
            }
        }
    }
    assert!(problems.is_empty(), "over the limits:\n{}", problems.join("\n"));
}

/// The name of the function a line declares, if it does (and its body is not on the same line).
fn fn_name(t: &str) -> Option<String> {
    let mut rest = t;
    for prefix in ["pub(crate) ", "pub(super) ", "pub ", "const ", "unsafe ", "async ", "extern \"C\" "] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    if t.trim_end().ends_with('}') || t.trim_end().ends_with(';') {
        return None;
    }
    Some(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
}

#[test]
fn the_checker_finds_a_cycle_and_reads_group_imports() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    assert!(find_cycle(&edges).is_none());
    edges.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&edges).expect("a cycle"), ["a", "b", "c", "a"]);
    let found = paths_after("use crate::{model::X, stats};\nlet s = \"crate::plot\";", "crate::");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["model", "plot", "stats"]);
    let found = paths_after(&code("use crate::{model::X, stats};\nlet s = \"crate::plot\";"), "crate::");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["model", "stats"], "strings are not paths");
}
