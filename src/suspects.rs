//! Ranking the commits of an incident window as suspects: a score from 0 to 100 with the reasons
//! that produced it. Landing shortly before T-0 weighs most, then touching the affected services'
//! paths, then being a merge or a tagged release, then the size of the change. Reverts inside the
//! window are marked as likely mitigation rather than suspects.

use chrono::{DateTime, TimeDelta, Utc};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::duration::format_human;
use crate::error::{Error, Result};
use crate::git::commits::CommitDetails;

/// The globs of one service (or of `--path`).
#[derive(Debug, Clone)]
pub struct PathGroup {
    pub name: String,
    set: GlobSet,
}

impl PathGroup {
    /// Compiles `globs`; an invalid glob is an error naming it.
    pub fn new(name: &str, globs: &[String]) -> Result<Self> {
        let mut builder = GlobSetBuilder::new();
        for g in globs {
            let glob = Glob::new(g)
                .map_err(|e| Error::Usage(format!("invalid path glob `{g}` for {name}: {e}")))?;
            builder.add(glob);
        }
        let set = builder
            .build()
            .map_err(|e| Error::Usage(format!("invalid path globs for {name}: {e}")))?;
        Ok(Self {
            name: name.to_owned(),
            set,
        })
    }

    pub fn matches(&self, path: &str) -> bool {
        self.set.is_match(path)
    }
}

/// What the ranking knows of the incident.
#[derive(Debug, Clone)]
pub struct Incident {
    /// T-0 (started_at), when known.
    pub t0: Option<DateTime<Utc>>,
    /// How long before T-0 a commit counts as having landed shortly before.
    pub lookback: TimeDelta,
    /// The affected services' paths.
    pub paths: Vec<PathGroup>,
}

/// A commit with its suspicion score.
#[derive(Debug, Clone, Serialize)]
pub struct Suspect {
    /// Name of the repository it is in.
    pub repo: String,
    #[serde(flatten)]
    pub commit: CommitDetails,
    pub score: u32,
    pub reasons: Vec<String>,
    /// A revert inside the window: probably how the incident was mitigated.
    pub likely_mitigation: bool,
}

/// Scores one commit.
pub fn score(repo: &str, commit: CommitDetails, incident: &Incident) -> Suspect {
    let mut score = 0u32;
    let mut reasons = Vec::new();
    let at = commit.committer.time.with_timezone(&Utc);
    if let Some(t0) = incident.t0 {
        if at <= t0 {
            let before = t0 - at;
            if before <= incident.lookback {
                let lookback = incident.lookback.num_seconds().max(1) as f64;
                let closeness = 1.0 - before.num_seconds() as f64 / lookback;
                score += 5 + (35.0 * closeness).round() as u32;
                reasons.push(format!("landed {} before T-0", format_human(before)));
            }
        } else {
            score += 5;
            reasons.push(format!(
                "landed {} after T-0, during the incident",
                format_human(at - t0)
            ));
        }
    }
    let mut matched: Vec<(&str, &str)> = Vec::new();
    for group in &incident.paths {
        if let Some(path) = commit
            .changes
            .iter()
            .flat_map(|c| c.paths())
            .find(|p| group.matches(p))
        {
            matched.push((group.name.as_str(), path));
        }
    }
    if !matched.is_empty() {
        score += 30;
        let names: Vec<String> = matched.iter().map(|(n, p)| format!("{n} ({p})")).collect();
        reasons.push(format!("touches the paths of {}", names.join(", ")));
    }
    if commit.is_merge {
        score += 10;
        reasons.push(format!("merge of {} parents", commit.parents.len()));
    }
    if !commit.tags.is_empty() {
        score += 15;
        reasons.push(format!(
            "tagged {} (release or deploy marker)",
            commit.tags.join(", ")
        ));
    }
    let files = commit.changes.len();
    if files >= 20 {
        score += 10;
        reasons.push(format!("large change: {files} files"));
    } else if files >= 5 {
        score += 5;
        reasons.push(format!("{files} files changed"));
    }
    let likely_mitigation = commit.reverts.is_some();
    if likely_mitigation {
        score /= 2;
        reasons.push(match commit.reverts.as_deref() {
            Some(h) if !h.is_empty() => {
                format!("reverts {}: likely mitigation", &h[..h.len().min(7)])
            }
            _ => "a revert: likely mitigation".to_owned(),
        });
    }
    Suspect {
        repo: repo.to_owned(),
        commit,
        score: score.min(100),
        reasons,
        likely_mitigation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::commits::{PathChange, Stamp};

    fn commit(minutes_before_t0: i64, paths: &[&str]) -> CommitDetails {
        let t0 = DateTime::parse_from_rfc3339("2024-03-01T10:00:00Z").unwrap();
        let stamp = Stamp {
            name: "A".into(),
            email: "a@x".into(),
            time: t0 - TimeDelta::minutes(minutes_before_t0),
        };
        CommitDetails {
            id: "a".repeat(40),
            short: "aaaaaaa".into(),
            author: stamp.clone(),
            committer: stamp,
            summary: "change".into(),
            parents: vec!["b".repeat(40)],
            is_merge: false,
            reverts: None,
            tags: vec![],
            changes: paths
                .iter()
                .map(|p| PathChange::Modified { path: (*p).into() })
                .collect(),
        }
    }

    fn incident() -> Incident {
        Incident {
            t0: Some(
                DateTime::parse_from_rfc3339("2024-03-01T10:00:00Z")
                    .unwrap()
                    .with_timezone(&Utc),
            ),
            lookback: TimeDelta::hours(24),
            paths: vec![PathGroup::new("checkout-api", &["services/checkout/**".into()]).unwrap()],
        }
    }

    #[test]
    fn closer_to_t0_and_on_the_service_scores_higher() {
        let near = score("r", commit(10, &["services/checkout/pool.rs"]), &incident());
        let far = score("r", commit(20 * 60, &["docs/readme.md"]), &incident());
        assert!(near.score > far.score, "{} vs {}", near.score, far.score);
        assert!(
            near.reasons.iter().any(|r| r.contains("10m before T-0")),
            "{:?}",
            near.reasons
        );
        assert!(
            near.reasons
                .iter()
                .any(|r| r.contains("checkout-api (services/checkout/pool.rs)"))
        );
        let outside = score("r", commit(48 * 60, &[]), &incident());
        assert_eq!(outside.score, 0);
    }

    #[test]
    fn reverts_are_likely_mitigation() {
        let mut c = commit(-5, &["services/checkout/pool.rs"]);
        c.reverts = Some("c".repeat(40));
        let s = score("r", c, &incident());
        assert!(s.likely_mitigation);
        assert!(s.reasons.iter().any(|r| r.contains("likely mitigation")));
    }

    #[test]
    fn bad_glob_is_an_error() {
        assert!(PathGroup::new("x", &["a/[".into()]).is_err());
    }
}
