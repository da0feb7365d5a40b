//! One log as a stream of events in time order.
//!
//! A line with a timestamp starts an event; lines without one continue it (a stack trace, a
//! wrapped message), up to [`MAX_CONTINUATION`] bytes. Lines without a timestamp before the first
//! event are counted and skipped. An event is kept when its time is in the window and the
//! `--grep` pattern matches any of its lines, as written.
//!
//! Logs written by several threads or shipped by agents are only nearly in order, so kept events
//! wait in a reorder buffer until the source has reached [`Options::reorder`] past them
//! (at most [`MAX_QUEUED`] events or [`MAX_QUEUED_BYTES`]): within that, the output is sorted.
//! An event later than that is emitted where it appears and counted as out of order.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::read::{LineReader, open};
use super::stamp::{self, Nanos, Stamp};
use super::year::YearGuess;
use super::{Bounds, Options, TimelineEvent, jsonl};
use crate::error::{Error, Result};

/// Continuation lines beyond this many bytes per event are dropped (and counted).
pub const MAX_CONTINUATION: usize = 8 * 1024;
/// Kept events waiting for reordering, at most.
pub const MAX_QUEUED: usize = 10_000;
/// Bytes of their messages, at most.
pub const MAX_QUEUED_BYTES: usize = 4 * 1024 * 1024;

/// What happened to the lines of one source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceStats {
    /// The source as rows name it.
    pub name: String,
    pub lines: u64,
    /// Lines with a timestamp: events.
    pub events: u64,
    /// Events in the window that matched.
    pub kept: u64,
    /// Lines without a timestamp before the first event (skipped).
    pub before_first: u64,
    /// Kept events with bytes that are not UTF-8 (shown as U+FFFD).
    pub undecodable: u64,
    /// Lines longer than [`super::read::MAX_LINE`], cut.
    pub cut: u64,
    /// Continuation lines dropped beyond [`MAX_CONTINUATION`].
    pub dropped_continuation: u64,
    /// Kept events that came later than the reorder buffer could wait for.
    pub out_of_order: u64,
}

/// A log file (or standard input) being read.
#[derive(Debug)]
pub struct LogSource {
    shown: PathBuf,
    lines: LineReader<Box<dyn Read + Send>>,
    events: Assembler,
    done: bool,
}

impl LogSource {
    /// Opens `path` (`-` for standard input). `shown` names it in errors, `name` in rows.
    pub fn open(path: &Path, shown: &Path, name: &str, options: &Options) -> Result<Self> {
        let opened = open(path, shown)?;
        Ok(Self::from_reader(
            opened.reader,
            shown,
            name,
            options,
            opened.modified,
        ))
    }

    /// A source over any reader; `modified` anchors the year of syslog lines when neither a
    /// window nor `--year` does.
    pub fn from_reader(
        reader: Box<dyn Read + Send>,
        shown: &Path,
        name: &str,
        options: &Options,
        modified: DateTime<Utc>,
    ) -> Self {
        Self {
            shown: shown.to_owned(),
            lines: LineReader::new(reader),
            events: Assembler {
                bounds: Bounds::of(&options.window),
                reorder: options.reorder.num_nanoseconds().unwrap_or(Nanos::MAX),
                options: options.clone(),
                years: YearGuess::new(&options.window, options.year, modified),
                state: State::BeforeFirst,
                pending: Pending::default(),
                queue: BinaryHeap::new(),
                queued_bytes: 0,
                seq: 0,
                newest: None,
                last_out: None,
                stats: SourceStats {
                    name: name.to_owned(),
                    ..SourceStats::default()
                },
            },
            done: false,
        }
    }

    pub fn stats(&self) -> SourceStats {
        let mut stats = self.events.stats.clone();
        stats.cut = self.lines.cut;
        stats
    }

    /// The next kept event, in time order within the reorder tolerance.
    pub fn next_event(&mut self) -> Result<Option<TimelineEvent>> {
        loop {
            if let Some(event) = self.events.pop(self.done) {
                return Ok(Some(event));
            }
            if self.done {
                return Ok(None);
            }
            match self.lines.next_line() {
                Ok(Some(line)) => self.events.line(line),
                Ok(None) => {
                    self.done = true;
                    self.events.finish_event();
                }
                Err(e) => {
                    self.done = true;
                    self.events.queue.clear();
                    return Err(Error::io(&self.shown, e));
                }
            }
        }
    }
}

