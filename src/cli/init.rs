//! `pm init`: write a commented `pm.toml` that spells out every default, and a copy of the report
//! template for the team to adjust. Refuses to overwrite either.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Context, create_new_file};
use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::templates::{REPORT, Template};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Context, _args: &Args) -> Result<ExitCode> {
    let config_path = ctx
        .config_file
        .as_ref()
        .map_or_else(|| ctx.cwd.join(config::FILE_NAME), |p| ctx.cwd.join(p));
    let root = config_path
        .parent()
        .map_or_else(|| ctx.cwd.clone(), PathBuf::from);
    let defaults = Config::default();
    let template_path = root.join(&defaults.templates.dir).join(REPORT);

    // Check both before writing either, so a refusal leaves nothing half-done.
    for path in [&config_path, &template_path] {
        if path.exists() {
            return Err(Error::AlreadyExists {
                path: path.clone(),
                hint:
                    "pm init writes only new files; edit the existing one, or move it away first."
                        .into(),
            });
        }
    }
    let template = Template::builtin(REPORT)?;
    create_new_file(&config_path, config::DEFAULT_TOML, "")?;
    create_new_file(&template_path, &template.text, "")?;
    let mut out = ctx.stdout();
    for path in [&config_path, &template_path] {
        use std::io::Write;
        writeln!(out, "created {}", ctx.display_path(path))
            .map_err(|e| Error::io("<stdout>", e))?;
    }
    ctx.note("next: adjust pm.toml and the template, then `pm new \"TITLE\"` creates a report");
    Ok(ExitCode::SUCCESS)
}
