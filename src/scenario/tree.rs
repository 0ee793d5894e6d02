//! A TOML document as a tree whose every value remembers where it came from (a byte offset in the file
//! or the `--set` that put it there), so that validation can point at file:line:column.
//! `--set PATH=VALUE` overrides are applied to this tree, checked against [`schema`](super::schema).

use toml::de::{DeTable, DeValue};

use super::error::ScenarioError;
use super::schema::{self, Shape};

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum At {
    /// Byte offset into the scenario text.
    File(usize),
    /// The n-th `--set` override.
    Set(usize),
    /// Not written anywhere (a default or a table created implicitly).
    Nowhere,
}

/// A TOML value with its origin.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) val: Val,
    pub(crate) at: At,
}

/// A TOML value.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    /// A TOML date or date-time literal, kept as its text.
    Datetime(String),
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

/// One `key = value` of a table.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) key_at: At,
    pub(crate) node: Node,
}

/// The text the tree was read from, to turn origins into `path:line:column`.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub(crate) path: String,
    pub(crate) text: String,
    pub(crate) sets: Vec<String>,
    /// The scenarios it extends, directly or not: their offsets follow the file's own, each
    /// parent's starting at its `base`.
    pub(crate) parents: Vec<Parent>,
}

/// A scenario that the file extends, read into the same tree.
#[derive(Debug, Clone)]
pub(crate) struct Parent {
    pub(crate) path: String,
    pub(crate) text: String,
    /// The offset of its first byte in the tree's origins.
    pub(crate) base: usize,
}

impl Source {
    /// A source of one file and its overrides.
    pub(crate) fn new(path: String, text: String, sets: Vec<String>) -> Source {
        Source { path, text, sets, parents: Vec::new() }
    }

    /// The offset at which the next parent's text would start.
    pub(crate) fn next_base(&self) -> usize {
        self.parents.last().map_or(self.text.len(), |p| p.base + p.text.len()) + 1
    }

    /// `path:line:column` for a file offset, `--set …` for an override, `path` otherwise.
    pub(crate) fn locate(&self, at: At) -> String {
        match at {
            At::File(offset) => {
                let (path, text, offset) = match self.parents.iter().rev().find(|p| offset >= p.base) {
                    Some(p) => (&p.path, &p.text, offset - p.base),
                    None => (&self.path, &self.text, offset),
                };
                let mut cut = offset.min(text.len());
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                let before = &text[..cut];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("{path}:{line}:{column}")
            }
            At::Set(i) => format!("--set {}", self.sets.get(i).map_or("", String::as_str)),
            At::Nowhere => self.path.clone(),
        }
    }

    /// An error at `at` about `key`.
    /// Whether `at` lies in a parent's text (the value was inherited, not written here).
    pub(crate) fn inherited(&self, at: At) -> bool {
        matches!(at, At::File(offset) if offset > self.text.len())
    }

    pub(crate) fn error(&self, at: At, key: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::new(self.locate(at), Some(key), message)
    }
}

impl Val {
    /// The TOML type's name, for "expected …, found …" messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Val::Int(_) => "an integer",
            Val::Float(_) => "a float",
            Val::Bool(_) => "a boolean",
            Val::Str(_) => "a string",
            Val::Datetime(_) => "a date",
            Val::Array(_) => "an array",
            Val::Table(_) => "a table",
        }
    }
}

impl Node {
    /// The value as written in TOML (abridged for large arrays and tables), for error messages.
    pub(crate) fn render(&self) -> String {
        match &self.val {
            Val::Int(i) => i.to_string(),
            Val::Float(f) => format!("{f:?}"),
            Val::Bool(b) => b.to_string(),
            Val::Str(s) => {
                let shown: String = s.chars().take(60).collect();
                let ellipsis = if s.chars().count() > 60 { "…" } else { "" };
                format!("{:?}", format!("{shown}{ellipsis}"))
            }
            Val::Datetime(d) => d.clone(),
            Val::Array(items) => {
                let mut parts: Vec<String> = items.iter().take(6).map(Node::render).collect();
                if items.len() > 6 {
                    parts.push("…".into());
                }
                format!("[{}]", parts.join(", "))
            }
            Val::Table(entries) => {
                let mut parts: Vec<String> =
                    entries.iter().take(6).map(|e| format!("{} = {}", e.key, e.node.render())).collect();
                if entries.len() > 6 {
                    parts.push("…".into());
                }
                format!("{{ {} }}", parts.join(", "))
            }
        }
    }
}

