//! `pm build`: the static archive of every report. [`prepare`] reads and checks the reports one
//! at a time (as `pm check` does) and keeps what the site shows of each, an [`entry::Entry`],
//! and its page body, rendered from the tree the rules read (`body`); [`Prepared::write`]
//! renders the pages with the (overridable) templates into a temporary folder beside the
//! target and swaps it in.
//!
//! The site works from `file://` and any static host: every link is relative (`base_url` only
//! makes the feed's and `index.json`'s links absolute), the search index is inline JSON, and
//! output file names come from sanitised slugs, never from ids or titles. The output is
//! deterministic: everything is sorted, and nothing depends on the clock but `as_of`.

mod artifacts;
mod body;
mod charts;
mod entry;
mod json;
mod markdown;
mod metrics;
mod output;
mod safe;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::actions::{ActionsReport, TrackedItem};
use crate::archive::{self, Archive, existing_reports_dir, normalize};
use crate::config::Workspace;
use crate::diagnostic::{self, Diagnostic};
use crate::error::{Error, Result};
use crate::git::trailers::Trailer;
use crate::layout::{display_path, slugify};
use crate::report::{LoadError, LoadOptions, Report};
use crate::rules::repository;
use crate::rules::{CheckOptions, Checker, Kept, Severity};
use crate::stats::{GroupBy, StatsOptions};
use crate::templates::SiteTemplates;
use entry::{Entry, EntryContext, Groups, Named};

pub use output::{MARKER, check_target};

/// How many newest reports the Atom feed carries.
const FEED_ENTRIES: usize = 50;

/// What `pm build` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder the site replaces (absolute).
    pub out_dir: PathBuf,
    /// Where the site will be published (`https://…/`), for the feed's absolute links.
    pub base_url: Option<String>,
    /// Replace a folder `pm build` did not make.
    pub force: bool,
}

/// Where the work stands, for a progress bar: each report is read and checked, then its page
/// is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A phase starts (`checking`, `rendering`) that takes this many steps.
    Start(&'static str, u64),
    /// One more report is read and checked, or its page written.
    Report,
    /// Every page is written.
    Done,
}

/// The archive, checked and ready to render. Reports are read and checked one by one and only
/// what the site needs of each is kept: the model's skeleton and the page body rendered from
/// the same parse, so memory stays small for large archives.
#[derive(Debug)]
pub struct Prepared<'a> {
    ws: &'a Workspace,
    /// Every report without its text and Markdown structure (see [`skeleton`]).
    archive: Archive,
    /// A hash of each report's bytes as checked (same order as `archive.reports`), so a file
    /// changed during the build is noticed rather than published half old, half new, when a
    /// body is rendered again from the file.
    hashes: Vec<u64>,
    /// Each report's page body as rendered from the tree the rules read (same order), taken
    /// when its page is written so the memory goes as the pages do (a second `write` renders
    /// them again from the files).
    bodies: Vec<Mutex<body::Body>>,
    as_of: NaiveDate,
    /// Display order: newest first.
    entries: Vec<Entry>,
    groups: Groups,
    /// Report files (normalised paths) → slug, for links between reports.
    pages: HashMap<PathBuf, String>,
    actions: ActionsReport,
    diagnostics: Vec<Diagnostic>,
    /// The files under the reports folder that may be published as artifacts.
    publishable: artifacts::Publishable,
}

/// What a build wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub reports: usize,
    /// Reports published with errors (marked on their pages).
    pub with_errors: usize,
    pub pages: usize,
    pub artifacts: usize,
}

/// One report file after its own rules ran.
enum Checked {
    Report {
        report: Box<Report>,
        hash: u64,
        body: Box<body::Body>,
        diagnostics: Vec<Diagnostic>,
        entry: repository::Entry,
        kept: Kept,
    },
    Unreadable(LoadError),
}

