//! `pm new "TITLE"`: render the report template into the configured layout, never overwriting.

use std::process::ExitCode;

use chrono::{Datelike, NaiveDate, Utc};

use super::{Context, create_new_file};
use crate::config::Layout;
use crate::error::{Error, Result};
use crate::layout;
use crate::report::time::parse_date;
use crate::templates::{REPORT, Template};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The incident's name, e.g. "Checkout API outage".
    pub title: String,

    /// Day the incident started (UTC), YYYY-MM-DD. Default: today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date_arg)]
    pub date: Option<NaiveDate>,

    /// Severity, one of the configured severities (default SEV1..SEV4).
    #[arg(long, value_name = "SEVERITY")]
    pub severity: Option<String>,

    /// Incident lead, e.g. "@alice"; also written as the first author.
    #[arg(long, value_name = "WHO")]
    pub lead: Option<String>,

    /// Write POSTMORTEMS/YYYY-MM-DD-slug.md instead of a folder per incident.
    #[arg(long)]
    pub flat: bool,
}

fn parse_date_arg(text: &str) -> std::result::Result<NaiveDate, String> {
    parse_date(text)
        .ok_or_else(|| format!("`{text}` is not a calendar date: use YYYY-MM-DD, like 2024-03-01"))
}

/// A string as a YAML scalar: JSON's double-quoted strings are valid YAML and escape everything.
fn yaml_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let config = &ws.config;
    let title = args.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return Err(Error::Usage(
            "the title is empty: give the incident a name, like `pm new \"Checkout API outage\"`"
                .into(),
        ));
    }
    let severities = &config.reports.severities;
    let severity_yaml = match &args.severity {
        Some(s) => {
            let found = severities
                .iter()
                .find(|known| known.eq_ignore_ascii_case(s))
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "unknown severity `{s}`: use one of {}",
                        severities.join(", ")
                    ))
                })?;
            yaml_string(found)
        }
        None => yaml_string(&format!("[{}]", severities.join("/"))),
    };
    let lead = args
        .lead
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or("[Name]");
    let date = args.date.unwrap_or_else(|| Utc::now().date_naive());
    let layout = if args.flat {
        Layout::Flat
    } else {
        config.reports.layout
    };
    let path = ws
        .reports_dir()
        .join(layout::report_path(&config.reports, layout, date, &title));

    let template = Template::resolve(REPORT, &ws.templates_dir())?;
    let mut context = tera::Context::new();
    context.insert("title", &title);
    context.insert("title_yaml", &yaml_string(&title));
    context.insert("date", &date.format("%Y-%m-%d").to_string());
    context.insert("year", &date.year());
    context.insert("severity_yaml", &severity_yaml);
    context.insert("severities", severities);
    context.insert("lead", lead);
    context.insert("lead_yaml", &yaml_string(lead));
    context.insert("slug", &layout::slugify(&title));
    let text = template.render(&context)?;

    create_new_file(
        &path,
        &text,
        "Edit the existing report, or give the new incident another title or --date.",
    )?;
    let shown = ctx.display_path(&path);
    writeln_out(ctx, &shown)?;
    if let Some(origin) = &template.origin {
        ctx.note(&format!(
            "used the repository's template {}",
            ctx.display_path(origin)
        ));
    }
    ctx.note("next: fill in the placeholders, then run `pm check` on it");
    Ok(ExitCode::SUCCESS)
}

fn writeln_out(ctx: &Context, line: &str) -> Result<()> {
    use std::io::Write;
    writeln!(ctx.stdout(), "{line}").map_err(|e| Error::io("<stdout>", e))
}
