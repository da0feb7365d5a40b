//! `pm stats` on a small archive whose figures are known by hand: nearest-rank medians and p90s,
//! reports missing a milestone counted apart, `--by` groupings, `--since`, recurrence, action
//! item completion (also with a trailer closing an item), exit codes, and the bundled examples.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

mod common;
use common::{INHERITED_GIT_VARS, pm};

struct Incident {
    id: &'static str,
    date: &'static str,
    status: &'static str,
    severity: &'static str,
    services: &'static str,
    tags: &'static str,
    trigger: Option<&'static str>,
    /// Minutes after T-0 (00:00 UTC on `date`) of detection, mitigation, resolution; `None`
    /// leaves the key out. `started` false leaves out `started_at` too.
    started: bool,
    detected: Option<i64>,
    mitigated: Option<i64>,
    resolved: Option<i64>,
    /// `(due, status)` of each action item.
    items: &'static [(&'static str, &'static str)],
}

/// TTD minutes 1, 2, 3, 4, 10 (+ one without start): median 3m, p90 10m.
/// TTM minutes 10, 20, 30, 40 (+ two missing): median 20m, p90 40m.
/// TTR minutes 60, 120, 180, 240, 600 (+ one missing): median 3h, p90 10h.
const INCIDENTS: [Incident; 6] = [
    Incident {
        id: "PM-1",
        date: "2026-01-05",
        status: "final",
        severity: "SEV1",
        services: "[api, db]",
        tags: "[deploy]",
        trigger: Some("binary-push"),
        started: true,
        detected: Some(1),
        mitigated: Some(10),
        resolved: Some(60),
        items: &[("2026-01-10", "done"), ("2026-02-01", "open")],
    },
    Incident {
        id: "PM-2",
        date: "2026-02-10",
        status: "final",
        severity: "SEV1",
        services: "[API]",
        tags: "[deploy, Database]",
        trigger: Some("binary-push"),
        started: true,
        detected: Some(2),
        mitigated: Some(20),
        resolved: Some(120),
        items: &[("2026-03-01", "wontfix"), ("2026-06-01", "in-progress")],
    },
    Incident {
        id: "PM-3",
        date: "2026-04-01",
        status: "in-review",
        severity: "SEV2",
        services: "[db]",
        tags: "[database]",
        trigger: Some("traffic"),
        started: true,
        detected: Some(3),
        mitigated: Some(30),
        resolved: Some(180),
        items: &[("2026-04-10", "done")],
    },
    Incident {
        id: "PM-4",
        date: "2026-05-01",
        status: "final",
        severity: "SEV2",
        services: "[api]",
        tags: "[]",
        trigger: Some("config-push"),
        started: true,
        detected: Some(4),
        mitigated: None,
        resolved: Some(240),
        items: &[("2026-05-05", "open")],
    },
    Incident {
        id: "PM-5",
        date: "2026-07-01",
        status: "draft",
        severity: "SEV3",
        services: "[web]",
        tags: "[]",
        trigger: None,
        started: false,
        detected: Some(5),
        mitigated: Some(50),
        resolved: Some(500),
        items: &[],
    },
    Incident {
        id: "PM-6",
        date: "2026-08-01",
        status: "final",
        severity: "SEV1",
        services: "[web]",
        tags: "[]",
        trigger: Some("traffic"),
        started: true,
        detected: Some(10),
        mitigated: Some(40),
        resolved: Some(600),
        items: &[("2026-09-01", "done"), ("2026-12-01", "open")],
    },
];

fn at(date: &str, minutes: i64) -> String {
    let day: chrono::NaiveDate = date.parse().unwrap();
    let t = day.and_hms_opt(0, 0, 0).unwrap() + chrono::TimeDelta::minutes(minutes);
    format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S"))
}

fn report_text(i: &Incident) -> String {
    let mut fm = format!(
        "---\ntitle: \"Incident {id}\"\nid: {id}\ndate: {date}\nstatus: {status}\nseverity: {sev}\nauthors: [\"@a\"]\nimpact: \"some\"\nservices: {services}\ntags: {tags}\n",
        id = i.id,
        date = i.date,
        status = i.status,
        sev = i.severity,
        services = i.services,
        tags = i.tags,
    );
    if let Some(t) = i.trigger {
        fm.push_str(&format!("trigger: {t}\n"));
    }
    if i.started {
        fm.push_str(&format!("started_at: {}\n", at(i.date, 0)));
    }
    for (key, m) in [
        ("detected_at", i.detected),
        ("mitigated_at", i.mitigated),
        ("resolved_at", i.resolved),
    ] {
        if let Some(m) = m {
            fm.push_str(&format!("{key}: {}\n", at(i.date, m)));
        }
    }
    fm.push_str("---\n\n## Action Items\n\n| # | Action Item | Owner | Due Date | Status |\n|---|---|---|---|---|\n");
    for (n, (due, status)) in i.items.iter().enumerate() {
        fm.push_str(&format!(
            "| {} | Do thing {} | @o | {due} | {status} |\n",
            n + 1,
            n + 1
        ));
    }
    fm
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pm.toml"), "").unwrap();
    for i in &INCIDENTS {
        let folder = dir
            .path()
            .join(format!("postmortems/{}-{}", i.date, i.id.to_lowercase()));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("report.md"), report_text(i)).unwrap();
    }
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

