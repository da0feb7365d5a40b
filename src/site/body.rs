//! A report page's body, rendered while the report is checked from the very comrak tree the
//! rules read, so each report's Markdown is parsed once. Links to other reports need their
//! slugs, which are only known once every report is read: they are rendered with a placeholder
//! and filled in when the page is written ([`Body::html`]).
//!
//! Everything else about a link is decided at check time exactly as the page would decide it:
//! which file it names (a report, an artifact beside this one) and whether it is kept. A body
//! that cannot be decided then — Markdown that needs a parser option the model does not use, a
//! link to a report that turned out unreadable — is rendered again from the file, as before.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use comrak::nodes::AstNode;

use super::artifacts::{Artifact, Publishable};
use super::markdown;
use crate::archive::normalize;
use crate::config::{Layout, Reports, Workspace};
use crate::report::Report;

/// What stands for a slug in a rendered link until the slugs are known: `pm-slug-self` for the
/// page's own slug (its artifacts' folder), `pm-slug-N` for the N-th report linked. It is only
/// ever filled in right after `href="` or `src="`, where report text cannot put it: comrak
/// escapes `"` in text and attributes, and every link target it writes went through the
/// site's own resolver.
const PLACEHOLDER: &str = "pm-slug-";
const OWN: &str = "self";

/// A report's body as rendered at check time.
#[derive(Debug)]
pub enum Body {
    Rendered {
        /// The HTML with placeholders for slugs.
        html: String,
        /// The report files linked, in placeholder order (normalised paths).
        targets: Vec<PathBuf>,
        /// The artifacts to publish: the report folder's files, then those outside a report
        /// folder that the body links (flat layouts).
        files: Vec<Artifact>,
    },
    /// Render it from the file when the page is written.
    Again,
}

/// What deciding a report's links needs to know before any report is read.
#[derive(Debug)]
pub struct Scope<'a> {
    /// Every report file (normalised), whether or not it will load.
    pub reports: HashSet<PathBuf>,
    pub publishable: &'a Publishable,
    reports_dir: PathBuf,
    layout: &'a Reports,
}

impl<'a> Scope<'a> {
    pub fn new(ws: &'a Workspace, files: &[PathBuf], publishable: &'a Publishable) -> Self {
        Self {
            reports: files.iter().map(|p| normalize(p)).collect(),
            publishable,
            reports_dir: normalize(&ws.reports_dir()),
            layout: &ws.config.reports,
        }
    }

    /// The reports folder (normalised).
    pub fn reports_dir(&self) -> &Path {
        &self.reports_dir
    }
}

/// The report's own folder, when it has one (folder layout: `…/SLUG/report.md`); its files are
/// the report's artifacts. `reports_dir` is normalised.
fn own_folder(report: &Path, layout: &Reports, reports_dir: &Path) -> Option<PathBuf> {
    report
        .parent()
        .filter(|p| {
            layout.layout == Layout::Folder
                && report.file_name().is_some_and(|n| *n == *layout.file_name)
                && normalize(p) != reports_dir
        })
        .map(Path::to_owned)
}

/// How a report's links are decided, the same at check time and when a body is rendered again
/// from the file: relative to the report's folder, a link names another report, a file of the
/// report's own folder, or (for a report without one) a publishable file it links to.
pub struct Links<'s> {
    base: PathBuf,
    own_folder: bool,
    publishable: &'s Publishable,
    /// The own folder's files by source path, with their link from the page.
    listed: BTreeMap<PathBuf, String>,
    /// The artifacts to publish: the report folder's files, then those outside a report folder
    /// that the body links (flat layouts), once each.
    pub files: Vec<Artifact>,
}

/// What a kept link names.
pub enum Link {
    /// A report file (normalised path).
    Report(PathBuf),
    /// An artifact, by its link from the page's artifacts folder.
    Artifact(String),
}

impl<'s> Links<'s> {
    /// The links of the report at `report`; `reports_dir` is normalised.
    pub fn new(
        report: &Path,
        layout: &Reports,
        reports_dir: &Path,
        publishable: &'s Publishable,
    ) -> Self {
        let own_folder = own_folder(report, layout, reports_dir);
        let files = own_folder
            .as_deref()
            .map(|f| publishable.under(f, report))
            .unwrap_or_default();
        Self {
            base: report.parent().map_or_else(PathBuf::new, Path::to_owned),
            own_folder: own_folder.is_some(),
            publishable,
            listed: files.iter().map(|a| (a.source.clone(), a.href())).collect(),
            files,
        }
    }

    /// What the link `target` names, `is_report` telling a report file; `None` when the link
    /// is dropped.
    pub fn decide(&mut self, target: &str, is_report: impl Fn(&Path) -> bool) -> Option<Link> {
        let abs = normalize(&self.base.join(target));
        if is_report(&abs) {
            return Some(Link::Report(abs));
        }
        if let Some(href) = self.listed.get(&abs) {
            return Some(Link::Artifact(href.clone()));
        }
        if self.own_folder {
            return None;
        }
        let found = self.publishable.linked(&self.base, target)?;
        let href = found.href();
        if !self.files.iter().any(|a| a.out == found.out) {
            self.files.push(found);
        }
        Some(Link::Artifact(href))
    }
}

