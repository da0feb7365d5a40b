//! One report as the archive shows it: every field cleaned of forbidden code points, links
//! checked, durations formatted, its findings, its action items with their effective status,
//! and the site-relative URLs of its page and of the lists it belongs to.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use super::safe::{clean_text, external_href};
use crate::actions::TrackedItem;
use crate::diagnostic::Diagnostic;
use crate::duration::format_human;
use crate::layout::slugify;
use crate::report::Report;
use crate::rules::Severity;

/// A name with the page that lists it (a service, tag or severity).
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub name: String,
    /// Site-relative URL.
    pub url: String,
}

/// A link from the front matter or a tracker cell; `href` is `None` when the target is not a
/// safe `http`, `https` or `mailto` URL (it is then shown as text).
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub text: String,
    pub href: Option<String>,
}

/// A milestone of the incident window.
#[derive(Debug, Clone, Serialize)]
pub struct Milestone {
    pub label: &'static str,
    /// `2024-05-08 14:02 UTC`.
    pub at: String,
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
    /// Time since T-0, for every milestone after it.
    pub since_start: Option<String>,
}

/// A related report, in either direction.
#[derive(Debug, Clone, Serialize)]
pub struct Related {
    pub id: String,
    pub title: Option<String>,
    /// Site-relative URL; `None` when no report has the id.
    pub url: Option<String>,
}

/// A file beside the report, copied into the site.
#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    /// Path inside the report's folder, `/`-separated.
    pub name: String,
    /// Site-relative URL.
    pub url: String,
    pub size: String,
}

/// A finding of `pm check` on the report.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub severity: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub line: u32,
    pub message: String,
    pub help: String,
}

/// An action item with its effective status as of the build date.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub label: String,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub category: Option<String>,
    /// `open`, `in-progress`, `done` or `wontfix`; items without a status are open.
    pub status: &'static str,
    pub closed: bool,
    /// Open and past its due date.
    pub overdue: bool,
    pub days_overdue: Option<i64>,
    /// The short hash of the commit whose `Postmortem-Action` trailer closed it.
    pub closed_by: Option<String>,
    pub tracker: Option<Link>,
    #[serde(skip)]
    pub due_date: Option<NaiveDate>,
}

/// The incident's durations, kept as numbers for statistics and `index.json`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Durations {
    pub ttd: Option<TimeDelta>,
    pub ttm: Option<TimeDelta>,
    pub ttr: Option<TimeDelta>,
}

/// Everything the site shows about one report.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: String,
    /// File-name-safe and URL-safe: `[a-z0-9-]+`, unique in the site.
    pub slug: String,
    /// Site-relative URL of the report's page.
    pub url: String,
    /// The report file, relative to the workspace root, `/`-separated.
    pub source: String,
    pub title: String,
    pub date: Option<String>,
    pub year_month: Option<String>,
    pub severity: Option<Named>,
    /// 1 for the most severe configured severity, 2 for the next, …; `None` for others.
    pub severity_rank: Option<usize>,
    pub status: Option<&'static str>,
    pub services: Vec<Named>,
    pub tags: Vec<Named>,
    pub authors: Vec<String>,
    pub incident_lead: Option<String>,
    pub impact: Option<String>,
    pub trigger: Option<String>,
    pub root_cause: Option<String>,
    pub milestones: Vec<Milestone>,
    pub ttd: Option<String>,
    pub ttm: Option<String>,
    pub ttr: Option<String>,
    pub links: Vec<Link>,
    pub related: Vec<Related>,
    pub related_by: Vec<Related>,
    pub actions: Vec<Action>,
    pub actions_open: usize,
    pub actions_overdue: usize,
    pub errors: usize,
    pub warnings: usize,
    pub problems: Vec<Problem>,
    pub artifacts: Vec<Artifact>,
    #[serde(skip)]
    pub durations: Durations,
    #[serde(skip)]
    pub date_value: Option<NaiveDate>,
    /// Index of the report in the archive.
    #[serde(skip)]
    pub report: usize,
}

/// What a table of reports shows of one (the index and the list pages).
#[derive(Debug, Clone, Serialize)]
pub struct Row<'a> {
    pub id: &'a str,
    pub url: &'a str,
    pub title: &'a str,
    pub date: Option<&'a str>,
    pub impact: Option<&'a str>,
    pub severity: Option<&'a Named>,
    pub severity_rank: Option<usize>,
    pub status: Option<&'static str>,
    pub services: &'a [Named],
    pub ttd: Option<&'a str>,
    pub ttr: Option<&'a str>,
    pub actions_open: usize,
    pub actions_overdue: usize,
    pub errors: usize,
}

