//! Recognising the timestamp of one log line, byte by byte (no regex, no allocation: this runs on
//! every line of a gigabyte log). Forms, at the start of the line unless said otherwise:
//!
//! - ISO 8601 / RFC 3339 with `T` or a space, optional seconds, fraction (`.` or `,`) and offset
//!   (`Z`, `±HH:MM`, `±HHMM`, `±HH`, ` UTC`); journald's short-iso (`…T10:02:03+0000`) is one
//!   of these; Go's `2024/03/01 10:02:03` too;
//! - syslog `Mar  1 10:02:03` (no year: see [`super::year`]);
//! - Apache/nginx `[01/Mar/2024:10:02:03 +0000]`, also after a prefix (`1.2.3.4 - - [...]`);
//! - epoch seconds (10 digits, optional fraction) and milliseconds (13 digits), 2001–2099 only;
//! - any of the above in `[...]`, and after a syslog `<PRI>` (and RFC 5424's version `1 `).
//!
//! JSON lines are recognised in [`super::jsonl`], which reuses [`parse_text`] for string fields.

use std::ops::Range;

use chrono::{DateTime, FixedOffset, Utc};

/// An instant as nanoseconds since 1970-01-01 UTC (years 1678 to 2261): what every line's
/// timestamp becomes, cheap to compare; a `DateTime` is built only for the events kept.
pub type Nanos = i64;

/// The instant as a `DateTime`.
pub fn to_datetime(at: Nanos) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(at)
}

/// A `DateTime` as [`Nanos`], saturating outside their range (for window bounds).
pub fn from_datetime(at: DateTime<Utc>) -> Nanos {
    at.timestamp_nanos_opt().unwrap_or(if at.timestamp() < 0 {
        Nanos::MIN
    } else {
        Nanos::MAX
    })
}

/// The UTC year of an instant (H. Hinnant's `civil_from_days`, the year only).
pub fn year_of(at: Nanos) -> i32 {
    let days = at.div_euclid(86_400 * 1_000_000_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let year = yoe + era * 400 + i64::from(mp >= 10);
    // Nanos span the years 1677 to 2262.
    i32::try_from(year).unwrap_or(1970)
}

fn from_parts(secs: i64, nanos: u32) -> Option<Nanos> {
    secs.checked_mul(1_000_000_000)?
        .checked_add(i64::from(nanos))
}

/// A timestamp as a line gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// A complete instant.
    At(Nanos),
    /// A syslog time: month, day and clock in the `--tz` offset, but no year.
    NoYear(Yearless),
}

/// A syslog timestamp before its year is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Yearless {
    pub month: u32,
    pub day: u32,
    /// Seconds since midnight, local to `offset`.
    pub seconds: u32,
    pub nanos: u32,
    pub offset: FixedOffset,
}

impl Yearless {
    /// The instant in `year`, if that day exists then (29 February).
    pub fn in_year(&self, year: i32) -> Option<Nanos> {
        let days = days_from_civil(i64::from(year), self.month, self.day)?;
        let secs =
            days * 86_400 + i64::from(self.seconds) - i64::from(self.offset.local_minus_utc());
        from_parts(secs, self.nanos)
    }
}

/// A timestamp found in a line, and the bytes it occupies (with its brackets or `<PRI>`), which
/// the event's message leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub stamp: Stamp,
    pub span: Range<usize>,
}

/// How far into a line an Apache/nginx `[dd/Mon/yyyy:…]` is looked for.
const APACHE_SEARCH: usize = 256;

/// Epoch timestamps are believed between 2001-09-09 (the first 10-digit second) and 2100.
const EPOCH_MIN: i64 = 1_000_000_000;
const EPOCH_MAX: i64 = 4_102_444_800;

/// The timestamp of a text line. `tz` is the offset of timestamps that give none.
pub fn find(line: &[u8], tz: FixedOffset) -> Option<Found> {
    let mut i = 0;
    if line.first() == Some(&b'<') {
        i = skip_priority(line).unwrap_or(0);
    }
    if let Some((stamp, end)) = at(line, i, tz) {
        return Some(Found {
            stamp,
            span: 0..end,
        });
    }
    if i == 0 {
        return find_apache_later(line);
    }
    None
}

