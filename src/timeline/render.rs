//! The rows as the report's Timeline table, ready to paste, or as JSON.
//!
//! Markdown: `| Time (UTC) | Event |`, the time `HH:MM:SS` when every row lies on one UTC day
//! (the report's `date` places it), else `YYYY-MM-DD HH:MM:SS`. The event cell is
//! ``source: `message` `` — the log text in a code span, so that it shows as written (no
//! Markdown or HTML in it is interpreted, and `pm check`'s language rules leave evidence
//! alone), on one line, without control characters, `|` escaped, cut at [`MAX_CELL_CHARS`].
//! A burst adds `(N times until HH:MM:SS)`.
//!
//! To choose the time format, the first [`HOLD_ROWS`] rows are held; a longer timeline streams
//! with full dates.
//!
//! JSON: an array with one object per row (`time`, `source`, `message`, `count`, `first`,
//! `last`; times RFC 3339 in UTC), one row per line.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use super::TimelineEvent;
use crate::error::{Error, Result};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// The report's Timeline table.
    #[default]
    Markdown,
    /// An array of rows.
    Json,
}

/// Characters of a message shown in a table cell, at most.
pub const MAX_CELL_CHARS: usize = 200;

/// Markdown rows held back to choose the time format.
const HOLD_ROWS: usize = 1_000;

/// Writes the rows to `out` (named `out_name` in errors) as they come.
pub fn write(
    format: Format,
    rows: &mut dyn Iterator<Item = Result<TimelineEvent>>,
    out: &mut dyn Write,
    out_name: &Path,
) -> Result<()> {
    match format {
        Format::Markdown => markdown(rows, out, out_name),
        Format::Json => json(rows, out, out_name),
    }
}

fn markdown(
    rows: &mut dyn Iterator<Item = Result<TimelineEvent>>,
    out: &mut dyn Write,
    out_name: &Path,
) -> Result<()> {
    let io = |e| Error::io(out_name, e);
    // Held rows keep only their finished event cell (a few hundred bytes), not the message.
    let mut held: Vec<Held> = Vec::new();
    let mut streaming = false;
    for row in &mut *rows {
        let row = row?;
        held.push(Held {
            at: row.at,
            last: row.last,
            count: row.count,
            cell: event_cell(&row),
        });
        if held.len() >= HOLD_ROWS {
            streaming = true;
            break;
        }
    }
    let full_dates = streaming || spans_days(&held);
    writeln!(out, "| Time (UTC) | Event |\n|---|---|").map_err(io)?;
    for row in held {
        writeln!(out, "{}", row.line(full_dates)).map_err(io)?;
    }
    for row in rows {
        let row = row?;
        let held = Held {
            at: row.at,
            last: row.last,
            count: row.count,
            cell: event_cell(&row),
        };
        writeln!(out, "{}", held.line(full_dates)).map_err(io)?;
    }
    out.flush().map_err(io)
}

/// A row on its way out: the event cell is final, the times wait for the format.
struct Held {
    at: DateTime<Utc>,
    last: DateTime<Utc>,
    count: u64,
    cell: String,
}

impl Held {
    fn line(&self, full_dates: bool) -> String {
        let time = |t: DateTime<Utc>| {
            let format = if full_dates {
                "%Y-%m-%d %H:%M:%S"
            } else {
                "%H:%M:%S"
            };
            t.format(format).to_string()
        };
        let burst = if self.count > 1 {
            format!(" ({} times until {})", self.count, time(self.last))
        } else {
            String::new()
        };
        format!("| {} | {}{burst} |", time(self.at), self.cell)
    }
}

fn spans_days(rows: &[Held]) -> bool {
    let mut days = rows
        .iter()
        .flat_map(|r| [r.at.date_naive(), r.last.date_naive()]);
    let first: Option<NaiveDate> = days.next();
    days.any(|d| Some(d) != first)
}

/// `source: `message``, the message on one line and cut.
fn event_cell(row: &TimelineEvent) -> String {
    format!(
        "{}: {}",
        escape_markdown(&one_line(&row.source, usize::MAX)),
        code_span(&cut(
            &one_line(&row.message, MAX_CELL_CHARS + 1),
            MAX_CELL_CHARS
        ))
    )
}