impl<'a> Row<'a> {
    pub fn of(e: &'a Entry) -> Self {
        Self {
            id: &e.id,
            url: &e.url,
            title: &e.title,
            date: e.date.as_deref(),
            impact: e.impact.as_deref(),
            severity: e.severity.as_ref(),
            severity_rank: e.severity_rank,
            status: e.status,
            services: &e.services,
            ttd: e.ttd.as_deref(),
            ttr: e.ttr.as_deref(),
            actions_open: e.actions_open,
            actions_overdue: e.actions_overdue,
            errors: e.errors,
        }
    }
}

/// The services, tags and severities of the archive, each with its unique slug.
#[derive(Debug, Default)]
pub struct Groups {
    pub services: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub severities: BTreeMap<String, String>,
}

impl Groups {
    pub fn collect(reports: &[&Report]) -> Self {
        let mut services = BTreeSet::new();
        let mut tags = BTreeSet::new();
        let mut severities = BTreeSet::new();
        for meta in reports.iter().filter_map(|r| r.meta()) {
            services.extend(meta.services.iter().map(|s| clean_name(s)));
            tags.extend(meta.tags.iter().map(|s| clean_name(s)));
            severities.extend(meta.severity.iter().map(|s| clean_name(s)));
        }
        Self {
            services: unique_slugs(services),
            tags: unique_slugs(tags),
            severities: unique_slugs(severities),
        }
    }
}

/// A name as lists show it: no forbidden code points, surrounding space trimmed.
fn clean_name(name: &str) -> String {
    clean_text(name.trim())
}

/// Slugs for sorted names; a name whose slug is taken gets `-2`, `-3`, … in name order.
fn unique_slugs(names: BTreeSet<String>) -> BTreeMap<String, String> {
    let mut taken = BTreeSet::new();
    names
        .into_iter()
        .filter(|n| !n.is_empty())
        .map(|name| {
            let slug = unique(&slugify(&name), &mut taken);
            (name, slug)
        })
        .collect()
}

/// `base`, or `base-2`, `base-3`, … whichever is free; the result is marked taken.
pub fn unique(base: &str, taken: &mut BTreeSet<String>) -> String {
    let mut slug = base.to_owned();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(slug.clone());
    slug
}

/// What building an entry needs besides the report.
#[derive(Debug)]
pub struct EntryContext<'a> {
    pub root: &'a Path,
    pub file_name: &'a str,
    pub groups: &'a Groups,
    /// The configured severities, most severe first.
    pub severities: &'a [String],
}

