//! `pm.toml`: discovery (walking up from the working directory), the embedded defaults, and
//! validation. Every key has a default, so no file means all defaults; an unknown key or a wrong
//! type is one error naming the file, the key and its line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::duration::HumanDuration;
use crate::error::{Error, Result};
use crate::rules;
use crate::span::LineIndex;

/// The file name `pm` looks for.
pub const FILE_NAME: &str = "pm.toml";

/// The commented `pm.toml` that `pm init` writes: every default spelled out.
pub const DEFAULT_TOML: &str = include_str!("../templates/pm.toml");

/// Configuration of a post-mortem repository (`pm.toml`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(title = "pm configuration (pm.toml)")]
pub struct Config {
    /// Where reports live and how they are named.
    pub reports: Reports,
    /// Which sections a report must have, in which order, and their extra names.
    pub sections: Sections,
    /// Per-rule severity overrides, keyed by code (`PM406`) or name (`action-vague`).
    pub rules: BTreeMap<String, RuleLevel>,
    /// Timeline checks.
    pub timeline: Timeline,
    /// Root cause analysis checks.
    pub rca: Rca,
    /// Action item policy (SMART checks).
    pub actions: Actions,
    /// Blameless language.
    pub language: Language,
    /// Affected services mapped to the path globs that belong to them (used to rank commits).
    pub services: BTreeMap<String, Vec<String>>,
    /// Repositories to correlate incidents with.
    pub repos: Vec<Repo>,
    /// Commit correlation defaults.
    pub commits: Commits,
    /// Where the repository keeps its own templates, overriding the built-in ones file by file.
    pub templates: Templates,
    /// The published archive.
    pub site: Site,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Reports {
    /// Folder holding the reports, relative to the folder of `pm.toml`.
    pub dir: String,
    /// `folder`: `DIR/YYYY-MM-DD-slug/report.md`; `flat`: `DIR/YYYY-MM-DD-slug.md`.
    pub layout: Layout,
    /// File name of a report inside its folder (folder layout).
    pub file_name: String,
    /// Largest report file read, in bytes; larger files are reported, not read.
    pub max_file_size: u64,
    /// Allowed values of the front matter `severity`, most severe first.
    pub severities: Vec<String>,
}

/// How reports are laid out on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// A folder per incident, so collected artifacts live beside the report.
    Folder,
    /// One Markdown file per incident.
    Flat,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Sections {
    /// Sections every report must have, in the expected order.
    pub required: Vec<String>,
    /// Extra names accepted for a section, added to the built-in aliases.
    pub aliases: BTreeMap<String, Vec<String>>,
}

/// A rule's severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    Warning,
    Off,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Timeline {
    /// How far outside started_at..resolved_at a timeline event may lie (PM204).
    pub window_slack: HumanDuration,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Rca {
    /// Fewest whys a 5 Whys analysis should have (PM301).
    pub min_whys: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Actions {
    /// Latest due date allowed, in days after the incident date (PM405).
    pub max_due_days: u32,
    /// Fewest words an action item needs to be specific (PM406).
    pub min_words: u32,
    /// Verbs and phrases that make an action vague unless it states a measurable outcome (PM406).
    pub vague_words: Vec<String>,
    /// Allowed categories (PM407).
    pub categories: Vec<String>,
    /// Known owners; when not empty, other owners are reported (PM409).
    pub owners: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Language {
    /// Phrases that assign blame to people (PM501), matched case-insensitively on word boundaries.
    pub blame_phrases: Vec<String>,
}

/// A repository to correlate incidents with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Repo {
    /// Name that reports use in their `repos` list.
    pub name: String,
    /// Path of the repository, relative to the folder of `pm.toml`.
    pub path: String,
    /// Path globs inside the repository that matter for incidents.
    #[serde(default)]
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Commits {
    /// How long before T-0 commits count as suspects.
    pub lookback: HumanDuration,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Templates {
    /// Folder, relative to the folder of `pm.toml`, whose files override the built-in templates.
    pub dir: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Site {
    /// Title of the archive.
    pub title: String,
    /// Absolute URL the archive is published at (for feeds and canonical links); empty for relative links only.
    pub base_url: String,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for Reports {
    fn default() -> Self {
        Self {
            dir: "postmortems".into(),
            layout: Layout::Folder,
            file_name: "report.md".into(),
            max_file_size: 10 * 1024 * 1024,
            severities: strings(&["SEV1", "SEV2", "SEV3", "SEV4"]),
        }
    }
}

impl Default for Sections {
    fn default() -> Self {
        Self {
            required: strings(&[
                "Summary",
                "Impact",
                "Timeline",
                "Root Cause Analysis",
                "Lessons Learned",
                "Action Items",
            ]),
            aliases: BTreeMap::new(),
        }
    }
}

impl Default for Timeline {
    fn default() -> Self {
        Self {
            window_slack: HumanDuration::from_delta(chrono::TimeDelta::hours(24)),
        }
    }
}

impl Default for Rca {
    fn default() -> Self {
        Self { min_whys: 3 }
    }
}

impl Default for Actions {
    fn default() -> Self {
        Self {
            max_due_days: 180,
            min_words: 4,
            vague_words: strings(&[
                "investigate",
                "look into",
                "look at",
                "improve",
                "consider",
                "monitor",
                "review",
                "explore",
                "evaluate",
                "think about",
                "try to",
                "be more careful",
            ]),
            categories: strings(&["immediate", "short-term", "long-term"]),
            owners: Vec::new(),
        }
    }
}

impl Default for Language {
    fn default() -> Self {
        Self {
            blame_phrases: strings(&[
                "human error",
                "operator error",
                "fault of",
                "careless",
                "carelessness",
                "should have known",
                "should have caught",
                "negligence",
                "negligent",
                "incompetent",
                "sloppy",
                "lazy",
            ]),
        }
    }
}

impl Default for Commits {
    fn default() -> Self {
        Self {
            lookback: HumanDuration::from_delta(chrono::TimeDelta::hours(24)),
        }
    }
}

impl Default for Templates {
    fn default() -> Self {
        Self {
            dir: ".pm/templates".into(),
        }
    }
}

impl Default for Site {
    fn default() -> Self {
        Self {
            title: "Post-mortems".into(),
            base_url: String::new(),
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Folder => "folder",
            Self::Flat => "flat",
        })
    }
}

impl Config {
    /// Parses and validates the text of a `pm.toml`; `path` names it in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self> {
        let index = LineIndex::new(text);
        let config: Self = toml::from_str(text).map_err(|e| {
            let span = index.span(text, e.span().map_or(0, |r| r.start));
            let table = enclosing_table(text, span.line);
            let message = e.message().trim_end().to_owned();
            Error::Config {
                path: path.to_owned(),
                line: span.line,
                column: span.column,
                message: match table {
                    Some(t) => format!("in [{t}]: {message}"),
                    None => message,
                },
            }
        })?;
        config.validate(text, path)?;
        Ok(config)
    }

    /// Checks what types alone cannot say; the error points at the key's line.
    fn validate(&self, text: &str, path: &Path) -> Result<()> {
        let fail = |table: &str, key: &str, message: String| {
            let line = locate_key(text, table, key);
            Err(Error::Config {
                path: path.to_owned(),
                line,
                column: 1,
                message,
            })
        };
        if let Some(key) = self.rules.keys().find(|k| rules::lookup(k).is_none()) {
            return fail(
                "rules",
                key,
                format!(
                    "unknown rule `{key}` in [rules]: use a code like `PM406` or a name like `action-vague` (`pm check --list-rules` lists them)"
                ),
            );
        }
        if self.reports.severities.is_empty() {
            return fail("reports", "severities", "`reports.severities` is empty: list at least one severity, like [\"SEV1\", \"SEV2\"]".into());
        }
        if let Some(dup) = first_duplicate(&self.reports.severities) {
            return fail(
                "reports",
                "severities",
                format!("severity `{dup}` is listed twice in `reports.severities`"),
            );
        }
        if self.reports.dir.trim().is_empty() {
            return fail("reports", "dir", "`reports.dir` is empty: name the folder that holds the reports, like \"postmortems\"".into());
        }
        if self.reports.file_name.trim().is_empty() || self.reports.file_name.contains(['/', '\\'])
        {
            return fail(
                "reports",
                "file_name",
                "`reports.file_name` must be a plain file name, like \"report.md\"".into(),
            );
        }
        if let Some(blank) = self.sections.required.iter().find(|s| s.trim().is_empty()) {
            return fail(
                "sections",
                "required",
                format!("`sections.required` has an empty name ({blank:?})"),
            );
        }
        if self.actions.categories.is_empty() {
            return fail("actions", "categories", "`actions.categories` is empty: list the allowed categories, like [\"immediate\", \"short-term\", \"long-term\"]".into());
        }
        for repo in &self.repos {
            if repo.name.trim().is_empty() || repo.path.trim().is_empty() {
                return fail(
                    "repos",
                    "name",
                    "every [[repos]] entry needs a `name` and a `path`".into(),
                );
            }
        }
        if let Some(dup) = first_duplicate(
            &self
                .repos
                .iter()
                .map(|r| r.name.clone())
                .collect::<Vec<_>>(),
        ) {
            return fail(
                "repos",
                "name",
                format!("repository `{dup}` is listed twice in [[repos]]"),
            );
        }
        Ok(())
    }

    /// The configured level of a rule, if the config overrides it (by code or by name).
    pub fn rule_level(&self, rule: &rules::Rule) -> Option<RuleLevel> {
        self.rules
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(rule.code) || *k == rule.name)
            .map(|(_, v)| *v)
    }

    /// The JSON Schema of `pm.toml`, generated from these types.
    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(Config)).unwrap_or(serde_json::Value::Null)
    }
}

fn first_duplicate(items: &[String]) -> Option<&String> {
    items
        .iter()
        .enumerate()
        .find(|(i, s)| items[..*i].contains(s))
        .map(|(_, s)| s)
}

/// The `[table]` (or `[[table]]`) header in force on a 1-based line.
fn enclosing_table(text: &str, line: u32) -> Option<String> {
    text.lines()
        .take(line as usize)
        .filter_map(table_header)
        .last()
}

fn table_header(line: &str) -> Option<String> {
    let t = line.trim();
    let inner = t
        .strip_prefix("[[")
        .and_then(|s| s.strip_suffix("]]"))
        .or_else(|| t.strip_prefix('[').and_then(|s| s.strip_suffix(']')))?;
    Some(inner.trim().to_owned())
}

/// Line of `key = …` inside `[table]` (or the table header, or line 1 when neither is written).
fn locate_key(text: &str, table: &str, key: &str) -> u32 {
    let mut current = String::new();
    let mut header_line = None;
    for (i, line) in text.lines().enumerate() {
        let n = crate::span::saturate(i + 1);
        if let Some(t) = table_header(line) {
            current = t;
            if current == table && header_line.is_none() {
                header_line = Some(n);
            }
            continue;
        }
        let Some((k, _)) = line.split_once('=') else {
            continue;
        };
        let k = k.trim().trim_matches('"');
        if k == key && current == table {
            return n;
        }
        if current.is_empty() && k == format!("{table}.{key}") {
            return n;
        }
    }
    header_line.unwrap_or(1)
}

/// The configuration in force for a working directory, and the repository root it belongs to.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The folder `pm.toml` is in, or — without one — the enclosing git work tree, or the
    /// working directory. Relative paths in the config are relative to it.
    pub root: PathBuf,
    /// The config file read, if any.
    pub config_path: Option<PathBuf>,
    pub config: Config,
}

impl Workspace {
    /// Finds and reads the configuration: `explicit` (from `--config`) when given, else the first
    /// `pm.toml` found walking up from `cwd`.
    pub fn discover(cwd: &Path, explicit: Option<&Path>) -> Result<Self> {
        let found = match explicit {
            Some(p) => Some(cwd.join(p)),
            None => cwd
                .ancestors()
                .map(|dir| dir.join(FILE_NAME))
                .find(|p| p.is_file()),
        };
        match found {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                let config = Config::from_toml(&text, &path)?;
                let root = path.parent().map_or_else(|| cwd.to_owned(), Path::to_owned);
                Ok(Self {
                    root,
                    config_path: Some(path),
                    config,
                })
            }
            None => Ok(Self {
                root: git_root(cwd).unwrap_or_else(|| cwd.to_owned()),
                config_path: None,
                config: Config::default(),
            }),
        }
    }

