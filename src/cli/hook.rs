//! `pm hook install|uninstall`: the git pre-commit hook that runs `pm check --staged`. git itself
//! says where hooks live (`core.hooksPath`, linked worktrees, submodules), and pm only ever
//! replaces or removes a hook that carries its marker line.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Context;
use crate::error::{Error, Result};

/// The line that tells pm a hook is its own. Never change it: hooks installed by older versions
/// must still be recognised.
const MARKER: &str = "# installed by pm hook install — checks staged post-mortem reports";

const HOOK_NAME: &str = "pre-commit";

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Install the git pre-commit hook that runs `pm check --staged`.
    ///
    /// The hook goes where git looks for it (`core.hooksPath`, the common git dir of a linked
    /// worktree, a submodule's git dir). It uses `pm` from PATH when there is one, else this pm.
    Install {
        /// Move a pre-commit hook that pm did not write to pre-commit.bak (or .bak.1, .bak.2, …)
        /// and install pm's.
        #[arg(long)]
        force: bool,
    },
    /// Remove the pre-commit hook, if pm installed it.
    Uninstall,
}

pub fn run(ctx: &Context, command: &Command) -> Result<ExitCode> {
    match command {
        Command::Install { force } => install(ctx, *force),
        Command::Uninstall => uninstall(ctx),
    }
}

fn install(ctx: &Context, force: bool) -> Result<ExitCode> {
    let hooks = hooks_dir(&ctx.cwd)?;
    let hook = hooks.join(HOOK_NAME);
    let exe = std::env::current_exe().map_err(|e| {
        Error::Usage(format!(
            "cannot find the path of the running pm ({e}), which the hook falls back to when pm \
             is not on PATH; run pm from its installed location"
        ))
    })?;
    let script = hook_script(&exe)?;

    let previous = read_hook(&hook)?;
    if previous.as_deref() == Some(script.as_slice()) && is_executable(&hook) {
        writeln!(ctx.stdout(), "installed {}", ctx.display_path(&hook))
            .map_err(|e| Error::io("<stdout>", e))?;
        ctx.note("the hook was already installed and up to date");
        return Ok(ExitCode::SUCCESS);
    }
    let foreign = previous.as_deref().is_some_and(|bytes| !is_pm_hook(bytes));
    if foreign && !force {
        return Err(Error::Usage(format!(
            "{} exists and was not installed by pm; pm leaves it alone. Run `pm hook install \
             --force` to move it to {} and install pm's hook, or call `pm check --staged` from \
             your own hook",
            ctx.display_path(&hook),
            ctx.display_path(&free_backup_path(&hook)?),
        )));
    }

    std::fs::create_dir_all(&hooks).map_err(|e| Error::io(&hooks, e))?;
    // Write the new hook beside its destination first, so a failure leaves the old one in place
    // and a crash never leaves half a hook.
    let temp = write_temp(&hooks, &script)?;
    let backup = if foreign {
        match backup_hook(&hook) {
            Ok(backup) => Some(backup),
            Err(e) => {
                let _ = std::fs::remove_file(&temp);
                return Err(e);
            }
        }
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&temp, &hook) {
        let _ = std::fs::remove_file(&temp);
        if let Some(backup) = &backup {
            // Put the user's hook back where it was rather than leave no hook at all.
            let _ = std::fs::rename(backup, &hook);
        }
        return Err(Error::io(&hook, e));
    }

    writeln!(ctx.stdout(), "installed {}", ctx.display_path(&hook))
        .map_err(|e| Error::io("<stdout>", e))?;
    if let Some(backup) = backup {
        ctx.note(&format!(
            "moved the previous hook to {}",
            ctx.display_path(&backup)
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn uninstall(ctx: &Context) -> Result<ExitCode> {
    let hooks = hooks_dir(&ctx.cwd)?;
    let hook = hooks.join(HOOK_NAME);
    let backup_note = latest_backup(&hook)?.map(|backup| {
        format!(
            "a backup of an earlier hook is at {b}; to restore it: mv {b} {h}",
            b = ctx.display_path(&backup),
            h = ctx.display_path(&hook),
        )
    });
    match read_hook(&hook)? {
        None => {
            ctx.note(&format!(
                "no pre-commit hook at {}: nothing to remove",
                ctx.display_path(&hook)
            ));
        }
        Some(bytes) if !is_pm_hook(&bytes) => {
            let mut message = format!(
                "{} was not installed by pm (it lacks pm's marker line), so pm leaves it alone; \
                 delete it yourself if you no longer want it",
                ctx.display_path(&hook)
            );
            if let Some(note) = &backup_note {
                message.push_str("; ");
                message.push_str(note);
            }
            return Err(Error::Usage(message));
        }
        Some(_) => {
            std::fs::remove_file(&hook).map_err(|e| Error::io(&hook, e))?;
            writeln!(ctx.stdout(), "removed {}", ctx.display_path(&hook))
                .map_err(|e| Error::io("<stdout>", e))?;
        }
    }
    if let Some(note) = backup_note {
        ctx.note(&note);
    }
    Ok(ExitCode::SUCCESS)
}

/// The hooks folder exactly as git resolves it, asked from git in the working tree.
fn hooks_dir(cwd: &Path) -> Result<PathBuf> {
    let output = std::process::Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree", "--git-path", "hooks"])
        .current_dir(cwd)
        .output()
        .map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                Error::Usage(
                    "git was not found on PATH; pm asks git where the repository's hooks live, \
                     so install git first"
                        .into(),
                )
            } else {
                Error::Usage(format!("cannot run git: {e}"))
            }
        })?;
    let stdout = output.stdout;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr.trim().trim_start_matches("fatal: ");
        // git's own words when it is something else, like a repository owned by another user.
        let detail = if reason.starts_with("not a git repository") {
            String::new()
        } else {
            format!(" (git says: {reason})")
        };
        return Err(Error::Usage(format!(
            "{}: not in a git repository{detail}; run pm hook in your repository's work tree, \
             or point at it with -C DIR",
            cwd.display()
        )));
    }
    let stdout = stdout.strip_suffix(b"\n").unwrap_or(&stdout);
    let Some((inside, path)) = split_once(stdout, b'\n') else {
        return Err(Error::Usage(format!(
            "unexpected answer from `git rev-parse --git-path hooks` in {}: {}",
            cwd.display(),
            String::from_utf8_lossy(stdout)
        )));
    };
    if inside != b"true" {
        return Err(Error::Usage(format!(
            "{}: not inside a git work tree (a bare repository or the .git folder); the \
             pre-commit hook only runs where commits are made, so run pm hook in a work tree",
            cwd.display()
        )));
    }
    // Relative answers are relative to the folder git ran in.
    Ok(cwd.join(path_from_bytes(path)?))
}

