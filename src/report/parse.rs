//! The one place that walks comrak's syntax tree: it turns the Markdown of a report into the
//! model's sections, timeline, whys, root cause, lessons, action items and comments. The arena
//! lives only for the length of [`parse`]; everything kept is owned data with positions.
//!
//! Hostile Markdown can nest blocks very deeply, so nothing here recurses over the tree: it uses
//! comrak's iterative traversals or looks at a fixed depth.

use std::borrow::Cow;
use std::path::Path;

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, parse_document};

use super::actions::{ActionColumn, ActionItem, ActionStatus, ActionTable};
use super::front_matter::{self, FrontMatter, FrontMatterError, FrontMatterErrorKind};
use super::rca::{Labelled, Lesson, LessonKind, Why, parse_why, strip_label};
use super::sections::{Section, SectionKind, normalize_heading};
use super::table::{Cell, header_key};
use super::time::{parse_date, parse_row_time, resolve_row_times};
use super::timeline::{Timeline, TimelineRow};
use super::{LoadOptions, Report};
use crate::span::{LineIndex, Span, saturate};

type Node<'a> = &'a AstNode<'a>;

fn comrak_options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.tasklist = true;
    o.extension.autolink = true;
    o.extension.front_matter_delimiter = Some("---".to_owned());
    o
}

/// `text` becomes the report's source.
pub(super) fn parse(path: &Path, text: String, options: &LoadOptions) -> Report {
    parse_with(path, text, options, |_, _| ()).0
}

/// [`parse`], then `with` gets the finished report and comrak's tree while the arena is alive
/// (the site renders the page from it, so a report is parsed once). The tree is the model's:
/// parsed with [`comrak_options`] from the defused text (columns in bytes, as comrak counts them).
pub(super) fn parse_with<R>(
    path: &Path,
    text: String,
    options: &LoadOptions,
    with: impl for<'a> FnOnce(&Report, &'a AstNode<'a>) -> R,
) -> (Report, R) {
    let arena = Arena::new();
    let lines = LineIndex::new(&text);
    let root = parse_document(&arena, &defuse(&text, &lines), &comrak_options());

    let mut children: Vec<Node> = root.children().collect();
    let (front_matter, front_matter_end) = match children
        .first()
        .map(|n| n.data().sourcepos.end.line)
    {
        Some(end) if matches!(children[0].data().value, NodeValue::FrontMatter(_)) => {
            children.remove(0);
            let end_line = saturate(end);
            let yaml = match (lines.offset(&text, 2), lines.offset(&text, end_line)) {
                (Some(a), Some(b)) if a <= b => &text[a..b],
                _ => "",
            };
            (front_matter::parse(yaml, 2, end_line), end_line)
        }
        // comrak does not see `---` directly followed by `---` as a (empty) block.
        _ if text.lines().take(2).all(|l| l.trim_end() == "---") && text.lines().count() >= 2 => {
            (front_matter::parse("", 2, 2), 2)
        }
        _ => (Err(missing_front_matter(&text)), 0),
    };
    let date = front_matter
        .as_ref()
        .ok()
        .and_then(|m: &FrontMatter| m.date);

    let mut report = Report {
        path: path.to_owned(),
        source: text,
        lines,
        front_matter,
        front_matter_end,
        heading: None,
        sections: Vec::new(),
        timeline: None,
        whys: Vec::new(),
        root_cause: None,
        lessons: Vec::new(),
        actions: None,
        comments: Vec::new(),
    };

    let cols = Columns::new(&report.source, &report.lines);
    report.comments = comments(root, &cols);
    for (heading, blocks) in group_sections(&children, &mut report.heading, &cols) {
        let mut heading_text = plain_text(heading);
        if heading_text.contains('\n') {
            heading_text = heading_text.replace('\n', " ");
        }
        let kind = options.sections.classify(&heading_text);
        let first_of_kind = kind.as_ref().is_some_and(|k| report.section(k).is_none());
        let end_line = blocks.last().map_or(cols.span(heading).line, |b| {
            saturate(b.data().sourcepos.end.line)
        });
        if first_of_kind {
            match kind {
                Some(SectionKind::Timeline) => report.timeline = timeline(&blocks, date, &cols),
                Some(SectionKind::RootCauseAnalysis) => {
                    report.whys = whys(&blocks, &report, end_line, &cols);
                    report.root_cause = root_cause(&blocks, &report, &cols);
                }
                Some(SectionKind::LessonsLearned) => report.lessons = lessons(&blocks, &cols),
                Some(SectionKind::ActionItems) => report.actions = action_table(&blocks, &cols),
                _ => {}
            }
        }
        report.sections.push(Section {
            kind,
            heading: heading_text.trim().to_owned(),
            span: cols.span(heading),
            end_line,
            is_empty: blocks.iter().all(|b| is_filler(b)),
        });
    }
    let extra = with(&report, root);
    (report, extra)
}

