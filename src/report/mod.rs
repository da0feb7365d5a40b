//! Loading one file into the typed [`Report`]: front matter split with line offsets, Markdown
//! parsed once into sections, the timeline, the 5 Whys and root cause, lessons learned and
//! action items. Every element keeps its position in the whole file. Loading never panics and
//! reads the file once; a file that cannot be a report is a [`LoadError`], not a crash.

pub mod actions;
pub mod front_matter;
mod parse;
pub mod rca;
pub mod sections;
pub mod table;
pub mod time;
pub mod timeline;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, TimeDelta};
use serde::Serialize;

pub use actions::{ActionItem, ActionStatus, ActionTable};
pub use front_matter::{FrontMatter, FrontMatterError, FrontMatterErrorKind, Status};
pub use rca::{Labelled, Lesson, LessonKind, Why};
pub use sections::{Section, SectionCatalog, SectionKind};
pub use table::Cell;
pub use timeline::{Timeline, TimelineRow};

use crate::config::Config;
use crate::span::{LineIndex, Span, saturate};

/// What loading needs from the configuration.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files larger than this many bytes are not read.
    pub max_file_size: u64,
    pub sections: SectionCatalog,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self::new(&Config::default())
    }
}

impl LoadOptions {
    pub fn new(config: &Config) -> Self {
        Self {
            max_file_size: config.reports.max_file_size,
            sections: SectionCatalog::new(&config.sections),
        }
    }
}

/// One post-mortem report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub path: PathBuf,
    /// The whole text (a UTF-8 BOM removed).
    #[serde(skip)]
    pub source: String,
    #[serde(skip)]
    lines: LineIndex,
    pub front_matter: Result<FrontMatter, FrontMatterError>,
    /// The line of the front matter's closing fence, whether or not its YAML parsed (0 when
    /// there is no front matter block).
    #[serde(skip)]
    front_matter_end: u32,
    /// The first level-1 heading (`# Title`), if any.
    pub heading: Option<Labelled>,
    /// Level-2 sections in file order.
    pub sections: Vec<Section>,
    /// The first table of the (first) Timeline section.
    pub timeline: Option<Timeline>,
    /// `Why N?` items of the (first) Root Cause Analysis section.
    pub whys: Vec<Why>,
    /// The explicit root cause statement.
    pub root_cause: Option<Labelled>,
    /// Items of the (first) Lessons Learned section.
    pub lessons: Vec<Lesson>,
    /// The action items table of the (first) Action Items section.
    pub actions: Option<ActionTable>,
    /// HTML comments (`<!-- … -->`), e.g. `pm-ignore` directives and template guidance.
    pub comments: Vec<Labelled>,
}

/// The incident's milestones from the front matter, and the durations derived from T-0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Milestones {
    pub started: Option<DateTime<FixedOffset>>,
    pub detected: Option<DateTime<FixedOffset>>,
    pub mitigated: Option<DateTime<FixedOffset>>,
    pub resolved: Option<DateTime<FixedOffset>>,
}

impl Milestones {
    fn since_start(&self, t: Option<DateTime<FixedOffset>>) -> Option<TimeDelta> {
        Some(t? - self.started?)
    }

    /// Time to detect: detected − started.
    pub fn ttd(&self) -> Option<TimeDelta> {
        self.since_start(self.detected)
    }

    /// Time to mitigate: mitigated − started.
    pub fn ttm(&self) -> Option<TimeDelta> {
        self.since_start(self.mitigated)
    }

    /// Time to resolve: resolved − started.
    pub fn ttr(&self) -> Option<TimeDelta> {
        self.since_start(self.resolved)
    }
}

impl Report {
    /// Reads and parses a report. The file is read once, up to the size limit.
    pub fn load(path: &Path, options: &LoadOptions) -> Result<Self, LoadError> {
        Self::from_vec(path, read_file(path, options.max_file_size)?, options)
    }

    /// Parses a report from bytes already read (the index version of a staged file, a test).
    pub fn from_bytes(path: &Path, bytes: &[u8], options: &LoadOptions) -> Result<Self, LoadError> {
        check_bytes(path, bytes, options)?;
        let text =
            std::str::from_utf8(bytes).map_err(|e| not_utf8(path, bytes, e.valid_up_to()))?;
        let text = text.strip_prefix(BOM).unwrap_or(text);
        Ok(parse::parse(path, text.to_owned(), options))
    }

