//! `pm timeline`, run as a user would run it, over the logs in `tests/fixtures/logs/`: one per
//! timestamp form, a multi-file merge, a burst, midnight and new year, plus gzip, standard input,
//! `--grep`, malformed lines and both output formats.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use flate2::Compression;
use flate2::write::GzEncoder;
use predicates::prelude::*;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap()
}

/// `pm timeline ARGS` in the fixtures folder.
fn pm(args: &[&str]) -> Command {
    pm_in(&fixtures(), args)
}

fn pm_in(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("pm").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("timeline")
        .args(args);
    cmd
}

/// Standard output of a successful run.
fn stdout(args: &[&str]) -> String {
    let out = pm(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn json(args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&all)).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn iso_8601_and_rfc_3339() {
    insta::assert_snapshot!("iso", stdout(&["--log", "iso.log"]));
}

#[test]
fn tz_gives_the_offset_of_timestamps_without_one() {
    // The four lines without an offset move two hours back; the others stay.
    insta::assert_snapshot!("iso_tz", stdout(&["--log", "iso.log", "--tz", "+02:00"]));
}

#[test]
fn journald_short_iso() {
    insta::assert_snapshot!("journald", stdout(&["--log", "journald.log"]));
}

#[test]
fn syslog() {
    insta::assert_snapshot!("syslog", stdout(&["--log", "syslog.log", "--year", "2024"]));
    // Without --year the window gives the year.
    let rows = json(&[
        "--log",
        "syslog.log",
        "--window",
        "2024-03-01T10:00:00Z..2024-03-01T11:00:00Z",
    ]);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["time"], "2024-03-01T10:02:03Z");
}

#[test]
fn apache_and_nginx() {
    insta::assert_snapshot!("nginx", stdout(&["--log", "nginx.log"]));
}

#[test]
fn epoch_seconds_and_milliseconds() {
    insta::assert_snapshot!("epoch", stdout(&["--log", "epoch.log"]));
}

#[test]
fn json_lines() {
    // One line has a syslog-form time: --year keeps the test independent of the file's age.
    insta::assert_snapshot!(
        "json_lines",
        stdout(&["--log", "json.log", "--year", "2024"])
    );
    let rows = json(&["--log", "json.log", "--year", "2024"]);
    let times: Vec<&str> = rows.iter().map(|r| r["time"].as_str().unwrap()).collect();
    assert_eq!(
        times,
        [
            "2024-03-01T10:02:03Z",
            "2024-03-01T10:02:04.250Z",
            "2024-03-01T10:02:05Z",
            "2024-03-01T10:02:06.500Z",
            "2024-03-01T10:02:07.000000001Z",
            "2024-03-01T10:02:08Z",
        ]
    );
}

#[test]
fn several_logs_merge_by_time_and_name_their_source() {
    insta::assert_snapshot!(
        "merge",
        stdout(&["--log", "merge-api.log", "--log", "merge-db.log"])
    );
    // Ties keep the order the logs were given in.
    let rows = json(&["--log", "merge-db.log", "merge-api.log"]);
    let at_20: Vec<&str> = rows
        .iter()
        .filter(|r| r["time"] == "2024-03-01T10:00:20Z")
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(at_20, ["merge-db.log", "merge-api.log"]);
}

#[test]
fn bursts_collapse_into_one_row() {
    insta::assert_snapshot!("burst", stdout(&["--log", "burst.log"]));
    let rows = json(&["--log", "burst.log"]);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[1]["count"], 4);
    assert_eq!(rows[1]["first"], "2024-03-01T10:00:05Z");
    assert_eq!(rows[1]["last"], "2024-03-01T10:01:30Z");
    // A shorter gap splits the burst; 0 turns collapsing off.
    assert_eq!(json(&["--log", "burst.log", "--collapse", "10"]).len(), 7);
    assert_eq!(json(&["--log", "burst.log", "--collapse", "0"]).len(), 8);
}

#[test]
fn a_window_across_midnight_shows_dates() {
    insta::assert_snapshot!(
        "midnight",
        stdout(&[
            "--log",
            "midnight.log",
            "--window",
            "2024-03-01 23:59..2024-03-02 00:01"
        ])
    );
}

#[test]
fn syslog_across_new_year_takes_both_years_from_the_window() {
    insta::assert_snapshot!(
        "new_year",
        stdout(&[
            "--log",
            "newyear.syslog",
            "--window",
            "2024-12-31T23:00:00Z..2025-01-01T01:00:00Z"
        ])
    );
    // With --year, lines in order roll over into the next year.
    let rows = json(&["--log", "newyear.syslog", "--year", "2024"]);
    let times: Vec<&str> = rows.iter().map(|r| r["time"].as_str().unwrap()).collect();
    assert_eq!(
        times,
        [
            "2024-12-31T23:58:00Z",
            "2024-12-31T23:59:59Z",
            "2025-01-01T00:00:01Z",
            "2025-01-01T00:03:00Z",
        ]
    );
}

