//! Bursts: the same message from the same source, repeated with gaps of at most `--collapse`
//! seconds, becomes one row with a count and its first and last time. "The same" is compared
//! after [`mask`]ing what varies between repeats: numbers, hex ids, UUIDs, IP addresses.
//!
//! Bounded: a row stays open only while repeats keep coming within the gap; rows that follow an
//! open one wait behind it (the output stays in time order), at most [`MAX_ROWS`] rows or
//! [`MAX_BYTES`] of messages, after which the oldest row is closed early (a longer burst then
//! shows as several rows).

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};

use super::TimelineEvent;

/// Rows held back at most, waiting for an open burst before them to close.
pub const MAX_ROWS: usize = 4096;
/// Message bytes held back at most.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// Masks what varies between repeats of one message, for comparing them:
/// - a UUID (`8-4-4-4-12` hex digits) becomes `<uuid>`;
/// - an IPv6 address (hex digits and at least two `:`, with a decimal digit) becomes `<ip>`;
///   an IPv4 address becomes `#.#.#.#` by the next rule, which is just as stable;
/// - a word (letters and digits) that holds a digit becomes `#`: numbers, durations (`30ms`),
///   hex ids (`7f3a9c`), host and pod suffixes (`web-7f9c8`);
/// - a word of 8 or more hex letters (`deadbeef`), a hex id without a digit, becomes `#`.
///
/// Everything else, punctuation and non-ASCII text included, is kept as written.
pub fn mask(message: &str, out: &mut String) {
    out.clear();
    let b = message.as_bytes();
    let mut i = 0;
    let mut kept_from = 0;
    while i < b.len() {
        let c = b[i];
        let starts_word =
            c.is_ascii_alphanumeric() && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        if !starts_word {
            i += 1;
            continue;
        }
        let (end, replacement) = if let Some(end) = uuid_at(b, i) {
            (end, "<uuid>")
        } else if let Some(end) = ipv6_at(b, i) {
            (end, "<ip>")
        } else {
            let end = i + b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            let word = &b[i..end];
            let varies = word.iter().any(u8::is_ascii_digit)
                || (word.len() >= 8 && word.iter().all(u8::is_ascii_hexdigit));
            if !varies {
                i = end;
                continue;
            }
            (end, "#")
        };
        out.push_str(&message[kept_from..i]);
        out.push_str(replacement);
        i = end;
        kept_from = end;
    }
    out.push_str(&message[kept_from..]);
}

fn uuid_at(b: &[u8], i: usize) -> Option<usize> {
    let s = b.get(i..i + 36)?;
    let shape_ok = s.iter().enumerate().all(|(k, c)| {
        if matches!(k, 8 | 13 | 18 | 23) {
            *c == b'-'
        } else {
            c.is_ascii_hexdigit()
        }
    });
    let end = i + 36;
    (shape_ok && b.get(end).is_none_or(|c| !c.is_ascii_alphanumeric())).then_some(end)
}

fn ipv6_at(b: &[u8], i: usize) -> Option<usize> {
    let len = b[i..]
        .iter()
        .take_while(|c| c.is_ascii_hexdigit() || **c == b':')
        .count();
    let s = &b[i..i + len];
    let colons = s.iter().filter(|&&c| c == b':').count();
    let end = i + len;
    let ok = colons >= 2
        && s.iter().any(u8::is_ascii_digit)
        && b.get(end).is_none_or(|c| !c.is_ascii_alphanumeric());
    // Not a clock (`10:02:03`): those are digits and colons only, two digits between.
    let clock = s.iter().all(|c| c.is_ascii_digit() || *c == b':')
        && s.split(|&c| c == b':').all(|part| part.len() == 2);
    (ok && !clock).then_some(end)
}

/// Joins repeats into rows; see the module documentation.
#[derive(Debug)]
pub struct Collapser {
    gap: Option<TimeDelta>,
    queue: VecDeque<Slot>,
    /// The position of `queue[0]` counted from the first row ever queued.
    front_index: u64,
    /// Masked source + message → position of the open row with it.
    open: HashMap<String, u64>,
    bytes: usize,
    newest: Option<DateTime<Utc>>,
    key: String,
}

#[derive(Debug)]
struct Slot {
    row: TimelineEvent,
    key: Option<String>,
}

impl Collapser {
    /// `gap`: the longest pause inside a burst; `None` turns collapsing off.
    pub fn new(gap: Option<TimeDelta>) -> Self {
        Self {
            gap,
            queue: VecDeque::new(),
            front_index: 0,
            open: HashMap::new(),
            bytes: 0,
            newest: None,
            key: String::new(),
        }
    }

    /// Takes the next event in time order. `collapsible` is false for rows that are not log
    /// lines (such as commits): they are never joined.
    pub fn push(&mut self, event: TimelineEvent, collapsible: bool) {
        self.newest = self.newest.max(Some(event.last));
        let key = match self.gap {
            Some(gap) if collapsible => {
                mask(&event.message, &mut self.key);
                self.key.push('\0');
                self.key.push_str(&event.source);
                if let Some(&index) = self.open.get(&self.key)
                    && let Some(slot) = index
                        .checked_sub(self.front_index)
                        .and_then(|k| usize::try_from(k).ok())
                        .and_then(|k| self.queue.get_mut(k))
                    && event.at - slot.row.last <= gap
                {
                    let row = &mut slot.row;
                    row.count += event.count;
                    row.at = row.at.min(event.at);
                    row.last = row.last.max(event.last);
                    return;
                }
                Some(self.key.clone())
            }
            _ => None,
        };
        let index = self.front_index + self.queue.len() as u64;
        if let Some(key) = &key {
            self.open.insert(key.clone(), index);
        }
        self.bytes += event.message.len();
        self.queue.push_back(Slot { row: event, key });
    }

