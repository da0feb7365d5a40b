//! The SARIF 2.1.0 format, for GitHub code scanning and other SARIF consumers: one run whose
//! driver lists every rule (so consumers can show rules that did not fire) and one result per
//! diagnostic. Valid against the official schema (checked in `tests/output_formats.rs`).

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use serde::Serialize;

use super::json::forward_slashes;
use crate::diagnostic::Diagnostic;
use crate::rules::{RULES, Rule, Severity, explanation};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    /// Our columns count Unicode scalar values; SARIF's default unit is UTF-16 code units.
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: Severity,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: Severity,
    message: Text,
    locations: [Location; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn io::Write) -> io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "pm",
                    information_uri: information_uri(),
                    version: env!("CARGO_PKG_VERSION"),
                    rules: RULES.iter().map(descriptor).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: diagnostics.iter().map(result).collect(),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The project's home page from Cargo.toml. The schema wants an absolute URI, so the key is left
/// out rather than written empty while the manifest names none.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

fn descriptor(rule: &'static Rule) -> ReportingDescriptor {
    let explanation = explanation(rule);
    ReportingDescriptor {
        id: rule.code,
        name: rule.name,
        short_description: Text {
            text: rule.summary.to_owned(),
        },
        full_description: Text {
            text: explanation.to_owned(),
        },
        help: Text {
            text: explanation.to_owned(),
        },
        default_configuration: Configuration {
            level: rule.severity,
        },
    }
}

fn result(diagnostic: &Diagnostic) -> SarifResult {
    SarifResult {
        rule_id: diagnostic.rule.code,
        // A rule built outside the registry (only tests do that) has no index to point at.
        rule_index: RULES.iter().position(|r| r.code == diagnostic.rule.code),
        level: diagnostic.severity,
        message: Text {
            text: format!("{}\nhelp: {}", diagnostic.message, diagnostic.help),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&diagnostic.path),
                },
                // The schema requires positions >= 1.
                region: Region {
                    start_line: diagnostic.span.line.max(1),
                    start_column: diagnostic.span.column.max(1),
                },
            },
        }],
    }
}

/// A path as a URI reference: relative paths stay relative (consumers such as GitHub resolve them
/// against the repository root), absolute ones become `file:` URIs. Every byte outside the
/// characters a path segment may hold literally is percent-encoded.
fn uri(path: &Path) -> String {
    let path = forward_slashes(path);
    let (mut uri, colon_ok) = if path.starts_with('/') {
        (String::from("file://"), true)
    } else if path.as_bytes().get(1) == Some(&b':') && path.as_bytes().get(2) == Some(&b'/') {
        // A Windows drive path such as C:/reports.
        (String::from("file:///"), true)
    } else {
        // In a relative reference a `:` in the first segment would read as a scheme.
        (String::new(), false)
    };
    for byte in path.bytes() {
        let literal = byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            || (byte == b':' && colon_ok);
        if literal {
            uri.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_references() {
        assert_eq!(uri(Path::new("a b/r,1.md")), "a%20b/r,1.md");
        assert_eq!(uri(Path::new("c:d/é#?%.md")), "c%3Ad/%C3%A9%23%3F%25.md");
        assert_eq!(uri(Path::new("/srv/x y.md")), "file:///srv/x%20y.md");
    }
}
