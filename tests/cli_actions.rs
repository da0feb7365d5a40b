//! `pm actions`: filters and overdue logic on fixed `--as-of` dates, the three formats (CSV read
//! back with the csv crate), exit codes, and action items closed by `Postmortem-Action` trailers
//! in a real repository built with fixed commit dates.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

mod common;
use common::{INHERITED_GIT_VARS, pm, write};

const POOL: &str = r#"---
title: "Checkout pool exhaustion"
id: PM-1
date: 2026-01-10
status: final
severity: SEV1
authors: ["@alice"]
impact: "checkout down for 20 minutes"
---

## Action Items

| # | Action Item | Owner | Due Date | Category | Status | Tracker |
|---|---|---|---|---|---|---|
| 1 | Alert when pool usage exceeds 80% for 2 minutes | @Alice | 2026-01-20 | immediate | done | OPS-1 |
| 2 | Cap the pool at 40 connections per pod | @bob | 2026-02-01 | immediate | open | OPS-2 |
| 3 | Load test at 3x peak | @carol | 2026-02-10 | long-term | in-progress | OPS-3 |
| 4 | Second database vendor | @dave | 2026-01-15 | long-term | wontfix | |
| 5 | Document the runbook | @erin | | short-term | | |
"#;

const DNS: &str = r#"---
title: "DNS zone near miss"
id: PM-2
date: 2026-01-12
status: draft
severity: SEV4
authors: ["@bob"]
impact: "none"
---

## Action Items

| # | Action Item | Owner | Due Date | Category | Status |
|---|---|---|---|---|---|
| 1 | Add prevent_destroy to the zone | bob | 2026-01-25 | immediate | open |
"#;

/// A workspace (`pm.toml` + two reports) in a fresh temp dir, outside any repository.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pm.toml", "");
    write(dir.path(), "postmortems/2026-01-10-pool/report.md", POOL);
    write(dir.path(), "postmortems/2026-01-12-dns/report.md", DNS);
    dir
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = pm(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["actions", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(dir, &all);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

/// `(report, item)` of every listed item, in output order.
fn listed(doc: &Value) -> Vec<(String, String)> {
    doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["report"].as_str().unwrap().to_owned(),
                i["item"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn ids(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(r, i)| ((*r).to_owned(), (*i).to_owned()))
        .collect()
}

#[test]
fn every_item_sorted_by_due_date_then_report() {
    let ws = workspace();
    let doc = json(ws.path(), &["--as-of", "2026-01-01"]);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["as_of"], "2026-01-01");
    assert_eq!(
        listed(&doc),
        ids(&[
            ("PM-1", "4"),
            ("PM-1", "1"),
            ("PM-2", "1"),
            ("PM-1", "2"),
            ("PM-1", "3"),
            ("PM-1", "5"),
        ])
    );
    let first = &doc["items"][1];
    assert_eq!(first["title"], "Checkout pool exhaustion");
    assert_eq!(
        first["action"],
        "Alert when pool usage exceeds 80% for 2 minutes"
    );
    assert_eq!(first["owner"], "@Alice");
    assert_eq!(first["due"], "2026-01-20");
    assert_eq!(first["category"], "immediate");
    assert_eq!(first["status"], "done");
    assert_eq!(first["tracker"], "OPS-1");
    assert_eq!(first["days_overdue"], Value::Null);
    assert_eq!(doc["items"][5]["status"], "open", "a blank status is open");
    assert_eq!(doc["unknown_trailers"], Value::Array(vec![]));
}

#[test]
fn overdue_means_open_and_due_before_the_as_of_day() {
    let ws = workspace();
    // On the due day itself an item is not overdue yet.
    let doc = json(ws.path(), &["--overdue", "--as-of", "2026-01-25"]);
    assert!(listed(&doc).is_empty(), "{doc}");

    let doc = json(ws.path(), &["--overdue", "--as-of", "2026-01-26"]);
    assert_eq!(listed(&doc), ids(&[("PM-2", "1")]));
    assert_eq!(doc["items"][0]["days_overdue"], 1);

    // Done (1) and wontfix (4) items are never overdue; in-progress (3) is; no due date (5) never.
    let doc = json(ws.path(), &["--overdue", "--as-of", "2026-03-01"]);
    assert_eq!(
        listed(&doc),
        ids(&[("PM-2", "1"), ("PM-1", "2"), ("PM-1", "3")])
    );
    let days: Vec<i64> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["days_overdue"].as_i64().unwrap())
        .collect();
    assert_eq!(days, [35, 28, 19]);

    // Without --overdue, every item is listed and only the overdue carry days.
    let doc = json(ws.path(), &["--as-of", "2026-03-01"]);
    let overdue = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["days_overdue"].is_null())
        .count();
    assert_eq!(overdue, 3);
}

