//! Scenario inheritance: `[scenario] extends = "NAME"` (a bundled scenario) or `"path.toml"`
//! (relative to the file) makes a scenario its parent with what it writes laid over it. Tables merge
//! key by key; lists of tables merge by their identifying keys ([`schema::ENTRY_KEYS`]), an entry
//! with `remove = true` dropping the inherited one; everything else (values, schedules,
//! distributions, port weights, lists without identifying keys) replaces the parent's whole. Every
//! value keeps the file, line and column where it was written, parent or child.

use std::path::{Path, PathBuf};

use super::error::ScenarioError;
use super::schema::{self, Shape};
use super::tree::{self, At, Entry, Node, Parent, Source, Val};
use super::{BUNDLED, read_file};

/// How deep a chain of parents may go.
const MAX_DEPTH: usize = 16;

/// Where a scenario's text came from, to find the parents it names and to refuse cycles.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// A bundled scenario, by name.
    Bundled(String),
    /// A file: its path as messages show it (relative to where the first file was named), and
    /// canonical when it can be made so, to tell files apart.
    File { shown: PathBuf, canonical: PathBuf },
    /// Text given directly: relative parents are found from the current directory.
    Text,
}

impl Origin {
    /// The origin of a scenario labelled `label` (a path, or `<bundled NAME>`).
    fn of_label(label: &str) -> Origin {
        if let Some(name) = label.strip_prefix("<bundled ").and_then(|l| l.strip_suffix('>')) {
            return Origin::Bundled(name.to_string());
        }
        let path = Path::new(label);
        if path.is_file() { Origin::file(path.to_path_buf()) } else { Origin::Text }
    }

    fn file(shown: PathBuf) -> Origin {
        Origin::File { canonical: shown.canonicalize().unwrap_or_else(|_| shown.clone()), shown }
    }

    /// Whether two origins are the same scenario.
    fn same(&self, other: &Origin) -> bool {
        match (self, other) {
            (Origin::File { canonical: a, .. }, Origin::File { canonical: b, .. }) => a == b,
            (a, b) => a == b,
        }
    }
}

/// The tree of the source's own text with every scenario it extends merged under it; `src` gains
/// the parents' texts, so that their values are located in their own files.
pub(crate) fn resolve(src: &mut Source) -> Result<Vec<Entry>, ScenarioError> {
    let text = src.text.clone();
    let mut chain = vec![Origin::of_label(&src.path)];
    resolve_text(src, &text, 0, &mut chain)
}

fn resolve_text(
    src: &mut Source,
    text: &str,
    base: usize,
    chain: &mut Vec<Origin>,
) -> Result<Vec<Entry>, ScenarioError> {
    let mut root = tree::parse_at(src, text, base)?;
    let Some((name, at)) = take_extends(src, &mut root)? else {
        if let Some(at) = find_remove(&root) {
            return Err(src.error(
                at,
                schema::REMOVE,
                "removes an inherited entry, but this scenario extends none: expected [scenario] extends = \"NAME\" or \"path.toml\", or no remove",
            ));
        }
        return Ok(root);
    };
    if chain.len() > MAX_DEPTH {
        return Err(src.error(
            at,
            "scenario.extends",
            format!("goes more than {MAX_DEPTH} scenarios deep: expected a shorter chain"),
        ));
    }
    let (origin, label, parent_text) = find_parent(src, &name, at, chain.last().expect("the chain holds the child"))?;
    if let Some(k) = chain.iter().position(|o| o.same(&origin)) {
        let names: Vec<String> = chain[k..].iter().chain([&origin]).map(describe).collect();
        return Err(src.error(
            at,
            "scenario.extends",
            format!(
                "makes a cycle ({}): expected a chain that ends in a scenario that extends none",
                names.join(" → ")
            ),
        ));
    }
    let parent_base = src.next_base();
    src.parents.push(Parent { path: label, text: parent_text.clone(), base: parent_base });
    chain.push(origin);
    let mut merged = resolve_text(src, &parent_text, parent_base, chain)?;
    chain.pop();
    merge_table(src, &mut merged, root, schema::root_keys(), "")?;
    Ok(merged)
}

/// A name for an origin in a cycle's message.
fn describe(o: &Origin) -> String {
    match o {
        Origin::Bundled(name) => name.clone(),
        Origin::File { shown, .. } => shown.display().to_string(),
        Origin::Text => "the scenario text".to_string(),
    }
}

