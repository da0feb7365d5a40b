//! `pm init`: write a commented `pm.toml` that spells out every default, and a copy of the report
//! template for the team to adjust. Refuses to overwrite either. `pm init --templates` copies
//! every built-in template (the report scaffold and the archive's `site/` templates) into the
//! templates folder instead, refusing if any of them exists.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Context, create_new_file};
use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::templates::{BUILTIN, REPORT, Template};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Copy every built-in template (report scaffold, archive layout, pages, stylesheet, script)
    /// into the templates folder for editing, instead of writing pm.toml.
    #[arg(long)]
    pub templates: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    if args.templates {
        return copy_templates(ctx);
    }
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

/// Writes every built-in template into the workspace's templates folder. Every target is checked
/// before anything is written, so a refusal leaves nothing half-done; a file that already holds
/// exactly the built-in text (from `pm init`) is left as it is.
fn copy_templates(ctx: &Context) -> Result<ExitCode> {
    let ws = ctx.workspace()?;
    let dir = ws.templates_dir();
    let mut targets: Vec<(PathBuf, &str)> = Vec::new();
    for (name, text) in BUILTIN {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(existing) if existing == text.as_bytes() => continue,
            Ok(_) => {
                return Err(Error::AlreadyExists {
                    path,
                    hint: "pm init --templates writes only new files, and wrote none; move your version away first (and merge your changes back after)".into(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => targets.push((path, text)),
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    let mut out = ctx.stdout();
    for (path, text) in &targets {
        create_new_file(path, text, "")?;
        use std::io::Write;
        writeln!(out, "created {}", ctx.display_path(path))
            .map_err(|e| Error::io("<stdout>", e))?;
    }
    ctx.note(&format!(
        "edit any of them in {}; delete the ones you keep as they are, so they follow pm's updates",
        ctx.display_path(&dir)
    ));
    Ok(ExitCode::SUCCESS)
}
