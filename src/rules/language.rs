//! PM501: blameless language. Configured phrases, matched case-insensitively on word
//! boundaries in the visible text (code and HTML comments are skipped).

use regex::bytes::Regex;

use super::engine::{Checker, Finding};
use super::text::VisibleLine;
use crate::report::Report;
use crate::span::Span;

/// A pattern that matches somewhere in a report's ASCII-lowercased source whenever a phrase
/// could be on one of its visible lines, so most reports are passed over in one scan. Blanking
/// turns bytes into spaces one for one, so a space of a phrase may stand for any byte of the
/// line; every other byte must be there as written. `None` when it cannot be built (a huge
/// list): then every line is searched.
pub(super) fn prefilter(phrases: &[String]) -> Option<Regex> {
    let alternatives: Vec<String> = phrases.iter().map(|p| phrase_pattern(p)).collect();
    Regex::new(&format!("(?-u){}", alternatives.join("|"))).ok()
}

fn phrase_pattern(phrase: &str) -> String {
    phrase
        .bytes()
        .map(|b| match b {
            b' ' => ".".to_owned(),
            b if b.is_ascii_alphanumeric() => char::from(b).to_string(),
            b => format!("\\x{b:02X}"),
        })
        .collect()
}

/// PM501 on one report, line by line.
pub(super) struct Scan<'c> {
    cx: &'c Checker,
    /// The visible line, ASCII-lowercased.
    lower: String,
}

impl<'c> Scan<'c> {
    /// `None` when no configured phrase can be in the report.
    pub(super) fn new(cx: &'c Checker, report: &Report) -> Option<Self> {
        if cx.blame_phrases.is_empty()
            || cx
                .blame_filter
                .as_ref()
                .is_some_and(|f| !f.is_match(report.source.to_ascii_lowercase().as_bytes()))
        {
            return None;
        }
        Some(Self {
            cx,
            lower: String::new(),
        })
    }

    pub(super) fn check_line(&mut self, line: &VisibleLine, out: &mut Vec<Finding>) {
        let cx = self.cx;
        // ASCII lowercasing keeps byte offsets, so a match's offset is valid in the raw line.
        let lower = &mut self.lower;
        lower.clear();
        lower.push_str(line.visible);
        lower.make_ascii_lowercase();
        if cx
            .blame_filter
            .as_ref()
            .is_some_and(|f| !f.is_match(lower.as_bytes()))
        {
            return;
        }
        for phrase in &cx.blame_phrases {
            let mut from = 0;
            while let Some(pos) = lower[from..].find(phrase.as_str()).map(|p| p + from) {
                let end = pos + phrase.len();
                let before = lower[..pos].chars().next_back();
                let after = lower[end..].chars().next();
                if before.is_none_or(|c| !c.is_alphanumeric())
                    && after.is_none_or(|c| !c.is_alphanumeric())
                {
                    out.push(Finding::new(
                        "PM501",
                        Span::new(line.number, line.column(pos)),
                        format!("\"{}\" assigns blame to people", line.raw.get(pos..end).unwrap_or(phrase)),
                        "describe what in the system made the mistake possible and how it was caught (blameless post-mortems find causes, not culprits)",
                    ));
                }
                from = end;
            }
        }
    }
}
