//! PM001–PM005: the front matter block, its YAML, its schema, the incident window's order and
//! the timestamps' offsets.

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use super::Severity;
use super::engine::{Checker, Finding};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::report::front_matter::{FrontMatter, KNOWN_KEYS, REVIEW_KEYS};
use crate::report::time::parse_timestamp;
use crate::report::{FrontMatterErrorKind, Report, Status};
use crate::span::Span;

/// The embedded front matter schema, with the configured severities as the allowed values.
pub fn compile_schema(config: &Config) -> Result<jsonschema::Validator> {
    let bad = |message: String| Error::Template {
        path: "schema/postmortem.schema.json".into(),
        message,
    };
    let mut schema: Json =
        serde_json::from_str(crate::schema::FRONT_MATTER).map_err(|e| bad(e.to_string()))?;
    schema["properties"]["severity"]["enum"] = Json::from(config.reports.severities.clone());
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| bad(e.to_string()))
}

pub(super) fn check(cx: &Checker, report: &Report, out: &mut Vec<Finding>) {
    let fm = match &report.front_matter {
        Ok(fm) => fm,
        Err(e) => {
            let code = match e.kind {
                FrontMatterErrorKind::Missing | FrontMatterErrorKind::Unclosed => "PM001",
                FrontMatterErrorKind::TooLarge | FrontMatterErrorKind::Syntax => "PM002",
                FrontMatterErrorKind::NotMapping => "PM003",
            };
            out.push(Finding::new(
                code,
                e.span,
                e.message.clone(),
                e.help.clone(),
            ));
            return;
        }
    };
    schema(cx, report, fm, out);
    unknown_keys(report, fm, out);
    window_order(fm, out);
    offsets(fm, out);
}

fn key_span(fm: &FrontMatter, key: &str) -> Span {
    fm.key_span(key).unwrap_or(Span::line(1))
}

fn schema(cx: &Checker, report: &Report, fm: &FrontMatter, out: &mut Vec<Finding>) {
    let instance = mapping_to_json(&fm.mapping);
    // Most front matter is valid, and telling so is much cheaper than listing no errors.
    if cx.schema.is_valid(&instance) {
        return;
    }
    let review = matches!(
        report.status(),
        Some(Status::InReview | Status::Final) | None
    );
    for error in cx.schema.iter_errors(&instance) {
        let pointer = error.instance_path().as_str().to_owned();
        let key = pointer
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("")
            .replace("~1", "/")
            .replace("~0", "~");
        let field = if pointer.is_empty() {
            key.clone()
        } else {
            pointer.trim_start_matches('/').replace('/', ".")
        };
        let found = error.instance().as_ref().clone();
        use jsonschema::error::ValidationErrorKind as K;
        let (span, message, help) = match error.kind() {
            K::Required { property } => {
                let name = property.as_str().unwrap_or_default().to_owned();
                let from_review = REVIEW_KEYS.contains(&name.as_str());
                let message = if from_review && review {
                    format!(
                        "the front matter has no `{name}`; it is required once a report is in review"
                    )
                } else {
                    format!("the front matter has no `{name}`")
                };
                (Span::line(1), message, format!("add `{}`", example(&name)))
            }
            K::Enum { options } => {
                let allowed: Vec<String> = options
                    .as_array()
                    .map(|a| a.iter().map(show).collect())
                    .unwrap_or_default();
                (
                    key_span(fm, &key),
                    format!(
                        "`{field}` is {}, which is not an allowed value",
                        show(&found)
                    ),
                    format!("use one of: {}", allowed.join(", ")),
                )
            }
            K::Format { format } => {
                if format == "date-time"
                    && found
                        .as_str()
                        .and_then(parse_timestamp)
                        .is_some_and(|t| !t.explicit_offset)
                {
                    continue; // PM005 says it better.
                }
                let help = match format.as_str() {
                    "date" => {
                        "write a real calendar date as YYYY-MM-DD, like `2024-03-01`".to_owned()
                    }
                    "date-time" => {
                        "write an RFC 3339 timestamp with an offset, like `2024-03-01T10:02:00Z`"
                            .to_owned()
                    }
                    "uri" => {
                        "write a full URL, like `https://tracker.example.com/INC-123`".to_owned()
                    }
                    other => format!("write a valid {other}"),
                };
                (
                    key_span(fm, &key),
                    format!("`{field}` is {}, not a valid {format}", show(&found)),
                    help,
                )
            }
            K::Type { kind } => (
                key_span(fm, &key),
                format!(
                    "`{field}` is {}, expected {}",
                    describe(&found),
                    type_name(kind)
                ),
                type_help(&key),
            ),
            K::MinLength { .. } => (
                key_span(fm, &key),
                format!("`{field}` is empty"),
                format!("fill it in: `{}`", example(&key)),
            ),
            K::MinItems { .. } => (
                key_span(fm, &key),
                format!("`{field}` is an empty list"),
                format!("name at least one: `{}`", example(&key)),
            ),
            _ => (
                key_span(fm, &key),
                format!("`{field}`: {error}"),
                format!("see the front matter reference: `{}`", example(&key)),
            ),
        };
        out.push(Finding::new("PM003", span, message, help));
    }
}

