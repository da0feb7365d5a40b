//! Built-in templates, embedded in the binary, and the repository's overrides: a file of the same
//! name in the configured templates folder replaces the built-in one.
//!
//! The archive's templates live under `site/` (`site/layout.html`, `site/style.css`, …). Its
//! tera templates (`.html`, `.xml`) are loaded into one engine: the built-ins under a hidden
//! prefix that tera falls back to, the repository's files under their own names, so a template
//! that extends or includes `site/layout.html` gets the repository's layout when there is one
//! and the built-in one otherwise. Its static files (`.css`, `.js`) are copied as they are.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The report scaffold `pm new` renders.
pub const REPORT: &str = "report.md.tera";

/// Folder of the archive's templates, inside the built-in set and the templates folder.
pub const SITE_DIR: &str = "site/";

/// Every built-in template: (file name, contents).
pub const BUILTIN: &[(&str, &str)] = &[
    (REPORT, include_str!("../templates/report.md.tera")),
    (
        "site/action-rows.html",
        include_str!("../templates/site/action-rows.html"),
    ),
    (
        "site/actions.html",
        include_str!("../templates/site/actions.html"),
    ),
    (
        "site/browse.html",
        include_str!("../templates/site/browse.html"),
    ),
    ("site/feed.xml", include_str!("../templates/site/feed.xml")),
    (
        "site/index.html",
        include_str!("../templates/site/index.html"),
    ),
    (
        "site/layout.html",
        include_str!("../templates/site/layout.html"),
    ),
    (
        "site/list.html",
        include_str!("../templates/site/list.html"),
    ),
    (
        "site/report.html",
        include_str!("../templates/site/report.html"),
    ),
    (
        "site/rows.html",
        include_str!("../templates/site/rows.html"),
    ),
    (
        "site/script.js",
        include_str!("../templates/site/script.js"),
    ),
    (
        "site/stats.html",
        include_str!("../templates/site/stats.html"),
    ),
    (
        "site/style.css",
        include_str!("../templates/site/style.css"),
    ),
];

/// Prefix of the built-in site templates inside the engine; a name no file can have.
const BUILTIN_PREFIX: &str = "(built-in)/";

/// A template's text and where it came from.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: &'static str,
    pub text: String,
    /// The override file, or `None` for the built-in template.
    pub origin: Option<PathBuf>,
}

impl Template {
    /// The built-in template of this name (a name missing from [`BUILTIN`] is a programming
    /// error caught by the tests, reported as a usage error rather than a panic).
    pub fn builtin(name: &'static str) -> Result<Self> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| Self {
                name,
                text: (*text).to_owned(),
                origin: None,
            })
            .ok_or_else(|| Error::Usage(format!("no built-in template named {name}")))
    }

    /// The repository's override from `dir` when it exists, else the built-in template.
    pub fn resolve(name: &'static str, dir: &Path) -> Result<Self> {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Self {
                name,
                text,
                origin: Some(path),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::builtin(name),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Renders with tera (autoescaping applies to `.html` and `.xml` names only, so Markdown is left as written).
    pub fn render(&self, context: &tera::Context) -> Result<String> {
        let mut engine = tera::Tera::new();
        let origin = || {
            self.origin
                .clone()
                .unwrap_or_else(|| PathBuf::from(format!("(built-in) {}", self.name)))
        };
        engine
            .add_raw_template(self.name, &self.text)
            .map_err(|e| Error::Template {
                path: origin(),
                message: error_chain(&e),
            })?;
        engine
            .render(self.name, context)
            .map_err(|e| Error::Template {
                path: origin(),
                message: error_chain(&e),
            })
    }
}

/// Whether a site template is rendered by tera (rather than copied as it is).
fn is_tera(name: &str) -> bool {
    name.ends_with(".html") || name.ends_with(".xml")
}

/// A static file of the archive (stylesheet, script), the repository's or the built-in one.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Name inside `site/`, e.g. `style.css`.
    pub name: String,
    pub text: String,
}

/// The archive's templates: one tera engine with every `.html`/`.xml` template, and the static
/// files. The engine is shared by the threads rendering pages.
pub struct SiteTemplates {
    engine: tera::Tera,
    /// Where the repository's overrides are read from.
    dir: PathBuf,
    /// Names (`site/…`) the repository overrides.
    overridden: Vec<String>,
    pub assets: Vec<Asset>,
}

impl std::fmt::Debug for SiteTemplates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteTemplates")
            .field("dir", &self.dir)
            .field("overridden", &self.overridden)
            .field("assets", &self.assets)
            .finish_non_exhaustive()
    }
}

