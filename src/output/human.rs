//! The human format: rustc-style reports drawn by `annotate-snippets` (header with code and rule
//! name, `-->` location, the offending line with a caret, a `help:` line), then one summary line.

use std::io;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use super::HumanOptions;
use crate::diagnostic::{Diagnostic, Summary};
use crate::rules::Severity;

/// How far past the end of its line a column may point and still be drawn by padding the line
/// with spaces. Further out, the snippet is evidently not the line the column belongs to, so only
/// the location is shown (padding up to a column of four billion would also cost gigabytes).
const MAX_COLUMN_OVERSHOOT: usize = 80;

pub fn render(
    diagnostics: &[Diagnostic],
    summary: Summary,
    options: HumanOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for diagnostic in diagnostics {
        // annotate-snippets shortens long lines around the caret (to its terminal width), so a
        // 1 MB single-line file yields one short line here, not a megabyte.
        writeln!(out, "{}\n", renderer.render(&[group(diagnostic)]))?;
    }
    writeln!(out, "{}", summary_line(summary, options.color))
}

/// One diagnostic as an annotate-snippets report.
fn group(diagnostic: &Diagnostic) -> Group<'_> {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let rule = diagnostic.rule;
    let path = diagnostic.path.to_string_lossy();
    let line = diagnostic.span.line as usize;
    let column = diagnostic.span.column as usize;
    let title = level
        .primary_title(diagnostic.message.as_str())
        .id(format!("{} {}", rule.code, rule.name));
    let title = match diagnostic
        .snippet
        .as_deref()
        .and_then(|s| marked_line(s, column))
    {
        Some((source, caret)) => title.element(
            Snippet::source(source)
                .line_start(line)
                .path(path)
                .annotation(AnnotationKind::Primary.span(caret)),
        ),
        None => title.element(Origin::path(path).line(line).char_column(column)),
    };
    // Unlike titles and sources, messages are "trusted" (may carry styling) and are not cleaned
    // by annotate-snippets; a help text can quote report content, so clean it here.
    let help = annotate_snippets::normalize_untrusted_str(&diagnostic.help);
    title.element(Level::HELP.message(help))
}

/// The first line of `snippet` and the byte range of the character at 1-based `column`: an empty
/// range just past the end when the column is right after the line (or was padded to exist).
/// `None` when the column is too far past the end to draw.
fn marked_line(snippet: &str, column: usize) -> Option<(String, Range<usize>)> {
    let mut source = snippet.lines().next().unwrap_or_default().to_owned();
    let index = column.max(1) - 1;
    if let Some((start, c)) = source.char_indices().nth(index) {
        return Some((source, start..start + c.len_utf8()));
    }
    let overshoot = index - source.chars().count();
    if overshoot > MAX_COLUMN_OVERSHOOT {
        return None;
    }
    source.extend(std::iter::repeat_n(' ', overshoot));
    let end = source.len();
    Some((source, end..end))
}

/// `checked 12 files: 2 errors, 3 warnings`, or `checked 1 file: no problems found`.
pub(super) fn summary_line(summary: Summary, color: bool) -> String {
    let paint = |style: Style, text: String| {
        if color {
            format!("{style}{text}{style:#}")
        } else {
            text
        }
    };
    let mut line = format!("checked {}: ", plural(summary.files, "file"));
    let mut parts = Vec::new();
    if summary.errors > 0 {
        let style = AnsiColor::BrightRed.on_default().bold();
        parts.push(paint(style, plural(summary.errors, "error")));
    }
    if summary.warnings > 0 {
        let style = AnsiColor::Yellow.on_default().bold();
        parts.push(paint(style, plural(summary.warnings, "warning")));
    }
    if parts.is_empty() {
        let style = AnsiColor::BrightGreen.on_default().bold();
        line.push_str(&paint(style, "no problems found".to_owned()));
    } else {
        line.push_str(&parts.join(", "));
    }
    line
}

fn plural(n: usize, noun: &str) -> String {
    let mut text = format!("{n} {noun}");
    if n != 1 {
        text.push('s');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_line_handles_unicode_and_columns_past_the_end() {
        assert_eq!(marked_line("ab", 1), Some(("ab".into(), 0..1)));
        assert_eq!(marked_line("日本", 2), Some(("日本".into(), 3..6)));
        assert_eq!(marked_line("ab", 3), Some(("ab".into(), 2..2)));
        assert_eq!(marked_line("ab", 5), Some(("ab  ".into(), 4..4)));
        assert_eq!(marked_line("ab", 0), Some(("ab".into(), 0..1)));
        assert_eq!(marked_line("ab", u32::MAX as usize), None);
        assert_eq!(marked_line("", 1), Some((String::new(), 0..0)));
        assert_eq!(marked_line("a\r\nb", 1), Some(("a".into(), 0..1)));
    }

    #[test]
    fn summary_counts_are_singular_or_plural() {
        let line = |files, errors, warnings| {
            summary_line(
                Summary {
                    files,
                    errors,
                    warnings,
                },
                false,
            )
        };
        assert_eq!(line(1, 0, 0), "checked 1 file: no problems found");
        assert_eq!(line(0, 0, 0), "checked 0 files: no problems found");
        assert_eq!(line(12, 2, 3), "checked 12 files: 2 errors, 3 warnings");
        assert_eq!(line(2, 1, 0), "checked 2 files: 1 error");
        assert_eq!(line(2, 0, 1), "checked 2 files: 1 warning");
    }
}
