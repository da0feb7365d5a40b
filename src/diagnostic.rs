//! A finding of `pm check`: which rule, how severe, where, what is wrong and how to fix it.
//! Renderers in `output` turn a list of these into each format.

use std::path::PathBuf;

use serde::Serialize;

use crate::rules::{Rule, Severity};
use crate::span::Span;

/// One finding, positioned in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    /// The severity in force (after config and status-aware strictness).
    pub severity: Severity,
    /// The file, as it should be shown (relative to the working directory where possible).
    pub path: PathBuf,
    pub span: Span,
    /// What is wrong, said as a reviewer would say it.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The text of the offending line, for snippets (`None` when there is no line to show).
    pub snippet: Option<String>,
}

impl Diagnostic {
    /// Sort key: by file, then position, then rule.
    pub fn sort_key(&self) -> (&PathBuf, Span, &'static str) {
        (&self.path, self.span, self.rule.code)
    }
}

/// Counts for the closing summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn new(files: usize, diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Self {
            files,
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// Sorts diagnostics in the order every format prints them.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
}
