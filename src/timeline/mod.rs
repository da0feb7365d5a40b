//! `pm timeline`'s engine: log lines → timeline rows, streaming.
//!
//! ```text
//! log ─► read ─► source ─┐
//! log ─► read ─► source ─┼─► merge ─► collapse ─► render (Markdown table or JSON)
//! other rows (commits) ──┘
//! ```
//!
//! `read` opens a file (gzip or not) or standard input and splits lines in a fixed buffer;
//! `source` finds each line's timestamp (`stamp`, `jsonl`, `year`), joins continuation lines,
//! keeps what is in the window and matches `--grep`, and sorts within a bounded reorder buffer;
//! `merge` is a k-way merge of the sources and of any ready-made rows; `collapse` joins bursts;
//! `render` writes.
//!
//! Every stage holds a bounded amount: one read buffer and one event per source, a reorder
//! buffer per source, the bursts still open, and (for Markdown) the first rows until the time
//! format is known. A 1 GB log needs no more memory than a 1 MB one.

mod collapse;
mod jsonl;
mod merge;
mod read;
mod render;
mod source;
mod stamp;
mod year;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Offset, TimeDelta, Utc};
use serde::Serialize;

pub use merge::Input;
pub use read::MAX_LINE;
pub use render::{Format, MAX_CELL_CHARS, write};
pub use source::{LogSource, MAX_CONTINUATION, SourceStats};

use crate::error::Result;
use crate::window::Window;

/// One row of a timeline: an event, or a burst of the same event collapsed into one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    /// When it happened (for a burst: the first time).
    pub at: DateTime<Utc>,
    /// Where it comes from: a log's file name, or what the caller names (`git`, a repository).
    pub source: String,
    /// The text, without the line's timestamp; continuation lines after `\n`.
    pub message: String,
    /// How many events the row stands for (1 unless collapsed).
    pub count: u64,
    /// The last time of a burst (`at` for a single event).
    pub last: DateTime<Utc>,
}

impl TimelineEvent {
    /// A single event.
    pub fn new(at: DateTime<Utc>, source: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            at,
            source: source.into(),
            message: message.into(),
            count: 1,
            last: at,
        }
    }
}

/// How logs are read and rows made.
#[derive(Debug, Clone)]
pub struct Options {
    /// Events outside it are left out.
    pub window: Window,
    /// Only events with a line that matches it are kept (matched against the raw bytes).
    pub grep: Option<regex::bytes::Regex>,
    /// The offset of timestamps that give none.
    pub tz: FixedOffset,
    /// The year of syslog timestamps (default: from the window, else the file's age).
    pub year: Option<i32>,
    /// The longest pause inside a burst of the same message; `None`: no collapsing.
    pub collapse: Option<TimeDelta>,
    /// How far out of order a log's lines may be and still come out sorted.
    pub reorder: TimeDelta,
}

/// The default reorder tolerance.
pub const DEFAULT_REORDER_SECONDS: i64 = 60;
/// The default `--collapse`.
pub const DEFAULT_COLLAPSE_SECONDS: u32 = 60;

impl Default for Options {
    fn default() -> Self {
        Self {
            window: Window::default(),
            grep: None,
            tz: Utc.fix(),
            year: None,
            collapse: Some(TimeDelta::seconds(i64::from(DEFAULT_COLLAPSE_SECONDS))),
            reorder: TimeDelta::seconds(DEFAULT_REORDER_SECONDS),
        }
    }
}

/// What a run read, for the notes after the table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub sources: Vec<SourceStats>,
    /// Events merged (before collapsing).
    pub events: u64,
    /// Rows made.
    pub rows: u64,
}

/// The timeline's rows, in time order, as they are read.
#[derive(Debug)]
pub struct Timeline {
    merge: merge::Merge,
    collapser: collapse::Collapser,
    merged_all: bool,
    failed: bool,
    events: u64,
    rows: u64,
}

impl Timeline {
    pub fn new(inputs: Vec<Input>, options: &Options) -> Self {
        Self {
            merge: merge::Merge::new(inputs),
            collapser: collapse::Collapser::new(options.collapse),
            merged_all: false,
            failed: false,
            events: 0,
            rows: 0,
        }
    }

    /// Opens each log (`-` is standard input) as an input named by [`source_names`]. Paths are
    /// opened relative to `base`, and errors name them as given.
    pub fn open_logs(base: &Path, paths: &[PathBuf], options: &Options) -> Result<Vec<Input>> {
        let names = source_names(paths);
        paths
            .iter()
            .zip(names)
            .map(|(path, name)| {
                let full = if path.as_os_str() == "-" {
                    path.clone()
                } else {
                    base.join(path)
                };
                LogSource::open(&full, path, &name, options).map(|s| Input::Log(Box::new(s)))
            })
            .collect()
    }

    pub fn summary(&self) -> Summary {
        Summary {
            sources: self.merge.stats(),
            events: self.events,
            rows: self.rows,
        }
    }
}

