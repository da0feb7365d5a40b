//! The Timeline section's table: one row an event, the first column a timestamp.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::table::Cell;
use super::time::TimeError;
use crate::span::Span;

/// One row of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineRow {
    pub span: Span,
    /// The timestamp cell as written.
    pub time: Cell,
    /// The instant, placed on the calendar (times of day take the report's date).
    pub at: Result<DateTime<FixedOffset>, TimeError>,
    /// The event column (the one headed Event/Description, else the second).
    pub event: Option<Cell>,
}

/// The timeline table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// Start of the table.
    pub span: Span,
    pub rows: Vec<TimelineRow>,
}
