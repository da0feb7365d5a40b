//! Action items across the archive: every item of every report with its effective status — as
//! the table says, or done because a commit's `Postmortem-Action` trailer says so — its days
//! overdue on a given date, and the trailers that name no known item. Pure: the caller loads the
//! archive and walks git ([`crate::git::trailers`]); `pm actions`, `pm stats` and the site share
//! this view.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use crate::archive::Archive;
use crate::git::trailers::Trailer;
use crate::report::{ActionItem, ActionStatus, Cell, Report};

/// Every action item of an archive as of a date, and the trailers that matched nothing.
#[derive(Debug, Clone, Serialize)]
pub struct ActionsReport {
    /// The day "overdue" is judged on.
    pub as_of: NaiveDate,
    /// Sorted by due date (items without one last), then report id, then position.
    pub items: Vec<TrackedItem>,
    /// Trailers naming a report or item that does not exist, oldest commit first.
    pub unknown_trailers: Vec<UnknownTrailer>,
}

/// One action item with its report and effective status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackedItem {
    /// The report's id ([`Report::id`]).
    pub report: String,
    /// The report's title (front matter `title`, else its `# heading`, else its id).
    pub title: String,
    /// The report file.
    pub path: PathBuf,
    /// The incident date, when the front matter has one.
    pub report_date: Option<NaiveDate>,
    /// How people refer to the item: its `#` cell, else its position ([`ActionItem::label`]).
    pub item: String,
    /// Position among the table's rows (1-based).
    pub index: usize,
    /// The Action Item cell.
    pub text: String,
    pub owner: Option<String>,
    /// The due cell as written (also when it is not a date).
    pub due_text: Option<String>,
    /// The due cell read as a `YYYY-MM-DD` date.
    pub due: Option<NaiveDate>,
    /// Days past the due date on `as_of`, for open items only (`None` when not overdue).
    pub days_overdue: Option<i64>,
    /// The category in its short form ([`ActionItem::category_key`]).
    pub category: Option<String>,
    /// Effective status: done when a commit trailer closed it, else the table's status; a blank
    /// or unrecognised status cell counts as open.
    pub status: ActionStatus,
    /// The status cell as written.
    pub status_text: Option<String>,
    pub tracker: Option<String>,
    /// The link inside the tracker cell, if any.
    pub tracker_url: Option<String>,
    /// Commits whose trailers name this item (dated on or before `as_of`), oldest first.
    pub evidence: Vec<Evidence>,
}

/// A commit that says it delivers an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Full hex hash.
    pub commit: String,
    /// Abbreviated hash (7 characters).
    pub short: String,
    /// Committer date.
    pub date: DateTime<FixedOffset>,
}

/// A trailer that names no known item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownTrailer {
    /// The trailer value as written (`report-id#n`).
    pub value: String,
    pub commit: String,
    pub short: String,
    pub date: DateTime<FixedOffset>,
    pub reason: UnknownReason,
}

/// Why a trailer matched nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownReason {
    /// The value is not `report-id#n`.
    Malformed,
    /// No report has that id.
    UnknownReport,
    /// The report exists but has no such item.
    UnknownItem,
}

impl UnknownReason {
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Malformed => "is not of the form <report-id>#<item-number>",
            Self::UnknownReport => "names a report id that no report has",
            Self::UnknownItem => "names an item that report does not have",
        }
    }
}

impl TrackedItem {
    /// Not done and not dropped.
    pub fn is_open(&self) -> bool {
        !self.status.is_closed()
    }

    /// Open and past its due date on the `as_of` day.
    pub fn is_overdue(&self) -> bool {
        self.days_overdue.is_some()
    }

    /// The commit that closed the item first, if a trailer did.
    pub fn closed_by(&self) -> Option<&Evidence> {
        self.evidence.first()
    }

    /// Whether `who` (with or without `@`, any case) is among the item's owners. An owner cell
    /// may name several people (`@a, @b`, `@a / @b`, `@a and @b`).
    pub fn owned_by(&self, who: &str) -> bool {
        let want = normalize_owner(who);
        if want.is_empty() {
            return false;
        }
        let Some(owner) = self.owner.as_deref() else {
            return false;
        };
        normalize_owner(owner) == want
            || owner
                .split([',', ';', '/', '&', '+'])
                .flat_map(|part| part.split(" and "))
                .any(|part| normalize_owner(part) == want)
    }
}

