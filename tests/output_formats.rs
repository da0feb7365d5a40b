//! Every `--format` of `pm check` over the same handful of awkward diagnostics: snapshots of each
//! output, plus the parts of the JSON and SARIF shapes that are a public interface (key order,
//! every rule listed, valid empty documents).
//!
//! SARIF is also checked against the official schema by an ignored test that CI runs:
//! `SARIF_SCHEMA=…/sarif-2.1.0.json cargo test --test output_formats -- --ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use pm::diagnostic::{Diagnostic, Summary};
use pm::output::{Format, HumanOptions, render};
use pm::rules::{RULES, Severity, explanation, lookup};
use pm::span::Span;
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::Value;

const FILES: usize = 4;

fn diagnostic(
    code: &str,
    severity: Severity,
    path: &str,
    (line, column): (u32, u32),
    message: &str,
    help: &str,
    snippet: Option<&str>,
) -> Diagnostic {
    Diagnostic {
        rule: lookup(code).unwrap(),
        severity,
        path: PathBuf::from(path),
        span: Span::new(line, column),
        message: message.to_owned(),
        help: help.to_owned(),
        snippet: snippet.map(str::to_owned),
    }
}

/// The sample, in the order `diagnostic::sort` gives.
fn sample() -> Vec<Diagnostic> {
    let db = "postmortems/2024-03-01-db/report.md";
    vec![
        // Escapes: `%`, a newline and `::` must not break a GitHub command or the JSON.
        diagnostic(
            "PM104",
            Severity::Error,
            db,
            (3, 8),
            "placeholder `[Incident Name]` left in: 100%\n::warning::not a command",
            "replace it with the incident's name",
            Some("title: \"[Incident Name]\""),
        ),
        diagnostic(
            "PM402",
            Severity::Error,
            db,
            (58, 5),
            "action item 3 has no owner",
            "add an @handle in the Owner column",
            Some("| 3 | Add an alert | | 2024-04-01 |"),
        ),
        diagnostic(
            "PM406",
            Severity::Warning,
            db,
            (59, 7),
            "action item 4 is vague: \"investigate\" without a measurable outcome",
            "say what will be done and how you will know it is done",
            Some("| 4 | Investigate the outage | @bob | 2024-04-02 |"),
        ),
        // Non-ASCII, a tab, and a column two characters past the end of the line.
        diagnostic(
            "PM203",
            Severity::Error,
            "postmortems/2024-04-09-ü/report.md",
            (31, 31),
            "timeline row is earlier than the row above it",
            "order the timeline rows by time",
            Some("| 10:05 | Ålarm 日本語\tfired |"),
        ),
        // A space and a comma in the path.
        diagnostic(
            "PM501",
            Severity::Warning,
            "postmortems/2024-05-02 cache, eu/report.md",
            (14, 21),
            "blaming language: \"human error\"",
            "describe what in the system allowed the mistake",
            Some("The outage was a human error by the on-call."),
        ),
        // No snippet: the file could not be read.
        diagnostic(
            "PM000",
            Severity::Error,
            "postmortems/broken/report.md",
            (1, 1),
            "the file is not UTF-8 text",
            "save the file as UTF-8",
            None,
        ),
    ]
}