/// `pm stats --format json` as of 2026-10-01 (unless `args` sets `--as-of`).
fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["stats", "--format", "json"];
    if !args.contains(&"--as-of") {
        all.extend(["--as-of", "2026-10-01"]);
    }
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(dir, &all);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn metric(m: &Value) -> (i64, i64, i64, i64) {
    (
        m["measured"].as_i64().unwrap(),
        m["missing"].as_i64().unwrap(),
        m["median_seconds"].as_i64().unwrap_or(-1),
        m["p90_seconds"].as_i64().unwrap_or(-1),
    )
}

#[test]
fn medians_and_p90_by_nearest_rank_with_missing_milestones_apart() {
    let ws = workspace();
    let doc = json(ws.path(), &[]);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["as_of"], "2026-10-01");
    assert_eq!(doc["incidents"]["total"], 6);
    assert_eq!(doc["incidents"]["final"], 4);
    assert_eq!(doc["incidents"]["in_review"], 1);
    assert_eq!(doc["incidents"]["draft"], 1);
    assert_eq!(metric(&doc["ttd"]), (5, 1, 3 * 60, 10 * 60));
    assert_eq!(metric(&doc["ttm"]), (4, 2, 20 * 60, 40 * 60));
    assert_eq!(metric(&doc["ttr"]), (5, 1, 3 * 3600, 10 * 3600));
}

