//! The `pm` binary: everything lives in the library; this only maps the outcome to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    pm::cli::main()
}
