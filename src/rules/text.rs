//! The report's lines as a reader sees them, for rules that scan prose (PM104, PM501): HTML
//! comments, fenced code blocks and, in the body, code spans are blanked with spaces of the
//! same byte length, so byte offsets into a visible line are offsets into the real one.
//! [`for_each_visible_line`] makes one pass per report and hands each line to every such rule.

use std::borrow::Cow;

use crate::report::Report;
use crate::span::saturate;

/// One line: its 1-based number, the text as written, and the visible text.
#[derive(Debug)]
pub(super) struct VisibleLine<'a> {
    pub number: u32,
    pub raw: &'a str,
    /// The line itself when nothing on it is hidden (most lines), else its blanked copy.
    pub visible: &'a str,
    /// Inside the front matter block (between the fences).
    pub in_front_matter: bool,
}

impl VisibleLine<'_> {
    /// The 1-based character column of a byte offset into the line.
    pub fn column(&self, byte: usize) -> u32 {
        saturate(self.raw.get(..byte).map_or(byte, |s| s.chars().count()) + 1)
    }
}

/// Hands every visible line of the report to `each`, in order. Lines inside fenced code blocks
/// and the fences themselves are not visible. One buffer holds the blanked copies, line after
/// line.
pub(super) fn for_each_visible_line(report: &Report, mut each: impl FnMut(&VisibleLine)) {
    // Front matter lines stay front matter when the YAML did not parse: `tags: [db, api]` is
    // not prose.
    let fm_end = report.front_matter_end();
    let mut fence: Option<&str> = None;
    let mut in_comment = false;
    let mut buffer = Vec::new();
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
        let blanked;
        let visible = if blank_into(raw, &mut in_comment, body, &mut buffer) {
            blanked = visible_text(&buffer);
            &*blanked
        } else {
            raw
        };
        each(&VisibleLine {
            number,
            raw,
            visible,
            in_front_matter: number > 1 && number < fm_end,
        });
    }
}

/// The blanked copy of a line as text.
fn visible_text(bytes: &[u8]) -> Cow<'_, str> {
    // Whole UTF-8 sequences are blanked or kept (their bytes are never `<`, `-`, `>` or `` ` ``),
    // so the copy is as valid as the line.
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The visible text of one line on its own.
#[cfg(test)]
fn blank<'a>(line: &'a str, in_comment: &mut bool, body: bool) -> Cow<'a, str> {
    let mut buffer = Vec::new();
    if blank_into(line, in_comment, body, &mut buffer) {
        Cow::Owned(visible_text(&buffer).into_owned())
    } else {
        Cow::Borrowed(line)
    }
}

/// The first byte that may open something to hide: a `<` (a comment), and in the body a
/// backtick (a code span).
fn next_opener(bytes: &[u8], body: bool) -> Option<usize> {
    if body {
        memchr::memchr2(b'<', b'`', bytes)
    } else {
        memchr::memchr(b'<', bytes)
    }
}

/// Blanks comments (which may span lines: `in_comment` carries over) and, in the body, code
/// spans, into `out`. `false` when the line has nothing to hide: `out` is then left alone and
/// the line is its own visible text.
fn blank_into(line: &str, in_comment: &mut bool, body: bool, out: &mut Vec<u8>) -> bool {
    let bytes = line.as_bytes();
    // Nothing to hide without a comment going on, a `<` that may open one, or a backtick.
    if !*in_comment && next_opener(bytes, body).is_none() {
        return false;
    }
    out.clear();
    out.extend_from_slice(bytes);
    let mut in_code = false;
    let mut i = 0;
    // From one delimiter to the next: the bytes between are hidden or kept together.
    while i < bytes.len() {
        if *in_comment {
            // Up to and with the closing `-->`, or the rest of the line.
            let end = line[i..].find("-->").map_or(bytes.len(), |k| {
                *in_comment = false;
                i + k + 3
            });
            out[i..end].fill(b' ');
            i = end;
            continue;
        }
        let next = next_opener(&bytes[i..], body).map_or(bytes.len(), |k| i + k);
        if in_code {
            out[i..next].fill(b' ');
        }
        i = next;
        if bytes[i..].starts_with(b"<!--") {
            *in_comment = true;
            out[i..i + 4].fill(b' ');
            i += 4;
        } else if i < bytes.len() {
            // A backtick opens or closes a code span and is hidden; a `<` opening nothing is
            // text.
            if bytes[i] == b'`' {
                in_code = !in_code;
            }
            if in_code || bytes[i] == b'`' {
                out[i] = b' ';
            }
            i += 1;
        }
    }
    true
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