/// Takes `[scenario] extends` out of a tree: its value and where it was written.
fn take_extends(src: &Source, root: &mut [Entry]) -> Result<Option<(String, At)>, ScenarioError> {
    let Some(Val::Table(entries)) = root.iter_mut().find(|e| e.key == "scenario").map(|e| &mut e.node.val) else {
        return Ok(None);
    };
    let Some(k) = entries.iter().position(|e| e.key == "extends") else { return Ok(None) };
    let node = entries.remove(k).node;
    match node.val {
        Val::Str(s) if !s.trim().is_empty() => Ok(Some((s, node.at))),
        _ => Err(src.error(
            node.at,
            "scenario.extends",
            format!("scenario.extends = {} is not a scenario: expected the name of a bundled scenario or a path to a .toml file", node.render()),
        )),
    }
}

/// The scenario `name` names, seen from the scenario at `child`: its origin, label and text.
fn find_parent(src: &Source, name: &str, at: At, child: &Origin) -> Result<(Origin, String, String), ScenarioError> {
    let is_path = name.contains(['/', '\\']) || name.ends_with(".toml");
    if !is_path {
        let names: Vec<&str> = BUNDLED.iter().map(|b| b.name).collect();
        return match BUNDLED.iter().find(|b| b.name == name) {
            Some(b) => Ok((Origin::Bundled(b.name.to_string()), format!("<bundled {}>", b.name), b.text.to_string())),
            None => Err(src.error(
                at,
                "scenario.extends",
                format!(
                    "scenario.extends = {name:?} is not a bundled scenario{}: expected one of {}, or a path ending in .toml",
                    schema::suggest(name, names.iter().copied()),
                    names.join(", ")
                ),
            )),
        };
    }
    let path = match child {
        Origin::Bundled(child) => {
            return Err(src.error(
                at,
                "scenario.extends",
                format!("scenario.extends = {name:?}: the bundled scenario {child:?} may extend only bundled scenarios, by name"),
            ));
        }
        Origin::File { shown, .. } => shown.parent().unwrap_or(Path::new("")).join(name),
        Origin::Text => PathBuf::from(name),
    };
    let text = read_file(&path).map_err(|e| {
        src.error(at, "scenario.extends", format!("scenario.extends = {name:?}: {} {}", e.location, e.message))
    })?;
    Ok((Origin::file(path.clone()), path.display().to_string(), text))
}

/// Where a `remove` key is written in a list of tables of the tree, if anywhere.
fn find_remove(root: &[Entry]) -> Option<At> {
    root.iter()
        .filter(|e| schema::entry_keys(&e.key).is_some())
        .filter_map(|e| match &e.node.val {
            Val::Array(items) => Some(items),
            _ => None,
        })
        .flatten()
        .find_map(|item| match &item.val {
            Val::Table(entries) => entries.iter().find(|e| e.key == schema::REMOVE).map(|e| e.key_at),
            _ => None,
        })
}