fn split_once(bytes: &[u8], separator: u8) -> Option<(&[u8], &[u8])> {
    let at = bytes.iter().position(|&b| b == separator)?;
    Some((&bytes[..at], &bytes[at + 1..]))
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> Result<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Result<PathBuf> {
    std::str::from_utf8(bytes).map(PathBuf::from).map_err(|_| {
        Error::Usage("git named a hooks folder whose path is not UTF-8; pm cannot use it".into())
    })
}

/// The bytes of the hook, or `None` when there is none.
fn read_hook(hook: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(hook) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A dangling symlink reads as not found but is still someone's hook.
            if std::fs::symlink_metadata(hook).is_ok() {
                Ok(Some(Vec::new()))
            } else {
                Ok(None)
            }
        }
        Err(e) => Err(Error::io(hook, e)),
    }
}

fn is_pm_hook(bytes: &[u8]) -> bool {
    // The marker is the second line; looking at the first few lines tolerates a hand-added line.
    bytes
        .split(|&b| b == b'\n')
        .take(5)
        .any(|line| line.strip_suffix(b"\r").unwrap_or(line) == MARKER.as_bytes())
}

/// The hook script: POSIX sh, run by git from the work tree's root.
fn hook_script(exe: &Path) -> Result<Vec<u8>> {
    let mut script = Vec::new();
    script.extend_from_slice(
        format!(
            "#!/bin/sh\n\
             {MARKER}\n\
             #\n\
             # Runs `pm check --staged` from the repository root, where pm.toml lives, and stops\n\
             # the commit when a staged report has errors. Skip it once with\n\
             # `git commit --no-verify`; remove it with `pm hook uninstall`. It runs pm from PATH\n\
             # when there is one, else the pm that installed it.\n\
             \n\
             top=$(git rev-parse --show-toplevel) || exit 2\n\
             cd \"$top\" || exit 2\n\
             if command -v pm >/dev/null 2>&1; then\n\
             \x20   exec pm check --staged\n\
             fi\n\
             pm="
        )
        .as_bytes(),
    );
    script.extend_from_slice(&sh_quote(&exe_for_sh(exe)?));
    script.extend_from_slice(
        b"\n\
          if [ -x \"$pm\" ]; then\n\
          \x20   exec \"$pm\" check --staged\n\
          fi\n\
          printf '%s\\n' \"pre-commit: pm is not on PATH and $pm is gone; install pm \
          (cargo install postmortem-pm) or commit with --no-verify\" >&2\n\
          exit 2\n",
    );
    Ok(script)
}

#[cfg(unix)]
fn exe_for_sh(exe: &Path) -> Result<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    Ok(exe.as_os_str().as_bytes().to_vec())
}

