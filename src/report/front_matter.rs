//! The YAML front matter: typed fields for what DESIGN.md defines, the raw mapping for schema
//! validation and extensions, and the line of every top-level key.
//!
//! The block is split by comrak (see `report::parse`); the YAML inside goes through serde_yaml
//! only, capped in size, because a YAML engine that expands aliases without limit must never see
//! untrusted input.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_yaml::{Mapping, Value};

use super::time::{Timestamp, parse_date, parse_timestamp};
use crate::span::{Span, saturate};

/// Largest front matter handed to the YAML parser (its cost grows quickly with nesting).
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// Review state of a report; strictness grows with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Draft,
    InReview,
    Final,
}

impl Status {
    pub const ALL: [Self; 3] = [Self::Draft, Self::InReview, Self::Final];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in-review",
            Self::Final => "final",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A repository to correlate with: a name from `pm.toml`, or a path with optional globs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RepoRef {
    Named(String),
    Path { path: String, paths: Vec<String> },
}

/// The keys DESIGN.md defines, in the order the template writes them.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "id",
    "date",
    "status",
    "severity",
    "authors",
    "incident_lead",
    "impact",
    "services",
    "tags",
    "started_at",
    "detected_at",
    "mitigated_at",
    "resolved_at",
    "trigger",
    "links",
    "related",
    "repos",
];

/// Keys every report needs.
pub const REQUIRED_KEYS: &[&str] = &["title", "date", "status", "severity", "authors", "impact"];

/// Keys needed from `in-review` on.
pub const REVIEW_KEYS: &[&str] = &["incident_lead", "started_at", "detected_at", "resolved_at"];

/// The parsed front matter. Typed fields are `None` (or empty) when the key is absent or its value
/// has the wrong shape; the schema check reports the latter from [`FrontMatter::mapping`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontMatter {
    /// Line of the closing `---`.
    pub end_line: u32,
    /// Every top-level key with its position, in file order.
    pub keys: Vec<(String, Span)>,
    /// The YAML mapping as written.
    #[serde(skip)]
    pub mapping: Mapping,
    pub title: Option<String>,
    pub id: Option<String>,
    pub date: Option<NaiveDate>,
    pub status: Option<Status>,
    pub severity: Option<String>,
    pub authors: Vec<String>,
    pub incident_lead: Option<String>,
    pub impact: Option<String>,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    pub started_at: Option<Timestamp>,
    pub detected_at: Option<Timestamp>,
    pub mitigated_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    pub trigger: Option<String>,
    pub links: BTreeMap<String, String>,
    pub related: Vec<String>,
    pub repos: Vec<RepoRef>,
    /// Keys DESIGN.md does not define; allowed so teams can extend.
    #[serde(skip)]
    pub extra: BTreeMap<String, Value>,
}

/// What went wrong with the front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FrontMatterErrorKind {
    /// No block at the top of the file.
    Missing,
    /// An opening `---` without a closing one.
    Unclosed,
    /// Larger than [`MAX_FRONT_MATTER`].
    TooLarge,
    /// The YAML does not parse.
    Syntax,
    /// The YAML parses, but is not a mapping of keys.
    NotMapping,
}

/// A front matter problem, positioned in the whole file, with a hint on how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrontMatterError {
    pub kind: FrontMatterErrorKind,
    pub span: Span,
    pub message: String,
    pub help: String,
}

impl FrontMatter {
    /// The position of a top-level key, if it is written.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.keys.iter().find(|(k, _)| k == key).map(|(_, s)| *s)
    }
}

/// Parses the YAML between the fences. `first_line` is the file line of the first YAML line
/// (the line after the opening fence); `end_line` the line of the closing fence.
pub fn parse(yaml: &str, first_line: u32, end_line: u32) -> Result<FrontMatter, FrontMatterError> {
    if yaml.len() > MAX_FRONT_MATTER {
        return Err(FrontMatterError {
            kind: FrontMatterErrorKind::TooLarge,
            span: Span::line(first_line),
            message: format!(
                "the front matter is {} KiB; pm reads at most {} KiB of it",
                yaml.len() / 1024,
                MAX_FRONT_MATTER / 1024
            ),
            help: "keep the front matter to metadata; move long text into the report body".into(),
        });
    }
    let value: Value =
        serde_yaml::from_str(yaml).map_err(|e| syntax_error(&e, yaml, first_line))?;
    let mapping = match value {
        Value::Mapping(m) => m,
        Value::Null => Mapping::new(),
        other => {
            return Err(FrontMatterError {
                kind: FrontMatterErrorKind::NotMapping,
                span: Span::line(first_line),
                message: format!(
                    "the front matter is {}, not a mapping of keys",
                    describe(&other)
                ),
                help: "write one `key: value` per line, like `title: \"Checkout outage\"`".into(),
            });
        }
    };
    Ok(typed(mapping, key_positions(yaml, first_line), end_line))
}