impl Iterator for Timeline {
    type Item = Result<TimelineEvent>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            if let Some(row) = self.collapser.pop(self.merged_all) {
                self.rows += 1;
                return Some(Ok(row));
            }
            if self.merged_all {
                return None;
            }
            match self.merge.next() {
                Ok(Some(m)) => {
                    self.events += 1;
                    self.collapser.push(m.event, m.collapsible);
                }
                Ok(None) => self.merged_all = true,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

/// How rows name each log: its file name, or the path as given when two logs share a file name;
/// `stdin` for `-`.
pub fn source_names(paths: &[PathBuf]) -> Vec<String> {
    let base = |p: &PathBuf| -> String {
        if p.as_os_str() == "-" {
            return "stdin".to_owned();
        }
        p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let bases: Vec<String> = paths.iter().map(base).collect();
    paths
        .iter()
        .zip(&bases)
        .map(|(path, name)| {
            let shared = bases.iter().filter(|b| *b == name).count() > 1;
            if shared && path.as_os_str() != "-" {
                path.display().to_string()
            } else {
                name.clone()
            }
        })
        .collect()
}

/// A [`Window`] as the hot path compares it: [`stamp::Nanos`] bounds, both inclusive, open ends
/// at the extremes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bounds {
    start: stamp::Nanos,
    end: stamp::Nanos,
}

impl Bounds {
    pub(crate) fn of(window: &Window) -> Self {
        Self {
            start: window.start.map_or(stamp::Nanos::MIN, stamp::from_datetime),
            end: window.end.map_or(stamp::Nanos::MAX, stamp::from_datetime),
        }
    }

    pub(crate) fn contains(&self, at: stamp::Nanos) -> bool {
        self.start <= at && at <= self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn log(name: &str, text: &str, options: &Options) -> Input {
        Input::Log(Box::new(LogSource::from_reader(
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
            Path::new(name),
            name,
            options,
            utc("2024-06-01T00:00:00Z"),
        )))
    }

    #[test]
    fn merges_sources_and_extra_rows_stably() {
        let o = Options::default();
        let inputs = vec![
            log(
                "a.log",
                "2024-03-01T10:00:00Z a-one\n2024-03-01T10:00:02Z a-two\n",
                &o,
            ),
            log(
                "b.log",
                "2024-03-01T10:00:00Z b-one\n2024-03-01T10:00:01Z b-two\n",
                &o,
            ),
            Input::rows(vec![
                TimelineEvent::new(utc("2024-03-01T10:00:02Z"), "git", "deploy one"),
                TimelineEvent::new(utc("2024-03-01T09:59:00Z"), "git", "deploy zero"),
            ]),
        ];
        let rows: Vec<_> = Timeline::new(inputs, &o)
            .map(|r| {
                let r = r.unwrap();
                format!("{} {}", r.source, r.message)
            })
            .collect();
        assert_eq!(
            rows,
            [
                "git deploy zero",
                "a.log a-one",
                "b.log b-one",
                "b.log b-two",
                "a.log a-two",
                "git deploy one",
            ]
        );
    }

    #[test]
    fn collapses_after_merging() {
        let o = Options::default();
        let text = "2024-03-01T10:00:00Z retry 1\n2024-03-01T10:00:10Z retry 2\n2024-03-01T10:00:15Z done\n2024-03-01T10:00:20Z retry 3\n";
        let mut t = Timeline::new(vec![log("a.log", text, &o)], &o);
        let rows: Vec<_> = t.by_ref().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].count, rows[0].last),
            (3, utc("2024-03-01T10:00:20Z"))
        );
        assert_eq!(rows[1].message, "done");
        let s = t.summary();
        assert_eq!((s.events, s.rows, s.sources[0].lines), (4, 2, 4));
    }

    proptest::proptest! {
        /// Any mix of lines (timestamps of every form, out of order, garbage) never panics, and
        /// every row renders in both formats.
        #[test]
        fn any_log_is_safe(lines in proptest::collection::vec(proptest::prop_oneof![
            proptest::strategy::Just("2024-03-01T10:00:0".to_owned()),
            proptest::strategy::Just("Dec 31 23:59:5".to_owned()),
            proptest::strategy::Just("Jan  1 00:00:0".to_owned()),
            proptest::strategy::Just("{\"ts\":170928732".to_owned()),
            proptest::strategy::Just("[01/Mar/2024:10:00:0".to_owned()),
            "[ -~\u{7f}-\u{10ffff}]{0,30}",
        ], 0..40)) {
            let text: String = lines
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{l}{} x{}\n", i % 10, i % 3))
                .collect();
            let o = Options {
                window: "2024-03-01 09:00..2025-01-02 00:00".parse().unwrap(),
                grep: Some(regex::bytes::Regex::new("x[01]").unwrap()),
                reorder: TimeDelta::seconds(1),
                ..Options::default()
            };
            for format in [Format::Markdown, Format::Json] {
                let mut t = Timeline::new(vec![log("a.log", &text, &o), log("b.log", &text, &o)], &o);
                let mut out = Vec::new();
                write(format, &mut t, &mut out, Path::new("out")).unwrap();
            }
        }
    }

    #[test]
    fn names() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            source_names(&[
                p("a/app.log"),
                p("b/app.log"),
                p("/var/log/db.log.gz"),
                p("-")
            ]),
            ["a/app.log", "b/app.log", "db.log.gz", "stdin"]
        );
    }

    #[test]
    fn windows_are_inclusive() {
        let window_contains =
            |w: &Window, at: DateTime<Utc>| Bounds::of(w).contains(stamp::from_datetime(at));
        let w: Window = "2024-03-01 10:00..2024-03-01 11:00".parse().unwrap();
        assert!(window_contains(&w, utc("2024-03-01T10:00:00Z")));
        assert!(window_contains(&w, utc("2024-03-01T11:00:00Z")));
        assert!(!window_contains(&w, utc("2024-03-01T09:59:59.999Z")));
        assert!(!window_contains(&w, utc("2024-03-01T11:00:00.001Z")));
        let open: Window = "2024-03-01 10:00..".parse().unwrap();
        assert!(window_contains(&open, utc("2099-01-01T00:00:00Z")));
        assert!(window_contains(
            &Window::default(),
            utc("1970-01-01T00:00:00Z")
        ));
    }
}
