//! The errors that stop `pm` from doing its job (exit code 2). Findings about reports are not
//! errors: they are diagnostics. Every variant names the file it is about and, where it can, the fix.

use std::path::PathBuf;

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}:{line}:{column}: {message}", path.display())]
    Config {
        path: PathBuf,
        line: u32,
        column: u32,
        message: String,
    },

    #[error("{}: {message}", path.display())]
    Template { path: PathBuf, message: String },

    #[error("{} already exists; pm never overwrites a file. {hint}", path.display())]
    AlreadyExists { path: PathBuf, hint: String },

    #[error("{}: {message}", path.display())]
    Git { path: PathBuf, message: String },

    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
