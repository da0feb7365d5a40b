//! The whole archive: finding every report under the configured folder (gitignore-aware) and
//! loading them in parallel. Commands that look across reports (`check` without paths, `actions`,
//! `stats`, `build`) start here.

use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use crate::config::Workspace;
use crate::error::{Error, Result};
use crate::layout::is_report;
use crate::report::{LoadError, LoadOptions, Report};

/// Every report of a workspace, loaded; files that could not be loaded are kept as errors.
#[derive(Debug)]
pub struct Archive {
    /// The reports folder.
    pub dir: PathBuf,
    /// Loaded reports, sorted by path.
    pub reports: Vec<Report>,
    /// Files that are reports by the layout but could not be read (PM000).
    pub unreadable: Vec<LoadError>,
}

impl Archive {
    /// Finds and loads every report under the workspace's reports folder.
    pub fn load(ws: &Workspace) -> Result<Self> {
        let dir = normalize(&ws.reports_dir());
        let files = report_files(ws)?;
        let options = LoadOptions::new(&ws.config);
        let loaded: Vec<_> = files
            .par_iter()
            .map(|p| Report::load(p, &options))
            .collect();
        let (mut reports, mut unreadable) = (Vec::new(), Vec::new());
        for result in loaded {
            match result {
                Ok(r) => reports.push(r),
                Err(e) => unreadable.push(e),
            }
        }
        Ok(Self {
            dir,
            reports,
            unreadable,
        })
    }
}

/// Every report file under the workspace's reports folder, sorted; an error when the folder
/// does not exist.
pub fn report_files(ws: &Workspace) -> Result<Vec<PathBuf>> {
    let dir = existing_reports_dir(ws)?;
    let mut found = Vec::new();
    each_report_file(ws, &dir, Walkers::All, |p| found.push(p));
    found.sort();
    Ok(found)
}

/// The workspace's reports folder (normalized), or an error when it does not exist.
pub fn existing_reports_dir(ws: &Workspace) -> Result<PathBuf> {
    let dir = normalize(&ws.reports_dir());
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "there is no reports folder at {} — create the first report with `pm new \"TITLE\"`, or set `[reports] dir` in pm.toml",
            dir.display()
        )));
    }
    Ok(dir)
}

/// [`report_files`] of the reports folder `dir` (from [`existing_reports_dir`]), handed to
/// `each` as the walk finds them, in no particular order.
pub fn each_report_file(
    ws: &Workspace,
    dir: &Path,
    walkers: Walkers,
    each: impl FnMut(PathBuf) + Send,
) {
    each_report_and_file(ws, dir, walkers, each, |_, _| {});
}

/// [`each_report_file`], also handing `file` every regular file of the walk (a symlink is not
/// one) with how many folders down it is: `pm build` needs both, and a second walk of a large
/// archive costs as much as the first.
pub fn each_report_and_file(
    ws: &Workspace,
    dir: &Path,
    walkers: Walkers,
    each: impl FnMut(PathBuf) + Send,
    file: impl FnMut(usize, &Path) + Send,
) {
    let reports = &ws.config.reports;
    walk_all(
        dir,
        &|p: &Path| p.strip_prefix(dir).is_ok_and(|rel| is_report(rel, reports)),
        walkers,
        each,
        file,
    );
}

/// Markdown files under `dir` (gitignore-aware, hidden files skipped) that `keep` accepts,
/// sorted. A folder named like a report (`…/report.md/`) is returned as is, so it is reported.
pub fn walk(dir: &Path, keep: &(dyn Fn(&Path) -> bool + Sync)) -> Vec<PathBuf> {
    let mut found = Vec::new();
    walk_each(dir, keep, |p| found.push(p));
    found.sort();
    found
}

/// [`walk`], handing each file to `each` in the order of the walk.
fn walk_each(dir: &Path, keep: &(dyn Fn(&Path) -> bool + Sync), each: impl FnMut(PathBuf) + Send) {
    walk_all(dir, keep, Walkers::All, each, |_, _| {});
}

/// How many threads walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walkers {
    /// One: the work the walk hands its files to runs on the thread pool meanwhile.
    One,
    /// One per core: the walk is a step of its own.
    All,
}

/// [`walk_each`], also handing `file` every regular file with its depth.
///
/// The walk is ignore's parallel walker: unlike the sequential one, it learns which ignore files
/// (and whether a `.git`) a folder has from the folder's listing instead of probing four paths
/// in every folder, which was a third of the system calls of `pm check` on an archive of one
/// folder per report. The callbacks are called from the walking threads, one at a time.
pub fn walk_all(
    dir: &Path,
    keep: &(dyn Fn(&Path) -> bool + Sync),
    walkers: Walkers,
    each: impl FnMut(PathBuf) + Send,
    file: impl FnMut(usize, &Path) + Send,
) {
    let callbacks = Mutex::new((each, file));
    ignore::WalkBuilder::new(dir)
        .require_git(false)
        // 0: ignore's choice, one thread per core (at most 12).
        .threads(if walkers == Walkers::One { 1 } else { 0 })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                if let Ok(entry) = entry
                    && entry.depth() > 0
                {
                    visit(dir, keep, &entry, &callbacks);
                }
                ignore::WalkState::Continue
            })
        });
}

/// One entry of [`walk_all`]'s walk.
fn visit(
    dir: &Path,
    keep: &dyn Fn(&Path) -> bool,
    entry: &ignore::DirEntry,
    callbacks: &Mutex<(impl FnMut(PathBuf), impl FnMut(usize, &Path))>,
) {
    let p = normalize(entry.path());
    let is_file = entry.file_type().is_some_and(|t| t.is_file());
    let is_md = p
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("md") || x.eq_ignore_ascii_case("markdown"));
    if !is_file && !is_md {
        return;
    }
    // The walk read each entry's type with the folder: only a symlink needs a `stat`.
    let wanted = is_md && {
        let is_dir = match entry.file_type() {
            _ if is_file => false,
            Some(t) if t.is_dir() => true,
            _ => p.is_dir(),
        };
        (!is_dir || p.parent().is_some_and(|parent| parent != dir)) && keep(&p)
    };
    let mut guard = callbacks.lock().unwrap_or_else(PoisonError::into_inner);
    let (each, file) = &mut *guard;
    if is_file {
        file(entry.depth(), &p);
    }
    if wanted {
        each(p);
    }
}

/// Removes `.` and resolves `..` without touching the file system (symlinks stay as written).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
