//! The rule registry: every check `pm` knows, with its stable code, kebab-case name and default
//! severity. Codes and names are a public interface (CI pipelines and config files name them):
//! once released they never change meaning.

mod actions;
mod engine;
mod explain;
mod front_matter;
mod language;
mod placeholders;
mod rca;
pub mod repository;
mod sections;
mod text;
mod timeline;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use engine::{CheckOptions, Checker, Finding, Kept};
pub use explain::explanation;

/// How loud a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// One rule of `pm check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// When it fires, in one line.
    pub summary: &'static str,
}

const fn rule(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        severity,
        summary,
    }
}

use Severity::{Error, Warning};

/// Every rule, in code order.
pub const RULES: &[Rule] = &[
    rule(
        "PM000",
        "file-unreadable",
        Error,
        "the file cannot be read, is not UTF-8 text, or is larger than the size limit",
    ),
    rule(
        "PM001",
        "front-matter-missing",
        Error,
        "no front matter block at the top",
    ),
    rule(
        "PM002",
        "front-matter-syntax",
        Error,
        "the front matter YAML does not parse",
    ),
    rule(
        "PM003",
        "front-matter-schema",
        Error,
        "a front matter field is missing, of the wrong type, or not an allowed value",
    ),
    rule(
        "PM004",
        "window-order",
        Error,
        "started_at <= detected_at <= mitigated_at <= resolved_at does not hold",
    ),
    rule(
        "PM005",
        "timestamp-offset",
        Error,
        "a front matter timestamp has no explicit offset or `Z`",
    ),
    rule(
        "PM101",
        "section-missing",
        Error,
        "a required section is absent",
    ),
    rule(
        "PM102",
        "section-empty",
        Error,
        "a required section has no content",
    ),
    rule(
        "PM103",
        "section-order",
        Warning,
        "required sections are out of the configured order",
    ),
    rule(
        "PM104",
        "placeholder",
        Error,
        "template placeholder text is left in",
    ),
    rule(
        "PM105",
        "section-duplicate",
        Warning,
        "a required section appears twice",
    ),
    rule("PM201", "timeline-missing", Error, "no timeline table"),
    rule(
        "PM202",
        "timeline-timestamp",
        Error,
        "a timeline row's timestamp does not parse",
    ),
    rule(
        "PM203",
        "timeline-order",
        Error,
        "timeline rows are not in chronological order",
    ),
    rule(
        "PM204",
        "timeline-window",
        Warning,
        "a timeline event lies far outside started_at..resolved_at",
    ),
    rule(
        "PM205",
        "milestone-mismatch",
        Warning,
        "front matter milestones disagree with the timeline",
    ),
    rule(
        "PM301",
        "whys-too-few",
        Warning,
        "fewer whys than the configured minimum",
    ),
    rule(
        "PM302",
        "root-cause-missing",
        Error,
        "no explicit root cause statement",
    ),
    rule(
        "PM303",
        "why-without-evidence",
        Warning,
        "a why has no evidence line",
    ),
    rule(
        "PM401",
        "action-items-missing",
        Error,
        "no action items table, or it is empty",
    ),
    rule(
        "PM402",
        "action-owner-missing",
        Error,
        "an action item has no owner",
    ),
    rule(
        "PM403",
        "action-due-invalid",
        Error,
        "an action item has no due date, or it is not a real YYYY-MM-DD date",
    ),
    rule(
        "PM404",
        "action-due-before-incident",
        Error,
        "an action item is due before the incident date",
    ),
    rule(
        "PM405",
        "action-due-too-far",
        Warning,
        "an action item is due too long after the incident",
    ),
    rule(
        "PM406",
        "action-vague",
        Warning,
        "an action item is not specific or measurable",
    ),
    rule(
        "PM407",
        "action-category",
        Warning,
        "an action item's category is missing or not allowed",
    ),
    rule(
        "PM408",
        "action-overdue",
        Warning,
        "an open action item is past its due date",
    ),
    rule(
        "PM409",
        "action-owner-unknown",
        Warning,
        "an action item's owner is not in the configured owners list",
    ),
    rule(
        "PM501",
        "blame-language",
        Warning,
        "blaming language in a blameless report",
    ),
    rule("PM601", "id-duplicate", Error, "two reports share an id"),
    rule(
        "PM602",
        "related-unknown",
        Warning,
        "`related` names an id that no report has",
    ),
    rule(
        "PM603",
        "file-name",
        Warning,
        "the path does not follow the configured layout",
    ),
];

/// Finds a rule by code (`PM402`, any case) or by name (`action-owner-missing`).
pub fn lookup(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        assert!(
            codes.windows(2).all(|w| w[0] < w[1]),
            "codes are sorted and unique"
        );
        codes.dedup();
        names.sort_unstable();
        names.dedup();
        assert_eq!(codes.len(), RULES.len());
        assert_eq!(names.len(), RULES.len());
        for r in RULES {
            assert!(r.code.len() == 5 && r.code.starts_with("PM"), "{}", r.code);
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.name
            );
        }
    }

    #[test]
    fn lookup_by_code_or_name() {
        assert_eq!(
            lookup("PM402").map(|r| r.name),
            Some("action-owner-missing")
        );
        assert_eq!(
            lookup("pm402").map(|r| r.name),
            Some("action-owner-missing")
        );
        assert_eq!(lookup("action-vague").map(|r| r.code), Some("PM406"));
        assert!(lookup("PM999").is_none());
    }
}