/// Reads a whole string as one timestamp (a JSON field's value); trailing spaces allowed.
pub fn parse_text(text: &[u8], tz: FixedOffset) -> Option<Stamp> {
    let (stamp, end) = at(text, 0, tz)?;
    text[end..]
        .iter()
        .all(u8::is_ascii_whitespace)
        .then_some(stamp)
}

/// Epoch seconds, milliseconds, microseconds or nanoseconds as a number (JSON), by magnitude.
pub fn from_epoch_number(value: f64) -> Option<Nanos> {
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    let (min, max) = (EPOCH_MIN as f64, EPOCH_MAX as f64);
    for scale in [1.0, 1e3, 1e6, 1e9] {
        if value >= min * scale && value < max * scale {
            let secs = value / scale;
            let whole = secs.floor();
            // Rounded to microseconds: a float carries no more than that for today's dates.
            let micros = ((secs - whole) * 1e6).round().min(999_999.0);
            // Both casts are in range: `whole` is below EPOCH_MAX and `micros` below 1e6.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            return from_parts(whole as i64, micros as u32 * 1_000);
        }
    }
    None
}

/// Epoch as an integer (JSON), by magnitude: seconds, ms, µs or ns.
pub fn from_epoch_integer(value: i64) -> Option<Nanos> {
    for (scale, nanos_per) in [
        (1, 1_000_000_000),
        (1_000, 1_000_000),
        (1_000_000, 1_000),
        (1_000_000_000, 1),
    ] {
        if let (Some(min), Some(max)) = (EPOCH_MIN.checked_mul(scale), EPOCH_MAX.checked_mul(scale))
            && (min..max).contains(&value)
        {
            let nanos = u32::try_from((value % scale) * nanos_per).ok()?;
            return from_parts(value / scale, nanos);
        }
    }
    None
}

/// `<34>` or `<34>1 ` (RFC 5424's version): the index after it.
fn skip_priority(b: &[u8]) -> Option<usize> {
    let close = b.iter().take(5).position(|&c| c == b'>')?;
    if close < 2 || !b[1..close].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut i = close + 1;
    if b.get(i) == Some(&b'1') && b.get(i + 1) == Some(&b' ') {
        i += 2;
    }
    Some(i)
}

/// A timestamp starting exactly at `i`: the stamp and the index after it (and its bracket).
fn at(b: &[u8], i: usize, tz: FixedOffset) -> Option<(Stamp, usize)> {
    let first = *b.get(i)?;
    if first == b'[' {
        let (stamp, end) = bare(b, i + 1, tz)?;
        let end = skip_spaces(b, end);
        return (b.get(end) == Some(&b']')).then_some((stamp, end + 1));
    }
    bare(b, i, tz)
}

fn bare(b: &[u8], i: usize, tz: FixedOffset) -> Option<(Stamp, usize)> {
    let first = *b.get(i)?;
    if first.is_ascii_digit() {
        if let Some((at, end)) = iso(b, i, tz) {
            return Some((Stamp::At(at), end));
        }
        if let Some((at, end)) = apache(b, i) {
            return Some((Stamp::At(at), end));
        }
        return epoch(b, i).map(|(at, end)| (Stamp::At(at), end));
    }
    if first.is_ascii_alphabetic() {
        return syslog(b, i, tz).map(|(y, end)| (Stamp::NoYear(y), end));
    }
    None
}

/// An Apache/nginx `[dd/Mon/yyyy:HH:MM:SS ±zzzz]` after a prefix such as a client address.
fn find_apache_later(line: &[u8]) -> Option<Found> {
    let head = &line[..line.len().min(APACHE_SEARCH)];
    let mut from = 0;
    while let Some(pos) = head[from..].iter().position(|&c| c == b'[') {
        let open = from + pos;
        if let Some((at, end)) = apache(line, open + 1)
            && line.get(end) == Some(&b']')
        {
            return Some(Found {
                stamp: Stamp::At(at),
                span: open..end + 1,
            });
        }
        from = open + 1;
    }
    None
}

