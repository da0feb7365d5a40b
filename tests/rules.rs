//! One test per rule: the smallest change to a clean report that fires it, and the clean report
//! (or a near miss) that does not. Also status-aware strictness, config overrides and pm-ignore.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use pm::config::Config;
use pm::diagnostic::Diagnostic;
use pm::report::{LoadOptions, Report};
use pm::rules::repository::{self, Placed};
use pm::rules::{CheckOptions, Checker, Severity};

const CLEAN: &str = r#"---
title: "Checkout API outage"
id: PM-2024-001
date: 2024-03-01
status: final
severity: SEV1
authors: ["@alice"]
incident_lead: "@alice"
impact: "38-minute outage of checkout for EU customers"
services: [checkout-api]
started_at: 2024-03-01T09:12:00Z
detected_at: 2024-03-01T09:16:00Z
mitigated_at: 2024-03-01T09:44:00Z
resolved_at: 2024-03-01T10:30:00Z
related: [PM-2023-009]
---

# Checkout API outage

## Summary

A config push halved the database connection pool and checkout failed for 38 minutes.

## Impact

- Users: 4,100 failed orders in the EU.

## Timeline

| Time (UTC) | Event |
|---|---|
| 09:12 | Config push completes (**T-0**) |
| 09:16 | Alert `CheckoutErrorRate` fires (**detection**) |
| 09:44 | Config rolled back (**mitigation**) |
| 10:30 | Error rate normal for 45 minutes (**resolution**) |

## Root Cause Analysis

1. **Why 1?** Checkout requests failed with 503.
   - Evidence: gateway logs from 09:12.
2. **Why 2?** The connection pool was exhausted.
   - Evidence: pool saturation graph.
3. **Why 3?** The config push set the pool size to 10.
   - Evidence: config diff in PR 1234.

**Root Cause:** pool size is not validated before a config push.

## Lessons Learned

### What went well

- The alert fired within 4 minutes.

## Action Items

| # | Action Item | Owner | Due Date | Category | Status | Tracker |
|---|---|---|---|---|---|---|
| 1 | Reject config pushes that shrink the pool by more than 20% | @bob | 2024-03-15 | immediate | done | OPS-1 |
| 2 | Add a pool saturation alert at 80% paging the on-call | @carol | 2024-04-01 | short-term | open | OPS-2 |
"#;

fn checker_with(config: Config, overdue: bool) -> Checker {
    Checker::new(
        config,
        CheckOptions {
            overdue,
            as_of: NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
        },
    )
    .unwrap()
}

/// Checks one report at the canonical path, with the ids of a full run ({its id, PM-2023-009}).
fn run_with(checker: &Checker, text: &str) -> Vec<Diagnostic> {
    let path = Path::new("postmortems/2024-03-01-checkout-api-outage/report.md");
    let report = match Report::from_bytes(path, text.as_bytes(), &LoadOptions::new(&checker.config))
    {
        Ok(r) => r,
        Err(e) => return checker.unreadable(&e, path).into_iter().collect(),
    };
    let mut out = checker.diagnose(&report, path, checker.findings(&report));
    let ids: BTreeSet<String> = ["PM-2024-001", "PM-2023-009"].map(String::from).into();
    let placed = [Placed {
        report: &report,
        rel: path.strip_prefix("postmortems").ok(),
    }];
    for findings in repository::check(checker, &placed, Some(&ids)) {
        out.extend(checker.diagnose(&report, path, findings));
    }
    out
}

fn run(text: &str) -> Vec<Diagnostic> {
    run_with(&checker_with(Config::default(), false), text)
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.rule.code).collect()
}

fn edit(from: &str, to: &str) -> String {
    assert!(CLEAN.contains(from), "the clean report contains {from:?}");
    CLEAN.replacen(from, to, 1)
}

/// The mutated report fires `code` (at `line` when given), and the clean one does not.
#[track_caller]
fn fires(code: &str, text: &str, line: Option<u32>) -> Diagnostic {
    let diags = run(text);
    let hit = diags
        .iter()
        .find(|d| d.rule.code == code)
        .unwrap_or_else(|| panic!("{code} did not fire: {:?}", codes(&diags)));
    if let Some(line) = line {
        assert_eq!(hit.span.line, line, "{code}: {}", hit.message);
    }
    assert!(!hit.help.is_empty());
    hit.clone()
}