fn normalize_owner(text: &str) -> String {
    text.trim().trim_start_matches('@').trim().to_lowercase()
}

/// Which items to list; every condition set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only items not done and not dropped.
    pub open: bool,
    /// Only open items past their due date.
    pub overdue: bool,
    /// Only items this person owns (with or without `@`, any case).
    pub owner: Option<String>,
    /// Only items with this effective status.
    pub status: Option<ActionStatus>,
    /// Only items of this report (id, any case).
    pub report: Option<String>,
}

impl Filter {
    pub fn matches(&self, item: &TrackedItem) -> bool {
        (!self.open || item.is_open())
            && (!self.overdue || item.is_overdue())
            && self.owner.as_deref().is_none_or(|w| item.owned_by(w))
            && self.status.is_none_or(|s| item.status == s)
            && self
                .report
                .as_deref()
                .is_none_or(|r| item.report.eq_ignore_ascii_case(r.trim()))
    }
}

/// Every action item of every loaded report, with trailers applied: a trailer closes the items
/// it names when its commit is dated on or before `as_of` (so a report "as of" a past day shows
/// what was delivered by then); trailers that name nothing known are listed whatever their date.
/// A report id matches exactly, else ignoring ASCII case; an item matches its label
/// ([`ActionItem::label`]) or, both being numbers, its value (`#03` is item 3).
/// `file_name` is the configured report file name (`reports.file_name`), for default ids.
pub fn collect(
    archive: &Archive,
    trailers: &[Trailer],
    as_of: NaiveDate,
    file_name: &str,
) -> ActionsReport {
    // Tens of thousands of items on a large archive, each a dozen small strings: built on
    // every core, then gathered in report order.
    let per_report: Vec<(String, Vec<TrackedItem>)> = archive
        .reports
        .par_iter()
        .map(|report| {
            let id = report.id(file_name);
            let title = title(report, &id);
            let date = report.meta().and_then(|m| m.date);
            let items = report
                .actions
                .iter()
                .flat_map(|t| &t.items)
                .map(|item| tracked(report, item, &id, &title, date))
                .collect();
            (id, items)
        })
        .collect();
    let mut items: Vec<TrackedItem> =
        Vec::with_capacity(per_report.iter().map(|r| r.1.len()).sum());
    let mut ids: Vec<String> = Vec::with_capacity(per_report.len());
    for (id, report_items) in per_report {
        items.extend(report_items);
        ids.push(id);
    }

    let mut by_report: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        by_report.entry(item.report.as_str()).or_default().push(i);
    }
    let mut closes: Vec<(usize, Evidence)> = Vec::new();
    let mut unknown_trailers = Vec::new();
    for t in trailers {
        let evidence = Evidence {
            commit: t.commit.clone(),
            short: t.short_commit().to_owned(),
            date: t.date,
        };
        let reason = if t.report_id.is_empty() || t.item.is_empty() {
            Some(UnknownReason::Malformed)
        } else {
            match report_matches(&ids, &by_report, &t.report_id) {
                None => Some(UnknownReason::UnknownReport),
                Some(indices) => {
                    let hits: Vec<usize> = indices
                        .iter()
                        .copied()
                        .filter(|&i| item_matches(&items[i].item, &t.item))
                        .collect();
                    if hits.is_empty() {
                        Some(UnknownReason::UnknownItem)
                    } else {
                        if t.date.date_naive() <= as_of {
                            closes.extend(hits.into_iter().map(|i| (i, evidence.clone())));
                        }
                        None
                    }
                }
            }
        };
        if let Some(reason) = reason {
            unknown_trailers.push(UnknownTrailer {
                value: t.value(),
                commit: evidence.commit,
                short: evidence.short,
                date: evidence.date,
                reason,
            });
        }
    }
    for (i, evidence) in closes {
        let item = &mut items[i];
        if !item.evidence.iter().any(|e| e.commit == evidence.commit) {
            item.evidence.push(evidence);
        }
    }
    for item in &mut items {
        item.evidence
            .sort_by(|a, b| a.date.cmp(&b.date).then(a.commit.cmp(&b.commit)));
        if !item.evidence.is_empty() {
            item.status = ActionStatus::Done;
        }
        item.days_overdue = match item.due {
            Some(due) if item.is_open() && due < as_of => Some((as_of - due).num_days()),
            _ => None,
        };
    }
    // Stable, as `sort_by`: items that compare equal keep the order of the reports.
    items.par_sort_by(|a, b| {
        (a.due.is_none(), a.due, &a.report, &a.path, a.index).cmp(&(
            b.due.is_none(),
            b.due,
            &b.report,
            &b.path,
            b.index,
        ))
    });
    unknown_trailers
        .sort_by(|a, b| (a.date, &a.commit, &a.value).cmp(&(b.date, &b.commit, &b.value)));
    ActionsReport {
        as_of,
        items,
        unknown_trailers,
    }
}

