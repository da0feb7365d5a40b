//! `pm actions`: every action item of every report — owner, due date, days overdue, status,
//! tracker, and the commit that closed it when a `Postmortem-Action` trailer did — as a table,
//! JSON or CSV. Exit 1 only with `--overdue --fail` when an item is overdue, so a scheduled CI
//! job can nag; 2 when pm cannot run (bad arguments, no reports folder).

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::Context;
use crate::actions::{self, ActionsReport, Evidence, Filter, TrackedItem, UnknownTrailer};
use crate::archive::Archive;
use crate::config::Workspace;
use crate::error::{Error, Result};
use crate::git::trailers;
use crate::report::ActionStatus;
use crate::report::time::parse_date;

#[derive(Debug, clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// Only items still to do (not done, not wontfix).
    #[arg(long)]
    pub open: bool,

    /// Only open items whose due date is before the as-of day.
    #[arg(long)]
    pub overdue: bool,

    /// Only items this person owns (`@alice` or `alice`, any case).
    #[arg(long, value_name = "WHO")]
    pub owner: Option<String>,

    /// Only items with this status (a commit trailer makes an item done).
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<StatusArg>,

    /// Only the items of this report (its id, e.g. PM-2024-007).
    #[arg(long, value_name = "ID")]
    pub report: Option<String>,

    /// The day overdue is judged on. Default: today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
    pub as_of: Option<NaiveDate>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table, value_name = "FORMAT")]
    pub format: Format,

    /// With --overdue: exit with 1 when any item is overdue (for a scheduled CI job).
    #[arg(long, requires = "overdue")]
    pub fail: bool,
}

const AFTER_HELP: &str = "\
Closing items from git: a commit whose message ends with the trailer
  Postmortem-Action: <report-id>#<item-number>
(several allowed, key in any case) marks that item done, with the commit as evidence. The history
reachable from HEAD of the repository around the workspace is read; commits dated after --as-of
do not count yet. Trailers naming an unknown report or item are warned about on stderr and listed
in JSON as `unknown_trailers`.

CSV output follows RFC 4180. Cells that start with =, +, -, @, a tab or a carriage return get a
leading ' so that spreadsheets import them as text, not as formulas (CSV injection).

Exit status: 0 ok; 1 with --overdue --fail when an item is overdue; 2 bad arguments or no reports
folder.";

/// Output formats of `pm actions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people, then the reports' titles and a summary.
    Table,
    /// `{"version":1,"as_of":…,"items":[…],"unknown_trailers":[…]}`.
    Json,
    /// RFC 4180 with a header row. Cells starting with `=`, `+`, `-`, `@`, tab or carriage
    /// return get a leading `'` so spreadsheets do not run them as formulas (`@alice` is
    /// written `'@alice`); strip it when reading the file with a program.
    Csv,
}

/// `--status` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusArg {
    Open,
    InProgress,
    Done,
    Wontfix,
}

impl From<StatusArg> for ActionStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Open => Self::Open,
            StatusArg::InProgress => Self::InProgress,
            StatusArg::Done => Self::Done,
            StatusArg::Wontfix => Self::Wontfix,
        }
    }
}

