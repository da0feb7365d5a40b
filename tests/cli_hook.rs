//! `pm hook install|uninstall` in real git repositories: where the hook goes, what it refuses to
//! touch, and that git really runs it on `git commit`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod common;
use common::INHERITED_GIT_VARS;

const MARKER: &str = "# installed by pm hook install — checks staged post-mortem reports";
const FOREIGN: &str = "#!/bin/sh\nexec lint-staged\n";

/// A temp dir holding repositories, isolated from the user's and the system's git config.
struct Sandbox {
    dir: tempfile::TempDir,
    global_config: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let global_config = dir.path().join("gitconfig");
        std::fs::write(&global_config, "").unwrap();
        Self { dir, global_config }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn isolate(&self, cmd: &mut std::process::Command) {
        for var in INHERITED_GIT_VARS {
            cmd.env_remove(var);
        }
        cmd.envs(self.env());
    }

    fn env(&self) -> [(&'static str, OsString); 6] {
        [
            ("GIT_CONFIG_NOSYSTEM", "1".into()),
            ("GIT_CONFIG_GLOBAL", self.global_config.clone().into()),
            ("GIT_CEILING_DIRECTORIES", self.path().into()),
            ("GIT_AUTHOR_DATE", "2024-03-01T10:00:00Z".into()),
            ("GIT_COMMITTER_DATE", "2024-03-01T10:00:00Z".into()),
            ("NO_COLOR", "1".into()),
        ]
    }

    /// Runs git in `dir` and returns its standard output; fails the test when git fails.
    fn git(&self, dir: &Path, args: &[&str]) -> String {
        let mut cmd = std::process::Command::new("git");
        cmd.args(args).current_dir(dir);
        self.isolate(&mut cmd);
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A new repository `name` with a local identity and one commit.
    fn repo(&self, name: &str) -> PathBuf {
        let root = self.path().join(name);
        std::fs::create_dir_all(&root).unwrap();
        self.git(&root, &["init", "-q", "-b", "main"]);
        self.git(&root, &["config", "user.name", "Test User"]);
        self.git(&root, &["config", "user.email", "test@example.com"]);
        std::fs::write(root.join("README.md"), "# incidents\n").unwrap();
        self.git(&root, &["add", "README.md"]);
        self.git(&root, &["commit", "-q", "-m", "initial"]);
        root
    }

    fn pm(&self, dir: &Path) -> Command {
        let mut cmd = Command::cargo_bin("pm").unwrap();
        cmd.current_dir(dir);
        for var in INHERITED_GIT_VARS {
            cmd.env_remove(var);
        }
        cmd.envs(self.env());
        cmd
    }

    /// Runs pm in `dir`; its output with `/` for path separators, so expectations hold on Windows.
    fn run_pm(&self, dir: &Path, args: &[&str]) -> Outcome {
        let out = self.pm(dir).args(args).output().unwrap();
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace('\\', "/");
        Outcome {
            code: out.status.code(),
            stdout: text(&out.stdout),
            stderr: text(&out.stderr),
        }
    }
}

/// What a process did, for assertions.
#[derive(Debug)]
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn success(&self) -> &Self {
        assert_eq!(self.code, Some(0), "{self:#?}");
        self
    }

    fn code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{self:#?}");
        self
    }

    fn stdout(&self, expected: &str) -> &Self {
        assert_eq!(self.stdout, expected, "{self:#?}");
        self
    }

    fn stderr_has(&self, parts: &[&str]) -> &Self {
        for part in parts {
            assert!(self.stderr.contains(part), "no {part:?} in {self:#?}");
        }
        self
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Copies `from` to an executable `to` with `cp`, so that no write handle to `to` is ever open in
/// this process: a test thread forking meanwhile would inherit it, and Linux refuses to run a file
/// open for writing ("Text file busy").
#[cfg(unix)]
fn copy_executable(from: &Path, to: &Path) {
    let status = std::process::Command::new("cp")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
    let status = std::process::Command::new("chmod")
        .arg("755")
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

/// PATH without any folder that holds a `pm`, with `first` in front when given.
fn path_without_pm(first: Option<&Path>) -> OsString {
    let original = std::env::var_os("PATH").unwrap_or_default();
    let rest = std::env::split_paths(&original).filter(|d| !d.join("pm").exists());
    std::env::join_paths(first.map(Path::to_path_buf).into_iter().chain(rest)).unwrap()
}

#[test]
fn install_writes_an_executable_hook_with_the_marker() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    sb.run_pm(&root, &["hook", "install"])
        .success()
        .stdout("installed .git/hooks/pre-commit\n");
    let hook = root.join(".git/hooks/pre-commit");
    let text = read(&hook);
    assert!(text.starts_with("#!/bin/sh\n"), "{text}");
    assert_eq!(text.lines().nth(1), Some(MARKER));
    assert!(text.contains("exec pm check --staged\n"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&hook).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755);
    }
    // Nothing but the hook is left in the hooks folder (no temp files).
    let mut names: Vec<_> = std::fs::read_dir(root.join(".git/hooks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.ends_with(".sample"))
        .collect();
    names.sort();
    assert_eq!(names, ["pre-commit"]);
}

#[test]
fn installing_twice_is_fine() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    sb.run_pm(&root, &["hook", "install"]).success();
    let first = read(&root.join(".git/hooks/pre-commit"));
    sb.run_pm(&root, &["hook", "install"])
        .success()
        .stdout("installed .git/hooks/pre-commit\n");
    assert_eq!(read(&root.join(".git/hooks/pre-commit")), first);
    assert!(!root.join(".git/hooks/pre-commit.bak").exists());
}

#[test]
fn install_works_from_a_subdirectory() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    let sub = root.join("postmortems/2024-01-01-x");
    std::fs::create_dir_all(&sub).unwrap();
    sb.run_pm(&sub, &["hook", "install"])
        .success()
        .stdout("installed ../../.git/hooks/pre-commit\n");
    assert!(read(&root.join(".git/hooks/pre-commit")).contains(MARKER));
}

#[test]
fn a_foreign_hook_is_refused_and_left_unchanged() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    let hook = root.join(".git/hooks/pre-commit");
    std::fs::write(&hook, FOREIGN).unwrap();
    sb.run_pm(&root, &["hook", "install"])
        .code(2)
        .stdout("")
        .stderr_has(&[
            ".git/hooks/pre-commit exists",
            "not installed by pm",
            "--force",
            ".git/hooks/pre-commit.bak",
        ]);
    assert_eq!(read(&hook), FOREIGN);
    assert!(!root.join(".git/hooks/pre-commit.bak").exists());
}

#[test]
fn force_keeps_the_foreign_hook_as_a_backup_and_never_clobbers_one() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    let hooks = root.join(".git/hooks");
    std::fs::write(hooks.join("pre-commit"), FOREIGN).unwrap();
    sb.run_pm(&root, &["hook", "install", "--force"])
        .success()
        .stdout("installed .git/hooks/pre-commit\n")
        .stderr_has(&["moved the previous hook to .git/hooks/pre-commit.bak\n"]);
    assert_eq!(read(&hooks.join("pre-commit.bak")), FOREIGN);
    assert!(read(&hooks.join("pre-commit")).contains(MARKER));