/// comrak counts columns in bytes; spans count characters. comrak can convert them itself
/// (`sourcepos_chars`), but it converts every node, counting from the start of the line each
/// time: quadratic on a long line with many nodes. Here only the nodes a span is taken of are
/// converted (a few dozen of a report's thousands of nodes), an ASCII text (most reports) by
/// clamping columns past the end of a line as comrak does, another with one table of character
/// counts, built when first needed. The columns are those comrak would give.
struct Columns<'t> {
    text: &'t str,
    lines: &'t LineIndex,
    /// Characters starting before each byte offset (and at the end), for a text not ASCII.
    chars_before: std::cell::OnceCell<Option<Vec<u32>>>,
}

impl<'t> Columns<'t> {
    fn new(text: &'t str, lines: &'t LineIndex) -> Self {
        Self {
            text,
            lines,
            chars_before: std::cell::OnceCell::new(),
        }
    }

    /// Where a node starts, its column in characters.
    fn span(&self, node: Node) -> Span {
        let p = node.data().sourcepos.start;
        Span::new(
            saturate(p.line.max(1)),
            saturate(self.chars(p.line, p.column).max(1)),
        )
    }

    /// comrak's byte column `column` of line `line` in characters.
    fn chars(&self, line: usize, column: usize) -> usize {
        if column == 0 {
            return 0;
        }
        let Some((start, line)) = comrak_line(self.text, self.lines, line) else {
            return column;
        };
        if column > line.len() {
            self.count(start, start + line.len()) + 1
        } else {
            // The characters that start at or before the column's byte.
            self.count(start, start + column)
        }
    }

    /// The characters of `text[start..end]`.
    fn count(&self, start: usize, end: usize) -> usize {
        let table = self.chars_before.get_or_init(|| {
            (!self.text.is_ascii()).then(|| {
                let mut table = Vec::with_capacity(self.text.len() + 1);
                let mut count = 0u32;
                for &b in self.text.as_bytes() {
                    table.push(count);
                    // Every byte but a UTF-8 continuation byte starts a character.
                    if (b as i8) >= -0x40 {
                        count = count.saturating_add(1);
                    }
                }
                table.push(count);
                table
            })
        });
        match table {
            Some(table) => (table[end] - table[start]) as usize,
            None => end - start,
        }
    }
}

/// A 1-based line as comrak sees it (`str::lines`: a `\r` is dropped only before a `\n`), with
/// its byte offset; `None` past the last line.
fn comrak_line<'t>(text: &'t str, lines: &LineIndex, line: usize) -> Option<(usize, &'t str)> {
    let n = u32::try_from(line).ok()?;
    let start = lines.offset(text, n)?;
    if start >= text.len() {
        return None;
    }
    let end = n
        .checked_add(1)
        .and_then(|next| lines.offset(text, next))
        .unwrap_or(text.len());
    let raw = &text[start..end];
    Some(match raw.strip_suffix('\n') {
        Some(l) => (start, l.strip_suffix('\r').unwrap_or(l)),
        None => (start, raw),
    })
}

/// Deepest blockquote nesting and longest `*`/`_` run handed to comrak, and the most `|` on a
/// line: comrak's time grows with the square of each (20,000 nested `>` take a second), so a
/// hostile file could stall a pre-commit hook. No real report comes near these limits.
const MAX_QUOTE_DEPTH: usize = 32;
const MAX_DELIMITER_RUN: usize = 32;
const MAX_PIPES: usize = 128;

