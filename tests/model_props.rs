//! Loading never panics: arbitrary bytes, and Markdown assembled from the constructs the model
//! looks at (fences, headings, tables, whys, labels), in any order and combination. Every span it
//! reports points inside the file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use pm::report::{LoadOptions, Report};
use proptest::prelude::*;

fn load(bytes: &[u8]) -> Option<Report> {
    Report::from_bytes(Path::new("r.md"), bytes, &LoadOptions::default()).ok()
}

fn assert_spans_inside(r: &Report) {
    let lines = u32::try_from(r.source.lines().count().max(1)).unwrap();
    let mut spans = Vec::new();
    spans.extend(r.sections.iter().map(|s| s.span));
    spans.extend(r.whys.iter().map(|w| w.span));
    spans.extend(
        r.whys
            .iter()
            .filter_map(|w| w.evidence.as_ref())
            .map(|e| e.span),
    );
    spans.extend(r.root_cause.iter().map(|l| l.span));
    spans.extend(r.lessons.iter().map(|l| l.span));
    spans.extend(r.comments.iter().map(|c| c.span));
    if let Some(t) = &r.timeline {
        spans.extend(t.rows.iter().flat_map(|row| [row.span, row.time.span]));
    }
    if let Some(a) = &r.actions {
        spans.extend(a.items.iter().map(|i| i.span));
    }
    if let Err(e) = &r.front_matter {
        spans.push(e.span);
    }
    for s in spans {
        assert!(
            s.line >= 1 && s.line <= lines && s.column >= 1,
            "{s:?} outside {lines} lines"
        );
    }
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("---\n".to_owned()),
        Just("---\r\n".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("title: \"x\"\n".to_owned()),
        Just("authors: [@alice]\n".to_owned()),
        Just("date: 2024-03-01\n".to_owned()),
        Just("started_at: 2024-03-01T10:00:00\n".to_owned()),
        Just("a: &a [*a]\n".to_owned()),
        Just("## Timeline\n".to_owned()),
        Just("## 4. Root Causes\n".to_owned()),
        Just("## Action Items\n".to_owned()),
        Just("## Lessons Learned\n".to_owned()),
        Just("### What went well\n".to_owned()),
        Just("# Title\n".to_owned()),
        Just("| # | Action | Owner | Due |\n".to_owned()),
        Just("|---|---|\n".to_owned()),
        Just("| 10:00 | x \\| y |\n".to_owned()),
        Just("| `23:59` |\n".to_owned()),
        Just("1. **Why 1?** because\n".to_owned()),
        Just("   - Evidence: logs\n".to_owned()),
        Just("**Root Cause:**\n".to_owned()),
        Just("- **What went wrong:** x\n".to_owned()),
        Just("<!-- pm-ignore PM406 -->\n".to_owned()),
        Just("> ".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("Summary\n-------\n".to_owned()),
        "[ -~]{0,20}\n",
        "\\PC{0,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        if let Some(r) = load(&bytes) {
            assert_spans_inside(&r);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,500}") {
        let r = load(text.as_bytes()).expect("text without NUL loads");
        assert_spans_inside(&r);
    }

    #[test]
    fn assembled_reports_never_panic(parts in proptest::collection::vec(fragment(), 0..60)) {
        let text = parts.concat();
        if let Some(r) = load(text.as_bytes()) {
            assert_spans_inside(&r);
        }
    }
}
