//! Everything that reads git goes through gix here. For `pm check --staged`: the index versions
//! of the files that are staged (differ from `HEAD`), so a partly staged report is checked as it
//! will be committed.

pub mod commits;
mod graph_dates;
mod packed_commits;
pub mod trailers;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A staged file: its path in the work tree and the bytes the index holds for it.
#[derive(Debug, Clone)]
pub struct StagedFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

fn git_error(path: &Path, what: &str, e: impl std::fmt::Display) -> Error {
    Error::Git {
        path: path.to_owned(),
        message: format!("{what}: {e}"),
    }
}

/// The staged files below `under` (a folder in the work tree) for which `keep` (given the path
/// relative to `under`) says yes. Files staged for deletion are not returned: there is nothing
/// left to check.
pub fn staged_files(
    cwd: &Path,
    under: &Path,
    keep: impl Fn(&Path) -> bool,
) -> Result<Vec<StagedFile>> {
    let repo = gix::discover(cwd).map_err(|e| {
        git_error(
            cwd,
            "not in a git repository (--staged checks what `git commit` would record)",
            e,
        )
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| {
            git_error(
                cwd,
                "--staged needs a work tree",
                "this is a bare repository",
            )
        })?
        .to_owned();
    let workdir = workdir.canonicalize().unwrap_or(workdir);
    let under = under.canonicalize().unwrap_or_else(|_| under.to_owned());
    let Ok(prefix) = under.strip_prefix(&workdir) else {
        return Ok(Vec::new());
    };
    let index = repo
        .index_or_empty()
        .map_err(|e| git_error(&workdir, "cannot read the index", e))?;
    let head = repo
        .head()
        .map_err(|e| git_error(&workdir, "cannot read HEAD", e))?;
    let tree = if head.is_unborn() {
        None
    } else {
        Some(
            repo.head_tree()
                .map_err(|e| git_error(&workdir, "cannot read HEAD's tree", e))?,
        )
    };
    let mut out = Vec::new();
    for entry in index.entries() {
        if entry.stage_raw() != 0 {
            continue; // Conflicted: git refuses to commit until it is resolved.
        }
        let Ok(rel) = gix::path::from_bstr(entry.path(&index)) else {
            continue;
        };
        let Ok(inside) = rel.strip_prefix(prefix) else {
            continue;
        };
        if !keep(inside) {
            continue;
        }
        let unchanged = match &tree {
            Some(tree) => tree
                .lookup_entry_by_path(&rel)
                .map_err(|e| git_error(&workdir, "cannot read HEAD's tree", e))?
                .is_some_and(|e| e.object_id() == entry.id),
            None => false,
        };
        if unchanged {
            continue;
        }
        let blob = repo.find_object(entry.id).map_err(|e| {
            git_error(
                &workdir.join(&rel),
                "the staged version is missing from the object database",
                e,
            )
        })?;
        out.push(StagedFile {
            path: workdir.join(&rel),
            bytes: blob.detach().data,
        });
    }
    Ok(out)
}