    /// The next finished row; with `flush` (no more events), every row in turn.
    pub fn pop(&mut self, flush: bool) -> Option<TimelineEvent> {
        let front = self.queue.front()?;
        let ready = flush
            || front.key.is_none()
            || self.queue.len() > MAX_ROWS
            || self.bytes > MAX_BYTES
            || match (self.gap, self.newest) {
                (Some(gap), Some(newest)) => newest - front.row.last > gap,
                _ => true,
            };
        if !ready {
            return None;
        }
        let slot = self.queue.pop_front()?;
        if let Some(key) = slot.key
            && self.open.get(&key) == Some(&self.front_index)
        {
            self.open.remove(&key);
        }
        self.front_index += 1;
        self.bytes -= slot.row.message.len();
        Some(slot.row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(s: &str) -> String {
        let mut out = String::new();
        mask(s, &mut out);
        out
    }

    #[test]
    fn masking() {
        let cases = [
            (
                "connection refused after 30012ms",
                "connection refused after #",
            ),
            (
                "user 42 logged in from 10.0.0.12:5432",
                "user # logged in from #.#.#.#:#",
            ),
            (
                "request 550e8400-e29b-41d4-a716-446655440000 failed",
                "request <uuid> failed",
            ),
            (
                "request ABCDEFAB-ABCD-ABCD-ABCD-ABCDEFABCDEF failed",
                "request <uuid> failed",
            ),
            ("peer fe80::1ff:fe23:4567:890a down", "peer <ip> down"),
            ("peer ::1 down", "peer ::# down"),
            ("commit deadbeefcafe reverted", "commit # reverted"),
            ("pod web-7f9c8d-x2x9q restarted", "pod web-#-# restarted"),
            ("at 10:02:03 retry #3", "at #:#:# retry ##"),
            ("latency 1.25s p99", "latency #.# #"),
            ("décrit 12 fois — ok", "décrit # fois — ok"),
            ("no numbers here", "no numbers here"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(masked(input), want, "{input}");
        }
        // What differs only in ids compares equal.
        assert_eq!(
            masked("GET /api/orders/1234 from 10.1.2.3 took 17ms trace=9f86d081884c"),
            masked("GET /api/orders/98 from 10.9.8.7 took 230ms trace=2c26b46b68ff")
        );
        assert_ne!(masked("disk full on /var"), masked("disk full on /tmp"));
    }

    fn event(at: i64, message: &str) -> TimelineEvent {
        TimelineEvent::new(
            DateTime::from_timestamp(1_709_287_200 + at, 0).unwrap(),
            "app.log",
            message,
        )
    }

    fn run(gap: Option<i64>, events: Vec<(TimelineEvent, bool)>) -> Vec<(i64, u64, i64, String)> {
        let mut c = Collapser::new(gap.map(TimeDelta::seconds));
        let mut out = Vec::new();
        for (e, collapsible) in events {
            c.push(e, collapsible);
            while let Some(r) = c.pop(false) {
                out.push(r);
            }
        }
        while let Some(r) = c.pop(true) {
            out.push(r);
        }
        out.into_iter()
            .map(|r| {
                (
                    r.at.timestamp() - 1_709_287_200,
                    r.count,
                    r.last.timestamp() - 1_709_287_200,
                    r.message,
                )
            })
            .collect()
    }

    #[test]
    fn a_burst_becomes_one_row_in_time_order() {
        let rows = run(
            Some(60),
            vec![
                (event(0, "timeout after 30s to 10.0.0.1"), true),
                (event(5, "circuit open"), true),
                (event(20, "timeout after 31s to 10.0.0.2"), true),
                (event(70, "timeout after 30s to 10.0.0.3"), true),
                (event(200, "timeout after 30s to 10.0.0.4"), true),
                (event(201, "recovered"), true),
            ],
        );
        assert_eq!(
            rows,
            vec![
                (0, 3, 70, "timeout after 30s to 10.0.0.1".to_owned()),
                (5, 1, 5, "circuit open".to_owned()),
                (200, 1, 200, "timeout after 30s to 10.0.0.4".to_owned()),
                (201, 1, 201, "recovered".to_owned()),
            ]
        );
    }

    #[test]
    fn sources_and_non_log_rows_do_not_join() {
        let mut other = event(1, "timeout 1");
        other.source = "db.log".into();
        let rows = run(
            Some(60),
            vec![
                (event(0, "timeout 1"), true),
                (other, true),
                (event(2, "Merge pull request #12"), false),
                (event(3, "Merge pull request #13"), false),
            ],
        );
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn off_means_every_event_is_a_row() {
        let rows = run(None, vec![(event(0, "x 1"), true), (event(1, "x 2"), true)]);
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn held_rows_are_bounded() {
        let mut c = Collapser::new(Some(TimeDelta::seconds(3600)));
        // One message repeating every second keeps its row open; distinct rows pile up behind it.
        let mut emitted = 0;
        for s in 0..(MAX_ROWS as i64 * 2) {
            c.push(event(s, "heartbeat 1"), true);
            let word: String = (0..4)
                .map(|k| char::from(b'a' + ((s >> (k * 4)) & 15) as u8 + 10))
                .collect();
            c.push(event(s, &format!("unique {word}")), true);
            while c.pop(false).is_some() {
                emitted += 1;
            }
            assert!(c.queue.len() <= MAX_ROWS + 1);
        }
        assert!(emitted > 0);
    }
}