/// One line of plain text, of at most about `max_chars` characters: newlines become ` ⏎ `,
/// tabs spaces; other control characters and the invisible bidirectional overrides (which can
/// make a line read differently from what it says) are removed.
fn one_line(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.trim().chars().enumerate() {
        if n > max_chars {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str(" ⏎ "),
            '\t' | '\r' | '\u{b}' | '\u{c}' => out.push(' '),
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn cut(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => {
            let keep = text[..end]
                .char_indices()
                .nth(max_chars - 1)
                .map_or(end, |(i, _)| i);
            format!("{}…", &text[..keep])
        }
        None => text.to_owned(),
    }
}

/// The text in a code span, fenced by more backticks than it holds in a row, `|` escaped for
/// the table. A `\` before a `|` would escape the escape, so a space goes between them.
fn code_span(text: &str) -> String {
    if text.is_empty() {
        return "(empty)".to_owned();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    let mut body = String::with_capacity(text.len() + 8);
    let mut previous = ' ';
    for c in text.chars() {
        if c == '|' {
            if previous == '\\' {
                body.push(' ');
            }
            body.push('\\');
        }
        body.push(c);
        previous = c;
    }
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// Plain text with Markdown's active characters escaped.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[derive(Serialize)]
struct JsonRow<'a> {
    time: String,
    source: &'a str,
    message: &'a str,
    count: u64,
    first: String,
    last: String,
}

fn json(
    rows: &mut dyn Iterator<Item = Result<TimelineEvent>>,
    out: &mut dyn Write,
    out_name: &Path,
) -> Result<()> {
    let io = |e| Error::io(out_name, e);
    let rfc3339 = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    let mut first = true;
    for row in rows {
        let row = row?;
        let at = rfc3339(row.at);
        let line = serde_json::to_string(&JsonRow {
            time: at.clone(),
            source: &row.source,
            message: &row.message,
            count: row.count,
            first: at,
            last: rfc3339(row.last),
        })
        .map_err(|e| Error::io(out_name, e.into()))?;
        let lead = if first { "[\n  " } else { ",\n  " };
        first = false;
        write!(out, "{lead}{line}").map_err(io)?;
    }
    let close = if first { "[]\n" } else { "\n]\n" };
    out.write_all(close.as_bytes()).map_err(io)?;
    out.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn render(format: Format, rows: Vec<TimelineEvent>) -> String {
        let mut out = Vec::new();
        let mut it = rows.into_iter().map(Ok);
        write(format, &mut it, &mut out, Path::new("out")).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_day_uses_clock_times() {
        let mut burst =
            TimelineEvent::new(utc("2024-03-01T10:02:03Z"), "api.log", "ERROR timeout 30s");
        burst.count = 12;
        burst.last = utc("2024-03-01T10:02:41.5Z");
        let text = render(
            Format::Markdown,
            vec![
                TimelineEvent::new(
                    utc("2024-03-01T10:00:00.250Z"),
                    "app_1.log",
                    "deploy *v2* <b>",
                ),
                burst,
            ],
        );
        assert_eq!(
            text,
            "| Time (UTC) | Event |\n|---|---|\n\
             | 10:00:00 | app\\_1.log: `deploy *v2* <b>` |\n\
             | 10:02:03 | api.log: `ERROR timeout 30s` (12 times until 10:02:41) |\n"
        );
    }

    #[test]
    fn rows_over_midnight_use_dates() {
        let text = render(
            Format::Markdown,
            vec![
                TimelineEvent::new(utc("2024-12-31T23:59:59Z"), "a", "x"),
                TimelineEvent::new(utc("2025-01-01T00:00:01Z"), "a", "y"),
            ],
        );
        assert!(text.contains("| 2024-12-31 23:59:59 | a: `x` |"), "{text}");
        assert!(text.contains("| 2025-01-01 00:00:01 | a: `y` |"), "{text}");
    }

    #[test]
    fn cells_are_safe() {
        let cell = |m: &str| {
            let t = render(
                Format::Markdown,
                vec![TimelineEvent::new(utc("2024-03-01T10:00:00Z"), "a", m)],
            );
            t.lines().nth(2).unwrap().to_owned()
        };
        assert_eq!(cell("a|b"), r"| 10:00:00 | a: `a\|b` |");
        assert_eq!(cell(r"a\|b"), r"| 10:00:00 | a: `a\ \|b` |");
        assert_eq!(
            cell("run `make` now"),
            "| 10:00:00 | a: ``run `make` now`` |"
        );
        assert_eq!(cell("run `make`"), "| 10:00:00 | a: `` run `make` `` |");
        assert_eq!(cell("`x`"), "| 10:00:00 | a: `` `x` `` |");
        assert_eq!(
            cell("boom\n  at x\r\tend\u{7}\u{202e}txt"),
            "| 10:00:00 | a: `boom ⏎   at x  endtxt` |"
        );
        assert_eq!(cell("  "), "| 10:00:00 | a: (empty) |");
        let noisy = cell(&format!("{}{}", "\u{7}".repeat(300), "x".repeat(10)));
        assert_eq!(noisy, "| 10:00:00 | a: `…` |");
        let long = cell(&"é".repeat(500));
        assert_eq!(long.matches('é').count(), MAX_CELL_CHARS - 1);
        assert!(long.contains("é…`"));
    }

    #[test]
    fn empty_outputs() {
        assert_eq!(
            render(Format::Markdown, vec![]),
            "| Time (UTC) | Event |\n|---|---|\n"
        );
        assert_eq!(render(Format::Json, vec![]), "[]\n");
    }

    #[test]
    fn json_rows() {
        let mut e = TimelineEvent::new(utc("2024-03-01T10:00:00.5Z"), "a.log", "x\n  y");
        e.count = 2;
        e.last = utc("2024-03-01T10:00:09Z");
        let text = render(Format::Json, vec![e.clone(), e]);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        assert_eq!(
            v[0],
            serde_json::json!({
                "time": "2024-03-01T10:00:00.500Z",
                "source": "a.log",
                "message": "x\n  y",
                "count": 2,
                "first": "2024-03-01T10:00:00.500Z",
                "last": "2024-03-01T10:00:09Z"
            })
        );
    }
}
