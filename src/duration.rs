//! Durations as people write them in config and on the command line (`90m`, `24h`, `3d`,
//! `1h30m`) and as reports show them (`1h 12m`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::TimeDelta;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A non-negative span of time written with units: `s`, `m`, `h`, `d`, `w`, combinable (`1h30m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HumanDuration(TimeDelta);

impl HumanDuration {
    pub const fn from_delta(delta: TimeDelta) -> Self {
        Self(delta)
    }

    pub const fn as_delta(self) -> TimeDelta {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a duration: write a number with a unit, like `90m`, `24h`, `3d` or `1h30m`"
)]
pub struct ParseDurationError {
    input: String,
}

impl FromStr for HumanDuration {
    type Err = ParseDurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseDurationError {
            input: s.to_owned(),
        };
        let text = s.trim();
        if text.is_empty() {
            return Err(err());
        }
        let mut total = TimeDelta::zero();
        let mut digits = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            if c.is_whitespace() && digits.is_empty() {
                continue;
            }
            let n: i64 = digits.parse().map_err(|_| err())?;
            digits.clear();
            let part = match c {
                's' => TimeDelta::try_seconds(n),
                'm' => TimeDelta::try_minutes(n),
                'h' => TimeDelta::try_hours(n),
                'd' => TimeDelta::try_days(n),
                'w' => TimeDelta::try_weeks(n),
                _ => None,
            }
            .ok_or_else(err)?;
            total = total.checked_add(&part).ok_or_else(err)?;
        }
        if !digits.is_empty() {
            return Err(err());
        }
        Ok(Self(total))
    }
}

impl fmt::Display for HumanDuration {
    /// The compact form that parses back: `1h30m`, `3d`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut secs = self.0.num_seconds();
        if secs == 0 {
            return f.write_str("0s");
        }
        for (unit, size) in [
            ("w", 604_800),
            ("d", 86_400),
            ("h", 3_600),
            ("m", 60),
            ("s", 1),
        ] {
            if secs >= size {
                write!(f, "{}{unit}", secs / size)?;
                secs %= size;
            }
        }
        Ok(())
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for HumanDuration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": r"^\s*([0-9]+\s*[smhdw]\s*)+$",
            "description": "A duration with units: s, m, h, d, w (for example `90m`, `24h`, `1h30m`)."
        })
    }
}

/// Formats a span of time for people: `45s`, `12m`, `1h 12m`, `2d 3h`. Negative spans get a sign.
pub fn format_human(delta: TimeDelta) -> String {
    let sign = if delta < TimeDelta::zero() { "-" } else { "" };
    let secs = delta.num_seconds().unsigned_abs();
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3_600,
        secs % 3_600 / 60,
        secs % 60,
    );
    let body = match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) if s == 0 => format!("{m}m"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, 0) => format!("{h}h"),
        (0, _, _) => format!("{h}h {m}m"),
        (_, 0, _) => format!("{d}d"),
        _ => format!("{d}d {h}h"),
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<i64> {
        s.parse::<HumanDuration>()
            .ok()
            .map(|d| d.as_delta().num_seconds())
    }

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!(parse("90m"), Some(5_400));
        assert_eq!(parse("24h"), Some(86_400));
        assert_eq!(parse("3d"), Some(259_200));
        assert_eq!(parse("1h30m"), Some(5_400));
        assert_eq!(parse("1h 30m"), Some(5_400));
        assert_eq!(parse("2w"), Some(1_209_600));
        assert_eq!(parse("0s"), Some(0));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for bad in ["", "h", "10", "10x", "-5m", "1.5h", "99999999999999999999w"] {
            assert_eq!(parse(bad), None, "{bad:?} should not parse");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in ["90m", "1h30m", "3d", "1w2d", "45s"] {
            let d: HumanDuration = s.parse().unwrap_or_else(|e| panic!("{e}"));
            let again: HumanDuration = d.to_string().parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(d, again);
        }
        assert_eq!(parse("90m").map(|_| ()), Some(()));
        assert_eq!(
            "90m".parse::<HumanDuration>().map(|d| d.to_string()),
            Ok("1h30m".into())
        );
    }

    #[test]
    fn human_format() {
        assert_eq!(format_human(TimeDelta::seconds(45)), "45s");
        assert_eq!(format_human(TimeDelta::minutes(12)), "12m");
        assert_eq!(format_human(TimeDelta::seconds(754)), "12m 34s");
        assert_eq!(format_human(TimeDelta::minutes(72)), "1h 12m");
        assert_eq!(format_human(TimeDelta::hours(2)), "2h");
        assert_eq!(format_human(TimeDelta::hours(51)), "2d 3h");
        assert_eq!(format_human(TimeDelta::minutes(-5)), "-5m");
    }
}
