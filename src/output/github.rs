//! The GitHub format: one workflow command per diagnostic, which GitHub Actions turns into an
//! annotation on the pull request diff
//! (`::error file=…,line=…,col=…,title=PM402 action-owner-missing::message%0Ahelp: …`), then the
//! plain summary line. Report text is escaped, so a report can never smuggle in a command of its
//! own (`::stop-commands::`, `::add-mask::`, …) through a newline.

use std::io;

use super::human::summary_line;
use super::json::forward_slashes;
use crate::diagnostic::{Diagnostic, Summary};

pub fn render(
    diagnostics: &[Diagnostic],
    summary: Summary,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    for d in diagnostics {
        writeln!(
            out,
            "::{severity} file={file},line={line},col={col},title={title}::{message}",
            severity = d.severity,
            file = escape_property(&forward_slashes(&d.path)),
            line = d.span.line,
            col = d.span.column,
            title = escape_property(&format!("{} {}", d.rule.code, d.rule.name)),
            // The help goes on a second line of the annotation, so it shows how to fix it.
            message = escape_data(&format!("{}\nhelp: {}", d.message, d.help)),
        )?;
    }
    writeln!(out, "{}", summary_line(summary, false))
}

/// Escapes a command's data (after `::`), as the Actions toolkit's `escapeData` does.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, as the Actions toolkit's `escapeProperty` does: data escaping plus
/// the `:` and `,` that would end the value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(escape_data("50%\r\n::x"), "50%25%0D%0A::x");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