#[test]
fn gzip_is_recognised_by_content() {
    let dir = tempfile::tempdir().unwrap();
    // Two gzip members, as `cat a.gz b.gz` or logrotate's delaycompress can leave.
    let mut file = std::fs::File::create(dir.path().join("app.log.1")).unwrap();
    for part in [
        &fixture("merge-api.log")[..60],
        &fixture("merge-api.log")[60..],
    ] {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(part).unwrap();
        file.write_all(&gz.finish().unwrap()).unwrap();
    }
    drop(file);
    let out = pm_in(dir.path(), &["--log", "app.log.1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let plain = stdout(&["--log", "merge-api.log"]).replace("merge-api.log", "app.log.1");
    assert_eq!(String::from_utf8(out).unwrap(), plain);
}

#[test]
fn standard_input() {
    let out = pm(&["--log", "-"])
        .write_stdin(fixture("iso.log"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let from_file = stdout(&["--log", "iso.log"]).replace("iso.log", "stdin");
    assert_eq!(String::from_utf8(out).unwrap(), from_file);
    // Standard input merges with files, and may be gzip too.
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(&fixture("merge-db.log")).unwrap();
    let rows = pm(&["--log", "merge-api.log", "-", "--format", "json"])
        .write_stdin(gz.finish().unwrap())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<Value> = serde_json::from_slice(&rows).unwrap();
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[1]["source"], "stdin");
}

#[test]
fn grep_keeps_matching_events() {
    insta::assert_snapshot!(
        "grep",
        stdout(&[
            "--log",
            "burst.log",
            "merge-api.log",
            "--grep",
            "(?i)rollback|timed out"
        ])
    );
    // A match in a continuation line keeps the whole event.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("trace.log"),
        "2024-03-01T10:00:00Z ERROR request failed\n\
         java.lang.IllegalStateException: pool exhausted\n    at Pool.get(Pool.java:42)\n\
         2024-03-01T10:00:01Z ERROR request failed\njava.io.IOException: reset\n",
    )
    .unwrap();
    let out = pm_in(
        dir.path(),
        &[
            "--log",
            "trace.log",
            "--grep",
            "pool exhausted",
            "--format",
            "json",
        ],
    )
    .assert()
    .success()
    .get_output()
    .stdout
    .clone();
    let rows: Vec<Value> = serde_json::from_slice(&out).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["message"],
        "ERROR request failed\njava.lang.IllegalStateException: pool exhausted\n    at Pool.get(Pool.java:42)"
    );
}

#[test]
fn window_filters_and_open_ends() {
    let rows = json(&[
        "--log",
        "merge-api.log",
        "--window",
        "2024-03-01T10:00:20Z..2024-03-01T10:01:00Z",
    ]);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        json(&["--log", "merge-api.log", "--window", "2024-03-01 10:01.."]).len(),
        2
    );
    assert_eq!(
        json(&["--log", "merge-api.log", "--window", "..2024-03-01 10:00"]).len(),
        1
    );
}

#[test]
fn malformed_lines_are_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = b"no timestamp yet\nstill none\n".to_vec();
    log.extend_from_slice(b"2024-03-01T10:00:00Z user caf\xe9 \xff\xfe logged in\n");
    log.extend_from_slice(b"2024-03-01T10:00:01Z ");
    log.extend(std::iter::repeat_n(b'x', 100_000));
    log.extend_from_slice(b"\n2024-03-01T10:00:02Z ok\n");
    std::fs::write(dir.path().join("bad.log"), &log).unwrap();
    let out = pm_in(dir.path(), &["--log", "bad.log"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "bad.log: 2 lines before the first timestamp skipped",
        ))
        .stderr(predicate::str::contains(
            "bad.log: 1 event has bytes that are not UTF-8",
        ))
        .stderr(predicate::str::contains(
            "bad.log: 1 line longer than 64 KiB cut",
        ))
        .stderr(predicate::str::contains(
            "3 rows from 3 events (5 lines read from 1 log)",
        ))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("| 10:00:00 | bad.log: `user caf\u{fffd} \u{fffd}\u{fffd} logged in` |"),
        "{out}"
    );
    // The long line is cut, then cut again for the table cell.
    assert!(out.contains("xxx…` |"), "{out}");
    // -q silences the notes, not the rows.
    pm_in(dir.path(), &["-q", "--log", "bad.log"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn a_file_without_timestamps_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "just text\nmore text\n").unwrap();
    pm_in(dir.path(), &["--log", "notes.txt"])
        .assert()
        .success()
        .stdout("| Time (UTC) | Event |\n|---|---|\n")
        .stderr(predicate::str::contains(
            "notes.txt: no line has a timestamp pm recognises",
        ))
        .stderr(predicate::str::contains("widen --window or loosen --grep"));
}