#[cfg(not(unix))]
fn exe_for_sh(exe: &Path) -> Result<Vec<u8>> {
    // Git for Windows runs hooks with its sh, which takes forward slashes.
    exe.to_str()
        .map(|s| s.replace('\\', "/").into_bytes())
        .ok_or_else(|| {
            Error::Usage(format!(
                "the path of the running pm is not UTF-8 ({}); install pm under another path",
                exe.display()
            ))
        })
}

/// `text` as one sh word: in single quotes, where only `'` needs care (`'\''`).
fn sh_quote(text: &[u8]) -> Vec<u8> {
    let mut quoted = Vec::with_capacity(text.len() + 2);
    quoted.push(b'\'');
    for &b in text {
        if b == b'\'' {
            quoted.extend_from_slice(b"'\\''");
        } else {
            quoted.push(b);
        }
    }
    quoted.push(b'\'');
    quoted
}

/// Writes `contents` to a new executable file in `dir` and returns its path.
fn write_temp(dir: &Path, contents: &[u8]) -> Result<PathBuf> {
    let mut attempt = 0u32;
    let (path, mut file) = loop {
        let path = dir.join(format!(
            ".{HOOK_NAME}.pm-{}-{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => break (path, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(Error::io(&path, e)),
        }
    };
    let written = file
        .write_all(contents)
        .and_then(|()| make_executable(&file))
        .and_then(|()| file.sync_all());
    drop(file);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&path);
        return Err(Error::io(&path, e));
    }
    Ok(path)
}

#[cfg(unix)]
fn make_executable(file: &std::fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_file: &std::fs::File) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 == 0o111)
}

#[cfg(not(unix))]
fn is_executable(_path: &Path) -> bool {
    true
}

/// `pre-commit.bak`, then `pre-commit.bak.1`, `.bak.2`, …: the backup names in order.
fn backup_name(hook: &Path, n: u32) -> PathBuf {
    let mut name = OsString::from(HOOK_NAME);
    name.push(".bak");
    if n > 0 {
        name.push(format!(".{n}"));
    }
    hook.with_file_name(name)
}

fn exists(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The first backup name not taken: an existing backup is never overwritten.
fn free_backup_path(hook: &Path) -> Result<PathBuf> {
    for n in 0..10_000 {
        let candidate = backup_name(hook, n);
        if !exists(&candidate)? {
            return Ok(candidate);
        }
    }
    Err(Error::Usage(format!(
        "{}: too many pre-commit.bak files; remove old ones first",
        hook.with_file_name("").display()
    )))
}

/// The most recent backup, if any.
fn latest_backup(hook: &Path) -> Result<Option<PathBuf>> {
    let mut latest = None;
    for n in 0..10_000 {
        let candidate = backup_name(hook, n);
        if !exists(&candidate)? {
            break;
        }
        latest = Some(candidate);
    }
    Ok(latest)
}

fn backup_hook(hook: &Path) -> Result<PathBuf> {
    let backup = free_backup_path(hook)?;
    std::fs::rename(hook, &backup).map_err(|e| Error::io(hook, e))?;
    Ok(backup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sh_quote_survives_quotes_and_spaces() {
        assert_eq!(sh_quote(b"/opt/my tools/pm"), b"'/opt/my tools/pm'");
        assert_eq!(sh_quote(b"/it's/pm"), b"'/it'\\''s/pm'");
        assert_eq!(sh_quote(b"$HOME/`x`"), b"'$HOME/`x`'");
    }

    #[test]
    fn the_script_carries_the_marker_on_its_second_line() {
        let script = hook_script(Path::new("/usr/local/bin/pm")).unwrap();
        let text = String::from_utf8(script.clone()).unwrap();
        assert_eq!(text.lines().nth(1), Some(MARKER));
        assert!(text.starts_with("#!/bin/sh\n"));
        assert!(text.contains("pm='/usr/local/bin/pm'\n"), "{text}");
        assert!(is_pm_hook(&script));
        assert!(!is_pm_hook(b"#!/bin/sh\nexec lint-staged\n"));
        assert!(is_pm_hook(format!("#!/bin/sh\r\n{MARKER}\r\n").as_bytes()));
    }

    #[test]
    fn backups_are_numbered_after_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let hook = dir.path().join(HOOK_NAME);
        assert_eq!(latest_backup(&hook).unwrap(), None);
        assert_eq!(
            free_backup_path(&hook).unwrap(),
            dir.path().join("pre-commit.bak")
        );
        std::fs::write(dir.path().join("pre-commit.bak"), "").unwrap();
        assert_eq!(
            free_backup_path(&hook).unwrap(),
            dir.path().join("pre-commit.bak.1")
        );
        std::fs::write(dir.path().join("pre-commit.bak.1"), "").unwrap();
        assert_eq!(
            latest_backup(&hook).unwrap(),
            Some(dir.path().join("pre-commit.bak.1"))
        );
    }
}
