//! A report's Markdown as HTML for its page: GitHub-flavoured (tables, task lists, strikethrough,
//! autolinks, footnotes), with every link decided here rather than passed through. Raw HTML is
//! dropped (a `<br>` becomes a line break); external links keep only `http`, `https` and
//! `mailto`; relative links go through the caller's resolver (artifacts, other reports) and
//! become plain text when it does not know them; the title heading is left to the page.
//!
//! comrak's safe mode stays on underneath as a second line of defence.

use std::borrow::Cow;

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, format_html, parse_document};

use super::safe::{clean_string, external_href, has_scheme, percent_decode};

type Node<'a> = &'a AstNode<'a>;

/// What a relative link or image points at, as the page should link it. Given the target's
/// path with `%` escapes decoded (never empty, never absolute); `None` drops the link.
pub type Resolve<'r> = dyn FnMut(&str) -> Option<String> + 'r;

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.tasklist = true;
    o.extension.autolink = true;
    o.extension.footnotes = true;
    o.extension.front_matter_delimiter = Some("---".to_owned());
    // Heading ids get a prefix so a heading can never take an id the page layout uses.
    o.extension.header_id_prefix = Some("sec-".to_owned());
    o.extension.header_id_prefix_in_href = true;
    o.render.r#unsafe = false;
    o
}

/// Renders the body of a report (front matter and the leading `# Title` left out).
pub fn render(source: &str, resolve: &mut Resolve) -> String {
    let arena = Arena::new();
    let root = parse_document(&arena, &defuse(source), &options());
    render_tree(root, source.len(), resolve)
}

/// Whether the report model's tree of `source` is the tree [`render`] would parse: the model
/// parses with the same options and limits but without footnotes, which only `[^` can start.
pub fn fits_model_tree(source: &str) -> bool {
    !source.contains("[^")
}

/// [`render`] from a tree already parsed (the report model's, see [`fits_model_tree`]); the
/// tree is changed on the way. `source_len` is the Markdown's length, to size the output.
pub fn render_tree<'a>(root: Node<'a>, source_len: usize, resolve: &mut Resolve) -> String {
    let nodes: Vec<Node> = root.descendants().collect();
    drop_title(root);
    for node in nodes {
        // Decided on a borrow (text nodes are never cloned), changed after it ends.
        let change = match &node.data().value {
            NodeValue::HtmlBlock(_) | NodeValue::FrontMatter(_) => Change::Drop,
            NodeValue::HtmlInline(html) if is_line_break(html) => Change::LineBreak,
            NodeValue::HtmlInline(_) => Change::Drop,
            NodeValue::Link(link) | NodeValue::Image(link) => match target(&link.url, resolve) {
                Some(url) => Change::Url(url),
                None => Change::Unwrap,
            },
            _ => continue,
        };
        match change {
            Change::Drop => node.detach(),
            Change::LineBreak => node.data_mut().value = NodeValue::LineBreak,
            Change::Url(url) => set_url(node, url),
            Change::Unwrap => unwrap(node),
        }
    }
    // Paragraphs that held only raw HTML are empty now.
    let empty: Vec<Node> = root
        .descendants()
        .filter(|n| matches!(n.data().value, NodeValue::Paragraph) && n.first_child().is_none())
        .collect();
    for node in empty {
        node.detach();
    }
    let mut html = String::with_capacity(source_len + source_len / 2);
    if format_html(root, &options(), &mut html).is_err() {
        return String::new();
    }
    // The HTML `align` attribute is obsolete; the stylesheet aligns these classes instead.
    // Text and attribute values are escaped by now (`"` is `&quot;`), so only comrak's own
    // attributes can match.
    if html.contains(" align=\"") {
        html = html
            .replace(" align=\"left\"", " class=\"align-left\"")
            .replace(" align=\"center\"", " class=\"align-center\"")
            .replace(" align=\"right\"", " class=\"align-right\"");
    }
    clean_string(html)
}

/// What happens to a node.
enum Change {
    Drop,
    LineBreak,
    Url(String),
    /// Replaced by its content.
    Unwrap,
}

/// The page shows the title from the front matter; a `# Title` opening the body would repeat it.
fn drop_title(root: Node) {
    let first = root
        .children()
        .find(|n| !matches!(n.data().value, NodeValue::FrontMatter(_)));
    if let Some(node) = first
        && matches!(&node.data().value, NodeValue::Heading(h) if h.level == 1)
    {
        node.detach();
    }
}

fn is_line_break(html: &str) -> bool {
    let tag: String = html
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '/')
        .collect();
    tag.eq_ignore_ascii_case("<br>")
}