    // Another tool takes the hook over again; a second --force keeps both foreign hooks.
    let second = "#!/bin/sh\necho second\n";
    std::fs::write(hooks.join("pre-commit"), second).unwrap();
    sb.run_pm(&root, &["hook", "install", "--force"])
        .success()
        .stderr_has(&["moved the previous hook to .git/hooks/pre-commit.bak.1\n"]);
    assert_eq!(read(&hooks.join("pre-commit.bak")), FOREIGN);
    assert_eq!(read(&hooks.join("pre-commit.bak.1")), second);
    assert!(read(&hooks.join("pre-commit")).contains(MARKER));

    // --force over pm's own hook makes no backup.
    sb.run_pm(&root, &["hook", "install", "--force"]).success();
    assert!(!hooks.join("pre-commit.bak.2").exists());
}

#[test]
fn core_hooks_path_is_honoured() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    sb.git(&root, &["config", "core.hooksPath", ".githooks"]);
    sb.run_pm(&root, &["hook", "install"])
        .success()
        .stdout("installed .githooks/pre-commit\n");
    assert!(read(&root.join(".githooks/pre-commit")).contains(MARKER));
    assert!(!root.join(".git/hooks/pre-commit").exists());
}

#[test]
fn a_linked_worktree_installs_into_the_common_hooks_folder() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    sb.git(&root, &["worktree", "add", "-q", "../wt"]);
    let worktree = sb.path().join("wt");
    assert!(worktree.join(".git").is_file());
    let outcome = sb.run_pm(&worktree, &["hook", "install"]);
    outcome.success();
    assert!(
        outcome.stdout.ends_with("/r/.git/hooks/pre-commit\n"),
        "{outcome:#?}"
    );
    assert!(read(&root.join(".git/hooks/pre-commit")).contains(MARKER));
    assert!(!root.join(".git/worktrees/wt/hooks").exists());
}

