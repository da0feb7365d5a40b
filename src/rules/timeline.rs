//! PM201–PM205: the timeline table, its timestamps, their order, their distance from the
//! incident window, and agreement with the front matter milestones.

use chrono::{DateTime, FixedOffset, TimeDelta, Timelike};

use super::engine::{Checker, Finding};
use crate::duration::format_human;
use crate::report::time::TimeError;
use crate::report::{Report, SectionKind, TimelineRow};

pub(super) fn check(cx: &Checker, report: &Report, out: &mut Vec<Finding>) {
    let Some(section) = report.section(&SectionKind::Timeline) else {
        return; // PM101 reports a missing section.
    };
    let Some(timeline) = report.timeline.as_ref().filter(|t| !t.rows.is_empty()) else {
        out.push(Finding::new(
            "PM201",
            section.span,
            "the timeline has no table of events",
            "add a table with a time column and an event column:\n| Time (UTC) | Event |\n|---|---|\n| 09:12 | Deploy completes (**T-0**) |",
        ));
        return;
    };
    let mut previous: Option<(&TimelineRow, DateTime<FixedOffset>)> = None;
    for row in &timeline.rows {
        let at = match row.at {
            Ok(at) => at,
            Err(e) => {
                out.push(timestamp_finding(row, e));
                continue;
            }
        };
        if let Some((prev_row, prev)) = previous
            && at < prev
        {
            out.push(Finding::new(
                "PM203",
                row.time.span,
                format!("this event ({}) is earlier than the one before it ({}, line {})", row.time.text, prev_row.time.text, prev_row.span.line),
                "keep rows in chronological order; a timeline that crosses midnight needs `YYYY-MM-DD HH:MM` rows",
            ));
        }
        previous = Some((row, at));
    }
    window(cx, report, &timeline.rows, out);
    milestones(report, &timeline.rows, out);
}

fn timestamp_finding(row: &TimelineRow, e: TimeError) -> Finding {
    let (message, help) = match e {
        TimeError::Empty => (
            "this timeline row has no timestamp".to_owned(),
            "put the time in the first column",
        ),
        TimeError::NoDate => (
            format!(
                "`{}` is a time of day, but the front matter has no valid `date` to put it on",
                row.time.text
            ),
            "add `date: YYYY-MM-DD` to the front matter, or write the row as `YYYY-MM-DD HH:MM`",
        ),
        TimeError::Unrecognised => (
            format!("`{}` is not a timestamp pm can read", row.time.text),
            "use HH:MM, HH:MM:SS, `YYYY-MM-DD HH:MM[:SS]` or RFC 3339 (`2024-03-01T10:02:00Z`); UTC unless an offset is given",
        ),
    };
    Finding::new("PM202", row.time.span, message, help)
}

fn window(cx: &Checker, report: &Report, rows: &[TimelineRow], out: &mut Vec<Finding>) {
    let ms = report.milestones();
    let Some(start) = ms.started else { return };
    let slack = cx.config.timeline.window_slack.as_delta();
    let end = ms.resolved.unwrap_or(start);
    for row in rows {
        let Ok(at) = row.at else { continue };
        let (gap, side, bound) = if at < start - slack {
            (start - at, "before started_at", start)
        } else if at > end + slack {
            (
                at - end,
                if ms.resolved.is_some() {
                    "after resolved_at"
                } else {
                    "after started_at"
                },
                end,
            )
        } else {
            continue;
        };
        out.push(Finding::new(
            "PM204",
            row.time.span,
            format!("this event is {} {side} ({})", format_human(gap), bound.to_rfc3339()),
            format!(
                "check the date of this row; events more than {} outside the incident window usually are typos (tune `[timeline] window_slack`, or `<!-- pm-ignore PM204 -->` before the table for a long lead-up)",
                format_human(slack)
            ),
        ));
    }
}

/// The labels that mark a milestone row, the front matter key, and its value.
type Marker<'a> = (&'a [&'a str], &'a str, Option<DateTime<FixedOffset>>);

/// Rows marked `(T-0)`, `(detection)`, `(mitigation)` or `(resolution)` must agree with the
/// front matter's milestones (to the precision the row is written in).
fn milestones(report: &Report, rows: &[TimelineRow], out: &mut Vec<Finding>) {
    let ms = report.milestones();
    let marks: [Marker; 4] = [
        (&["(t-0)", "(t0)", "[t-0]"], "started_at", ms.started),
        (&["(detection)", "(detected)"], "detected_at", ms.detected),
        (
            &["(mitigation)", "(mitigated)"],
            "mitigated_at",
            ms.mitigated,
        ),
        (&["(resolution)", "(resolved)"], "resolved_at", ms.resolved),
    ];
    for row in rows {
        let (Ok(at), Some(event)) = (row.at, row.event.as_ref()) else {
            continue;
        };
        // Every label is in parentheses or brackets.
        if !event.text.bytes().any(|b| b == b'(' || b == b'[') {
            continue;
        }
        let text = event.text.to_lowercase();
        for (labels, key, expected) in &marks {
            let Some(expected) = expected else { continue };
            if !labels.iter().any(|l| text.contains(l)) {
                continue;
            }
            let with_seconds = row.time.text.matches(':').count() >= 2;
            let truncate = |t: DateTime<FixedOffset>| {
                let t = t.with_nanosecond(0).unwrap_or(t);
                if with_seconds {
                    t
                } else {
                    t.with_second(0).unwrap_or(t)
                }
            };
            if truncate(at) != truncate(*expected) {
                let diff = at - *expected;
                out.push(Finding::new(
                    "PM205",
                    row.time.span,
                    format!(
                        "the timeline marks {key} at {}, but the front matter says {} ({} {})",
                        at.to_rfc3339(),
                        expected.to_rfc3339(),
                        format_human(diff.abs()),
                        if diff > TimeDelta::zero() {
                            "later"
                        } else {
                            "earlier"
                        }
                    ),
                    format!("make the row and `{key}` agree; the front matter drives TTD/TTM/TTR"),
                ));
            }
        }
    }
}