impl SiteTemplates {
    /// Loads the built-in site templates and the repository's files from `dir/site/`, which
    /// replace built-ins of the same name or add templates of their own (e.g. a partial a
    /// replaced layout includes).
    pub fn load(dir: &Path) -> Result<Self> {
        let mut engine = tera::Tera::new();
        engine.set_escape_fn(escape_html);
        let site_dir = dir.join(SITE_DIR);
        engine
            .set_fallback_prefixes([BUILTIN_PREFIX])
            .map_err(|e| template_error(&site_dir, &e))?;
        let mut templates: Vec<(String, String)> = Vec::new();
        let mut assets: Vec<Asset> = Vec::new();
        let mut overridden = Vec::new();
        for (name, text) in repository_files(&site_dir)? {
            let full = format!("{SITE_DIR}{name}");
            if is_tera(&name) {
                templates.push((full.clone(), text));
            } else {
                assets.push(Asset {
                    name: name.clone(),
                    text,
                });
            }
            overridden.push(full);
        }
        for (name, text) in BUILTIN.iter().copied() {
            let Some(short) = name.strip_prefix(SITE_DIR) else {
                continue;
            };
            if is_tera(name) {
                templates.push((format!("{BUILTIN_PREFIX}{name}"), (*text).to_owned()));
            } else if !assets.iter().any(|a| a.name == short) {
                assets.push(Asset {
                    name: short.to_owned(),
                    text: (*text).to_owned(),
                });
            }
        }
        assets.sort_by(|a, b| a.name.cmp(&b.name));
        if let Err(e) = engine.add_raw_templates(templates.clone()) {
            return Err(template_error(&culprit(&templates, &site_dir), &e));
        }
        Ok(Self {
            engine,
            dir: site_dir,
            overridden,
            assets,
        })
    }

    /// Renders `site/NAME` with the context; errors name the repository's file when it is one.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<Vec<u8>> {
        self.render_sized(name, context, 16 * 1024)
    }

    /// [`SiteTemplates::render`] into a buffer of about the expected size (growing a large
    /// page's buffer step by step costs more than the rendering).
    pub fn render_sized(
        &self,
        name: &str,
        context: &tera::Context,
        expected: usize,
    ) -> Result<Vec<u8>> {
        let full = format!("{SITE_DIR}{name}");
        let mut out = Vec::with_capacity(expected);
        self.engine
            .render_to(&full, context, &mut out)
            .map(|()| out)
            .map_err(|e| {
                let path = if self.overridden.contains(&full) {
                    self.dir.join(name)
                } else {
                    PathBuf::from(format!("(built-in) {full}"))
                };
                template_error(&path, &e)
            })
    }
}

/// tera's autoescaping, the same bytes out, but the text between special characters written
/// at once: tera's own writes byte by byte, 7% of the instructions of building a site.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    escape_html_runs(input, |run| out.write_all(run.as_bytes()))
}

/// `text` for HTML (and SVG) content and attribute values: `& < > " '` as the entities tera
/// writes, handed to `write` in runs — the text between two special characters in one call.
pub fn escape_html_runs<E>(
    text: &str,
    mut write: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(i) = next_special(&bytes[start..]).map(|k| start + k) {
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        };
        // The special characters are ASCII: `start` and `i` are character boundaries.
        write(&text[start..i])?;
        write(entity)?;
        start = i + 1;
    }
    write(&text[start..])
}

/// The first of `& < > " '`: memchr finds the first markup character, then a quote before it,
/// so no byte is looked at more than twice.
fn next_special(bytes: &[u8]) -> Option<usize> {
    let markup = memchr::memchr3(b'&', b'<', b'>', bytes);
    memchr::memchr2(b'"', b'\'', &bytes[..markup.unwrap_or(bytes.len())]).or(markup)
}

/// The repository's template that fails to load beside the built-ins (tera reports the error of
/// the whole set), or the folder when none fails alone.
fn culprit(templates: &[(String, String)], site_dir: &Path) -> PathBuf {
    let (builtins, own): (Vec<_>, Vec<_>) = templates
        .iter()
        .cloned()
        .partition(|(name, _)| name.starts_with(BUILTIN_PREFIX));
    own.into_iter()
        .find(|template| {
            let mut engine = tera::Tera::new();
            engine.set_fallback_prefixes([BUILTIN_PREFIX]).is_ok()
                && engine
                    .add_raw_templates(builtins.iter().cloned().chain([template.clone()]))
                    .is_err()
        })
        .and_then(|(name, _)| name.strip_prefix(SITE_DIR).map(|n| site_dir.join(n)))
        .unwrap_or_else(|| site_dir.to_owned())
}

/// The repository's files directly in `site_dir` (none when it does not exist), sorted.
fn repository_files(site_dir: &Path) -> Result<Vec<(String, String)>> {
    let entries = match std::fs::read_dir(site_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(site_dir, e)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(site_dir, e))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if name.starts_with('.') || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        files.push((name, text));
    }
    files.sort();
    Ok(files)
}

fn template_error(path: &Path, e: &dyn std::error::Error) -> Error {
    Error::Template {
        path: path.to_owned(),
        message: error_chain(e),
    }
}

/// A tera error with its causes, on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_writes_what_tera_writes() {
        for text in [
            "",
            "plain",
            "<a href=\"x\">it's & more</a>",
            "&&",
            "é <ü> '",
            "end&",
        ] {
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            escape_html(text, &mut ours).unwrap();
            tera::escape_html(text, &mut theirs).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
    }
}