/// Blanks out (with spaces, so every position stays the same) the excess of the constructs above.
fn defuse<'t>(text: &'t str, lines: &LineIndex) -> Cow<'t, str> {
    let bytes = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut blank = |i: usize| out.get_or_insert_with(|| bytes.to_vec())[i] = b' ';
    for (number, line) in (1..).zip(lines.lines(text)) {
        let line_start = lines.offset(text, number).unwrap_or(0);
        let line = line.as_bytes();
        let mut depth = 0;
        for (i, &b) in line
            .iter()
            .enumerate()
            .take_while(|(_, b)| matches!(b, b'>' | b' ' | b'\t'))
        {
            if b == b'>' {
                depth += 1;
                if depth > MAX_QUOTE_DEPTH {
                    blank(line_start + i);
                }
            }
        }
        // Counting clears nearly every line: a run needs as many delimiters, and the pipes must
        // be there to be too many.
        let (pipes, delimiters) = pipes_and_delimiters(line);
        if pipes <= MAX_PIPES && delimiters <= MAX_DELIMITER_RUN {
            continue;
        }
        let mut run = 0;
        let mut prev = 0u8;
        let mut pipes = 0;
        for (i, &b) in line.iter().enumerate() {
            run = if matches!(b, b'*' | b'_') && b == prev {
                run + 1
            } else {
                1
            };
            prev = b;
            if matches!(b, b'*' | b'_') && run > MAX_DELIMITER_RUN {
                blank(line_start + i);
            }
            if b == b'|' {
                pipes += 1;
                if pipes > MAX_PIPES {
                    blank(line_start + i);
                }
            }
        }
    }
    match out {
        // Only ASCII bytes were replaced by ASCII spaces, so the text is still UTF-8.
        Some(v) => Cow::Owned(
            String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
        None => Cow::Borrowed(text),
    }
}

/// How many bytes of a line are `|`, and how many are `*` or `_`. Counted in chunks short enough
/// for byte-sized counters, a loop the compiler vectorises.
fn pipes_and_delimiters(line: &[u8]) -> (usize, usize) {
    line.chunks(usize::from(u8::MAX))
        .map(|chunk| {
            chunk.iter().fold((0u8, 0u8), |(p, d), &b| {
                (
                    p + u8::from(b == b'|'),
                    d + u8::from(matches!(b, b'*' | b'_')),
                )
            })
        })
        .fold((0, 0), |(p, d), (cp, cd)| {
            (p + usize::from(cp), d + usize::from(cd))
        })
}

fn missing_front_matter(text: &str) -> FrontMatterError {
    let first = text.lines().next().unwrap_or("");
    let (kind, message, help) = if first.trim_end() == "---" {
        (
            FrontMatterErrorKind::Unclosed,
            "the front matter is not closed",
            "end the YAML block with a line holding only `---`",
        )
    } else if first.starts_with("---") {
        (
            FrontMatterErrorKind::Unclosed,
            "the front matter's opening `---` has other characters after it",
            "the first line must be exactly `---`",
        )
    } else if text
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_end() == "---")
    {
        (
            FrontMatterErrorKind::Missing,
            "the front matter does not start on the first line",
            "remove the blank lines above the opening `---`",
        )
    } else {
        (
            FrontMatterErrorKind::Missing,
            "the report has no front matter",
            "start the file with a YAML block between `---` lines: title, date, status, severity, authors and impact (`pm new` writes one)",
        )
    };
    FrontMatterError {
        kind,
        span: Span::line(1),
        message: message.to_owned(),
        help: help.to_owned(),
    }
}

/// Splits the top-level blocks into level-2 sections; the first level-1 heading becomes the
/// report's heading, and any level-1 heading ends the section before it.
fn group_sections<'a>(
    children: &[Node<'a>],
    title: &mut Option<Labelled>,
    cols: &Columns,
) -> Vec<(Node<'a>, Vec<Node<'a>>)> {
    let mut groups: Vec<(Node<'a>, Vec<Node<'a>>)> = Vec::new();
    let mut open = false;
    for &node in children {
        let level = match node.data().value {
            NodeValue::Heading(h) => Some(h.level),
            _ => None,
        };
        match level {
            Some(1) => {
                if title.is_none() {
                    *title = Some(Labelled {
                        text: one_line(node),
                        span: cols.span(node),
                    });
                }
                open = false;
            }
            Some(2) => {
                groups.push((node, Vec::new()));
                open = true;
            }
            _ if open => {
                if let Some((_, blocks)) = groups.last_mut() {
                    blocks.push(node);
                }
            }
            _ => {}
        }
    }
    groups
}

/// Blocks that do not count as content: sub-headings and HTML comments.
fn is_filler(node: Node) -> bool {
    match &node.data().value {
        NodeValue::Heading(_) => true,
        NodeValue::HtmlBlock(h) => only_comments(&h.literal),
        _ => false,
    }
}