/// The title people know a report by: front matter `title`, else its `# heading`, else its id.
pub fn title(report: &Report, id: &str) -> String {
    report
        .meta()
        .and_then(|m| m.title.as_deref())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .or_else(|| {
            report
                .heading
                .as_ref()
                .map(|h| h.text.trim())
                .filter(|t| !t.is_empty())
        })
        .unwrap_or(id)
        .to_owned()
}

fn tracked(
    report: &Report,
    item: &ActionItem,
    id: &str,
    title: &str,
    date: Option<NaiveDate>,
) -> TrackedItem {
    let text = |c: &Option<Cell>| c.as_ref().and_then(Cell::value).map(str::to_owned);
    TrackedItem {
        report: id.to_owned(),
        title: title.to_owned(),
        path: report.path.clone(),
        report_date: date,
        item: item.label(),
        index: item.index,
        text: text(&item.action).unwrap_or_default(),
        owner: text(&item.owner),
        due_text: text(&item.due),
        due: item.due_date,
        days_overdue: None,
        category: item.category_key(),
        status: item.status_kind.unwrap_or(ActionStatus::Open),
        status_text: text(&item.status),
        tracker: text(&item.tracker),
        tracker_url: item.tracker.as_ref().and_then(|c| c.url.clone()),
        evidence: Vec::new(),
    }
}

/// The items of the report(s) with this id: exact match first, else ignoring ASCII case.
fn report_matches<'a>(
    ids: &[String],
    by_report: &'a HashMap<&str, Vec<usize>>,
    wanted: &str,
) -> Option<&'a [usize]> {
    if let Some(found) = by_report.get(wanted) {
        return Some(found);
    }
    if let Some((_, found)) = by_report
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(wanted))
    {
        return Some(found);
    }
    // A known report with no action items: the item is unknown, not the report.
    ids.iter()
        .any(|id| id.eq_ignore_ascii_case(wanted))
        .then_some(&[])
}

