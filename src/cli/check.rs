//! `pm check`: find the reports (all of them, the paths given, or the staged ones), load them in
//! parallel, run every rule, and print the diagnostics in the chosen format.
//! Exit 0: no errors; 1: errors (or warnings with `--deny-warnings`); 2: pm could not run.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{NaiveDate, Utc};
use rayon::prelude::*;

use super::Context;
use crate::archive::{self, normalize, walk};
use crate::config::Workspace;
use crate::diagnostic::{self, Diagnostic, Summary};
use crate::error::{Error, Result};
use crate::layout::{display_path, is_report};
use crate::output::{self, Format, HumanOptions};
use crate::report::time::parse_date;
use crate::report::{LoadOptions, Report};
use crate::rules::repository;
use crate::rules::{self, CheckOptions, Checker, Kept, RULES};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reports or folders to check. Default: every report under the configured reports folder.
    /// Markdown files in that folder that are not reports (a README, notes beside a report) are skipped.
    pub paths: Vec<PathBuf>,

    /// Check the staged versions of the staged reports: exactly what `git commit` will record.
    #[arg(long, conflicts_with = "paths")]
    pub staged: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human, value_name = "FORMAT")]
    pub format: Format,

    /// Exit with 1 on warnings too, not only on errors.
    #[arg(long)]
    pub deny_warnings: bool,

    /// Also report open action items past their due date (PM408), e.g. in a scheduled CI job.
    #[arg(long)]
    pub overdue: bool,

    /// The date `--overdue` counts from. Default: today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
    pub as_of: Option<NaiveDate>,

    /// Explain a rule (by code like PM402 or name like action-owner-missing) and exit.
    #[arg(long, value_name = "RULE", conflicts_with_all = ["paths", "staged", "list_rules"])]
    pub explain: Option<String>,

    /// List every rule with its code, name and default severity, and exit.
    #[arg(long, conflicts_with_all = ["paths", "staged"])]
    pub list_rules: bool,
}