fn typed(mapping: Mapping, keys: Vec<(String, Span)>, end_line: u32) -> FrontMatter {
    let get = |k: &str| mapping.get(k);
    let string = |k: &str| get(k).and_then(Value::as_str).map(str::to_owned);
    let list = |k: &str| match get(k) {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let timestamp = |k: &str| get(k).and_then(Value::as_str).and_then(parse_timestamp);
    let links = match get("links") {
        Some(Value::Mapping(m)) => m
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_str()?.to_owned())))
            .collect(),
        _ => BTreeMap::new(),
    };
    let repos = match get("repos") {
        Some(Value::Sequence(items)) => items.iter().filter_map(repo_ref).collect(),
        _ => Vec::new(),
    };
    let extra = mapping
        .iter()
        .filter_map(|(k, v)| {
            let k = k.as_str()?;
            (!KNOWN_KEYS.contains(&k)).then(|| (k.to_owned(), v.clone()))
        })
        .collect();
    FrontMatter {
        end_line,
        keys,
        title: string("title"),
        id: string("id"),
        date: string("date").as_deref().and_then(parse_date),
        status: string("status").as_deref().and_then(Status::parse),
        severity: string("severity"),
        authors: list("authors"),
        incident_lead: string("incident_lead"),
        impact: string("impact"),
        services: list("services"),
        tags: list("tags"),
        started_at: timestamp("started_at"),
        detected_at: timestamp("detected_at"),
        mitigated_at: timestamp("mitigated_at"),
        resolved_at: timestamp("resolved_at"),
        trigger: string("trigger"),
        links,
        related: list("related"),
        repos,
        extra,
        mapping,
    }
}

fn repo_ref(v: &Value) -> Option<RepoRef> {
    match v {
        Value::String(name) => Some(RepoRef::Named(name.clone())),
        Value::Mapping(m) => {
            let path = m.get("path")?.as_str()?.to_owned();
            let paths = match m.get("paths") {
                Some(Value::Sequence(p)) => p
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                Some(Value::String(p)) => vec![p.clone()],
                _ => Vec::new(),
            };
            Some(RepoRef::Path { path, paths })
        }
        _ => None,
    }
}

/// Top-level keys are the lines that start at column 1 with `key:`; the YAML parser does not
/// keep positions, so they are found in the text.
fn key_positions(yaml: &str, first_line: u32) -> Vec<(String, Span)> {
    yaml.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let key = top_level_key(line)?;
            Some((key.to_owned(), Span::line(first_line + saturate(i))))
        })
        .collect()
}

fn top_level_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '[' | '{') {
        return None;
    }
    let (key, rest) = if let Some(quote @ ('"' | '\'')) = line.chars().next() {
        let body = &line[1..];
        let end = body.find(quote)?;
        (&body[..end], &body[end + 1..])
    } else {
        let end = line.find(':')?;
        (line[..end].trim_end(), &line[end..])
    };
    let rest = rest.trim_start();
    let after = rest.strip_prefix(':')?;
    (after.is_empty() || after.starts_with([' ', '\t'])).then_some(key)
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a single string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

fn syntax_error(e: &serde_yaml::Error, yaml: &str, first_line: u32) -> FrontMatterError {
    let (line, column) = e
        .location()
        .map_or((1, 1), |l| (saturate(l.line()), saturate(l.column())));
    let text = yaml
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("");
    let raw = e.to_string();
    // serde_yaml appends " at line N column M"; the diagnostic carries the position itself.
    let message = raw
        .split(" at line ")
        .next()
        .unwrap_or(&raw)
        .trim_end_matches(',')
        .to_owned();
    FrontMatterError {
        kind: FrontMatterErrorKind::Syntax,
        span: Span::new(first_line + line - 1, column.max(1)),
        help: yaml_hint(&message, text, column),
        message: format!("the front matter is not valid YAML: {message}"),
    }
}