#[test]
fn the_clean_report_is_clean() {
    let diags = run(CLEAN);
    assert!(
        diags.is_empty(),
        "{:#?}",
        diags
            .iter()
            .map(|d| (d.rule.code, d.span.line, &d.message))
            .collect::<Vec<_>>()
    );
}

#[test]
fn pm000_file_unreadable() {
    let d = run("ok\n\u{0}binary");
    assert_eq!(codes(&d), ["PM000"]);
    let d = run_with(
        &checker_with(Config::default(), false),
        &String::from_utf8_lossy(b"\xff"),
    );
    assert!(
        codes(&d).is_empty() || codes(&d)[0] != "PM000",
        "lossy text is valid UTF-8"
    );
}

#[test]
fn pm001_front_matter_missing() {
    fires(
        "PM001",
        &CLEAN.replacen("---\n", "", 1).replacen("---\n", "", 1),
        Some(1),
    );
    fires("PM001", &format!("\n{CLEAN}"), Some(1));
}

#[test]
fn pm002_front_matter_syntax_with_the_handle_hint() {
    let d = fires(
        "PM002",
        &edit("authors: [\"@alice\"]", "authors: [@alice]"),
        Some(7),
    );
    assert!(d.help.contains("\"@alice\""), "{}", d.help);
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn pm003_front_matter_schema() {
    fires(
        "PM003",
        &edit(
            "impact: \"38-minute outage of checkout for EU customers\"\n",
            "",
        ),
        Some(1),
    );
    fires("PM003", &edit("severity: SEV1", "severity: P1"), Some(6));
    fires("PM003", &edit("status: final", "status: done"), Some(5));
    fires(
        "PM003",
        &edit("date: 2024-03-01", "date: 2024-02-30"),
        Some(4),
    );
    fires(
        "PM003",
        &edit("authors: [\"@alice\"]", "authors: \"@alice\""),
        Some(7),
    );
    fires("PM003", &edit("incident_lead: \"@alice\"\n", ""), Some(1));
    // Unknown keys: a warning only in final reports, with a suggestion.
    let d = fires(
        "PM003",
        &edit("services:", "severty: SEV1\nservices:"),
        Some(10),
    );
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.help.contains("severity"));
    let draft =
        edit("status: final", "status: draft").replace("services:", "x_team: payments\nservices:");
    assert!(!codes(&run(&draft)).contains(&"PM003"));
}

#[test]
fn pm004_window_order() {
    fires(
        "PM004",
        &edit(
            "detected_at: 2024-03-01T09:16:00Z",
            "detected_at: 2024-03-01T09:10:00Z",
        ),
        Some(12),
    );
    // Offsets are compared as instants: 10:16+01:00 is 09:16Z.
    let same = edit(
        "detected_at: 2024-03-01T09:16:00Z",
        "detected_at: 2024-03-01T10:16:00+01:00",
    );
    assert!(!codes(&run(&same)).contains(&"PM004"));
}

#[test]
fn pm005_timestamp_offset() {
    let d = fires(
        "PM005",
        &edit(
            "started_at: 2024-03-01T09:12:00Z",
            "started_at: 2024-03-01T09:12:00",
        ),
        Some(11),
    );
    assert!(d.help.contains("2024-03-01T09:12:00Z"));
    assert!(
        !codes(&run(&edit(
            "started_at: 2024-03-01T09:12:00Z",
            "started_at: 2024-03-01T09:12:00Z"
        )))
        .contains(&"PM005")
    );
}

#[test]
fn pm101_section_missing() {
    let text = edit(
        "## Impact\n\n- Users: 4,100 failed orders in the EU.\n\n",
        "",
    );
    let d = fires("PM101", &text, None);
    assert!(d.message.contains("Impact"));
}

#[test]
fn pm102_section_empty() {
    fires(
        "PM102",
        &edit(
            "- Users: 4,100 failed orders in the EU.",
            "<!-- fill in -->",
        ),
        Some(24),
    );
}

