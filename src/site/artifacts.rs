//! The files beside a report (log excerpts, exports, screenshots), found without ever leaving
//! the report's folder: symlinks are not followed or copied, `..` never resolves upwards out of
//! the folder, hidden and gitignored files stay out. Files a browser would run (HTML, SVG, XML,
//! scripts) are published with `.txt` appended, so an artifact cannot script the archive.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use super::safe::encode_segment;
use crate::archive::normalize;

/// Extensions of files a browser renders as active content when opened from the site.
const ACTIVE: &[&str] = &[
    "htm", "html", "js", "mht", "mhtml", "mjs", "shtml", "svg", "svgz", "swf", "xht", "xhtml",
    "xml", "xsl", "xslt",
];

/// Most files taken from one report folder, and deepest folder nesting searched below it.
const MAX_FILES: usize = 1000;
const MAX_DEPTH: usize = 8;

/// One file to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// The file to read.
    pub source: PathBuf,
    /// Its path inside the report's folder, as components.
    pub rel: Vec<String>,
    /// Where it goes, relative to the report's artifact folder, as components (an active file
    /// gets `.txt` appended to its last component).
    pub out: Vec<String>,
    pub size: u64,
}

impl Artifact {
    /// `/`-joined path inside the report's folder.
    pub fn name(&self) -> String {
        self.rel.join("/")
    }

    /// The URL relative to the report's artifact folder, every segment percent-encoded.
    pub fn href(&self) -> String {
        self.out
            .iter()
            .map(|s| encode_segment(s))
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// The files under the reports folder that may be published, found in one walk: regular files
/// (a symlink is neither followed nor published), not hidden, not ignored by `.gitignore` or
/// `.ignore` files, at most [`MAX_DEPTH`] folders down a report's folder. The walk reads file
/// types from the folders; sizes are read only for the files published (a large archive has
/// thousands of files and few artifacts).
#[derive(Debug, Default)]
pub struct Publishable {
    /// Normalised paths.
    files: BTreeSet<PathBuf>,
    /// Whether files are taken (the reports folder is a real folder).
    open: bool,
}

impl Publishable {
    #[cfg(test)]
    pub fn scan(reports_dir: &Path) -> Self {
        let mut found = Self::empty(reports_dir);
        crate::archive::walk_all(
            reports_dir,
            &|_| false,
            crate::archive::Walkers::All,
            |_| {},
            |depth, p| found.offer(depth, p),
        );
        found
    }

    /// Nothing yet, for a walk of `reports_dir` to [`Publishable::offer`] its files to; a
    /// reports folder that is a symlink publishes nothing.
    pub fn empty(reports_dir: &Path) -> Self {
        let is_real_dir = reports_dir
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_dir());
        Self {
            files: BTreeSet::new(),
            open: is_real_dir,
        }
    }

    /// A regular file (normalised) the walk of the reports folder found `depth` folders down.
    pub fn offer(&mut self, depth: usize, path: &Path) {
        if self.open && depth <= MAX_DEPTH + 1 {
            self.files.insert(path.to_owned());
        }
    }

    /// Every publishable file under `folder` except `report_file`, sorted by path.
    pub fn under(&self, folder: &Path, report_file: &Path) -> Vec<Artifact> {
        let found: Vec<Artifact> = self
            .files
            .range(folder.to_owned()..)
            .take_while(|p| p.starts_with(folder))
            .filter(|p| p.as_path() != report_file)
            .filter_map(|p| artifact(folder, p.strip_prefix(folder).ok()?))
            .take(MAX_FILES)
            .collect();
        dedupe(found)
    }

    /// The publishable file a relative link names under `folder`, if it stays inside it (for
    /// flat layouts, where a report has no folder of its own and only the files it links are
    /// published).
    pub fn linked(&self, folder: &Path, target: &str) -> Option<Artifact> {
        let path = normalize(&folder.join(target));
        let rel = path.strip_prefix(folder).ok()?;
        if !self.files.contains(&path) {
            return None;
        }
        artifact(folder, rel)
    }
}

/// The artifact at `rel` under `folder`, with its size; `None` when it is hidden or no longer a
/// regular file.
fn artifact(folder: &Path, rel: &Path) -> Option<Artifact> {
    let rel: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(part) => part.to_str().map(str::to_owned),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let last = rel.last()?;
    if rel.iter().any(|p| p.starts_with('.')) {
        return None;
    }
    let active = Path::new(last)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ACTIVE.contains(&e.to_ascii_lowercase().as_str()));
    let mut out = rel.clone();
    if active && let Some(name) = out.last_mut() {
        name.push_str(".txt");
    }
    let source = rel.iter().fold(folder.to_owned(), |p, c| p.join(c));
    let size = source
        .symlink_metadata()
        .ok()
        .filter(|m| m.file_type().is_file())?
        .len();
    Some(Artifact {
        source,
        rel,
        out,
        size,
    })
}