/// Renders the body of `report` from its tree (see the module header).
pub fn render<'a>(report: &Report, root: &'a AstNode<'a>, scope: &Scope) -> Body {
    if !markdown::fits_model_tree(&report.source) {
        return Body::Again;
    }
    let mut links = Links::new(
        &report.path,
        scope.layout,
        &scope.reports_dir,
        scope.publishable,
    );
    let mut targets: Vec<PathBuf> = Vec::new();
    let mut resolve = |target: &str| {
        Some(match links.decide(target, |p| scope.reports.contains(p))? {
            Link::Report(abs) => {
                let n = targets.len();
                targets.push(abs);
                format!("{PLACEHOLDER}{n}.html")
            }
            Link::Artifact(href) => format!("{PLACEHOLDER}{OWN}/{href}"),
        })
    };
    let mut html = markdown::render_tree(root, report.source.len(), &mut resolve);
    // Kept until the page is written, with every other report's: no spare capacity.
    html.shrink_to_fit();
    Body::Rendered {
        html,
        targets,
        files: links.files,
    }
}

impl Body {
    /// The finished HTML given the page's own slug and every report's slug; `None` when a
    /// linked report is not published (it could not be read), so the page decides again.
    pub fn html(
        html: &str,
        targets: &[PathBuf],
        own: &str,
        pages: &HashMap<PathBuf, String>,
    ) -> Option<String> {
        let slugs: Vec<&str> = targets
            .iter()
            .map(|t| pages.get(t).map(String::as_str))
            .collect::<Option<_>>()?;
        Some(fill(html, own, &slugs))
    }
}

/// `html` with every placeholder that opens an `href` or `src` value replaced by its slug.
fn fill(html: &str, own: &str, slugs: &[&str]) -> String {
    let mut out = String::with_capacity(html.len() + 64 * slugs.len());
    let mut rest = html;
    while let Some(at) = rest.find(PLACEHOLDER) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let after = &from[PLACEHOLDER.len()..];
        let opens_value = before.ends_with("href=\"") || before.ends_with("src=\"");
        let slug = if !opens_value {
            None
        } else if let Some(tail) = after.strip_prefix(OWN) {
            Some((own, tail))
        } else {
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            after[..digits]
                .parse::<usize>()
                .ok()
                .and_then(|n| slugs.get(n))
                .map(|s| (*s, &after[digits..]))
        };
        match slug {
            Some((slug, tail)) => {
                out.push_str(slug);
                rest = tail;
            }
            None => {
                out.push_str(PLACEHOLDER);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::LoadOptions;

    /// The page rendered from the model's tree is the page rendered from its own parse: the
    /// two parsers' options and limits have not drifted apart.
    #[test]
    fn the_model_tree_renders_as_its_own_parse_would() {
        let md = concat!(
            "---\nid: PM-1\ntitle: x\n---\n\n# Title\n\n## Summary\n\n",
            "Text with *emphasis*, **strong**, ~~struck~~, `code`, www.example.com and ",
            "https://example.com/a?b=1, <b>raw</b> and a<br>break.\n\n",
            "<div onclick=\"x\">block</div>\n\n<!-- pm-ignore PM101 -->\n\n",
            "> quoted\n> > nested\n\n- [x] done\n- [ ] open\n\n",
            "| a | b |\n|:--|--:|\n| [other](other.md#top) | ![img](missing.png) |\n\n",
            "[js](javascript:alert(1)) [mail](mailto:a@example.com) [frag](#summary)\n\n",
            "```sh\necho <hi>\n```\n\n",
            "*****************************************x**************************************\n",
        );
        let resolve = |target: &str| (target == "other.md").then(|| "other.html".to_owned());
        let (_, from_tree) = Report::from_vec_with(
            Path::new("r.md"),
            md.as_bytes().to_vec(),
            &LoadOptions::default(),
            |report, root| markdown::render_tree(root, report.source.len(), &mut { resolve }),
        )
        .unwrap();
        assert!(markdown::fits_model_tree(md));
        assert_eq!(from_tree, markdown::render(md, &mut { resolve }));
        assert!(
            from_tree.contains(r#"href="other.html#top""#),
            "{from_tree}"
        );
        assert!(!markdown::fits_model_tree("a[^1]\n\n[^1]: note\n"));
    }

    #[test]
    fn a_link_to_a_report_that_is_not_published_means_render_again() {
        let pages: HashMap<PathBuf, String> = [(PathBuf::from("/r/a.md"), "a".to_owned())]
            .into_iter()
            .collect();
        let html = r#"<a href="pm-slug-0.html">a</a> <a href="pm-slug-1.html">b</a>"#;
        let one = [PathBuf::from("/r/a.md")];
        let two = [PathBuf::from("/r/a.md"), PathBuf::from("/r/broken.md")];
        assert_eq!(
            Body::html(html, &one, "me", &pages).as_deref(),
            Some(r#"<a href="a.html">a</a> <a href="pm-slug-1.html">b</a>"#)
        );
        assert_eq!(Body::html(html, &two, "me", &pages), None);
    }

    #[test]
    fn only_placeholders_that_open_a_link_are_filled() {
        let html = concat!(
            r#"<a href="pm-slug-0.html#x">a</a> <a href="pm-slug-self/log.txt">b</a> "#,
            r#"<img src="pm-slug-1.html" alt="pm-slug-0" /> pm-slug-self "#,
            r#"<h2 data-heading-content="pm-slug-0">"#,
        );
        assert_eq!(
            fill(html, "me", &["other", "third"]),
            concat!(
                r#"<a href="other.html#x">a</a> <a href="me/log.txt">b</a> "#,
                r#"<img src="third.html" alt="pm-slug-0" /> pm-slug-self "#,
                r#"<h2 data-heading-content="pm-slug-0">"#,
            )
        );
    }
}