/// Turns lines into kept events and orders them.
#[derive(Debug)]
struct Assembler {
    options: Options,
    bounds: Bounds,
    /// [`Options::reorder`] in nanoseconds.
    reorder: Nanos,
    years: YearGuess,
    state: State,
    /// The event being read (its buffers are reused from event to event).
    pending: Pending,
    queue: BinaryHeap<Reverse<Queued>>,
    queued_bytes: usize,
    seq: u64,
    /// The latest time of any line so far.
    newest: Option<Nanos>,
    /// The latest time emitted.
    last_out: Option<Nanos>,
    stats: SourceStats,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    BeforeFirst,
    /// In an event that is not kept (outside the window): its continuation lines are skipped.
    Skipping,
    InEvent,
}

#[derive(Debug, Default)]
struct Pending {
    at: Option<Nanos>,
    header: Vec<u8>,
    /// The timestamp's bytes in `header` (empty for JSON).
    stamp: Range<usize>,
    json: bool,
    continuation: Vec<u8>,
    dropped: u64,
    matched: bool,
}

#[derive(Debug)]
struct Queued {
    at: Nanos,
    seq: u64,
    event: TimelineEvent,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

impl Assembler {
    fn line(&mut self, line: &[u8]) {
        self.stats.lines += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let tz = self.options.tz;
        let found = if line.first() == Some(&b'{') {
            jsonl::find(line, tz).map(|s| (s, 0..0, true))
        } else {
            stamp::find(line, tz).map(|f| (f.stamp, f.span, false))
        };
        let at = found.and_then(|(stamp, span, json)| {
            let at = match stamp {
                Stamp::At(at) => {
                    self.years.observe(at);
                    at
                }
                Stamp::NoYear(yearless) => self.years.resolve(&yearless)?,
            };
            Some((at, span, json))
        });
        match at {
            Some((at, span, json)) => self.start_event(line, at, span, json),
            None => self.continue_event(line),
        }
    }

    fn start_event(&mut self, line: &[u8], at: Nanos, stamp: Range<usize>, json: bool) {
        self.finish_event();
        self.stats.events += 1;
        self.newest = self.newest.max(Some(at));
        if !self.bounds.contains(at) {
            self.state = State::Skipping;
            return;
        }
        self.state = State::InEvent;
        let p = &mut self.pending;
        p.at = Some(at);
        p.header.clear();
        p.header.extend_from_slice(line);
        p.stamp = stamp;
        p.json = json;
        p.continuation.clear();
        p.dropped = 0;
        p.matched = self.options.grep.as_ref().is_none_or(|g| g.is_match(line));
    }

    fn continue_event(&mut self, line: &[u8]) {
        match self.state {
            State::BeforeFirst => self.stats.before_first += 1,
            State::Skipping => {}
            State::InEvent => {
                let p = &mut self.pending;
                if !p.matched {
                    p.matched = self.options.grep.as_ref().is_none_or(|g| g.is_match(line));
                }
                if p.continuation.len() + line.len() < MAX_CONTINUATION {
                    p.continuation.push(b'\n');
                    p.continuation.extend_from_slice(line);
                } else {
                    p.dropped += 1;
                    self.stats.dropped_continuation += 1;
                }
            }
        }
    }

    /// Queues the event being read if it is kept.
    fn finish_event(&mut self) {
        if self.state != State::InEvent {
            return;
        }
        self.state = State::Skipping;
        let p = &self.pending;
        let Some(at) = p.at.filter(|_| p.matched) else {
            return;
        };
        let (message, clean) = p.message();
        if !clean {
            self.stats.undecodable += 1;
        }
        self.stats.kept += 1;
        self.queued_bytes += message.len();
        let event = TimelineEvent::new(stamp::to_datetime(at), self.stats.name.clone(), message);
        self.seq += 1;
        self.queue.push(Reverse(Queued {
            at,
            seq: self.seq,
            event,
        }));
    }