/// Lays `child` over `parent`, a table with keys `keys` at dotted path `path`.
fn merge_table(
    src: &Source,
    parent: &mut Vec<Entry>,
    child: Vec<Entry>,
    keys: &[(&'static str, Shape)],
    path: &str,
) -> Result<(), ScenarioError> {
    for entry in child {
        let here = if path.is_empty() { entry.key.clone() } else { format!("{path}.{}", entry.key) };
        let shape = keys.iter().find(|(k, _)| *k == entry.key).map(|(_, s)| *s);
        let keyed = match (shape, &entry.node.val) {
            (Some(Shape::ArrayOf(_)), Val::Array(_)) => schema::entry_keys(&here),
            _ => None,
        };
        let k = match parent.iter().position(|e| e.key == entry.key) {
            Some(k) => k,
            // A list the parent lacks is merged into an empty one, so that its entries are checked
            // alike (their keys, and nothing to remove).
            None if keyed.is_some() => {
                let empty = Node { val: Val::Array(Vec::new()), at: entry.node.at };
                parent.push(Entry { key: entry.key.clone(), key_at: entry.key_at, node: empty });
                parent.len() - 1
            }
            None => {
                parent.push(entry);
                continue;
            }
        };
        let old = &mut parent[k];
        match (shape, &mut old.node.val, entry.node.val) {
            // A distribution is replaced whole: its parameters depend on its law.
            (Some(Shape::Table(sub)), Val::Table(old_entries), Val::Table(new_entries)) if !is_distribution(sub) => {
                merge_table(src, old_entries, new_entries, sub, &here)?;
            }
            (_, Val::Array(old_items), Val::Array(new_items)) if keyed.is_some() => {
                merge_list(src, old_items, new_items, keyed.expect("checked in the guard"), &here)?;
                old.key_at = entry.key_at;
            }
            (_, _, val) => {
                *old = Entry { key: entry.key, key_at: entry.key_at, node: Node { val, at: entry.node.at } };
            }
        }
    }
    Ok(())
}

/// Whether a table's keys are those of a distribution (`dist` and its parameters).
fn is_distribution(keys: &[(&str, Shape)]) -> bool {
    keys.first().is_some_and(|(k, _)| *k == "dist")
}

/// An entry's identifying values, or an error that names the list, the entry and what is missing.
fn identity(src: &Source, item: &Node, fields: &[&str], list: &str, whose: &str) -> Result<Vec<String>, ScenarioError> {
    let Val::Table(entries) = &item.val else {
        return Err(src.error(item.at, list, format!("an entry of {list} is {}, not a table", item.val.type_name())));
    };
    fields
        .iter()
        .map(|f| match entries.iter().find(|e| e.key == *f).map(|e| &e.node.val) {
            Some(Val::Str(s)) => Ok(s.clone()),
            Some(Val::Datetime(d)) => Ok(d.clone()),
            _ => Err(src.error(
                item.at,
                list,
                format!(
                    "{whose} {list} has no {f}: a scenario that extends another matches the entries of {list} by {}, so each needs one",
                    fields.join(" and ")
                ),
            )),
        })
        .collect()
}

/// Lays the entries of `child` over those of `parent`, matched by `fields`: an entry with a
/// parent's identity replaces it (or removes it, with `remove = true`), a new one is added.
fn merge_list(
    src: &Source,
    parent: &mut Vec<Node>,
    child: Vec<Node>,
    fields: &[&str],
    list: &str,
) -> Result<(), ScenarioError> {
    let mut ids = Vec::with_capacity(parent.len());
    for item in parent.iter() {
        let id = identity(src, item, fields, list, "an inherited entry of")?;
        if ids.contains(&id) {
            return Err(src.error(
                item.at,
                list,
                format!("the inherited {list} repeat {}: expected each once", show(fields, &id)),
            ));
        }
        ids.push(id);
    }
    let mut seen: Vec<Vec<String>> = Vec::new();
    for mut item in child {
        let id = identity(src, &item, fields, list, "an entry of")?;
        if seen.contains(&id) {
            return Err(src.error(item.at, list, format!("{list} repeat {}: expected each once", show(fields, &id))));
        }
        seen.push(id.clone());
        let remove = match &mut item.val {
            Val::Table(entries) => match entries.iter().position(|e| e.key == schema::REMOVE) {
                None => false,
                Some(k) => {
                    let e = entries.remove(k);
                    match e.node.val {
                        Val::Bool(true) => true,
                        _ => {
                            return Err(src.error(
                                e.node.at,
                                &format!("{list}.{}", schema::REMOVE),
                                format!(
                                    "{list}.{} = {}: expected true, which removes the inherited entry",
                                    schema::REMOVE,
                                    e.node.render()
                                ),
                            ));
                        }
                    }
                }
            },
            _ => false,
        };
        match (ids.iter().position(|x| *x == id), remove) {
            (Some(k), true) => {
                parent.remove(k);
                ids.remove(k);
            }
            (None, true) => {
                let known: Vec<String> = ids.iter().map(|i| show(fields, i)).collect();
                return Err(src.error(
                    item.at,
                    list,
                    format!(
                        "removes {}, which is not inherited: expected one of {}",
                        show(fields, &id),
                        if known.is_empty() {
                            "none (the parent has no entries)".to_string()
                        } else {
                            known.join("; ")
                        }
                    ),
                ));
            }
            (Some(k), false) => parent[k] = item,
            (None, false) => {
                parent.push(item);
                ids.push(id);
            }
        }
    }
    Ok(())
}

/// `id = "x"` or `date = "…" and label = "…"`, for messages.
fn show(fields: &[&str], id: &[String]) -> String {
    fields.iter().zip(id).map(|(f, v)| format!("{f} = {v:?}")).collect::<Vec<_>>().join(" and ")
}
