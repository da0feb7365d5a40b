//! PM601–PM603: rules across reports — unique ids, `related` ids that exist, and paths that
//! follow the configured layout.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

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

/// Findings per report (same order as `reports`). `all_ids` are the ids of every report in the
/// archive when known (a full run), so `related` can be checked; with `None` PM602 is skipped.
pub fn check(
    cx: &Checker,
    reports: &[Placed],
    all_ids: Option<&BTreeSet<String>>,
) -> Vec<Vec<Finding>> {
    let file_name = &cx.config.reports.file_name;
    let ids: Vec<String> = reports.iter().map(|p| p.report.id(file_name)).collect();
    let mut first_with: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out: Vec<Vec<Finding>> = vec![Vec::new(); reports.len()];
    for (i, placed) in reports.iter().enumerate() {
        let report = placed.report;
        let meta = report.meta();
        let id_span = meta.and_then(|m| m.key_span("id")).unwrap_or(Span::line(1));
        match first_with.get(ids[i].as_str()) {
            Some(&j) => out[i].push(Finding::new(
                "PM601",
                id_span,
                format!("id `{}` is also used by {}", ids[i], reports[j].report.path.display()),
                "give each report its own id (ids are how `related`, trailers and links refer to reports)",
            )),
            None => {
                first_with.insert(ids[i].as_str(), i);
            }
        }
        if let (Some(all), Some(meta)) = (all_ids, meta) {
            for related in &meta.related {
                if !all.contains(related) {
                    out[i].push(Finding::new(
                        "PM602",
                        meta.key_span("related").unwrap_or(Span::line(1)),
                        format!("`related` names `{related}`, but no report has that id"),
                        "fix the id (ids are the front matter `id`, or the report's folder name without one)",
                    ));
                }
            }
        }
        if let Some((message, help)) =
            placement_problem(placed.rel, &cx.config.reports, meta.and_then(|m| m.date))
        {
            out[i].push(Finding::new("PM603", Span::line(1), message, help));
        }
    }
    out
}
