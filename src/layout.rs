//! Where reports live: slugs from titles and the path of a report under the configured layout.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::{Layout, Reports};

/// A path for people and tools: relative to `base` when under it, with `/` separators on every
/// platform (on Unix a `\\` is an ordinary file name character and stays).
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    let rel = path.strip_prefix(base).unwrap_or(path);
    if cfg!(windows) {
        PathBuf::from(rel.to_string_lossy().replace('\\', "/"))
    } else {
        rel.to_owned()
    }
}

/// Longest slug, in bytes; long titles are cut at a word boundary.
const MAX_SLUG: usize = 60;

/// A file-name-safe, URL-safe slug: ASCII lowercase words joined by `-`. Unicode is
/// transliterated (`Zürich` → `zurich`, `支付` → `zhi-fu`); a title with nothing to keep gives
/// `incident`.
pub fn slugify(title: &str) -> String {
    let ascii = deunicode::deunicode(title).to_lowercase();
    let words: Vec<&str> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut slug = String::new();
    for word in words {
        let extra = usize::from(!slug.is_empty()) + word.len();
        if slug.len() + extra > MAX_SLUG {
            if slug.is_empty() {
                slug.push_str(&word[..MAX_SLUG]);
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        "incident".to_owned()
    } else {
        slug
    }
}

/// The stem shared by both layouts: `YYYY-MM-DD-slug`.
pub fn stem(date: NaiveDate, title: &str) -> String {
    format!("{}-{}", date.format("%Y-%m-%d"), slugify(title))
}

/// Path of a new report, relative to the reports folder.
pub fn report_path(reports: &Reports, layout: Layout, date: NaiveDate, title: &str) -> PathBuf {
    let stem = stem(date, title);
    match layout {
        Layout::Folder => Path::new(&stem).join(&reports.file_name),
        Layout::Flat => PathBuf::from(format!("{stem}.md")),
    }
}

/// Markdown files in the reports folder that are about the archive, not reports.
const NOT_REPORTS: &[&str] = &[
    "readme",
    "index",
    "contributing",
    "changelog",
    "license",
    "template",
    "summary",
];

/// Whether a Markdown file, given by its path relative to the reports folder, is a report: the
/// configured file name one folder down (`2024-03-01-db/report.md`), or a Markdown file directly
/// in the folder (`2024-03-01-db.md`) that is not a README-like page. Either layout's shape is
/// accepted (PM603 then says when it is not the configured one); artifacts beside a report
/// (`2024-03-01-db/notes.md`) are not reports.
pub fn is_report(rel: &Path, reports: &Reports) -> bool {
    let parts: Vec<_> = rel.components().collect();
    let is_md = rel
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = rel
        .file_stem()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match parts.len() {
        1 => is_md && !name.starts_with(['.', '_']) && !NOT_REPORTS.contains(&stem.as_str()),
        2 => name == reports.file_name,
        _ => false,
    }
}

/// What is wrong with a report's place (PM603): `None` when it follows the configured layout and
/// its name's date matches `date`. `rel` is `None` for a file outside the reports folder.
pub fn placement_problem(
    rel: Option<&Path>,
    reports: &Reports,
    date: Option<NaiveDate>,
) -> Option<(String, String)> {
    let expected = match reports.layout {
        Layout::Folder => format!("{}/YYYY-MM-DD-slug/{}", reports.dir, reports.file_name),
        Layout::Flat => format!("{}/YYYY-MM-DD-slug.md", reports.dir),
    };
    let Some(rel) = rel else {
        return Some((
            format!(
                "this report is outside the reports folder `{}/`",
                reports.dir
            ),
            format!("move it to {expected}, or set `[reports] dir` in pm.toml"),
        ));
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let stem = match (reports.layout, parts.as_slice()) {
        (Layout::Folder, [folder, file]) if *file == reports.file_name => folder.clone(),
        (Layout::Flat, [file]) => file.strip_suffix(".md").unwrap_or(file).to_owned(),
        _ => {
            return Some((
                format!("the path does not follow the `{}` layout", reports.layout),
                format!("move it to {expected}"),
            ));
        }
    };
    let name_date = stem.get(..10).and_then(crate::report::time::parse_date);
    let slug = stem.get(11..).unwrap_or("");
    let slug_ok = stem.as_bytes().get(10) == Some(&b'-')
        && !slug.is_empty()
        && slug.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    let Some(name_date) = name_date.filter(|_| slug_ok) else {
        return Some((
            format!("`{stem}` is not named `YYYY-MM-DD-slug`"),
            format!(
                "rename it to `{}`-style: the incident date, then lowercase words joined by `-` (`pm new` names reports this way)",
                expected
            ),
        ));
    };
    match date {
        Some(d) if d != name_date => Some((
            format!("the name says {name_date}, but the front matter `date` is {d}"),
            "make the name's date and the front matter `date` agree (the date the incident started, UTC)".to_owned(),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_words() {
        assert_eq!(slugify("Checkout API outage"), "checkout-api-outage");
        assert_eq!(
            slugify("  DB: replica lag (EU) -- 45s!! "),
            "db-replica-lag-eu-45s"
        );
        assert_eq!(slugify("Ausfall in Zürich"), "ausfall-in-zurich");
        assert_eq!(slugify("支付服务中断"), "zhi-fu-fu-wu-zhong-duan");
        assert_eq!(slugify("🔥🔥"), "fire-fire");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("!!!"), "incident");
        assert_eq!(slugify(""), "incident");
    }

    #[test]
    fn long_titles_are_cut_at_a_word_boundary() {
        let title = "the quick brown fox jumps over the lazy dog ".repeat(10);
        let slug = slugify(&title);
        assert!(slug.len() <= MAX_SLUG, "{slug}");
        assert!(!slug.ends_with('-'));
        assert!(title.replace(' ', "-").starts_with(&slug));
        let one_word = "a".repeat(500);
        assert_eq!(slugify(&one_word).len(), MAX_SLUG);
    }

    #[test]
    fn reports_are_recognised_by_the_layout() {
        let r = Reports::default();
        for yes in [
            "2024-03-01-db/report.md",
            "2024-03-01-db.md",
            "notes-without-date.md",
        ] {
            assert!(is_report(Path::new(yes), &r), "{yes}");
        }
        for no in [
            "README.md",
            "readme.md",
            "_template.md",
            "2024-03-01-db/notes.md",
            "a/b/report.md",
            "2024-03-01-db/log.txt",
        ] {
            assert!(!is_report(Path::new(no), &r), "{no}");
        }
    }

    #[test]
    fn placement_problems() {
        let r = Reports::default();
        let d = NaiveDate::from_ymd_opt(2024, 3, 1);
        assert_eq!(
            placement_problem(Some(Path::new("2024-03-01-db-down/report.md")), &r, d),
            None
        );
        assert!(
            placement_problem(Some(Path::new("2024-03-02-db-down/report.md")), &r, d)
                .is_some_and(|p| p.0.contains("2024-03-02"))
        );
        assert!(
            placement_problem(Some(Path::new("2024-03-01-db-down.md")), &r, d)
                .is_some_and(|p| p.0.contains("folder"))
        );
        assert!(placement_problem(Some(Path::new("DB Down/report.md")), &r, d).is_some());
        assert!(placement_problem(Some(Path::new("2024-03-01-DB/report.md")), &r, d).is_some());
        assert!(placement_problem(None, &r, d).is_some_and(|p| p.0.contains("outside")));
        let flat = Reports {
            layout: Layout::Flat,
            ..Reports::default()
        };
        assert_eq!(
            placement_problem(Some(Path::new("2024-03-01-db.md")), &flat, d),
            None
        );
    }

    #[test]
    fn paths_follow_the_layout() {
        let reports = Reports::default();
        let date = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        assert_eq!(
            report_path(&reports, Layout::Folder, date, "DB down"),
            Path::new("2025-03-14-db-down/report.md")
        );
        assert_eq!(
            report_path(&reports, Layout::Flat, date, "DB down"),
            Path::new("2025-03-14-db-down.md")
        );
    }
}