    /// The earliest queued event, once the source has moved far enough past it (or at the end).
    fn pop(&mut self, flush: bool) -> Option<TimelineEvent> {
        let head = self.queue.peek()?.0.at;
        let ready = flush
            || self.queue.len() > MAX_QUEUED
            || self.queued_bytes > MAX_QUEUED_BYTES
            || self
                .newest
                .is_some_and(|newest| newest.saturating_sub(head) >= self.reorder);
        if !ready {
            return None;
        }
        let Reverse(q) = self.queue.pop()?;
        self.queued_bytes -= q.event.message.len();
        match self.last_out {
            Some(last) if q.at < last => self.stats.out_of_order += 1,
            _ => self.last_out = Some(q.at),
        }
        Some(q.event)
    }
}

impl Pending {
    /// The event's text: the line without its timestamp (for JSON, `level msg key=value`),
    /// then the continuation lines. False if some bytes were not UTF-8.
    fn message(&self) -> (String, bool) {
        let (header, mut clean) = decode(&self.header);
        let mut text = if self.json {
            jsonl::message(&header).unwrap_or_else(|| header.clone())
        } else {
            let (before, after) = (
                header.get(..self.stamp.start).unwrap_or(""),
                header.get(self.stamp.end..).unwrap_or(""),
            );
            join_around_stamp(before, after)
        };
        if !self.continuation.is_empty() {
            let (rest, ok) = decode(&self.continuation);
            clean &= ok;
            text.push_str(&rest);
        }
        if self.dropped > 0 {
            let s = if self.dropped == 1 { "" } else { "s" };
            text.push_str(&format!("\n… {} more line{s}", self.dropped));
        }
        (strip_ansi(&text), clean)
    }
}

/// Text as UTF-8, undecodable bytes replaced; false if there were some.
fn decode(bytes: &[u8]) -> (String, bool) {
    match String::from_utf8_lossy(bytes) {
        std::borrow::Cow::Borrowed(s) => (s.to_owned(), true),
        std::borrow::Cow::Owned(s) => (s, false),
    }
}

/// What is left of a line around its timestamp, as one text: `1.2.3.4 - - "GET /"`, or the
/// message after a leading `- `/`: `/`| ` separator.
fn join_around_stamp(before: &str, after: &str) -> String {
    let before = before.trim();
    let mut after = after.trim();
    if before.is_empty() {
        for sep in ["- ", ": ", "| ", "-\t", ":\t", "|\t"] {
            if let Some(rest) = after.strip_prefix(sep) {
                after = rest.trim_start();
                break;
            }
        }
    }
    match (before.is_empty(), after.is_empty()) {
        (true, _) => after.to_owned(),
        (false, true) => before.to_owned(),
        (false, false) => format!("{before} {after}"),
    }
}

/// Removes terminal colour and cursor sequences (`ESC [ … letter`) that some loggers write.
fn strip_ansi(text: &str) -> String {
    if !text.contains('\u{1b}') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        } else {
            chars.next();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeDelta};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn options() -> Options {
        Options {
            year: Some(2024),
            ..Options::default()
        }
    }

    fn read(text: &[u8], options: &Options) -> (Vec<(String, String)>, SourceStats) {
        let mut s = LogSource::from_reader(
            Box::new(std::io::Cursor::new(text.to_vec())),
            Path::new("app.log"),
            "app.log",
            options,
            utc("2024-06-01T00:00:00Z"),
        );
        let mut out = Vec::new();
        while let Some(e) = s.next_event().unwrap() {
            out.push((
                e.at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                e.message,
            ));
        }
        (out, s.stats())
    }

    #[test]
    fn continuation_lines_and_lines_before_the_first_event() {
        let log = b"garbage\n\n2024-03-01T10:00:00Z ERROR boom\n  at a.b(c.java:1)\n  at d.e(f.java:2)\n2024-03-01T10:00:01Z - INFO fine\n";
        let (events, stats) = read(log, &options());
        assert_eq!(
            events,
            vec![
                (
                    "2024-03-01T10:00:00Z".into(),
                    "ERROR boom\n  at a.b(c.java:1)\n  at d.e(f.java:2)".into()
                ),
                ("2024-03-01T10:00:01Z".into(), "INFO fine".into()),
            ]
        );
        assert_eq!(
            (stats.lines, stats.events, stats.kept, stats.before_first),
            (6, 2, 2, 1)
        );
    }

