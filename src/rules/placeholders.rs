//! PM104: template placeholder text left in. Scans the visible text of every line: code blocks,
//! code spans and HTML comments (where the template explains its placeholders) are skipped.

use super::engine::Finding;
use crate::report::Report;
use crate::span::{Span, saturate};

/// Placeholders of the built-in template (and of the common ones it was modelled on).
const LITERALS: &[&str] = &[
    "YYYY-MM-DD",
    "HH:MM",
    "@owner-name",
    "[Name]",
    "[Incident Name]",
    "[...]",
    "[…]",
];

pub(super) fn check(report: &Report, out: &mut Vec<Finding>) {
    let fm_end = report.meta().map_or(0, |m| m.end_line);
    let mut fence: Option<String> = None;
    let mut in_comment = false;
    for (i, line) in report.source.lines().enumerate() {
        let n = saturate(i + 1);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if n > fm_end {
            let marker = line.trim_start();
            if let Some(open) = &fence {
                if marker.starts_with(open.as_str()) {
                    fence = None;
                }
                continue;
            }
            if marker.starts_with("```") || marker.starts_with("~~~") {
                fence = Some(marker[..3].to_owned());
                continue;
            }
        }
        let visible = visible_text(line, &mut in_comment, n > fm_end);
        let in_front_matter = n > 1 && n < fm_end;
        if let Some((col, found)) = find_placeholder(&visible, in_front_matter) {
            out.push(Finding::new(
                "PM104",
                Span::new(n, saturate(col + 1)),
                format!("template placeholder `{found}` is still here"),
                "replace it with the real value, or delete what does not apply",
            ));
        }
    }
}

/// The line with HTML comments (and, in the body, code spans) blanked out, keeping character
/// positions.
fn visible_text(line: &str, in_comment: &mut bool, body: bool) -> Vec<char> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        if *in_comment {
            if chars[i..].starts_with(&['-', '-', '>']) {
                out[i..i + 3].fill(' ');
                *in_comment = false;
                i += 3;
                continue;
            }
            out[i] = ' ';
        } else if chars[i..].starts_with(&['<', '!', '-', '-']) {
            *in_comment = true;
            out[i..i + 4].fill(' ');
            i += 4;
            continue;
        } else if body && chars[i] == '`' {
            in_code = !in_code;
            out[i] = ' ';
        } else if in_code {
            out[i] = ' ';
        }
        i += 1;
    }
    out
}

/// The first placeholder on a line: its character column and text.
fn find_placeholder(line: &[char], in_front_matter: bool) -> Option<(usize, String)> {
    let mut best: Option<(usize, String)> = None;
    let mut consider = |col: usize, found: String| {
        if best.as_ref().is_none_or(|(c, _)| col < *c) {
            best = Some((col, found));
        }
    };
    for lit in LITERALS {
        let lit_chars: Vec<char> = lit.chars().collect();
        let mut from = 0;
        while let Some(pos) = find_chars(line, &lit_chars, from) {
            let before = pos.checked_sub(1).map(|p| line[p]);
            let after = line.get(pos + lit_chars.len()).copied();
            let boundary = |c: Option<char>| {
                c.is_none_or(|c| {
                    !(c.is_alphanumeric() || (lit.starts_with('@') && (c == '-' || c == '.')))
                })
            };
            // `YYYY-MM-DDTHH:MM` is one placeholder timestamp.
            let before_ok = boundary(before) || (*lit == "HH:MM" && before == Some('T'));
            if before_ok && boundary(after) {
                consider(pos, (*lit).to_owned());
                break;
            }
            from = pos + 1;
        }
    }
    // Bracketed instructions: `[What happened, in two or three sentences]` (not a link, not a
    // footnote, not a task-list box), and in the front matter a quoted value that is all brackets.
    let mut i = 0;
    while i < line.len() {
        if line[i] == '['
            && let Some(len) = line[i + 1..].iter().position(|&c| c == ']' || c == '[')
            && line[i + 1 + len] == ']'
        {
            let inner: String = line[i + 1..i + 1 + len].iter().collect();
            let after = line.get(i + 2 + len).copied();
            let before = i.checked_sub(1).map(|p| line[p]);
            let words = inner.split_whitespace().count();
            let starts_upper = inner.chars().next().is_some_and(char::is_uppercase);
            let is_link =
                matches!(after, Some('(' | '[' | ':')) || matches!(before, Some('!' | ']'));
            let quoted_value = in_front_matter
                && matches!(before, Some('"' | '\''))
                && matches!(after, Some('"' | '\''));
            if (!is_link && starts_upper && words >= 3)
                || (quoted_value && !inner.trim().is_empty())
            {
                consider(i, format!("[{inner}]"));
                break;
            }
            i += len + 1;
            continue;
        }
        i += 1;
    }
    best
}

fn find_chars(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(line: &str) -> Option<(usize, String)> {
        find_placeholder(&line.chars().collect::<Vec<_>>(), false)
    }

    #[test]
    fn finds_template_placeholders() {
        assert_eq!(first("| HH:MM | x |"), Some((2, "HH:MM".into())));
        assert_eq!(first("due YYYY-MM-DD"), Some((4, "YYYY-MM-DD".into())));
        assert_eq!(first("| @owner-name |"), Some((2, "@owner-name".into())));
        assert_eq!(first("Lead: [Name]"), Some((6, "[Name]".into())));
        assert_eq!(
            first("[What happened, in two sentences.]"),
            Some((0, "[What happened, in two sentences.]".into()))
        );
        assert_eq!(first("- [...]"), Some((2, "[...]".into())));
    }

    #[test]
    fn leaves_real_text_alone() {
        for line in [
            "see [the runbook](https://x) and [Grafana Dashboard Link][1]",
            "- [x] done",
            "- [ ] open",
            "a footnote[^1]",
            "at 09:12 UTC",
            "@owner-names-are-not-placeholders",
            "[sic]",
            "![Screenshot of the dashboard](a.png)",
        ] {
            assert_eq!(first(line), None, "{line}");
        }
    }

    #[test]
    fn comments_and_code_are_not_text() {
        let mut in_comment = false;
        let v = visible_text("<!-- Replace HH:MM --> ok `HH:MM`", &mut in_comment, true);
        assert_eq!(find_placeholder(&v, false), None);
        let v = visible_text("<!-- starts here HH:MM", &mut in_comment, true);
        assert!(in_comment);
        assert_eq!(find_placeholder(&v, false), None);
        let v = visible_text("still YYYY-MM-DD --> then HH:MM", &mut in_comment, true);
        assert_eq!(
            find_placeholder(&v, false).map(|p| p.1),
            Some("HH:MM".into())
        );
    }

    #[test]
    fn front_matter_bracket_values() {
        let fm = |l: &str| find_placeholder(&l.chars().collect::<Vec<_>>(), true).map(|p| p.1);
        assert_eq!(fm("severity: \"[SEV1/SEV2]\""), Some("[SEV1/SEV2]".into()));
        assert_eq!(fm("authors: [\"[Name]\"]"), Some("[Name]".into()));
        assert_eq!(fm("tags: [db, api]"), None);
    }
}