pub(super) fn parse_date_arg(text: &str) -> std::result::Result<NaiveDate, String> {
    parse_date(text).ok_or_else(|| format!("`{text}` is not a calendar date: use YYYY-MM-DD"))
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let as_of = args.as_of.unwrap_or_else(|| Utc::now().date_naive());
    let (_, report) = load(ctx, &ws, as_of)?;
    if let Some(id) = &args.report
        && !report
            .items
            .iter()
            .any(|i| i.report.eq_ignore_ascii_case(id.trim()))
    {
        return Err(Error::Usage(format!(
            "no report with id `{id}` has action items — `pm actions` without --report lists them all"
        )));
    }
    let filter = Filter {
        open: args.open,
        overdue: args.overdue,
        owner: args.owner.clone(),
        status: args.status.map(ActionStatus::from),
        report: args.report.clone(),
    };
    let items: Vec<&TrackedItem> = report.items.iter().filter(|i| filter.matches(i)).collect();

    // Data formats go out byte for byte; only the table is colour-aware.
    let written = match args.format {
        Format::Table => write_table(&mut ctx.stdout(), &items, as_of),
        Format::Json => write_json(ctx, &mut std::io::stdout().lock(), &items, &report),
        Format::Csv => write_csv(ctx, &mut std::io::stdout().lock(), &items),
    };
    written.map_err(|e| Error::io("<stdout>", e))?;

    let overdue = items.iter().any(|i| i.is_overdue());
    Ok(if args.fail && overdue {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Loads the archive and the trailers of the repository around it, and matches them; notes on
/// standard error name the reports that could not be read and the trailers that name nothing.
pub(super) fn load(
    ctx: &Context,
    ws: &Workspace,
    as_of: NaiveDate,
) -> Result<(Archive, ActionsReport)> {
    let archive = Archive::load(ws)?;
    for e in &archive.unreadable {
        ctx.warn(&format!(
            "{} is left out: {}",
            ctx.display_path(&e.path),
            e.kind
        ));
    }
    let found = match trailers::find_repository(&ws.root) {
        None => {
            let shown = ctx.display_path(&ws.root);
            ctx.note(&format!(
                "note: {} is not in a git repository: no action item is closed by a `Postmortem-Action:` commit trailer",
                if shown.is_empty() { "." } else { &shown }
            ));
            Vec::new()
        }
        Some(repo) => trailers::action_trailers(&repo).unwrap_or_else(|e| {
            ctx.warn(&format!(
                "cannot read Postmortem-Action trailers ({e}); action items show the status their tables give"
            ));
            Vec::new()
        }),
    };
    let report = actions::collect(&archive, &found, as_of, &ws.config.reports.file_name);
    for u in &report.unknown_trailers {
        ctx.warn(&unknown_trailer_warning(u));
    }
    Ok((archive, report))
}

fn unknown_trailer_warning(u: &UnknownTrailer) -> String {
    format!(
        "commit {} ({}): `Postmortem-Action: {}` {}",
        u.short,
        u.date.format("%Y-%m-%d"),
        u.value,
        u.reason.describe()
    )
}

/// Longest action text shown in the table, in characters; the rest is cut with `…`.
const MAX_TEXT: usize = 50;
/// Longest owner, category or tracker shown in the table.
const MAX_CELL: usize = 28;

fn write_table(
    out: &mut dyn Write,
    items: &[&TrackedItem],
    as_of: NaiveDate,
) -> std::io::Result<()> {
    if items.is_empty() {
        return writeln!(out, "no action items match");
    }
    let with_evidence = items.iter().any(|i| i.closed_by().is_some());
    let mut headers = vec![
        "DUE", "OVERDUE", "REPORT", "#", "ACTION", "OWNER", "STATUS", "CATEGORY", "TRACKER",
    ];
    if with_evidence {
        headers.push("CLOSED BY");
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let mut row = vec![
                cell(i.due_text.as_deref().unwrap_or("-"), 10),
                i.days_overdue.map(|d| format!("{d}d")).unwrap_or_default(),
                cell(&i.report, MAX_CELL),
                cell(&i.item, 8),
                cell(&i.text, MAX_TEXT),
                cell(i.owner.as_deref().unwrap_or("-"), MAX_CELL),
                i.status.as_str().to_owned(),
                cell(i.category.as_deref().unwrap_or("-"), MAX_CELL),
                cell(i.tracker.as_deref().unwrap_or("-"), MAX_CELL),
            ];
            if with_evidence {
                row.push(i.closed_by().map(evidence_cell).unwrap_or_default());
            }
            row
        })
        .collect();
    let overdue_style = Style::new().fg_color(Some(AnsiColor::Red.into()));
    let styles: Vec<Option<Style>> = items
        .iter()
        .map(|i| i.is_overdue().then_some(overdue_style))
        .collect();
    write_aligned(out, &headers, &rows, &[1], &styles)?;

    // Titles are too long for a column: name each listed report once, below.
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    for i in items {
        titles
            .entry(cell(&i.report, MAX_CELL))
            .or_insert_with(|| one_line(&i.title));
    }
    writeln!(out)?;
    let width = titles.keys().map(|k| k.chars().count()).max().unwrap_or(0);
    for (id, title) in &titles {
        writeln!(out, "{}  {title}", pad(id, width))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", summary(items, as_of))
}

fn evidence_cell(e: &Evidence) -> String {
    format!("{} {}", e.short, e.date.format("%Y-%m-%d"))
}

fn summary(items: &[&TrackedItem], as_of: NaiveDate) -> String {
    let count = |s: ActionStatus| items.iter().filter(|i| i.status == s).count();
    let overdue = items.iter().filter(|i| i.is_overdue()).count();
    let open = count(ActionStatus::Open) + count(ActionStatus::InProgress);
    let by_commit = items.iter().filter(|i| i.closed_by().is_some()).count();
    let mut text = format!(
        "{} action item{}: {open} open ({overdue} overdue as of {as_of}), {} done",
        items.len(),
        if items.len() == 1 { "" } else { "s" },
        count(ActionStatus::Done),
    );
    if by_commit > 0 {
        text.push_str(&format!(" ({by_commit} by commit)"));
    }
    text.push_str(&format!(", {} wontfix", count(ActionStatus::Wontfix)));
    text
}

/// Prints rows in aligned columns (two spaces apart, the last column not padded); columns in
/// `right` are right-aligned; a row's style, when set, colours its cells.
pub(super) fn write_aligned(
    out: &mut dyn Write,
    headers: &[&str],
    rows: &[Vec<String>],
    right: &[usize],
    styles: &[Option<Style>],
) -> std::io::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let last = cells.len().saturating_sub(1);
        let mut text = String::new();
        for (c, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if c > 0 {
                text.push_str("  ");
            }
            if right.contains(&c) {
                text.push_str(&" ".repeat(w.saturating_sub(cell.chars().count())));
                text.push_str(cell);
            } else if c == last {
                text.push_str(cell);
            } else {
                text.push_str(&pad(cell, *w));
            }
        }
        text.trim_end().to_owned()
    };
    let bold = Style::new().bold();
    let header: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    writeln!(out, "{bold}{}{bold:#}", line(&header))?;
    for (r, row) in rows.iter().enumerate() {
        match styles.get(r).copied().flatten() {
            Some(style) => writeln!(out, "{style}{}{style:#}", line(row))?,
            None => writeln!(out, "{}", line(row))?,
        }
    }
    Ok(())
}

fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(n)))
}

