//! Running the rules: the per-run context (compiled schema, lowercased word lists), severity in
//! force (default → `[rules]` in pm.toml → status-aware strictness), `pm-ignore` comments and
//! snippets. Rule functions only produce [`Finding`]s; this turns them into diagnostics.

use std::path::Path;

use chrono::NaiveDate;

use super::{Rule, Severity, lookup};
use crate::config::{Config, RuleLevel};
use crate::diagnostic::Diagnostic;
use crate::report::actions::category_key;
use crate::report::{LoadError, Report, SectionCatalog, Status};
use crate::span::Span;

/// What a rule function reports: the diagnostic before severity and suppression are decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub span: Span,
    pub message: String,
    pub help: String,
    /// A ceiling below the rule's severity (unknown keys are only warned about).
    pub cap: Option<Severity>,
}

impl Finding {
    pub fn new(
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self {
            code,
            span,
            message: message.into(),
            help: help.into(),
            cap: None,
        }
    }

    pub fn capped(mut self, cap: Severity) -> Self {
        self.cap = Some(cap);
        self
    }
}

/// Options of one `pm check` run.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Report open action items past their due date (PM408).
    pub overdue: bool,
    /// "Today" for PM408.
    pub as_of: NaiveDate,
}

/// Everything the rules need, prepared once per run.
#[derive(Debug)]
pub struct Checker {
    pub config: Config,
    pub options: CheckOptions,
    pub catalog: SectionCatalog,
    pub(super) schema: jsonschema::Validator,
    pub(super) vague_words: Vec<String>,
    /// The allowed action categories in their short form (`category_key`).
    pub(super) category_keys: Vec<String>,
    pub(super) blame_phrases: Vec<String>,
    /// Passes over reports in which no blame phrase can be (see `language::prefilter`).
    pub(super) blame_filter: Option<regex::bytes::Regex>,
}

/// Rules whose finding on a line with a placeholder only repeats it.
const CONSEQUENCES_OF_PLACEHOLDERS: &[&str] = &["PM003", "PM202", "PM406"];

/// Rules that keep error severity in `draft` reports: the file and its front matter's syntax,
/// timestamp offsets, and the owner and due date of action items.
const DRAFT_ERRORS: &[&str] = &[
    "PM000", "PM001", "PM002", "PM005", "PM402", "PM403", "PM404",
];

