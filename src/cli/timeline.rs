//! `pm timeline`: timeline rows from logs, ready to paste into a report's Timeline section.
//! The table (or JSON) goes to standard output as it is made; what was skipped or could not be
//! read is counted in notes on standard error. Exit 0, or 2 when a log cannot be read or an
//! argument is wrong.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{FixedOffset, Offset, TimeDelta, Utc};

use super::Context;
use crate::error::{Error, Result};
use crate::git::commits::{self, WalkSpec};
use crate::report::time::parse_offset;
use crate::timeline::{
    self, DEFAULT_COLLAPSE_SECONDS, Format, Input, MAX_CONTINUATION, MAX_LINE, Options, Summary,
    Timeline, TimelineEvent,
};
use crate::window::Window;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Log files, plain or gzip-compressed (recognised by content); `-` reads standard input.
    /// Each line's timestamp may be ISO 8601/RFC 3339, syslog (`Mar  1 10:02:03`), Apache/nginx
    /// (`[01/Mar/2024:10:02:03 +0000]`), journald short-iso, epoch seconds or milliseconds, or a
    /// JSON line's `time`/`ts`/`timestamp`/`@timestamp` field. Lines without one continue the
    /// event before them.
    #[arg(long = "log", value_name = "FILE", required = true, num_args = 1..)]
    pub logs: Vec<PathBuf>,

    /// Keep only events with a line that matches this regular expression (as written in the log,
    /// timestamp included; `(?i)` ignores case).
    #[arg(long, value_name = "REGEX")]
    pub grep: Option<String>,

    /// Keep only events in this window: RFC 3339 or `YYYY-MM-DD HH:MM` (UTC) at each end, either
    /// end open (`2024-03-01 09:30..`). Also gives syslog timestamps their year.
    #[arg(long, value_name = "START..END")]
    pub window: Option<Window>,

    /// The UTC offset of timestamps written without one: `+02:00`, `-0530`, `UTC`.
    #[arg(long, value_name = "OFFSET", default_value = "UTC", value_parser = parse_tz)]
    pub tz: FixedOffset,

    /// The year of syslog timestamps, which have none (the next year after Dec 31 → Jan 1).
    /// Default: from --window, else from the log file's modification time.
    #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1970..=9999))]
    pub year: Option<i32>,

    /// Collapse repeats of one message from one log (numbers, hex ids, UUIDs and IP addresses
    /// masked) at most this many seconds apart into one row with a count; 0 turns it off.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_COLLAPSE_SECONDS)]
    pub collapse: u32,

    /// Output format: the report's Timeline table, or a JSON array of rows.
    #[arg(long, value_enum, default_value_t = Format::Markdown, value_name = "FORMAT")]
    pub format: Format,

    /// Add the window's commits as rows (exactly the commits `pm commits --window` lists).
    #[arg(long, requires = "window")]
    pub commits: bool,

    /// Repository whose commits --commits adds (repeatable). Default: the one here.
    #[arg(long = "repo", value_name = "PATH", requires = "commits")]
    pub repos: Vec<PathBuf>,
}

fn parse_tz(text: &str) -> std::result::Result<FixedOffset, String> {
    let t = text.trim();
    if matches!(t, "UTC" | "utc" | "Z" | "z") {
        return Ok(Utc.fix());
    }
    parse_offset(t).ok_or_else(|| {
        format!("`{t}` is not a UTC offset: write `+02:00`, `-0530` or `UTC` (zone names are not supported)")
    })
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let grep = args
        .grep
        .as_deref()
        .map(|pattern| {
            regex::bytes::Regex::new(pattern).map_err(|e| {
                Error::Usage(format!(
                    "--grep `{pattern}` is not a regular expression:\n{e}"
                ))
            })
        })
        .transpose()?;
    if args.logs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(Error::Usage(
            "`--log -` (standard input) can be given only once".into(),
        ));
    }
    let options = Options {
        window: args.window.unwrap_or_default(),
        grep,
        tz: args.tz,
        year: args.year,
        collapse: (args.collapse > 0).then(|| TimeDelta::seconds(i64::from(args.collapse))),
        ..Options::default()
    };
    let mut inputs = Timeline::open_logs(&ctx.cwd, &args.logs, &options)?;
    if args.commits {
        inputs.push(Input::rows(commit_rows(ctx, args, &options.window)?));
    }
    let mut rows = Timeline::new(inputs, &options);
    {
        let mut out = io::BufWriter::with_capacity(64 * 1024, ctx.stdout());
        timeline::write(
            args.format,
            &mut rows,
            &mut out,
            Path::new("standard output"),
        )?;
        out.flush().map_err(|e| Error::io("standard output", e))?;
    }
    notes(ctx, &rows.summary(), &options);
    Ok(ExitCode::SUCCESS)
}