/// Reads and checks every report of the workspace (as `pm check` does on a full run, one report
/// at a time), applies `trailers` to the action items as of `as_of`, and builds the site's view
/// of each report. `shown_base` is what diagnostic paths are shown relative to.
pub fn prepare<'a>(
    ws: &'a Workspace,
    trailers: &[Trailer],
    as_of: NaiveDate,
    shown_base: &Path,
    progress: &(dyn Fn(Step) + Sync),
) -> Result<Prepared<'a>> {
    let checker = Checker::new(
        ws.config.clone(),
        CheckOptions {
            overdue: false,
            as_of,
        },
    )?;
    let reports_dir = normalize(&ws.reports_dir());
    let file_name = &ws.config.reports.file_name;
    // Pages are rendered as reports are checked, so which files links may name is known first.
    let dir = existing_reports_dir(ws)?;
    let mut files = Vec::new();
    let mut publishable = artifacts::Publishable::empty(&reports_dir);
    archive::each_report_and_file(
        ws,
        &dir,
        archive::Walkers::All,
        |p| files.push(p),
        |depth, p| publishable.offer(depth, p),
    );
    files.sort();
    progress(Step::Start("checking", files.len() as u64));
    let load_options = LoadOptions::new(&ws.config);
    let scope = body::Scope::new(ws, &files, &publishable);
    let checked = check_each(
        &files,
        &checker,
        &load_options,
        &scope,
        shown_base,
        file_name,
        progress,
    );
    drop(scope);

    let mut archive = Archive {
        dir: reports_dir,
        reports: Vec::new(),
        unreadable: Vec::new(),
    };
    let mut hashes = Vec::new();
    let mut bodies = Vec::new();
    let mut per_report: Vec<Vec<Diagnostic>> = Vec::new();
    let mut repo_entries = Vec::new();
    let mut kept = Vec::new();
    for c in checked {
        match c {
            Checked::Report {
                report,
                hash,
                body,
                diagnostics,
                entry,
                kept: k,
            } => {
                archive.reports.push(*report);
                hashes.push(hash);
                bodies.push(Mutex::new(*body));
                per_report.push(diagnostics);
                repo_entries.push(entry);
                kept.push(k);
            }
            Checked::Unreadable(e) => archive.unreadable.push(e),
        }
    }
    let all_ids: BTreeSet<String> = repo_entries.iter().map(|e| e.id.clone()).collect();
    // The rules across reports, the action items and the groups only read the reports: side
    // by side rather than one after another on one core.
    let (across, (actions, groups)) = rayon::join(
        || repository::check_entries(&checker, &repo_entries, Some(&all_ids)),
        || {
            rayon::join(
                || crate::actions::collect(&archive, trailers, as_of, file_name),
                || Groups::collect(&archive.reports.iter().collect::<Vec<_>>()),
            )
        },
    );
    per_report
        .par_iter_mut()
        .zip(across)
        .zip(&kept)
        .zip(&archive.reports)
        .for_each(|(((diagnostics, findings), kept), report)| {
            let shown = display_path(&report.path, shown_base);
            diagnostics.extend(checker.diagnose_kept(kept, &shown, findings));
        });
    drop(kept);
    let slugs = report_slugs(&repo_entries);
    let mut items: HashMap<&Path, Vec<&TrackedItem>> = HashMap::new();
    for item in &actions.items {
        items.entry(item.path.as_path()).or_default().push(item);
    }
    for list in items.values_mut() {
        list.sort_by_key(|i| i.index);
    }
    let cx = EntryContext {
        root: &ws.root,
        file_name,
        groups: &groups,
        severities: &ws.config.reports.severities,
    };
    let mut entries: Vec<Entry> = archive
        .reports
        .par_iter()
        .enumerate()
        .map(|(i, report)| {
            let mut diags: Vec<&Diagnostic> = per_report[i].iter().collect();
            diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            let report_items = items
                .get(report.path.as_path())
                .map_or(&[][..], Vec::as_slice);
            Entry::new(i, report, slugs[i].clone(), &diags, report_items, &cx)
        })
        .collect();
    drop(items);
    entries.sort_by(|a, b| {
        b.date_value
            .cmp(&a.date_value)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.source.cmp(&b.source))
    });
    entry::link_related(&mut entries, &archive.reports);

    let mut diagnostics: Vec<Diagnostic> = per_report.into_iter().flatten().collect();
    for e in &archive.unreadable {
        diagnostics.extend(checker.unreadable(e, &display_path(&e.path, shown_base)));
    }
    diagnostic::sort(&mut diagnostics);
    let pages = archive
        .reports
        .iter()
        .zip(&slugs)
        .map(|(r, slug)| (normalize(&r.path), slug.clone()))
        .collect();
    Ok(Prepared {
        ws,
        archive,
        hashes,
        bodies,
        as_of,
        entries,
        groups,
        pages,
        actions,
        diagnostics,
        publishable,
    })
}