#[test]
fn a_submodule_installs_into_its_own_git_dir() {
    let sb = Sandbox::new();
    sb.repo("lib");
    let root = sb.repo("super");
    sb.git(
        &root,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            "../lib",
            "lib",
        ],
    );
    let sub = root.join("lib");
    assert!(sub.join(".git").is_file());
    sb.run_pm(&sub, &["hook", "install"]).success();
    assert!(read(&root.join(".git/modules/lib/hooks/pre-commit")).contains(MARKER));
    assert!(!root.join(".git/hooks/pre-commit").exists());
}

#[test]
fn uninstall_removes_only_pms_hook() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    let hook = root.join(".git/hooks/pre-commit");
    sb.run_pm(&root, &["hook", "install"]).success();
    sb.run_pm(&root, &["hook", "uninstall"])
        .success()
        .stdout("removed .git/hooks/pre-commit\n");
    assert!(!hook.exists());

    // Nothing to remove is not an error.
    sb.run_pm(&root, &["hook", "uninstall"])
        .success()
        .stdout("")
        .stderr_has(&["no pre-commit hook at .git/hooks/pre-commit: nothing to remove"]);

    std::fs::write(&hook, FOREIGN).unwrap();
    sb.run_pm(&root, &["hook", "uninstall"])
        .code(2)
        .stdout("")
        .stderr_has(&[".git/hooks/pre-commit was not installed by pm"]);
    assert_eq!(read(&hook), FOREIGN);
}

#[test]
fn uninstall_mentions_the_backup_and_restores_nothing() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    let hooks = root.join(".git/hooks");
    std::fs::write(hooks.join("pre-commit"), FOREIGN).unwrap();
    sb.run_pm(&root, &["hook", "install", "--force"]).success();
    sb.run_pm(&root, &["hook", "uninstall"])
        .success()
        .stderr_has(&["mv .git/hooks/pre-commit.bak .git/hooks/pre-commit"]);
    assert!(!hooks.join("pre-commit").exists());
    assert_eq!(read(&hooks.join("pre-commit.bak")), FOREIGN);
}