impl Entry {
    /// The entry of a report; `slug` is unique in the site, `diagnostics` are the report's.
    pub fn new(
        index: usize,
        report: &Report,
        slug: String,
        diagnostics: &[&Diagnostic],
        items: &[&TrackedItem],
        cx: &EntryContext,
    ) -> Self {
        let meta = report.meta();
        let text = |s: Option<&String>| s.map(|s| clean_text(s.trim())).filter(|s| !s.is_empty());
        let named = |names: &[String], map: &BTreeMap<String, String>, folder: &str| {
            let mut seen = BTreeSet::new();
            names
                .iter()
                .map(|n| clean_name(n))
                .filter(|n| seen.insert(n.clone()))
                .filter_map(|n| {
                    let slug = map.get(&n)?;
                    Some(Named {
                        url: format!("{folder}/{slug}.html"),
                        name: n,
                    })
                })
                .collect::<Vec<_>>()
        };
        let id = clean_text(&report.id(cx.file_name));
        let title = text(meta.and_then(|m| m.title.as_ref()))
            .or_else(|| {
                report
                    .heading
                    .as_ref()
                    .map(|h| clean_text(h.text.trim()))
                    .filter(|t| !t.is_empty())
            })
            .unwrap_or_else(|| id.clone());
        let date_value = meta.and_then(|m| m.date);
        let milestones = report.milestones();
        let durations = Durations {
            ttd: milestones.ttd(),
            ttm: milestones.ttm(),
            ttr: milestones.ttr(),
        };
        let started = milestones.started;
        let milestone = |label, at: Option<DateTime<FixedOffset>>| {
            let at = at?;
            Some(Milestone {
                label,
                at: at
                    .with_timezone(&Utc)
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string(),
                iso: at.to_rfc3339(),
                since_start: started.filter(|s| *s != at).map(|s| format_human(at - s)),
            })
        };
        let actions: Vec<Action> = items.iter().map(|i| action(i)).collect();
        let problems: Vec<Problem> = diagnostics
            .iter()
            .map(|d| Problem {
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                code: d.rule.code,
                name: d.rule.name,
                line: d.span.line,
                message: clean_text(&d.message),
                help: clean_text(&d.help),
            })
            .collect();
        let errors = problems.iter().filter(|p| p.severity == "error").count();
        let empty = Vec::new();
        Self {
            url: format!("reports/{slug}.html"),
            slug,
            source: crate::layout::display_path(&report.path, cx.root)
                .to_string_lossy()
                .into_owned(),
            title,
            date: date_value.map(|d| d.format("%Y-%m-%d").to_string()),
            year_month: date_value.map(|d| d.format("%Y-%m").to_string()),
            severity: meta.and_then(|m| m.severity.as_ref()).and_then(|s| {
                named(std::slice::from_ref(s), &cx.groups.severities, "severities").pop()
            }),
            severity_rank: meta
                .and_then(|m| m.severity.as_deref())
                .and_then(|s| cx.severities.iter().position(|c| c == s.trim()))
                .map(|i| i + 1),
            status: report.status().map(crate::report::Status::as_str),
            services: named(
                meta.map_or(&empty, |m| &m.services),
                &cx.groups.services,
                "services",
            ),
            tags: named(meta.map_or(&empty, |m| &m.tags), &cx.groups.tags, "tags"),
            authors: meta
                .map(|m| m.authors.iter().map(|a| clean_text(a.trim())).collect())
                .unwrap_or_default(),
            incident_lead: text(meta.and_then(|m| m.incident_lead.as_ref())),
            impact: text(meta.and_then(|m| m.impact.as_ref())),
            trigger: text(meta.and_then(|m| m.trigger.as_ref())),
            root_cause: report
                .root_cause
                .as_ref()
                .map(|r| clean_text(r.text.trim()))
                .filter(|t| !t.is_empty()),
            milestones: [
                milestone("Started (T-0)", milestones.started),
                milestone("Detected", milestones.detected),
                milestone("Mitigated", milestones.mitigated),
                milestone("Resolved", milestones.resolved),
            ]
            .into_iter()
            .flatten()
            .collect(),
            ttd: durations.ttd.map(format_human),
            ttm: durations.ttm.map(format_human),
            ttr: durations.ttr.map(format_human),
            links: meta
                .map(|m| {
                    m.links
                        .iter()
                        .map(|(name, url)| Link {
                            text: clean_text(name),
                            href: external_href(url),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            related: Vec::new(),
            related_by: Vec::new(),
            actions_open: actions.iter().filter(|a| !a.closed).count(),
            actions_overdue: actions.iter().filter(|a| a.overdue).count(),
            actions,
            errors,
            warnings: problems.len() - errors,
            problems,
            artifacts: Vec::new(),
            id,
            durations,
            date_value,
            report: index,
        }
    }
}

/// An action item as the site shows it, from the archive-wide view of [`crate::actions`]
/// (which applies `Postmortem-Action` trailers).
pub fn action(item: &TrackedItem) -> Action {
    let text = |t: Option<&String>| t.map(|t| clean_text(t)).filter(|t| !t.is_empty());
    Action {
        label: clean_text(&item.item),
        text: clean_text(&item.text),
        owner: text(item.owner.as_ref()),
        due: text(item.due_text.as_ref()),
        category: text(item.category.as_ref()),
        status: item.status.as_str(),
        closed: !item.is_open(),
        overdue: item.is_overdue(),
        days_overdue: item.days_overdue,
        closed_by: item.closed_by().map(|e| e.short.clone()),
        tracker: text(item.tracker.as_ref()).map(|t| Link {
            href: item
                .tracker_url
                .as_deref()
                .or(Some(t.as_str()))
                .and_then(external_href),
            text: t,
        }),
        due_date: item.due,
    }
}

/// Fills `related` (the ids a report names) and `related_by` (the reports naming it).
pub fn link_related(entries: &mut [Entry], reports: &[Report]) {
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_id.entry(e.id.clone()).or_insert(i);
    }
    let mut incoming: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for i in 0..entries.len() {
        let names = reports[entries[i].report]
            .meta()
            .map(|m| m.related.clone())
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        let mut related = Vec::new();
        for name in names {
            let id = clean_text(name.trim());
            if id.is_empty() || !seen.insert(id.clone()) {
                continue;
            }
            let target = by_id.get(&id).copied().filter(|&j| j != i);
            if let Some(j) = target {
                incoming.entry(j).or_default().insert(i);
            }
            related.push(Related {
                title: target.map(|j| entries[j].title.clone()),
                url: target.map(|j| entries[j].url.clone()),
                id,
            });
        }
        entries[i].related = related;
    }
    for (j, sources) in incoming {
        let by: Vec<Related> = sources
            .into_iter()
            .filter(|&i| !entries[j].related.iter().any(|r| r.id == entries[i].id))
            .map(|i| Related {
                id: entries[i].id.clone(),
                title: Some(entries[i].title.clone()),
                url: Some(entries[i].url.clone()),
            })
            .collect();
        entries[j].related_by = by;
    }
}
