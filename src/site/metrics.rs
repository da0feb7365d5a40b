//! The stats page: the figures of [`crate::stats`] (the same as `pm stats` prints) made
//! readable — durations formatted, list pages linked — and charts of incidents per month by
//! severity, median TTD and TTR per month, and action items per quarter by status.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeDelta};
use serde::Serialize;

use super::charts::{self, Chart, Scale, Series};
use super::entry::{Entry, Groups};
use crate::duration::format_human;
use crate::stats::{Metric, NO_VALUE, Recurring, Stats, percentile};

/// A name, how often it occurs, and its list page.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub name: String,
    pub count: usize,
    pub url: Option<String>,
}

/// Median and 90th percentile of one duration over the reports that have it.
#[derive(Debug, Clone, Serialize)]
pub struct DurationStat {
    pub name: &'static str,
    pub description: &'static str,
    pub measured: usize,
    pub missing: usize,
    pub median: Option<String>,
    pub p90: Option<String>,
}

/// Incidents of one severity.
#[derive(Debug, Clone, Serialize)]
pub struct SeverityRow {
    pub name: String,
    pub url: Option<String>,
    pub incidents: usize,
    pub ttd: Option<String>,
    pub ttr: Option<String>,
    pub actions_open: usize,
}

/// Action items across the archive.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActionTotals {
    pub total: usize,
    pub done: usize,
    pub wontfix: usize,
    pub open: usize,
    pub overdue: usize,
    /// Done items as a whole percentage of the items not dropped.
    pub completion: Option<u32>,
}

/// A chart ready for the page.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    pub id: &'static str,
    pub title: &'static str,
    pub caption: String,
    /// Inline SVG (built from escaped text).
    pub svg: String,
}

/// Everything on the stats page.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub reports: usize,
    pub by_severity: Vec<SeverityRow>,
    pub by_status: Vec<Count>,
    pub durations: Vec<DurationStat>,
    pub actions: ActionTotals,
    pub recurring_services: Vec<Count>,
    pub recurring_tags: Vec<Count>,
    pub recurring_triggers: Vec<Count>,
    pub charts: Vec<ChartView>,
}

/// The stats page from `stats` (computed grouped by severity) and the site's entries.
pub fn compute(stats: &Stats, entries: &[Entry], groups: &Groups) -> Metrics {
    let human = |s: Option<i64>| s.map(|s| format_human(TimeDelta::seconds(s)));
    let duration = |name, description, m: &Metric| DurationStat {
        name,
        description,
        measured: m.measured,
        missing: m.missing,
        median: human(m.median_seconds),
        p90: human(m.p90_seconds),
    };
    let link = |map: &BTreeMap<String, String>, folder: &str, name: &str| {
        map.get(name).map(|slug| format!("{folder}/{slug}.html"))
    };
    let recurring = |list: &[Recurring], map: Option<(&BTreeMap<String, String>, &str)>| {
        list.iter()
            .take(15)
            .map(|r| Count {
                name: super::safe::clean_text(&r.name),
                count: r.count,
                url: map.and_then(|(m, folder)| link(m, folder, &r.name)),
            })
            .collect()
    };
    let c = &stats.incidents;
    let a = &stats.actions;
    Metrics {
        reports: c.total,
        by_severity: stats
            .groups
            .iter()
            .map(|g| SeverityRow {
                url: (g.key != NO_VALUE)
                    .then(|| link(&groups.severities, "severities", &g.key))
                    .flatten(),
                name: super::safe::clean_text(&g.key),
                incidents: g.incidents,
                ttd: human(g.ttd.median_seconds),
                ttr: human(g.ttr.median_seconds),
                actions_open: g.actions.open,
            })
            .collect(),
        by_status: [
            ("draft", c.draft),
            ("in-review", c.in_review),
            ("final", c.final_),
            ("unknown", c.unknown),
        ]
        .into_iter()
        .filter(|(name, n)| *n > 0 || *name != "unknown")
        .map(|(name, count)| Count {
            name: name.to_owned(),
            count,
            url: None,
        })
        .collect(),
        durations: vec![
            duration("TTD", "time to detect", &stats.ttd),
            duration("TTM", "time to mitigate", &stats.ttm),
            duration("TTR", "time to resolve", &stats.ttr),
        ],
        actions: ActionTotals {
            total: a.total,
            done: a.done,
            wontfix: a.wontfix,
            open: a.open,
            overdue: a.overdue,
            completion: a.completion_rate.map(|r| (r * 100.0).round() as u32),
        },
        recurring_services: recurring(
            &stats.recurrence.services,
            Some((&groups.services, "services")),
        ),
        recurring_tags: recurring(&stats.recurrence.tags, Some((&groups.tags, "tags"))),
        recurring_triggers: recurring(&stats.recurrence.triggers, None),
        charts: charts(entries, &severity_names(stats)),
    }
}

/// The severities in the order `stats` grouped them (configured order first).
fn severity_names(stats: &Stats) -> Vec<String> {
    stats
        .groups
        .iter()
        .filter(|g| g.key != NO_VALUE)
        .map(|g| g.key.clone())
        .collect()
}

/// The median (nearest rank, as `pm stats` computes it) of durations, in minutes.
fn median_minutes(values: &[TimeDelta]) -> Option<f64> {
    let mut seconds: Vec<i64> = values.iter().map(TimeDelta::num_seconds).collect();
    seconds.sort_unstable();
    percentile(&seconds, 50).map(|s| s as f64 / 60.0)
}

