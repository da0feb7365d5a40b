//! The JSON format, a public interface for scripts:
//! `{"version":1,"diagnostics":[{code,name,severity,path,line,column,message,help}],"summary":{files,errors,warnings}}`,
//! compact, on one line. Key order is the field order of the structs below.

use std::borrow::Cow;
use std::io;
use std::path::Path;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Summary};
use crate::rules::Severity;

/// Bumped only when a key changes meaning or disappears; new keys may be added without a bump.
const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    path: Cow<'a, str>,
    line: u32,
    column: u32,
    message: &'a str,
    help: &'a str,
}

pub fn render(
    diagnostics: &[Diagnostic],
    summary: Summary,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let document = Document {
        version: VERSION,
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.rule.code,
                name: d.rule.name,
                severity: d.severity,
                path: forward_slashes(&d.path),
                line: d.span.line,
                column: d.span.column,
                message: &d.message,
                help: &d.help,
            })
            .collect(),
        summary,
    };
    serde_json::to_writer(&mut *out, &document)?;
    writeln!(out)
}

/// A path as the machine formats show it: `/` between components on every platform, so output
/// is the same on Windows and Unix. (On Unix a `\` is an ordinary file-name character and stays.)
pub(super) fn forward_slashes(path: &Path) -> Cow<'_, str> {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text
    } else {
        Cow::Owned(text.replace(std::path::MAIN_SEPARATOR, "/"))
    }
}
