//! `pm stats`: incident counts, TTD / TTM / TTR median and p90, action item completion, and
//! recurrence, optionally grouped by severity, service, quarter or trigger. The numbers come from
//! [`crate::stats::compute`]; this file only prints them.

use std::io::Write;
use std::process::ExitCode;

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::Context;
use super::actions::{load, one_line, parse_date_arg, truncate, write_aligned};
use crate::duration::format_human;
use crate::error::{Error, Result};
use crate::stats::{self, ActionCounts, GroupBy, Recurring, Stats, StatsOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also break the figures down by this field.
    #[arg(long, value_enum, value_name = "FIELD")]
    pub by: Option<GroupBy>,

    /// Only incidents whose report `date` is on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
    pub since: Option<NaiveDate>,

    /// The day overdue action items are counted on. Default: today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
    pub as_of: Option<NaiveDate>,

    /// Output format (JSON gives durations in seconds).
    #[arg(long, value_enum, default_value_t = Format::Table, value_name = "FORMAT")]
    pub format: Format,
}

/// Output formats of `pm stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Sections of aligned columns for people; durations like `1h 12m`.
    Table,
    /// `{"version":1,…}`: the same figures, durations in seconds.
    Json,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let as_of = args.as_of.unwrap_or_else(|| Utc::now().date_naive());
    let (archive, actions) = load(ctx, &ws, as_of)?;
    let options = StatsOptions {
        by: args.by,
        since: args.since,
        ..StatsOptions::new(&ws.config)
    };
    let stats = stats::compute(&archive, &actions, &options);
    let written = match args.format {
        Format::Table => write_table(&mut ctx.stdout(), &stats),
        Format::Json => write_json(&mut std::io::stdout().lock(), &stats),
    };
    written.map_err(|e| Error::io("<stdout>", e))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    version: u32,
    #[serde(flatten)]
    stats: &'a Stats,
}

fn write_json(out: &mut dyn Write, stats: &Stats) -> std::io::Result<()> {
    let doc = JsonOutput { version: 1, stats };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
    writeln!(out)
}

fn write_table(out: &mut dyn Write, s: &Stats) -> std::io::Result<()> {
    let n = s.incidents;
    let mut states = Vec::new();
    for (count, name) in [
        (n.final_, "final"),
        (n.in_review, "in-review"),
        (n.draft, "draft"),
        (n.unknown, "status unknown"),
    ] {
        if count > 0 {
            states.push(format!("{count} {name}"));
        }
    }
    let since = s.since.map(|d| format!(" since {d}")).unwrap_or_default();
    write!(out, "{}{since}", plural(n.total, "incident"))?;
    if !states.is_empty() {
        write!(out, " ({})", states.join(", "))?;
    }
    writeln!(out, ", as of {}", s.as_of)?;
    if s.undated_excluded > 0 {
        writeln!(
            out,
            "{} without a readable `date` left out by --since",
            plural(s.undated_excluded, "report")
        )?;
    }
    if n.total == 0 {
        return Ok(());
    }

    writeln!(out)?;
    let metrics = [
        ("TTD", &s.ttd, "detected_at"),
        ("TTM", &s.ttm, "mitigated_at"),
        ("TTR", &s.ttr, "resolved_at"),
    ];
    let rows: Vec<Vec<String>> = metrics
        .iter()
        .map(|(name, m, _)| {
            vec![
                (*name).to_owned(),
                duration(m.median_seconds),
                duration(m.p90_seconds),
                format!("{} of {}", m.measured, m.measured + m.missing),
            ]
        })
        .collect();
    write_aligned(
        out,
        &["METRIC", "MEDIAN", "P90", "MEASURED"],
        &rows,
        &[1, 2],
        &[],
    )?;
    for (name, m, key) in metrics {
        if m.missing > 0 {
            writeln!(
                out,
                "{name} leaves out {} (no {key}, or no started_at)",
                plural(m.missing, "incident")
            )?;
        }
    }
    writeln!(out, "(median and p90 by the nearest-rank method)")?;

    writeln!(out)?;
    writeln!(out, "Action items: {}", actions_line(&s.actions))?;

    if let Some(by) = s.by {
        writeln!(out)?;
        writeln!(out, "By {}:", by.as_str())?;
        let header = by.as_str().to_uppercase();
        let rows: Vec<Vec<String>> = s
            .groups
            .iter()
            .map(|g| {
                vec![
                    truncate(&one_line(&g.key), 32),
                    g.incidents.to_string(),
                    duration(g.ttd.median_seconds),
                    duration(g.ttm.median_seconds),
                    duration(g.ttr.median_seconds),
                    g.actions.total.to_string(),
                    g.actions.done.to_string(),
                    g.actions.open.to_string(),
                    g.actions.overdue.to_string(),
                    rate(&g.actions),
                ]
            })
            .collect();
        write_aligned(
            out,
            &[
                &header,
                "INCIDENTS",
                "TTD",
                "TTM",
                "TTR",
                "ITEMS",
                "DONE",
                "OPEN",
                "OVERDUE",
                "COMPLETE",
            ],
            &rows,
            &[1, 2, 3, 4, 5, 6, 7, 8, 9],
            &[],
        )?;
        writeln!(out, "(TTD, TTM, TTR: medians)")?;
    }

    writeln!(out)?;
    let r = &s.recurrence;
    let rows: Vec<Vec<String>> = [
        ("service", &r.services),
        ("tag", &r.tags),
        ("trigger", &r.triggers),
    ]
    .into_iter()
    .flat_map(|(kind, list): (&str, &Vec<Recurring>)| {
        list.iter().map(move |x| {
            vec![
                kind.to_owned(),
                truncate(&one_line(&x.name), 32),
                x.count.to_string(),
                x.reports
                    .iter()
                    .map(|id| one_line(id))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
    })
    .collect();
    if rows.is_empty() {
        writeln!(
            out,
            "Recurrence: no service, tag or trigger appears in more than one incident"
        )?;
    } else {
        writeln!(out, "Recurrence (in more than one incident):")?;
        write_aligned(
            out,
            &["KIND", "NAME", "INCIDENTS", "REPORTS"],
            &rows,
            &[2],
            &[],
        )?;
    }
    Ok(())
}

fn actions_line(a: &ActionCounts) -> String {
    if a.total == 0 {
        return "none".to_owned();
    }
    format!(
        "{} total, {} done, {} open ({} overdue), {} wontfix; {} complete",
        a.total,
        a.done,
        a.open,
        a.overdue,
        a.wontfix,
        rate(a)
    )
}

/// Completion as a whole percentage, `-` when nothing is to be done.
fn rate(a: &ActionCounts) -> String {
    a.completion_rate
        .map_or_else(|| "-".to_owned(), |r| format!("{:.0}%", r * 100.0))
}

fn duration(seconds: Option<i64>) -> String {
    seconds.map_or_else(
        || "-".to_owned(),
        |s| format_human(chrono::TimeDelta::seconds(s)),
    )
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Metric;

    #[test]
    fn helpers() {
        assert_eq!(plural(1, "incident"), "1 incident");
        assert_eq!(plural(2, "incident"), "2 incidents");
        assert_eq!(duration(Some(4320)), "1h 12m");
        assert_eq!(duration(None), "-");
        let m = Metric::of(vec![60, 120], 2);
        assert_eq!(duration(m.median_seconds), "1m");
    }
}