fn charts(entries: &[Entry], severities: &[String]) -> Vec<ChartView> {
    let dates: Vec<NaiveDate> = entries.iter().filter_map(|e| e.date_value).collect();
    let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) else {
        return Vec::new();
    };
    let months = months_between(*first, *last);
    let month_of = |d: NaiveDate| month_index(*first, d);

    let mut per_severity = vec![vec![0.0; months.len()]; severities.len()];
    let mut ttd = vec![Vec::new(); months.len()];
    let mut ttr = vec![Vec::new(); months.len()];
    for e in entries {
        let Some(m) = e.date_value.map(month_of) else {
            continue;
        };
        if let Some(k) = e
            .severity
            .as_ref()
            .and_then(|s| severities.iter().position(|n| *n == s.name))
        {
            per_severity[k][m] += 1.0;
        }
        ttd[m].extend(e.durations.ttd.filter(|d| *d >= TimeDelta::zero()));
        ttr[m].extend(e.durations.ttr.filter(|d| *d >= TimeDelta::zero()));
    }
    let severity_series: Vec<Series> = severities
        .iter()
        .zip(per_severity)
        .map(|(name, counts)| Series {
            name: name.clone(),
            class: None,
            values: counts.into_iter().map(Some).collect(),
        })
        .collect();
    let monthly_median = |values: Vec<Vec<TimeDelta>>| {
        values
            .into_iter()
            .map(|v| median_minutes(&v))
            .collect::<Vec<_>>()
    };
    let time_series = vec![
        Series {
            name: "TTD".into(),
            class: Some("ttd"),
            values: monthly_median(ttd),
        },
        Series {
            name: "TTR".into(),
            class: Some("ttr"),
            values: monthly_median(ttr),
        },
    ];

    let quarters = quarters_between(*first, *last);
    let quarter_of = |d: NaiveDate| quarter_index(*first, d);
    let mut completion = vec![vec![0.0; quarters.len()]; 4];
    for e in entries {
        let Some(q) = e.date_value.map(quarter_of) else {
            continue;
        };
        for a in &e.actions {
            let k = match a.status {
                "done" => 0,
                "wontfix" => 1,
                _ if a.overdue => 3,
                _ => 2,
            };
            completion[k][q] += 1.0;
        }
    }
    let completion_series: Vec<Series> = [
        ("done", "done"),
        ("won't fix", "wontfix"),
        ("open", "open"),
        ("overdue", "overdue"),
    ]
    .into_iter()
    .zip(completion)
    .map(|((name, class), counts)| Series {
        name: name.into(),
        class: Some(class),
        values: counts.into_iter().map(Some).collect(),
    })
    .collect();

    let span = format!(
        "{} to {}",
        months.first().map_or("", String::as_str),
        months.last().map_or("", String::as_str)
    );
    vec![
        ChartView {
            id: "chart-incidents",
            title: "Incidents per month by severity",
            caption: format!("Reports by incident month, {span}."),
            svg: charts::stacked_bars(&Chart {
                id: "chart-incidents-title",
                title: "Incidents per month by severity",
                categories: &months,
                series: &severity_series,
                scale: Scale::Count,
            }),
        },
        ChartView {
            id: "chart-durations",
            title: "Time to detect and time to resolve",
            caption: format!("Median TTD and TTR of the incidents of each month, {span}."),
            svg: charts::lines(&Chart {
                id: "chart-durations-title",
                title: "Median TTD and TTR per month",
                categories: &months,
                series: &time_series,
                scale: Scale::Minutes,
            }),
        },
        ChartView {
            id: "chart-actions",
            title: "Action item completion",
            caption: "Action items by the quarter of their incident and where they stand now."
                .into(),
            svg: charts::stacked_bars(&Chart {
                id: "chart-actions-title",
                title: "Action items per quarter by status",
                categories: &quarters,
                series: &completion_series,
                scale: Scale::Count,
            }),
        },
    ]
}

fn month_index(first: NaiveDate, d: NaiveDate) -> usize {
    let m = (d.year() - first.year()) * 12 + d.month0() as i32 - first.month0() as i32;
    usize::try_from(m).unwrap_or(0)
}

fn months_between(first: NaiveDate, last: NaiveDate) -> Vec<String> {
    let n = month_index(first, last) + 1;
    (0..n)
        .map(|i| {
            let total = first.year() * 12 + first.month0() as i32 + i as i32;
            format!(
                "{:04}-{:02}",
                total.div_euclid(12),
                total.rem_euclid(12) + 1
            )
        })
        .collect()
}

fn quarter_index(first: NaiveDate, d: NaiveDate) -> usize {
    let q = (d.year() - first.year()) * 4 + (d.month0() / 3) as i32 - (first.month0() / 3) as i32;
    usize::try_from(q).unwrap_or(0)
}

fn quarters_between(first: NaiveDate, last: NaiveDate) -> Vec<String> {
    let n = quarter_index(first, last) + 1;
    (0..n)
        .map(|i| {
            let total = first.year() * 4 + (first.month0() / 3) as i32 + i as i32;
            format!("{} Q{}", total.div_euclid(4), total.rem_euclid(4) + 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn month_and_quarter_ranges() {
        assert_eq!(
            months_between(d("2024-11-03"), d("2025-02-01")),
            ["2024-11", "2024-12", "2025-01", "2025-02"]
        );
        assert_eq!(
            quarters_between(d("2024-11-03"), d("2025-04-01")),
            ["2024 Q4", "2025 Q1", "2025 Q2"]
        );
    }
}