/// Unknown keys are allowed so teams can extend the format; a final report gets a warning so a
/// typo (`detected`, `severty`) does not silently drop a field.
fn unknown_keys(report: &Report, fm: &FrontMatter, out: &mut Vec<Finding>) {
    if report.status() != Some(Status::Final) {
        return;
    }
    for key in fm.extra.keys() {
        let help = match closest(key) {
            Some(known) => format!("did you mean `{known}`? pm ignores unknown keys"),
            None => {
                "pm ignores unknown keys; remove it, or keep it as your team's extension".to_owned()
            }
        };
        out.push(
            Finding::new(
                "PM003",
                key_span(fm, key),
                format!("unknown front matter key `{key}`"),
                help,
            )
            .capped(Severity::Warning),
        );
    }
}

fn closest(key: &str) -> Option<&'static str> {
    KNOWN_KEYS
        .iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

const WINDOW: [&str; 4] = ["started_at", "detected_at", "mitigated_at", "resolved_at"];

fn window_order(fm: &FrontMatter, out: &mut Vec<Finding>) {
    let stamps = [
        fm.started_at,
        fm.detected_at,
        fm.mitigated_at,
        fm.resolved_at,
    ];
    let present: Vec<(&str, chrono::DateTime<chrono::FixedOffset>)> = WINDOW
        .iter()
        .zip(stamps)
        .filter_map(|(k, t)| Some((*k, t?.at)))
        .collect();
    for pair in present.windows(2) {
        let ((a, ta), (b, tb)) = (pair[0], pair[1]);
        if tb < ta {
            out.push(Finding::new(
                "PM004",
                key_span(fm, b),
                format!("`{b}` ({}) is before `{a}` ({})", tb.to_rfc3339(), ta.to_rfc3339()),
                "the window runs started_at <= detected_at <= mitigated_at <= resolved_at: fix the times or their offsets",
            ));
        }
    }
}

fn offsets(fm: &FrontMatter, out: &mut Vec<Finding>) {
    let stamps = [
        fm.started_at,
        fm.detected_at,
        fm.mitigated_at,
        fm.resolved_at,
    ];
    for (key, ts) in WINDOW.iter().zip(stamps) {
        if let Some(ts) = ts.filter(|t| !t.explicit_offset) {
            let raw = fm
                .mapping
                .get(*key)
                .and_then(Yaml::as_str)
                .unwrap_or_default()
                .trim()
                .to_owned();
            out.push(Finding::new(
                "PM005",
                key_span(fm, key),
                format!("`{key}` ({raw}) has no UTC offset, so the instant is ambiguous"),
                format!(
                    "add `Z` for UTC or the offset it was written in, like `{}Z`",
                    ts.at.naive_utc().format("%Y-%m-%dT%H:%M:%S")
                ),
            ));
        }
    }
}