/// A fix for the YAML mistakes people make in front matter.
fn yaml_hint(message: &str, line: &str, column: u32) -> String {
    let at = line.chars().nth(column.saturating_sub(1) as usize);
    let value_start = line.split_once(':').map(|(_, v)| {
        v.trim_start()
            .trim_start_matches(['[', '-', ' '])
            .chars()
            .next()
    });
    if message.contains("cannot start any token") {
        if at == Some('@') || value_start == Some(Some('@')) || line.contains("@") {
            return "`@` cannot start a plain YAML value: quote the handle, like `\"@alice\"` (in lists too: `[\"@alice\", \"@bob\"]`)".into();
        }
        if at == Some('`') || line.contains('`') {
            return "a backtick cannot start a plain YAML value: quote the whole value".into();
        }
        return "quote the value on this line".into();
    }
    if message.contains("tab") {
        return "indent with spaces: YAML does not allow tabs for indentation".into();
    }
    if message.contains("duplicate") {
        return "each key may appear once in the front matter: remove or merge the repeated key"
            .into();
    }
    if message.contains("mapping values are not allowed") {
        return "the value contains `: `; quote the whole value, like `impact: \"API down: 50% errors\"`".into();
    }
    if message.contains("recursion limit") || message.contains("repetition limit") {
        return "the front matter nests or repeats too deeply; write plain keys and values".into();
    }
    "check the indentation and quoting on this line; values with `:`, `#`, `@` or backticks need quotes".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(yaml: &str) -> FrontMatter {
        parse(yaml, 2, 99).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn err(yaml: &str) -> FrontMatterError {
        parse(yaml, 2, 99).expect_err("should not parse")
    }

    #[test]
    fn typed_fields() {
        let fm = ok(r#"title: "DB outage"
id: PM-2024-007
date: 2024-03-01
status: in-review
severity: SEV2
authors: ["@alice", Bob]
incident_lead: "@alice"
impact: 15-minute outage
services: [api, db]
tags: [database]
started_at: 2024-03-01T10:00:00Z
detected_at: 2024-03-01T10:05:00+00:00
resolved_at: 2024-03-01T11:00:00
trigger: config-push
links:
  ticket: https://example.com/INC-1
related: [PM-2024-001]
repos:
  - platform
  - {path: ../app, paths: ["src/**"]}
x_team: payments
"#);
        assert_eq!(fm.title.as_deref(), Some("DB outage"));
        assert_eq!(fm.date, NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(fm.status, Some(Status::InReview));
        assert_eq!(fm.authors, ["@alice", "Bob"]);
        assert_eq!(fm.services, ["api", "db"]);
        assert!(fm.started_at.unwrap().explicit_offset);
        assert!(!fm.resolved_at.unwrap().explicit_offset);
        assert_eq!(fm.links["ticket"], "https://example.com/INC-1");
        assert_eq!(fm.repos[0], RepoRef::Named("platform".into()));
        assert_eq!(
            fm.repos[1],
            RepoRef::Path {
                path: "../app".into(),
                paths: vec!["src/**".into()]
            }
        );
        assert_eq!(fm.extra.keys().collect::<Vec<_>>(), ["x_team"]);
        assert_eq!(fm.key_span("title"), Some(Span::line(2)));
        assert_eq!(fm.key_span("repos"), Some(Span::line(19)));
        assert_eq!(fm.key_span("x_team"), Some(Span::line(22)));
    }

    #[test]
    fn wrong_shapes_are_none_not_errors() {
        let fm = ok("title: 17\ndate: 2024-02-30\nstatus: done\nid: 17\n");
        assert_eq!(fm.title, None);
        assert_eq!(fm.date, None);
        assert_eq!(fm.status, None);
        assert_eq!(fm.id, None);
        assert!(fm.mapping.contains_key("id"));
    }

    #[test]
    fn empty_front_matter_is_an_empty_mapping() {
        assert!(ok("").keys.is_empty());
        assert!(ok("# only a comment\n").mapping.is_empty());
    }

    #[test]
    fn unquoted_handle_gets_the_quote_hint_on_its_line() {
        let e = err("title: x\nauthors: [@alice]\n");
        assert_eq!(e.kind, FrontMatterErrorKind::Syntax);
        assert_eq!(e.span.line, 3, "file line = YAML line + 1");
        assert!(e.help.contains("\"@alice\""), "{}", e.help);
        let e = err("title: x\nincident_lead: @bob\n");
        assert_eq!(e.span.line, 3);
        assert!(e.help.contains("quote"), "{}", e.help);
    }

    #[test]
    fn duplicate_key_and_tabs() {
        let e = err("title: a\ntitle: b\n");
        assert!(e.help.contains("once"), "{e:?}");
        let e = err("links:\n\tticket: x\n");
        assert_eq!(e.kind, FrontMatterErrorKind::Syntax);
    }

    #[test]
    fn not_a_mapping() {
        assert_eq!(err("- a\n- b\n").kind, FrontMatterErrorKind::NotMapping);
        assert_eq!(err("just text\n").kind, FrontMatterErrorKind::NotMapping);
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            yaml.push_str(&format!(
                "{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                c = (b'a' + i) as char,
                p = (b'a' + i - 1) as char
            ));
        }
        let e = err(&yaml);
        assert_eq!(e.kind, FrontMatterErrorKind::Syntax);
    }

    #[test]
    fn deep_nesting_and_size_are_bounded() {
        let deep = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(err(&deep).kind, FrontMatterErrorKind::Syntax);
        let huge = format!("a: \"{}\"\n", "x".repeat(MAX_FRONT_MATTER));
        assert_eq!(err(&huge).kind, FrontMatterErrorKind::TooLarge);
    }

    #[test]
    fn top_level_keys() {
        assert_eq!(top_level_key("title: x"), Some("title"));
        assert_eq!(top_level_key("\"odd key\": x"), Some("odd key"));
        assert_eq!(top_level_key("links:"), Some("links"));
        assert_eq!(top_level_key("  nested: x"), None);
        assert_eq!(top_level_key("- item"), None);
        assert_eq!(top_level_key("url: http://x"), Some("url"));
        assert_eq!(top_level_key("no colon"), None);
    }
}