/// Reads each report file and runs its own rules, keeping only what the site needs of it and
/// its page body, rendered from the same parse.
fn check_each(
    files: &[PathBuf],
    checker: &Checker,
    load_options: &LoadOptions,
    scope: &body::Scope,
    shown_base: &Path,
    file_name: &str,
    progress: &(dyn Fn(Step) + Sync),
) -> Vec<Checked> {
    files
        .par_iter()
        .map(|path| {
            let result =
                crate::report::read_file(path, load_options.max_file_size).and_then(|bytes| {
                    let hash = hash_of(&bytes);
                    Report::from_vec_with(path, bytes, load_options, |report, root| {
                        body::render(report, root, scope)
                    })
                    .map(|(r, body)| (r, hash, body))
                });
            progress(Step::Report);
            match result {
                Ok((report, hash, body)) => {
                    let shown = display_path(&report.path, shown_base);
                    let diagnostics = checker.diagnose(&report, &shown, checker.findings(&report));
                    let entry = repository::Entry::new(
                        &report,
                        report.path.strip_prefix(scope.reports_dir()).ok(),
                        file_name,
                    );
                    let kept = Kept::new(&report, &entry.lines());
                    Checked::Report {
                        report: Box::new(skeleton(report)),
                        hash,
                        body: Box::new(body),
                        diagnostics,
                        entry,
                        kept,
                    }
                }
                Err(e) => Checked::Unreadable(e),
            }
        })
        .collect()
}

/// What the site keeps of a report once its rules ran: the front matter's typed fields, the
/// title heading, the root cause statement and the action items. The text, the sections, the
/// timeline and the whys go (the page renders the Markdown from the file again).
fn skeleton(mut report: Report) -> Report {
    report.source = String::new();
    report.sections = Vec::new();
    report.timeline = None;
    report.whys = Vec::new();
    report.lessons = Vec::new();
    report.comments = Vec::new();
    if let Ok(meta) = &mut report.front_matter {
        meta.mapping = serde_yaml::Mapping::new();
        meta.keys = Vec::new();
    }
    report
}

/// A hash of a report's bytes, to notice a file that changed between its check and its page.
fn hash_of(bytes: &[u8]) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// A unique slug per report, from its id, assigned in path order so it is stable.
fn report_slugs(reports: &[repository::Entry]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    reports
        .iter()
        .map(|r| entry::unique(&slugify(&r.id), &mut taken))
        .collect()
}

impl Prepared<'_> {
    /// How many reports were read (and will be published).
    pub fn report_count(&self) -> usize {
        self.archive.reports.len()
    }

    /// Report files that could not be read (they are not published).
    pub fn unreadable(&self) -> &[LoadError] {
        &self.archive.unreadable
    }

    /// Every finding of every report (and PM000 for files that could not be read), sorted.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Whether any report has an error (a `--strict` build refuses to publish then).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Renders every page into a temporary folder beside `options.out_dir` and swaps it in.
    pub fn write(&self, options: &Options, progress: &(dyn Fn(Step) + Sync)) -> Result<Written> {
        let ws = self.ws;
        let inner = [normalize(&ws.reports_dir()), normalize(&ws.templates_dir())];
        let inner: Vec<&Path> = inner.iter().map(PathBuf::as_path).collect();
        check_target(&options.out_dir, &ws.root, &inner, options.force)?;
        let templates = SiteTemplates::load(&ws.templates_dir())?;
        let staging = output::Staging::new(&options.out_dir)?;
        let renderer = Renderer {
            prepared: self,
            templates: &templates,
            staging: &staging,
            site: SiteInfo {
                title: safe::clean_text(&ws.config.site.title),
                base_url: options.base_url.clone(),
                as_of: self.as_of.format("%Y-%m-%d").to_string(),
                generator: concat!("pm ", env!("CARGO_PKG_VERSION")),
            },
        };
        let written = renderer.render_all(progress)?;
        staging.commit()?;
        Ok(written)
    }
}

