//! `pm commits --format hashes` equals `git rev-list --since-as-filter=START --until=END` on
//! messy histories — clock skew, old branches merged late, octopus merges, equal timestamps,
//! several roots, extreme offsets — for many windows, with and without a commit-graph (single
//! file and split chain), from HEAD and with `--all`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command as Std, Stdio};

use assert_cmd::Command;

/// A small deterministic generator (no dependency, same histories on every machine).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Std::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const BASE: i64 = 1_700_000_000;
const OFFSETS: [&str; 6] = ["+0000", "-1200", "+1400", "+0530", "-0700", "+0100"];

/// Builds a repository from a random history and returns every commit time used.
fn messy_repo(dir: &Path, seed: u64, commits: usize) -> Vec<i64> {
    messy_repo_with_body(dir, seed, commits, "")
}

/// [`messy_repo`] with `body` appended to every commit message.
fn messy_repo_with_body(dir: &Path, seed: u64, commits: usize, body: &str) -> Vec<i64> {
    git(dir, &["init", "-q", "-b", "main"]);
    let mut rng = Lcg(seed);
    let mut stream = String::new();
    let mut times: Vec<i64> = Vec::new();
    let mut branch_heads: Vec<usize> = Vec::new();
    for i in 1..=commits {
        // Mostly moving forward in time, sometimes far back (skew, rebases, imports), sometimes
        // exactly the same second as the one before (ties).
        let prev = times.last().copied().unwrap_or(BASE);
        let time = match rng.below(10) {
            0 => prev - 3_600 * (1 + rng.below(200)) as i64,
            1 => prev,
            _ => prev + 60 * (1 + rng.below(600)) as i64,
        };
        times.push(time);
        let offset = OFFSETS[rng.below(OFFSETS.len() as u64) as usize];
        let branch = format!("refs/heads/b{}", rng.below(4));
        let mut parents: Vec<usize> = Vec::new();
        if i > 1 && rng.below(12) != 0 {
            parents.push(if rng.below(3) == 0 && !branch_heads.is_empty() {
                branch_heads[rng.below(branch_heads.len() as u64) as usize]
            } else {
                i - 1
            });
            // Merges, sometimes of old commits, sometimes octopus.
            let extra = match rng.below(10) {
                0 => 2,
                1 | 2 => 1,
                _ => 0,
            };
            for _ in 0..extra {
                let p = 1 + rng.below((i - 1) as u64) as usize;
                if !parents.contains(&p) {
                    parents.push(p);
                }
            }
        }
        branch_heads.push(i);
        let msg = format!("commit {i}\n{body}");
        stream.push_str(&format!("commit {branch}\nmark :{i}\n"));
        stream.push_str(&format!(
            "author A{} <a@example.com> {} {offset}\n",
            i % 3,
            time - rng.below(5_000) as i64
        ));
        stream.push_str(&format!("committer C <c@example.com> {time} {offset}\n"));
        stream.push_str(&format!("data {}\n{msg}", msg.len()));
        if let Some((first, rest)) = parents.split_first() {
            stream.push_str(&format!("from :{first}\n"));
            for p in rest {
                stream.push_str(&format!("merge :{p}\n"));
            }
        } else if i > 1 {
            stream.push_str("deleteall\n");
        }
        stream.push_str(&format!(
            "M 100644 inline f{}.txt\ndata {}\n{i}\n\n",
            i % 7,
            format!("{i}\n").len()
        ));
        if rng.below(8) == 0 {
            stream.push_str(&format!("reset refs/tags/light{i}\nfrom :{i}\n\n"));
        }
    }
    stream.push_str(&format!("reset refs/heads/main\nfrom :{commits}\n\n"));
    stream.push_str(&format!(
        "tag v1\nfrom :{}\ntagger T <t@example.com> {BASE} +0000\ndata 3\nv1\n\n",
        commits / 2
    ));
    let mut child = Std::new("git")
        .args(["fast-import", "--quiet", "--force"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    git(dir, &["symbolic-ref", "HEAD", "refs/heads/main"]);
    times
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn pm_hashes(dir: &Path, window: &str, all: bool) -> String {
    let mut cmd = Command::cargo_bin("pm").unwrap();
    cmd.current_dir(dir)
        .args(["commits", "--window", window, "--format", "hashes"]);
    if all {
        cmd.arg("--all");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "pm commits {window}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn git_hashes(dir: &Path, since: Option<i64>, until: Option<i64>, all: bool) -> String {
    let mut args = vec!["rev-list".to_owned()];
    if let Some(s) = since {
        args.push(format!("--since-as-filter={}", rfc3339(s)));
    }
    if let Some(u) = until {
        args.push(format!("--until={}", rfc3339(u)));
    }
    args.push(if all { "--all".into() } else { "HEAD".into() });
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    git(dir, &refs)
}

fn windows(times: &[i64], rng: &mut Lcg) -> Vec<(Option<i64>, Option<i64>)> {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let pick = |rng: &mut Lcg| {
        sorted[rng.below(sorted.len() as u64) as usize] + [-1, 0, 0, 1][rng.below(4) as usize]
    };
    let mut out = vec![
        (None, None),
        (Some(sorted[sorted.len() / 2]), None),
        (None, Some(sorted[sorted.len() / 3])),
    ];
    for _ in 0..25 {
        let (a, b) = (pick(rng), pick(rng));
        out.push((Some(a.min(b)), Some(a.max(b))));
    }
    out
}

fn window_arg(since: Option<i64>, until: Option<i64>) -> String {
    format!(
        "{}..{}",
        since.map(rfc3339).unwrap_or_default(),
        until.map(rfc3339).unwrap_or_default()
    )
}

/// How many windows plain `git rev-list --since` gets wrong: the reason pm exists.
fn inexact_windows(dir: &Path, times: &[i64], seed: u64) -> usize {
    let mut rng = Lcg(seed ^ 0x5eed);
    windows(times, &mut rng)
        .into_iter()
        .filter(|(since, until)| {
            let Some(s) = since else { return false };
            let mut args = vec!["rev-list".to_owned(), format!("--since={}", rfc3339(*s))];
            if let Some(u) = until {
                args.push(format!("--until={}", rfc3339(*u)));
            }
            args.push("HEAD".into());
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            git(dir, &refs) != git_hashes(dir, *since, *until, false)
        })
        .count()
}

/// (commits visited, whether generation data stopped the walk).
fn walk_stats(dir: &Path, window: &str) -> (u64, bool) {
    let out = Command::cargo_bin("pm")
        .unwrap()
        .current_dir(dir)
        .args(["commits", "--window", window, "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        v["repos"][0]["visited"].as_u64().unwrap(),
        v["repos"][0]["used_generation_data"].as_bool().unwrap(),
    )
}

fn assert_parity(dir: &Path, times: &[i64], seed: u64, label: &str) {
    let mut rng = Lcg(seed ^ 0x5eed);
    let mut compared = 0;
    for (since, until) in windows(times, &mut rng) {
        for all in [false, true] {
            let expected = git_hashes(dir, since, until, all);
            let got = pm_hashes(dir, &window_arg(since, until), all);
            assert_eq!(
                got,
                expected,
                "{label}: window {} all={all}",
                window_arg(since, until)
            );
            compared += 1;
        }
    }
    assert!(compared > 50);
}

#[test]
fn parity_with_git_rev_list_on_messy_histories() {
    for seed in [1u64, 7, 42] {
        let dir = tempfile::tempdir().unwrap();
        let times = messy_repo(dir.path(), seed, 120);
        // git log --since would miss commits here: the history is really skewed.
        assert!(
            times.windows(2).any(|w| w[1] < w[0]),
            "seed {seed} has clock skew"
        );
        assert!(
            inexact_windows(dir.path(), &times, seed) > 0,
            "seed {seed}: `--since` is wrong somewhere"
        );
        assert_parity(
            dir.path(),
            &times,
            seed,
            &format!("seed {seed}, no commit-graph"),
        );
        // fast-import's pack holds objects in stream order; git's own puts commits first and
        // writes a reverse index: pm reads packs differently then (see git/packed_commits.rs).
        git(dir.path(), &["repack", "-adq"]);
        assert_parity(
            dir.path(),
            &times,
            seed,
            &format!("seed {seed}, repacked, no commit-graph"),
        );
        git(dir.path(), &["commit-graph", "write", "--reachable"]);
        assert_parity(
            dir.path(),
            &times,
            seed,
            &format!("seed {seed}, commit-graph"),
        );
    }
}

#[test]
fn parity_when_commits_are_stored_as_deltas() {
    // Long, nearly equal messages make git store commits as deltas of other commits, chains of
    // them included: pm's pack scan resolves some and leaves the rest to the object database.
    let body: String = (0..60)
        .map(|i| format!("Line {i} of a long commit message that repeats in every commit.\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let times = messy_repo_with_body(dir.path(), 11, 150, &body);
    git(
        dir.path(),
        &["repack", "-adfq", "--window=50", "--depth=50"],
    );
    let pack = std::fs::read_dir(dir.path().join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .unwrap();
    let listing = git(dir.path(), &["verify-pack", "-v", pack.to_str().unwrap()]);
    // `SHA commit SIZE PACKED OFFSET DEPTH BASE`: a commit stored as a delta, and one whose base
    // is itself a delta.
    let depths: Vec<u32> = listing
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.len() == 7 && f[1] == "commit")
        .map(|f| f[5].parse().unwrap())
        .collect();
    assert!(depths.contains(&1), "a commit delta: {depths:?}");
    assert!(
        depths.iter().any(|&d| d > 1),
        "a chain of deltas: {depths:?}"
    );
    assert_parity(dir.path(), &times, 11, "deltified commits, no commit-graph");
}

#[test]
fn parity_with_a_split_commit_graph_and_new_commits_outside_it() {
    let dir = tempfile::tempdir().unwrap();
    let times = messy_repo(dir.path(), 99, 80);
    git(
        dir.path(),
        &["commit-graph", "write", "--reachable", "--split"],
    );
    // Commits after the graph was written are not in it.
    let mut all_times = times.clone();
    for (i, t) in [BASE - 50_000, BASE + 9_000_000, BASE + 9_000_000]
        .iter()
        .enumerate()
    {
        let tree = git(dir.path(), &["write-tree"]).trim().to_owned();
        let out = Std::new("git")
            .args([
                "commit-tree",
                &tree,
                "-p",
                "HEAD",
                "-m",
                &format!("late {i}"),
            ])
            .env("GIT_COMMITTER_DATE", format!("@{t} +0000"))
            .env("GIT_AUTHOR_DATE", format!("@{t} +0000"))
            .env("GIT_AUTHOR_NAME", "L")
            .env("GIT_AUTHOR_EMAIL", "l@example.com")
            .env("GIT_COMMITTER_NAME", "L")
            .env("GIT_COMMITTER_EMAIL", "l@example.com")
            .current_dir(dir.path())
            .output()
            .unwrap();
        let id = String::from_utf8(out.stdout).unwrap();
        git(dir.path(), &["update-ref", "refs/heads/main", id.trim()]);
        all_times.push(*t);
    }
    git(
        dir.path(),
        &["commit-graph", "write", "--reachable", "--split=no-merge"],
    );
    assert_parity(dir.path(), &all_times, 99, "split chain");
}

#[test]
fn generation_data_stops_the_walk_early_and_stays_exact() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    let mut stream = String::new();
    for i in 1..=200i64 {
        // One skewed commit in the middle: dated a week before its parent.
        let t = if i == 150 {
            BASE + 100 * 3_600 - 7 * 86_400
        } else {
            BASE + i * 3_600
        };
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{i}\ncommitter C <c@x> {t} +0000\ndata 2\n{}\n",
            i % 10
        ));
        if i > 1 {
            stream.push_str(&format!("from :{}\n", i - 1));
        }
        stream.push('\n');
    }
    let mut child = Std::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(d)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    git(d, &["symbolic-ref", "HEAD", "refs/heads/main"]);
    let since = BASE + 190 * 3_600;
    let window = window_arg(Some(since), None);
    assert_eq!(
        walk_stats(d, &window),
        (200, false),
        "without a commit-graph every commit is read"
    );
    git(d, &["commit-graph", "write", "--reachable"]);
    let (visited, used) = walk_stats(d, &window);
    assert!(used && visited < 20, "visited {visited}");
    assert_eq!(
        pm_hashes(d, &window, false),
        git_hashes(d, Some(since), None, false)
    );
    // Commit 150 is dated before the window; plain `--since` stops there and never sees commits
    // 141-149 behind it, which are inside the window. pm (with or without the graph) does.
    let since = BASE + 140 * 3_600;
    let window = window_arg(Some(since), None);
    let exact = git_hashes(d, Some(since), None, false);
    assert_eq!(exact.lines().count(), 60);
    assert_eq!(pm_hashes(d, &window, false), exact);
    assert_eq!(
        git(
            d,
            &["rev-list", &format!("--since={}", rfc3339(since)), "HEAD"]
        )
        .lines()
        .count(),
        50
    );
}
