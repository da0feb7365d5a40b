//! Timestamps as reports write them: RFC 3339 in the front matter (offset required, but read
//! without one so PM005 can say so), and the looser forms of a timeline's first column.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::Serialize;

/// A front matter timestamp: the instant, and whether the text gave its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Timestamp {
    /// The instant; without an explicit offset the text is read as UTC.
    pub at: DateTime<FixedOffset>,
    /// False when the text had no `Z` or `±HH:MM` (PM005).
    pub explicit_offset: bool,
}

/// Parses `2024-03-01T10:02:03Z`, `2024-03-01 10:02:03.5+02:00`, `2024-03-01T10:02` (no offset:
/// read as UTC and flagged) and the like. Seconds are optional; a fraction is allowed.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Some(Timestamp {
            at,
            explicit_offset: true,
        });
    }
    let (date, rest) = split_date(t)?;
    let rest = rest.strip_prefix(['T', 't', ' '])?.trim_start();
    let (clock, offset) = split_offset(rest);
    let time = parse_clock(clock)?;
    let naive = date.and_time(time);
    match offset {
        Some(off) => Some(Timestamp {
            at: off.from_local_datetime(&naive).single()?,
            explicit_offset: true,
        }),
        None => Some(Timestamp {
            at: Utc.from_utc_datetime(&naive).fixed_offset(),
            explicit_offset: false,
        }),
    }
}

/// A strict `YYYY-MM-DD` calendar date (rejects `2024-02-30`, `2024-3-1`, trailing text).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if t.len() != 10 || !t.is_char_boundary(4) {
        return None;
    }
    let b = t.as_bytes();
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // All digits (nearly always): the numbers as `%Y-%m-%d` reads them, without parsing the
    // format string on every call.
    let number = |r: std::ops::Range<usize>| {
        b[r.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| b[r].iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')))
    };
    if let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) {
        return NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()
}

fn split_date(t: &str) -> Option<(NaiveDate, &str)> {
    let head = t.get(..10)?;
    Some((parse_date(head)?, &t[10..]))
}

/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff`, two-digit hours and minutes.
fn parse_clock(text: &str) -> Option<NaiveTime> {
    let b = text.as_bytes();
    let two = |i: usize| -> Option<u32> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit())
            .then(|| u32::from(x - b'0') * 10 + u32::from(y - b'0'))
    };
    let hour = two(0)?;
    if b.get(2) != Some(&b':') {
        return None;
    }
    let minute = two(3)?;
    let (second, nanos) = match b.len() {
        5 => (0, 0),
        8 if b[5] == b':' => (two(6)?, 0),
        n if n > 9 && b[5] == b':' && (b[8] == b'.' || b[8] == b',') => {
            let frac = &text[9..];
            if !frac.bytes().all(|c| c.is_ascii_digit()) || frac.len() > 9 {
                return None;
            }
            let scale = 10u32.pow(9 - u32::try_from(frac.len()).ok()?);
            (two(6)?, frac.parse::<u32>().ok()? * scale)
        }
        _ => return None,
    };
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
}

/// Splits a trailing `Z`, `UTC`, `±HH:MM`, `±HHMM` or `±HH` from a clock.
fn split_offset(text: &str) -> (&str, Option<FixedOffset>) {
    let t = text.trim_end();
    for utc in [" UTC", "UTC", "Z", "z"] {
        if let Some(clock) = t.strip_suffix(utc) {
            return (clock.trim_end(), FixedOffset::east_opt(0));
        }
    }
    if let Some(pos) = t.rfind(['+', '-']) {
        let (clock, off) = t.split_at(pos);
        if let Some(offset) = parse_offset(off) {
            return (clock.trim_end(), Some(offset));
        }
    }
    (t, None)
}

/// `+02:00`, `-0530`, `+14` (any offset RFC 3339 allows: up to ±23:59).
pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|c| c.is_ascii_digit())
        || !matches!(digits.len(), 2 | 4)
        || text[1..].matches(':').count() > 1
    {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// What the first column of a timeline row held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowTime {
    /// A full date and time (RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` read as UTC unless an offset is given).
    Instant { at: DateTime<FixedOffset> },
    /// Only a time of day (`HH:MM`, `HH:MM:SS`, optional `Z`/`UTC`/offset); the date comes from
    /// the report and the rows before it.
    TimeOfDay {
        time: NaiveTime,
        offset: FixedOffset,
    },
}