fn only_comments(html: &str) -> bool {
    let mut rest = html.trim();
    while let Some(after) = rest.strip_prefix("<!--") {
        match after.find("-->") {
            Some(end) => rest = after[end + 3..].trim_start(),
            None => return false,
        }
    }
    rest.is_empty()
}

/// The text of a node with markup removed; soft and hard line breaks become `\n`.
fn plain_text(node: Node) -> String {
    plain_text_until(node, false)
}

/// [`plain_text`] up to and with its first line break: its first line is the first line of
/// [`plain_text`], without the rest of a long paragraph.
fn plain_text_to_first_break(node: Node) -> String {
    plain_text_until(node, true)
}

fn plain_text_until(node: Node, first_break: bool) -> String {
    let mut out = String::new();
    for d in node.descendants().skip(1) {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => {
                out.push('\n');
                if first_break {
                    break;
                }
            }
            _ => {}
        }
    }
    out
}

/// [`plain_text`] on one line (breaks become spaces), trimmed: what a cell or a label shows.
/// The same as `plain_text(node).replace('\n', " ").trim().to_owned()`, without the copies
/// when there is nothing to replace or trim.
fn one_line(node: Node) -> String {
    let mut text = plain_text(node);
    if text.contains('\n') {
        text = text.replace('\n', " ");
    }
    let trimmed = text.trim();
    if trimmed.len() == text.len() {
        text
    } else {
        trimmed.to_owned()
    }
}

fn first_link(node: Node) -> Option<String> {
    node.descendants().find_map(|d| match &d.data().value {
        NodeValue::Link(l) => Some(l.url.clone()),
        _ => None,
    })
}

fn descendants_of<'a>(blocks: &[Node<'a>]) -> impl Iterator<Item = Node<'a>> {
    blocks.iter().flat_map(|b| b.descendants())
}

/// The rows of a table as cells; the bool says whether it is the header row.
fn table_rows(table: Node, cols: &Columns) -> Vec<(Span, bool, Vec<Cell>)> {
    table
        .children()
        .filter_map(|row| {
            let NodeValue::TableRow(header) = row.data().value else {
                return None;
            };
            let row_span = cols.span(row);
            let cells = row
                .children()
                .map(|c| {
                    // Point at the content, not at the padding after the `|`.
                    let at = c.first_child().unwrap_or(c);
                    Cell {
                        text: one_line(c),
                        span: if at.data().sourcepos.start.line == 0 {
                            row_span
                        } else {
                            cols.span(at)
                        },
                        url: first_link(c),
                    }
                })
                .collect();
            Some((row_span, header, cells))
        })
        .collect()
}

fn is_table(node: Node) -> bool {
    matches!(node.data().value, NodeValue::Table(_))
}

fn timeline(blocks: &[Node], date: Option<chrono::NaiveDate>, cols: &Columns) -> Option<Timeline> {
    let table = descendants_of(blocks).find(|n| is_table(n))?;
    let rows = table_rows(table, cols);
    let event_col = rows
        .iter()
        .find(|(_, header, _)| *header)
        .and_then(|(_, _, cells)| {
            cells.iter().position(|c| {
                matches!(
                    header_key(&c.text).as_str(),
                    "event" | "events" | "description" | "what happened" | "details"
                )
            })
        })
        .unwrap_or(1);
    let body: Vec<_> = rows
        .into_iter()
        .filter(|(_, header, cells)| !header && cells.iter().any(|c| c.value().is_some()))
        .collect();
    let times: Vec<_> = body
        .iter()
        .map(|(_, _, cells)| parse_row_time(cells.first().map_or("", |c| c.text.as_str())))
        .collect();
    let resolved = resolve_row_times(&times, date);
    let rows = body
        .into_iter()
        .zip(resolved)
        .map(|((row_span, _, cells), at)| {
            let mut cells = cells.into_iter();
            let time = cells.next();
            let event = match event_col {
                0 => time.clone(),
                n => cells.nth(n - 1),
            };
            TimelineRow {
                span: row_span,
                time: time.unwrap_or(Cell {
                    text: String::new(),
                    span: row_span,
                    url: None,
                }),
                at,
                event,
            }
        })
        .collect();
    Some(Timeline {
        span: cols.span(table),
        rows,
    })
}

