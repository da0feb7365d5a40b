//! PM501: blameless language. Configured phrases, matched case-insensitively on word
//! boundaries in the visible text (code and HTML comments are skipped).

use super::engine::{Checker, Finding};
use crate::report::Report;
use crate::span::{Span, saturate};

pub(super) fn check(cx: &Checker, report: &Report, out: &mut Vec<Finding>) {
    if cx.blame_phrases.is_empty() {
        return;
    }
    let fm_end = report.meta().map_or(0, |m| m.end_line);
    let mut fence = false;
    let mut in_comment = false;
    for (i, raw) in report.source.lines().enumerate() {
        let n = saturate(i + 1);
        let trimmed = raw.trim_start();
        if n > fm_end && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        let line = strip_comments(raw, &mut in_comment).to_ascii_lowercase();
        for phrase in &cx.blame_phrases {
            let mut from = 0;
            while let Some(pos) = line[from..].find(phrase.as_str()).map(|p| p + from) {
                let end = pos + phrase.len();
                let before = line[..pos].chars().next_back();
                let after = line[end..].chars().next();
                if before.is_none_or(|c| !c.is_alphanumeric())
                    && after.is_none_or(|c| !c.is_alphanumeric())
                {
                    let column = saturate(raw.get(..pos).map_or(pos, |s| s.chars().count()) + 1);
                    out.push(Finding::new(
                        "PM501",
                        Span::new(n, column),
                        format!("\"{}\" assigns blame to people", &raw.get(pos..end).unwrap_or(phrase)),
                        "describe what in the system made the mistake possible and how it was caught (blameless post-mortems find causes, not culprits)",
                    ));
                }
                from = end;
            }
        }
    }
}

/// The line with HTML comments replaced by spaces of the same byte length.
fn strip_comments(line: &str, in_comment: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        if *in_comment {
            match rest.find("-->") {
                Some(end) => {
                    out.push_str(&" ".repeat(end + 3));
                    rest = &rest[end + 3..];
                    *in_comment = false;
                }
                None => {
                    out.push_str(&" ".repeat(rest.len()));
                    return out;
                }
            }
        } else {
            match rest.find("<!--") {
                Some(start) => {
                    out.push_str(&rest[..start]);
                    out.push_str("    ");
                    rest = &rest[start + 4..];
                    *in_comment = true;
                }
                None => {
                    out.push_str(rest);
                    return out;
                }
            }
        }
    }
}
