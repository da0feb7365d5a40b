//! The report's lines as a reader sees them, for rules that scan prose (PM104, PM501): HTML
//! comments, fenced code blocks and, in the body, code spans are blanked with spaces of the
//! same byte length, so byte offsets into a visible line are offsets into the real one.
//! [`visible_lines`] runs once per report and the rules share its result.

use std::borrow::Cow;

use crate::report::Report;
use crate::span::saturate;

/// One line: its 1-based number, the text as written, and the visible text.
#[derive(Debug)]
pub(super) struct VisibleLine<'a> {
    pub number: u32,
    pub raw: &'a str,
    /// The line itself when nothing on it is hidden (most lines), else a blanked copy.
    pub visible: Cow<'a, str>,
    /// Inside the front matter block (between the fences).
    pub in_front_matter: bool,
}

impl VisibleLine<'_> {
    /// The 1-based character column of a byte offset into the line.
    pub fn column(&self, byte: usize) -> u32 {
        saturate(self.raw.get(..byte).map_or(byte, |s| s.chars().count()) + 1)
    }
}

pub(super) fn visible_lines(report: &Report) -> Vec<VisibleLine<'_>> {
    let fm_end = report.meta().map_or(0, |m| m.end_line);
    let mut fence: Option<&str> = None;
    let mut in_comment = false;
    let mut out = Vec::with_capacity(report.line_count());
    for (i, raw) in report.source_lines().enumerate() {
        let number = saturate(i + 1);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let body = number > fm_end;
        if body {
            let marker = raw.trim_start();
            let opens = ["```", "~~~"].into_iter().find(|f| marker.starts_with(f));
            match (fence, opens) {
                (Some(open), Some(close)) if open == close => {
                    fence = None;
                    continue;
                }
                (Some(_), _) => continue,
                (None, Some(open)) if !in_comment => {
                    fence = Some(open);
                    continue;
                }
                _ => {}
            }
        }
        out.push(VisibleLine {
            number,
            raw,
            visible: blank(raw, &mut in_comment, body),
            in_front_matter: number > 1 && number < fm_end,
        });
    }
    out
}

/// Blanks comments (which may span lines: `in_comment` carries over) and, in the body, code spans.
fn blank<'a>(line: &'a str, in_comment: &mut bool, body: bool) -> Cow<'a, str> {
    let bytes = line.as_bytes();
    // Nothing to hide without a comment going on, a `<` that may open one, or a backtick.
    if !(*in_comment || bytes.contains(&b'<') || (body && bytes.contains(&b'`'))) {
        return Cow::Borrowed(line);
    }
    let mut out = bytes.to_vec();
    let mut in_code = false;
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let (hide, step) = if *in_comment {
            if rest.starts_with(b"-->") {
                *in_comment = false;
                (true, 3)
            } else {
                (true, 1)
            }
        } else if rest.starts_with(b"<!--") {
            *in_comment = true;
            (true, 4)
        } else if body && bytes[i] == b'`' {
            in_code = !in_code;
            (true, 1)
        } else {
            (in_code, 1)
        };
        if hide {
            out[i..i + step].fill(b' ');
        }
        i += step;
    }
    // Whole UTF-8 sequences are blanked or kept (their bytes are never `<`, `-`, `>` or `` ` ``).
    Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_code_are_blanked_in_place() {
        let mut c = false;
        assert_eq!(
            blank("a <!-- b --> c `d` é", &mut c, true),
            "a            c     é"
        );
        assert_eq!(blank("x <!-- open", &mut c, true), "x          ");
        assert!(c);
        assert_eq!(blank("still --> out", &mut c, true), "          out");
        assert_eq!(
            blank("`kept` in front matter", &mut c, false),
            "`kept` in front matter"
        );
    }
}
