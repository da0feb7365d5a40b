//! Helpers the CLI test suites share. Each file in `tests/` is a crate of its own that uses
//! some of them, hence `dead_code` allowed here.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// Set when tests run inside a git hook; they would point git (and pm) at the outer repository.
pub const INHERITED_GIT_VARS: [&str; 5] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
];

/// `pm` run in `dir`, without colour and without git variables inherited from the caller.
pub fn pm(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("pm").unwrap();
    for var in INHERITED_GIT_VARS {
        cmd.env_remove(var);
    }
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// The sample repository of reports.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Writes `text` to `root/rel`, creating the folders on the way.
pub fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Every file under `dir`, relative and `/`-separated, with its bytes. Symlinks are listed, not
/// followed; one that cannot be read (to a folder, or nowhere) is listed with no bytes.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    out
}