/// Drops artifacts whose output path another one already takes (`a.html` published as
/// `a.html.txt` beside a real `a.html.txt`); the first in path order wins.
fn dedupe(found: Vec<Artifact>) -> Vec<Artifact> {
    let mut taken = BTreeSet::new();
    found
        .into_iter()
        .filter(|a| taken.insert(a.out.clone()))
        .collect()
}

/// `1.2 KiB`, `3.4 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = UNITS[0];
    for next in &UNITS[1..] {
        if size < 1024.0 {
            break;
        }
        size /= 1024.0;
        unit = next;
    }
    format!("{size:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_files_get_txt_and_hidden_ones_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report.md");
        std::fs::write(&report, "x").unwrap();
        std::fs::write(dir.path().join("a.log"), "log").unwrap();
        std::fs::write(dir.path().join("evil.SVG"), "<svg onload=alert(1)>").unwrap();
        std::fs::write(dir.path().join(".secret"), "s").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/x y.csv"), "1,2").unwrap();
        let found = Publishable::scan(dir.path()).under(dir.path(), &report);
        let names: Vec<_> = found.iter().map(|a| (a.name(), a.href())).collect();
        assert_eq!(
            names,
            [
                ("a.log".to_owned(), "a.log".to_owned()),
                ("evil.SVG".to_owned(), "evil.SVG.txt".to_owned()),
                ("sub/x y.csv".to_owned(), "sub/x%20y.csv".to_owned()),
            ]
        );
    }

    #[test]
    fn ignored_files_are_not_published() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "*.env\nscratch/\n").unwrap();
        let folder = dir.path().join("2024-01-01-x");
        std::fs::create_dir_all(folder.join("scratch")).unwrap();
        let report = folder.join("report.md");
        std::fs::write(&report, "x").unwrap();
        std::fs::write(folder.join("creds.env"), "secret").unwrap();
        std::fs::write(folder.join("scratch/notes.txt"), "draft").unwrap();
        std::fs::write(folder.join("graph.csv"), "1,2").unwrap();
        let files = Publishable::scan(dir.path());
        let names: Vec<String> = files
            .under(&folder, &report)
            .iter()
            .map(Artifact::name)
            .collect();
        assert_eq!(names, ["graph.csv"]);
        assert!(files.linked(&folder, "creds.env").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_never_followed() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report.md");
        std::fs::write(&report, "x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("dir")).unwrap();
        let files = Publishable::scan(dir.path());
        assert!(files.under(dir.path(), &report).is_empty());
        assert!(files.linked(dir.path(), "link").is_none());
        assert!(files.linked(dir.path(), "dir/secret").is_none());
        assert!(files.linked(dir.path(), "../secret").is_none());
        assert!(files.linked(dir.path(), "report.md").is_some());
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(2048), "2.0 KiB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MiB");
    }
}
