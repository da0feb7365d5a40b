//! Unit tests of the whole model: one small report per construct.

use std::path::Path;

use chrono::{DateTime, NaiveDate};

use super::*;

fn load(text: &str) -> Report {
    Report::from_bytes(
        Path::new("postmortems/2024-03-01-x/report.md"),
        text.as_bytes(),
        &LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn at(s: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

const FULL: &str = r#"---
title: "Checkout outage"
id: PM-2024-001
date: 2024-03-01
status: final
severity: SEV1
authors: ["@alice"]
incident_lead: "@alice"
impact: 38-minute outage
started_at: 2024-03-01T09:12:00Z
detected_at: 2024-03-01T09:16:00Z
mitigated_at: 2024-03-01T09:44:00Z
resolved_at: 2024-03-01T10:30:00Z
---

# Checkout outage

<!-- pm-ignore PM406 -->

## 1. Executive Summary

Checkout failed.

## 2. Impact

- Users: all EU customers

## 3. Timeline of Events (UTC)

| Time (UTC) | Event |
|---|---|
| `09:12` | Deploy completes (**T-0**) |
| 09:16 | Alert fires |
| 2024-03-01 09:44 | Rolled back |
| 2024-03-01T10:30:00Z | Resolved |

## 4. Root Causes

### 5 Whys

1. **Why 1?** Requests failed.
   - Evidence: gateway logs
2. **Why 2?** The pool was exhausted.
   Evidence: pool metrics
3. **Why 3?** The config halved the pool.

**Root Cause:** a config change halved the connection pool.

## 5. Lessons Learned

### What went well

- Alert fired in 4 minutes

### What could be improved

- Canary did not cover EU
- Rollback took 28 minutes

**Where we got lucky:** it was not Black Friday.

## 6. Follow-ups

| # | Task | Assignee | Deadline | Type | Status | Ticket |
|---|---|---|---|---|---|---|
| 1 | Add pool saturation alert at 80% | @bob | 2024-03-15 | Immediate Fix | Done | [OPS-1](https://t.example/OPS-1) |
| 2 | Run `grep 5xx \| wc -l` in the canary check | @carol | 2024-02-30 | short-term | In progress | |
| 3 | Short row | @dan |
"#;

#[test]
fn numbered_and_aliased_headings_are_sections() {
    let r = load(FULL);
    let kinds: Vec<_> = r.sections.iter().map(|s| s.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            Some(SectionKind::Summary),
            Some(SectionKind::Impact),
            Some(SectionKind::Timeline),
            Some(SectionKind::RootCauseAnalysis),
            Some(SectionKind::LessonsLearned),
            Some(SectionKind::ActionItems),
        ]
    );
    assert_eq!(r.sections[0].heading, "1. Executive Summary");
    assert_eq!(r.sections[0].span, Span::new(20, 1));
    assert!(r.sections.iter().all(|s| !s.is_empty));
    assert_eq!(
        r.heading.as_ref().map(|h| h.text.as_str()),
        Some("Checkout outage")
    );
    assert_eq!(r.comments[0].text, "pm-ignore PM406");
    assert_eq!(r.comments[0].span.line, 18);
}

#[test]
fn front_matter_and_milestones() {
    let r = load(FULL);
    let m = r.meta().unwrap();
    assert_eq!(m.end_line, 14);
    assert_eq!(m.key_span("impact"), Some(Span::line(9)));
    assert_eq!(r.status(), Some(Status::Final));
    assert_eq!(r.id("report.md"), "PM-2024-001");
    let ms = r.milestones();
    assert_eq!(ms.ttd(), Some(chrono::TimeDelta::minutes(4)));
    assert_eq!(ms.ttm(), Some(chrono::TimeDelta::minutes(32)));
    assert_eq!(ms.ttr(), Some(chrono::TimeDelta::minutes(78)));
}

#[test]
fn timeline_rows_in_every_form() {
    let r = load(FULL);
    let t = r.timeline.as_ref().unwrap();
    let times: Vec<_> = t.rows.iter().map(|row| row.at.ok()).collect();
    assert_eq!(
        times,
        [
            Some(at("2024-03-01T09:12:00Z")),
            Some(at("2024-03-01T09:16:00Z")),
            Some(at("2024-03-01T09:44:00Z")),
            Some(at("2024-03-01T10:30:00Z")),
        ]
    );
    assert_eq!(t.rows[0].time.text, "09:12");
    assert_eq!(t.rows[0].span.line, 32);
    assert_eq!(
        t.rows[0].event.as_ref().unwrap().text,
        "Deploy completes (T-0)"
    );
    assert_eq!(t.rows[2].event.as_ref().unwrap().span, Span::new(34, 22));
}

#[test]
fn whys_evidence_and_root_cause() {
    let r = load(FULL);
    let numbers: Vec<_> = r.whys.iter().map(|w| w.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert_eq!(r.whys[0].text, "Requests failed.");
    assert_eq!(r.whys[0].span, Span::new(41, 4));
    let ev0 = r.whys[0].evidence.as_ref().unwrap();
    assert_eq!(
        (ev0.text.as_str(), ev0.span),
        ("gateway logs", Span::new(42, 6))
    );
    assert_eq!(r.whys[1].evidence.as_ref().unwrap().text, "pool metrics");
    assert!(r.whys[2].evidence.is_none());
    let rc = r.root_cause.as_ref().unwrap();
    assert_eq!(rc.text, "a config change halved the connection pool.");
    assert_eq!(rc.span, Span::new(47, 1));
}

#[test]
fn lessons_by_kind() {
    let r = load(FULL);
    let got: Vec<_> = r
        .lessons
        .iter()
        .map(|l| (l.kind, l.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(LessonKind::WentWell), "Alert fired in 4 minutes"),
            (Some(LessonKind::ToImprove), "Canary did not cover EU"),
            (Some(LessonKind::ToImprove), "Rollback took 28 minutes"),
            (Some(LessonKind::Lucky), "it was not Black Friday."),
        ]
    );
}

#[test]
fn action_items_by_header_alias_with_escaped_pipes_and_short_rows() {
    let r = load(FULL);
    let t = r.actions.as_ref().unwrap();
    assert_eq!(t.items.len(), 3);
    let one = &t.items[0];
    assert_eq!(one.owner.as_ref().unwrap().text, "@bob");
    assert_eq!(one.due_date, NaiveDate::from_ymd_opt(2024, 3, 15));
    assert_eq!(one.category_key().as_deref(), Some("immediate"));
    assert_eq!(one.status_kind, Some(ActionStatus::Done));
    let tracker = one.tracker.as_ref().unwrap();
    assert_eq!(tracker.text, "OPS-1");
    assert_eq!(tracker.url.as_deref(), Some("https://t.example/OPS-1"));
    let two = &t.items[1];
    assert_eq!(
        two.action.as_ref().unwrap().text,
        "Run grep 5xx | wc -l in the canary check"
    );
    assert_eq!(two.due.as_ref().unwrap().text, "2024-02-30");
    assert_eq!(two.due_date, None, "not a real date");
    assert_eq!(two.status_kind, Some(ActionStatus::InProgress));
    assert!(two.tracker.as_ref().is_none_or(|c| c.value().is_none()));
    let three = &t.items[2];
    assert_eq!(three.owner.as_ref().unwrap().text, "@dan");
    assert!(
        three.due.as_ref().is_none_or(|c| c.value().is_none()),
        "short row has no due date"
    );
    assert_eq!(three.span.line, 68);
    assert_eq!(three.label(), "3");
}

#[test]
fn crlf_and_bom_keep_positions() {
    let text = format!("\u{feff}{}", FULL.replace('\n', "\r\n"));
    let r = load(&text);
    let plain = load(FULL);
    assert!(r.front_matter.is_ok(), "{:?}", r.front_matter);
    assert_eq!(r.meta().unwrap().title.as_deref(), Some("Checkout outage"));
    assert_eq!(r.sections.len(), plain.sections.len());
    assert_eq!(r.sections[2].span, plain.sections[2].span);
    assert_eq!(r.whys, plain.whys);
    assert_eq!(r.root_cause, plain.root_cause);
    assert_eq!(r.actions, plain.actions);
    assert_eq!(r.timeline, plain.timeline);
    assert_eq!(r.line(2), Some("title: \"Checkout outage\""));
}

#[test]
fn missing_front_matter() {
    let r = load("# Title\n\n## Summary\n\ntext\n");
    let e = r.front_matter.as_ref().unwrap_err();
    assert_eq!(e.kind, FrontMatterErrorKind::Missing);
    assert_eq!(r.sections.len(), 1);
    assert_eq!(r.status(), None);
}

#[test]
fn unclosed_and_late_front_matter() {
    let r = load("---\ntitle: x\n\n## Summary\n");
    assert_eq!(
        r.front_matter.unwrap_err().kind,
        FrontMatterErrorKind::Unclosed
    );
    let r = load("\n\n---\ntitle: x\n---\n");
    let e = r.front_matter.unwrap_err();
    assert_eq!(e.kind, FrontMatterErrorKind::Missing);
    assert!(e.help.contains("blank lines"), "{}", e.help);
}

#[test]
fn yaml_error_points_at_the_file_line() {
    let r = load("---\ntitle: x\nauthors: [@alice]\n---\n\n## Summary\n");
    let e = r.front_matter.unwrap_err();
    assert_eq!(e.kind, FrontMatterErrorKind::Syntax);
    assert_eq!(e.span.line, 3);
    assert!(e.help.contains("\"@alice\""));
    assert_eq!(r.sections.len(), 1, "the body is still read");
}

#[test]
fn empty_file_and_empty_sections() {
    let r = load("");
    assert_eq!(
        r.front_matter.as_ref().unwrap_err().kind,
        FrontMatterErrorKind::Missing
    );
    assert!(r.sections.is_empty());
    let r = load("---\n---\n## Summary\n<!-- fill me -->\n### Sub\n## Impact\n\nreal\n");
    assert!(r.meta().unwrap().keys.is_empty());
    assert!(r.sections[0].is_empty);
    assert!(!r.sections[1].is_empty);
    assert_eq!(r.sections[0].end_line, 5);
}

#[test]
fn unknown_and_duplicate_sections_are_kept_in_order() {
    let r = load("## Appendix\nx\n## Summary\na\n## Summary\nb\n");
    assert_eq!(r.sections[0].kind, None);
    assert_eq!(
        r.sections
            .iter()
            .filter(|s| s.kind == Some(SectionKind::Summary))
            .count(),
        2
    );
}

#[test]
fn setext_level_two_heading_is_a_section() {
    let r = load("Summary\n-------\n\ntext\n");
    assert_eq!(r.sections[0].kind, Some(SectionKind::Summary));
}

#[test]
fn timeline_time_of_day_without_date_is_an_error_per_row() {
    let r = load("## Timeline\n\n| Time | Event |\n|--|--|\n| 10:00 | x |\n| nonsense | y |\n");
    let rows = &r.timeline.unwrap().rows;
    assert_eq!(rows[0].at, Err(time::TimeError::NoDate));
    assert_eq!(rows[1].at, Err(time::TimeError::Unrecognised));
}

#[test]
fn whys_as_paragraphs_and_root_cause_subheading() {
    let r = load(
        "## RCA\n\n**Why 1?** A.\n\nEvidence: e1\n\n**Why 2?** B.\n\n### Root Cause\n\nThe pool was too small.\n",
    );
    assert_eq!(r.whys.len(), 2);
    assert_eq!(r.whys[0].evidence.as_ref().unwrap().text, "e1");
    assert!(r.whys[1].evidence.is_none());
    assert_eq!(r.root_cause.unwrap().text, "The pool was too small.");
}

#[test]
fn not_text_files_are_load_errors() {
    let opts = LoadOptions::default();
    let p = Path::new("r.md");
    let e = Report::from_bytes(p, b"ab\ncd\0", &opts).unwrap_err();
    assert_eq!(e.span(), Span::new(2, 3));
    assert!(matches!(e.kind, LoadErrorKind::Binary { .. }));
    let e = Report::from_bytes(p, b"ok\n\xff\xfe", &opts).unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::NotUtf8 { .. }));
    assert_eq!(e.span(), Span::new(2, 1));
    let small = LoadOptions {
        max_file_size: 4,
        ..LoadOptions::default()
    };
    let e = Report::from_bytes(p, b"12345", &small).unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::TooLarge { .. }));
}