/// Why a timeline timestamp could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeError {
    /// The cell is empty.
    Empty,
    /// The text is not one of the accepted forms.
    Unrecognised,
    /// A time of day, but the report has no `date` to place it on.
    NoDate,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the timestamp is empty",
            Self::Unrecognised => "the timestamp is not in a recognised form",
            Self::NoDate => "a time of day needs the front matter `date` to place it on a day",
        })
    }
}

/// Reads a timeline timestamp cell (backticks and surrounding spaces already removed).
pub fn parse_row_time(text: &str) -> Result<RowTime, TimeError> {
    let t = text.trim().trim_matches('`').trim();
    if t.is_empty() {
        return Err(TimeError::Empty);
    }
    if let Some(ts) = parse_timestamp(t) {
        return Ok(RowTime::Instant { at: ts.at });
    }
    let (clock, offset) = split_offset(t);
    let time = parse_clock(clock)
        .or_else(|| parse_short_hour(clock))
        .ok_or(TimeError::Unrecognised)?;
    Ok(RowTime::TimeOfDay {
        time,
        offset: offset.unwrap_or(FixedOffset::east_opt(0).ok_or(TimeError::Unrecognised)?),
    })
}

/// `9:05` — a one-digit hour is common in hand-written timelines.
fn parse_short_hour(clock: &str) -> Option<NaiveTime> {
    let (h, rest) = clock.split_once(':')?;
    if h.len() != 1 {
        return None;
    }
    parse_clock(&format!("0{h}:{rest}"))
}

