//! The year of a syslog timestamp (`Mar  1 10:02:03` has none).
//!
//! The first such line of a source takes the year that puts it nearest the anchor: the window
//! (`START..END`, or its one given end), else `--year`, else the year before the reference
//! instant (the file's modification time, or now for standard input). Every later line takes the
//! year that puts it nearest the line before it (of any form): a log read in order crosses
//! Dec 31 → Jan 1 into the next year, and a file longer than the window stays consistent. One
//! exception keeps the window authoritative: when the anchor's year puts a line inside the window
//! and continuity does not, the window wins (a long file whose first line is a year before the
//! incident still lands on the incident).

use chrono::{DateTime, Utc};

use super::Bounds;
use super::stamp::{Nanos, Yearless, from_datetime, year_of};
use crate::window::Window;

const DAY: Nanos = 86_400 * 1_000_000_000;

/// Year inference for one source.
#[derive(Debug, Clone)]
pub struct YearGuess {
    anchor: (Nanos, Nanos),
    /// The years worth trying for the anchor.
    anchor_years: (i32, i32),
    /// The window that may override continuity (none with `--year`).
    window: Option<Bounds>,
    previous: Option<Nanos>,
}

impl YearGuess {
    /// `reference` is when the source was last written (used without a window or `--year`).
    pub fn new(window: &Window, year: Option<i32>, reference: DateTime<Utc>) -> Self {
        let start_of = |y: i32| -> Nanos {
            chrono::NaiveDate::from_ymd_opt(y, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map_or(Nanos::MAX, |t| from_datetime(t.and_utc()))
        };
        let (anchor, window) = match (year, window.start, window.end) {
            (Some(y), _, _) => ((start_of(y), start_of(y.saturating_add(1)) - 1), None),
            (None, Some(s), Some(e)) => (
                (from_datetime(s), from_datetime(e)),
                Some(Bounds::of(window)),
            ),
            (None, Some(p), None) | (None, None, Some(p)) => {
                let p = from_datetime(p);
                ((p, p), Some(Bounds::of(window)))
            }
            (None, None, None) => {
                let r = from_datetime(reference);
                ((r.saturating_sub(364 * DAY), r.saturating_add(DAY)), None)
            }
        };
        Self {
            anchor,
            anchor_years: (year_of(anchor.0) - 1, year_of(anchor.1) + 1),
            window,
            previous: None,
        }
    }

    /// Remembers the instant of a line (of any form) for the lines after it.
    pub fn observe(&mut self, at: Nanos) {
        self.previous = Some(at);
    }

    /// Places a yearless timestamp; `None` only if no nearby year has that day (29 February).
    pub fn resolve(&mut self, stamp: &Yearless) -> Option<Nanos> {
        let by_continuity = self.previous.and_then(|p| {
            let y = year_of(p);
            nearest(stamp, y - 1, y + 1, |t| t.abs_diff(p))
        });
        let chosen = match (by_continuity, self.window) {
            // The common case: a line in order, no window to consult.
            (Some(c), None) => c,
            (Some(c), Some(window)) if window.contains(c) => c,
            (c, window) => {
                let (a, b) = self.anchor;
                let by_anchor = nearest(stamp, self.anchor_years.0, self.anchor_years.1, |t| {
                    if t < a {
                        a.abs_diff(t)
                    } else if t > b {
                        t.abs_diff(b)
                    } else {
                        0
                    }
                });
                match (c, by_anchor, window) {
                    (Some(c), Some(w), Some(window)) if !window.contains(w) => c,
                    (Some(c), None, _) => c,
                    (_, w, _) => w?,
                }
            }
        };
        self.previous = Some(chosen);
        Some(chosen)
    }
}

fn nearest(stamp: &Yearless, from: i32, to: i32, distance: impl Fn(Nanos) -> u64) -> Option<Nanos> {
    (from..=to)
        .filter_map(|y| stamp.in_year(y))
        .min_by_key(|&t| distance(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn utc(s: &str) -> Nanos {
        from_datetime(DateTime::parse_from_rfc3339(s).unwrap().to_utc())
    }

    fn reference(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn syslog(month: u32, day: u32, hms: (u32, u32, u32)) -> Yearless {
        Yearless {
            month,
            day,
            seconds: hms.0 * 3600 + hms.1 * 60 + hms.2,
            nanos: 0,
            offset: FixedOffset::east_opt(0).unwrap(),
        }
    }

    fn window(text: &str) -> Window {
        text.parse().unwrap()
    }

    #[test]
    fn window_across_new_year_with_lines_in_order() {
        let w = window("2024-12-31T23:00:00Z..2025-01-01T01:00:00Z");
        let mut g = YearGuess::new(&w, None, reference("2030-06-01T00:00:00Z"));
        let lines = [
            (12, 31, (22, 59, 0), "2024-12-31T22:59:00Z"),
            (12, 31, (23, 59, 59), "2024-12-31T23:59:59Z"),
            (1, 1, (0, 0, 1), "2025-01-01T00:00:01Z"),
            (1, 1, (2, 0, 0), "2025-01-01T02:00:00Z"),
        ];
        for (m, d, hms, want) in lines {
            assert_eq!(g.resolve(&syslog(m, d, hms)), Some(utc(want)), "{want}");
        }
    }

    #[test]
    fn a_file_starting_in_january_after_a_new_year_window() {
        let w = window("2024-12-31T23:00:00Z..2025-01-01T01:00:00Z");
        let mut g = YearGuess::new(&w, None, reference("2030-06-01T00:00:00Z"));
        assert_eq!(
            g.resolve(&syslog(1, 1, (0, 30, 0))),
            Some(utc("2025-01-01T00:30:00Z"))
        );
    }

    #[test]
    fn open_window_anchors_on_its_end() {
        let mut g = YearGuess::new(
            &window("2024-12-31T23:00:00Z.."),
            None,
            reference("2030-01-01T00:00:00Z"),
        );
        assert_eq!(
            g.resolve(&syslog(12, 30, (12, 0, 0))),
            Some(utc("2024-12-30T12:00:00Z"))
        );
        assert_eq!(
            g.resolve(&syslog(1, 2, (12, 0, 0))),
            Some(utc("2025-01-02T12:00:00Z"))
        );
    }

    #[test]
    fn the_window_wins_over_a_long_run_of_continuity() {
        // A file that starts in January a year before the incident: the first line is anchored
        // to the wrong year, but the lines that the window's year puts inside it are placed there.
        let w = window("2024-12-31T23:00:00Z..2025-01-01T01:00:00Z");
        let mut g = YearGuess::new(&w, None, reference("2030-06-01T00:00:00Z"));
        g.resolve(&syslog(1, 2, (0, 0, 0)));
        for m in 2..=12 {
            g.resolve(&syslog(m, 15, (0, 0, 0)));
        }
        assert_eq!(
            g.resolve(&syslog(12, 31, (23, 30, 0))),
            Some(utc("2024-12-31T23:30:00Z"))
        );
        assert_eq!(
            g.resolve(&syslog(1, 1, (0, 30, 0))),
            Some(utc("2025-01-01T00:30:00Z"))
        );
    }

    #[test]
    fn explicit_year_then_rollover() {
        let mut g = YearGuess::new(
            &Window::default(),
            Some(2023),
            reference("2030-01-01T00:00:00Z"),
        );
        assert_eq!(
            g.resolve(&syslog(12, 31, (23, 59, 0))),
            Some(utc("2023-12-31T23:59:00Z"))
        );
        assert_eq!(
            g.resolve(&syslog(1, 1, (0, 1, 0))),
            Some(utc("2024-01-01T00:01:00Z"))
        );
    }

    #[test]
    fn without_window_or_year_the_reference_bounds_it() {
        let mut g = YearGuess::new(&Window::default(), None, reference("2025-01-05T00:00:00Z"));
        assert_eq!(
            g.resolve(&syslog(12, 20, (0, 0, 0))),
            Some(utc("2024-12-20T00:00:00Z"))
        );
        assert_eq!(
            g.resolve(&syslog(1, 4, (0, 0, 0))),
            Some(utc("2025-01-04T00:00:00Z"))
        );
    }

    #[test]
    fn other_forms_carry_the_year() {
        let mut g = YearGuess::new(
            &Window::default(),
            Some(2019),
            reference("2030-01-01T00:00:00Z"),
        );
        g.observe(utc("2024-12-31T23:59:58Z"));
        assert_eq!(
            g.resolve(&syslog(1, 1, (0, 0, 1))),
            Some(utc("2025-01-01T00:00:01Z"))
        );
    }

    #[test]
    fn leap_day_takes_a_leap_year() {
        let mut g = YearGuess::new(
            &window("2025-03-01T00:00:00Z..2025-03-02T00:00:00Z"),
            None,
            reference("2030-01-01T00:00:00Z"),
        );
        assert_eq!(
            g.resolve(&syslog(2, 29, (0, 0, 0))),
            Some(utc("2024-02-29T00:00:00Z"))
        );
    }
}
