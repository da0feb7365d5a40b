//! Built-in templates, embedded in the binary, and the repository's overrides: a file of the same
//! name in the configured templates folder replaces the built-in one.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The report scaffold `pm new` renders.
pub const REPORT: &str = "report.md.tera";

/// Every built-in template: (file name, contents).
pub const BUILTIN: &[(&str, &str)] = &[(REPORT, include_str!("../templates/report.md.tera"))];

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