    /// Folder holding the reports.
    pub fn reports_dir(&self) -> PathBuf {
        self.root.join(&self.config.reports.dir)
    }

    /// Folder of the repository's own templates.
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join(&self.config.templates.dir)
    }
}

/// The nearest folder at or above `dir` that holds `.git` (a folder, or a file in worktrees).
fn git_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::from_toml(text, Path::new("pm.toml"))
    }

    fn error_of(text: &str) -> (u32, String) {
        match parse(text) {
            Err(Error::Config { line, message, .. }) => (line, message),
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn empty_file_is_all_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn embedded_default_toml_spells_out_the_defaults() {
        assert_eq!(parse(DEFAULT_TOML).unwrap(), Config::default());
    }

    #[test]
    fn every_default_key_is_written_in_the_embedded_toml() {
        let written: toml::Table = toml::from_str(DEFAULT_TOML).unwrap();
        let defaults = toml::Table::try_from(Config::default()).unwrap();
        for (table, value) in &defaults {
            if value.as_array().is_some_and(Vec::is_empty) {
                continue;
            }
            assert!(
                written.contains_key(table),
                "[{table}] is not written in templates/pm.toml"
            );
            for key in value.as_table().map(|t| t.keys()).into_iter().flatten() {
                let present = written[table]
                    .as_table()
                    .is_some_and(|t| t.contains_key(key));
                assert!(
                    present,
                    "`{table}.{key}` is not written in templates/pm.toml"
                );
            }
        }
    }

    #[test]
    fn partial_file_keeps_other_defaults() {
        let c = parse("[actions]\nmax_due_days = 90\n").unwrap();
        assert_eq!(c.actions.max_due_days, 90);
        assert_eq!(c.actions.min_words, 4);
        assert_eq!(c.reports, Reports::default());
    }

    #[test]
    fn unknown_key_names_the_key_table_and_line() {
        let (line, message) = error_of("[reports]\ndir = \"pm\"\n\n[actions]\nmax_due_day = 3\n");
        assert_eq!(line, 5);
        assert!(message.contains("[actions]"), "{message}");
        assert!(message.contains("max_due_day"), "{message}");
    }

    #[test]
    fn wrong_type_names_the_line() {
        let (line, message) = error_of("[rca]\nmin_whys = \"three\"\n");
        assert_eq!(line, 2);
        assert!(message.contains("[rca]"), "{message}");
    }

    #[test]
    fn bad_duration_and_layout_are_errors() {
        let (line, message) = error_of("[timeline]\nwindow_slack = \"a day\"\n");
        assert_eq!(line, 2);
        assert!(message.contains("90m"), "{message}");
        let (line, _) = error_of("[reports]\nlayout = \"nested\"\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn unknown_rule_is_an_error_on_its_line() {
        let (line, message) = error_of("[rules]\nPM406 = \"off\"\nno-such-rule = \"warning\"\n");
        assert_eq!(line, 3);
        assert!(message.contains("no-such-rule"), "{message}");
        let c = parse("[rules]\naction-vague = \"off\"\n").unwrap();
        let vague = rules::lookup("PM406").unwrap();
        assert_eq!(c.rule_level(vague), Some(RuleLevel::Off));
    }

    #[test]
    fn semantic_errors_point_at_the_key() {
        let (line, message) = error_of("[reports]\ndir = \"x\"\nseverities = []\n");
        assert_eq!(line, 3);
        assert!(message.contains("severities"), "{message}");
        let (line, _) = error_of("[reports]\nseverities = [\"P1\", \"P1\"]\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn discovery_walks_up_and_sets_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "[site]\ntitle = \"Ops\"\n").unwrap();
        let ws = Workspace::discover(&nested, None).unwrap();
        assert_eq!(ws.root, dir.path());
        assert_eq!(ws.config.site.title, "Ops");
        assert_eq!(ws.reports_dir(), dir.path().join("postmortems"));
    }

    #[test]
    fn explicit_config_that_is_missing_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Workspace::discover(dir.path(), Some(Path::new("nope.toml"))).unwrap_err();
        assert!(err.to_string().contains("nope.toml"), "{err}");
    }
}
