//! PM401–PM409: the action items table and SMART items — an owner, a real due date that is
//! neither before the incident nor too far after it, a valid category, specific wording, known
//! owners, and (with `--overdue`) open items past their due date.

use chrono::TimeDelta;

use super::engine::{Checker, Finding};
use crate::report::actions::{ActionColumn, category_key};
use crate::report::{ActionItem, Cell, Report, SectionKind};
use crate::span::Span;

pub(super) fn check(cx: &Checker, report: &Report, out: &mut Vec<Finding>) {
    let Some(section) = report.section(&SectionKind::ActionItems) else {
        return; // PM101 reports a missing section.
    };
    let Some(table) = report.actions.as_ref().filter(|t| !t.items.is_empty()) else {
        out.push(Finding::new(
            "PM401",
            section.span,
            "there are no action items",
            "add a table: | # | Action Item | Owner | Due Date | Category | Status | Tracker | — a post-mortem is only worth its follow-through",
        ));
        return;
    };
    let has = |c: ActionColumn| table.columns.contains(&c);
    let missing_column = |code, name: &str, example: &str| {
        Finding::new(
            code,
            table.span,
            format!("the action items table has no {name} column"),
            format!("add a `{name}` column, e.g. `{example}`"),
        )
    };
    if !has(ActionColumn::Owner) {
        out.push(missing_column("PM402", "Owner", "@alice"));
    }
    if !has(ActionColumn::Due) {
        out.push(missing_column("PM403", "Due Date", "2024-04-15"));
    }
    if !has(ActionColumn::Category) {
        out.push(missing_column("PM407", "Category", "short-term"));
    }
    let date = report.meta().and_then(|m| m.date);
    for item in &table.items {
        let n = item.label();
        let at = |cell: Option<&Cell>| cell.map_or(item.span, |c| c.span);
        if has(ActionColumn::Owner) {
            owner(cx, item, &n, at(item.owner.as_ref()), out);
        }
        if has(ActionColumn::Due) {
            due(cx, item, &n, date, at(item.due.as_ref()), out);
        }
        if has(ActionColumn::Category) {
            category(cx, item, &n, at(item.category.as_ref()), out);
        }
        vague(cx, item, &n, at(item.action.as_ref()), out);
    }
}