fn parse_date_arg(text: &str) -> std::result::Result<NaiveDate, String> {
    parse_date(text).ok_or_else(|| format!("`{text}` is not a calendar date: use YYYY-MM-DD"))
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let mut out = ctx.stdout();
    let write_err = |e| Error::io("<stdout>", e);
    if args.list_rules {
        for r in RULES {
            writeln!(
                out,
                "{}  {:<28} {:<8} {}",
                r.code, r.name, r.severity, r.summary
            )
            .map_err(write_err)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(key) = &args.explain {
        let rule = rules::lookup(key).ok_or_else(|| {
            Error::Usage(format!(
                "no rule `{key}`: `pm check --list-rules` lists them"
            ))
        })?;
        writeln!(
            out,
            "{} {} (default: {})\n\n{}",
            rule.code,
            rule.name,
            rule.severity,
            rules::explanation(rule)
        )
        .map_err(write_err)?;
        return Ok(ExitCode::SUCCESS);
    }

    let ws = ctx.workspace()?;
    let reports_dir = normalize(&ws.reports_dir());
    let inputs = collect(ctx, args, &ws, &reports_dir)?;
    let checker = Checker::new(
        ws.config.clone(),
        CheckOptions {
            overdue: args.overdue,
            as_of: args.as_of.unwrap_or_else(|| Utc::now().date_naive()),
        },
    )?;
    let load_options = LoadOptions::new(&ws.config);
    let base = display_base(ctx, args.format);
    let file_name = &ws.config.reports.file_name;
    // Each file is loaded and checked in one go and then dropped: only what the rules across
    // reports need of it is kept.
    let check_one = |input: Input| -> (PathBuf, Checked) {
        let shown = display_path(&input.path, &base);
        let report = match input.bytes {
            Some(bytes) => Report::from_vec(&input.path, bytes, &load_options),
            None => Report::load(&input.path, &load_options),
        };
        let checked = match report {
            Ok(report) => {
                let diagnostics = checker.diagnose(&report, &shown, checker.findings(&report));
                let entry = repository::Entry::new(
                    &report,
                    input.path.strip_prefix(&reports_dir).ok(),
                    file_name,
                );
                let kept = Kept::new(&report, &entry.lines());
                Checked::Report {
                    shown,
                    diagnostics,
                    entry,
                    kept,
                }
            }
            Err(e) => Checked::Unreadable(checker.unreadable(&e, &shown)),
        };
        (input.path, checked)
    };
    let checked: Vec<(PathBuf, Checked)> = match inputs {
        Inputs::Listed(inputs) => inputs.into_par_iter().map(check_one).collect(),
        Inputs::Archive(dir) => {
            // The walk feeds the checks as it finds files rather than being a step of its own:
            // it runs on a thread of its own and spawns a job per file on the pool (the worker
            // that started it joins in once it is done). Sorting by path then gives the order
            // of a sorted walk.
            let found = std::sync::Mutex::new(Vec::new());
            let (ws, dir, found_ref, check_one) = (&ws, &dir, &found, &check_one);
            rayon::scope(|scope| {
                archive::each_report_file(ws, dir, archive::Walkers::One, |path| {
                    scope.spawn(move |_| {
                        let checked = check_one(Input { path, bytes: None });
                        found_ref
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push(checked);
                    });
                });
            });
            let mut checked = found
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            checked.sort_by(|a, b| a.0.cmp(&b.0));
            checked
        }
    };
    let files = checked.len();

    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut per_file: Vec<Diagnostic> = Vec::new();
    let mut entries: Vec<repository::Entry> = Vec::new();
    let mut kept: Vec<(PathBuf, Kept)> = Vec::new();
    for (_, c) in checked {
        match c {
            Checked::Report {
                shown,
                diagnostics: found,
                entry,
                kept: k,
            } => {
                per_file.extend(found);
                entries.push(entry);
                kept.push((shown, k));
            }
            Checked::Unreadable(d) => diagnostics.extend(d),
        }
    }
    diagnostics.append(&mut per_file);
    // `related` can only be checked when every report was read (a full run, as in CI).
    let full_run = args.paths.is_empty() && !args.staged;
    let all_ids: Option<BTreeSet<String>> =
        full_run.then(|| entries.iter().map(|e| e.id.clone()).collect());
    for ((shown, k), findings) in kept.iter().zip(repository::check_entries(
        &checker,
        &entries,
        all_ids.as_ref(),
    )) {
        diagnostics.extend(checker.diagnose_kept(k, shown, findings));
    }

    diagnostic::sort(&mut diagnostics);
    let summary = Summary::new(files, &diagnostics);
    output::render(
        args.format,
        &diagnostics,
        summary,
        HumanOptions { color: true },
        &mut out,
    )
    .map_err(write_err)?;
    out.flush().map_err(write_err)?;
    let failed = summary.errors > 0 || (args.deny_warnings && summary.warnings > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What paths are shown relative to. GitHub annotations and code scanning place findings by
/// the path from the repository root, wherever pm runs (an action's `working-directory`); people
/// read paths from where they stand.
fn display_base(ctx: &Context, format: Format) -> PathBuf {
    if !matches!(format, Format::Github | Format::Sarif) {
        return ctx.cwd.clone();
    }
    let workspace = std::env::var_os("GITHUB_WORKSPACE").map(|w| normalize(&ctx.cwd.join(w)));
    if let Some(w) = workspace.filter(|w| ctx.cwd.starts_with(w)) {
        return w;
    }
    ctx.cwd
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map_or_else(|| ctx.cwd.clone(), Path::to_owned)
}

/// What is left of a file once it was checked.
#[derive(Debug)]
enum Checked {
    Report {
        shown: PathBuf,
        /// The findings of the rules on the file alone.
        diagnostics: Vec<Diagnostic>,
        /// What the rules across reports need.
        entry: repository::Entry,
        kept: Kept,
    },
    /// PM000 (`None` when it is turned off).
    Unreadable(Option<Diagnostic>),
}

/// The files to check: listed up front, or every report of the archive (its folder).
#[derive(Debug)]
enum Inputs {
    Listed(Vec<Input>),
    Archive(PathBuf),
}

/// A file to check: its path, and its bytes when they do not come from the work tree.
#[derive(Debug)]
struct Input {
    path: PathBuf,
    bytes: Option<Vec<u8>>,
}

fn collect(ctx: &Context, args: &Args, ws: &Workspace, reports_dir: &Path) -> Result<Inputs> {
    let reports = &ws.config.reports;
    let report_in_dir = |path: &Path| {
        path.strip_prefix(reports_dir)
            .map_or(true, |rel| is_report(rel, reports))
    };
    let mut inputs = Vec::new();
    if args.staged {
        for file in crate::git::staged_files(&ctx.cwd, reports_dir, |rel| is_report(rel, reports))?
        {
            inputs.push(Input {
                path: normalize(&file.path),
                bytes: Some(file.bytes),
            });
        }
        return Ok(Inputs::Listed(inputs));
    }
    if args.paths.is_empty() {
        return Ok(Inputs::Archive(archive::existing_reports_dir(ws)?));
    }
    for arg in &args.paths {
        let path = normalize(&ctx.cwd.join(arg));
        if path.is_dir() {
            let found = walk(&path, &report_in_dir);
            inputs.extend(found.into_iter().map(|path| Input { path, bytes: None }));
        } else if report_in_dir(&path) || !path.exists() {
            // A path that does not exist (or is a broken symlink) is reported as PM000.
            inputs.push(Input { path, bytes: None });
        }
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs.dedup_by(|a, b| a.path == b.path);
    Ok(Inputs::Listed(inputs))
}
