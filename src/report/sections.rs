//! Level-2 sections: the known ones with their aliases, matching of headings such as
//! `## 3. Timeline of Events (UTC)`, and what the model keeps of each section.

use std::fmt;

use serde::Serialize;

use crate::config::Sections as SectionsConfig;
use crate::span::Span;

/// A section `pm` knows by name; `Custom` ones come from `pm.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub enum SectionKind {
    Summary,
    Impact,
    Timeline,
    RootCauseAnalysis,
    LessonsLearned,
    ActionItems,
    Trigger,
    Detection,
    Resolution,
    ContributingFactors,
    SupportingInformation,
    SuspectCommits,
    Custom(String),
}

impl SectionKind {
    /// Every built-in section, the six of the template first.
    pub const BUILTIN: [Self; 12] = [
        Self::Summary,
        Self::Impact,
        Self::Timeline,
        Self::RootCauseAnalysis,
        Self::LessonsLearned,
        Self::ActionItems,
        Self::Trigger,
        Self::Detection,
        Self::Resolution,
        Self::ContributingFactors,
        Self::SupportingInformation,
        Self::SuspectCommits,
    ];

    /// The canonical heading.
    pub fn name(&self) -> &str {
        match self {
            Self::Summary => "Summary",
            Self::Impact => "Impact",
            Self::Timeline => "Timeline",
            Self::RootCauseAnalysis => "Root Cause Analysis",
            Self::LessonsLearned => "Lessons Learned",
            Self::ActionItems => "Action Items",
            Self::Trigger => "Trigger",
            Self::Detection => "Detection",
            Self::Resolution => "Resolution",
            Self::ContributingFactors => "Contributing Factors",
            Self::SupportingInformation => "Supporting Information",
            Self::SuspectCommits => "Suspect Commits",
            Self::Custom(name) => name,
        }
    }

    fn builtin_aliases(&self) -> &'static [&'static str] {
        match self {
            Self::Summary => &["Executive Summary", "Overview"],
            Self::Timeline => &["Timeline of Events"],
            Self::RootCauseAnalysis => &["Root Cause", "Root Causes", "RCA"],
            Self::LessonsLearned => &["Lessons"],
            Self::ActionItems => &["Follow-ups", "Follow ups", "Followups", "Action Plan"],
            _ => &[],
        }
    }

    /// The kind a configured name stands for (a built-in one by name or alias, else custom).
    pub fn from_name(name: &str) -> Self {
        let key = normalize_heading(name);
        Self::BUILTIN
            .into_iter()
            .find(|k| {
                normalize_heading(k.name()) == key
                    || k.builtin_aliases()
                        .iter()
                        .any(|a| normalize_heading(a) == key)
            })
            .unwrap_or_else(|| Self::Custom(name.trim().to_owned()))
    }
}

impl fmt::Display for SectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<SectionKind> for String {
    fn from(k: SectionKind) -> Self {
        k.name().to_owned()
    }
}

/// Every section name `pm` recognises, with the aliases of the built-ins and of `pm.toml`.
#[derive(Debug, Clone)]
pub struct SectionCatalog {
    entries: Vec<(SectionKind, Vec<String>)>,
    required: Vec<SectionKind>,
}

impl Default for SectionCatalog {
    fn default() -> Self {
        Self::new(&SectionsConfig::default())
    }
}

impl SectionCatalog {
    pub fn new(config: &SectionsConfig) -> Self {
        let mut entries: Vec<(SectionKind, Vec<String>)> = SectionKind::BUILTIN
            .into_iter()
            .map(|k| {
                let mut names = vec![normalize_heading(k.name())];
                names.extend(k.builtin_aliases().iter().map(|a| normalize_heading(a)));
                (k, names)
            })
            .collect();
        let required: Vec<SectionKind> = config
            .required
            .iter()
            .map(|n| SectionKind::from_name(n))
            .collect();
        for kind in &required {
            if !entries.iter().any(|(k, _)| k == kind) {
                entries.push((kind.clone(), vec![normalize_heading(kind.name())]));
            }
        }
        for (name, aliases) in &config.aliases {
            let kind = SectionKind::from_name(name);
            let normalized = aliases.iter().map(|a| normalize_heading(a));
            match entries.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, names)) => names.extend(normalized),
                None => {
                    let mut names = vec![normalize_heading(kind.name())];
                    names.extend(normalized);
                    entries.push((kind, names));
                }
            }
        }
        Self { entries, required }
    }

    /// The section a heading names, if any.
    pub fn classify(&self, heading: &str) -> Option<SectionKind> {
        let key = normalize_heading(heading);
        if key.is_empty() {
            return None;
        }
        self.entries
            .iter()
            .find(|(_, names)| names.contains(&key))
            .map(|(k, _)| k.clone())
    }

    /// Required sections, in the configured order.
    pub fn required(&self) -> &[SectionKind] {
        &self.required
    }
}

