//! Positions in a file: 1-based line and column (in characters), counted over the whole file,
//! front matter included, so every diagnostic can point at the exact place.

use std::fmt;

use serde::Serialize;

/// A 1-based line and column (columns count Unicode scalar values, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub line: u32,
    pub column: u32,
}

impl Span {
    pub const fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }

    /// The start of a line.
    pub const fn line(line: u32) -> Self {
        Self { line, column: 1 }
    }
}

impl Default for Span {
    fn default() -> Self {
        Self::line(1)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Byte offsets of line starts, to turn a byte offset into a [`Span`] and to fetch a line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(count_newlines(text) + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { starts }
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn len(&self, text: &str) -> usize {
        if text.ends_with('\n') {
            self.starts.len() - 1
        } else {
            self.starts.len()
        }
    }

    /// The lines of `text` as [`str::lines`] gives them, found in the index instead of by
    /// searching the text again.
    pub fn lines<'t>(&self, text: &'t str) -> impl Iterator<Item = &'t str> {
        self.starts
            .iter()
            .enumerate()
            // No line starts after the final line ending, nor in an empty text.
            .take_while(move |&(_, &start)| start < text.len())
            .map(move |(i, &start)| match self.starts.get(i + 1) {
                // `str::lines` drops a `\r` only before the `\n`.
                Some(&next) => {
                    let line = &text[start..next - 1];
                    line.strip_suffix('\r').unwrap_or(line)
                }
                None => &text[start..],
            })
    }

    /// The span of a byte offset in `text` (offsets past the end clamp to the end).
    pub fn span(&self, text: &str, offset: usize) -> Span {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Span::new(saturate(line + 1), saturate(column))
    }

    /// Byte offset where a 1-based line starts (the end of the text for the line after the last).
    pub fn offset(&self, text: &str, line: u32) -> Option<usize> {
        let i = (line as usize).checked_sub(1)?;
        match self.starts.get(i) {
            Some(&s) => Some(s.min(text.len())),
            None if i == self.starts.len() => Some(text.len()),
            None => None,
        }
    }

    /// The text of a 1-based line without its line ending, if the line exists.
    pub fn line_text<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        if start > text.len() || (start == text.len() && i > 0) {
            return None;
        }
        let end = self.starts.get(i + 1).map_or(text.len(), |&e| e - 1);
        let raw = &text[start..end];
        Some(raw.strip_suffix('\r').unwrap_or(raw))
    }
}

/// The `\n` of a text, counted in chunks short enough for a byte-sized counter: a loop the
/// compiler vectorises, so sizing the index first costs little.
fn count_newlines(text: &str) -> usize {
    text.as_bytes()
        .chunks(usize::from(u8::MAX))
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
        .sum()
}

/// Converts a count to `u32`, saturating: a file with more than four billion lines is refused
/// long before (the size limit), so this never changes a real position.
pub fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_characters_not_bytes() {
        let text = "ab\nçé x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.span(text, 0), Span::new(1, 1));
        assert_eq!(idx.span(text, 3), Span::new(2, 1));
        // "çé " is 5 bytes; the x is the fourth character.
        assert_eq!(idx.span(text, 8), Span::new(2, 4));
    }

    #[test]
    fn lines_are_those_of_str_lines() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\n",
            "a\r",
            "a\r\r\nb",
            "\n\nx\r\n\r\n",
            "é\nç\r\n",
        ] {
            let idx = LineIndex::new(text);
            assert_eq!(
                idx.lines(text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn line_text_strips_line_endings() {
        let text = "one\r\ntwo\nthree";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_text(text, 1), Some("one"));
        assert_eq!(idx.line_text(text, 2), Some("two"));
        assert_eq!(idx.line_text(text, 3), Some("three"));
        assert_eq!(idx.line_text(text, 4), None);
        assert_eq!(idx.line_text(text, 0), None);
        assert_eq!(idx.len(text), 3);
    }
}
