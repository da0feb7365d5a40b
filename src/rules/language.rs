//! PM501: blameless language. Configured phrases, matched case-insensitively on word
//! boundaries in the visible text (code and HTML comments are skipped).

use regex::Regex;

use super::engine::{Checker, Finding};
use super::text::VisibleLine;
use crate::report::Report;
use crate::span::Span;

/// A pattern that matches somewhere in a report's ASCII-lowercased source whenever a phrase
/// could be on one of its visible lines, so most reports are passed over in one scan. Blanking
/// only turns bytes into spaces, so a run of n spaces in a phrase may stand for 1 to n characters
/// of the source; every other character must be there as written. `None` when it cannot be
/// built (a huge list): then every line is searched.
pub(super) fn prefilter(phrases: &[String]) -> Option<Regex> {
    let alternatives: Vec<String> = phrases.iter().map(|p| phrase_pattern(p)).collect();
    Regex::new(&alternatives.join("|")).ok()
}

fn phrase_pattern(phrase: &str) -> String {
    let mut pattern = String::new();
    let mut spaces = 0;
    let end_run = |pattern: &mut String, spaces: &mut usize| {
        if *spaces > 0 {
            pattern.push_str(&format!(".{{1,{spaces}}}"));
            *spaces = 0;
        }
    };
    for c in phrase.chars() {
        if c == ' ' {
            spaces += 1;
        } else {
            end_run(&mut pattern, &mut spaces);
            pattern.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    end_run(&mut pattern, &mut spaces);
    pattern
}

pub(super) fn check(cx: &Checker, report: &Report, lines: &[VisibleLine], out: &mut Vec<Finding>) {
    if cx.blame_phrases.is_empty() {
        return;
    }
    if let Some(filter) = &cx.blame_filter
        && !filter.is_match(&report.source.to_ascii_lowercase())
    {
        return;
    }
    let mut lower = String::new();
    for line in lines {
        // ASCII lowercasing keeps byte offsets, so a match's offset is valid in the raw line.
        lower.clear();
        lower.push_str(&line.visible);
        lower.make_ascii_lowercase();
        if cx
            .blame_filter
            .as_ref()
            .is_some_and(|f| !f.is_match(&lower))
        {
            continue;
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