    /// [`Report::from_bytes`] on bytes it may keep: their text becomes the report's source
    /// without a copy.
    pub fn from_vec(path: &Path, bytes: Vec<u8>, options: &LoadOptions) -> Result<Self, LoadError> {
        Self::from_vec_with(path, bytes, options, |_, _| ()).map(|(report, ())| report)
    }

    /// [`Report::from_vec`] that also hands the finished report and its comrak tree to `with`
    /// while the tree is alive, and returns what `with` made of them: the site renders a
    /// report's page from the tree the rules read instead of parsing the Markdown again. The
    /// tree is the model's own (front matter node first, title heading included); `with` may
    /// change it, since nothing reads it afterwards.
    pub fn from_vec_with<R>(
        path: &Path,
        bytes: Vec<u8>,
        options: &LoadOptions,
        with: impl for<'a> FnOnce(&Report, &'a comrak::nodes::AstNode<'a>) -> R,
    ) -> Result<(Self, R), LoadError> {
        check_bytes(path, &bytes, options)?;
        let mut text = String::from_utf8(bytes)
            .map_err(|e| not_utf8(path, e.as_bytes(), e.utf8_error().valid_up_to()))?;
        if text.starts_with(BOM) {
            text.drain(..BOM.len_utf8());
        }
        Ok(parse::parse_with(path, text, options, with))
    }

    /// The text of a 1-based line (without its line ending).
    pub fn line(&self, line: u32) -> Option<&str> {
        self.lines.line_text(&self.source, line)
    }

    /// The lines of the source, as [`str::lines`] gives them.
    pub fn source_lines(&self) -> impl Iterator<Item = &str> {
        self.lines.lines(&self.source)
    }

    /// The number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> usize {
        self.lines.len(&self.source)
    }

    /// The line of the front matter's closing fence (0 when there is no front matter block):
    /// lines before it are front matter even when the YAML did not parse.
    pub fn front_matter_end(&self) -> u32 {
        self.front_matter_end
    }

    /// The front matter, when it parsed.
    pub fn meta(&self) -> Option<&FrontMatter> {
        self.front_matter.as_ref().ok()
    }

    /// The review status; `None` when it cannot be read (rules then judge the report as final).
    pub fn status(&self) -> Option<Status> {
        self.meta().and_then(|m| m.status)
    }

    /// The milestones of the front matter.
    pub fn milestones(&self) -> Milestones {
        let Some(m) = self.meta() else {
            return Milestones::default();
        };
        Milestones {
            started: m.started_at.map(|t| t.at),
            detected: m.detected_at.map(|t| t.at),
            mitigated: m.mitigated_at.map(|t| t.at),
            resolved: m.resolved_at.map(|t| t.at),
        }
    }

    /// The first section of a kind.
    pub fn section(&self, kind: &SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind.as_ref() == Some(kind))
    }

    /// The report's id: the front matter `id`, else the name of its folder (folder layout, where
    /// the file is `report.md`) or of the file without `.md`.
    pub fn id(&self, file_name: &str) -> String {
        if let Some(id) = self
            .meta()
            .and_then(|m| m.id.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            return id.to_owned();
        }
        default_id(&self.path, file_name)
    }
}

/// The byte order mark some editors put at the start of UTF-8 files.
const BOM: char = '\u{feff}';

/// Refuses bytes that cannot be a report whatever their encoding: too many, or binary.
fn check_bytes(path: &Path, bytes: &[u8], options: &LoadOptions) -> Result<(), LoadError> {
    let fail = |kind| LoadError {
        path: path.to_owned(),
        kind,
    };
    if bytes.len() as u64 > options.max_file_size {
        return Err(fail(LoadErrorKind::TooLarge {
            size: bytes.len() as u64,
            limit: options.max_file_size,
        }));
    }
    // `contains` searches fast; `position` then only runs on binary files.
    if bytes.contains(&0)
        && let Some(nul) = bytes.iter().position(|&b| b == 0)
    {
        return Err(fail(LoadErrorKind::Binary {
            span: byte_span(bytes, nul),
        }));
    }
    Ok(())
}

fn not_utf8(path: &Path, bytes: &[u8], valid_up_to: usize) -> LoadError {
    LoadError {
        path: path.to_owned(),
        kind: LoadErrorKind::NotUtf8 {
            span: byte_span(bytes, valid_up_to),
        },
    }
}