/// Parses scenario text into a tree, or a syntax error with its line and column.
#[cfg(test)]
pub(crate) fn parse(src: &Source) -> Result<Vec<Entry>, ScenarioError> {
    parse_at(src, &src.text, 0)
}

/// Parses `text`, whose origins start at `base` in `src` (the file's own text at 0, or a parent's).
pub(crate) fn parse_at(src: &Source, text: &str, base: usize) -> Result<Vec<Entry>, ScenarioError> {
    let doc = DeTable::parse(text).map_err(|e| {
        let at = e.span().map_or(At::Nowhere, |s| At::File(base + s.start));
        let message = e.message().trim().trim_end_matches('.').to_string();
        ScenarioError::new(src.locate(at), None, format!("invalid TOML: {message}"))
    })?;
    let (doc, _span) = (doc.get_ref(), doc.span());
    convert_table(doc, &|s| At::File(base + s), src)
}

/// Parses the VALUE of `--set PATH=VALUE` as TOML; a bare word that is not TOML is taken as a string
/// (so `--set confirmation.outage_policy=none` works without quoting).
pub(crate) fn parse_set_value(text: &str, index: usize, src: &Source) -> Result<Node, ScenarioError> {
    let at = |_| At::Set(index);
    match DeValue::parse(text.trim()) {
        Ok(v) => convert(v.get_ref(), At::Set(index), &at, src),
        Err(_) if !text.trim().is_empty() && !text.contains(['[', '{', '"', '\'', '=']) => {
            Ok(Node { val: Val::Str(text.trim().to_string()), at: At::Set(index) })
        }
        Err(e) => Err(ScenarioError::new(
            src.locate(At::Set(index)),
            None,
            format!("the value {text:?} is not valid TOML: {}", e.message().trim().trim_end_matches('.')),
        )),
    }
}

fn convert_table(table: &DeTable<'_>, at_of: &dyn Fn(usize) -> At, src: &Source) -> Result<Vec<Entry>, ScenarioError> {
    let mut entries = Vec::with_capacity(table.len());
    for (key, value) in table.iter() {
        let key_at = at_of(key.span().start);
        let node = convert(value.get_ref(), at_of(value.span().start), at_of, src)?;
        entries.push(Entry { key: key.get_ref().to_string(), key_at, node });
    }
    // DeTable keeps keys sorted; file order reads better in messages and in resolved output.
    entries.sort_by_key(|e| match e.key_at {
        At::File(o) => o,
        _ => usize::MAX,
    });
    Ok(entries)
}

