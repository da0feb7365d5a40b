//! PM601–PM603: rules across reports — unique ids, `related` ids that exist, and paths that
//! follow the configured layout.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::engine::{Checker, Finding};
use crate::layout::placement_problem;
use crate::report::Report;
use crate::span::Span;

/// A loaded report with where it sits relative to the reports folder (`None`: outside it).
#[derive(Debug, Clone, Copy)]
pub struct Placed<'a> {
    pub report: &'a Report,
    pub rel: Option<&'a Path>,
}

/// What these rules need of one report, owned, so a run over many reports can drop each report
/// once its own rules have run.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    /// Where it sits relative to the reports folder (`None`: outside it).
    pub rel: Option<PathBuf>,
    /// [`Report::id`].
    pub id: String,
    /// The line of the `id` key (line 1 without one).
    pub id_span: Span,
    /// The front matter's `related` ids.
    pub related: Vec<String>,
    /// The line of the `related` key (line 1 without one).
    pub related_span: Span,
    /// The front matter's `date`.
    pub date: Option<NaiveDate>,
}

impl Entry {
    /// `file_name` is the configured report file name (`[reports] file_name`).
    pub fn new(report: &Report, rel: Option<&Path>, file_name: &str) -> Self {
        let meta = report.meta();
        let key_span = |key| meta.and_then(|m| m.key_span(key)).unwrap_or(Span::line(1));
        Self {
            path: report.path.clone(),
            rel: rel.map(Path::to_owned),
            id: report.id(file_name),
            id_span: key_span("id"),
            related: meta.map(|m| m.related.clone()).unwrap_or_default(),
            related_span: key_span("related"),
            date: meta.and_then(|m| m.date),
        }
    }

    /// The lines the findings of these rules point at.
    pub fn lines(&self) -> [u32; 3] {
        [1, self.id_span.line, self.related_span.line]
    }
}

/// Findings per report (same order as `reports`). `all_ids` are the ids of every report in the
/// archive when known (a full run), so `related` can be checked; with `None` PM602 is skipped.
pub fn check(
    cx: &Checker,
    reports: &[Placed],
    all_ids: Option<&BTreeSet<String>>,
) -> Vec<Vec<Finding>> {
    let file_name = &cx.config.reports.file_name;
    let entries: Vec<Entry> = reports
        .iter()
        .map(|p| Entry::new(p.report, p.rel, file_name))
        .collect();
    check_entries(cx, &entries, all_ids)
}

/// [`check`] on what was kept of each report.
pub fn check_entries(
    cx: &Checker,
    entries: &[Entry],
    all_ids: Option<&BTreeSet<String>>,
) -> Vec<Vec<Finding>> {
    let mut first_with: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out: Vec<Vec<Finding>> = vec![Vec::new(); entries.len()];
    for (i, entry) in entries.iter().enumerate() {
        match first_with.get(entry.id.as_str()) {
            Some(&j) => out[i].push(Finding::new(
                "PM601",
                entry.id_span,
                format!("id `{}` is also used by {}", entry.id, entries[j].path.display()),
                "give each report its own id (ids are how `related`, trailers and links refer to reports)",
            )),
            None => {
                first_with.insert(entry.id.as_str(), i);
            }
        }
        if let Some(all) = all_ids {
            for related in &entry.related {
                if !all.contains(related) {
                    out[i].push(Finding::new(
                        "PM602",
                        entry.related_span,
                        format!("`related` names `{related}`, but no report has that id"),
                        "fix the id (ids are the front matter `id`, or the report's folder name without one)",
                    ));
                }
            }
        }
        if let Some((message, help)) =
            placement_problem(entry.rel.as_deref(), &cx.config.reports, entry.date)
        {
            out[i].push(Finding::new("PM603", Span::line(1), message, help));
        }
    }
    out
}
