//! `pm commits`: the commits that landed around an incident — exact on any history — ranked as
//! suspects with their reasons, or as hashes, JSON, or timeline rows to paste into a report.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{TimeDelta, Utc};
use rayon::prelude::*;
use serde::Serialize;

use super::Context;
use crate::config::Workspace;
use crate::duration::HumanDuration;
use crate::error::{Error, Result};
use crate::git::commits::{self, DateKind, ShallowBoundary, WalkSpec};
use crate::report::front_matter::RepoRef;
use crate::report::{LoadOptions, Report};
use crate::suspects::{self, Incident, PathGroup, Suspect};
use crate::window::Window;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CommitsFormat {
    /// Ranked suspects with their reasons.
    Table,
    /// Every commit with its details, score and reasons.
    Json,
    /// Timeline rows, oldest first, to paste into a report's Timeline table.
    Markdown,
    /// Full hashes, one per line, in `git rev-list` order.
    Hashes,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A report: the window (started_at − lookback .. resolved_at), repositories and service
    /// paths come from its front matter and pm.toml.
    #[arg(
        value_name = "REPORT",
        required_unless_present = "window",
        conflicts_with = "window"
    )]
    pub report: Option<PathBuf>,

    /// START..END (RFC 3339, or `YYYY-MM-DD HH:MM` as UTC; either end may be open).
    #[arg(long, value_name = "START..END")]
    pub window: Option<Window>,

    /// Also include commits this long before START, e.g. `90m`, `24h`, `3d`
    /// (default with a REPORT: `[commits] lookback` in pm.toml; with --window: none).
    #[arg(long, value_name = "DURATION")]
    pub lookback: Option<HumanDuration>,

    /// Repository to walk (repeatable; walked in parallel, merged by time). Default: the one here.
    #[arg(long = "repo", value_name = "PATH")]
    pub repos: Vec<PathBuf>,

    /// Start from these revisions instead of HEAD (repeatable).
    #[arg(long = "rev", value_name = "REF", conflicts_with = "all")]
    pub revs: Vec<String>,

    /// Start from every ref, as `git rev-list --all`.
    #[arg(long)]
    pub all: bool,

    /// Only commits whose first-parent diff touches a matching path (repeatable glob).
    #[arg(long = "path", value_name = "GLOB")]
    pub paths: Vec<String>,

    /// Which date the window applies to.
    #[arg(long, value_enum, default_value_t = DateKind::Committer)]
    pub date: DateKind,

    #[arg(long, value_enum, default_value_t = CommitsFormat::Table, value_name = "FORMAT")]
    pub format: CommitsFormat,

    /// Accept an answer from a shallow clone whose history ends inside the window (exit 0).
    #[arg(long)]
    pub allow_shallow: bool,
}

/// One repository to walk and what the ranking should know of it.
#[derive(Debug, Clone)]
struct Target {
    name: String,
    path: PathBuf,
    globs: Vec<String>,
}