#[test]
fn pm103_section_order() {
    let text = edit(
        "## Impact\n\n- Users: 4,100 failed orders in the EU.\n\n",
        "",
    )
    .replacen(
        "## Lessons Learned",
        "## Impact\n\n- Users: 4,100 failed orders.\n\n## Lessons Learned",
        1,
    );
    let d = fires("PM103", &text, None);
    assert!(d.message.contains("Impact"), "{}", d.message);
}

#[test]
fn pm104_placeholder() {
    fires(
        "PM104",
        &edit(
            "A config push halved",
            "[Incident Name]: a config push halved",
        ),
        Some(22),
    );
    fires("PM104", &edit("| @carol |", "| @owner-name |"), None);
    // Guidance in HTML comments is not a placeholder.
    assert!(
        !codes(&run(&edit(
            "## Summary\n",
            "## Summary\n\n<!-- Replace [Name] and HH:MM -->\n"
        )))
        .contains(&"PM104")
    );
    // The template's lowercase instructions are placeholders too.
    fires(
        "PM104",
        &edit(
            "A config push halved",
            "[who was affected, how many, for how long] A config push halved",
        ),
        Some(22),
    );
    // A YAML list is not one, even when the front matter does not parse (here: an unquoted
    // `@handle`, PM002).
    let broken = edit("authors: [\"@alice\"]", "authors:\n  - @alice").replace(
        "services: [checkout-api]",
        "services: [checkout-api, db, edge]",
    );
    let found = codes(&run(&broken));
    assert!(found.contains(&"PM002"), "{found:?}");
    assert!(!found.contains(&"PM104"), "{found:?}");
}

#[test]
fn pm105_section_duplicate() {
    fires("PM105", &format!("{CLEAN}\n## Summary\n\nAgain.\n"), None);
}

#[test]
fn pm201_timeline_missing() {
    let text = edit(
        "| Time (UTC) | Event |\n|---|---|\n| 09:12 | Config push completes (**T-0**) |\n| 09:16 | Alert `CheckoutErrorRate` fires (**detection**) |\n| 09:44 | Config rolled back (**mitigation**) |\n| 10:30 | Error rate normal for 45 minutes (**resolution**) |",
        "At 09:12 it broke.",
    );
    fires("PM201", &text, Some(28));
}

#[test]
fn pm202_timeline_timestamp() {
    fires("PM202", &edit("| 09:44 |", "| quarter to ten |"), Some(34));
}

#[test]
fn pm203_timeline_order() {
    fires("PM203", &edit("| 09:44 |", "| 09:14 |"), Some(34));
}

#[test]
fn pm204_timeline_window() {
    let d = fires(
        "PM204",
        &edit(
            "| 09:12 | Config push completes (**T-0**) |",
            "| 2024-02-20 08:00 | Pool config changed in staging |\n| 09:12 | Config push completes (**T-0**) |",
        ),
        Some(32),
    );
    assert_eq!(d.severity, Severity::Warning);
}

#[test]
fn pm205_milestone_mismatch() {
    fires(
        "PM205",
        &edit("| 09:16 | Alert", "| 09:18 | Alert"),
        Some(33),
    );
}

#[test]
fn pm301_whys_too_few() {
    let text = edit(
        "3. **Why 3?** The config push set the pool size to 10.\n   - Evidence: config diff in PR 1234.\n",
        "",
    );
    fires("PM301", &text, None);
}

#[test]
fn pm302_root_cause_missing() {
    fires(
        "PM302",
        &edit(
            "**Root Cause:** pool size is not validated before a config push.",
            "That is all.",
        ),
        Some(37),
    );
}

#[test]
fn pm303_why_without_evidence() {
    fires(
        "PM303",
        &edit("   - Evidence: pool saturation graph.\n", ""),
        Some(41),
    );
}

#[test]
fn pm401_action_items_missing() {
    let start = CLEAN.find("| # |").unwrap();
    fires(
        "PM401",
        &format!("{}To be decided.\n", &CLEAN[..start]),
        None,
    );
}

