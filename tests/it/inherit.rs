//! Scenario inheritance: a scenario that extends another is its parent with what it writes laid
//! over it; errors keep pointing at the file that wrote the value.

use std::path::Path;

use borderq::scenario::{self, Scenario, ScenarioText};

/// Parses the scenario file at `path`.
fn load(path: &Path) -> Result<Scenario, String> {
    scenario::load(path.to_str().unwrap(), &[]).map_err(|e| e.to_string())
}

/// Writes `files` (name, text) into a new directory.
fn dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(d.path().join(name), text).unwrap();
    }
    d
}

const PARENT: &str = r#"[scenario]
name = "parent"
start = "2024-01-01"
end = "2024-04-01"
seed = 5
replications = 2

[quota]
daily = 100
allocation_hour = 14.0

[abandonment]
patience_days = { dist = "weibull", shape = 1.5, scale = 60 }

[[arrivals]]
name = "steady"
groups_per_day = 90

[[arrivals]]
name = "late"
groups_per_day = [{ from = "2024-01-01", value = 0 }, { from = "2024-03-01", value = 20 }]

[[outages]]
label = "first"
start = "2024-02-01T10:00:00"
hours = 12

[[outages]]
label = "second"
start = "2024-03-01T10:00:00"
hours = 12

[[events]]
date = "2024-02-01"
label = "first"
"#;

#[test]
fn a_child_is_its_parent_with_what_it_writes_laid_over_it() {
    let child = r#"[scenario]
extends = "parent.toml"
name = "child"

[quota]
daily = 80

[abandonment]
patience_days = { dist = "exponential", mean = 30 }

[[arrivals]]
name = "late"
groups_per_day = 5

[[arrivals]]
name = "new"
groups_per_day = 1

[[outages]]
label = "first"
remove = true

[[outages]]
label = "second"
start = "2024-03-05T10:00:00"
hours = 24

[[events]]
date = "2024-03-01"
label = "first"
"#;
    let d = dir(&[("parent.toml", PARENT), ("child.toml", child)]);
    let (p, c) = (load(&d.path().join("parent.toml")).unwrap(), load(&d.path().join("child.toml")).unwrap());
    assert_eq!(c.name, "child");
    assert_eq!((c.start, c.end, c.seed, c.replications), (p.start, p.end, p.seed, p.replications));
    // Tables merge key by key; a distribution is replaced whole.
    assert_eq!(c.quota.allocation_hour, 14.0);
    let written = |s: &Scenario| scenario::to_toml(s);
    let text = written(&c);
    assert!(text.contains("daily = 80"), "{text}");
    assert!(text.contains(r#"patience_days = { dist = "exponential", mean = 30.0 }"#), "{text}");
    // Lists merge by their keys: replaced in place, added at the end, removed.
    let names: Vec<&str> = c.arrivals.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["steady", "late", "new"]);
    assert_eq!(c.arrivals[0], p.arrivals[0]);
    assert_ne!(c.arrivals[1], p.arrivals[1]);
    let labels: Vec<&str> = c.outages.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["second"]);
    assert_eq!(c.outages[0].hours, 24.0);
    // Events are keyed by date and label: another date is another event.
    assert_eq!(c.events.len(), 2);
    // The resolved scenario runs alone, and is the same scenario.
    let alone = scenario::parse(&ScenarioText { label: "resolved.toml".into(), text: text.clone() }, &[]).unwrap();
    assert_eq!(alone, c);
    assert!(!text.contains("extends"), "{text}");
}

#[test]
fn chains_work_and_bundled_parents_are_found_by_name() {
    let d = dir(&[("a.toml", "[scenario]\nextends = \"bailey\"\nname = \"a\"\n[quota]\ndaily = 3\n")]);
    std::fs::create_dir_all(d.path().join("sub")).unwrap();
    std::fs::write(d.path().join("sub/b.toml"), "[scenario]\nextends = \"../a.toml\"\nname = \"b\"\n").unwrap();
    let b = load(&d.path().join("sub/b.toml")).unwrap();
    let bailey = scenario::bundled("bailey").unwrap().unwrap();
    assert_eq!(b.name, "b");
    assert_eq!((b.start, b.end, b.arrivals.clone()), (bailey.start, bailey.end, bailey.arrivals.clone()));
    assert!(scenario::to_toml(&b).contains("daily = 3"));
}

