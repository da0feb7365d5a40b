//! Incident metrics across the archive: counts by review status and by a grouping, TTD / TTM /
//! TTR median and p90, action item completion, and recurrence (services, tags and triggers seen
//! in several incidents). Pure: computed from a loaded [`Archive`] and the [`ActionsReport`] of
//! [`crate::actions::collect`], so `pm stats` and the site agree.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate, TimeDelta};
use serde::Serialize;

use crate::actions::{ActionsReport, TrackedItem};
use crate::archive::Archive;
use crate::config::Config;
use crate::report::{ActionStatus, Milestones, Report, Status};

/// How `--by` groups incidents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum GroupBy {
    /// The front matter `severity`, in the configured order.
    Severity,
    /// Each of the front matter `services` (an incident counts once for every service it lists).
    Service,
    /// The calendar quarter of the report's `date` (`2024-Q3`).
    Quarter,
    /// The front matter `trigger`.
    Trigger,
}

impl GroupBy {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Severity => "severity",
            Self::Service => "service",
            Self::Quarter => "quarter",
            Self::Trigger => "trigger",
        }
    }
}

/// The group key of incidents that have no value for the grouping.
pub const NO_VALUE: &str = "(none)";

/// What to compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsOptions {
    pub by: Option<GroupBy>,
    /// Only reports whose `date` is on or after this day (undated reports are then left out).
    pub since: Option<NaiveDate>,
    /// `reports.file_name`, for default report ids.
    pub file_name: String,
    /// `reports.severities`, most severe first: the order of `--by severity` groups.
    pub severities: Vec<String>,
}

impl StatsOptions {
    /// Options from the configuration, without grouping or date filter.
    pub fn new(config: &Config) -> Self {
        Self {
            by: None,
            since: None,
            file_name: config.reports.file_name.clone(),
            severities: config.reports.severities.clone(),
        }
    }
}

/// Everything `pm stats` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The day overdue items are counted on.
    pub as_of: NaiveDate,
    pub since: Option<NaiveDate>,
    /// Reports left out because `since` is set and they have no readable `date`.
    pub undated_excluded: usize,
    pub incidents: IncidentCounts,
    pub ttd: Metric,
    pub ttm: Metric,
    pub ttr: Metric,
    pub actions: ActionCounts,
    /// The grouping asked for, and its groups (empty without one).
    pub by: Option<GroupBy>,
    pub groups: Vec<Group>,
    pub recurrence: Recurrence,
}

/// Incidents by review status; `unknown` when the status cannot be read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IncidentCounts {
    pub total: usize,
    pub draft: usize,
    pub in_review: usize,
    #[serde(rename = "final")]
    pub final_: usize,
    pub unknown: usize,
}

/// One duration metric over the incidents that have the milestone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Metric {
    /// Incidents measured.
    pub measured: usize,
    /// Incidents left out: no `started_at` or no such milestone, or the milestone lies before
    /// T-0 (a PM004 error, which would only distort the figures).
    pub missing: usize,
    /// Median in seconds: the nearest-rank 50th percentile (see [`percentile`]).
    pub median_seconds: Option<i64>,
    /// 90th percentile in seconds, nearest-rank.
    pub p90_seconds: Option<i64>,
}

impl Metric {
    /// The metric over `values` (seconds; negative values count as missing) out of `incidents`.
    pub fn of(mut values: Vec<i64>, incidents: usize) -> Self {
        values.retain(|v| *v >= 0);
        values.sort_unstable();
        Self {
            measured: values.len(),
            missing: incidents - values.len().min(incidents),
            median_seconds: percentile(&values, 50),
            p90_seconds: percentile(&values, 90),
        }
    }

    pub fn median(&self) -> Option<TimeDelta> {
        self.median_seconds.map(TimeDelta::seconds)
    }

    pub fn p90(&self) -> Option<TimeDelta> {
        self.p90_seconds.map(TimeDelta::seconds)
    }
}

/// Action item counts by effective status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ActionCounts {
    pub total: usize,
    pub done: usize,
    /// Not done and not dropped (open, in progress, or an unrecognised status).
    pub open: usize,
    /// Open and past the due date on `as_of`.
    pub overdue: usize,
    pub wontfix: usize,
    /// `done / (total − wontfix)`: dropped items are neither done nor left to do. `None` when
    /// there is nothing to do.
    pub completion_rate: Option<f64>,
}

impl ActionCounts {
    pub fn of<'a>(items: impl IntoIterator<Item = &'a TrackedItem>) -> Self {
        let mut c = Self::default();
        for item in items {
            c.total += 1;
            match item.status {
                ActionStatus::Done => c.done += 1,
                ActionStatus::Wontfix => c.wontfix += 1,
                ActionStatus::Open | ActionStatus::InProgress => c.open += 1,
            }
            c.overdue += usize::from(item.is_overdue());
        }
        let to_do = c.total - c.wontfix;
        c.completion_rate = (to_do > 0).then(|| c.done as f64 / to_do as f64);
        c
    }
}