#[test]
fn outside_a_repository_is_an_error() {
    let sb = Sandbox::new();
    let dir = sb.path().join("plain");
    std::fs::create_dir_all(&dir).unwrap();
    for command in ["install", "uninstall"] {
        sb.run_pm(&dir, &["hook", command])
            .code(2)
            .stdout("")
            .stderr_has(&["not in a git repository", "-C DIR"]);
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn the_git_folder_itself_is_not_a_work_tree() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    sb.run_pm(&root.join(".git"), &["hook", "install"])
        .code(2)
        .stderr_has(&["not inside a git work tree"]);
}

#[cfg(unix)]
#[test]
fn git_commit_runs_the_hook_with_the_built_pm() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    sb.run_pm(&root, &["hook", "install"]).success();
    let bin = Path::new(env!("CARGO_BIN_EXE_pm"));
    let path = path_without_pm(bin.parent());
    std::fs::write(root.join("notes.txt"), "not a report\n").unwrap();
    sb.git(&root, &["add", "notes.txt"]);
    let mut commit = std::process::Command::new("git");
    commit
        .args(["commit", "-q", "-m", "notes"])
        .current_dir(&root)
        .env("PATH", &path);
    sb.isolate(&mut commit);
    let out = commit.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sb.git(&root, &["log", "-1", "--format=%s"]), "notes\n");
}

/// A stand-in `pm` on PATH shows what the hook runs, where, and that its exit code stops git.
#[cfg(unix)]
#[test]
fn the_hook_runs_pm_check_staged_at_the_root_and_its_failure_stops_the_commit() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    let sub = root.join("postmortems");
    std::fs::create_dir_all(&sub).unwrap();
    sb.run_pm(&root, &["hook", "install"]).success();

    let fake_bin = sb.path().join("fake-bin");
    std::fs::create_dir_all(&fake_bin).unwrap();
    let log = sb.path().join("pm.log");
    let fake = fake_bin.join("pm");
    let source = sb.path().join("fake-pm.sh");
    std::fs::write(
        &source,
        format!(
            "#!/bin/sh\nprintf '%s|%s\\n' \"$(pwd -P)\" \"$*\" >> '{}'\nexit 1\n",
            log.display()
        ),
    )
    .unwrap();
    copy_executable(&source, &fake);

    std::fs::write(sub.join("a.md"), "no front matter\n").unwrap();
    sb.git(&root, &["add", "."]);
    let mut commit = std::process::Command::new("git");
    commit
        .args(["-C", "postmortems", "commit", "-q", "-m", "report"])
        .current_dir(&root)
        .env("PATH", path_without_pm(Some(&fake_bin)));
    sb.isolate(&mut commit);
    let out = commit.output().unwrap();
    assert!(
        !out.status.success(),
        "the failing check must stop the commit"
    );
    let root_physical = root.canonicalize().unwrap();
    assert_eq!(
        read(&log),
        format!("{}|check --staged\n", root_physical.display())
    );
    assert_eq!(sb.git(&root, &["log", "-1", "--format=%s"]), "initial\n");
}

/// Without pm on PATH the hook runs the pm that installed it, by its absolute path, quoted for
/// sh; when that is gone too, it stops the commit and says why.
#[cfg(unix)]
#[test]
fn the_hook_falls_back_to_the_installing_pm_and_says_when_it_is_gone() {
    let sb = Sandbox::new();
    let root = sb.repo("r");
    let odd = sb.path().join("it's a $dir");
    std::fs::create_dir_all(&odd).unwrap();
    let copy = odd.join("pm");
    copy_executable(Path::new(env!("CARGO_BIN_EXE_pm")), &copy);
    let mut install = std::process::Command::new(&copy);
    install.args(["hook", "install"]).current_dir(&root);
    sb.isolate(&mut install);
    let status = install.status().unwrap();
    assert!(status.success());
    assert!(read(&root.join(".git/hooks/pre-commit")).contains("it'\\''s a $dir/pm'"));

    let path = path_without_pm(None);
    let commit = |message: &str| {
        let mut cmd = std::process::Command::new("git");
        cmd.args(["commit", "-q", "--allow-empty", "-m", message])
            .current_dir(&root)
            .env("PATH", &path);
        sb.isolate(&mut cmd);
        cmd.output().unwrap()
    };
    let out = commit("with the installing pm");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    std::fs::remove_file(&copy).unwrap();
    let out = commit("with no pm at all");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pm is not on PATH"), "{stderr}");
    assert!(stderr.contains("--no-verify"), "{stderr}");
}
