//! PM101–PM103, PM105: required sections present, filled, in order and once (PM104, template
//! placeholders, is `placeholders.rs`).

use super::engine::{Checker, Finding};
use crate::report::{Report, SectionKind};
use crate::span::{Span, saturate};

pub(super) fn check(cx: &Checker, report: &Report, out: &mut Vec<Finding>) {
    let required = cx.catalog.required();
    let last_line = saturate(report.line_count().max(1));
    for (i, kind) in required.iter().enumerate() {
        let mut found = report
            .sections
            .iter()
            .filter(|s| s.kind.as_ref() == Some(kind));
        let Some(first) = found.next() else {
            // Point where it belongs: at the next required section present, else the end.
            let next = required[i + 1..].iter().find_map(|k| report.section(k));
            let (span, place) = match next {
                Some(s) => (s.span, format!("before `## {}`", s.heading)),
                None => (Span::line(last_line), "at the end".to_owned()),
            };
            out.push(Finding::new(
                "PM101",
                span,
                format!("the report has no `{kind}` section"),
                format!(
                    "add a `## {}` section {place}{}",
                    kind.name(),
                    aliases_note(kind)
                ),
            ));
            continue;
        };
        if first.is_empty {
            out.push(Finding::new(
                "PM102",
                first.span,
                format!("the `{kind}` section is empty"),
                format!(
                    "write the {} under this heading (HTML comments do not count)",
                    what_goes_in(kind)
                ),
            ));
        }
        for dup in found {
            out.push(Finding::new(
                "PM105",
                dup.span,
                format!(
                    "the `{kind}` section appears again (first at line {})",
                    first.span.line
                ),
                "merge the two sections into one; pm reads only the first",
            ));
        }
    }
    order(required, report, out);
}

fn order(required: &[SectionKind], report: &Report, out: &mut Vec<Finding>) {
    let mut seen: Vec<&SectionKind> = Vec::new();
    let mut latest: Option<(usize, &str)> = None;
    for section in &report.sections {
        let Some(kind) = &section.kind else { continue };
        let Some(rank) = required.iter().position(|k| k == kind) else {
            continue;
        };
        if seen.contains(&kind) {
            continue;
        }
        seen.push(kind);
        match latest {
            Some((max, after)) if rank < max => out.push(Finding::new(
                "PM103",
                section.span,
                format!("`{kind}` comes after `{after}`"),
                format!(
                    "move it before `{after}`; the expected order is {}",
                    required
                        .iter()
                        .map(SectionKind::name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            _ => latest = Some((rank, kind.name())),
        }
    }
}

fn aliases_note(kind: &SectionKind) -> &'static str {
    match kind {
        SectionKind::Summary => " (`Executive Summary` and `Overview` are accepted too)",
        SectionKind::Timeline => " (or `Timeline of Events`)",
        SectionKind::RootCauseAnalysis => " (or `Root Cause`, `Root Causes`, `RCA`)",
        SectionKind::ActionItems => " (or `Follow-ups`, `Action Plan`)",
        _ => "",
    }
}

fn what_goes_in(kind: &SectionKind) -> &'static str {
    match kind {
        SectionKind::Summary => {
            "two or three sentences: what happened, the impact, how it was resolved"
        }
        SectionKind::Impact => "user, business and data impact, with numbers",
        SectionKind::Timeline => "timeline table (time, event)",
        SectionKind::RootCauseAnalysis => "5 Whys with evidence and a `Root Cause:` statement",
        SectionKind::LessonsLearned => {
            "what went well, what could be improved and where you got lucky"
        }
        SectionKind::ActionItems => "action items table",
        _ => "content",
    }
}