/// The published target of a link or image, or `None` to drop it.
fn target(url: &str, resolve: &mut Resolve) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    if let Some(fragment) = url.strip_prefix('#') {
        return Some(format!("#{}", super::safe::encode_segment(fragment)));
    }
    if has_scheme(url) || url.starts_with("//") {
        return external_href(url);
    }
    if url.starts_with(['/', '\\']) {
        return None;
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let decoded = percent_decode(path)?;
    if decoded.is_empty() {
        return None;
    }
    let resolved = resolve(&decoded)?;
    Some(match fragment {
        Some(f) if !f.is_empty() => format!("{resolved}#{}", super::safe::encode_segment(f)),
        _ => resolved,
    })
}

fn set_url(node: Node, url: String) {
    match &mut node.data_mut().value {
        NodeValue::Link(link) | NodeValue::Image(link) => link.url = url,
        _ => {}
    }
}

/// Replaces a link or image by its content (an image's content is its alt text).
fn unwrap(node: Node) {
    let children: Vec<Node> = node.children().collect();
    for child in children {
        node.insert_before(child);
    }
    node.detach();
}

/// Deepest blockquote nesting and longest `*`/`_` run handed to comrak, and the most `|` on a
/// line: comrak's time grows with the square of each, so a hostile report could stall the build.
/// The same limits as the report model's parser (`report::parse`), so the page shows what `pm
/// check` read.
const MAX_QUOTE_DEPTH: usize = 32;
const MAX_DELIMITER_RUN: usize = 32;
const MAX_PIPES: usize = 128;

/// Blanks out (with spaces) the excess of the constructs above.
fn defuse(text: &str) -> Cow<'_, str> {
    let mut out: Option<Vec<u8>> = None;
    let bytes = text.as_bytes();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let mut depth = 0;
        let mut run = 0;
        let mut prev = 0u8;
        let mut pipes = 0;
        let mut in_prefix = true;
        for (i, &b) in line.as_bytes().iter().enumerate() {
            in_prefix &= matches!(b, b'>' | b' ' | b'\t');
            let excess = if in_prefix && b == b'>' {
                depth += 1;
                depth > MAX_QUOTE_DEPTH
            } else if matches!(b, b'*' | b'_') {
                run = if b == prev { run + 1 } else { 1 };
                run > MAX_DELIMITER_RUN
            } else if b == b'|' {
                pipes += 1;
                pipes > MAX_PIPES
            } else {
                false
            };
            if !matches!(b, b'*' | b'_') {
                run = 0;
            }
            prev = b;
            if excess {
                out.get_or_insert_with(|| bytes.to_vec())[start + i] = b' ';
            }
        }
        start += line.len();
    }
    match out {
        // Only ASCII bytes were replaced by ASCII spaces, so the text is still UTF-8.
        Some(v) => Cow::Owned(String::from_utf8_lossy(&v).into_owned()),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, &mut |path: &str| {
            (path == "log.txt").then(|| "files/log.txt".to_owned())
        })
    }

    #[test]
    fn raw_html_is_dropped_and_br_kept() {
        let out = html("a <script>alert(1)</script> b<br>c\n\n<div onclick=\"x\">block</div>\n");
        assert!(
            !out.contains("<script") && !out.contains("onclick"),
            "{out}"
        );
        assert!(out.contains("<br />"), "{out}");
    }

    #[test]
    fn dangerous_links_become_text() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "<\tjavascript:alert(1)>",
            "vbscript:x",
            "data:text/html;base64,PHNjcmlwdD4=",
            "data:image/png;base64,AAAA",
            "/etc/passwd",
            "../../../etc/passwd",
            "missing.txt",
        ] {
            let out = html(&format!("[click]({url}) ![img]({url})"));
            assert!(
                !out.contains("href") && !out.contains("src"),
                "{url}: {out}"
            );
            assert!(out.contains("click") && out.contains("img"), "{url}: {out}");
        }
    }

    #[test]
    fn resolved_and_external_links_stay() {
        let out = html("[log](log.txt#L3) [web](https://example.com/a?b=1) [top](#summary)");
        assert!(out.contains(r#"href="files/log.txt#L3""#), "{out}");
        assert!(out.contains(r#"href="https://example.com/a?b=1""#), "{out}");
        assert!(out.contains(r##"href="#summary""##), "{out}");
    }

    #[test]
    fn title_heading_and_front_matter_are_left_out() {
        let out = html("---\ntitle: x\n---\n\n# Title\n\n## Summary\n\ntext | a\n");
        assert!(!out.contains("<h1") && !out.contains("title: x"), "{out}");
        assert!(out.contains("<h2 id=\"sec-summary\""), "{out}");
    }

    #[test]
    fn table_alignment_uses_classes() {
        let out = html("| a | b |\n|:--|--:|\n| 1 | 2 |\n");
        assert!(!out.contains("align="), "{out}");
        assert!(out.contains("class=\"align-right\""), "{out}");
    }

    #[test]
    fn hostile_nesting_is_defused() {
        let deep = ">".repeat(50_000);
        let start = std::time::Instant::now();
        let _ = html(&deep);
        assert!(start.elapsed().as_secs() < 5);
    }
}