fn whys(blocks: &[Node], report: &Report, section_end: u32, cols: &Columns) -> Vec<Why> {
    // (why, last line of its region if known from its list item)
    let mut found: Vec<(Why, Option<u32>)> = Vec::new();
    for node in descendants_of(blocks) {
        if !matches!(node.data().value, NodeValue::Paragraph) {
            continue;
        }
        let text = plain_text_to_first_break(node);
        let first_line = text.lines().next().unwrap_or("");
        let Some((number, answer)) = parse_why(first_line) else {
            continue;
        };
        let item_end = node
            .parent()
            .filter(|p| {
                matches!(p.data().value, NodeValue::Item(_))
                    && p.first_child().is_some_and(|c| std::ptr::eq(c, node))
            })
            .map(|p| saturate(p.data().sourcepos.end.line));
        found.push((
            Why {
                number,
                text: answer.to_owned(),
                span: cols.span(node),
                evidence: None,
            },
            item_end,
        ));
    }
    let starts: Vec<u32> = found.iter().map(|(w, _)| w.span.line).collect();
    found
        .into_iter()
        .enumerate()
        .map(|(i, (mut why, item_end))| {
            let next = starts
                .get(i + 1)
                .map_or(section_end, |&l| l.saturating_sub(1));
            let end = item_end.unwrap_or(next).min(next.max(why.span.line));
            why.evidence = (why.span.line..=end).find_map(|line| {
                let text = report.line(line)?;
                let (col, rest) = strip_label(text, &["evidence"])?;
                Some(Labelled {
                    text: rest.to_owned(),
                    span: Span::new(line, saturate(col + 1)),
                })
            });
            why
        })
        .collect()
}

const ROOT_CAUSE_LABELS: &[&str] = &["root cause statement", "root cause"];

fn root_cause(blocks: &[Node], report: &Report, cols: &Columns) -> Option<Labelled> {
    for node in descendants_of(blocks) {
        match &node.data().value {
            NodeValue::Paragraph => {
                let start = cols.span(node);
                let source_line = report.line(start.line).unwrap_or("");
                let Some((col, rest)) = strip_label(source_line, ROOT_CAUSE_LABELS) else {
                    continue;
                };
                let text = plain_text(node);
                let mut statement = text.split_once(':').map_or(rest.to_owned(), |(_, after)| {
                    after.replace('\n', " ").trim().to_owned()
                });
                if statement.is_empty()
                    && let Some(next) = node
                        .next_sibling()
                        .filter(|n| matches!(n.data().value, NodeValue::Paragraph))
                {
                    statement = one_line(next);
                }
                return Some(Labelled {
                    text: statement,
                    span: Span::new(start.line, saturate(col + 1)),
                });
            }
            NodeValue::Heading(h) if h.level >= 3 => {
                let name = normalize_heading(&plain_text(node));
                if !matches!(
                    name.as_str(),
                    "root cause" | "root cause statement" | "the root cause"
                ) {
                    continue;
                }
                let next = node.next_sibling()?;
                if is_filler(next) {
                    continue;
                }
                return Some(Labelled {
                    text: one_line(next),
                    span: cols.span(next),
                });
            }
            _ => {}
        }
    }
    None
}

fn lessons(blocks: &[Node], cols: &Columns) -> Vec<Lesson> {
    let mut out = Vec::new();
    let mut kind = None;
    for &block in blocks {
        match &block.data().value {
            NodeValue::Heading(_) => kind = LessonKind::from_label(&plain_text(block)),
            NodeValue::Paragraph => {
                let text = plain_text(block).replace('\n', " ");
                if let Some((label_kind, rest)) = lesson_label(&text) {
                    kind = Some(label_kind);
                    if !rest.is_empty() {
                        out.push(Lesson {
                            kind,
                            text: rest.to_owned(),
                            span: cols.span(block),
                        });
                    }
                }
            }
            NodeValue::List(_) => list_lessons(block, kind, cols, &mut out),
            _ => {}
        }
    }
    out
}

