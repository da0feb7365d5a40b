//! Where reports live: slugs from titles and the path of a report under the configured layout.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::{Layout, Reports};

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
