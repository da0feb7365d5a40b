//! `pm commits` on real repositories: what each commit shows, the formats, a report's window,
//! and hostile repositories (shallow, empty, unborn, bare, worktree, missing objects).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command as Std;

use predicates::prelude::*;

mod common;
use common::{pm, write};

fn git_at(dir: &Path, date: &str, args: &[&str]) -> String {
    let out = Std::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "Ana Lima")
        .env("GIT_AUTHOR_EMAIL", "ana@example.com")
        .env("GIT_COMMITTER_NAME", "Ana Lima")
        .env("GIT_COMMITTER_EMAIL", "ana@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn git(dir: &Path, args: &[&str]) -> String {
    git_at(dir, "2024-03-01T00:00:00Z", args)
}

/// A service repository with a deploy before the incident, a tagged release, a rename and a
/// revert during the incident.
fn service_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "services/checkout/pool.rs", "size = 20\n");
    write(dir, "docs/readme.md", "hi\n");
    git_at(dir, "2024-02-20T10:00:00+01:00", &["add", "."]);
    git_at(
        dir,
        "2024-02-20T10:00:00+01:00",
        &["commit", "-q", "-m", "Initial import"],
    );
    write(dir, "docs/guide.md", "hi\n");
    git(dir, &["rm", "-q", "docs/readme.md"]);
    git(dir, &["add", "."]);
    git_at(
        dir,
        "2024-03-01T06:00:00-12:00",
        &["commit", "-q", "-m", "Rename the readme"],
    );
    write(dir, "services/checkout/pool.rs", "size = 10\n");
    git(dir, &["add", "."]);
    git_at(
        dir,
        "2024-03-01T19:05:00+14:00",
        &["commit", "-q", "-m", "Halve the checkout pool"],
    );
    git_at(
        dir,
        "2024-03-01T09:06:00Z",
        &["tag", "-a", "v2.4.0", "-m", "release 2.4.0"],
    );
    git_at(
        dir,
        "2024-03-01T09:30:00Z",
        &["revert", "--no-edit", "HEAD"],
    );
}