fn convert(value: &DeValue<'_>, at: At, at_of: &dyn Fn(usize) -> At, src: &Source) -> Result<Node, ScenarioError> {
    let val = match value {
        DeValue::String(s) => Val::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(v) => Val::Int(v),
            Err(_) => {
                return Err(ScenarioError::new(src.locate(at), None, format!("integer {i} does not fit in 64 bits")));
            }
        },
        DeValue::Float(f) => Val::Float(f.as_str().parse::<f64>().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Val::Bool(*b),
        DeValue::Datetime(d) => Val::Datetime(d.to_string()),
        DeValue::Array(items) => Val::Array(
            items
                .iter()
                .map(|item| convert(item.get_ref(), at_of(item.span().start), at_of, src))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(t) => Val::Table(convert_table(t, at_of, src)?),
    };
    Ok(Node { val, at })
}

/// Applies `--set PATH=VALUE` (already split) to the document, checking PATH against the schema:
/// an unknown key is an error that lists the valid keys at that level.
pub(crate) fn apply_set(
    root: &mut Vec<Entry>,
    path: &str,
    value: Node,
    index: usize,
    src: &Source,
) -> Result<(), ScenarioError> {
    let here = At::Set(index);
    let not_a_path = || ScenarioError::new(src.locate(here), Some(path), format!("{path:?} is not a dotted key path"));
    let owned = split_path(path).ok_or_else(not_a_path)?;
    let segments: Vec<&str> = owned.iter().map(String::as_str).collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(not_a_path());
    }
    if segments[0] == "provenance" {
        return set_provenance(root, &segments, path, value, here, src);
    }
    let mut shape = schema::ROOT;
    let mut entries: &mut Vec<Entry> = root;
    let mut walked = String::new();
    let mut i = 0;
    loop {
        let seg = segments[i];
        let Shape::Table(keys) = shape else { unreachable!("walk only descends into tables") };
        let Some(&(_, child)) = keys.iter().find(|(k, _)| *k == seg) else {
            return Err(unknown_key(src, here, path, seg, &walked, keys));
        };
        let child_path = if walked.is_empty() { seg.to_string() } else { format!("{walked}.{seg}") };
        let last = i + 1 == segments.len();
        if last {
            set_entry(entries, seg, value);
            return Ok(());
        }
        match child {
            Shape::Table(_) => {
                entries =
                    table_entry(entries, seg).map_err(|found| not_a_table(src, here, path, &child_path, &found))?;
                shape = child;
                walked = child_path;
                i += 1;
            }
            Shape::ArrayOf(item_keys) | Shape::Schedule(item_keys) => {
                let idx_text = segments[i + 1];
                let item = array_item(entries, seg, idx_text, &child_path, path)
                    .map_err(|m| ScenarioError::new(src.locate(here), Some(path), m))?;
                let item_path = format!("{child_path}.{idx_text}");
                if i + 2 == segments.len() {
                    *item = value;
                    return Ok(());
                }
                let found = item.val.type_name();
                let Val::Table(item_entries) = &mut item.val else {
                    return Err(not_a_table(src, here, path, &item_path, found));
                };
                entries = item_entries;
                shape = Shape::Table(item_keys);
                walked = item_path;
                i += 2;
            }
            Shape::Weights if i + 2 == segments.len() => {
                let weights =
                    table_entry(entries, seg).map_err(|found| not_a_table(src, here, path, &child_path, &found))?;
                set_entry(weights, segments[i + 1], value);
                return Ok(());
            }
            Shape::Value | Shape::Weights => {
                return Err(ScenarioError::new(
                    src.locate(here),
                    Some(path),
                    format!("{child_path} is a value, not a table: it has no key {:?}", segments[i + 1]),
                ));
            }
        }
    }
}

/// `--set provenance."quota.daily"=…`: one quoted key, the path it cites (checked when the
/// scenario is read).
fn set_provenance(
    root: &mut Vec<Entry>,
    segments: &[&str],
    path: &str,
    value: Node,
    here: At,
    src: &Source,
) -> Result<(), ScenarioError> {
    if segments.len() != 2 {
        return Err(ScenarioError::new(
            src.locate(here),
            Some(path),
            format!(
                "{path} is not a provenance entry: expected provenance.\"PATH\"=\"source\", \
                 for example --set 'provenance.\"quota.daily\"=\"CBP, 30 June 2023\"'"
            ),
        ));
    }
    let table = table_entry(root, "provenance").map_err(|found| not_a_table(src, here, path, "provenance", &found))?;
    set_entry(table, segments[1], value);
    Ok(())
}

/// The segments of a dotted path, a segment in double quotes taken whole (`provenance."quota.daily"`);
/// `None` if a quote is not closed or a quoted segment is not a whole segment.
fn split_path(path: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = path;
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"')?;
            out.push(quoted[..end].to_string());
            rest = &quoted[end + 1..];
            if rest.is_empty() {
                return Some(out);
            }
            rest = rest.strip_prefix('.')?;
        } else {
            match rest.split_once('.') {
                Some((seg, tail)) => {
                    out.push(seg.to_string());
                    rest = tail;
                }
                None => {
                    out.push(rest.to_string());
                    return Some(out);
                }
            }
        }
    }
}

/// The error for a `--set` path segment that is not a key of its table.
fn unknown_key(
    src: &Source,
    here: At,
    path: &str,
    seg: &str,
    walked: &str,
    keys: &[(&'static str, Shape)],
) -> ScenarioError {
    let level = if walked.is_empty() { "the top level".to_string() } else { format!("[{walked}]") };
    ScenarioError::new(
        src.locate(here),
        Some(path),
        format!(
            "unknown key {seg:?} in {level}{}: valid keys are {}",
            schema::suggest(seg, keys.iter().map(|(k, _)| *k)),
            keys.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
        ),
    )
}

/// Item `idx_text` of the list at key `seg`, or why there is none (`child_path` names the list,
/// `path` is the whole `--set` path).
fn array_item<'e>(
    entries: &'e mut [Entry],
    seg: &str,
    idx_text: &str,
    child_path: &str,
    path: &str,
) -> Result<&'e mut Node, String> {
    let array = match entries.iter_mut().find(|e| e.key == seg).map(|e| &mut e.node.val) {
        Some(Val::Array(items)) => items,
        _ => return Err(format!("{child_path} is not a list in this scenario, so {path} does not exist")),
    };
    let len = array.len();
    idx_text.parse::<usize>().ok().and_then(|k| array.get_mut(k)).ok_or_else(|| {
        format!(
            "{child_path} has {len} entries: expected an index from 0 to {}, found {idx_text:?}",
            len.saturating_sub(1)
        )
    })
}

