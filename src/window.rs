//! An incident window on the command line: `START..END`, either end open, each an RFC 3339
//! timestamp, `YYYY-MM-DD HH:MM[:SS]` (UTC) or a bare `YYYY-MM-DD` (midnight UTC).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::report::time::{parse_date, parse_timestamp};

/// An inclusive time window; `None` ends are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

/// Why a window did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowError(String);

impl fmt::Display for WindowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WindowError {}

/// Reads one end of a window.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Some(ts) = parse_timestamp(t) {
        return Some(ts.at.with_timezone(&Utc));
    }
    parse_date(t)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
}

impl FromStr for Window {
    type Err = WindowError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let example = "write START..END, like `2024-03-01T09:00:00Z..2024-03-01T12:00:00Z` or `2024-03-01 09:00..` (times without an offset are UTC)";
        let Some((a, b)) = s.split_once("..") else {
            return Err(WindowError(format!("`{s}` is not a window: {example}")));
        };
        let end_of = |text: &str| -> Result<Option<DateTime<Utc>>, WindowError> {
            if text.trim().is_empty() {
                return Ok(None);
            }
            parse_instant(text)
                .map(Some)
                .ok_or_else(|| WindowError(format!("`{}` is not a time: {example}", text.trim())))
        };
        let window = Self {
            start: end_of(a)?,
            end: end_of(b)?,
        };
        if let (Some(start), Some(end)) = (window.start, window.end)
            && end < start
        {
            return Err(WindowError(format!(
                "the window ends ({end}) before it starts ({start})"
            )));
        }
        Ok(window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
    }

    #[test]
    fn windows() {
        let w: Window = "2024-03-01T09:00:00+02:00..2024-03-01 12:00"
            .parse()
            .unwrap();
        assert_eq!(w.start, at("2024-03-01T07:00:00Z"));
        assert_eq!(w.end, at("2024-03-01T12:00:00Z"));
        let open: Window = "2024-03-01..".parse().unwrap();
        assert_eq!(open.start, at("2024-03-01T00:00:00Z"));
        assert_eq!(open.end, None);
        assert_eq!("..".parse::<Window>().unwrap(), Window::default());
    }

    #[test]
    fn bad_windows() {
        for bad in ["2024-03-01", "yesterday..", "2024-03-02..2024-03-01", "..x"] {
            assert!(bad.parse::<Window>().is_err(), "{bad}");
        }
    }
}
