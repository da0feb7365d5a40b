//! PM501: blameless language. Configured phrases, matched case-insensitively on word
//! boundaries in the visible text (code and HTML comments are skipped).

use super::engine::{Checker, Finding};
use super::text::visible_lines;
use crate::report::Report;
use crate::span::Span;

pub(super) fn check(cx: &Checker, report: &Report, out: &mut Vec<Finding>) {
    if cx.blame_phrases.is_empty() {
        return;
    }
    for line in visible_lines(report) {
        // ASCII lowercasing keeps byte offsets, so a match's offset is valid in the raw line.
        let lower = line.visible.to_ascii_lowercase();
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
