//! `Postmortem-Action: <report-id>#<n>` trailers: the commits reachable from `HEAD` that say
//! they deliver an action item. Parsing follows git's trailer rules (`git interpret-trailers`):
//! trailers live in the last paragraph of the message, which must not be the subject, and which
//! consists of `Key: value` lines (continuation lines start with whitespace); keys compare
//! case-insensitively. Matching trailers against reports is `actions::collect`'s job.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::git_error;
use crate::error::Result;

/// The trailer key, compared case-insensitively.
pub const ACTION_TRAILER: &str = "Postmortem-Action";

/// One `Postmortem-Action` trailer of one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trailer {
    /// The part before the last `#` (trimmed); the whole value when there is no `#`.
    pub report_id: String,
    /// The part after the last `#` (trimmed); empty when the value has no `#`.
    pub item: String,
    /// Full hex hash of the commit.
    pub commit: String,
    /// Committer date, with the committer's offset: when the change landed.
    pub date: DateTime<FixedOffset>,
}

impl Trailer {
    /// The abbreviated hash people see (`git log --oneline` length).
    pub fn short_commit(&self) -> &str {
        self.commit.get(..7).unwrap_or(&self.commit)
    }

    /// The value as written: `report-id#n`.
    pub fn value(&self) -> String {
        if self.item.is_empty() {
            self.report_id.clone()
        } else {
            format!("{}#{}", self.report_id, self.item)
        }
    }
}

/// The work tree (or git dir, when bare) of the repository containing `dir`, or `None` when
/// `dir` is not inside a repository.
pub fn find_repository(dir: &Path) -> Option<PathBuf> {
    let repo = gix::discover(dir).ok()?;
    Some(repo.workdir().unwrap_or_else(|| repo.git_dir()).to_owned())
}

/// Every `Postmortem-Action` trailer in the history reachable from `HEAD` of the repository that
/// contains `repo_dir`, newest commits first. No repository, an empty repository or an unborn
/// `HEAD` mean no trailers (use [`find_repository`] to tell them apart); a repository that cannot
/// be read is an error.
pub fn action_trailers(repo_dir: &Path) -> Result<Vec<Trailer>> {
    let mut repo = match gix::discover(repo_dir) {
        Ok(repo) => repo,
        Err(e) if is_not_found(&e) => return Ok(Vec::new()),
        Err(e) => return Err(git_error(repo_dir, "cannot open the git repository", e)),
    };
    repo.object_cache_size_if_unset(4 * 1024 * 1024);
    let where_ = repo.workdir().unwrap_or_else(|| repo.git_dir()).to_owned();
    let head = repo
        .head()
        .map_err(|e| git_error(&where_, "cannot read HEAD", e))?;
    let Some(head_id) = head.id() else {
        return Ok(Vec::new()); // Unborn: nothing committed yet.
    };
    let walk = repo
        .rev_walk([head_id.detach()])
        .all()
        .map_err(|e| git_error(&where_, "cannot walk the history from HEAD", e))?;
    let mut out = Vec::new();
    for info in walk {
        let info = info.map_err(|e| git_error(&where_, "cannot walk the history from HEAD", e))?;
        let commit = info
            .object()
            .map_err(|e| git_error(&where_, &format!("cannot read commit {}", info.id), e))?;
        let message = commit.message_raw_sloppy();
        if !contains_ignore_ascii_case(message, ACTION_TRAILER.as_bytes()) {
            continue; // The common case, decided without decoding the commit.
        }
        let values = action_values(&String::from_utf8_lossy(message));
        if values.is_empty() {
            continue;
        }
        let time = commit.time().map_err(|e| {
            git_error(
                &where_,
                &format!("cannot read the date of commit {}", info.id),
                e,
            )
        })?;
        let date = to_datetime(time.seconds, time.offset).ok_or_else(|| {
            git_error(
                &where_,
                &format!("commit {}", info.id),
                "its committer date is out of range",
            )
        })?;
        let hex = info.id.to_hex().to_string();
        for value in values {
            let (report_id, item) = split_value(&value);
            out.push(Trailer {
                report_id,
                item,
                commit: hex.clone(),
                date,
            });
        }
    }
    Ok(out)
}

fn is_not_found(e: &gix::Error) -> bool {
    use gix::discover::upwards::Error as Upwards;
    matches!(
        e.downcast_any_ref::<Upwards>(),
        Some(
            Upwards::NoGitRepository { .. }
                | Upwards::NoGitRepositoryWithinCeiling { .. }
                | Upwards::NoGitRepositoryWithinFs { .. }
        )
    )
}

fn to_datetime(seconds: i64, offset: i32) -> Option<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(offset)?;
    Some(DateTime::from_timestamp(seconds, 0)?.with_timezone(&offset))
}

fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// `report-id#n` → (`report-id`, `n`), split at the last `#` so ids may contain one.
fn split_value(value: &str) -> (String, String) {
    match value.rsplit_once('#') {
        Some((id, item)) => (id.trim().to_owned(), item.trim().to_owned()),
        None => (value.trim().to_owned(), String::new()),
    }
}

