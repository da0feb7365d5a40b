//! `pm commits` — being written (placeholder so the command tree compiles).

use std::process::ExitCode;

use super::Context;
use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_ctx: &Context, _args: &Args) -> Result<ExitCode> {
    Ok(ExitCode::SUCCESS)
}
