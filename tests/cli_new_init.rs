//! `pm new`, `pm init` and the global options, run as a user would run them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use predicates::prelude::*;

mod common;
use common::pm;

#[test]
fn new_creates_the_report_and_prints_its_path() {
    let dir = tempfile::tempdir().unwrap();
    pm(dir.path())
        .args([
            "new",
            "Checkout API outage",
            "--date",
            "2024-03-01",
            "--severity",
            "sev1",
            "--lead",
            "@alice",
        ])
        .assert()
        .success()
        .stdout("postmortems/2024-03-01-checkout-api-outage/report.md\n");
    let text = std::fs::read_to_string(
        dir.path()
            .join("postmortems/2024-03-01-checkout-api-outage/report.md"),
    )
    .unwrap();
    insta::assert_snapshot!("new_report", text);
}

#[test]
fn new_report_loads_as_a_draft_with_every_section() {
    let dir = tempfile::tempdir().unwrap();
    pm(dir.path())
        .args(["new", "Disk full", "--date", "2025-01-02"])
        .assert()
        .success();
    let path = dir
        .path()
        .join("postmortems/2025-01-02-disk-full/report.md");
    let r = pm::report::Report::load(&path, &Default::default()).unwrap();
    let meta = r.meta().expect("the template's front matter parses");
    assert_eq!(meta.status, Some(pm::report::Status::Draft));
    assert_eq!(meta.title.as_deref(), Some("Disk full"));
    assert_eq!(r.sections.iter().filter(|s| s.kind.is_some()).count(), 6);
    assert_eq!(r.whys.len(), 5);
    assert_eq!(r.actions.as_ref().unwrap().items.len(), 3);
}

#[test]
fn new_twice_refuses_and_keeps_the_first_file() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["new", "DB down", "--date", "2024-03-01"];
    pm(dir.path()).args(args).assert().success();
    let path = dir.path().join("postmortems/2024-03-01-db-down/report.md");
    std::fs::write(&path, "my edits\n").unwrap();
    pm(dir.path())
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("already exists")
                .and(predicate::str::contains("never overwrites")),
        );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my edits\n");
}

#[test]
fn new_flat_layout_and_unicode_titles() {
    let dir = tempfile::tempdir().unwrap();
    pm(dir.path())
        .args([
            "new",
            "Ausfall in Zürich: 50% Fehler!",
            "--date",
            "2024-03-01",
            "--flat",
        ])
        .assert()
        .success()
        .stdout("postmortems/2024-03-01-ausfall-in-zurich-50-fehler.md\n");
    let text = std::fs::read_to_string(
        dir.path()
            .join("postmortems/2024-03-01-ausfall-in-zurich-50-fehler.md"),
    )
    .unwrap();
    assert!(
        text.contains("title: \"Ausfall in Zürich: 50% Fehler!\""),
        "{text}"
    );
}

#[test]
fn new_quotes_hostile_titles_in_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let title = "x\" ]\nstatus: final # @evil {{ 7*7 }}";
    pm(dir.path())
        .args(["new", title, "--date", "2024-03-01"])
        .assert()
        .success();
    let out = dir
        .path()
        .join("postmortems/2024-03-01-x-status-final-evil-7-7/report.md");
    let r = pm::report::Report::load(&out, &Default::default()).unwrap();
    let meta = r.meta().unwrap();
    assert_eq!(
        meta.title.as_deref(),
        Some("x\" ] status: final # @evil {{ 7*7 }}")
    );
    assert_eq!(meta.status, Some(pm::report::Status::Draft));
}

#[test]
fn new_rejects_bad_input_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    pm(dir.path())
        .args(["new", "x", "--date", "2024-02-30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a calendar date"));
    pm(dir.path())
        .args(["new", "x", "--severity", "P0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown severity `P0`: use one of SEV1, SEV2, SEV3, SEV4",
        ));
    pm(dir.path())
        .args(["new", "   "])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("title is empty"));
    assert!(!dir.path().join("postmortems").exists(), "nothing written");
}

