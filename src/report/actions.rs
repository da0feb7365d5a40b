//! Action items: the table of the Action Items section, its columns found by header alias.

use chrono::NaiveDate;
use serde::Serialize;

use super::table::{Cell, header_key};
use crate::span::Span;

/// The columns an action items table can have, and the headers accepted for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionColumn {
    Number,
    Action,
    Owner,
    Due,
    Category,
    Status,
    Tracker,
}

impl ActionColumn {
    pub const ALL: [Self; 7] = [
        Self::Number,
        Self::Action,
        Self::Owner,
        Self::Due,
        Self::Category,
        Self::Status,
        Self::Tracker,
    ];

    /// Header names (already normalised by [`header_key`]).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Number => &["#", "no", "nr", "number", "id"],
            Self::Action => &[
                "action item",
                "action items",
                "action",
                "actions",
                "task",
                "item",
                "description",
            ],
            Self::Owner => &["owner", "owners", "assignee", "assigned to", "dri"],
            Self::Due => &["due date", "due", "deadline", "due by", "target date"],
            Self::Category => &["category", "type", "kind"],
            Self::Status => &["status", "state"],
            Self::Tracker => &["tracker", "ticket", "issue", "link", "jira"],
        }
    }

    /// The column a header names.
    pub fn from_header(text: &str) -> Option<Self> {
        let key = header_key(text);
        Self::ALL
            .into_iter()
            .find(|c| c.aliases().contains(&key.as_str()))
    }
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    Open,
    InProgress,
    Done,
    Wontfix,
}

impl ActionStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::InProgress => "in-progress",
            Self::Done => "done",
            Self::Wontfix => "wontfix",
        }
    }

    /// Reads the usual spellings (`In progress`, `Closed`, `Won't fix`, ✅ …).
    pub fn parse(text: &str) -> Option<Self> {
        // Characters lowered one by one (no `str::to_lowercase`, no copy): they differ from the
        // whole text lowered only in a final sigma, which no status name has.
        let key: String = text
            .trim()
            .chars()
            .flat_map(char::to_lowercase)
            .filter(|c| c.is_alphanumeric() || matches!(c, '✅' | '✔' | '❌'))
            .collect();
        Some(match key.as_str() {
            "open" | "todo" | "new" | "notstarted" | "planned" | "pending" => Self::Open,
            "inprogress" | "wip" | "doing" | "started" | "ongoing" | "inreview" => Self::InProgress,
            "done" | "complete" | "completed" | "closed" | "fixed" | "resolved" | "shipped"
            | "✅" | "✔" => Self::Done,
            "wontfix" | "wontdo" | "cancelled" | "canceled" | "dropped" | "rejected" | "❌" => {
                Self::Wontfix
            }
            _ => return None,
        })
    }

    /// Done or dropped: nothing left to track.
    pub const fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::Wontfix)
    }
}

/// One row of the action items table. A cell is `None` when the table has no such column or the
/// row is shorter than the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionItem {
    /// 1-based position among the table's rows.
    pub index: usize,
    /// Start of the row.
    pub span: Span,
    pub number: Option<Cell>,
    pub action: Option<Cell>,
    pub owner: Option<Cell>,
    pub due: Option<Cell>,
    /// The due cell read as a strict `YYYY-MM-DD` date.
    pub due_date: Option<NaiveDate>,
    pub category: Option<Cell>,
    pub status: Option<Cell>,
    /// The status cell read as a known status.
    pub status_kind: Option<ActionStatus>,
    pub tracker: Option<Cell>,
}

impl ActionItem {
    /// How people refer to the item: its `#` cell, else its position.
    pub fn label(&self) -> String {
        self.number.as_ref().and_then(Cell::value).map_or_else(
            || self.index.to_string(),
            |n| n.trim_start_matches('#').to_owned(),
        )
    }

    /// The category in its short form: `Immediate Fix` → `immediate`, `Short-term Improvement`
    /// → `short-term`, `Long-term Architectural Change` → `long-term`; others lowercased.
    pub fn category_key(&self) -> Option<String> {
        self.category
            .as_ref()
            .and_then(Cell::value)
            .map(category_key)
    }
}

/// See [`ActionItem::category_key`].
pub fn category_key(text: &str) -> String {
    // Lowercasing never makes or removes a `-`, `_` or space, so splitting first is the same.
    let lower = super::joined_lowercase(
        text.trim().split(['-', '_', ' ']).filter(|w| !w.is_empty()),
        '-',
    );
    match lower.as_str() {
        "immediate-fix" | "immediate" | "quick-fix" => "immediate".into(),
        "short-term-improvement" | "short-term" | "shortterm" => "short-term".into(),
        "long-term-architectural-change" | "long-term" | "longterm" => "long-term".into(),
        _ => lower,
    }
}

/// The action items table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionTable {
    /// Start of the table (its header row).
    pub span: Span,
    /// The recognised columns, in table order.
    pub columns: Vec<ActionColumn>,
    pub items: Vec<ActionItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_by_alias() {
        assert_eq!(
            ActionColumn::from_header("Action Item"),
            Some(ActionColumn::Action)
        );
        assert_eq!(
            ActionColumn::from_header("Task"),
            Some(ActionColumn::Action)
        );
        assert_eq!(
            ActionColumn::from_header("ASSIGNEE"),
            Some(ActionColumn::Owner)
        );
        assert_eq!(
            ActionColumn::from_header("Due Date"),
            Some(ActionColumn::Due)
        );
        assert_eq!(
            ActionColumn::from_header("Deadline"),
            Some(ActionColumn::Due)
        );
        assert_eq!(ActionColumn::from_header("#"), Some(ActionColumn::Number));
        assert_eq!(
            ActionColumn::from_header("Ticket"),
            Some(ActionColumn::Tracker)
        );
        assert_eq!(
            ActionColumn::from_header("Type"),
            Some(ActionColumn::Category)
        );
        assert_eq!(ActionColumn::from_header("Notes"), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(
            ActionStatus::parse("In Progress"),
            Some(ActionStatus::InProgress)
        );
        assert_eq!(
            ActionStatus::parse("in-progress"),
            Some(ActionStatus::InProgress)
        );
        assert_eq!(
            ActionStatus::parse("Won't fix"),
            Some(ActionStatus::Wontfix)
        );
        assert_eq!(ActionStatus::parse("✅"), Some(ActionStatus::Done));
        assert_eq!(ActionStatus::parse("DONE"), Some(ActionStatus::Done));
        assert_eq!(ActionStatus::parse("maybe"), None);
        assert!(ActionStatus::Wontfix.is_closed());
        assert!(!ActionStatus::InProgress.is_closed());
    }

    #[test]
    fn categories_accept_the_long_names() {
        assert_eq!(category_key("Immediate Fix"), "immediate");
        assert_eq!(category_key("Short-term Improvement"), "short-term");
        assert_eq!(category_key("short term"), "short-term");
        assert_eq!(category_key("Long-term Architectural Change"), "long-term");
        assert_eq!(category_key("Process"), "process");
    }
}
