//! The `pm` binary: everything lives in the library; this only maps the outcome to an exit code.

use std::process::ExitCode;

/// pm allocates many small, short-lived values per report (parse trees, strings) from several
/// threads; mimalloc serves them markedly faster than the system allocator (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    pm::cli::main()
}
