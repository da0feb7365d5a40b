//! The command line: clap definitions, global options, and one file per subcommand. This is the
//! only module that prints. Exit codes: 0 success, 1 findings (a command's checks failed),
//! 2 `pm` could not do its job (bad arguments, unreadable config, refusing to overwrite).

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod actions;
mod build;
mod check;
mod commits;
mod hook;
mod init;
mod new;
mod stats;
mod timeline;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Workspace;
use crate::error::{Error, Result};

/// Post-mortems as code: scaffold, validate, correlate and publish incident reports kept in git.
#[derive(Debug, Parser)]
#[command(name = "pm", version, about, max_term_width = 100)]
pub struct Cli {
    /// Run as if pm was started in DIR.
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,

    /// Use this config file instead of the pm.toml found by walking up from the working directory.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only results and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check reports: structure, timeline, root cause analysis, action items, language.
    Check(check::Args),
    /// Create a report from the template and print its path.
    New(new::Args),
    /// Write a commented pm.toml with every default, and the report template for editing.
    Init(init::Args),
    /// List the commits that landed around an incident, ranked as suspects.
    Commits(commits::Args),
    /// Build timeline rows from log files (and commits).
    Timeline(timeline::Args),
    /// List every action item of every report: owners, due dates, status.
    Actions(actions::Args),
    /// Incident metrics: counts, TTD/TTM/TTR, action item completion, recurrence.
    Stats(stats::Args),
    /// Render the static archive of every report.
    Build(build::Args),
    /// Install or remove the git pre-commit hook that checks staged reports.
    #[command(subcommand)]
    Hook(hook::Command),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What every command gets: where it runs, how to print.
#[derive(Debug)]
pub struct Context {
    pub cwd: PathBuf,
    pub config_file: Option<PathBuf>,
    pub quiet: bool,
    color: anstream::ColorChoice,
}

impl Context {
    /// The configuration in force (found by walking up, or `--config`).
    pub fn workspace(&self) -> Result<Workspace> {
        Workspace::discover(&self.cwd, self.config_file.as_deref())
    }

    /// A path for messages: relative to the working directory when under it.
    pub fn display_path(&self, path: &Path) -> String {
        path.strip_prefix(&self.cwd)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Standard output, colour-aware.
    pub fn stdout(&self) -> anstream::AutoStream<io::StdoutLock<'static>> {
        anstream::AutoStream::new(io::stdout().lock(), self.color)
    }

    /// A note on standard error (`-q` silences it).
    pub fn note(&self, message: &str) {
        if !self.quiet {
            let mut err = anstream::AutoStream::new(io::stderr().lock(), self.color);
            let _ = writeln!(err, "{message}");
        }
    }

    /// A warning on standard error (not silenced by `-q`: it changes what the output means).
    pub fn warn(&self, message: &str) {
        let style = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
        let mut err = anstream::AutoStream::new(io::stderr().lock(), self.color);
        let _ = writeln!(err, "{style}warning{style:#}: {message}");
    }

    fn error(&self, message: &str) {
        let style = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
        let mut err = anstream::AutoStream::new(io::stderr().lock(), self.color);
        let _ = writeln!(err, "{style}error{style:#}: {message}");
    }
}

/// Parses the command line, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let color = match cli.color {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    let base = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot read the working directory: {e}");
            return ExitCode::from(2);
        }
    };
    let cwd = cli
        .chdir
        .as_ref()
        .map_or_else(|| base.clone(), |d| base.join(d));
    let ctx = Context {
        cwd,
        config_file: cli.config.clone(),
        quiet: cli.quiet,
        color,
    };
    if !ctx.cwd.is_dir() {
        ctx.error(&format!("-C {}: not a directory", ctx.cwd.display()));
        return ExitCode::from(2);
    }
    let outcome = match cli.command {
        Command::Check(args) => check::run(&ctx, &args),
        Command::New(args) => new::run(&ctx, &args),
        Command::Init(args) => init::run(&ctx, &args),
        Command::Hook(command) => hook::run(&ctx, &command),
        Command::Commits(args) => commits::run(&ctx, &args),
        Command::Timeline(args) => timeline::run(&ctx, &args),
        Command::Actions(args) => actions::run(&ctx, &args),
        Command::Stats(args) => stats::run(&ctx, &args),
        Command::Build(args) => build::run(&ctx, &args),
    };
    match outcome {
        Ok(code) => code,
        Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            ctx.error(&e.to_string());
            ExitCode::from(2)
        }
    }
}

/// Writes a new file, never replacing one: the file is created exclusively, and removed again if
/// writing it fails half-way (it is ours: nobody else's data is lost).
pub(crate) fn create_new_file(path: &Path, contents: &str, hint: &str) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(Error::AlreadyExists {
                path: path.to_owned(),
                hint: hint.to_owned(),
            });
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    if let Err(e) = file
        .write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
    {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(Error::io(path, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn create_new_file_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/report.md");
        create_new_file(&path, "first", "hint").unwrap();
        let err = create_new_file(&path, "second", "pick another name").unwrap_err();
        assert!(err.to_string().contains("pick another name"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
    }
}
