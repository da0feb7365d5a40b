//! PM301–PM303: the 5 Whys (enough of them, each with evidence) and an explicit root cause.

use super::engine::{Checker, Finding};
use crate::report::{Report, SectionKind};

pub(super) fn check(cx: &Checker, report: &Report, out: &mut Vec<Finding>) {
    let Some(section) = report.section(&SectionKind::RootCauseAnalysis) else {
        return; // PM101 reports a missing section.
    };
    let min = cx.config.rca.min_whys as usize;
    if report.whys.len() < min {
        let span = report.whys.first().map_or(section.span, |w| w.span);
        let message = if report.whys.is_empty() {
            "the root cause analysis has no 5 Whys (`Why 1?`, `Why 2?`, …)".to_owned()
        } else {
            format!(
                "the 5 Whys stop after {} why{}; at least {min} are expected",
                report.whys.len(),
                if report.whys.len() == 1 { "" } else { "s" }
            )
        };
        out.push(Finding::new(
            "PM301",
            span,
            message,
            "keep asking why until you reach a cause the team can act on: `1. **Why 1?** …` with an `Evidence:` line under each (`[rca] min_whys` sets the minimum)",
        ));
    }
    match &report.root_cause {
        None => out.push(Finding::new(
            "PM302",
            section.span,
            "the root cause analysis has no explicit root cause statement",
            "end the analysis with a line like `**Root Cause:** the connection pool was sized for 2023 traffic`",
        )),
        Some(rc) if rc.text.trim().is_empty() => out.push(Finding::new(
            "PM302",
            rc.span,
            "the root cause statement is empty",
            "write the cause after `Root Cause:`, in one or two sentences",
        )),
        Some(_) => {}
    }
    for why in &report.whys {
        let empty = why
            .evidence
            .as_ref()
            .is_none_or(|e| e.text.trim().is_empty());
        if empty {
            out.push(Finding::new(
                "PM303",
                why.span,
                format!("why {} has no evidence", why.number),
                "add an `Evidence:` line under it: the graph, log line, query or ticket that shows it is true",
            ));
        }
    }
}
