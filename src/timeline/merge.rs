//! The k-way merge of every input by time: log sources and ready-made rows (such as commits).
//! Stable: at equal times, inputs keep the order they were given in, and each input its own order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, Utc};

use super::TimelineEvent;
use super::source::{LogSource, SourceStats};
use crate::error::Result;

/// One input of the timeline.
#[derive(Debug)]
pub enum Input {
    /// A log, read as it is merged.
    Log(Box<LogSource>),
    /// Rows made elsewhere, sorted by time (`at`), such as the window's commits. They are
    /// neither filtered nor collapsed.
    Rows(std::vec::IntoIter<TimelineEvent>),
}

impl Input {
    /// Rows from elsewhere; sorted here (stably) so the merge can trust them.
    pub fn rows(mut rows: Vec<TimelineEvent>) -> Self {
        rows.sort_by_key(|r| r.at);
        Self::Rows(rows.into_iter())
    }

    fn next(&mut self) -> Result<Option<TimelineEvent>> {
        match self {
            Self::Log(source) => source.next_event(),
            Self::Rows(rows) => Ok(rows.next()),
        }
    }
}

/// An event and whether it may be collapsed with others (log lines may, other rows not).
#[derive(Debug)]
pub struct Merged {
    pub event: TimelineEvent,
    pub collapsible: bool,
}

/// Holds the next event of each input; yields the earliest.
#[derive(Debug)]
pub struct Merge {
    inputs: Vec<Input>,
    heads: Vec<Option<TimelineEvent>>,
    order: BinaryHeap<Reverse<(DateTime<Utc>, usize)>>,
    started: bool,
    failed: bool,
}

impl Merge {
    pub fn new(inputs: Vec<Input>) -> Self {
        let heads = inputs.iter().map(|_| None).collect();
        Self {
            inputs,
            heads,
            order: BinaryHeap::new(),
            started: false,
            failed: false,
        }
    }

    pub fn next(&mut self) -> Result<Option<Merged>> {
        if self.failed {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            for index in 0..self.inputs.len() {
                self.refill(index)?;
            }
        }
        let Some(Reverse((_, index))) = self.order.pop() else {
            return Ok(None);
        };
        let Some(event) = self.heads.get_mut(index).and_then(Option::take) else {
            return Ok(None);
        };
        self.refill(index)?;
        let collapsible = matches!(self.inputs[index], Input::Log(_));
        Ok(Some(Merged { event, collapsible }))
    }

    fn refill(&mut self, index: usize) -> Result<()> {
        match self.inputs[index].next() {
            Ok(Some(event)) => {
                self.order.push(Reverse((event.at, index)));
                self.heads[index] = Some(event);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        }
    }

    /// What each log source read so far.
    pub fn stats(&self) -> Vec<SourceStats> {
        self.inputs
            .iter()
            .filter_map(|input| match input {
                Input::Log(source) => Some(source.stats()),
                Input::Rows(_) => None,
            })
            .collect()
    }
}
