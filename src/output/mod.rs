//! Renderers: one file per `--format`, each over the same sorted `&[Diagnostic]` and summary.
//! Renderers write to any `io::Write`; only the CLI decides where that is.

use std::io;

use crate::diagnostic::{Diagnostic, Summary};

mod github;
mod human;
mod json;
mod sarif;

/// The output formats of `pm check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style: `path:line:col`, the offending line, a `help:` line, and a summary.
    Human,
    /// One JSON object: `{"version":1,"diagnostics":[...],"summary":{...}}`.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request diff.
    Github,
}

/// Options that only the human format uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// Emit ANSI colour.
    pub color: bool,
}

/// Writes `diagnostics` (already sorted) in `format`.
pub fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    summary: Summary,
    human: HumanOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(diagnostics, summary, human, out),
        Format::Json => json::render(diagnostics, summary, out),
        Format::Sarif => sarif::render(diagnostics, out),
        Format::Github => github::render(diagnostics, summary, out),
    }
}
