//! `pm build`: render the static archive of every report into a folder (default `site/` in the
//! workspace root), replacing it whole. Exit 0: built; 1: `--strict` and a report has errors
//! (nothing written); 2: pm could not build (bad arguments, a foreign output folder, a broken
//! template).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use super::Context;
use crate::archive::normalize;
use crate::diagnostic::{Diagnostic, Summary};
use crate::error::{Error, Result};
use crate::output::{self, Format, HumanOptions};
use crate::report::time::parse_date;
use crate::rules::Severity;
use crate::site::{self, Step};

/// The output folder when `-o` is not given, relative to the workspace root.
const DEFAULT_OUTPUT: &str = "site";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to write the site to; it is replaced whole. Default: `site/` in the workspace root
    /// (the folder of pm.toml).
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// The absolute URL the site is published at (e.g. https://org.github.io/postmortems/): makes
    /// the feed's and index.json's links absolute. Default: `[site] base_url` in pm.toml.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// The day open action items count as overdue from. Default: today (UTC); give it for
    /// builds that are byte-identical from one day to the next.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
    pub as_of: Option<NaiveDate>,

    /// Replace the output folder even when `pm build` did not make it.
    #[arg(long)]
    pub force: bool,

    /// Publish nothing when a report has errors: list them and exit with 1. Without it, reports
    /// with errors are published and marked as such.
    #[arg(long)]
    pub strict: bool,
}

fn parse_date_arg(text: &str) -> std::result::Result<NaiveDate, String> {
    parse_date(text).ok_or_else(|| format!("`{text}` is not a calendar date: use YYYY-MM-DD"))
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let out_dir = normalize(
        &args
            .output
            .as_ref()
            .map_or_else(|| ws.root.join(DEFAULT_OUTPUT), |o| ctx.cwd.join(o)),
    );
    let base_url = site::base_url(args.base_url.as_deref().unwrap_or(&ws.config.site.base_url))?;
    // Refuse a foreign folder before the work, not after it.
    let inner = [normalize(&ws.reports_dir()), normalize(&ws.templates_dir())];
    site::check_target(
        &out_dir,
        &ws.root,
        &[inner[0].as_path(), inner[1].as_path()],
        args.force,
    )?;

    let bar = if ctx.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{msg:>9} {pos}/{len} reports {wide_bar}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    };
    let progress = |step: Step| match step {
        Step::Start(phase, total) => {
            bar.set_message(phase);
            bar.set_position(0);
            bar.set_length(total);
        }
        Step::Report => bar.inc(1),
        Step::Done => bar.finish_and_clear(),
    };

    let as_of = args.as_of.unwrap_or_else(|| Utc::now().date_naive());
    let trailers = match crate::git::trailers::find_repository(&ws.root) {
        Some(repo) => crate::git::trailers::action_trailers(&repo).unwrap_or_else(|e| {
            ctx.note(&format!(
                "warning: cannot read Postmortem-Action trailers ({e}); action items show the status their tables give"
            ));
            Vec::new()
        }),
        None => Vec::new(),
    };
    let prepared = site::prepare(&ws, &trailers, as_of, &ctx.cwd, &progress);
    if prepared.is_err() {
        bar.finish_and_clear();
    }
    let prepared = prepared?;

    if args.strict && prepared.has_errors() {
        let errors: Vec<Diagnostic> = prepared
            .diagnostics()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        bar.finish_and_clear();
        let files = prepared.report_count() + prepared.unreadable().len();
        let mut out = ctx.stdout();
        output::render(
            Format::Human,
            &errors,
            Summary::new(files, &errors),
            HumanOptions { color: true },
            &mut out,
        )
        .map_err(|e| Error::io("<stdout>", e))?;
        out.flush().map_err(|e| Error::io("<stdout>", e))?;
        ctx.note(&format!(
            "not built: --strict publishes nothing while a report has errors; {} left as it was",
            ctx.display_path(&out_dir)
        ));
        return Ok(ExitCode::from(1));
    }

    let options = site::Options {
        out_dir: out_dir.clone(),
        base_url,
        force: args.force,
    };
    let written = prepared.write(&options, &progress);
    bar.finish_and_clear();
    let written = written?;

    let mut out = ctx.stdout();
    writeln!(
        out,
        "built {} report{} ({} pages, {} artifacts) in {}",
        written.reports,
        if written.reports == 1 { "" } else { "s" },
        written.pages,
        written.artifacts,
        ctx.display_path(&out_dir)
    )
    .map_err(|e| Error::io("<stdout>", e))?;
    if written.with_errors > 0 {
        ctx.note(&format!(
            "{} report{} published with errors, marked on {} page; `pm check` lists them (--strict refuses to publish them)",
            written.with_errors,
            if written.with_errors == 1 { " is" } else { "s are" },
            if written.with_errors == 1 { "its" } else { "their" },
        ));
    }
    for e in prepared.unreadable() {
        ctx.note(&format!(
            "warning: {} is not published: {}",
            ctx.display_path(&e.path),
            e.kind
        ));
    }
    // Freeing what was kept of every report, one small allocation at a time, is a visible
    // share of a large build, and the process ends here anyway.
    std::mem::forget(prepared);
    Ok(ExitCode::SUCCESS)
}
