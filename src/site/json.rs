//! `index.json`: every report's front matter, milestones, action items and findings, for other
//! tools. Dates and timestamps are strings as RFC 3339 writes them; durations are seconds.

use std::collections::BTreeMap;

use serde::Serialize;

use super::entry::{Action, Entry};
use crate::report::Report;
use crate::report::front_matter::RepoRef;

/// Version of the file's shape; bumped when a field changes meaning or goes away.
const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
struct Index<'a> {
    version: u32,
    title: &'a str,
    base_url: Option<&'a str>,
    as_of: String,
    reports: Vec<ReportJson<'a>>,
}

#[derive(Debug, Serialize)]
struct ReportJson<'a> {
    id: &'a str,
    url: String,
    source: &'a str,
    title: &'a str,
    errors: usize,
    warnings: usize,
    /// `null` when the front matter could not be read (see `errors`).
    front_matter: Option<FrontMatterJson<'a>>,
    milestones: MilestonesJson,
    actions: &'a [Action],
}

#[derive(Debug, Serialize)]
struct FrontMatterJson<'a> {
    title: Option<&'a str>,
    id: Option<&'a str>,
    date: Option<String>,
    status: Option<&'static str>,
    severity: Option<&'a str>,
    authors: &'a [String],
    incident_lead: Option<&'a str>,
    impact: Option<&'a str>,
    services: &'a [String],
    tags: &'a [String],
    started_at: Option<String>,
    detected_at: Option<String>,
    mitigated_at: Option<String>,
    resolved_at: Option<String>,
    trigger: Option<&'a str>,
    links: &'a BTreeMap<String, String>,
    related: &'a [String],
    repos: &'a [RepoRef],
    /// Keys the format does not define, as written (keys that are not strings are left out).
    extra: BTreeMap<&'a str, serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct MilestonesJson {
    started_at: Option<String>,
    detected_at: Option<String>,
    mitigated_at: Option<String>,
    resolved_at: Option<String>,
    ttd_seconds: Option<i64>,
    ttm_seconds: Option<i64>,
    ttr_seconds: Option<i64>,
}

/// The text of `index.json`. `url_of` turns a site-relative URL into the published one.
pub fn render(
    title: &str,
    base_url: Option<&str>,
    as_of: chrono::NaiveDate,
    entries: &[Entry],
    reports: &[Report],
    url_of: &dyn Fn(&str) -> String,
) -> String {
    let index = Index {
        version: VERSION,
        title,
        base_url,
        as_of: as_of.format("%Y-%m-%d").to_string(),
        reports: entries
            .iter()
            .map(|e| report(e, &reports[e.report], url_of))
            .collect(),
    };
    // Report text is untrusted: with `<`, `>` and `&` as `\u` escapes (the same JSON), the file
    // holds no markup even for a browser or tool that sniffs it as HTML.
    let mut text = super::safe::script_json(
        &serde_json::to_string(&index).unwrap_or_else(|_| "{}".to_owned()),
    );
    text.push('\n');
    text
}

fn report<'a>(e: &'a Entry, r: &'a Report, url_of: &dyn Fn(&str) -> String) -> ReportJson<'a> {
    let m = r.milestones();
    let ts = |t: Option<chrono::DateTime<chrono::FixedOffset>>| t.map(|t| t.to_rfc3339());
    ReportJson {
        id: &e.id,
        url: url_of(&e.url),
        source: &e.source,
        title: &e.title,
        errors: e.errors,
        warnings: e.warnings,
        front_matter: r.meta().map(|f| FrontMatterJson {
            title: f.title.as_deref(),
            id: f.id.as_deref(),
            date: f.date.map(|d| d.format("%Y-%m-%d").to_string()),
            status: f.status.map(crate::report::Status::as_str),
            severity: f.severity.as_deref(),
            authors: &f.authors,
            incident_lead: f.incident_lead.as_deref(),
            impact: f.impact.as_deref(),
            services: &f.services,
            tags: &f.tags,
            started_at: ts(f.started_at.map(|t| t.at)),
            detected_at: ts(f.detected_at.map(|t| t.at)),
            mitigated_at: ts(f.mitigated_at.map(|t| t.at)),
            resolved_at: ts(f.resolved_at.map(|t| t.at)),
            trigger: f.trigger.as_deref(),
            links: &f.links,
            related: &f.related,
            repos: &f.repos,
            extra: f
                .extra
                .iter()
                .filter_map(|(k, v)| Some((k.as_str(), serde_json::to_value(v).ok()?)))
                .collect(),
        }),
        milestones: MilestonesJson {
            started_at: ts(m.started),
            detected_at: ts(m.detected),
            mitigated_at: ts(m.mitigated),
            resolved_at: ts(m.resolved),
            ttd_seconds: e.durations.ttd.map(|d| d.num_seconds()),
            ttm_seconds: e.durations.ttm.map(|d| d.num_seconds()),
            ttr_seconds: e.durations.ttr.map(|d| d.num_seconds()),
        },
        actions: &e.actions,
    }
}
