//! JSON-lines logs of structured loggers (zap, pino, logrus, bunyan, structlog, Docker's
//! json-file, Logstash): one object a line whose `time`, `ts`, `timestamp` or `@timestamp` field
//! holds the time as any form of [`super::stamp`] (string) or as epoch seconds, milliseconds,
//! microseconds or nanoseconds (number). The first of those keys present, in that order, wins.
//!
//! Finding the time runs on every line, so it deserialises only those four fields (borrowed, the
//! rest skipped). The event's message is built only for lines that are kept: the `msg`-like field,
//! after the level, then the other fields as `key=value`.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use chrono::FixedOffset;
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use super::stamp::{self, Stamp};

const TIME_KEYS: [&str; 4] = ["time", "ts", "timestamp", "@timestamp"];
const MESSAGE_KEYS: [&str; 5] = ["msg", "message", "MESSAGE", "log", "event"];
const LEVEL_KEYS: [&str; 4] = ["level", "lvl", "severity", "levelname"];

/// The timestamp of a JSON line, if the line is a JSON object with a time field that reads.
pub fn find(line: &[u8], tz: FixedOffset) -> Option<Stamp> {
    let times: Times<'_> = serde_json::from_slice(line).ok()?;
    let value = times
        .time
        .or(times.ts)
        .or(times.timestamp)
        .or(times.at_timestamp)?;
    match value {
        TimeValue::Text(text) => stamp::parse_text(text.trim().as_bytes(), tz),
        TimeValue::Integer(n) => stamp::from_epoch_integer(n).map(Stamp::At),
        TimeValue::Float(x) => stamp::from_epoch_number(x).map(Stamp::At),
        TimeValue::Other => None,
    }
}

/// The message of a kept JSON line: `level msg key=value …`, without the time fields. `None` if
/// the line is not a JSON object after all.
pub fn message(line: &str) -> Option<String> {
    let Fields(fields) = serde_json::from_str(line).ok()?;
    let pick = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| fields.iter().position(|(name, _)| name == k))
    };
    let msg = pick(&MESSAGE_KEYS);
    let level = pick(&LEVEL_KEYS);
    let mut out = String::new();
    for index in [level, msg].into_iter().flatten() {
        let text = match &fields[index].1 {
            Value::String(s) => s.trim_end().to_owned(),
            other => other.to_string(),
        };
        push_word(&mut out, &text);
    }
    for (i, (name, value)) in fields.iter().enumerate() {
        if Some(i) == msg || Some(i) == level || TIME_KEYS.contains(&name.as_ref()) {
            continue;
        }
        let shown = match value {
            Value::String(s) if !s.is_empty() && !s.contains([' ', '"', '=']) => s.clone(),
            other => other.to_string(),
        };
        push_word(&mut out, &format!("{name}={shown}"));
    }
    Some(out)
}

fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() && !word.is_empty() {
        out.push(' ');
    }
    let _ = out.write_str(word);
}

/// Only the time fields, borrowed where the JSON has no escapes.
#[derive(Deserialize)]
struct Times<'a> {
    #[serde(borrow, default)]
    time: Option<TimeValue<'a>>,
    #[serde(borrow, default)]
    ts: Option<TimeValue<'a>>,
    #[serde(borrow, default)]
    timestamp: Option<TimeValue<'a>>,
    #[serde(borrow, default, rename = "@timestamp")]
    at_timestamp: Option<TimeValue<'a>>,
}

enum TimeValue<'a> {
    Text(Cow<'a, str>),
    Integer(i64),
    Float(f64),
    Other,
}

impl<'de: 'a, 'a> Deserialize<'de> for TimeValue<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TimeValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TimeValue::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TimeValue::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(TimeValue::Integer(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(v).map_or(TimeValue::Other, TimeValue::Integer))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(TimeValue::Float(v))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TimeValue::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TimeValue::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TimeValue::Other)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TimeValue::Other)
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Every top-level field in the order written (serde_json's map would sort them).
struct Fields(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::super::stamp::{Nanos, from_datetime};
    use super::*;
    use chrono::DateTime;

    fn at(line: &str) -> Option<Nanos> {
        match find(line.as_bytes(), FixedOffset::east_opt(0).unwrap())? {
            Stamp::At(at) => Some(at),
            Stamp::NoYear(y) => y.in_year(2024),
        }
    }

    fn utc(s: &str) -> Nanos {
        from_datetime(DateTime::parse_from_rfc3339(s).unwrap().to_utc())
    }

    #[test]
    fn every_time_key_and_value_form() {
        let want = utc("2024-03-01T10:02:03Z");
        for line in [
            r#"{"time":"2024-03-01T10:02:03Z","msg":"x"}"#,
            r#"{"level":"info","ts":1709287323,"msg":"zap int"}"#,
            r#"{"ts":1709287323.0,"msg":"zap float"}"#,
            r#"{"time":1709287323000,"msg":"pino ms"}"#,
            r#"{"timestamp":"2024-03-01 10:02:03","msg":"no T"}"#,
            r#"{"@timestamp":"2024-03-01T11:02:03+01:00","message":"logstash"}"#,
            r#"{"time":"1709287323","msg":"epoch string"}"#,
            r#"{"time":"01/Mar/2024:10:02:03 +0000"}"#,
            r#"{"time":"Mar  1 10:02:03","msg":"syslog form"}"#,
            r#"{"time":"2024-03-01T10:02:03\u005a","msg":"escaped"}"#,
            r#" {"nested":{"time":"x"},"time":"2024-03-01T10:02:03Z"}"#,
        ] {
            assert_eq!(at(line), Some(want), "{line}");
        }
        assert_eq!(
            at(r#"{"ts":1709287323.25}"#),
            Some(utc("2024-03-01T10:02:03.25Z"))
        );
    }

    #[test]
    fn key_precedence() {
        assert_eq!(
            at(r#"{"ts":"2020-01-01T00:00:00Z","time":"2024-03-01T10:02:03Z"}"#),
            Some(utc("2024-03-01T10:02:03Z"))
        );
    }

    #[test]
    fn no_time_no_stamp() {
        for line in [
            r#"{"msg":"no time"}"#,
            r#"{"time":"soon"}"#,
            r#"{"time":true}"#,
            r#"{"time":{"sec":1}}"#,
            r#"{"time":42}"#,
            r#"["time"]"#,
            r#"{"time":"2024-03-01T10:02:03Z""#,
            "{",
        ] {
            assert_eq!(at(line), None, "{line}");
        }
    }

    #[test]
    fn messages() {
        assert_eq!(
            message(r#"{"ts":1,"level":"error","msg":"db timeout","user":"u42","err":"conn refused","n":3}"#)
                .as_deref(),
            Some(r#"error db timeout user=u42 err="conn refused" n=3"#)
        );
        assert_eq!(
            message(
                r#"{"log":"GET /health 200\n","stream":"stdout","time":"2024-03-01T10:02:03Z"}"#
            )
            .as_deref(),
            Some("GET /health 200 stream=stdout")
        );
        assert_eq!(
            message(r#"{"time":"x","a":{"b":[1,2]}}"#).as_deref(),
            Some(r#"a={"b":[1,2]}"#)
        );
        assert_eq!(message("not json"), None);
    }
}