fn item_matches(label: &str, wanted: &str) -> bool {
    let wanted = wanted.trim_start_matches('#');
    if label.eq_ignore_ascii_case(wanted) {
        return true;
    }
    matches!((label.parse::<u64>(), wanted.parse::<u64>()), (Ok(a), Ok(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::report::LoadOptions;

    fn report(path: &str, text: &str) -> Report {
        Report::from_bytes(Path::new(path), text.as_bytes(), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn archive(reports: Vec<Report>) -> Archive {
        Archive {
            dir: PathBuf::from("postmortems"),
            reports,
            unreadable: Vec::new(),
        }
    }

    const REPORT: &str = "---\ntitle: \"Pool exhaustion\"\nid: PM-1\ndate: 2026-01-10\n---\n\n## Action Items\n\n| # | Action Item | Owner | Due Date | Status |\n|---|---|---|---|---|\n| 1 | Add an alert | @Alice | 2026-01-20 | done |\n| 2 | Cap the pool at 40 | @bob, @carol | 2026-02-01 | open |\n| 3 | Write the runbook | @dave | 2026-03-01 | wontfix |\n| 4 | Load test at 3x | @erin | someday | in-progress |\n";

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{e}"))
    }

    fn trailer(value: &str, commit: &str, when: &str) -> Trailer {
        let (report_id, item) = value
            .rsplit_once('#')
            .map_or((value.into(), String::new()), |(a, b)| (a.into(), b.into()));
        Trailer {
            report_id,
            item,
            commit: commit.into(),
            date: DateTime::parse_from_rfc3339(when).unwrap_or_else(|e| panic!("{e}")),
        }
    }

    #[test]
    fn overdue_is_open_and_due_before_as_of() {
        let a = archive(vec![report("postmortems/a.md", REPORT)]);
        let r = collect(&a, &[], date("2026-02-01"), "report.md");
        let by = |n: &str| {
            r.items
                .iter()
                .find(|i| i.item == n)
                .unwrap_or_else(|| panic!("{n}"))
        };
        assert_eq!(by("1").days_overdue, None, "done");
        assert_eq!(by("2").days_overdue, None, "due today is not overdue");
        let r = collect(&a, &[], date("2026-02-04"), "report.md");
        let by = |n: &str| {
            r.items
                .iter()
                .find(|i| i.item == n)
                .unwrap_or_else(|| panic!("{n}"))
        };
        assert_eq!(by("2").days_overdue, Some(3));
        assert_eq!(by("3").days_overdue, None, "wontfix");
        assert_eq!(by("4").days_overdue, None, "no real due date");
        assert_eq!(by("4").due_text.as_deref(), Some("someday"));
        assert_eq!(
            r.items.last().map(|i| i.item.as_str()),
            Some("4"),
            "undated last"
        );
    }

    #[test]
    fn trailers_close_items_and_unknown_ones_are_listed() {
        let a = archive(vec![report("postmortems/a.md", REPORT)]);
        let trailers = [
            trailer(
                "pm-1#2",
                "b".repeat(40).as_str(),
                "2026-01-30T10:00:00+01:00",
            ),
            trailer("PM-1#02", "a".repeat(40).as_str(), "2026-01-25T10:00:00Z"),
            trailer("PM-1#9", "c".repeat(40).as_str(), "2026-01-25T10:00:00Z"),
            trailer("PM-404#1", "d".repeat(40).as_str(), "2026-01-25T10:00:00Z"),
            trailer("PM-1", "e".repeat(40).as_str(), "2026-01-25T10:00:00Z"),
            trailer("PM-1#4", "f".repeat(40).as_str(), "2026-06-01T10:00:00Z"),
        ];
        let r = collect(&a, &trailers, date("2026-02-04"), "report.md");
        let two = r
            .items
            .iter()
            .find(|i| i.item == "2")
            .unwrap_or_else(|| panic!());
        assert_eq!(two.status, ActionStatus::Done);
        assert_eq!(two.days_overdue, None);
        assert_eq!(two.closed_by().map(|e| e.short.as_str()), Some("aaaaaaa"));
        assert_eq!(two.evidence.len(), 2);
        let four = r
            .items
            .iter()
            .find(|i| i.item == "4")
            .unwrap_or_else(|| panic!());
        assert_eq!(four.status, ActionStatus::InProgress, "commit after as_of");
        let reasons: Vec<_> = r
            .unknown_trailers
            .iter()
            .map(|u| (u.value.as_str(), u.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                ("PM-1#9", UnknownReason::UnknownItem),
                ("PM-404#1", UnknownReason::UnknownReport),
                ("PM-1", UnknownReason::Malformed),
            ]
        );
    }

    #[test]
    fn filters() {
        let a = archive(vec![report("postmortems/a.md", REPORT)]);
        let r = collect(&a, &[], date("2026-02-04"), "report.md");
        let pick = |f: &Filter| -> Vec<&str> {
            r.items
                .iter()
                .filter(|i| f.matches(i))
                .map(|i| i.item.as_str())
                .collect()
        };
        assert_eq!(
            pick(&Filter {
                open: true,
                ..Filter::default()
            }),
            ["2", "4"]
        );
        assert_eq!(
            pick(&Filter {
                overdue: true,
                ..Filter::default()
            }),
            ["2"]
        );
        for who in ["alice", "@ALICE", " @alice "] {
            assert_eq!(
                pick(&Filter {
                    owner: Some(who.into()),
                    ..Filter::default()
                }),
                ["1"]
            );
        }
        assert_eq!(
            pick(&Filter {
                owner: Some("carol".into()),
                ..Filter::default()
            }),
            ["2"]
        );
        assert_eq!(
            pick(&Filter {
                status: Some(ActionStatus::Wontfix),
                ..Filter::default()
            }),
            ["3"]
        );
        assert_eq!(
            pick(&Filter {
                report: Some("pm-1".into()),
                ..Filter::default()
            })
            .len(),
            4
        );
        assert!(
            pick(&Filter {
                report: Some("PM-2".into()),
                ..Filter::default()
            })
            .is_empty()
        );
    }
}