#[test]
fn new_uses_the_repository_template_and_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pm.toml"),
        "[reports]\ndir = \"incidents\"\nlayout = \"flat\"\nseverities = [\"P1\", \"P2\"]\n[templates]\ndir = \"tpl\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("tpl")).unwrap();
    std::fs::write(
        dir.path().join("tpl/report.md.tera"),
        "---\ntitle: {{ title_yaml }}\nseverity: {{ severity_yaml }}\n---\n# Custom {{ title }}\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    pm(&dir.path().join("sub"))
        .args([
            "new",
            "Cache stampede",
            "--date",
            "2024-05-06",
            "--severity",
            "P2",
        ])
        .assert()
        .success()
        .stdout(predicate::str::ends_with(
            "incidents/2024-05-06-cache-stampede.md\n",
        ))
        .stderr(predicate::str::contains("used the repository's template"));
    let text =
        std::fs::read_to_string(dir.path().join("incidents/2024-05-06-cache-stampede.md")).unwrap();
    assert_eq!(
        text,
        "---\ntitle: \"Cache stampede\"\nseverity: \"P2\"\n---\n# Custom Cache stampede\n"
    );
}

#[test]
fn broken_template_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".pm/templates")).unwrap();
    std::fs::write(dir.path().join(".pm/templates/report.md.tera"), "{{ nope }").unwrap();
    pm(dir.path())
        .args(["new", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".pm/templates/report.md.tera"));
    assert!(!dir.path().join("postmortems").exists());
}

#[test]
fn init_writes_config_and_template_once() {
    let dir = tempfile::tempdir().unwrap();
    pm(dir.path())
        .arg("init")
        .assert()
        .success()
        .stdout("created pm.toml\ncreated .pm/templates/report.md.tera\n");
    let toml = std::fs::read_to_string(dir.path().join("pm.toml")).unwrap();
    assert_eq!(toml, pm::config::DEFAULT_TOML);
    std::fs::write(dir.path().join("pm.toml"), "# mine\n").unwrap();
    pm(dir.path())
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pm.toml")).unwrap(),
        "# mine\n"
    );
    // The written template is what `pm new` then uses.
    pm(dir.path())
        .args(["new", "After init", "--date", "2024-01-01"])
        .assert()
        .success();
}

#[test]
fn init_refuses_when_only_the_template_exists() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".pm/templates")).unwrap();
    std::fs::write(dir.path().join(".pm/templates/report.md.tera"), "mine").unwrap();
    pm(dir.path()).arg("init").assert().code(2);
    assert!(
        !dir.path().join("pm.toml").exists(),
        "refusal writes nothing"
    );
}

#[test]
fn bad_config_is_one_error_with_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pm.toml"),
        "[actions]\nmax_due_days = 90\nvague = []\n",
    )
    .unwrap();
    pm(dir.path())
        .args(["new", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "pm.toml:3:1: in [actions]: unknown field `vague`",
        ));
}

#[test]
fn global_options() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("repo")).unwrap();
    pm(dir.path())
        .args(["-C", "repo", "new", "x", "--date", "2024-01-01", "-q"])
        .assert()
        .success()
        .stderr("");
    assert!(
        dir.path()
            .join("repo/postmortems/2024-01-01-x/report.md")
            .exists()
    );
    pm(dir.path())
        .args(["-C", "nope", "new", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a directory"));
    pm(dir.path())
        .args(["--config", "missing.toml", "new", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml"));
    pm(dir.path())
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("pm "));
    pm(dir.path()).arg("frobnicate").assert().code(2);
    pm(dir.path()).assert().code(2);
}

#[test]
fn help_lists_only_working_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = pm(dir.path())
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(out).unwrap();
    let commands: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("Options:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        commands,
        [
            "check", "new", "init", "commits", "timeline", "actions", "stats", "build", "hook",
            "help"
        ]
    );
}