/// The values of the `Postmortem-Action` trailers of a commit message, in order.
pub fn action_values(message: &str) -> Vec<String> {
    trailers(message)
        .into_iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case(ACTION_TRAILER))
        .map(|(_, value)| value)
        .filter(|v| !v.is_empty())
        .collect()
}

/// Lines git itself adds, which make a mixed last paragraph count as a trailer block.
const GIT_GENERATED: [&str; 2] = ["Signed-off-by: ", "(cherry picked from commit "];

/// The trailers of a commit message as `(key, value)` pairs, following git's rules: the last
/// paragraph (not the subject's) is the trailer block when all its lines are trailers or
/// continuation lines, or — as git allows — when at least a quarter of them are trailers and
/// one is a line git generates (`Signed-off-by: `, `(cherry picked from commit `). A `---` line
/// ends the message (what follows is a patch); `#` lines are comments.
pub fn trailers(message: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = message
        .lines()
        .take_while(|l| !is_divider(l))
        .filter(|l| !l.starts_with('#'))
        .collect();
    let paragraphs: Vec<&[&str]> = lines
        .split(|l| l.trim().is_empty())
        .filter(|p| !p.is_empty())
        .collect();
    if paragraphs.len() < 2 {
        return Vec::new(); // Only a subject (or nothing).
    }
    let Some(block) = paragraphs.last() else {
        return Vec::new();
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    let (mut trailer_lines, mut other_lines, mut generated) = (0usize, 0usize, false);
    let mut last_was_trailer = false;
    for line in *block {
        if line.starts_with([' ', '\t']) && last_was_trailer {
            if let Some((_, value)) = pairs.last_mut() {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(line.trim());
            }
            continue;
        }
        generated |= GIT_GENERATED.iter().any(|g| line.starts_with(g));
        if let Some((key, value)) = parse_trailer_line(line) {
            trailer_lines += 1;
            pairs.push((key.to_owned(), value.trim().to_owned()));
            last_was_trailer = true;
        } else {
            other_lines += 1;
            last_was_trailer = false;
        }
    }
    let is_block =
        trailer_lines > 0 && (other_lines == 0 || (generated && trailer_lines * 3 >= other_lines));
    if is_block { pairs } else { Vec::new() }
}

/// A `---` line (optionally followed by a space and text) starts a patch in a mail-style message.
fn is_divider(line: &str) -> bool {
    line == "---" || line.starts_with("--- ")
}

/// `Key: value`, where the key is letters, digits and `-` (git allows spaces before the colon).
fn parse_trailer_line(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim_end();
    let valid = !key.is_empty()
        && !key.starts_with('-')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    valid.then_some((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_in_the_last_paragraph() {
        let msg = "Fix pool size\n\nBody text: not a trailer.\n\nPostmortem-Action: PM-1#2\npostmortem-action : PM-1#3\nReviewed-by: A <a@x>\n";
        assert_eq!(action_values(msg), ["PM-1#2", "PM-1#3"]);
    }

    #[test]
    fn not_in_the_subject_nor_in_the_body() {
        assert!(action_values("Postmortem-Action: PM-1#2\n").is_empty());
        let msg = "Subject\n\nPostmortem-Action: PM-1#2\n\nA closing paragraph of prose.\n";
        assert!(action_values(msg).is_empty());
    }

    #[test]
    fn a_mixed_paragraph_counts_only_with_a_git_line() {
        let mixed = "Subject\n\nSome prose here\nPostmortem-Action: PM-1#2\n";
        assert!(action_values(mixed).is_empty());
        let signed =
            "Subject\n\nSome prose here\nPostmortem-Action: PM-1#2\nSigned-off-by: A <a@x>\n";
        assert_eq!(action_values(signed), ["PM-1#2"]);
    }

    #[test]
    fn continuation_lines_and_patches() {
        let msg = "Subject\n\nPostmortem-Action:\n  PM-1#4\n";
        assert_eq!(action_values(msg), ["PM-1#4"]);
        let patch = "Subject\n\nPostmortem-Action: PM-1#1\n---\n diff\n";
        assert_eq!(action_values(patch), ["PM-1#1"]);
        let crlf = "Subject\r\n\r\nPostmortem-Action: PM-1#5\r\n";
        assert_eq!(action_values(crlf), ["PM-1#5"]);
    }

    #[test]
    fn values_split_at_the_last_hash() {
        assert_eq!(split_value(" PM-1#3 "), ("PM-1".into(), "3".into()));
        assert_eq!(split_value("a#b#7"), ("a#b".into(), "7".into()));
        assert_eq!(split_value("PM-1"), ("PM-1".into(), String::new()));
    }

    #[test]
    fn not_a_repository_means_no_trailers() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        if find_repository(dir.path()).is_none() {
            assert_eq!(action_trailers(dir.path()).ok(), Some(Vec::new()));
        }
    }
}