impl Checker {
    pub fn new(config: Config, options: CheckOptions) -> crate::Result<Self> {
        let schema = super::front_matter::compile_schema(&config)?;
        let lower = |v: &[String]| {
            v.iter()
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let blame_phrases: Vec<String> = lower(&config.language.blame_phrases);
        Ok(Self {
            catalog: SectionCatalog::new(&config.sections),
            vague_words: lower(&config.actions.vague_words),
            category_keys: config
                .actions
                .categories
                .iter()
                .map(|c| category_key(c))
                .collect(),
            blame_filter: super::language::prefilter(&blame_phrases),
            blame_phrases,
            schema,
            config,
            options,
        })
    }

    /// The findings of every per-file rule on one report.
    pub fn findings(&self, report: &Report) -> Vec<Finding> {
        let mut out = Vec::new();
        super::front_matter::check(self, report, &mut out);
        super::sections::check(self, report, &mut out);
        // The prose rules share one pass over the reader's view of the lines; blame findings
        // are listed last.
        let mut blame = super::language::Scan::new(self, report);
        let mut blamed = Vec::new();
        super::text::for_each_visible_line(report, |line| {
            super::placeholders::check_line(line, &mut out);
            if let Some(scan) = &mut blame {
                scan.check_line(line, &mut blamed);
            }
        });
        super::timeline::check(self, report, &mut out);
        super::rca::check(self, report, &mut out);
        super::actions::check(self, report, &mut out);
        out.append(&mut blamed);
        // A placeholder left in makes the schema, timestamp and wording rules fire on the same
        // line for the same reason; the placeholder finding says it best.
        let placeholder_lines: Vec<u32> = out
            .iter()
            .filter(|f| f.code == "PM104")
            .map(|f| f.span.line)
            .collect();
        out.retain(|f| {
            !(CONSEQUENCES_OF_PLACEHOLDERS.contains(&f.code)
                && placeholder_lines.contains(&f.span.line))
        });
        out
    }

    /// Turns findings on a report into diagnostics: severity in force, `pm-ignore`, snippets.
    pub fn diagnose(
        &self,
        report: &Report,
        shown: &Path,
        findings: Vec<Finding>,
    ) -> Vec<Diagnostic> {
        let ignores = ignore_ranges(report);
        self.diagnose_with(&ignores, report.status(), shown, findings, |line| {
            report.line(line).map(str::to_owned)
        })
    }

    /// [`Checker::diagnose`] for findings that come once the report is dropped.
    pub fn diagnose_kept(
        &self,
        kept: &Kept,
        shown: &Path,
        findings: Vec<Finding>,
    ) -> Vec<Diagnostic> {
        self.diagnose_with(&kept.ignores, kept.status, shown, findings, |line| {
            kept.lines
                .iter()
                .find(|(n, _)| *n == line)
                .and_then(|(_, text)| text.clone())
        })
    }

    fn diagnose_with(
        &self,
        ignores: &[Ignore],
        status: Option<Status>,
        shown: &Path,
        findings: Vec<Finding>,
        snippet: impl Fn(u32) -> Option<String>,
    ) -> Vec<Diagnostic> {
        findings
            .into_iter()
            .filter_map(|f| {
                let rule = lookup(f.code)?;
                if ignores.iter().any(|ig| ig.covers(rule, f.span.line)) {
                    return None;
                }
                let severity = self.severity(rule, status, f.cap)?;
                Some(Diagnostic {
                    rule,
                    severity,
                    path: shown.to_owned(),
                    span: f.span,
                    snippet: snippet(f.span.line),
                    message: f.message,
                    help: f.help,
                })
            })
            .collect()
    }

    /// PM000 for a file that could not be loaded.
    pub fn unreadable(&self, error: &LoadError, shown: &Path) -> Option<Diagnostic> {
        let rule = lookup("PM000")?;
        Some(Diagnostic {
            rule,
            severity: self.severity(rule, None, None)?,
            path: shown.to_owned(),
            span: error.span(),
            message: format!("cannot check this file: {}", error.kind),
            help: error.help().to_owned(),
            snippet: None,
        })
    }

    /// The severity a rule reports with, or `None` when it is turned off.
    pub fn severity(
        &self,
        rule: &Rule,
        status: Option<Status>,
        cap: Option<Severity>,
    ) -> Option<Severity> {
        let mut severity = match self.config.rule_level(rule) {
            Some(RuleLevel::Off) => return None,
            Some(RuleLevel::Error) => Severity::Error,
            Some(RuleLevel::Warning) => Severity::Warning,
            None => rule.severity,
        };
        if status == Some(Status::Draft) && !DRAFT_ERRORS.contains(&rule.code) {
            severity = Severity::Warning;
        }
        Some(cap.map_or(severity, |c| severity.min(c)))
    }

    /// Whether a rule is on at all (for rules whose work is expensive).
    pub fn enabled(&self, code: &str) -> bool {
        lookup(code).is_some_and(|r| self.config.rule_level(r) != Some(RuleLevel::Off))
    }
}

/// What [`Checker::diagnose_kept`] needs of a report, so a run over many reports can drop each
/// report after its own rules and still diagnose the repository rules' findings on it: the
/// `pm-ignore` comments, the status, and the text of the lines those findings point at.
#[derive(Debug)]
pub struct Kept {
    ignores: Vec<Ignore>,
    status: Option<Status>,
    lines: Vec<(u32, Option<String>)>,
}

impl Kept {
    /// Keeps what diagnosing findings on `lines` of `report` needs.
    pub fn new(report: &Report, lines: &[u32]) -> Self {
        Self {
            ignores: ignore_ranges(report),
            status: report.status(),
            lines: lines
                .iter()
                .map(|&n| (n, report.line(n).map(str::to_owned)))
                .collect(),
        }
    }
}

/// A `<!-- pm-ignore PM406 action-vague -->` comment: silences the named rules (all rules when
/// none is named) on its own line and on the block that follows it (up to the next blank line).
#[derive(Debug)]
struct Ignore {
    rules: Vec<String>,
    first: u32,
    last: u32,
}

impl Ignore {
    fn covers(&self, rule: &Rule, line: u32) -> bool {
        (self.first..=self.last).contains(&line)
            && (self.rules.is_empty()
                || self
                    .rules
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(rule.code) || r == rule.name))
    }
}

fn ignore_ranges(report: &Report) -> Vec<Ignore> {
    report
        .comments
        .iter()
        .filter_map(|c| {
            let rest = c.text.strip_prefix("pm-ignore")?;
            if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
                return None;
            }
            let rules = rest
                .split(|ch: char| ch.is_whitespace() || ch == ',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            // The comment may span lines: the block it covers starts after its closing `-->`.
            let mut line = c.span.line;
            while report.line(line).is_some_and(|t| !t.contains("-->")) {
                line += 1;
            }
            let mut first = line + 1;
            while report.line(first).is_some_and(|t| t.trim().is_empty()) {
                first += 1;
            }
            let mut last = first;
            while report.line(last + 1).is_some_and(|t| !t.trim().is_empty()) {
                last += 1;
            }
            Some(Ignore {
                rules,
                first: c.span.line,
                last,
            })
        })
        .collect()
}