/// What every page knows about the site.
#[derive(Debug, Clone, Serialize)]
struct SiteInfo {
    title: String,
    base_url: Option<String>,
    as_of: String,
    generator: &'static str,
}

struct Renderer<'p, 'a> {
    prepared: &'p Prepared<'a>,
    templates: &'p SiteTemplates,
    staging: &'p output::Staging,
    site: SiteInfo,
}

/// A kind of list page: severities, services or tags.
struct ListKind {
    /// As a heading says it: `Service`.
    title: &'static str,
    /// The folder of its pages, also the template variable listing them all.
    folder: &'static str,
    /// The values of an entry.
    names: fn(&Entry) -> Vec<&Named>,
}

impl ListKind {
    fn slugs<'g>(&self, groups: &'g Groups) -> &'g BTreeMap<String, String> {
        match self.folder {
            "severities" => &groups.severities,
            "services" => &groups.services,
            _ => &groups.tags,
        }
    }
}

const LIST_KINDS: [ListKind; 3] = [
    ListKind {
        title: "Severity",
        folder: "severities",
        names: |e| e.severity.iter().collect(),
    },
    ListKind {
        title: "Service",
        folder: "services",
        names: |e| e.services.iter().collect(),
    },
    ListKind {
        title: "Tag",
        folder: "tags",
        names: |e| e.tags.iter().collect(),
    },
];

/// A group page's heading: what kind of list and which value.
#[derive(Debug, Serialize)]
struct ListInfo<'a> {
    kind: &'static str,
    name: &'a str,
}

/// A service, tag or severity with its page and how many reports it has.
#[derive(Debug, Serialize)]
struct GroupLink {
    name: String,
    url: String,
    count: usize,
}

/// An action item with the report it belongs to, for the actions page.
#[derive(Debug, Serialize)]
struct ActionRow<'a> {
    report_id: &'a str,
    report_title: &'a str,
    report_url: &'a str,
    #[serde(flatten)]
    action: &'a entry::Action,
}

/// One entry of the Atom feed.
#[derive(Debug, Serialize)]
struct FeedEntry<'a> {
    id: String,
    href: String,
    title: &'a str,
    updated: String,
    summary: Option<&'a str>,
    categories: Vec<&'a str>,
}

impl Renderer<'_, '_> {
    fn context(&self, page: &str, root: &str, title: &str) -> tera::Context {
        let mut cx = tera::Context::new();
        cx.insert("site", &self.site);
        cx.insert("page", page);
        cx.insert("root", root);
        cx.insert("title", title);
        cx
    }

    /// Renders a page and writes it; `expected` is about its size in bytes.
    fn page(&self, rel: &str, template: &str, cx: &tera::Context, expected: usize) -> Result<()> {
        let html = self.templates.render_sized(template, cx, expected)?;
        self.staging.write(rel, &html)
    }