/// The window's commits of each repository as timeline rows: `commit abc1234 summary (author)`.
fn commit_rows(ctx: &Context, args: &Args, window: &Window) -> Result<Vec<TimelineEvent>> {
    let repos: Vec<PathBuf> = if args.repos.is_empty() {
        vec![ctx.cwd.clone()]
    } else {
        args.repos.iter().map(|r| ctx.cwd.join(r)).collect()
    };
    let spec = WalkSpec {
        since: window.start.map(|t| t.timestamp()),
        until: window.end.map(|t| t.timestamp()),
        ..WalkSpec::default()
    };
    let mut rows = Vec::new();
    for path in &repos {
        let repo = commits::open(path)?;
        let walk = commits::walk(&repo, &spec)?;
        if let Some(b) = &walk.shallow {
            ctx.warn(&format!(
                "{} is a shallow clone whose history stops at {} inside the window: commits may be missing (`git fetch --unshallow`)",
                path.display(),
                b.date.to_rfc3339()
            ));
        }
        let source = if repos.len() > 1 {
            format!(
                "git {}",
                path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            )
        } else {
            "git".to_owned()
        };
        for c in commits::details(&repo, &walk.ids)? {
            let message = format!("commit {} {} ({})", c.short, c.summary, c.author.name);
            rows.push(TimelineEvent::new(
                c.committer.time.with_timezone(&Utc),
                source.clone(),
                message,
            ));
        }
    }
    Ok(rows)
}

/// What was read, and every line that did not make it into a row for a reason other than the
/// window or `--grep`.
fn notes(ctx: &Context, summary: &Summary, options: &Options) {
    for s in &summary.sources {
        let name = &s.name;
        if s.lines > 0 && s.events == 0 {
            ctx.note(&format!(
                "{name}: no line has a timestamp pm recognises (ISO 8601, syslog, Apache/nginx, \
                 epoch seconds or milliseconds, or a JSON `time`/`ts`/`timestamp` field)"
            ));
        } else if s.before_first > 0 {
            ctx.note(&format!(
                "{name}: {} before the first timestamp skipped",
                count(s.before_first, "line", "lines")
            ));
        }
        if s.undecodable > 0 {
            ctx.note(&format!(
                "{name}: {} bytes that are not UTF-8 (shown as \u{fffd})",
                count(s.undecodable, "event has", "events have")
            ));
        }
        if s.cut > 0 {
            ctx.note(&format!(
                "{name}: {} longer than {} KiB cut there",
                count(s.cut, "line", "lines"),
                MAX_LINE / 1024
            ));
        }
        if s.dropped_continuation > 0 {
            ctx.note(&format!(
                "{name}: {} beyond {} KiB per event dropped",
                count(
                    s.dropped_continuation,
                    "continuation line",
                    "continuation lines"
                ),
                MAX_CONTINUATION / 1024
            ));
        }
        if s.out_of_order > 0 {
            ctx.note(&format!(
                "{name}: {} more than {}s out of time order, listed where {} in the log",
                count(s.out_of_order, "event", "events"),
                options.reorder.num_seconds(),
                if s.out_of_order == 1 {
                    "it appears"
                } else {
                    "they appear"
                }
            ));
        }
    }
    let lines: u64 = summary.sources.iter().map(|s| s.lines).sum();
    ctx.note(&format!(
        "{} from {} ({} read from {})",
        count(summary.rows, "row", "rows"),
        count(summary.events, "event", "events"),
        count(lines, "line", "lines"),
        count(summary.sources.len() as u64, "log", "logs"),
    ));
    if summary.rows == 0 && lines > 0 {
        ctx.note("no event is in the window and matches --grep: widen --window or loosen --grep");
    }
}

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