/// `words` joined by `separator` and lowercased: what `collect::<Vec<_>>().join(…)` then
/// `to_lowercase()` give, in one string (lowered in place when ASCII, as nearly all text is).
fn joined_lowercase<'a>(words: impl Iterator<Item = &'a str>, separator: char) -> String {
    let mut text = String::new();
    for word in words {
        if !text.is_empty() {
            text.push(separator);
        }
        text.push_str(word);
    }
    if text.is_ascii() {
        text.make_ascii_lowercase();
        text
    } else {
        text.to_lowercase()
    }
}

/// The id a report without an `id` key gets from its path.
pub fn default_id(path: &Path, file_name: &str) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name == file_name
        && let Some(dir) = path.parent().and_then(Path::file_name)
    {
        return dir.to_string_lossy().into_owned();
    }
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or(name)
}

/// Line and column of a byte offset in bytes that may not be valid UTF-8 past it.
fn byte_span(bytes: &[u8], offset: usize) -> Span {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Span::new(saturate(line), saturate(column))
}

/// The bytes of a report file, at most one byte over `limit` (loading then says it is too
/// large). What is not a regular file is refused before it is read: a FIFO is opened without
/// waiting for a writer (it would hang a pre-commit hook), a device could be endless.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    let fail = |kind| LoadError {
        path: path.to_owned(),
        kind,
    };
    let io = |e: std::io::Error| fail(LoadErrorKind::Io(e.to_string()));
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NONBLOCK);
    let file = open.open(path).map_err(io)?;
    // The opened file's own metadata: no second lookup of the path, and no race with it.
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(fail(LoadErrorKind::Directory));
    }
    if !meta.is_file() {
        return Err(fail(LoadErrorKind::NotAFile));
    }
    if meta.len() > limit {
        return Err(fail(LoadErrorKind::TooLarge {
            size: meta.len(),
            limit,
        }));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(fail(LoadErrorKind::TooLarge {
            size: bytes.len() as u64,
            limit,
        }));
    }
    Ok(bytes)
}

/// A file that cannot be loaded as a report (PM000).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {kind}", path.display())]
pub struct LoadError {
    pub path: PathBuf,
    pub kind: LoadErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// The operating system refused (missing, permissions, broken symlink, …).
    Io(String),
    Directory,
    /// A FIFO, socket or device (after following symlinks).
    NotAFile,
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// Contains a NUL byte.
    Binary {
        span: Span,
    },
    NotUtf8 {
        span: Span,
    },
}

impl LoadError {
    /// Where in the file the problem is (line 1 when it is about the whole file).
    pub fn span(&self) -> Span {
        match self.kind {
            LoadErrorKind::Binary { span } | LoadErrorKind::NotUtf8 { span } => span,
            _ => Span::default(),
        }
    }

    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self.kind {
            LoadErrorKind::Io(_) => {
                "check that the file exists and is readable (a broken symlink points nowhere)"
            }
            LoadErrorKind::Directory => "pass the report's file (e.g. report.md), not its folder",
            LoadErrorKind::NotAFile => {
                "a report is a regular Markdown file; replace this one (or the symlink) with the file itself"
            }
            LoadErrorKind::TooLarge { .. } => {
                "move large logs and exports into files beside the report and link them, or raise `reports.max_file_size` in pm.toml"
            }
            LoadErrorKind::Binary { .. } => {
                "a report must be a Markdown text file; binary artifacts belong beside it, linked"
            }
            LoadErrorKind::NotUtf8 { .. } => {
                "save the file as UTF-8 (most editors have an encoding option)"
            }
        }
    }
}

impl fmt::Display for LoadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read the file: {e}"),
            Self::Directory => f.write_str("is a directory, not a report file"),
            Self::NotAFile => f.write_str("is not a regular file (a FIFO, socket or device)"),
            Self::TooLarge { size, limit } => write!(
                f,
                "the file is {:.1} MiB, over the {:.1} MiB limit",
                *size as f64 / 1_048_576.0,
                *limit as f64 / 1_048_576.0
            ),
            Self::Binary { span } => write!(
                f,
                "the file is binary (a NUL byte at {span}), not Markdown text"
            ),
            Self::NotUtf8 { span } => {
                write!(f, "the file is not UTF-8 text (an invalid byte at {span})")
            }
        }
    }
}

#[cfg(test)]
mod tests;