    /// Every page: the report pages, then the pages across reports, each set on the rayon pool.
    fn render_all(&self, progress: &(dyn Fn(Step) + Sync)) -> Result<Written> {
        let entries = &self.prepared.entries;
        progress(Step::Start("rendering", entries.len() as u64));
        let artifacts = AtomicUsize::new(0);
        let report_pages = || {
            entries.par_iter().try_for_each(|e| {
                let n = self.report_page(e)?;
                artifacts.fetch_add(n, Ordering::Relaxed);
                progress(Step::Report);
                Ok::<(), Error>(())
            })
        };
        let other_pages = || -> Result<usize> {
            let rows: Vec<tera::Value> = entries
                .par_iter()
                .map(|e| tera::Value::from_serializable(&entry::Row::of(e)))
                .collect();
            let ((index, lists), ((actions, stats), (feed, json))) = rayon::join(
                || rayon::join(|| self.index_page(&rows), || self.list_pages(&rows)),
                || {
                    rayon::join(
                        || rayon::join(|| self.actions_page(), || self.stats_page()),
                        || rayon::join(|| self.feed(), || self.index_json()),
                    )
                },
            );
            feed?;
            json?;
            Ok(index? + lists? + actions? + stats?)
        };
        // Report pages first: their bodies are freed as they are written, before the pages
        // across reports (index, lists, actions, index.json) need their large buffers.
        report_pages()?;
        let pages = entries.len() + other_pages()?;
        for asset in &self.templates.assets {
            self.staging
                .write(&format!("assets/{}", asset.name), asset.text.as_bytes())?;
        }
        progress(Step::Done);
        Ok(Written {
            reports: entries.len(),
            with_errors: entries.iter().filter(|e| e.errors > 0).count(),
            pages,
            artifacts: artifacts.into_inner(),
        })
    }

