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
use crate::rules::repository::{self, Placed};
use crate::rules::{self, CheckOptions, Checker, RULES};

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
    let loaded: Vec<(Input, std::result::Result<Report, _>)> = inputs
        .into_par_iter()
        .map(|input| {
            let report = match &input.bytes {
                Some(bytes) => Report::from_bytes(&input.path, bytes, &load_options),
                None => Report::load(&input.path, &load_options),
            };
            (input, report)
        })
        .collect();

    let base = display_base(ctx, args.format);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut placed: Vec<Placed> = Vec::new();
    let mut shown_of: Vec<PathBuf> = Vec::new();
    for (input, result) in &loaded {
        let shown = display_path(&input.path, &base);
        match result {
            Ok(report) => {
                placed.push(Placed {
                    report,
                    rel: input.path.strip_prefix(&reports_dir).ok(),
                });
                shown_of.push(shown);
            }
            Err(e) => diagnostics.extend(checker.unreadable(e, &shown)),
        }
    }
    let per_file: Vec<Vec<Diagnostic>> = placed
        .par_iter()
        .zip(&shown_of)
        .map(|(p, shown)| checker.diagnose(p.report, shown, checker.findings(p.report)))
        .collect();
    diagnostics.extend(per_file.into_iter().flatten());
    // `related` can only be checked when every report was read (a full run, as in CI).
    let full_run = args.paths.is_empty() && !args.staged;
    let all_ids: Option<BTreeSet<String>> = full_run.then(|| {
        placed
            .iter()
            .map(|p| p.report.id(&ws.config.reports.file_name))
            .collect()
    });
    for ((p, shown), findings) in
        placed
            .iter()
            .zip(&shown_of)
            .zip(repository::check(&checker, &placed, all_ids.as_ref()))
    {
        diagnostics.extend(checker.diagnose(p.report, shown, findings));
    }

    diagnostic::sort(&mut diagnostics);
    let summary = Summary::new(loaded.len(), &diagnostics);
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

/// A file to check: its path, and its bytes when they do not come from the work tree.
#[derive(Debug)]
struct Input {
    path: PathBuf,
    bytes: Option<Vec<u8>>,
}

fn collect(ctx: &Context, args: &Args, ws: &Workspace, reports_dir: &Path) -> Result<Vec<Input>> {
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
        return Ok(inputs);
    }
    if args.paths.is_empty() {
        let files = archive::report_files(ws)?;
        inputs.extend(files.into_iter().map(|path| Input { path, bytes: None }));
        return Ok(inputs);
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
    Ok(inputs)
}