/// The incidents sharing one value of the grouping.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The value (`SEV1`, `checkout-api`, `2024-Q3`, `traffic`), or [`NO_VALUE`].
    pub key: String,
    pub incidents: usize,
    /// Ids of the group's reports, oldest first.
    pub reports: Vec<String>,
    pub ttd: Metric,
    pub ttm: Metric,
    pub ttr: Metric,
    pub actions: ActionCounts,
}

/// Values seen in more than one incident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Recurrence {
    pub services: Vec<Recurring>,
    pub tags: Vec<Recurring>,
    pub triggers: Vec<Recurring>,
}

/// A service, tag or trigger and the incidents it appears in (most incidents first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recurring {
    /// As first written (values are compared ignoring case).
    pub name: String,
    pub count: usize,
    /// Report ids, oldest first.
    pub reports: Vec<String>,
}

/// The `p`-th percentile (0 < p ≤ 100) of ascending `sorted` values by the nearest-rank method:
/// the value at rank ⌈p/100 · n⌉ (1-based). It is always one of the values, never an
/// interpolation; the median (p = 50) of an even count is the lower of the middle two.
/// `None` for no values.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (usize::try_from(p.clamp(1, 100)).unwrap_or(100) * n).div_ceil(100);
    sorted.get(rank.clamp(1, n) - 1).copied()
}

/// One incident as the metrics see it.
struct Incident<'a> {
    report: &'a Report,
    id: String,
    date: Option<NaiveDate>,
    milestones: Milestones,
}

/// Computes the statistics of the archive's reports (those dated on or after `since`, if set).
/// `actions` must come from [`crate::actions::collect`] over the same archive; its items are
/// matched to reports by path.
pub fn compute(archive: &Archive, actions: &ActionsReport, options: &StatsOptions) -> Stats {
    let mut undated_excluded = 0;
    let mut incidents: Vec<Incident<'_>> = Vec::new();
    for report in &archive.reports {
        let date = report.meta().and_then(|m| m.date);
        if let Some(since) = options.since {
            match date {
                None => {
                    undated_excluded += 1;
                    continue;
                }
                Some(d) if d < since => continue,
                Some(_) => {}
            }
        }
        incidents.push(Incident {
            report,
            id: report.id(&options.file_name),
            date,
            milestones: report.milestones(),
        });
    }
    incidents.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));

    let mut items_by_path: HashMap<&Path, Vec<&TrackedItem>> = HashMap::new();
    for item in &actions.items {
        items_by_path
            .entry(item.path.as_path())
            .or_default()
            .push(item);
    }
    let items_of = |group: &[&Incident<'_>]| -> Vec<&TrackedItem> {
        group
            .iter()
            .flat_map(|i| {
                items_by_path
                    .get(i.report.path.as_path())
                    .into_iter()
                    .flatten()
                    .copied()
            })
            .collect()
    };

    let all: Vec<&Incident<'_>> = incidents.iter().collect();
    let mut counts = IncidentCounts {
        total: all.len(),
        ..IncidentCounts::default()
    };
    for i in &all {
        match i.report.status() {
            Some(Status::Draft) => counts.draft += 1,
            Some(Status::InReview) => counts.in_review += 1,
            Some(Status::Final) => counts.final_ += 1,
            None => counts.unknown += 1,
        }
    }
    let (ttd, ttm, ttr) = metrics(&all);
    let groups = options
        .by
        .map(|by| {
            group(&all, by, &options.severities)
                .into_iter()
                .map(|(key, members)| {
                    let (ttd, ttm, ttr) = metrics(&members);
                    Group {
                        key,
                        incidents: members.len(),
                        reports: members.iter().map(|i| i.id.clone()).collect(),
                        ttd,
                        ttm,
                        ttr,
                        actions: ActionCounts::of(items_of(&members)),
                    }
                })
                .collect()
        })
        .unwrap_or_default();

    Stats {
        as_of: actions.as_of,
        since: options.since,
        undated_excluded,
        incidents: counts,
        ttd,
        ttm,
        ttr,
        actions: ActionCounts::of(items_of(&all)),
        by: options.by,
        groups,
        recurrence: Recurrence {
            services: recurring(&all, |r| {
                r.meta().map(|m| m.services.clone()).unwrap_or_default()
            }),
            tags: recurring(&all, |r| {
                r.meta().map(|m| m.tags.clone()).unwrap_or_default()
            }),
            triggers: recurring(&all, |r| {
                r.meta()
                    .and_then(|m| m.trigger.clone())
                    .into_iter()
                    .collect()
            }),
        },
    }
}