/// YAML → JSON for the schema: non-string keys become strings, tags are dropped, numbers kept.
pub(super) fn yaml_to_json(v: &Yaml) -> Json {
    match v {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(*b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                Json::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Json::Null, Json::Number)
            }
        }
        Yaml::String(s) => Json::String(s.clone()),
        Yaml::Sequence(items) => Json::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Mapping(m) => mapping_to_json(m),
        Yaml::Tagged(t) => yaml_to_json(&t.value),
    }
}

fn mapping_to_json(m: &serde_yaml::Mapping) -> Json {
    Json::Object(
        m.iter()
            .map(|(k, v)| {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                };
                (key, yaml_to_json(v))
            })
            .collect(),
    )
}

fn show(v: &Json) -> String {
    match v {
        Json::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn describe(v: &Json) -> String {
    match v {
        Json::Null => "empty".into(),
        Json::Bool(b) => format!("the boolean `{b}`"),
        Json::Number(n) => format!("the number `{n}`"),
        Json::String(s) => format!("the text `{s}`"),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "a mapping".into(),
    }
}

fn type_name(kind: &jsonschema::error::TypeKind) -> String {
    use jsonschema::error::TypeKind;
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "string" => "text".to_owned(),
        "array" => "a list".to_owned(),
        "object" => "a mapping".to_owned(),
        other => other.to_owned(),
    };
    match kind {
        TypeKind::Single(t) => name(t),
        TypeKind::Multiple(ts) => ts.iter().map(|t| name(&t)).collect::<Vec<_>>().join(" or "),
    }
}

fn type_help(key: &str) -> String {
    match key {
        "title" | "id" | "impact" | "incident_lead" | "trigger" | "severity" | "date" => {
            format!(
                "quote the value so YAML reads it as text: `{}`",
                example(key)
            )
        }
        _ => format!("write it like `{}`", example(key)),
    }
}

/// A one-line example of each key, for help texts.
fn example(key: &str) -> String {
    match key {
        "title" => "title: \"Checkout API outage\"",
        "id" => "id: \"PM-2024-007\"",
        "date" => "date: 2024-03-01",
        "status" => "status: draft",
        "severity" => "severity: SEV2",
        "authors" => "authors: [\"@alice\", \"@bob\"]",
        "incident_lead" => "incident_lead: \"@alice\"",
        "impact" => "impact: \"15-minute outage for 50% of users\"",
        "services" => "services: [checkout-api]",
        "tags" => "tags: [database]",
        "started_at" => "started_at: 2024-03-01T10:02:00Z",
        "detected_at" => "detected_at: 2024-03-01T10:09:00Z",
        "mitigated_at" => "mitigated_at: 2024-03-01T10:30:00Z",
        "resolved_at" => "resolved_at: 2024-03-01T11:15:00Z",
        "trigger" => "trigger: config-push",
        "links" => "links: {ticket: \"https://tracker.example.com/INC-1\"}",
        "related" => "related: [PM-2024-001]",
        "repos" => "repos: [{path: ../app, paths: [\"src/**\"]}]",
        other => return format!("{other}: …"),
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_key_suggestions() {
        assert_eq!(closest("severty"), Some("severity"));
        assert_eq!(closest("detected"), Some("detected_at"));
        assert_eq!(closest("x_team"), None);
    }

    #[test]
    fn yaml_numbers_and_keys_convert() {
        let y: Yaml = serde_yaml::from_str("1: a\nb: 2.5\nc: [true, ~]\n").unwrap();
        let j = yaml_to_json(&y);
        assert_eq!(j["1"], "a");
        assert_eq!(j["b"], 2.5);
        assert_eq!(j["c"], serde_json::json!([true, null]));
    }
}