fn output(format: Format, diagnostics: &[Diagnostic], color: bool) -> String {
    let summary = Summary::new(FILES, diagnostics);
    let mut out = Vec::new();
    render(
        format,
        diagnostics,
        summary,
        HumanOptions { color },
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

/// SARIF text for snapshots: the version and the rules' long explanations (which are written and
/// revised on their own; `sarif_lists_every_rule` checks them) are masked so the snapshot only
/// changes when the format does.
fn sarif_for_snapshot(diagnostics: &[Diagnostic]) -> String {
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    let mut masked = Vec::new();
    let mut mask_next = false;
    for line in output(Format::Sarif, diagnostics, false).lines() {
        if mask_next {
            let indent = &line[..line.len() - line.trim_start().len()];
            masked.push(format!("{indent}\"text\": \"[explanation]\""));
        } else {
            masked.push(line.replace(&version, "\"version\": \"[version]\""));
        }
        let key = line.trim_start();
        mask_next = key.starts_with("\"fullDescription\": {") || key.starts_with("\"help\": {");
    }
    masked.join("\n")
}

#[test]
fn human() {
    insta::assert_snapshot!("human", output(Format::Human, &sample(), false));
}

#[test]
fn json() {
    insta::assert_snapshot!("json", output(Format::Json, &sample(), false));
}

#[test]
fn sarif() {
    insta::assert_snapshot!("sarif", sarif_for_snapshot(&sample()));
}

#[test]
fn github() {
    insta::assert_snapshot!("github", output(Format::Github, &sample(), false));
}

#[test]
fn human_colour_only_when_asked() {
    assert!(!output(Format::Human, &sample(), false).contains('\x1b'));
    assert!(output(Format::Human, &sample(), true).contains('\x1b'));
    for format in [Format::Json, Format::Sarif, Format::Github] {
        assert!(!output(format, &sample(), true).contains('\x1b'));
    }
}

/// A JSON object's keys in document order (serde_json's `Value` sorts them).
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(Keys(keys))
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

#[test]
fn json_has_exactly_the_documented_keys_in_order() {
    let text = output(Format::Json, &sample(), false);
    assert_eq!(text.lines().count(), 1, "one compact line");
    assert!(text.ends_with("}\n"));

    let Keys(top) = serde_json::from_str(&text).unwrap();
    assert_eq!(top, ["version", "diagnostics", "summary"]);

    #[derive(Deserialize)]
    struct Document {
        diagnostics: Vec<Keys>,
        summary: Keys,
    }
    let doc: Document = serde_json::from_str(&text).unwrap();
    assert_eq!(doc.summary.0, ["files", "errors", "warnings"]);
    assert_eq!(doc.diagnostics.len(), sample().len());
    for Keys(keys) in doc.diagnostics {
        assert_eq!(
            keys,
            [
                "code", "name", "severity", "path", "line", "column", "message", "help"
            ]
        );
    }

    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(
        value["summary"],
        serde_json::json!({"files": FILES, "errors": 4, "warnings": 2})
    );
    let first = &value["diagnostics"][1];
    assert_eq!(first["code"], "PM402");
    assert_eq!(first["name"], "action-owner-missing");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "postmortems/2024-03-01-db/report.md");
    assert_eq!(first["line"], 58);
    assert_eq!(first["column"], 5);
    assert_eq!(
        value["diagnostics"][0]["message"],
        sample()[0].message.as_str(),
        "text survives escaping"
    );
}

#[test]
fn sarif_lists_every_rule() {
    let sample = sample();
    let value: Value = serde_json::from_str(&output(Format::Sarif, &sample, false)).unwrap();
    assert_eq!(value["version"], "2.1.0");
    assert_eq!(
        value["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &value["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "pm");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (listed, rule) in rules.iter().zip(RULES) {
        assert_eq!(listed["id"], rule.code);
        assert_eq!(listed["name"], rule.name);
        assert_eq!(listed["shortDescription"]["text"], rule.summary);
        assert_eq!(listed["fullDescription"]["text"], explanation(rule));
        assert_eq!(listed["help"]["text"], explanation(rule));
        assert_eq!(
            listed["defaultConfiguration"]["level"],
            rule.severity.to_string()
        );
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), sample.len());
    for (result, d) in results.iter().zip(&sample) {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], d.rule.code);
        assert_eq!(result["ruleId"], d.rule.code);
        assert_eq!(result["level"], d.severity.to_string());
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], d.span.line);
        assert_eq!(region["startColumn"], d.span.column);
    }
    let uri = |i: usize| {
        results[i]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(uri(3), "postmortems/2024-04-09-%C3%BC/report.md");
    assert_eq!(uri(4), "postmortems/2024-05-02%20cache,%20eu/report.md");
}

#[test]
fn nothing_to_report() {
    assert_eq!(
        output(Format::Json, &[], false),
        format!(
            r#"{{"version":1,"diagnostics":[],"summary":{{"files":{FILES},"errors":0,"warnings":0}}}}"#
        ) + "\n"
    );
    let summary = format!("checked {FILES} files: no problems found\n");
    assert_eq!(output(Format::Human, &[], false), summary);
    assert_eq!(output(Format::Github, &[], false), summary);

    let sarif: Value = serde_json::from_str(&output(Format::Sarif, &[], false)).unwrap();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        RULES.len()
    );
}

#[test]
fn human_summary_is_singular_for_one() {
    let one = &sample()[1..2];
    let text = output(Format::Human, one, false);
    assert!(
        text.ends_with(&format!("checked {FILES} files: 1 error\n")),
        "{text}"
    );
}

#[test]
fn human_output_stays_small_for_a_huge_line() {
    // A 1 MB single-line file, with the column in the middle, at the end, and far past it.
    let line = "日本語 ".repeat(250_000);
    let chars = u32::try_from(line.chars().count()).unwrap();
    for column in [1, chars / 2, chars + 1, chars + 5, u32::MAX] {
        let mut d = sample().swap_remove(1);
        d.span = Span::new(1, column);
        d.snippet = Some(line.clone());
        let text = output(Format::Human, &[d], false);
        assert!(text.len() < 2_000, "column {column}: {} bytes", text.len());
        assert!(
            text.contains(&format!(":1:{column}\n")),
            "column {column}:\n{text}"
        );
    }
}

#[test]
#[ignore = "needs check-jsonschema and SARIF_SCHEMA=path/to/sarif-2.1.0.json"]
fn sarif_validates_against_the_official_schema() {
    let schema = std::env::var("SARIF_SCHEMA").expect("SARIF_SCHEMA names sarif-2.1.0.json");
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, diagnostics) in [("sample.sarif", sample()), ("empty.sarif", Vec::new())] {
        let path = dir.path().join(name);
        std::fs::write(&path, output(Format::Sarif, &diagnostics, false)).unwrap();
        files.push(path);
    }
    let status = std::process::Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(&schema)
        .args(&files)
        .status()
        .expect("check-jsonschema is installed (pip install check-jsonschema)");
    assert!(status.success(), "SARIF does not validate against {schema}");
}