#[test]
fn table_ranks_the_deploy_first_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    service_repo(dir.path());
    let out = pm(dir.path())
        .args([
            "commits",
            "--window",
            "2024-03-01T09:10:00Z..2024-03-01T10:00:00Z",
            "--lookback",
            "24h",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().nth(1).unwrap();
    assert!(first.contains("Halve the checkout pool"), "{text}");
    assert!(text.contains("tagged v2.4.0"), "{text}");
    assert!(text.contains("likely mitigation"), "{text}");
}

#[test]
fn json_shows_times_with_their_offsets_renames_tags_and_reverts() {
    let dir = tempfile::tempdir().unwrap();
    service_repo(dir.path());
    let out = pm(dir.path())
        .args(["commits", "--window", "2024-02-29..", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let commits = v["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 3);
    let by = |summary: &str| {
        commits
            .iter()
            .find(|c| c["summary"].as_str().unwrap().starts_with(summary))
            .unwrap()
            .clone()
    };
    let halve = by("Halve");
    assert_eq!(halve["committer"]["time"], "2024-03-01T19:05:00+14:00");
    assert_eq!(halve["tags"], serde_json::json!(["v2.4.0"]));
    assert_eq!(
        halve["changes"],
        serde_json::json!([{"status": "modified", "path": "services/checkout/pool.rs"}])
    );
    let rename = by("Rename");
    assert_eq!(rename["committer"]["time"], "2024-03-01T06:00:00-12:00");
    assert_eq!(
        rename["changes"],
        serde_json::json!([{"status": "renamed", "from": "docs/readme.md", "path": "docs/guide.md"}])
    );
    let revert = by("Revert");
    assert_eq!(revert["reverts"], halve["id"]);
    assert_eq!(revert["likely_mitigation"], true);
}

#[test]
fn path_filter_and_markdown_rows() {
    let dir = tempfile::tempdir().unwrap();
    service_repo(dir.path());
    pm(dir.path())
        .args([
            "commits",
            "--window",
            "2024-02-29..",
            "--path",
            "docs/**",
            "--format",
            "hashes",
        ])
        .assert()
        .success()
        .stdout(predicate::function(|s: &str| s.lines().count() == 1));
    let out = pm(dir.path())
        .args([
            "commits",
            "--window",
            "2024-02-29..",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 3);
    assert!(
        rows[0].starts_with("| 2024-03-01 05:05 | Commit `"),
        "{text}"
    );
    assert!(rows.iter().all(|r| r.ends_with(" |")));
    // The rows are valid timeline rows: a report built from them loads without timestamp errors.
    let report =
        format!("---\ndate: 2024-03-01\n---\n## Timeline\n\n| Time | Event |\n|---|---|\n{text}");
    let r =
        pm::report::Report::from_bytes(Path::new("r.md"), report.as_bytes(), &Default::default())
            .unwrap();
    assert!(r.timeline.unwrap().rows.iter().all(|row| row.at.is_ok()));
}

#[test]
fn a_report_gives_the_window_repos_and_service_paths() {
    let dir = tempfile::tempdir().unwrap();
    let svc = dir.path().join("checkout");
    std::fs::create_dir(&svc).unwrap();
    service_repo(&svc);
    let pms = dir.path().join("postmortems-repo");
    write(
        &pms,
        "pm.toml",
        "[services]\ncheckout-api = [\"services/checkout/**\"]\n[commits]\nlookback = \"12h\"\n",
    );
    write(
        &pms,
        "postmortems/2024-03-01-pool/report.md",
        "---\ntitle: Pool\ndate: 2024-03-01\nstatus: draft\nseverity: SEV1\nauthors: [\"@a\"]\nimpact: x\nservices: [checkout-api]\nstarted_at: 2024-03-01T09:10:00Z\nresolved_at: 2024-03-01T10:00:00Z\nrepos: [{path: ../checkout}]\n---\n",
    );
    let out = pm(&pms)
        .args([
            "commits",
            "postmortems/2024-03-01-pool/report.md",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["window"]["start"],
        "2024-03-00T21:10:00+00:00".replace("03-00T21", "02-29T21")
    );
    let halve = v["commits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["summary"] == "Halve the checkout pool")
        .unwrap();
    assert!(halve["reasons"].as_array().unwrap().iter().any(|r| {
        r.as_str()
            .unwrap()
            .contains("checkout-api (services/checkout/pool.rs)")
    }));
}

#[test]
fn shallow_clone_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    service_repo(&origin);
    let url = format!("file://{}", origin.display());
    Std::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "shallow"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    let shallow = dir.path().join("shallow");
    pm(&shallow)
        .args(["commits", "--window", "2024-02-01.."])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("shallow clone")
                .and(predicate::str::contains("fetch --unshallow"))
                .and(predicate::str::contains("fetch-depth: 0")),
        );
    pm(&shallow)
        .args(["commits", "--window", "2024-02-01..", "--allow-shallow"])
        .assert()
        .success();
}

#[test]
fn hostile_repositories_get_one_clear_error_each() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let not_repo = root.join("plain");
    std::fs::create_dir(&not_repo).unwrap();
    pm(&not_repo)
        .args(["commits", "--window", "2024-01-01.."])
        .env("GIT_CEILING_DIRECTORIES", root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a git repository"));
    let empty = root.join("empty");
    std::fs::create_dir(&empty).unwrap();
    git(&empty, &["init", "-q"]);
    pm(&empty)
        .args(["commits", "--window", "2024-01-01.."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no commits yet"));
    pm(&empty)
        .args(["commits", "--window", "2024-01-01..", "--all"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no commits yet"));
    pm(root)
        .args(["commits", "--window", "2024-01-01..", "--repo", "nowhere"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere"));
    pm(root)
        .args(["commits", "--window", "someday.."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("START..END"));

    let svc = root.join("svc");
    std::fs::create_dir(&svc).unwrap();
    service_repo(&svc);
    let expected = git(
        &svc,
        &["rev-list", "--since-as-filter=2024-02-29T00:00:00Z", "HEAD"],
    );
    // A bare clone and a linked worktree walk like the original.
    Std::new("git")
        .args(["clone", "-q", "--bare", svc.to_str().unwrap(), "bare.git"])
        .current_dir(root)
        .status()
        .unwrap();
    pm(&root.join("bare.git"))
        .args(["commits", "--window", "2024-02-29..", "--format", "hashes"])
        .assert()
        .success()
        .stdout(expected.clone());
    git(&svc, &["worktree", "add", "-q", "../wt"]);
    pm(&root.join("wt"))
        .args(["commits", "--window", "2024-02-29..", "--format", "hashes"])
        .assert()
        .success()
        .stdout(expected);
    // An unborn branch.
    git(&svc, &["checkout", "-q", "--orphan", "fresh"]);
    pm(&svc)
        .args(["commits", "--window", "2024-01-01.."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no commits yet"));
    git(&svc, &["checkout", "-q", "-f", "main"]);
    // A missing object: delete the loose object of the first commit.
    let first = git(&svc, &["rev-list", "--max-parents=0", "HEAD"])
        .trim()
        .to_owned();
    std::fs::remove_file(svc.join(".git/objects").join(&first[..2]).join(&first[2..])).unwrap();
    pm(&svc)
        .args(["commits", "--window", "2024-01-01.."])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(&first[..12]).and(predicate::str::contains("missing objects")),
        );
}

#[test]
fn non_utf8_messages_and_names_and_octopus_merges() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let stream = b"commit refs/heads/main\nmark :1\nauthor Jos\xe9 <j@x> 1709280000 +0000\ncommitter Jos\xe9 <j@x> 1709280000 +0000\ndata 12\ncaf\xe9 cr\xe8me\n\ncommit refs/heads/a\nmark :2\ncommitter C <c@x> 1709280100 +0000\ndata 2\na\nfrom :1\n\ncommit refs/heads/b\nmark :3\ncommitter C <c@x> 1709280200 +0000\ndata 2\nb\nfrom :1\n\ncommit refs/heads/main\nmark :4\ncommitter C <c@x> 1709280300 +0000\ndata 8\noctopus\nfrom :1\nmerge :2\nmerge :3\n\n";
    let mut child = Std::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(d)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stream).unwrap();
    assert!(child.wait().unwrap().success());
    let out = pm(d)
        .args(["commits", "--window", "2024-03-01..", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let commits = v["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 4);
    let octopus = &commits[0];
    assert_eq!(octopus["is_merge"], true);
    assert_eq!(octopus["parents"].as_array().unwrap().len(), 3);
    let root = commits
        .iter()
        .find(|c| c["parents"].as_array().unwrap().is_empty())
        .unwrap();
    assert_eq!(root["author"]["name"], "Jos\u{fffd}");
    assert_eq!(root["summary"], "caf\u{fffd} cr\u{fffd}me");
}

#[test]
fn several_repositories_are_merged_by_time() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (repo, times) in [
        (&a, ["2024-03-01T09:00:00Z", "2024-03-01T09:20:00Z"]),
        (&b, ["2024-03-01T09:10:00Z", "2024-03-01T09:30:00Z"]),
    ] {
        std::fs::create_dir(repo).unwrap();
        git(repo, &["init", "-q", "-b", "main"]);
        for t in times {
            git_at(repo, t, &["commit", "-q", "--allow-empty", "-m", t]);
        }
    }
    let out = pm(dir.path())
        .args([
            "commits",
            "--window",
            "2024-03-01T08:00:00Z..",
            "--repo",
            "a",
            "--repo",
            "b",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let order: Vec<(&str, &str)> = v["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["repo"].as_str().unwrap(), c["summary"].as_str().unwrap()))
        .collect();
    assert_eq!(
        order,
        [
            ("b", "2024-03-01T09:30:00Z"),
            ("a", "2024-03-01T09:20:00Z"),
            ("b", "2024-03-01T09:10:00Z"),
            ("a", "2024-03-01T09:00:00Z")
        ]
    );
    assert_eq!(v["repos"].as_array().unwrap().len(), 2);
}