#[test]
fn load_reports_directories_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let opts = LoadOptions::default();
    let e = Report::load(dir.path(), &opts).unwrap_err();
    assert_eq!(e.kind, LoadErrorKind::Directory);
    let e = Report::load(&dir.path().join("nope.md"), &opts).unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::Io(_)));
    let file = dir.path().join("big.md");
    std::fs::write(&file, "x".repeat(100)).unwrap();
    let small = LoadOptions {
        max_file_size: 10,
        ..LoadOptions::default()
    };
    assert!(matches!(
        Report::load(&file, &small).unwrap_err().kind,
        LoadErrorKind::TooLarge { .. }
    ));
}

/// A FIFO (and a symlink to one, or to a device) is refused at once: reading it would wait for
/// a writer, or never end.
#[cfg(unix)]
#[test]
fn load_refuses_fifos_and_devices_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let opts = LoadOptions::default();
    assert_eq!(
        Report::load(&fifo, &opts).unwrap_err().kind,
        LoadErrorKind::NotAFile
    );
    let link = dir.path().join("zero.md");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    assert_eq!(
        Report::load(&link, &opts).unwrap_err().kind,
        LoadErrorKind::NotAFile
    );
}

#[test]
fn default_ids() {
    assert_eq!(
        default_id(Path::new("pm/2024-03-01-db/report.md"), "report.md"),
        "2024-03-01-db"
    );
    assert_eq!(
        default_id(Path::new("pm/2024-03-01-db.md"), "report.md"),
        "2024-03-01-db"
    );
}

#[test]
fn hostile_nesting_does_not_overflow() {
    for text in [
        format!("## Lessons Learned\n{}\n", "> ".repeat(20_000)),
        format!("## Root Cause Analysis\n{}x\n", "- ".repeat(5_000)),
        format!("## Action Items\n{}\n", "[".repeat(50_000)),
        format!(
            "## Summary\n{}x{}\n",
            "*".repeat(20_000),
            "*".repeat(20_000)
        ),
    ] {
        let _ = load(&text);
    }
}