/// Items of a lessons list; an item that is itself a label (`- **What went well:**`) sets the
/// kind of the list nested in it (one level, which is as deep as such lists go).
fn list_lessons(list: Node, kind: Option<LessonKind>, cols: &Columns, out: &mut Vec<Lesson>) {
    for item in list.children() {
        let Some(first) = item.first_child() else {
            continue;
        };
        let text = if matches!(first.data().value, NodeValue::Paragraph) {
            one_line(first)
        } else {
            String::new()
        };
        match lesson_label(&text) {
            Some((label_kind, rest)) => {
                if !rest.is_empty() {
                    out.push(Lesson {
                        kind: Some(label_kind),
                        text: rest.to_owned(),
                        span: cols.span(item),
                    });
                }
                for nested in item
                    .children()
                    .filter(|c| matches!(c.data().value, NodeValue::List(_)))
                {
                    for sub in nested.children() {
                        let t = sub
                            .first_child()
                            .map(|p| plain_text(p).replace('\n', " "))
                            .unwrap_or_default();
                        if !t.trim().is_empty() {
                            out.push(Lesson {
                                kind: Some(label_kind),
                                text: t.trim().to_owned(),
                                span: cols.span(sub),
                            });
                        }
                    }
                }
            }
            None if !text.is_empty() => out.push(Lesson {
                kind,
                text,
                span: cols.span(item),
            }),
            None => {}
        }
    }
}

/// `What went well`, `What went well:` or `What went well: the alert fired` → the kind and the
/// text after the label. A long sentence that merely mentions luck is not a label.
fn lesson_label(text: &str) -> Option<(LessonKind, &str)> {
    let (label, rest) = text.split_once(':').unwrap_or((text, ""));
    if label.split_whitespace().count() > 6 {
        return None;
    }
    Some((LessonKind::from_label(label)?, rest.trim()))
}

fn action_table(blocks: &[Node], cols: &Columns) -> Option<ActionTable> {
    let tables: Vec<Node> = descendants_of(blocks).filter(|n| is_table(n)).collect();
    let columns_of = |rows: &[(Span, bool, Vec<Cell>)]| -> Vec<Option<ActionColumn>> {
        rows.iter()
            .find(|(_, header, _)| *header)
            .map(|(_, _, cells)| {
                cells
                    .iter()
                    .map(|c| ActionColumn::from_header(&c.text))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut parsed: Vec<_> = tables
        .iter()
        .map(|t| {
            let rows = table_rows(t, cols);
            (cols.span(t), columns_of(&rows), rows)
        })
        .collect();
    let chosen = parsed
        .iter()
        .position(|(_, columns, _)| columns.contains(&Some(ActionColumn::Action)))
        .unwrap_or(0);
    if chosen >= parsed.len() {
        return None;
    }
    let (table_span, columns, rows) = parsed.swap_remove(chosen);
    let items = rows
        .into_iter()
        .filter(|(_, header, cells)| !header && cells.iter().any(|c| c.value().is_some()))
        .enumerate()
        .map(|(i, (row_span, _, cells))| {
            // Each column is read once: the cells move into the item.
            let mut cells: Vec<Option<Cell>> = cells.into_iter().map(Some).collect();
            let mut cell = |col: ActionColumn| -> Option<Cell> {
                let i = columns.iter().position(|c| *c == Some(col))?;
                cells.get_mut(i)?.take()
            };
            let due = cell(ActionColumn::Due);
            let status = cell(ActionColumn::Status);
            ActionItem {
                index: i + 1,
                span: row_span,
                number: cell(ActionColumn::Number),
                action: cell(ActionColumn::Action),
                owner: cell(ActionColumn::Owner),
                due_date: due.as_ref().and_then(|c| parse_date(&c.text)),
                due,
                category: cell(ActionColumn::Category),
                status_kind: status.as_ref().and_then(|c| ActionStatus::parse(&c.text)),
                status,
                tracker: cell(ActionColumn::Tracker),
            }
        })
        .collect();
    Some(ActionTable {
        span: table_span,
        columns: columns.into_iter().flatten().collect(),
        items,
    })
}

/// Every HTML comment in the document, block or inline.
fn comments(root: Node, cols: &Columns) -> Vec<Labelled> {
    root.descendants()
        .filter_map(|n| {
            let text = match &n.data().value {
                NodeValue::HtmlBlock(h) => h.literal.trim().to_owned(),
                NodeValue::HtmlInline(h) => h.trim().to_owned(),
                _ => return None,
            };
            let inner = text.strip_prefix("<!--")?;
            let inner = inner.trim_end().strip_suffix("-->").unwrap_or(inner);
            Some(Labelled {
                text: inner.trim().to_owned(),
                span: cols.span(n),
            })
        })
        .collect()
}