#[test]
fn json_output_is_one_array() {
    let rows = json(&["--log", "merge-api.log", "merge-db.log", "burst.log"]);
    assert_eq!(rows.len(), 12);
    for row in &rows {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 6, "{row}");
        for key in ["time", "source", "message", "count", "first", "last"] {
            assert!(row.get(key).is_some(), "{key} in {row}");
        }
        assert_eq!(row["time"], row["first"]);
    }
    let times: Vec<&str> = rows.iter().map(|r| r["time"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted);
    let empty = pm(&[
        "--log",
        "burst.log",
        "--grep",
        "nothing matches this",
        "--format",
        "json",
    ])
    .assert()
    .success()
    .get_output()
    .stdout
    .clone();
    assert_eq!(empty, b"[]\n");
}

#[test]
fn the_table_pastes_into_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.log");
    std::fs::write(&pipe, "2024-03-01T10:00:03Z grep -c x | wc -l `date`\n").unwrap();
    let table = stdout(&[
        "--log",
        "merge-api.log",
        "merge-db.log",
        "burst.log",
        "json.log",
        pipe.to_str().unwrap(),
        "--year",
        "2024",
    ]);
    let report = format!(
        "---\ntitle: Checkout outage\ndate: 2024-03-01\nstatus: draft\nseverity: SEV2\n\
         authors: [\"@alice\"]\nimpact: checkout failed\n---\n\n## Timeline\n\n{table}\n"
    );
    let r = pm::report::Report::from_bytes(
        Path::new("report.md"),
        report.as_bytes(),
        &pm::report::LoadOptions::default(),
    )
    .unwrap();
    let timeline = r.timeline.expect("the table is the report's timeline");
    assert_eq!(timeline.rows.len(), table.lines().count() - 2);
    let mut events = Vec::new();
    for row in &timeline.rows {
        let at = row.at.as_ref().expect("every time parses");
        assert_eq!(at.date_naive().to_string(), "2024-03-01");
        events.push(row.event.as_ref().unwrap().text.clone());
    }
    // The log text comes back as written: `\|` unescaped, the code span's backticks kept inside.
    assert!(
        events.contains(&"pipe.log: grep -c x | wc -l `date`".to_owned()),
        "{events:#?}"
    );
}

#[test]
fn errors_exit_2_and_say_why() {
    pm(&["--log", "iso.log", "missing.log"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("missing.log"));
    pm(&["--log", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a folder"));
    pm(&["--log", "iso.log", "--grep", "(unclosed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--grep `(unclosed` is not a regular expression",
        ))
        .stderr(predicate::str::contains("unclosed group"));
    pm(&["--log", "iso.log", "--window", "2024-03-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "2024-03-01T09:00:00Z..2024-03-01T12:00:00Z",
        ));
    pm(&["--log", "iso.log", "--window", "2024-03-02..2024-03-01"])
        .assert()
        .code(2);
    pm(&["--log", "iso.log", "--tz", "Europe/Paris"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("+02:00"));
    pm(&["--log", "-", "-"]).assert().code(2);
    pm(&[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--log"));
}

#[test]
fn commits_of_the_window_become_rows_merged_with_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let git = |date: &str, args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(d)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_NAME", "Ana")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "Ana")
            .env("GIT_COMMITTER_EMAIL", "a@example.com")
            .status()
            .unwrap()
            .success();
        assert!(ok);
    };
    git("2024-03-01T09:00:00Z", &["init", "-q", "-b", "main"]);
    git(
        "2024-03-01T08:00:00Z",
        &["commit", "-q", "--allow-empty", "-m", "Before the window"],
    );
    git(
        "2024-03-01T10:01:30Z",
        &["commit", "-q", "--allow-empty", "-m", "Halve the pool"],
    );
    std::fs::write(
        d.join("app.log"),
        "2024-03-01T10:00:00Z pool ok\n2024-03-01T10:02:00Z pool exhausted\n",
    )
    .unwrap();
    let out = pm_in(
        d,
        &[
            "--log",
            "app.log",
            "--window",
            "2024-03-01T09:30:00Z..2024-03-01T11:00:00Z",
            "--commits",
            "--format",
            "json",
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> = rows
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(messages[0], "pool ok");
    assert!(
        messages[1].starts_with("commit ") && messages[1].ends_with(" Halve the pool (Ana)"),
        "{messages:?}"
    );
    assert_eq!(rows[1]["source"], "git");
    assert_eq!(messages[2], "pool exhausted");
    // --commits needs a window: without one it would be the whole history.
    pm_in(d, &["--log", "app.log", "--commits"])
        .assert()
        .code(2);
}