fn metrics(incidents: &[&Incident<'_>]) -> (Metric, Metric, Metric) {
    let seconds = |f: fn(&Milestones) -> Option<TimeDelta>| -> Vec<i64> {
        incidents
            .iter()
            .filter_map(|i| f(&i.milestones))
            .map(|d| d.num_seconds())
            .collect()
    };
    let n = incidents.len();
    (
        Metric::of(seconds(Milestones::ttd), n),
        Metric::of(seconds(Milestones::ttm), n),
        Metric::of(seconds(Milestones::ttr), n),
    )
}

/// The incidents of each value of the grouping, in the grouping's natural order: severities as
/// configured, quarters in time, services and triggers by incident count then name; incidents
/// without a value last.
fn group<'a, 'b>(
    incidents: &[&'b Incident<'a>],
    by: GroupBy,
    severities: &[String],
) -> Vec<(String, Vec<&'b Incident<'a>>)> {
    // Keys compare ignoring case; the first spelling seen is shown.
    let mut groups: Vec<(String, Vec<&'b Incident<'a>>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for &incident in incidents {
        let meta = incident.report.meta();
        let mut keys: Vec<String> = match by {
            GroupBy::Severity => meta.and_then(|m| m.severity.clone()).into_iter().collect(),
            GroupBy::Service => meta.map(|m| m.services.clone()).unwrap_or_default(),
            GroupBy::Trigger => meta.and_then(|m| m.trigger.clone()).into_iter().collect(),
            GroupBy::Quarter => incident
                .date
                .map(|d| format!("{}-Q{}", d.year(), d.month0() / 3 + 1))
                .into_iter()
                .collect(),
        };
        keys = keys
            .into_iter()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        if keys.is_empty() {
            keys.push(NO_VALUE.to_owned());
        }
        let mut seen = HashSet::new();
        for key in keys {
            let folded = key.to_lowercase();
            if !seen.insert(folded.clone()) {
                continue;
            }
            let i = *index.entry(folded).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            });
            groups[i].1.push(incident);
        }
    }
    let rank = |key: &str| -> (bool, usize) {
        let none = key == NO_VALUE;
        let configured = severities
            .iter()
            .position(|s| s.eq_ignore_ascii_case(key))
            .unwrap_or(usize::MAX);
        (none, configured)
    };
    match by {
        GroupBy::Severity => groups.sort_by(|a, b| {
            (rank(&a.0), a.0.to_lowercase()).cmp(&(rank(&b.0), b.0.to_lowercase()))
        }),
        GroupBy::Quarter => {
            groups.sort_by(|a, b| (a.0 == NO_VALUE, &a.0).cmp(&(b.0 == NO_VALUE, &b.0)))
        }
        GroupBy::Service | GroupBy::Trigger => groups.sort_by(|a, b| {
            (
                a.0 == NO_VALUE,
                std::cmp::Reverse(a.1.len()),
                a.0.to_lowercase(),
            )
                .cmp(&(
                    b.0 == NO_VALUE,
                    std::cmp::Reverse(b.1.len()),
                    b.0.to_lowercase(),
                ))
        }),
    }
    groups
}

/// Values (compared ignoring case) that appear in at least two incidents.
fn recurring(
    incidents: &[&Incident<'_>],
    values: impl Fn(&Report) -> Vec<String>,
) -> Vec<Recurring> {
    let mut seen: BTreeMap<String, Recurring> = BTreeMap::new();
    for incident in incidents {
        let mut mine = HashSet::new();
        for value in values(incident.report) {
            let name = value.trim();
            let folded = name.to_lowercase();
            if name.is_empty() || !mine.insert(folded.clone()) {
                continue;
            }
            let entry = seen.entry(folded).or_insert_with(|| Recurring {
                name: name.to_owned(),
                count: 0,
                reports: Vec::new(),
            });
            entry.count += 1;
            entry.reports.push(incident.id.clone());
        }
    }
    let mut out: Vec<Recurring> = seen.into_values().filter(|r| r.count > 1).collect();
    out.sort_by(|a, b| {
        (std::cmp::Reverse(a.count), a.name.to_lowercase())
            .cmp(&(std::cmp::Reverse(b.count), b.name.to_lowercase()))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=10).map(|x| x * 10).collect();
        assert_eq!(percentile(&v, 50), Some(50), "⌈0.5·10⌉ = 5th value");
        assert_eq!(percentile(&v, 90), Some(90), "⌈0.9·10⌉ = 9th value");
        assert_eq!(percentile(&v, 100), Some(100));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[1, 2, 3], 50), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2), "lower middle");
        assert_eq!(percentile(&[1, 2, 3, 4], 90), Some(4), "⌈3.6⌉ = 4th");
        assert_eq!(percentile(&[5, 6, 7, 8, 9], 90), Some(9), "⌈4.5⌉ = 5th");
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn metric_leaves_out_negative_durations() {
        let m = Metric::of(vec![600, -60, 60, 300], 6);
        assert_eq!(m.measured, 3);
        assert_eq!(m.missing, 3);
        assert_eq!(m.median_seconds, Some(300));
        assert_eq!(m.p90_seconds, Some(600));
    }
}