/// Cuts `text` to `max` characters, ending with `…` when it was longer (at a word boundary when
/// one is near).
pub(super) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if cut[..space].chars().count() * 4 >= max * 3 => cut[..space].to_owned(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

/// Table cells and titles on one line: whitespace runs (newlines included) become one space,
/// and control characters are dropped — report text must not drive the terminal.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(|w| w.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A table cell: on one line, cut to `max` characters.
fn cell(text: &str, max: usize) -> String {
    truncate(&one_line(text), max)
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    version: u32,
    as_of: NaiveDate,
    items: Vec<JsonItem<'a>>,
    unknown_trailers: &'a [UnknownTrailer],
}

#[derive(Serialize)]
struct JsonItem<'a> {
    report: &'a str,
    title: &'a str,
    path: String,
    item: &'a str,
    action: &'a str,
    owner: Option<&'a str>,
    /// As written; `due_date` is it read as a date.
    due: Option<&'a str>,
    due_date: Option<NaiveDate>,
    days_overdue: Option<i64>,
    category: Option<&'a str>,
    status: ActionStatus,
    /// The status cell as written (a trailer can make `status` differ from it).
    status_text: Option<&'a str>,
    tracker: Option<&'a str>,
    tracker_url: Option<&'a str>,
    /// Commits whose `Postmortem-Action` trailers close the item, oldest first.
    evidence: &'a [Evidence],
}

fn write_json(
    ctx: &Context,
    out: &mut dyn Write,
    items: &[&TrackedItem],
    report: &ActionsReport,
) -> std::io::Result<()> {
    let doc = JsonOutput {
        version: 1,
        as_of: report.as_of,
        items: items
            .iter()
            .map(|i| JsonItem {
                report: &i.report,
                title: &i.title,
                path: ctx.display_path(&i.path),
                item: &i.item,
                action: &i.text,
                owner: i.owner.as_deref(),
                due: i.due_text.as_deref(),
                due_date: i.due,
                days_overdue: i.days_overdue,
                category: i.category.as_deref(),
                status: i.status,
                status_text: i.status_text.as_deref(),
                tracker: i.tracker.as_deref(),
                tracker_url: i.tracker_url.as_deref(),
                evidence: &i.evidence,
            })
            .collect(),
        unknown_trailers: &report.unknown_trailers,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 13] = [
    "report",
    "title",
    "item",
    "action",
    "owner",
    "due",
    "days_overdue",
    "category",
    "status",
    "tracker",
    "closed_by_commit",
    "closed_by_date",
    "path",
];

fn write_csv(ctx: &Context, out: &mut dyn Write, items: &[&TrackedItem]) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut *out);
    let csv_err = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    };
    w.write_record(CSV_HEADER).map_err(csv_err)?;
    for i in items {
        let closed = i.closed_by();
        let record = [
            i.report.clone(),
            i.title.clone(),
            i.item.clone(),
            i.text.clone(),
            i.owner.clone().unwrap_or_default(),
            i.due_text.clone().unwrap_or_default(),
            i.days_overdue.map(|d| d.to_string()).unwrap_or_default(),
            i.category.clone().unwrap_or_default(),
            i.status.as_str().to_owned(),
            i.tracker.clone().unwrap_or_default(),
            closed.map(|e| e.commit.clone()).unwrap_or_default(),
            closed.map(|e| e.date.to_rfc3339()).unwrap_or_default(),
            ctx.display_path(&i.path),
        ];
        w.write_record(record.iter().map(|c| defuse(c).into_owned()))
            .map_err(csv_err)?;
    }
    w.flush()
}

/// A leading `'` on cells a spreadsheet would read as a formula (OWASP's CSV injection advice).
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_keeps_short_text_and_marks_cuts() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdefghijkl", 6), "abcde…");
        assert_eq!(
            truncate("alert when the pool is full", 20),
            "alert when the pool…"
        );
        assert_eq!(truncate("ünïcödé ünïcödé", 9), "ünïcödé…");
    }

    #[test]
    fn formulas_are_defused() {
        for bad in ["=1+1", "+1", "-1", "@alice", "\tx"] {
            assert_eq!(defuse(bad), format!("'{bad}"));
        }
        assert_eq!(defuse("PLAT-1"), "PLAT-1");
    }
}