/// Places a sequence of timeline times on the calendar. Times of day take the date of the row
/// before them (the report's `date` for the first); when a time of day goes back by more than
/// twelve hours from the previous time of day, the timeline has crossed midnight and the day
/// advances.
pub fn resolve_row_times(
    times: &[Result<RowTime, TimeError>],
    date: Option<NaiveDate>,
) -> Vec<Result<DateTime<FixedOffset>, TimeError>> {
    let mut day = date;
    let mut previous: Option<NaiveDateTime> = None;
    times
        .iter()
        .map(|t| match *t {
            Err(e) => Err(e),
            Ok(RowTime::Instant { at }) => {
                day = Some(at.naive_utc().date());
                previous = Some(at.naive_utc());
                Ok(at)
            }
            Ok(RowTime::TimeOfDay { time, offset }) => {
                let d = day.ok_or(TimeError::NoDate)?;
                let mut naive = d.and_time(time);
                if let Some(prev) = previous
                    && naive < prev - chrono::TimeDelta::hours(12)
                    && let Some(next) = d.succ_opt()
                {
                    naive = next.and_time(time);
                    day = Some(next);
                }
                previous = Some(naive);
                offset
                    .from_local_datetime(&naive)
                    .single()
                    .ok_or(TimeError::Unrecognised)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn front_matter_timestamps() {
        let z = parse_timestamp("2024-03-01T10:02:03Z").unwrap();
        assert!(z.explicit_offset);
        assert_eq!(z.at, utc("2024-03-01T10:02:03Z"));
        let off = parse_timestamp("2024-03-01 12:02:03.250+02:00").unwrap();
        assert_eq!(off.at, utc("2024-03-01T10:02:03.25Z"));
        let short = parse_timestamp("2024-03-01T10:02+0530").unwrap();
        assert_eq!(short.at, utc("2024-03-01T04:32:00Z"));
        let naive = parse_timestamp("2024-03-01T10:02:03").unwrap();
        assert!(!naive.explicit_offset);
        assert_eq!(naive.at, utc("2024-03-01T10:02:03Z"));
        for extreme in ["2024-03-01T10:00:00-12:00", "2024-03-01T10:00:00+14:00"] {
            assert!(parse_timestamp(extreme).unwrap().explicit_offset);
        }
    }

    #[test]
    fn bad_timestamps_do_not_parse() {
        for bad in [
            "",
            "yesterday",
            "2024-02-30T10:00:00Z",
            "2024-03-01T25:00Z",
            "2024-03-01",
            "2024-3-1T10:00Z",
        ] {
            assert!(parse_timestamp(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn strict_dates() {
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        for bad in [
            "2023-02-29",
            "2024-3-01",
            "2024-03-01x",
            "01/03/2024",
            "2024-13-01",
            "２０２４-03-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn every_timeline_form() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1);
        let cells = [
            "09:12",
            "`09:14:30`",
            "9:20",
            "09:30 UTC",
            "2024-03-01 09:40",
            "2024-03-01 09:45:10",
            "2024-03-01T09:50:00Z",
            "2024-03-01T11:55:00+02:00",
            "10:00Z",
        ];
        let times: Vec<_> = cells.iter().map(|c| parse_row_time(c)).collect();
        let resolved = resolve_row_times(&times, date);
        let expect = [
            "2024-03-01T09:12:00Z",
            "2024-03-01T09:14:30Z",
            "2024-03-01T09:20:00Z",
            "2024-03-01T09:30:00Z",
            "2024-03-01T09:40:00Z",
            "2024-03-01T09:45:10Z",
            "2024-03-01T09:50:00Z",
            "2024-03-01T09:55:00Z",
            "2024-03-01T10:00:00Z",
        ];
        for ((cell, got), want) in cells.iter().zip(&resolved).zip(expect) {
            assert_eq!(got.as_ref().ok(), Some(&utc(want)), "{cell}");
        }
    }

    #[test]
    fn timeline_crossing_midnight_advances_the_day() {
        let date = NaiveDate::from_ymd_opt(2024, 12, 31);
        let times: Vec<_> = ["23:50", "23:58", "00:05", "01:00"]
            .iter()
            .map(|c| parse_row_time(c))
            .collect();
        let resolved = resolve_row_times(&times, date);
        assert_eq!(resolved[2], Ok(utc("2025-01-01T00:05:00Z")));
        assert_eq!(resolved[3], Ok(utc("2025-01-01T01:00:00Z")));
    }

    #[test]
    fn a_small_step_back_is_kept_for_the_order_rule() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 1);
        let times: Vec<_> = ["10:00", "09:50"]
            .iter()
            .map(|c| parse_row_time(c))
            .collect();
        let resolved = resolve_row_times(&times, date);
        assert_eq!(resolved[1], Ok(utc("2024-03-01T09:50:00Z")));
    }

    #[test]
    fn timeline_errors() {
        assert_eq!(parse_row_time(""), Err(TimeError::Empty));
        assert_eq!(parse_row_time("``"), Err(TimeError::Empty));
        assert_eq!(parse_row_time("HH:MM"), Err(TimeError::Unrecognised));
        assert_eq!(parse_row_time("25:00"), Err(TimeError::Unrecognised));
        assert_eq!(parse_row_time("morning"), Err(TimeError::Unrecognised));
        let times = [parse_row_time("10:00")];
        assert_eq!(
            resolve_row_times(&times, None),
            vec![Err(TimeError::NoDate)]
        );
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+02:00"), FixedOffset::east_opt(7200));
        assert_eq!(parse_offset("-0530"), FixedOffset::east_opt(-19800));
        assert_eq!(parse_offset("+14"), FixedOffset::east_opt(14 * 3600));
        for bad in ["+24:00", "02:00", "+2", "+02:60", "+0:2:00"] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
    }
}