#[derive(Debug, Serialize)]
struct RepoSummary {
    name: String,
    path: String,
    commits: usize,
    visited: usize,
    used_generation_data: bool,
    #[serde(skip)]
    generation_available: bool,
    shallow: Option<ShallowBoundary>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let (window, incident, targets) = plan(ctx, args)?;
    let spec = WalkSpec {
        revs: args.revs.clone(),
        all: args.all,
        since: window.start.map(|t| t.timestamp()),
        until: window.end.map(|t| t.timestamp()),
        date: args.date,
    };
    let only: Option<PathGroup> = if args.paths.is_empty() {
        None
    } else {
        Some(PathGroup::new("--path", &args.paths)?)
    };
    let need_details = args.format != CommitsFormat::Hashes || only.is_some();
    let walk = |t: &Target| walk_one(t, &spec, &incident, only.as_ref(), need_details);
    // One repository is walked on this thread: starting rayon's pool costs more than a walk
    // that a commit-graph cuts short (the walk starts it itself when it has work for it).
    let walked: Vec<Result<Walked>> = if targets.len() == 1 {
        targets.iter().map(walk).collect()
    } else {
        targets.par_iter().map(walk).collect()
    };
    let mut repos = Vec::new();
    let mut suspects: Vec<Suspect> = Vec::new();
    let mut hashes: Vec<(i64, String)> = Vec::new();
    for result in walked {
        let (summary, s, h) = result?;
        repos.push(summary);
        suspects.extend(s);
        hashes.extend(h);
    }
    // Several repositories are merged by time, newest first; one keeps git's order exactly.
    if repos.len() > 1 {
        suspects.sort_by_key(|s| std::cmp::Reverse(s.commit.committer.time));
        hashes.sort_by_key(|h| std::cmp::Reverse(h.0));
    }
    let mut out = ctx.stdout();
    let io = |e| Error::io("<stdout>", e);
    match args.format {
        CommitsFormat::Hashes => {
            for (_, h) in &hashes {
                writeln!(out, "{h}").map_err(io)?;
            }
        }
        CommitsFormat::Json => {
            let doc = serde_json::json!({
                "version": 1,
                "window": {
                    "start": window.start.map(|t| t.to_rfc3339()),
                    "end": window.end.map(|t| t.to_rfc3339()),
                    "t0": incident.t0.map(|t| t.to_rfc3339()),
                    "date": args.date,
                },
                "repos": repos,
                "commits": suspects,
            });
            serde_json::to_writer_pretty(&mut out, &doc)
                .map_err(|e| Error::io("<stdout>", e.into()))?;
            writeln!(out).map_err(io)?;
        }
        CommitsFormat::Markdown => {
            let mut rows: Vec<&Suspect> = suspects.iter().collect();
            rows.sort_by_key(|s| s.commit.committer.time);
            for s in rows {
                writeln!(out, "{}", markdown_row(s, repos.len() > 1)).map_err(io)?;
            }
        }
        CommitsFormat::Table => table(&mut out, &suspects, repos.len() > 1).map_err(io)?,
    }
    out.flush().map_err(io)?;
    let mut incomplete = false;
    for r in &repos {
        if let Some(b) = &r.shallow {
            incomplete = true;
            ctx.warn(&format!(
                "{} is a shallow clone: its history stops at {} ({}), inside the window, so commits may be missing.\n  fix: `git -C {} fetch --unshallow` (in GitHub Actions: actions/checkout with `fetch-depth: 0`), or pass --allow-shallow to accept a partial answer",
                r.path,
                &b.commit[..b.commit.len().min(12)],
                b.date.to_rfc3339(),
                r.path
            ));
        }
    }
    for r in repos
        .iter()
        .filter(|r| !r.generation_available && r.visited >= SLOW_WALK)
    {
        ctx.note(&format!(
            "{}: read all {} commits to stay exact; a commit-graph lets pm stop early (`git -C {} commit-graph write --reachable`, or `git config fetch.writeCommitGraph true`)",
            r.path, r.visited, r.path
        ));
    }
    if !ctx.quiet && args.format == CommitsFormat::Table {
        let total: usize = repos.iter().map(|r| r.commits).sum();
        ctx.note(&format!(
            "{total} commit{} in the window",
            if total == 1 { "" } else { "s" }
        ));
    }
    Ok(if incomplete && !args.allow_shallow {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A walk this long without generation data is worth a hint.
const SLOW_WALK: usize = 20_000;

type Walked = (RepoSummary, Vec<Suspect>, Vec<(i64, String)>);

fn walk_one(
    target: &Target,
    spec: &WalkSpec,
    incident: &Incident,
    only: Option<&PathGroup>,
    need_details: bool,
) -> Result<Walked> {
    let repo = commits::open(&target.path)?;
    let walk = commits::walk(&repo, spec)?;
    let mut incident = incident.clone();
    if !target.globs.is_empty() {
        incident
            .paths
            .push(PathGroup::new(&target.name, &target.globs)?);
    }
    let mut suspects = Vec::new();
    let mut hashes = Vec::new();
    if need_details {
        for d in commits::details(&repo, &walk.ids)? {
            if only.is_some_and(|g| {
                !d.changes
                    .iter()
                    .flat_map(|c| c.paths())
                    .any(|p| g.matches(p))
            }) {
                continue;
            }
            hashes.push((d.committer.time.timestamp(), d.id.clone()));
            suspects.push(suspects::score(&target.name, d, &incident));
        }
    } else {
        // Hashes need no details; the time is only used to merge several repositories.
        for (id, time) in walk.ids.iter().zip(&walk.times) {
            hashes.push((*time, id.to_string()));
        }
    }
    let summary = RepoSummary {
        name: target.name.clone(),
        path: target.path.display().to_string(),
        commits: if need_details {
            suspects.len()
        } else {
            walk.ids.len()
        },
        visited: walk.visited,
        used_generation_data: walk.used_generation_data,
        generation_available: walk.generation_available,
        shallow: walk.shallow,
    };
    Ok((summary, suspects, hashes))
}

/// The window, what is known of the incident, and the repositories to walk.
fn plan(ctx: &Context, args: &Args) -> Result<(Window, Incident, Vec<Target>)> {
    let mut paths: Vec<PathGroup> = Vec::new();
    let (window, t0, lookback, mut targets) = match (&args.window, &args.report) {
        (Some(w), _) => {
            let lookback = args
                .lookback
                .map_or(TimeDelta::zero(), HumanDuration::as_delta);
            let window = Window {
                start: w.start.map(|s| s - lookback),
                end: w.end,
            };
            // The window's start stands for T-0 when ranking.
            (
                window,
                w.start,
                lookback.max(TimeDelta::hours(24)),
                Vec::new(),
            )
        }
        (None, Some(report_path)) => {
            let ws = ctx.workspace()?;
            let path = ctx.cwd.join(report_path);
            let report = Report::load(&path, &LoadOptions::new(&ws.config))
                .map_err(|e| Error::Usage(e.to_string()))?;
            let meta = report.meta().ok_or_else(|| {
                Error::Usage(format!(
                    "{}: the front matter does not parse; `pm check` says why",
                    report_path.display()
                ))
            })?;
            let ms = report.milestones();
            let t0 = ms.started.map(|t| t.with_timezone(&Utc)).ok_or_else(|| {
                Error::Usage(format!(
                    "{}: `started_at` is missing, so there is no window; add it, or pass --window START..END",
                    report_path.display()
                ))
            })?;
            let lookback = args
                .lookback
                .unwrap_or(ws.config.commits.lookback)
                .as_delta();
            let end = ms.resolved.or(ms.mitigated).map(|t| t.with_timezone(&Utc));
            for service in &meta.services {
                if let Some(globs) = ws.config.services.get(service) {
                    paths.push(PathGroup::new(service, globs)?);
                }
            }
            let targets = report_targets(&ws, &meta.repos)?;
            (
                Window {
                    start: Some(t0 - lookback),
                    end,
                },
                Some(t0),
                lookback,
                targets,
            )
        }
        (None, None) => return Err(Error::Usage("give a REPORT or --window START..END".into())),
    };
    if !args.repos.is_empty() {
        targets = args
            .repos
            .iter()
            .map(|p| Target {
                name: p.display().to_string(),
                path: ctx.cwd.join(p),
                globs: Vec::new(),
            })
            .collect();
    }
    if targets.is_empty() {
        targets.push(Target {
            name: ".".into(),
            path: ctx.cwd.clone(),
            globs: Vec::new(),
        });
    }
    let incident = Incident {
        t0,
        lookback,
        paths,
    };
    Ok((window, incident, targets))
}

/// The report's `repos`: names from `[[repos]]` in pm.toml, or paths relative to the workspace root.
fn report_targets(ws: &Workspace, refs: &[RepoRef]) -> Result<Vec<Target>> {
    refs.iter()
        .map(|r| match r {
            RepoRef::Named(name) => {
                let repo = ws.config.repos.iter().find(|c| &c.name == name).ok_or_else(|| {
                    Error::Usage(format!("the report names repository `{name}`, but pm.toml has no [[repos]] entry with that name"))
                })?;
                Ok(Target {
                    name: name.clone(),
                    path: ws.root.join(&repo.path),
                    globs: repo.paths.clone(),
                })
            }
            RepoRef::Path { path, paths } => Ok(Target {
                name: path.clone(),
                path: ws.root.join(path),
                globs: paths.clone(),
            }),
        })
        .collect()
}

fn table(out: &mut dyn Write, suspects: &[Suspect], show_repo: bool) -> std::io::Result<()> {
    let mut ranked: Vec<&Suspect> = suspects.iter().collect();
    ranked.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| b.commit.committer.time.cmp(&a.commit.committer.time))
    });
    if ranked.is_empty() {
        return writeln!(out, "no commits in the window");
    }
    let author_width = ranked
        .iter()
        .map(|s| s.commit.author.name.chars().count().min(20))
        .max()
        .unwrap_or(6)
        .max(6);
    writeln!(
        out,
        "{:>5}  {:<7}  {:<16}  {:<author_width$}  SUMMARY",
        "SCORE", "COMMIT", "COMMITTED (UTC)", "AUTHOR"
    )?;
    for s in ranked {
        let c = &s.commit;
        let name: String = c.author.name.chars().take(20).collect();
        let summary: String = clean(&c.summary).chars().take(72).collect();
        let repo = if show_repo {
            format!("[{}] ", s.repo)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{:>5}  {:<7}  {:<16}  {:<author_width$}  {repo}{summary}",
            s.score,
            c.short,
            c.committer
                .time
                .with_timezone(&Utc)
                .format("%Y-%m-%d %H:%M"),
            name
        )?;
        if !s.reasons.is_empty() {
            writeln!(out, "{:>5}  {}", "", s.reasons.join("; "))?;
        }
    }
    Ok(())
}

/// One timeline row: `| 2024-03-01 09:05 | Commit `abc1234` "summary" by Name (suspect 72: …) |`.
fn markdown_row(s: &Suspect, show_repo: bool) -> String {
    let c = &s.commit;
    let when = c
        .committer
        .time
        .with_timezone(&Utc)
        .format("%Y-%m-%d %H:%M");
    let repo = if show_repo {
        format!(" in {}", s.repo)
    } else {
        String::new()
    };
    let note = if s.likely_mitigation {
        " — likely mitigation".to_owned()
    } else if s.score > 0 {
        format!(" (suspect {}: {})", s.score, s.reasons.join("; "))
    } else {
        String::new()
    };
    let text = format!(
        "Commit `{}`{repo} \"{}\" by {}{note}",
        c.short,
        clean(&c.summary),
        clean(&c.author.name)
    );
    format!("| {when} | {} |", text.replace('|', "\\|"))
}

/// Text from a commit, safe on one line: control characters dropped.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}