/// `YYYY-MM-DD[T ]HH:MM[:SS[.f]][offset]` or Go's `YYYY/MM/DD HH:MM:SS`.
fn iso(b: &[u8], i: usize, tz: FixedOffset) -> Option<(Nanos, usize)> {
    let year = digits(b, i, 4)?;
    let sep = *b.get(i + 4)?;
    if !(sep == b'-' || sep == b'/') || b.get(i + 7) != Some(&sep) {
        return None;
    }
    let month = digits(b, i + 5, 2)?;
    let day = digits(b, i + 8, 2)?;
    if !matches!(b.get(i + 10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (clock, mut j) = clock(b, i + 11, false)?;
    let mut offset = tz.local_minus_utc();
    if let Some((off, end)) = offset_at(b, j) {
        offset = off;
        j = end;
    }
    if !boundary(b, j) {
        return None;
    }
    let at = instant(i64::from(year), month, day, clock, offset)?;
    Some((at, j))
}

/// `dd/Mon/yyyy:HH:MM:SS ±zzzz` (the offset is part of the form).
fn apache(b: &[u8], i: usize) -> Option<(Nanos, usize)> {
    let day = digits(b, i, 2)?;
    if b.get(i + 2) != Some(&b'/') || b.get(i + 6) != Some(&b'/') {
        return None;
    }
    let month = month_name(b.get(i + 3..i + 6)?)?;
    let year = digits(b, i + 7, 4)?;
    if b.get(i + 11) != Some(&b':') {
        return None;
    }
    let (clock, j) = clock(b, i + 12, true)?;
    if b.get(j) != Some(&b' ') || !matches!(b.get(j + 1), Some(b'+' | b'-')) {
        return None;
    }
    let (offset, end) = offset_at(b, j + 1)?;
    let at = instant(i64::from(year), month, day, clock, offset)?;
    Some((at, end))
}

/// `Mon dd HH:MM:SS[.f]`, the day space-padded or not.
fn syslog(b: &[u8], i: usize, tz: FixedOffset) -> Option<(Yearless, usize)> {
    let month = month_name(b.get(i..i + 3)?)?;
    let mut j = i + 3;
    let spaces = b[j..].iter().take(3).take_while(|&&c| c == b' ').count();
    if spaces == 0 {
        return None;
    }
    j += spaces;
    let day_len = b[j..]
        .iter()
        .take(3)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=2).contains(&day_len) || b.get(j + day_len) != Some(&b' ') {
        return None;
    }
    let day = digits(b, j, day_len)?;
    let (clock, end) = clock(b, j + day_len + 1, true)?;
    if !(1..=31).contains(&day) || !boundary(b, end) {
        return None;
    }
    // Rejects 31 April and the like now; 29 February waits for the year.
    days_in_month(2024, month).filter(|&n| day <= n)?;
    Some((
        Yearless {
            month,
            day,
            seconds: clock.hour * 3600 + clock.minute * 60 + clock.second,
            nanos: clock.nanos,
            offset: tz,
        },
        end,
    ))
}

/// A leading 10-digit (optionally `.fraction`) or 13-digit epoch.
fn epoch(b: &[u8], i: usize) -> Option<(Nanos, usize)> {
    let len = b[i..]
        .iter()
        .take(14)
        .take_while(|c| c.is_ascii_digit())
        .count();
    let value = b[i..i + len]
        .iter()
        .fold(0i64, |acc, c| acc * 10 + i64::from(c - b'0'));
    let mut j = i + len;
    let (secs, nanos) = match len {
        10 => {
            let mut nanos = 0;
            if b.get(j) == Some(&b'.') {
                let (n, end) = fraction(b, j + 1)?;
                nanos = n;
                j = end;
            }
            (value, nanos)
        }
        13 => {
            let ms = u32::try_from(value % 1000).ok()?;
            (value / 1000, ms * 1_000_000)
        }
        _ => return None,
    };
    if !(EPOCH_MIN..EPOCH_MAX).contains(&secs) || !boundary(b, j) {
        return None;
    }
    Some((from_parts(secs, nanos)?, j))
}

#[derive(Debug, Clone, Copy)]
struct Clock {
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
}

/// `HH:MM[:SS[.f]]`; `need_seconds` for the forms that always have them.
fn clock(b: &[u8], i: usize, need_seconds: bool) -> Option<(Clock, usize)> {
    let hour = digits(b, i, 2)?;
    if b.get(i + 2) != Some(&b':') {
        return None;
    }
    let minute = digits(b, i + 3, 2)?;
    let mut j = i + 5;
    let (mut second, mut nanos) = (0, 0);
    if b.get(j) == Some(&b':') {
        second = digits(b, j + 1, 2)?;
        j += 3;
        if matches!(b.get(j), Some(b'.' | b',')) && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
            let (n, end) = fraction(b, j + 1)?;
            nanos = n;
            j = end;
        }
    } else if need_seconds {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    if second == 60 {
        // A leap second: kept inside the minute, whose order it keeps.
        (second, nanos) = (59, 999_999_999);
    }
    Some((
        Clock {
            hour,
            minute,
            second,
            nanos,
        },
        j,
    ))
}

/// Fraction digits at `i` (at least one; beyond nanoseconds they are read and ignored).
fn fraction(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let len = b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if len == 0 {
        return None;
    }
    let mut nanos = 0u32;
    for k in 0..9 {
        let d = b
            .get(i + k)
            .filter(|_| k < len)
            .map_or(0, |c| u32::from(c - b'0'));
        nanos = nanos * 10 + d;
    }
    Some((nanos, i + len))
}

/// `Z`, `±HH:MM`, `±HHMM`, `±HH`, or ` UTC`/` GMT` at `i`: seconds east of UTC and the end.
fn offset_at(b: &[u8], i: usize) -> Option<(i32, usize)> {
    match *b.get(i)? {
        b'Z' | b'z' => Some((0, i + 1)),
        b' ' => {
            let word = b.get(i + 1..i + 4)?;
            (word == b"UTC" || word == b"GMT").then_some((0, i + 4))
        }
        sign @ (b'+' | b'-') => {
            let hours = digits(b, i + 1, 2)?;
            let (minutes, end) = if b.get(i + 3) == Some(&b':') {
                (digits(b, i + 4, 2)?, i + 6)
            } else if let Some(m) = digits(b, i + 3, 2) {
                (m, i + 5)
            } else {
                (0, i + 3)
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            let secs = i32::try_from(hours * 3600 + minutes * 60).ok()?;
            Some((if sign == b'-' { -secs } else { secs }, end))
        }
        _ => None,
    }
}

/// The end of a timestamp: the line ends, or a character that cannot continue a word or number.
fn boundary(b: &[u8], i: usize) -> bool {
    b.get(i).is_none_or(|c| !c.is_ascii_alphanumeric())
}

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// Exactly `n` ASCII digits at `i`.
fn digits(b: &[u8], i: usize, n: usize) -> Option<u32> {
    let s = b.get(i..i + n)?;
    s.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// `Jan` … `Dec`, any letter case.
fn month_name(s: &[u8]) -> Option<u32> {
    const NAMES: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let lower = [
        s.first()?.to_ascii_lowercase(),
        s.get(1)?.to_ascii_lowercase(),
        s.get(2)?.to_ascii_lowercase(),
    ];
    let index = NAMES.iter().position(|n| **n == lower)?;
    u32::try_from(index + 1).ok()
}

fn instant(year: i64, month: u32, day: u32, clock: Clock, offset_secs: i32) -> Option<Nanos> {
    let days = days_from_civil(year, month, day)?;
    let secs = days * 86_400 + i64::from(clock.hour * 3600 + clock.minute * 60 + clock.second)
        - i64::from(offset_secs);
    from_parts(secs, clock.nanos)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> Option<u32> {
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return None,
    })
}

/// Days since 1970-01-01 of a valid proleptic Gregorian date (H. Hinnant's algorithm): faster
/// than building a chrono date on every line.
fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if day == 0 || day > days_in_month(year, month)? {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Nanos {
        from_datetime(DateTime::parse_from_rfc3339(s).unwrap().to_utc())
    }

    fn z() -> FixedOffset {
        FixedOffset::east_opt(0).unwrap()
    }

    /// The instant and the bytes it spans.
    fn found(line: &str) -> Option<(Nanos, &str)> {
        let f = find(line.as_bytes(), z())?;
        match f.stamp {
            Stamp::At(at) => Some((at, &line[f.span])),
            Stamp::NoYear(_) => None,
        }
    }

    #[test]
    fn rfc3339_and_iso_forms() {
        let cases = [
            (
                "2024-03-01T10:02:03Z msg",
                "2024-03-01T10:02:03Z",
                "2024-03-01T10:02:03Z",
            ),
            (
                "2024-03-01T10:02:03.123456Z x",
                "2024-03-01T10:02:03.123456Z",
                "2024-03-01T10:02:03.123456Z",
            ),
            (
                "2024-03-01 10:02:03 msg",
                "2024-03-01T10:02:03Z",
                "2024-03-01 10:02:03",
            ),
            (
                "2024-03-01 12:02:03+02:00 msg",
                "2024-03-01T10:02:03Z",
                "2024-03-01 12:02:03+02:00",
            ),
            (
                "2024-03-01T05:02:03-0500 msg",
                "2024-03-01T10:02:03Z",
                "2024-03-01T05:02:03-0500",
            ),
            (
                "2024-03-01T15:32:03+0530 msg",
                "2024-03-01T10:02:03Z",
                "2024-03-01T15:32:03+0530",
            ),
            (
                "2024-03-01T11:02:03+01 msg",
                "2024-03-01T10:02:03Z",
                "2024-03-01T11:02:03+01",
            ),
            (
                "2024-03-01 10:02:03,250 INFO python",
                "2024-03-01T10:02:03.25Z",
                "2024-03-01 10:02:03,250",
            ),
            (
                "2024-03-01 10:02:03.5 UTC [42] LOG: pg",
                "2024-03-01T10:02:03.5Z",
                "2024-03-01 10:02:03.5 UTC",
            ),
            (
                "2024-03-01t10:02:03z lower",
                "2024-03-01T10:02:03Z",
                "2024-03-01t10:02:03z",
            ),
            (
                "2024-03-01T10:02 no seconds",
                "2024-03-01T10:02:00Z",
                "2024-03-01T10:02",
            ),
            (
                "2024-03-01T10:02:03.1234567891Z long fraction",
                "2024-03-01T10:02:03.123456789Z",
                "2024-03-01T10:02:03.1234567891Z",
            ),
            (
                "2024/03/01 10:02:03 go log",
                "2024-03-01T10:02:03Z",
                "2024/03/01 10:02:03",
            ),
            (
                "[2024-03-01 10:02:03] bracketed",
                "2024-03-01T10:02:03Z",
                "[2024-03-01 10:02:03]",
            ),
            (
                "2024-03-01T10:02:03",
                "2024-03-01T10:02:03Z",
                "2024-03-01T10:02:03",
            ),
        ];
        for (line, want, span) in cases {
            assert_eq!(found(line), Some((utc(want), span)), "{line}");
        }
    }

    #[test]
    fn journald_short_iso() {
        assert_eq!(
            found("2024-03-01T11:02:03+0100 host sshd[42]: Accepted key"),
            Some((utc("2024-03-01T10:02:03Z"), "2024-03-01T11:02:03+0100"))
        );
        // short-iso-precise
        assert_eq!(
            found("2024-03-01T10:02:03.000123+0000 host kernel: x").map(|f| f.0),
            Some(utc("2024-03-01T10:02:03.000123Z"))
        );
    }

    #[test]
    fn the_default_offset_applies_only_without_one() {
        let plus2 = FixedOffset::east_opt(7200).unwrap();
        let at = |line: &str| match find(line.as_bytes(), plus2).unwrap().stamp {
            Stamp::At(at) => at,
            Stamp::NoYear(y) => y.in_year(2024).unwrap(),
        };
        assert_eq!(at("2024-03-01 12:02:03 local"), utc("2024-03-01T10:02:03Z"));
        assert_eq!(at("2024-03-01T12:02:03Z utc"), utc("2024-03-01T12:02:03Z"));
        assert_eq!(at("Mar  1 12:02:03 host x"), utc("2024-03-01T10:02:03Z"));
        assert_eq!(at("1709287323 epoch"), utc("2024-03-01T10:02:03Z"));
        assert_eq!(
            at("[01/Mar/2024:10:02:03 +0000] x"),
            utc("2024-03-01T10:02:03Z")
        );
    }

    #[test]
    fn syslog_has_no_year() {
        let f = find(b"Mar  1 10:02:03 web1 nginx[7]: up", z()).unwrap();
        assert_eq!(f.span, 0..15);
        let Stamp::NoYear(y) = f.stamp else {
            panic!("{f:?}")
        };
        assert_eq!(y.in_year(2024), Some(utc("2024-03-01T10:02:03Z")));
        for line in [
            "Mar 01 10:02:03 x",
            "mar 1 10:02:03 x",
            "Mar  1 10:02:03.123456 x",
            "<34>Mar  1 10:02:03 x",
        ] {
            assert!(
                matches!(
                    find(line.as_bytes(), z()).map(|f| f.stamp),
                    Some(Stamp::NoYear(_))
                ),
                "{line}"
            );
        }
        let leap = find(b"Feb 29 00:00:00 x", z()).unwrap();
        let Stamp::NoYear(y) = leap.stamp else {
            panic!()
        };
        assert_eq!(y.in_year(2023), None);
        assert_eq!(y.in_year(2024), Some(utc("2024-02-29T00:00:00Z")));
    }

    #[test]
    fn apache_and_nginx() {
        assert_eq!(
            found(r#"10.0.0.1 - - [01/Mar/2024:12:02:03 +0200] "GET / HTTP/1.1" 200 5"#),
            Some((utc("2024-03-01T10:02:03Z"), "[01/Mar/2024:12:02:03 +0200]"))
        );
        assert_eq!(
            found("[01/Mar/2024:10:02:03 +0000] start"),
            Some((utc("2024-03-01T10:02:03Z"), "[01/Mar/2024:10:02:03 +0000]"))
        );
        // An nginx error log is ISO-like with slashes.
        assert_eq!(
            found("2024/03/01 10:02:03 [error] 7#7: upstream timed out").map(|f| f.0),
            Some(utc("2024-03-01T10:02:03Z"))
        );
    }

    #[test]
    fn epoch_seconds_and_milliseconds() {
        assert_eq!(
            found("1709287323 x"),
            Some((utc("2024-03-01T10:02:03Z"), "1709287323"))
        );
        assert_eq!(
            found("1709287323.25 x"),
            Some((utc("2024-03-01T10:02:03.25Z"), "1709287323.25"))
        );
        assert_eq!(
            found("1709287323123 x"),
            Some((utc("2024-03-01T10:02:03.123Z"), "1709287323123"))
        );
        assert_eq!(
            found("1709287323"),
            Some((utc("2024-03-01T10:02:03Z"), "1709287323"))
        );
        for not_epoch in [
            "0123456789 too early",
            "9999999999 too late",
            "12345 short",
            "17092873231 eleven digits",
            "1709287323x glued",
            "170928732312345 fifteen",
        ] {
            assert_eq!(found(not_epoch), None, "{not_epoch}");
        }
    }

    #[test]
    fn epoch_numbers_by_magnitude() {
        let want = utc("2024-03-01T10:02:03Z");
        assert_eq!(from_epoch_integer(1_709_287_323), Some(want));
        assert_eq!(from_epoch_integer(1_709_287_323_000), Some(want));
        assert_eq!(from_epoch_integer(1_709_287_323_000_000), Some(want));
        assert_eq!(from_epoch_integer(1_709_287_323_000_000_000), Some(want));
        assert_eq!(from_epoch_integer(42), None);
        assert_eq!(
            from_epoch_number(1_709_287_323.5),
            Some(utc("2024-03-01T10:02:03.5Z"))
        );
        assert_eq!(
            from_epoch_number(1_709_287_323_250.0),
            Some(utc("2024-03-01T10:02:03.25Z"))
        );
        assert_eq!(from_epoch_number(f64::NAN), None);
        assert_eq!(from_epoch_number(-1.0), None);
    }

    #[test]
    fn priority_and_rfc5424() {
        assert_eq!(
            found("<34>1 2024-03-01T10:02:03.003Z mymachine su - ID47 - msg"),
            Some((
                utc("2024-03-01T10:02:03.003Z"),
                "<34>1 2024-03-01T10:02:03.003Z"
            ))
        );
    }

    #[test]
    fn what_is_not_a_timestamp() {
        for line in [
            "",
            "   at com.example.Foo.bar(Foo.java:42)",
            "Caused by: java.io.IOException",
            "2024-13-01T10:00:00Z bad month",
            "2024-02-30T10:00:00Z no such day",
            "2024-03-01T24:00:00Z bad hour",
            "2024-03-01Tfoo",
            "2024-03-01 only a date",
            "March 1 10:02:03 long month name",
            "Mar 32 10:02:03 bad day",
            "Apr 31 10:02:03 no such day",
            "Mar  1 10:02 no seconds",
            "<999999>garbage",
            "[01/Mar/2024:10:02:03] no offset",
            "Traceback (most recent call last):",
        ] {
            assert!(find(line.as_bytes(), z()).is_none(), "{line}");
        }
    }

    #[test]
    fn whole_string_values() {
        assert_eq!(
            parse_text(b"2024-03-01T10:02:03Z", z()),
            Some(Stamp::At(utc("2024-03-01T10:02:03Z")))
        );
        assert_eq!(
            parse_text(b"01/Mar/2024:10:02:03 +0000", z()),
            Some(Stamp::At(utc("2024-03-01T10:02:03Z")))
        );
        assert_eq!(parse_text(b"2024-03-01T10:02:03Z and more", z()), None);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_safe(line in proptest::collection::vec(proptest::num::u8::ANY, 0..80)) {
            let _ = find(&line, z());
            let _ = parse_text(&line, z());
        }

        #[test]
        fn near_misses_are_safe(line in "[0-9JFMASONDjanebrpyulgctovZT :/.,+<>\\[\\]{}-]{0,48}") {
            if let Some(f) = find(line.as_bytes(), z()) {
                proptest::prop_assert!(f.span.end <= line.len());
            }
        }
    }

    #[test]
    fn years_of_instants() {
        for (text, year) in [
            ("2024-12-31T23:59:59.999999999Z", 2024),
            ("2025-01-01T00:00:00Z", 2025),
            ("2024-02-29T12:00:00Z", 2024),
            ("1970-01-01T00:00:00Z", 1970),
            ("1969-12-31T23:59:59Z", 1969),
            ("2000-03-01T00:00:00Z", 2000),
            ("2100-01-01T00:00:00Z", 2100),
        ] {
            assert_eq!(year_of(utc(text)), year, "{text}");
        }
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(1969, 12, 31), Some(-1));
        assert_eq!(days_from_civil(2023, 2, 29), None);
        for (y, m, d) in [(2024, 2, 29), (1900, 3, 1), (2100, 12, 31), (1600, 1, 1)] {
            let chrono = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
            assert_eq!(
                days_from_civil(i64::from(y), m, d),
                Some((chrono - epoch).num_days())
            );
        }
    }
}