/// Lowercases and strips what varies between teams: numbering (`3.`, `3.2)`, `IV.`), a trailing
/// parenthetical (`(UTC)`), trailing punctuation, emphasis markers and extra spaces.
pub fn normalize_heading(text: &str) -> String {
    let mut t = text.trim();
    t = strip_numbering(t);
    if t.ends_with(')')
        && let Some(open) = t.rfind('(')
    {
        t = &t[..open];
    }
    let t = t.trim().trim_end_matches([':', '.', '-', '–', '—']).trim();
    super::joined_lowercase(
        t.split_whitespace()
            .map(|w| w.trim_matches(['*', '_']))
            .filter(|w| !w.is_empty()),
        ' ',
    )
}

fn strip_numbering(t: &str) -> &str {
    let digits_end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(t.len(), |(i, _)| i);
    let rest = if digits_end > 0 && t.as_bytes()[0].is_ascii_digit() {
        &t[digits_end..]
    } else {
        let roman_end = t
            .char_indices()
            .find(|(_, c)| !matches!(c, 'I' | 'V' | 'X'))
            .map_or(t.len(), |(i, _)| i);
        if roman_end > 0 && t[roman_end..].starts_with(['.', ')']) {
            &t[roman_end + 1..]
        } else {
            return t;
        }
    };
    let rest = rest.strip_prefix(')').unwrap_or(rest);
    if rest.starts_with(char::is_whitespace) {
        rest.trim_start()
    } else {
        t
    }
}

/// What the model keeps of one level-2 section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// The recognised section, or `None` for a heading `pm` does not know.
    pub kind: Option<SectionKind>,
    /// The heading as written (without `#` marks).
    pub heading: String,
    /// Position of the heading.
    pub span: Span,
    /// Last line of the section's content (the line before the next level-1/2 heading).
    pub end_line: u32,
    /// True when the section holds nothing but headings, HTML comments and blank lines.
    pub is_empty: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_matched_by_name_alias_and_numbering() {
        let c = SectionCatalog::default();
        let cases = [
            ("Summary", SectionKind::Summary),
            ("1. Summary", SectionKind::Summary),
            ("Executive Summary", SectionKind::Summary),
            ("3. Timeline of Events (UTC)", SectionKind::Timeline),
            ("TIMELINE", SectionKind::Timeline),
            ("4) Root Causes", SectionKind::RootCauseAnalysis),
            ("RCA:", SectionKind::RootCauseAnalysis),
            ("IV. Lessons Learned", SectionKind::LessonsLearned),
            ("2.1 Impact", SectionKind::Impact),
            ("**Action Items**", SectionKind::ActionItems),
            ("Follow-ups", SectionKind::ActionItems),
            (
                "Supporting  Information",
                SectionKind::SupportingInformation,
            ),
        ];
        for (heading, kind) in cases {
            assert_eq!(c.classify(heading), Some(kind), "{heading}");
        }
        assert_eq!(c.classify("Appendix"), None);
        assert_eq!(c.classify("2024 in review"), None);
        assert_eq!(c.classify(""), None);
    }

    #[test]
    fn config_adds_aliases_and_custom_sections() {
        let mut config = SectionsConfig::default();
        config.required.push("Customer Communication".into());
        config
            .aliases
            .insert("Action Items".into(), vec!["Remediation".into()]);
        config
            .aliases
            .insert("Appendix".into(), vec!["Annex".into()]);
        let c = SectionCatalog::new(&config);
        assert_eq!(c.classify("Remediation"), Some(SectionKind::ActionItems));
        assert_eq!(
            c.classify("5. Customer communication"),
            Some(SectionKind::Custom("Customer Communication".into()))
        );
        assert_eq!(
            c.classify("Annex"),
            Some(SectionKind::Custom("Appendix".into()))
        );
        assert_eq!(c.required().len(), 7);
        assert_eq!(
            SectionKind::from_name("root causes"),
            SectionKind::RootCauseAnalysis
        );
    }
}