#[test]
fn fail_exits_1_only_when_something_is_overdue() {
    let ws = workspace();
    let (code, stdout, _) = run(
        ws.path(),
        &["actions", "--overdue", "--fail", "--as-of", "2026-03-01"],
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("28d"), "{stdout}");
    let (code, stdout, _) = run(
        ws.path(),
        &["actions", "--overdue", "--fail", "--as-of", "2026-01-02"],
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("no action items match"), "{stdout}");
    // Overdue items without --fail: listed, exit 0.
    let (code, _, _) = run(
        ws.path(),
        &["actions", "--overdue", "--as-of", "2026-03-01"],
    );
    assert_eq!(code, 0);
    // --fail alone is a usage error.
    let (code, _, stderr) = run(ws.path(), &["actions", "--fail"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn filters_combine() {
    let ws = workspace();
    let as_of = ["--as-of", "2026-03-01"];
    let with = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend_from_slice(&as_of);
        listed(&json(ws.path(), &args))
    };
    assert_eq!(
        with(&["--open"]),
        ids(&[("PM-2", "1"), ("PM-1", "2"), ("PM-1", "3"), ("PM-1", "5")])
    );
    for who in ["alice", "@alice", "ALICE", "@Alice"] {
        assert_eq!(with(&["--owner", who]), ids(&[("PM-1", "1")]), "{who}");
    }
    // `bob` is written `@bob` in one report and `bob` in the other.
    assert_eq!(
        with(&["--owner", "@bob"]),
        ids(&[("PM-2", "1"), ("PM-1", "2")])
    );
    assert_eq!(with(&["--status", "wontfix"]), ids(&[("PM-1", "4")]));
    assert_eq!(with(&["--status", "in-progress"]), ids(&[("PM-1", "3")]));
    assert_eq!(
        with(&["--report", "pm-1", "--open"]),
        ids(&[("PM-1", "2"), ("PM-1", "3"), ("PM-1", "5")])
    );
    assert_eq!(
        with(&["--owner", "bob", "--overdue", "--report", "PM-1"]),
        ids(&[("PM-1", "2")])
    );
    let (code, _, stderr) = run(ws.path(), &["actions", "--report", "PM-404"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("PM-404"), "{stderr}");
}

#[test]
fn table_is_aligned_with_titles_and_a_summary() {
    let ws = workspace();
    let (code, stdout, stderr) = run(ws.path(), &["actions", "--as-of", "2026-03-01"]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("DUE         OVERDUE  REPORT  #  ACTION"),
        "{stdout}"
    );
    let action_col = lines[0].find("ACTION").unwrap();
    for line in &lines[1..7] {
        assert!(line.len() > action_col, "{line}");
    }
    assert!(
        stdout.contains("2026-02-01      28d  PM-1    2  Cap the pool at 40"),
        "{stdout}"
    );
    assert!(stdout.contains("PM-1  Checkout pool exhaustion\nPM-2  DNS zone near miss\n"));
    assert!(
        stdout
            .ends_with("6 action items: 4 open (3 overdue as of 2026-03-01), 1 done, 1 wontfix\n"),
        "{stdout}"
    );
    // Outside a repository: said once, on stderr.
    assert!(stderr.contains("not in a git repository"), "{stderr}");
}

#[test]
fn long_text_is_cut_in_the_table_and_whole_elsewhere() {
    let ws = workspace();
    let long = "Replace the hand-rolled retry loop in the checkout client with the shared resilience library, including jittered backoff and a budget";
    write(
        ws.path(),
        "postmortems/2026-01-20-long/report.md",
        format!(
            "---\ntitle: Long\nid: PM-3\ndate: 2026-01-20\n---\n\n## Action Items\n\n| # | Action | Owner | Due |\n|---|---|---|---|\n| 1 | {long} | @x | 2026-05-01 |\n"
        ),
    );
    let (_, stdout, _) = run(
        ws.path(),
        &["actions", "--report", "PM-3", "--as-of", "2026-03-01"],
    );
    let row = stdout.lines().nth(1).unwrap();
    assert!(
        row.contains("Replace the hand-rolled retry loop in the…  @x"),
        "{row}"
    );
    assert!(!row.contains("budget"));
    let doc = json(ws.path(), &["--report", "PM-3"]);
    assert_eq!(doc["items"][0]["action"], long);
}

#[test]
fn csv_round_trips_through_a_csv_reader() {
    let ws = workspace();
    // Commas, quotes, an escaped pipe, Unicode, a formula and (in the title) a newline.
    write(
        ws.path(),
        "postmortems/2026-02-01-tricky/report.md",
        concat!(
            "---\n",
            "title: \"Quotes \\\"here\\\", commas, and\\na newline\"\n",
            "id: PM-7\n",
            "date: 2026-02-01\n",
            "---\n\n",
            "## Action Items\n\n",
            "| # | Action Item | Owner | Due Date | Category | Status | Tracker |\n",
            "|---|---|---|---|---|---|---|\n",
            "| 1 | Split \"a, b\" at the pipe \\| then retry — naïve 日本語 ✅ | @zoë | 2026-02-03 | immediate | open | =HYPERLINK(\"http://x\") |\n",
            "| 2 | -1 is not a number here; +2 neither | Ünal | 2026-02-04 | short-term | done | OPS-9 |\n",
        ),
    );
    let doc = json(ws.path(), &["--report", "PM-7", "--as-of", "2026-02-10"]);
    let (code, stdout, stderr) = run(
        ws.path(),
        &[
            "actions",
            "--report",
            "PM-7",
            "--format",
            "csv",
            "--as-of",
            "2026-02-10",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\r\n"), "RFC 4180 line ends");

    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "report",
            "title",
            "item",
            "action",
            "owner",
            "due",
            "days_overdue",
            "category",
            "status",
            "tracker",
            "closed_by_commit",
            "closed_by_date",
            "path"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    let field = |r: &csv::StringRecord, name: &str| -> String {
        let i = header.iter().position(|h| h == name).unwrap();
        r.get(i).unwrap().to_owned()
    };
    // What a spreadsheet-safe cell looks like: a leading `'` before a formula character.
    let defused = |s: &str| {
        if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_owned()
        }
    };
    let str_of = |v: &Value| v.as_str().map(str::to_owned).unwrap_or_default();
    for (record, item) in records.iter().zip(doc["items"].as_array().unwrap()) {
        for (column, key) in [
            ("report", "report"),
            ("title", "title"),
            ("item", "item"),
            ("action", "action"),
            ("owner", "owner"),
            ("due", "due"),
            ("category", "category"),
            ("status", "status"),
            ("tracker", "tracker"),
        ] {
            assert_eq!(
                field(record, column),
                defused(&str_of(&item[key])),
                "{column}"
            );
        }
        let days = item["days_overdue"]
            .as_i64()
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert_eq!(field(record, "days_overdue"), days);
    }
    let first = &records[0];
    assert_eq!(
        field(first, "title"),
        "Quotes \"here\", commas, and\na newline"
    );
    assert_eq!(
        field(first, "action"),
        "Split \"a, b\" at the pipe | then retry — naïve 日本語 ✅"
    );
    assert_eq!(field(first, "owner"), "'@zoë");
    assert_eq!(field(first, "tracker"), "'=HYPERLINK(\"http://x\")");
    assert_eq!(field(first, "days_overdue"), "7");
    assert_eq!(
        field(&records[1], "action"),
        "'-1 is not a number here; +2 neither"
    );
    assert_eq!(field(&records[1], "owner"), "Ünal");
}

#[test]
fn bad_arguments_and_a_missing_folder_exit_2() {
    let ws = workspace();
    for args in [
        &["actions", "--as-of", "2026-02-30"][..],
        &["actions", "--as-of", "tomorrow"],
        &["actions", "--status", "maybe"],
        &["actions", "--format", "xml"],
    ] {
        let (code, _, stderr) = run(ws.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
    }
    let (_, _, stderr) = run(ws.path(), &["actions", "--as-of", "2026-02-30"]);
    assert!(stderr.contains("YYYY-MM-DD"), "{stderr}");
    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), "pm.toml", "");
    let (code, _, stderr) = run(empty.path(), &["actions"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no reports folder"), "{stderr}");
}

#[test]
fn an_unreadable_report_is_named_and_skipped() {
    let ws = workspace();
    let bad = ws.path().join("postmortems/2026-01-30-bad/report.md");
    std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
    std::fs::write(&bad, b"---\ntitle: \xff\xfe\n---\n").unwrap();
    let (code, stdout, stderr) = run(ws.path(), &["actions", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2026-01-30-bad"), "{stderr}");
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["items"].as_array().unwrap().len(), 6);
}

/// A git repository in a temp dir, isolated from the user's and the system's configuration.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        let dir = workspace();
        std::fs::write(dir.path().join("gitconfig"), "").unwrap();
        let repo = Self { dir };
        repo.git(&["init", "-q", "-b", "main"], None);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str], date: Option<&str>) -> String {
        let mut cmd = std::process::Command::new("git");
        for var in INHERITED_GIT_VARS {
            cmd.env_remove(var);
        }
        let date = date.unwrap_or("2026-01-10T12:00:00Z");
        let out = cmd
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.path().join("gitconfig"))
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    /// An empty commit with `message`, committed at `date`; returns its hash.
    fn commit(&self, message: &str, date: &str) -> String {
        self.git(
            &[
                "commit",
                "-q",
                "--allow-empty",
                "--cleanup=verbatim",
                "-m",
                message,
            ],
            Some(date),
        );
        self.git(&["rev-parse", "HEAD"], None)
    }
}

#[test]
fn trailers_close_items_with_the_commit_as_evidence() {
    let repo = Repo::new();
    repo.git(&["add", "-A"], None);
    repo.git(
        &["commit", "-q", "-m", "Add reports"],
        Some("2026-01-12T09:00:00Z"),
    );
    let closing = repo.commit(
        "Cap the checkout pool\n\nKeeps us under max_connections.\n\nPostmortem-Action: PM-1#2\npostmortem-action: PM-2#1\n",
        "2026-02-05T16:30:00+02:00",
    );
    let unknown_report = repo.commit(
        "Refactor\n\nPostmortem-Action: PM-9#1\n",
        "2026-02-06T10:00:00Z",
    );
    let unknown_item = repo.commit(
        "More work\n\nPostmortem-Action: PM-1#7\nSigned-off-by: Test <test@example.com>\n",
        "2026-02-07T10:00:00Z",
    );
    // Not a trailer: in the body, not in the last paragraph.
    repo.commit(
        "Docs\n\nPostmortem-Action: PM-1#3\n\nThe line above is prose in the body.\n",
        "2026-02-08T10:00:00Z",
    );

    let (code, stdout, stderr) = run(
        repo.path(),
        &["actions", "--format", "json", "--as-of", "2026-03-01"],
    );
    assert_eq!(code, 0, "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let item = |report: &str, n: &str| {
        doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["report"] == report && i["item"] == n)
            .unwrap()
            .clone()
    };
    for (report, n) in [("PM-1", "2"), ("PM-2", "1")] {
        let it = item(report, n);
        assert_eq!(it["status"], "done", "{it}");
        assert_eq!(it["status_text"], "open", "the table still says open");
        assert_eq!(it["days_overdue"], Value::Null);
        assert_eq!(it["evidence"][0]["commit"], closing.as_str());
        assert_eq!(it["evidence"][0]["short"], &closing[..7]);
        assert_eq!(it["evidence"][0]["date"], "2026-02-05T16:30:00+02:00");
    }
    assert_eq!(item("PM-1", "3")["status"], "in-progress");
    assert_eq!(item("PM-1", "1")["evidence"], Value::Array(vec![]));

    let unknown = doc["unknown_trailers"].as_array().unwrap();
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    assert_eq!(unknown[0]["value"], "PM-9#1");
    assert_eq!(unknown[0]["reason"], "unknown-report");
    assert_eq!(unknown[0]["commit"], unknown_report.as_str());
    assert_eq!(unknown[1]["value"], "PM-1#7");
    assert_eq!(unknown[1]["reason"], "unknown-item");
    assert_eq!(unknown[1]["commit"], unknown_item.as_str());
    for (hash, value) in [(&unknown_report, "PM-9#1"), (&unknown_item, "PM-1#7")] {
        let line = stderr
            .lines()
            .find(|l| l.contains(&hash[..7]))
            .unwrap_or_else(|| panic!("no warning for {hash}: {stderr}"));
        assert!(line.starts_with("warning: commit "), "{line}");
        assert!(line.contains(value), "{line}");
    }
    assert!(!stderr.contains("not in a git repository"), "{stderr}");

    // The table shows who closed it; --status done includes trailer-closed items.
    let (_, table, _) = run(
        repo.path(),
        &["actions", "--status", "done", "--as-of", "2026-03-01"],
    );
    assert!(table.contains("CLOSED BY"), "{table}");
    assert!(
        table.contains(&format!("{} 2026-02-05", &closing[..7])),
        "{table}"
    );
    assert!(
        table.contains(
            "3 action items: 0 open (0 overdue as of 2026-03-01), 3 done (2 by commit), 0 wontfix"
        ),
        "{table}"
    );

    // As of a day before the commit, the item was still open (and overdue).
    let doc: Value = serde_json::from_str(
        &run(
            repo.path(),
            &[
                "actions",
                "--format",
                "json",
                "--as-of",
                "2026-02-04",
                "--report",
                "PM-1",
            ],
        )
        .1,
    )
    .unwrap();
    let two = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == "2")
        .unwrap();
    assert_eq!(two["status"], "open");
    assert_eq!(two["days_overdue"], 3);

    // --overdue --fail no longer fails for the closed item.
    let (code, stdout, _) = run(
        repo.path(),
        &[
            "actions",
            "--overdue",
            "--fail",
            "--report",
            "PM-2",
            "--as-of",
            "2026-03-01",
        ],
    );
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn an_empty_repository_has_no_trailers_and_no_complaint() {
    let repo = Repo::new();
    let (code, stdout, stderr) = run(repo.path(), &["actions", "--as-of", "2026-03-01"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("6 action items"), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn examples_table() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = pm(&examples)
        .args(["actions", "--as-of", "2026-11-26"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("examples_actions", String::from_utf8(out.stdout).unwrap());
}
