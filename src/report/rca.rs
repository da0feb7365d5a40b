//! Root cause analysis and lessons learned: the 5 Whys, their evidence, the root cause
//! statement, and what went well / could be improved / where we got lucky.

use serde::Serialize;

use crate::span::Span;

/// One `Why N?` of the 5 Whys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Why {
    /// The N of `Why N?`.
    pub number: u32,
    /// The answer, without the `Why N?` label.
    pub text: String,
    pub span: Span,
    /// The `Evidence:` line that backs it, if any.
    pub evidence: Option<Labelled>,
}

/// A `Label: text` line (bold or not), like `Evidence: …` or `**Root Cause:** …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Labelled {
    pub text: String,
    pub span: Span,
}

/// Which list a lesson belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LessonKind {
    WentWell,
    ToImprove,
    Lucky,
}

impl LessonKind {
    /// The kind a sub-heading or label names (`What went well`, `What went wrong`, `Where we got lucky`, …).
    pub fn from_label(text: &str) -> Option<Self> {
        let key: String = text
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '\'' || c == '’' {
                    c
                } else {
                    ' '
                }
            })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('’', "'");
        let key = key.as_str();
        if key.contains("lucky") {
            Some(Self::Lucky)
        } else if key.contains("went well") || key.contains("what worked") || key == "successes" {
            Some(Self::WentWell)
        } else if key.contains("went wrong")
            || key.contains("improve")
            || key.contains("didn't go well")
            || key.contains("did not go well")
            || key.contains("went poorly")
            || key.contains("could be better")
        {
            Some(Self::ToImprove)
        } else {
            None
        }
    }
}

/// One lesson (a list item under a lessons sub-heading).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lesson {
    /// `None` when the list is not under a recognised sub-heading.
    pub kind: Option<LessonKind>,
    pub text: String,
    pub span: Span,
}

/// Finds `label:` at the start of a line, allowing list markers, quotes and emphasis around the
/// label (`- **Evidence:** x`, `*Root cause*: x`). Returns the text after the colon, trimmed, and
/// the 0-based character index where the label starts.
pub fn strip_label<'a>(line: &'a str, labels: &[&str]) -> Option<(usize, &'a str)> {
    let body = line.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '>' | '-' | '+'));
    let body = strip_ordinal(body);
    let body = body.strip_prefix("* ").map_or(body, str::trim_start);
    let label_at = line.len() - body.len();
    let inner = body.trim_start_matches(['*', '_']);
    let label = labels.iter().find(|l| lowercase_starts_with(inner, l))?;
    let rest = inner.get(label.len()..)?;
    let rest = rest.trim_start_matches(['*', '_', ' ']);
    let rest = rest.strip_prefix(':')?;
    let rest = rest.trim_start_matches(['*', '_']).trim();
    Some((line[..label_at].chars().count(), rest))
}

/// `text.to_lowercase().starts_with(prefix)`, lowering only as much of `text` as an ASCII
/// `prefix` needs (characters lowered one by one differ from the whole text lowered only in a
/// final sigma, which is not ASCII).
fn lowercase_starts_with(text: &str, prefix: &str) -> bool {
    if !prefix.is_ascii() {
        return text.to_lowercase().starts_with(prefix);
    }
    let mut wanted = prefix.chars();
    for lower in text.chars().flat_map(char::to_lowercase) {
        match wanted.next() {
            None => return true,
            Some(w) if w == lower => {}
            Some(_) => return false,
        }
    }
    wanted.next().is_none()
}

fn strip_ordinal(s: &str) -> &str {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && s[digits..].starts_with(['.', ')']) {
        s[digits + 1..].trim_start()
    } else {
        s
    }
}

/// Reads `Why 3? answer`, `Why #3: answer`, `WHY 3) answer` into (3, "answer").
pub fn parse_why(text: &str) -> Option<(u32, &str)> {
    let t = text.trim_start();
    let head = t.get(..3)?;
    if !head.eq_ignore_ascii_case("why") {
        return None;
    }
    let rest = t[3..].trim_start().trim_start_matches('#');
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let number = rest[..digits].parse().ok()?;
    let after = rest[digits..].trim_start();
    let after = after.strip_prefix(['?', ':', '.', ')', '-', '–'])?;
    Some((number, after.trim_start_matches(['?', ':']).trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn why_labels() {
        assert_eq!(
            parse_why("Why 1? The API failed."),
            Some((1, "The API failed."))
        );
        assert_eq!(parse_why("why #12: because"), Some((12, "because")));
        assert_eq!(parse_why("WHY 3) x"), Some((3, "x")));
        assert_eq!(parse_why("Why 2?"), Some((2, "")));
        assert_eq!(parse_why("Why did it fail?"), None);
        assert_eq!(parse_why("Why"), None);
        assert_eq!(parse_why("Whyever 1?"), None);
    }

    #[test]
    fn labels_with_markup() {
        let l = ["evidence"];
        assert_eq!(strip_label("   - Evidence: logs", &l), Some((5, "logs")));
        assert_eq!(strip_label("**Evidence:** graph", &l), Some((0, "graph")));
        assert_eq!(strip_label("*Evidence*: graph", &l), Some((0, "graph")));
        assert_eq!(strip_label("  * _evidence_ : x", &l), Some((4, "x")));
        assert_eq!(strip_label("1. Evidence: y", &l), Some((3, "y")));
        assert_eq!(strip_label("Evidence", &l), None);
        assert_eq!(strip_label("No evidence: x", &l), None);
        let rc = ["root cause statement", "root cause"];
        assert_eq!(
            strip_label("**Root Cause:** a race", &rc),
            Some((0, "a race"))
        );
        assert_eq!(strip_label("Root cause statement: b", &rc), Some((0, "b")));
    }

    #[test]
    fn lesson_labels() {
        assert_eq!(
            LessonKind::from_label("What went well"),
            Some(LessonKind::WentWell)
        );
        assert_eq!(
            LessonKind::from_label("What didn’t go well"),
            Some(LessonKind::ToImprove)
        );
        assert_eq!(
            LessonKind::from_label("What could be improved:"),
            Some(LessonKind::ToImprove)
        );
        assert_eq!(
            LessonKind::from_label("Where we got lucky"),
            Some(LessonKind::Lucky)
        );
        assert_eq!(LessonKind::from_label("Other"), None);
    }
}