    /// The report's text, read again; an error when it changed since it was checked.
    fn source(&self, index: usize) -> Result<String> {
        let path = &self.prepared.archive.reports[index].path;
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        if hash_of(&bytes) != self.prepared.hashes[index] {
            return Err(Error::Usage(format!(
                "{} changed while the site was being built; build again",
                path.display()
            )));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::Usage(format!("{} is no longer UTF-8 text", path.display())))?;
        Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        })
    }

    /// The body rendered again from the file (see [`body`]): links decided with every slug known.
    fn render_again(&self, e: &Entry) -> Result<(String, Vec<artifacts::Artifact>)> {
        let prepared = self.prepared;
        let pages = &prepared.pages;
        let mut links = body::Links::new(
            &prepared.archive.reports[e.report].path,
            &prepared.ws.config.reports,
            &prepared.archive.dir,
            &prepared.publishable,
        );
        let mut resolve = |target: &str| match links.decide(target, |p| pages.contains_key(p))? {
            body::Link::Report(abs) => pages.get(&abs).map(|slug| format!("{slug}.html")),
            body::Link::Artifact(href) => Some(format!("{}/{href}", e.slug)),
        };
        let source = self.source(e.report)?;
        let body = markdown::render(&source, &mut resolve);
        Ok((body, links.files))
    }

    /// The report's page and its artifacts; returns how many artifacts were copied.
    fn report_page(&self, e: &Entry) -> Result<usize> {
        let prepared = self.prepared;
        let taken = prepared.bodies[e.report]
            .lock()
            .map(|mut b| std::mem::replace(&mut *b, body::Body::Again))
            .unwrap_or(body::Body::Again);
        let rendered = match taken {
            body::Body::Rendered {
                html,
                targets,
                files,
            } => body::Body::html(&html, &targets, &e.slug, &prepared.pages).map(|h| (h, files)),
            body::Body::Again => None,
        };
        let (body, mut files) = match rendered {
            Some(done) => done,
            None => self.render_again(e)?,
        };
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        files.dedup_by(|a, b| a.out == b.out);
        let shown: Vec<entry::Artifact> = files
            .iter()
            .map(|a| entry::Artifact {
                name: safe::clean_text(&a.name()),
                url: format!("reports/{}/{}", e.slug, a.href()),
                size: artifacts::human_size(a.size),
            })
            .collect();
        for a in &files {
            self.staging.copy(
                &a.source,
                &format!("reports/{}/{}", e.slug, a.out.join("/")),
            )?;
        }
        let expected = 8 * 1024 + body.len() + body.len() / 4;
        let mut cx = self.context("report", "../", &e.title);
        cx.insert("report", e);
        // Moved, not serialised: a copy of the largest value of the page for nothing.
        cx.insert_value("body", body.into());
        cx.insert("artifacts", &shown);
        self.page(
            &format!("reports/{}.html", e.slug),
            "report.html",
            &cx,
            expected,
        )?;
        Ok(files.len())
    }

    fn index_page(&self, rows: &[tera::Value]) -> Result<usize> {
        let search: Vec<SearchEntry> = self.prepared.entries.iter().map(SearchEntry::of).collect();
        let json = serde_json::to_string(&search).map_err(|e| Error::Usage(e.to_string()))?;
        let mut cx = self.context("index", "", &self.site.title);
        // The rows as they are (shared, not copied): serialising them again would rebuild
        // every row's maps.
        cx.insert_value("reports", rows.to_vec().into());
        cx.insert("search_index", &safe::script_json(&json));
        cx.insert("statuses", &["draft", "in-review", "final"]);
        for kind in &LIST_KINDS {
            cx.insert(kind.folder, &self.group_links(kind));
        }
        self.page(
            "index.html",
            "index.html",
            &cx,
            4096 + 1200 * rows.len() + json.len(),
        )?;
        Ok(1)
    }

    /// Every value of a kind with its page and report count (severities in configured order).
    fn group_links(&self, kind: &ListKind) -> Vec<GroupLink> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for e in &self.prepared.entries {
            for n in (kind.names)(e) {
                *counts.entry(n.name.as_str()).or_default() += 1;
            }
        }
        let mut links: Vec<GroupLink> = kind
            .slugs(&self.prepared.groups)
            .iter()
            .map(|(name, slug)| GroupLink {
                name: name.clone(),
                url: format!("{}/{slug}.html", kind.folder),
                count: counts.get(name.as_str()).copied().unwrap_or(0),
            })
            .collect();
        if kind.folder == "severities" {
            let order = &self.prepared.ws.config.reports.severities;
            links.sort_by_key(|l| {
                (
                    order
                        .iter()
                        .position(|s| *s == l.name)
                        .unwrap_or(usize::MAX),
                    l.name.clone(),
                )
            });
        }
        links
    }

    /// A page per severity, service and tag, and the page listing them all.
    fn list_pages(&self, rows: &[tera::Value]) -> Result<usize> {
        let p = self.prepared;
        let mut jobs: Vec<(String, &str, &str, tera::Value)> = Vec::new();
        for kind in &LIST_KINDS {
            let mut members: BTreeMap<&str, Vec<tera::Value>> = BTreeMap::new();
            for (e, row) in p.entries.iter().zip(rows) {
                for n in (kind.names)(e) {
                    members
                        .entry(n.name.as_str())
                        .or_default()
                        .push(row.clone());
                }
            }
            for (name, slug) in kind.slugs(&p.groups) {
                let list = members.remove(name.as_str()).unwrap_or_default();
                jobs.push((
                    format!("{}/{slug}.html", kind.folder),
                    kind.title,
                    name,
                    list.into(),
                ));
            }
        }
        jobs.par_iter().try_for_each(|(rel, kind, name, list)| {
            let mut cx = self.context("list", "../", &format!("{kind}: {name}"));
            cx.insert("list", &ListInfo { kind, name });
            let len = list.len().unwrap_or(0);
            cx.insert_value("reports", list.clone());
            self.page(rel, "list.html", &cx, 4096 + 1200 * len)
        })?;
        let mut cx = self.context("browse", "", "Browse");
        for kind in &LIST_KINDS {
            cx.insert(kind.folder, &self.group_links(kind));
        }
        self.page("browse.html", "browse.html", &cx, 16 * 1024)?;
        Ok(jobs.len() + 1)
    }

    fn actions_page(&self) -> Result<usize> {
        let p = self.prepared;
        let mut open: Vec<ActionRow> = p
            .entries
            .iter()
            .flat_map(|e| {
                e.actions.iter().filter(|a| !a.closed).map(|a| ActionRow {
                    report_id: &e.id,
                    report_title: &e.title,
                    report_url: &e.url,
                    action: a,
                })
            })
            .collect();
        open.sort_by(|a, b| {
            (a.action.due_date.is_none(), a.action.due_date, a.report_id)
                .cmp(&(b.action.due_date.is_none(), b.action.due_date, b.report_id))
                .then_with(|| a.action.label.cmp(&b.action.label))
        });
        // Each row is turned into a template value once; the overdue table and the owners'
        // tables share them.
        let values: Vec<tera::Value> = open
            .par_iter()
            .map(tera::Value::from_serializable)
            .collect();
        let overdue: Vec<tera::Value> = open
            .iter()
            .zip(&values)
            .filter(|(r, _)| r.action.overdue)
            .map(|(_, v)| v.clone())
            .collect();
        let mut owners: BTreeMap<&str, (usize, Vec<tera::Value>)> = BTreeMap::new();
        for (row, value) in open.iter().zip(&values) {
            let owner = row.action.owner.as_deref().unwrap_or("(no owner)");
            let group = owners.entry(owner).or_default();
            group.0 += usize::from(row.action.overdue);
            group.1.push(value.clone());
        }
        let mut taken = BTreeSet::new();
        let by_owner: Vec<tera::Value> = owners
            .into_iter()
            .map(|(owner, (overdue, items))| {
                let mut group: BTreeMap<&'static str, tera::Value> = BTreeMap::new();
                group.insert(
                    "anchor",
                    entry::unique(&format!("owner-{}", slugify(owner)), &mut taken).into(),
                );
                group.insert("owner", owner.to_owned().into());
                group.insert("overdue", overdue.into());
                group.insert("items", items.into());
                group.into()
            })
            .collect();
        let closed = p
            .entries
            .iter()
            .flat_map(|e| &e.actions)
            .filter(|a| a.closed)
            .count();
        let overdue_count = overdue.len();
        let mut cx = self.context("actions", "", "Action items");
        cx.insert_value("overdue", overdue.into());
        cx.insert("open_count", &open.len());
        cx.insert_value("by_owner", by_owner.into());
        cx.insert("closed_count", &closed);
        self.page(
            "actions.html",
            "actions.html",
            &cx,
            4096 + 1000 * (values.len() + overdue_count),
        )?;
        Ok(1)
    }

    fn stats_page(&self) -> Result<usize> {
        let p = self.prepared;
        let mut options = StatsOptions::new(&p.ws.config);
        options.by = Some(GroupBy::Severity);
        let stats = crate::stats::compute(&p.archive, &p.actions, &options);
        let metrics = metrics::compute(&stats, &p.entries, &p.groups);
        let mut cx = self.context("stats", "", "Statistics");
        cx.insert("stats", &metrics);
        self.page("stats.html", "stats.html", &cx, 128 * 1024)?;
        Ok(1)
    }

    /// `url` made absolute with the base URL when there is one.
    fn published(&self, url: &str) -> String {
        match &self.site.base_url {
            Some(base) => format!("{base}{url}"),
            None => url.to_owned(),
        }
    }

    fn feed(&self) -> Result<()> {
        let p = self.prepared;
        let mut entries: Vec<FeedEntry> = p
            .entries
            .iter()
            .take(FEED_ENTRIES)
            .map(|e| {
                let report = &p.archive.reports[e.report];
                let m = report.milestones();
                let updated = m
                    .resolved
                    .or(m.started)
                    .map(|t| {
                        t.with_timezone(&chrono::Utc)
                            .format("%Y-%m-%dT%H:%M:%SZ")
                            .to_string()
                    })
                    .or_else(|| e.date.as_ref().map(|d| format!("{d}T00:00:00Z")))
                    .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
                FeedEntry {
                    id: match &self.site.base_url {
                        Some(_) => self.published(&e.url),
                        None => format!("urn:pm:report:{}", e.slug),
                    },
                    href: self.published(&e.url),
                    title: &e.title,
                    updated,
                    summary: e.impact.as_deref(),
                    categories: e
                        .severity
                        .iter()
                        .chain(&e.services)
                        .chain(&e.tags)
                        .map(|n| n.name.as_str())
                        .collect(),
                }
            })
            .collect();
        entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
        let updated = entries
            .iter()
            .map(|e| e.updated.clone())
            .max()
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
        let mut cx = self.context("feed", "", &self.site.title);
        cx.insert("entries", &entries);
        cx.insert("updated", &updated);
        cx.insert(
            "feed_id",
            &match &self.site.base_url {
                Some(base) => format!("{base}feed.xml"),
                None => "urn:pm:archive".to_owned(),
            },
        );
        cx.insert("home", &self.published("index.html"));
        let xml = self.templates.render("feed.xml", &cx)?;
        self.staging.write("feed.xml", &xml)
    }

    fn index_json(&self) -> Result<()> {
        let p = self.prepared;
        let text = json::render(
            &self.site.title,
            self.site.base_url.as_deref(),
            p.as_of,
            &p.entries,
            &p.archive.reports,
            &|url| self.published(url),
        );
        self.staging.write("index.json", text.as_bytes())
    }
}