/// Each mistake is refused with the file, line and column that wrote it, parent or child.
#[test]
fn mistakes_name_the_file_that_made_them() {
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (
            &[
                (
                    "p.toml",
                    "[scenario]\nname = \"p\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n[quota]\ndaily = \"x\"\n",
                ),
                ("c.toml", "[scenario]\nextends = \"p.toml\"\nname = \"c\"\n"),
            ],
            "c.toml",
            "p.toml:6:9: quota.daily = \"x\" has the wrong type",
        ),
        (
            &[("c.toml", "[scenario]\nextends = \"c.toml\"\nname = \"c\"\n")],
            "c.toml",
            "c.toml:2:11: makes a cycle (c.toml → c.toml)",
        ),
        (
            &[
                ("a.toml", "[scenario]\nextends = \"b.toml\"\nname = \"a\"\n"),
                ("b.toml", "[scenario]\nextends = \"a.toml\"\nname = \"b\"\n"),
            ],
            "a.toml",
            "b.toml:2:11: makes a cycle (a.toml → b.toml → a.toml)",
        ),
        (
            &[("c.toml", "[scenario]\nextends = \"bailee\"\nname = \"c\"\n")],
            "c.toml",
            "c.toml:2:11: scenario.extends = \"bailee\" is not a bundled scenario (did you mean \"bailey\"?): expected one of may-2024-outage,",
        ),
        (
            &[("c.toml", "[scenario]\nextends = \"none.toml\"\nname = \"c\"\n")],
            "c.toml",
            "c.toml:2:11: scenario.extends = \"none.toml\": ",
        ),
        (
            &[("c.toml", "[scenario]\nextends = \"bailey\"\nname = \"c\"\n[[arrivals]]\ngroups_per_day = 3\n")],
            "c.toml",
            "c.toml:4:1: an entry of arrivals has no name: a scenario that extends another matches the entries of arrivals by name",
        ),
        (
            &[(
                "c.toml",
                "[scenario]\nextends = \"bailey\"\nname = \"c\"\n[[outages]]\nlabel = \"x\"\nremove = true\n",
            )],
            "c.toml",
            "c.toml:4:1: removes label = \"x\", which is not inherited: expected one of none",
        ),
        (
            &[(
                "c.toml",
                "[scenario]\nname = \"c\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n[quota]\ndaily = 1\n[[outages]]\nlabel = \"x\"\nremove = true\n",
            )],
            "c.toml",
            "c.toml:9:1: removes an inherited entry, but this scenario extends none",
        ),
        (
            &[
                ("p.toml", &PARENT.replace("label = \"second\"", "label = \"first\"")),
                (
                    "c.toml",
                    "[scenario]\nextends = \"p.toml\"\nname = \"c\"\n[[outages]]\nlabel = \"third\"\nstart = \"2024-03-01T10:00:00\"\nhours = 1\n",
                ),
            ],
            "c.toml",
            "p.toml:28:1: the inherited outages repeat label = \"first\": expected each once",
        ),
        (
            &[("c.toml", "[scenario]\nextends = \"bailey\"\nname = \"c\"\n[[outages]]\nlabel = \"x\"\nremove = 1\n")],
            "c.toml",
            "c.toml:6:10: outages.remove = 1: expected true, which removes the inherited entry",
        ),
    ];
    for (files, main, want) in cases {
        let d = dir(files);
        let got = load(&d.path().join(main)).expect_err(want);
        let got = got.replace(&format!("{}/", d.path().display()), "");
        assert!(got.contains(want), "{files:?}\n got: {got}\nwant: {want}");
    }
}

#[test]
fn extends_is_written_in_the_file_not_set_on_the_command_line() {
    let err = scenario::load("bailey", &["scenario.extends=\"launch-2023\"".to_string()]).unwrap_err().to_string();
    assert!(err.contains("scenario.extends = \"launch-2023\" cannot be set on the command line"), "{err}");
}