#[test]
fn pm402_action_owner_missing() {
    let d = fires("PM402", &edit("| @bob |", "|  |"), Some(58));
    assert_eq!(d.message, "action item 1 has no owner");
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn pm403_action_due_invalid() {
    fires("PM403", &edit("| 2024-04-01 |", "| 2024-02-30 |"), Some(59));
    fires("PM403", &edit("| 2024-04-01 |", "| next week |"), Some(59));
}

#[test]
fn pm404_action_due_before_incident() {
    fires("PM404", &edit("| 2024-04-01 |", "| 2023-04-01 |"), Some(59));
}

#[test]
fn pm405_action_due_too_far() {
    fires("PM405", &edit("| 2024-04-01 |", "| 2025-04-01 |"), Some(59));
    assert!(
        !codes(&run(&edit("| 2024-04-01 |", "| 2024-08-28 |"))).contains(&"PM405"),
        "180 days is allowed"
    );
}

#[test]
fn pm406_action_vague() {
    fires(
        "PM406",
        &edit(
            "Add a pool saturation alert at 80% paging the on-call",
            "Investigate database timeouts further",
        ),
        Some(59),
    );
    fires(
        "PM406",
        &edit(
            "Add a pool saturation alert at 80% paging the on-call",
            "Fix it",
        ),
        Some(59),
    );
    // "more alerts" is not a deliverable anyone can check off.
    fires(
        "PM406",
        &edit(
            "Add a pool saturation alert at 80% paging the on-call",
            "Consider adding more alerts",
        ),
        Some(59),
    );
    // A vague verb with a measurable outcome is fine.
    let ok = edit(
        "Add a pool saturation alert at 80% paging the on-call",
        "Review pool sizes of all 14 services against their p99 load",
    );
    assert!(!codes(&run(&ok)).contains(&"PM406"));
}

#[test]
fn pm407_action_category() {
    fires("PM407", &edit("| short-term |", "| urgent |"), Some(59));
    fires("PM407", &edit("| short-term |", "|  |"), Some(59));
    assert!(!codes(&run(&edit("| short-term |", "| Short-term Improvement |"))).contains(&"PM407"));
}

#[test]
fn pm408_action_overdue_only_when_asked() {
    assert!(!codes(&run(CLEAN)).contains(&"PM408"));
    let d = run_with(&checker_with(Config::default(), true), CLEAN);
    let overdue: Vec<_> = d.iter().filter(|d| d.rule.code == "PM408").collect();
    assert_eq!(
        overdue.len(),
        1,
        "item 2 is open and past due; item 1 is done"
    );
    assert_eq!(overdue[0].span.line, 59);
    assert!(
        overdue[0].message.contains("61 days overdue"),
        "{}",
        overdue[0].message
    );
}

#[test]
fn pm409_action_owner_unknown() {
    let mut config = Config::default();
    config.actions.owners = vec!["@bob".into(), "@carol".into()];
    assert!(run_with(&checker_with(config.clone(), false), CLEAN).is_empty());
    let d = run_with(
        &checker_with(config, false),
        &edit("| @carol |", "| @karol |"),
    );
    assert_eq!(codes(&d), ["PM409"]);
}

#[test]
fn pm501_blame_language() {
    let d = fires(
        "PM501",
        &edit(
            "A config push halved",
            "Through human error, a config push halved",
        ),
        Some(22),
    );
    assert_eq!(d.span.column, 9);
    assert!(
        !codes(&run(&edit(
            "A config push halved",
            "Blameless review: a config push halved"
        )))
        .contains(&"PM501")
    );
    assert!(
        !codes(&run(&edit(
            "A config push halved",
            "A carelessly named config push halved"
        )))
        .contains(&"PM501")
    );
}

#[test]
fn pm601_id_duplicate_and_pm602_related_unknown() {
    let checker = checker_with(Config::default(), false);
    let opts = LoadOptions::default();
    let a = Report::from_bytes(
        Path::new("postmortems/2024-03-01-checkout-api-outage/report.md"),
        CLEAN.as_bytes(),
        &opts,
    )
    .unwrap();
    let b_text = CLEAN
        .replace("2024-03-01", "2024-03-02")
        .replace("related: [PM-2023-009]", "related: [PM-1999-001]");
    let b = Report::from_bytes(
        Path::new("postmortems/2024-03-02-again/report.md"),
        b_text.as_bytes(),
        &opts,
    )
    .unwrap();
    let placed = [
        Placed {
            report: &a,
            rel: Some(Path::new("2024-03-01-checkout-api-outage/report.md")),
        },
        Placed {
            report: &b,
            rel: Some(Path::new("2024-03-02-again/report.md")),
        },
    ];
    let ids: BTreeSet<String> = ["PM-2024-001", "PM-2023-009"].map(String::from).into();
    let found = repository::check(&checker, &placed, Some(&ids));
    assert!(found[0].is_empty());
    let codes_b: Vec<_> = found[1].iter().map(|f| f.code).collect();
    assert_eq!(codes_b, ["PM601", "PM602"]);
    assert_eq!(found[1][0].span.line, 3);
    // Without the full set of ids (a pre-commit run on some files), `related` is not judged.
    let partial = repository::check(&checker, &placed, None);
    assert_eq!(
        partial[1].iter().map(|f| f.code).collect::<Vec<_>>(),
        ["PM601"]
    );
}

#[test]
fn pm603_file_name() {
    let checker = checker_with(Config::default(), false);
    let r =
        Report::from_bytes(Path::new("x.md"), CLEAN.as_bytes(), &LoadOptions::default()).unwrap();
    for (rel, bad) in [
        (Some("2024-03-01-checkout-api-outage/report.md"), false),
        (Some("2024-03-02-checkout-api-outage/report.md"), true),
        (Some("Checkout Outage/report.md"), true),
        (Some("2024-03-01-checkout.md"), true),
        (None, true),
    ] {
        let placed = [Placed {
            report: &r,
            rel: rel.map(Path::new),
        }];
        let found = repository::check(&checker, &placed, None);
        assert_eq!(found[0].iter().any(|f| f.code == "PM603"), bad, "{rel:?}");
    }
}

#[test]
fn drafts_only_keep_the_listed_errors() {
    let text = edit("status: final", "status: draft")
        .replacen("| @bob |", "|  |", 1)
        .replacen(
            "**Root Cause:** pool size is not validated before a config push.",
            "",
            1,
        );
    let d = run(&text);
    let sev = |code| d.iter().find(|x| x.rule.code == code).map(|x| x.severity);
    assert_eq!(
        sev("PM402"),
        Some(Severity::Error),
        "owner stays an error in drafts"
    );
    assert_eq!(
        sev("PM302"),
        Some(Severity::Warning),
        "root cause is a warning in drafts"
    );
    // A report whose status cannot be read is judged as final.
    let unknown = edit("status: final", "status: [x").replacen("| @bob |", "|  |", 1);
    assert!(
        run(&unknown)
            .iter()
            .any(|x| x.rule.code == "PM002" && x.severity == Severity::Error)
    );
}

#[test]
fn config_changes_severity_or_turns_rules_off() {
    let mut config = Config::default();
    config
        .rules
        .insert("PM402".into(), pm::config::RuleLevel::Warning);
    config
        .rules
        .insert("blame-language".into(), pm::config::RuleLevel::Off);
    let checker = checker_with(config, false);
    let text = edit("| @bob |", "|  |").replacen("A config push", "Human error: a config push", 1);
    let d = run_with(&checker, &text);
    assert_eq!(codes(&d), ["PM402"]);
    assert_eq!(d[0].severity, Severity::Warning);
}

#[test]
fn pm_ignore_silences_one_rule_for_the_next_element() {
    let text = edit(
        "| # | Action Item |",
        "<!-- pm-ignore PM406 -->\n| # | Action Item |",
    )
    .replacen(
        "Add a pool saturation alert at 80% paging the on-call",
        "Investigate timeouts more",
        1,
    )
    .replacen("| @bob |", "|  |", 1);
    let d = run(&text);
    assert_eq!(codes(&d), ["PM402"], "PM406 is silenced, PM402 is not");
    // Inline, on the row itself.
    let inline = edit(
        "| Add a pool saturation alert at 80% paging the on-call |",
        "| Investigate timeouts more <!-- pm-ignore action-vague --> |",
    );
    assert!(run(&inline).is_empty());
}

#[test]
fn diagnostics_carry_snippets_and_positions() {
    let d = fires("PM402", &edit("| @bob |", "|  |"), Some(58));
    assert!(
        d.snippet
            .as_deref()
            .unwrap()
            .starts_with("| 1 | Reject config pushes")
    );
    assert!(d.span.column > 1);
}