/// What the index page's script searches and filters on, one per table row, in row order.
#[derive(Debug, Serialize)]
struct SearchEntry {
    /// Lowercased text to search: id, title, impact, services, tags, trigger, people, root cause.
    text: String,
    severity: Option<String>,
    status: Option<&'static str>,
    services: Vec<String>,
    tags: Vec<String>,
}

impl SearchEntry {
    fn of(e: &Entry) -> Self {
        let names = |v: &[Named]| v.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
        let mut text = vec![e.id.as_str(), e.title.as_str()];
        text.extend(e.impact.as_deref());
        text.extend(e.services.iter().map(|n| n.name.as_str()));
        text.extend(e.tags.iter().map(|n| n.name.as_str()));
        text.extend(e.trigger.as_deref());
        text.extend(e.incident_lead.as_deref());
        text.extend(e.authors.iter().map(String::as_str));
        text.extend(e.severity.as_ref().map(|s| s.name.as_str()));
        text.extend(e.root_cause.as_deref());
        Self {
            text: text.join(" ").to_lowercase(),
            severity: e.severity.as_ref().map(|s| s.name.clone()),
            status: e.status,
            services: names(&e.services),
            tags: names(&e.tags),
        }
    }
}

/// Checks a `--base-url` or `[site] base_url`: an absolute `http(s)` URL, returned with a
/// trailing `/` so page paths can be appended.
pub fn base_url(text: &str) -> Result<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let lower = text.to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    match safe::external_href(text).filter(|_| web) {
        Some(mut url) if !url.contains(['?', '#']) => {
            if !url.ends_with('/') {
                url.push('/');
            }
            Ok(Some(url))
        }
        _ => Err(Error::Usage(format!(
            "`{text}` is not a base URL: give the absolute http(s) address the site is published at, like https://example.github.io/postmortems/"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_absolute_web_addresses_ending_in_a_slash() {
        assert_eq!(
            base_url("https://org.github.io/pm").unwrap().as_deref(),
            Some("https://org.github.io/pm/")
        );
        assert_eq!(
            base_url(" http://localhost:8000/ ").unwrap().as_deref(),
            Some("http://localhost:8000/")
        );
        assert_eq!(base_url("").unwrap(), None);
        for bad in [
            "javascript:alert(1)",
            "/relative",
            "org.github.io",
            "ftp://x/",
            "https://x/?q=1",
            "https://",
        ] {
            assert!(base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_are_unique_in_path_order() {
        let entry = |id: &str| repository::Entry {
            path: PathBuf::from(id),
            rel: None,
            id: id.to_owned(),
            id_span: crate::span::Span::line(1),
            related: Vec::new(),
            related_span: crate::span::Span::line(1),
            date: None,
        };
        let slugs = report_slugs(&[
            entry("PM-1"),
            entry("pm 1"),
            entry("../../etc/passwd"),
            entry("pm-1-2"),
            entry("<>"),
        ]);
        assert_eq!(
            slugs,
            ["pm-1", "pm-1-2", "etc-passwd", "pm-1-2-2", "incident"]
        );
    }
}
