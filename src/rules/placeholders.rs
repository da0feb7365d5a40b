//! PM104: template placeholder text left in. Scans the visible text of every line (`text`): code
//! blocks, code spans and HTML comments (where the template explains its placeholders) are skipped.

use super::engine::Finding;
use super::text::visible_lines;
use crate::report::Report;
use crate::span::Span;

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
    for line in visible_lines(report) {
        let chars: Vec<char> = line.visible.chars().collect();
        if let Some((col, found)) = find_placeholder(&chars, line.in_front_matter) {
            // `col` counts characters of the visible text; blanking keeps byte lengths, so map
            // through the byte offset to the column in the line as written.
            let byte: usize = chars[..col].iter().map(|c| c.len_utf8()).sum();
            out.push(Finding::new(
                "PM104",
                Span::new(line.number, line.column(byte)),
                format!("template placeholder `{found}` is still here"),
                "replace it with the real value, or delete what does not apply",
            ));
        }
    }
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
    fn front_matter_bracket_values() {
        let fm = |l: &str| find_placeholder(&l.chars().collect::<Vec<_>>(), true).map(|p| p.1);
        assert_eq!(fm("severity: \"[SEV1/SEV2]\""), Some("[SEV1/SEV2]".into()));
        assert_eq!(fm("authors: [\"[Name]\"]"), Some("[Name]".into()));
        assert_eq!(fm("tags: [db, api]"), None);
    }
}
