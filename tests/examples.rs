//! The bundled sample repository is read by pm itself: every report loads into a complete model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use pm::config::Workspace;
use pm::report::{LoadOptions, Report, SectionKind, Status};

fn example_reports() -> (Workspace, Vec<PathBuf>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let ws = Workspace::discover(&root, None).expect("examples/pm.toml is valid");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(ws.reports_dir())
        .expect("examples/postmortems exists")
        .map(|e| e.expect("readable entry").path().join("report.md"))
        .collect();
    paths.sort();
    (ws, paths)
}

#[test]
fn every_example_report_loads_completely() {
    let (ws, paths) = example_reports();
    assert!(
        paths.len() >= 8,
        "at least 8 sample reports, found {}",
        paths.len()
    );
    let options = LoadOptions::new(&ws.config);
    for path in &paths {
        let name = path.display();
        let r = Report::load(path, &options).unwrap_or_else(|e| panic!("{e}"));
        let meta = r
            .meta()
            .unwrap_or_else(|| panic!("{name}: {:?}", r.front_matter));
        assert!(
            meta.title.is_some() && meta.date.is_some() && meta.status.is_some(),
            "{name}"
        );
        assert!(
            ws.config
                .reports
                .severities
                .contains(meta.severity.as_ref().unwrap()),
            "{name}"
        );
        for kind in [
            SectionKind::Summary,
            SectionKind::Impact,
            SectionKind::Timeline,
            SectionKind::RootCauseAnalysis,
            SectionKind::LessonsLearned,
            SectionKind::ActionItems,
        ] {
            let section = r
                .section(&kind)
                .unwrap_or_else(|| panic!("{name}: no {kind}"));
            assert!(!section.is_empty, "{name}: {kind} is empty");
        }
        let timeline = r
            .timeline
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no timeline"));
        assert!(!timeline.rows.is_empty(), "{name}");
        for row in &timeline.rows {
            assert!(row.at.is_ok(), "{name}:{}: {:?}", row.span.line, row.at);
        }
        assert!(r.whys.len() >= 3, "{name}: {} whys", r.whys.len());
        assert!(
            r.root_cause.as_ref().is_some_and(|rc| !rc.text.is_empty()),
            "{name}"
        );
        assert!(!r.lessons.is_empty(), "{name}");
        let actions = r
            .actions
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no action items"));
        for item in &actions.items {
            assert!(
                item.owner.as_ref().and_then(|c| c.value()).is_some(),
                "{name}: item {}",
                item.label()
            );
            assert!(item.due_date.is_some(), "{name}: item {}", item.label());
            assert!(item.status_kind.is_some(), "{name}: item {}", item.label());
        }
        if meta.status != Some(Status::Draft) {
            let ms = r.milestones();
            assert!(ms.ttd().is_some() && ms.ttr().is_some(), "{name}");
        }
    }
}

#[test]
fn examples_cover_what_the_sample_promises() {
    let (ws, paths) = example_reports();
    let options = LoadOptions::new(&ws.config);
    let reports: Vec<Report> = paths
        .iter()
        .map(|p| Report::load(p, &options).unwrap())
        .collect();
    let metas: Vec<_> = reports.iter().filter_map(Report::meta).collect();
    for status in Status::ALL {
        assert!(
            metas.iter().any(|m| m.status == Some(status)),
            "no {status:?} report"
        );
    }
    for sev in ["SEV1", "SEV2", "SEV3", "SEV4"] {
        assert!(
            metas.iter().any(|m| m.severity.as_deref() == Some(sev)),
            "no {sev} report"
        );
    }
    let ids: Vec<String> = reports.iter().map(|r| r.id("report.md")).collect();
    let related: Vec<&String> = metas.iter().flat_map(|m| &m.related).collect();
    assert!(!related.is_empty());
    for id in related {
        assert!(ids.contains(id), "related id {id} exists");
    }
    assert!(
        metas
            .iter()
            .any(|m| m.tags.iter().any(|t| t == "near-miss"))
    );
    let statuses: Vec<_> = reports
        .iter()
        .filter_map(|r| r.actions.as_ref())
        .flat_map(|a| &a.items)
        .filter_map(|i| i.status_kind)
        .collect();
    assert!(statuses.iter().any(|s| s.is_closed()) && statuses.iter().any(|s| !s.is_closed()));
    let artifacts = paths.iter().any(|p| {
        std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .any(|e| e.unwrap().path().extension().is_some_and(|x| x == "log"))
    });
    assert!(artifacts, "one report has a log excerpt beside it");
}