    #[test]
    fn continuation_is_bounded() {
        let mut log = b"2024-03-01T10:00:00Z trace\n".to_vec();
        for _ in 0..1000 {
            log.extend_from_slice(b"    at some.deep.Frame(File.java:123)\n");
        }
        let (events, stats) = read(&log, &options());
        assert!(events[0].1.len() < MAX_CONTINUATION + 100);
        assert!(events[0].1.ends_with("more lines"), "{}", events[0].1);
        assert!(stats.dropped_continuation > 700);
    }

    #[test]
    fn window_and_grep_filter_events() {
        let log = b"2024-03-01T09:59:59Z ERROR before\n\
            2024-03-01T10:00:00Z ERROR first\n\
            2024-03-01T10:00:01Z INFO ok\n\
            2024-03-01T10:00:02Z WARN slow\n  caused by ERROR deep down\n\
            2024-03-01T10:30:00Z ERROR last\n\
            2024-03-01T10:30:01Z ERROR after\n";
        let o = Options {
            window: "2024-03-01T10:00:00Z..2024-03-01T10:30:00Z"
                .parse()
                .unwrap(),
            grep: Some(regex::bytes::Regex::new("ERROR").unwrap()),
            ..options()
        };
        let (events, stats) = read(log, &o);
        let messages: Vec<_> = events.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(
            messages,
            [
                "ERROR first",
                "WARN slow\n  caused by ERROR deep down",
                "ERROR last"
            ]
        );
        assert_eq!((stats.events, stats.kept), (6, 3));
    }

    #[test]
    fn nearly_sorted_input_is_sorted_and_late_lines_counted() {
        let log = b"2024-03-01T10:00:05Z b\n\
            2024-03-01T10:00:01Z a\n\
            2024-03-01T10:00:09Z c\n\
            2024-03-01T10:05:00Z d\n\
            2024-03-01T10:05:10Z e\n\
            2024-03-01T10:00:10Z late\n\
            2024-03-01T10:05:20Z f\n";
        let o = Options {
            reorder: TimeDelta::seconds(60),
            ..options()
        };
        let (events, stats) = read(log, &o);
        let messages: Vec<_> = events.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(messages, ["a", "b", "c", "late", "d", "e", "f"]);
        assert_eq!(stats.out_of_order, 0);
        let o = Options {
            reorder: TimeDelta::seconds(2),
            ..options()
        };
        let (events, stats) = read(log, &o);
        let messages: Vec<_> = events.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(messages, ["a", "b", "c", "d", "late", "e", "f"]);
        assert_eq!(stats.out_of_order, 1);
    }

    #[test]
    fn undecodable_bytes_are_replaced_and_counted() {
        let (events, stats) = read(b"2024-03-01T10:00:00Z caf\xe9 closed\n", &options());
        assert_eq!(events[0].1, "caf\u{fffd} closed");
        assert_eq!(stats.undecodable, 1);
    }

    #[test]
    fn messages_without_their_timestamp() {
        let (events, _) = read(
            b"10.0.0.1 - - [01/Mar/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 5\n\
              Mar  1 10:00:01 web1 sshd[42]: Accepted\n\
              {\"ts\":1709287202,\"level\":\"warn\",\"msg\":\"slow\",\"ms\":812}\n\
              1709287203123 \x1b[31mred\x1b[0m alert\n",
            &options(),
        );
        let messages: Vec<_> = events.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(
            messages,
            [
                "10.0.0.1 - - \"GET / HTTP/1.1\" 200 5",
                "web1 sshd[42]: Accepted",
                "warn slow ms=812",
                "red alert",
            ]
        );
    }

    #[test]
    fn tz_applies_to_local_times() {
        let o = Options {
            tz: FixedOffset::east_opt(3600).unwrap(),
            ..options()
        };
        let (events, _) = read(b"2024-03-01 11:00:00 local\n", &o);
        assert_eq!(events[0].0, "2024-03-01T10:00:00Z");
    }
}