fn owner(cx: &Checker, item: &ActionItem, n: &str, span: Span, out: &mut Vec<Finding>) {
    let Some(owner) = item.owner.as_ref().and_then(Cell::value) else {
        out.push(Finding::new(
            "PM402",
            span,
            format!("action item {n} has no owner"),
            "add an @handle in the Owner column: one person accountable for it",
        ));
        return;
    };
    let known = &cx.config.actions.owners;
    if known.is_empty() {
        return;
    }
    for who in owner
        .split([',', '/', '&', ';'])
        .flat_map(|s| s.split(" and "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !known.iter().any(|k| k.eq_ignore_ascii_case(who)) {
            out.push(Finding::new(
                "PM409",
                span,
                format!("action item {n} is owned by `{who}`, who is not in the owners list"),
                "fix the handle, or add it to `[actions] owners` in pm.toml",
            ));
        }
    }
}

fn due(
    cx: &Checker,
    item: &ActionItem,
    n: &str,
    incident: Option<chrono::NaiveDate>,
    span: Span,
    out: &mut Vec<Finding>,
) {
    let Some(raw) = item.due.as_ref().and_then(Cell::value) else {
        out.push(Finding::new(
            "PM403",
            span,
            format!("action item {n} has no due date"),
            "add a due date as YYYY-MM-DD in the Due Date column",
        ));
        return;
    };
    let Some(due) = item.due_date else {
        out.push(Finding::new(
            "PM403",
            span,
            format!("action item {n}'s due date `{raw}` is not a real YYYY-MM-DD date"),
            "write a calendar date as YYYY-MM-DD, like 2024-04-15",
        ));
        return;
    };
    if let Some(incident) = incident {
        if due < incident {
            out.push(Finding::new(
                "PM404",
                span,
                format!("action item {n} is due {due}, before the incident ({incident})"),
                "a follow-up cannot be due before the incident it follows: check the year and month",
            ));
        }
        let max = i64::from(cx.config.actions.max_due_days);
        if due > incident + TimeDelta::days(max) {
            out.push(Finding::new(
                "PM405",
                span,
                format!("action item {n} is due {due}, {} days after the incident", (due - incident).num_days()),
                format!("items due more than {max} days out tend to be forgotten: split it into a first deliverable due sooner (`[actions] max_due_days` sets the horizon)"),
            ));
        }
    }
    let closed = item.status_kind.is_some_and(|s| s.is_closed());
    if cx.options.overdue && !closed && due < cx.options.as_of {
        out.push(Finding::new(
            "PM408",
            span,
            format!(
                "action item {n} is {} days overdue (due {due})",
                (cx.options.as_of - due).num_days()
            ),
            "finish it and mark it done, or agree a new due date with its owner",
        ));
    }
}

fn category(cx: &Checker, item: &ActionItem, n: &str, span: Span, out: &mut Vec<Finding>) {
    // Only a finding needs the list.
    let list = || cx.config.actions.categories.join(", ");
    let Some(raw) = item.category.as_ref().and_then(Cell::value) else {
        out.push(Finding::new(
            "PM407",
            span,
            format!("action item {n} has no category"),
            format!("set the Category to one of: {}", list()),
        ));
        return;
    };
    let key = category_key(raw);
    if !cx.category_keys.contains(&key) {
        let list = list();
        out.push(Finding::new(
            "PM407",
            span,
            format!("action item {n}'s category `{raw}` is not one of {list}"),
            format!("use one of: {list}"),
        ));
    }
}

/// Concrete deliverables: an action that names one is measurable even if it starts vaguely.
/// Matched as whole words (a plural `s` allowed): "alerting" or "documentation" name an activity,
/// not a thing that will exist.
const DELIVERABLES: &[&str] = &[
    "alert",
    "runbook",
    "playbook",
    "dashboard",
    "test",
    "slo",
    "threshold",
    "check",
    "policy",
    "document",
    "rfc",
    "design doc",
    "page",
];

/// Words that make a deliverable after them vague again: "more alerts", "better dashboards".
const VAGUE_QUANTIFIERS: &[&str] = &[
    "more",
    "better",
    "some",
    "additional",
    "extra",
    "enough",
    "proper",
    "improved",
    "any",
];

/// Whether `lower` (ASCII-lowercased) names a deliverable that is not watered down by the word
/// before it.
fn names_deliverable(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let is = |word: &str, deliverable: &str| {
        word == deliverable
            || word
                .strip_prefix(deliverable)
                .is_some_and(|rest| rest == "s" || rest == "es")
    };
    (0..words.len()).any(|i| {
        DELIVERABLES.iter().any(|d| {
            let parts: Vec<&str> = d.split(' ').collect();
            let Some(last) = parts.last() else {
                return false;
            };
            let n = parts.len();
            i + n <= words.len()
                && parts[..n - 1].iter().zip(&words[i..]).all(|(p, w)| p == w)
                && is(words[i + n - 1], last)
                && !(i > 0 && VAGUE_QUANTIFIERS.contains(&words[i - 1]))
        })
    })
}

fn vague(cx: &Checker, item: &ActionItem, n: &str, span: Span, out: &mut Vec<Finding>) {
    let Some(text) = item.action.as_ref().and_then(Cell::value) else {
        out.push(Finding::new(
            "PM406",
            span,
            format!("action item {n} has no description"),
            "say what will exist when it is done and how you will know",
        ));
        return;
    };
    let words = text.split_whitespace().count();
    let min = cx.config.actions.min_words as usize;
    if words < min {
        out.push(Finding::new(
            "PM406",
            span,
            format!(
                "action item {n} (\"{text}\") is too short to be specific ({words} word{})",
                if words == 1 { "" } else { "s" }
            ),
            format!(
                "say what will exist when it is done and how you will know, in at least {min} words"
            ),
        ));
        return;
    }
    let lower = text.to_ascii_lowercase();
    let mut body = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    for filler in [
        "we should ",
        "we will ",
        "we need to ",
        "need to ",
        "should ",
        "must ",
        "to ",
    ] {
        body = body.strip_prefix(filler).unwrap_or(body);
    }
    let Some(word) = cx.vague_words.iter().find(|w| {
        body.starts_with(w.as_str())
            && body[w.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    }) else {
        return;
    };
    let measurable = text.chars().any(|c| c.is_ascii_digit()) || names_deliverable(&lower);
    if !measurable {
        out.push(Finding::new(
            "PM406",
            span,
            format!("action item {n} starts with \"{word}\" and has no measurable outcome"),
            "say what will exist when it is done and how it is measured, e.g. \"Add a p99 latency alert at 500 ms on orders-db, paging the DB on-call\"",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::names_deliverable;

    #[test]
    fn deliverables_are_whole_words_not_watered_down() {
        for measurable in [
            "add a pool saturation alert paging the on-call",
            "write a runbook for failover",
            "add integration tests for the config loader",
            "publish the design doc for retries",
            "add an slo for checkout latency",
        ] {
            assert!(names_deliverable(measurable), "{measurable}");
        }
        for vague in [
            "consider adding more alerts",
            "improve alerting",
            "improve documentation of the service",
            "add better dashboards",
            "look into testing",
        ] {
            assert!(!names_deliverable(vague), "{vague}");
        }
    }
}