#[test]
fn table_in_human_durations_says_what_was_left_out() {
    let ws = workspace();
    let (code, stdout, stderr) = run(ws.path(), &["stats", "--as-of", "2026-10-01"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("6 incidents (4 final, 1 in-review, 1 draft), as of 2026-10-01\n"),
        "{stdout}"
    );
    assert!(stdout.contains("TTD         3m  10m  5 of 6\n"), "{stdout}");
    assert!(stdout.contains("TTM        20m  40m  4 of 6\n"), "{stdout}");
    assert!(stdout.contains("TTR         3h  10h  5 of 6\n"), "{stdout}");
    assert!(
        stdout.contains("TTM leaves out 2 incidents (no mitigated_at, or no started_at)"),
        "{stdout}"
    );
    assert!(stdout.contains("nearest-rank"), "{stdout}");
}

#[test]
fn action_items_total_done_open_overdue_and_completion() {
    let ws = workspace();
    let doc = json(ws.path(), &[]);
    let a = &doc["actions"];
    // 8 items: 3 done, 1 wontfix, 4 open of which 3 are past due on 2026-10-01.
    assert_eq!(a["total"], 8);
    assert_eq!(a["done"], 3);
    assert_eq!(a["wontfix"], 1);
    assert_eq!(a["open"], 4);
    assert_eq!(a["overdue"], 3);
    let rate = a["completion_rate"].as_f64().unwrap();
    assert!((rate - 3.0 / 7.0).abs() < 1e-9, "{rate}");
    let (_, stdout, _) = run(ws.path(), &["stats", "--as-of", "2026-10-01"]);
    assert!(
        stdout
            .contains("Action items: 8 total, 3 done, 4 open (3 overdue), 1 wontfix; 43% complete"),
        "{stdout}"
    );
    // Earlier, fewer are overdue.
    assert_eq!(
        json(ws.path(), &["--as-of", "2026-03-01"])["actions"]["overdue"],
        1
    );
}

fn groups(doc: &Value) -> Vec<(String, i64, Vec<String>)> {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["key"].as_str().unwrap().to_owned(),
                g["incidents"].as_i64().unwrap(),
                g["reports"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn group(key: &str, n: i64, reports: &[&str]) -> (String, i64, Vec<String>) {
    (
        key.to_owned(),
        n,
        reports.iter().map(|r| (*r).to_owned()).collect(),
    )
}

#[test]
fn grouped_by_severity_service_quarter_and_trigger() {
    let ws = workspace();
    let doc = json(ws.path(), &["--by", "severity"]);
    assert_eq!(doc["by"], "severity");
    assert_eq!(
        groups(&doc),
        [
            group("SEV1", 3, &["PM-1", "PM-2", "PM-6"]),
            group("SEV2", 2, &["PM-3", "PM-4"]),
            group("SEV3", 1, &["PM-5"]),
        ]
    );
    // SEV1: TTD 1, 2, 10 minutes → median 2m, p90 10m.
    assert_eq!(metric(&doc["groups"][0]["ttd"]), (3, 0, 120, 600));
    assert_eq!(doc["groups"][0]["actions"]["total"], 6);
    assert_eq!(doc["groups"][2]["ttd"]["missing"], 1);

    // A report counts once in each of its services; names compare ignoring case.
    let doc = json(ws.path(), &["--by", "service"]);
    assert_eq!(
        groups(&doc),
        [
            group("api", 3, &["PM-1", "PM-2", "PM-4"]),
            group("db", 2, &["PM-1", "PM-3"]),
            group("web", 2, &["PM-5", "PM-6"]),
        ]
    );

    let doc = json(ws.path(), &["--by", "quarter"]);
    assert_eq!(
        groups(&doc),
        [
            group("2026-Q1", 2, &["PM-1", "PM-2"]),
            group("2026-Q2", 2, &["PM-3", "PM-4"]),
            group("2026-Q3", 2, &["PM-5", "PM-6"]),
        ]
    );

    let doc = json(ws.path(), &["--by", "trigger"]);
    assert_eq!(
        groups(&doc),
        [
            group("binary-push", 2, &["PM-1", "PM-2"]),
            group("traffic", 2, &["PM-3", "PM-6"]),
            group("config-push", 1, &["PM-4"]),
            group("(none)", 1, &["PM-5"]),
        ]
    );

    let (_, stdout, _) = run(
        ws.path(),
        &["stats", "--by", "severity", "--as-of", "2026-10-01"],
    );
    assert!(
        stdout.contains("By severity:\nSEVERITY  INCIDENTS"),
        "{stdout}"
    );
    assert!(stdout.contains("\nSEV1              3   2m"), "{stdout}");
}

#[test]
fn since_filters_by_report_date() {
    let ws = workspace();
    let doc = json(ws.path(), &["--since", "2026-04-01"]);
    assert_eq!(doc["since"], "2026-04-01");
    assert_eq!(doc["incidents"]["total"], 4);
    assert_eq!(metric(&doc["ttd"]), (3, 1, 4 * 60, 10 * 60));
    assert_eq!(doc["actions"]["total"], 4);
    let (_, stdout, _) = run(
        ws.path(),
        &["stats", "--since", "2026-04-01", "--as-of", "2026-10-01"],
    );
    assert!(
        stdout.starts_with("4 incidents since 2026-04-01"),
        "{stdout}"
    );
}

#[test]
fn recurrence_lists_what_appears_in_several_incidents() {
    let ws = workspace();
    let doc = json(ws.path(), &[]);
    let names = |kind: &str| -> Vec<(String, Vec<String>)> {
        doc["recurrence"][kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap().to_owned(),
                    r["reports"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_str().unwrap().to_owned())
                        .collect(),
                )
            })
            .collect()
    };
    let pair = |n: &str, r: &[&str]| (n.to_owned(), r.iter().map(|x| (*x).to_owned()).collect());
    assert_eq!(
        names("services"),
        [
            pair("api", &["PM-1", "PM-2", "PM-4"]),
            pair("db", &["PM-1", "PM-3"]),
            pair("web", &["PM-5", "PM-6"]),
        ]
    );
    assert_eq!(
        names("tags"),
        [
            pair("Database", &["PM-2", "PM-3"]),
            pair("deploy", &["PM-1", "PM-2"]),
        ]
    );
    assert_eq!(
        names("triggers"),
        [
            pair("binary-push", &["PM-1", "PM-2"]),
            pair("traffic", &["PM-3", "PM-6"]),
        ]
    );
    let (_, stdout, _) = run(ws.path(), &["stats", "--as-of", "2026-10-01"]);
    assert!(
        stdout.contains("service  api                  3  PM-1, PM-2, PM-4\n"),
        "{stdout}"
    );
}

#[test]
fn a_trailer_counts_as_done() {
    let ws = workspace();
    let git = |args: &[&str]| {
        let mut cmd = std::process::Command::new("git");
        for var in INHERITED_GIT_VARS {
            cmd.env_remove(var);
        }
        let ok = cmd
            .current_dir(ws.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_AUTHOR_DATE", "2026-09-01T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-09-01T10:00:00Z")
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&[
        "commit",
        "-q",
        "-m",
        "Reports\n\nPostmortem-Action: PM-4#1\nPostmortem-Action: PM-1#2",
    ]);
    let a = &json(ws.path(), &[])["actions"];
    assert_eq!((a["done"].as_i64(), a["open"].as_i64()), (Some(5), Some(2)));
    assert_eq!(a["overdue"], 1);
}

#[test]
fn bad_arguments_and_a_missing_folder_exit_2() {
    let ws = workspace();
    for args in [
        &["stats", "--by", "team"][..],
        &["stats", "--since", "2026-13-01"],
        &["stats", "--as-of", "yesterday"],
        &["stats", "--format", "csv"],
    ] {
        let (code, _, stderr) = run(ws.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
    }
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("pm.toml"), "").unwrap();
    let (code, _, stderr) = run(empty.path(), &["stats"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no reports folder"), "{stderr}");
}

#[test]
fn examples_table() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = pm(&examples)
        .args(["stats", "--as-of", "2026-11-26"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("examples_stats", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn examples_by_severity() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = pm(&examples)
        .args(["stats", "--as-of", "2026-11-26", "--by", "severity"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(
        "examples_stats_by_severity",
        String::from_utf8(out.stdout).unwrap()
    );
}
