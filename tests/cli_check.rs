//! `pm check` end to end: which files it reads, exit codes, formats, `--staged` on a real git
//! repository, and hostile input that must be reported, not crash or hang.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command as Std;

use predicates::prelude::*;

mod common;
use common::{examples, pm, write};

/// A report that passes every rule.
fn good(date: &str, id: &str) -> String {
    format!(
        r#"---
title: "Disk full on the build cache"
id: {id}
date: {date}
status: in-review
severity: SEV3
authors: ["@alice"]
incident_lead: "@alice"
impact: "CI builds failed for 40 minutes"
started_at: {date}T10:00:00Z
detected_at: {date}T10:05:00Z
resolved_at: {date}T10:40:00Z
---

# Disk full on the build cache

## Summary

The build cache volume filled up and CI builds failed.

## Impact

- 212 CI builds failed.

## Timeline

| Time | Event |
|---|---|
| 10:00 | Volume reaches 100% (**T-0**) |
| 10:05 | Alert fires (**detection**) |
| 10:40 | Old cache entries pruned (**resolution**) |

## Root Cause Analysis

1. **Why 1?** Builds could not write artifacts.
   - Evidence: `ENOSPC` in build logs.
2. **Why 2?** The volume was full.
   - Evidence: disk usage graph.
3. **Why 3?** Cache eviction was disabled in March.
   - Evidence: config history.

**Root Cause:** cache eviction was turned off with no disk usage alert to catch it.

## Lessons Learned

- **What went well:** the alert fired in 5 minutes.

## Action Items

| # | Action Item | Owner | Due Date | Category | Status |
|---|---|---|---|---|---|
| 1 | Re-enable cache eviction at 80% disk usage | @bob | {date} | immediate | done |
"#
    )
}

#[test]
fn examples_pass_with_only_the_drafts_warning() {
    pm(&examples())
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("checked 10 files"));
    pm(&examples())
        .args(["check", "--deny-warnings"])
        .assert()
        .code(1);
}

#[test]
fn every_format_on_examples() {
    for format in ["human", "json", "sarif", "github"] {
        pm(&examples())
            .args(["check", "--format", format])
            .assert()
            .success();
    }
    let out = pm(&examples())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["files"], 10);
}

#[test]
fn errors_exit_1_and_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "postmortems/2024-03-01-disk/report.md",
        good("2024-03-01", "PM-1").replace("| @bob |", "|  |"),
    );
    pm(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "postmortems/2024-03-01-disk/report.md:52:",
        ))
        .stdout(predicate::str::contains(
            "error[PM402 action-owner-missing]: action item 1 has no owner",
        ))
        .stdout(predicate::str::contains("help: add an @handle"));
}

#[test]
fn paths_as_pre_commit_passes_them_skip_non_reports() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "postmortems/2024-03-01-disk/report.md",
        good("2024-03-01", "PM-1"),
    );
    write(dir.path(), "postmortems/README.md", "# Our post-mortems\n");
    write(
        dir.path(),
        "postmortems/2024-03-01-disk/notes.md",
        "scratch\n",
    );
    pm(dir.path())
        .args([
            "check",
            "postmortems/README.md",
            "postmortems/2024-03-01-disk/notes.md",
            "postmortems/2024-03-01-disk/report.md",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("checked 1 file"));
    pm(dir.path())
        .args(["check", "postmortems"])
        .assert()
        .success()
        .stdout(predicate::str::contains("checked 1 file"));
}

#[test]
fn missing_reports_folder_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    pm(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no reports folder"));
}

#[test]
fn explain_and_list_rules() {
    let dir = tempfile::tempdir().unwrap();
    pm(dir.path())
        .args(["check", "--explain", "PM402"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "PM402 action-owner-missing (default: error)",
        ));
    pm(dir.path())
        .args(["check", "--explain", "action-vague"])
        .assert()
        .success();
    pm(dir.path())
        .args(["check", "--explain", "PM999"])
        .assert()
        .code(2);
    let out = pm(dir.path())
        .args(["check", "--list-rules"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().lines().count(),
        pm::rules::RULES.len()
    );
}

#[test]
fn overdue_with_as_of() {
    let dir = tempfile::tempdir().unwrap();
    let text = good("2024-03-01", "PM-1")
        .replace("| {date} | immediate | done |", "")
        .replace(
            "| 2024-03-01 | immediate | done |",
            "| 2024-03-10 | immediate | open |",
        );
    write(dir.path(), "postmortems/2024-03-01-disk/report.md", text);
    pm(dir.path())
        .args(["check", "--overdue", "--as-of", "2024-03-05"])
        .assert()
        .success();
    pm(dir.path())
        .args([
            "check",
            "--overdue",
            "--as-of",
            "2024-04-01",
            "--deny-warnings",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("PM408").and(predicate::str::contains("22 days overdue")));
}

#[test]
fn duplicate_ids_and_unknown_related_across_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "postmortems/2024-03-01-disk/report.md",
        good("2024-03-01", "PM-1"),
    );
    let related =
        good("2024-03-02", "PM-1").replace("severity: SEV3", "severity: SEV3\nrelated: [PM-404]");
    write(dir.path(), "postmortems/2024-03-02-disk/report.md", related);
    let out = pm(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["PM601", "PM602"]);
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Std::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2024-03-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-01T12:00:00Z")
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn staged_checks_the_index_version_of_staged_reports_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["config", "user.email", "t@example.com"]);
    git(root, &["config", "user.name", "T"]);
    // Nothing staged in a repository with no commits: nothing to check.
    pm(root)
        .args(["check", "--staged"])
        .assert()
        .success()
        .stdout(predicate::str::contains("checked 0 files"));
    write(
        root,
        "postmortems/2024-03-01-disk/report.md",
        good("2024-03-01", "PM-1"),
    );
    write(
        root,
        "postmortems/2024-03-02-other/report.md",
        good("2024-03-02", "PM-2"),
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "reports"]);
    // Committed and unchanged: not staged.
    pm(root)
        .args(["check", "--staged"])
        .assert()
        .success()
        .stdout(predicate::str::contains("checked 0 files"));
    // Stage a broken version, then fix the work tree without staging: the index is what counts.
    let broken = good("2024-03-01", "PM-1").replace("| @bob |", "|  |");
    write(root, "postmortems/2024-03-01-disk/report.md", &broken);
    git(root, &["add", "postmortems/2024-03-01-disk/report.md"]);
    write(
        root,
        "postmortems/2024-03-01-disk/report.md",
        good("2024-03-01", "PM-1"),
    );
    pm(root)
        .args(["check", "--staged"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("checked 1 file").and(predicate::str::contains("PM402")));
    // And the other way round: a good staged version with a broken work tree passes.
    git(root, &["add", "postmortems/2024-03-01-disk/report.md"]);
    write(root, "postmortems/2024-03-01-disk/report.md", &broken);
    pm(root).args(["check", "--staged"]).assert().success();
    // From a subdirectory too.
    pm(&root.join("postmortems"))
        .args(["check", "--staged"])
        .assert()
        .success();
}