fn not_a_table(src: &Source, at: At, path: &str, key: &str, found: &str) -> ScenarioError {
    ScenarioError::new(src.locate(at), Some(path), format!("{key} is {found}, not a table, so {path} cannot be set"))
}

fn set_entry(entries: &mut Vec<Entry>, key: &str, node: Node) {
    match entries.iter_mut().find(|e| e.key == key) {
        Some(e) => e.node = node,
        None => entries.push(Entry { key: key.to_string(), key_at: node.at, node }),
    }
}

/// The sub-table at `key`, created if absent; `Err(type)` if the key holds something else.
fn table_entry<'a>(entries: &'a mut Vec<Entry>, key: &str) -> Result<&'a mut Vec<Entry>, String> {
    let pos = match entries.iter().position(|e| e.key == key) {
        Some(p) => p,
        None => {
            entries.push(Entry {
                key: key.to_string(),
                key_at: At::Nowhere,
                node: Node { val: Val::Table(Vec::new()), at: At::Nowhere },
            });
            entries.len() - 1
        }
    };
    match &mut entries[pos].node.val {
        Val::Table(t) => Ok(t),
        other => Err(other.type_name().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str, sets: &[&str]) -> Source {
        Source::new("t.toml".into(), text.into(), sets.iter().map(|s| s.to_string()).collect())
    }

    fn find<'e>(entries: &'e [Entry], path: &[&str]) -> &'e Node {
        let (first, rest) = path.split_first().expect("a path");
        let node = &entries.iter().find(|e| e.key == *first).expect("the key").node;
        match (rest.is_empty(), &node.val) {
            (true, _) => node,
            (false, Val::Table(t)) => find(t, rest),
            (false, _) => panic!("{first} is not a table"),
        }
    }

    #[test]
    fn every_value_knows_its_line_and_column() {
        let src = source("[scenario]\nname = \"x\"\n\n[quota]\ndaily = [1, 2.5]\n", &[]);
        let root = parse(&src).expect("valid TOML");
        let name = find(&root, &["scenario", "name"]);
        assert_eq!(src.locate(name.at), "t.toml:2:8");
        let daily = find(&root, &["quota", "daily"]);
        assert_eq!(src.locate(daily.at), "t.toml:5:9");
        assert_eq!(daily.render(), "[1, 2.5]");
        assert_eq!(daily.val.type_name(), "an array");
        let bad = parse(&source("[quota\ndaily = 1\n", &[])).expect_err("a syntax error");
        assert!(bad.to_string().starts_with("t.toml:1:"), "{bad}");
    }

    #[test]
    fn set_creates_missing_tables_replaces_values_and_checks_the_schema() {
        let sets = ["quota.daily=7", "confirmation.window_hours=24", "quota.dayly=5", "arrivals.3.name=x"];
        let src = source("[quota]\ndaily = 1\n", &sets);
        let mut root = parse(&src).expect("valid TOML");
        for (i, set) in sets.iter().take(2).enumerate() {
            let (path, value) = set.split_once('=').expect("PATH=VALUE");
            apply_set(&mut root, path, parse_set_value(value, i, &src).expect("a value"), i, &src).expect("applies");
        }
        let daily = find(&root, &["quota", "daily"]);
        assert!(matches!(daily.val, Val::Int(7)));
        assert_eq!(src.locate(daily.at), "--set quota.daily=7");
        assert!(matches!(find(&root, &["confirmation", "window_hours"]).val, Val::Int(24)));
        let unknown = apply_set(&mut root, "quota.dayly", parse_set_value("5", 2, &src).unwrap(), 2, &src);
        let message = unknown.expect_err("unknown key").to_string();
        assert!(message.contains("unknown key \"dayly\" in [quota]") && message.contains("daily"), "{message}");
        let missing = apply_set(&mut root, "arrivals.3.name", parse_set_value("x", 3, &src).unwrap(), 3, &src);
        assert!(missing.expect_err("no arrivals").to_string().contains("is not a list in this scenario"));
    }
}