#[test]
fn staged_outside_a_repository_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("postmortems")).unwrap();
    pm(dir.path())
        .args(["check", "--staged"])
        .env("GIT_CEILING_DIRECTORIES", dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("git"));
}

#[test]
fn hostile_files_are_diagnostics_and_the_others_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "postmortems/2024-03-01-good/report.md",
        good("2024-03-01", "PM-1"),
    );
    write(
        root,
        "postmortems/2024-03-02-binary/report.md",
        b"\x89PNG\r\n\x1a\n\x00\x00",
    );
    write(
        root,
        "postmortems/2024-03-03-latin1/report.md",
        b"---\ntitle: caf\xe9\n---\n",
    );
    std::fs::create_dir_all(root.join("postmortems/2024-03-04-dir/report.md")).unwrap();
    let huge = "x".repeat(11 * 1024 * 1024);
    write(root, "postmortems/2024-03-05-huge/report.md", huge);
    let mut bomb = String::from("---\na: &a [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10u8 {
        let (c, p) = ((b'a' + i) as char, (b'a' + i - 1) as char);
        bomb.push_str(&format!(
            "{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        ));
    }
    bomb.push_str("---\n");
    write(root, "postmortems/2024-03-06-bomb/report.md", bomb);
    write(
        root,
        "postmortems/2024-03-07-deep/report.md",
        format!(
            "---\na: {}{}\n---\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        ),
    );
    let table = format!(
        "{}\n| # | Action Item | Owner | Due Date |\n|---|---|---|---|\n{}",
        good("2024-03-08", "PM-8"),
        "| 1 | Do the thing with 5 steps | @bob | 2024-03-09 |\n".repeat(100_000)
    );
    write(root, "postmortems/2024-03-08-table/report.md", table);
    write(
        root,
        "postmortems/2024-03-09-quotes/report.md",
        format!(
            "{}\n{}x\n",
            good("2024-03-09", "PM-9"),
            "> ".repeat(100_000)
        ),
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("nowhere.md"), {
        std::fs::create_dir_all(root.join("postmortems/2024-03-10-link")).unwrap();
        root.join("postmortems/2024-03-10-link/report.md")
    })
    .unwrap();
    // A FIFO named like a report: opening it must not wait for a writer.
    #[cfg(unix)]
    {
        std::fs::create_dir_all(root.join("postmortems/2024-03-11-fifo")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("postmortems/2024-03-11-fifo/report.md"))
            .status()
            .unwrap();
        assert!(made.success());
    }
    let out = pm(root)
        .args(["check", "--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by_path = |needle: &str| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"].as_str().unwrap().contains(needle))
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(by_path("good").is_empty());
    assert_eq!(by_path("binary"), ["PM000"]);
    assert_eq!(by_path("latin1"), ["PM000"]);
    assert_eq!(by_path("dir"), ["PM000"]);
    assert_eq!(by_path("huge"), ["PM000"]);
    // The front matter is refused; the (empty) body is still checked.
    assert_eq!(by_path("bomb")[0], "PM002");
    assert_eq!(by_path("deep")[0], "PM002");
    assert!(by_path("table").iter().all(|c| c != "PM000"));
    #[cfg(unix)]
    assert_eq!(by_path("link"), ["PM000"]);
    #[cfg(unix)]
    assert_eq!(by_path("fifo"), ["PM000"]);
    let files = v["summary"]["files"].as_u64().unwrap();
    assert_eq!(files, if cfg!(unix) { 11 } else { 9 });
}

#[test]
fn annotations_use_paths_from_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    let sub = root.join("docs");
    write(&sub, "pm.toml", "");
    write(
        &sub,
        "postmortems/2024-03-01-disk/report.md",
        good("2024-03-01", "PM-1").replace("| @bob |", "|  |"),
    );
    let out = pm(&sub)
        .args(["check", "--format", "github"])
        .env_remove("GITHUB_WORKSPACE")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("::error file=docs/postmortems/2024-03-01-disk/report.md,line=52,"),
        "{text}"
    );
    let out = pm(&sub)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["diagnostics"][0]["path"],
        "postmortems/2024-03-01-disk/report.md"
    );
}
